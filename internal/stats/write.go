package stats

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// suppressedMark is how a suppressed count or withheld rate is published.
const suppressedMark = "c"

// WriteDir writes the report into dir: report.html, report.json, and a CSV
// file per table (tables/ID.csv) and per quality measure (quality/ID.csv).
// Each file is written whole or not at all. The files hold only published
// aggregates, so they are readable by all.
func (r *Report) WriteDir(dir string) error {
	const op = "stats.WriteDir"
	if err := r.check(); err != nil {
		return pole.E(op, err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "tables"), filepath.Join(dir, "quality")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return pole.E(op, err)
		}
	}

	var page bytes.Buffer
	if err := r.WriteHTML(&page); err != nil {
		return pole.E(op, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "report.html"), page.Bytes()); err != nil {
		return pole.E(op, err)
	}

	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return pole.E(op, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "report.json"), append(js, '\n')); err != nil {
		return pole.E(op, err)
	}

	for _, t := range r.Tables {
		b, err := tableCSV(t)
		if err != nil {
			return pole.E(op, fmt.Errorf("table %s: %w", t.ID, err))
		}
		if err := writeFileAtomic(filepath.Join(dir, "tables", t.ID+".csv"), b); err != nil {
			return pole.E(op, err)
		}
	}
	for _, q := range r.Quality {
		b, err := qualityCSV(q)
		if err != nil {
			return pole.E(op, fmt.Errorf("quality %s: %w", q.ID, err))
		}
		if err := writeFileAtomic(filepath.Join(dir, "quality", q.ID+".csv"), b); err != nil {
			return pole.E(op, err)
		}
	}
	// A table an earlier report had and this one has not would otherwise
	// be read as this report's.
	keep := map[string]bool{}
	for _, t := range r.Tables {
		keep[filepath.Join("tables", t.ID+".csv")] = true
	}
	for _, q := range r.Quality {
		keep[filepath.Join("quality", q.ID+".csv")] = true
	}
	for _, sub := range []string{"tables", "quality"} {
		old, err := filepath.Glob(filepath.Join(dir, sub, "*.csv"))
		if err != nil {
			return pole.E(op, err)
		}
		for _, f := range old {
			if !keep[filepath.Join(sub, filepath.Base(f))] {
				if err := os.Remove(f); err != nil {
					return pole.E(op, err)
				}
			}
		}
	}
	return nil
}

// tableCSV lays a table out as its rows with their totals and a closing
// Total line. A two-way table has a column per column of the table and a
// Total column; a one-way table has one column, headed by its unit.
func tableCSV(t *Table) ([]byte, error) {
	oneWay := len(t.Cols) == 1
	var header []string
	if oneWay {
		header = []string{t.RowHeader, unitLabel(t)}
	} else {
		header = append(append([]string{t.RowHeader}, t.Cols...), "Total")
	}
	records := [][]string{header}
	for r, label := range t.Rows {
		line := []string{label}
		if oneWay {
			line = append(line, cellCSV(t.Cells[r][0]))
		} else {
			for _, c := range t.Cells[r] {
				line = append(line, cellCSV(c))
			}
			line = append(line, cellCSV(t.RowTotals[r]))
		}
		records = append(records, line)
	}
	total := []string{"Total"}
	if !oneWay {
		for _, c := range t.ColTotals {
			total = append(total, cellCSV(c))
		}
	}
	records = append(records, append(total, cellCSV(t.Total)))
	return encodeCSV(records)
}

// qualityCSV lays a quality measure out as one line for all records, then
// one per force, then one per year.
func qualityCSV(q *Quality) ([]byte, error) {
	records := [][]string{{"scope", "force", "year", "records", "recorded", "valid", "completeness_percent", "validity_percent"}}
	line := func(scope string, f QualityFigure) []string {
		year := ""
		if f.Year != 0 {
			year = strconv.Itoa(f.Year)
		}
		return []string{scope, f.Force, year, cellCSV(f.Records), cellCSV(f.Recorded), cellCSV(f.Valid),
			rateCSV(f.Completeness), rateCSV(f.Validity)}
	}
	records = append(records, line("overall", q.Overall))
	for _, f := range q.ByForce {
		records = append(records, line("force", f))
	}
	for _, f := range q.ByYear {
		records = append(records, line("year", f))
	}
	return encodeCSV(records)
}

func encodeCSV(records [][]string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func cellCSV(c Cell) string {
	if c.Suppressed {
		return suppressedMark
	}
	return strconv.Itoa(c.Value)
}

func rateCSV(r Rate) string {
	if r.Withheld {
		return suppressedMark
	}
	return formatPercent(r.Percent)
}

// writeFileAtomic writes b to a temporary file beside path and renames it
// into place, so that a reader never sees half a file.
func writeFileAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file 0600; published aggregates are for all.
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// check refuses a report that cannot be published as it stands: a number
// whose rule has no definition to link to, a suppressed cell or withheld
// rate that still carries a value, a table whose cells do not match its
// rows and columns, or an id unfit for a file name or repeated.
func (r *Report) check() error {
	defined := make(map[string]bool, len(r.Rules.Definitions))
	for _, d := range r.Rules.Definitions {
		if err := checkID("rule", d.ID, defined); err != nil {
			return err
		}
	}
	rule := func(what, id, rule string) error {
		if !defined[rule] {
			return fmt.Errorf("%s %q counts by rule %q, which has no definition", what, id, rule)
		}
		return nil
	}
	cells := func(what, id string, cs ...Cell) error {
		for _, c := range cs {
			if c.Suppressed && c.Value != 0 {
				return fmt.Errorf("%s %q has a suppressed cell with a value", what, id)
			}
		}
		return nil
	}

	for _, h := range r.Headlines {
		if err := rule("headline", h.ID, h.Rule); err != nil {
			return err
		}
		if err := cells("headline", h.ID, h.Value, h.Low, h.High, h.Records); err != nil {
			return err
		}
	}

	seen := map[string]bool{}
	for _, t := range r.Tables {
		if err := checkID("table", t.ID, seen); err != nil {
			return err
		}
		if err := rule("table", t.ID, t.Rule); err != nil {
			return err
		}
		if len(t.Cols) == 0 || len(t.Cells) != len(t.Rows) || len(t.RowTotals) != len(t.Rows) || len(t.ColTotals) != len(t.Cols) {
			return fmt.Errorf("table %q: %d rows, %d columns, but %d rows of cells, %d row totals, %d column totals",
				t.ID, len(t.Rows), len(t.Cols), len(t.Cells), len(t.RowTotals), len(t.ColTotals))
		}
		for i, row := range t.Cells {
			if len(row) != len(t.Cols) {
				return fmt.Errorf("table %q: row %d has %d cells for %d columns", t.ID, i, len(row), len(t.Cols))
			}
			if err := cells("table", t.ID, row...); err != nil {
				return err
			}
		}
		if err := cells("table", t.ID, append(append([]Cell{t.Total}, t.RowTotals...), t.ColTotals...)...); err != nil {
			return err
		}
	}

	seen = map[string]bool{}
	for _, q := range r.Quality {
		if err := checkID("quality measure", q.ID, seen); err != nil {
			return err
		}
		if err := rule("quality measure", q.ID, q.Rule); err != nil {
			return err
		}
		figs := append(append([]QualityFigure{q.Overall}, q.ByForce...), q.ByYear...)
		for _, f := range figs {
			if err := cells("quality measure", q.ID, f.Records, f.Recorded, f.Valid); err != nil {
				return err
			}
			if (f.Completeness.Withheld && f.Completeness.Percent != 0) || (f.Validity.Withheld && f.Validity.Percent != 0) {
				return fmt.Errorf("quality measure %q has a withheld rate with a value", q.ID)
			}
		}
	}
	return nil
}

// checkID accepts an id that is safe as a file name and as part of an
// HTML id, and not already seen.
func checkID(what, id string, seen map[string]bool) error {
	ok := id != "" && id[0] != '.' && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	})
	if !ok {
		return fmt.Errorf("%s id %q is not letters, digits, '-', '_' and '.'", what, id)
	}
	if seen[id] {
		return fmt.Errorf("%s id %q is used twice", what, id)
	}
	seen[id] = true
	return nil
}
