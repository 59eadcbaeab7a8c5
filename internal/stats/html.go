package stats

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// The page is one self-contained file: its stylesheet is embedded in a
// <style> element and it has no scripts, so it reads the same opened from
// disk as served by the web server.
//
//go:embed templates/report.html.tmpl templates/report.css
var templateFiles embed.FS

var (
	reportCSS = mustReadTemplate("templates/report.css")

	reportTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"count":     formatCount,
		"percent":   formatPercent,
		"prob":      func(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) },
		"forceName": forceName,
		"paras":     paragraphs,
	}).ParseFS(templateFiles, "templates/report.html.tmpl"))
)

// mustReadTemplate reads an embedded file; a missing one is a build
// mistake, so it panics.
func mustReadTemplate(name string) string {
	b, err := templateFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ReportStyleHash is the Content-Security-Policy source for the report's
// one <style> element, "'sha256-…'", so that a server can allow that
// stylesheet and no other inline style.
func ReportStyleHash() string {
	sum := sha256.Sum256([]byte(reportCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// WriteHTML writes the report as one HTML page, its charts drawn in SVG.
// Nothing is written if the report cannot be published (see check).
func (r *Report) WriteHTML(w io.Writer) error {
	const op = "stats.WriteHTML"
	if err := r.check(); err != nil {
		return pole.E(op, err)
	}
	// Rendered whole first, so that an error leaves no half page behind.
	var page bytes.Buffer
	if err := reportTemplate.Execute(&page, newReportView(r)); err != nil {
		return pole.E(op, err)
	}
	if _, err := w.Write(page.Bytes()); err != nil {
		return pole.E(op, err)
	}
	return nil
}

// reportView is the report with what the template needs worked out:
// charts, the force-by-measure grid, and the marks for withheld values.
type reportView struct {
	*Report
	Style      template.CSS
	TableViews []tableView
	Grid       qualityGrid
	Measures   []measureView
	// SuppressedMark and WithheldMark are the marks "c" for a count and
	// a rate, saying why in their titles.
	SuppressedMark template.HTML
	WithheldMark   template.HTML
	definitionOf   map[string]Definition
}

type tableView struct {
	*Table
	OneWay bool
	Chart  template.HTML
}

type measureView struct {
	*Quality
	Chart template.HTML
}

// qualityGrid is every measure's figure for every force that has one.
type qualityGrid struct {
	Rows  []forceRow
	Chart template.HTML
}

// forceRow is one force's figure for each measure, nil where a measure has
// none for it.
type forceRow struct {
	Force string
	Label string
	Figs  []*QualityFigure
}

func newReportView(r *Report) *reportView {
	suppressedWhy := fmt.Sprintf("suppressed: fewer than %d, or hidden so that a small count cannot be worked out", r.Disclosure.Threshold)
	withheldWhy := fmt.Sprintf("withheld: worked out from fewer than %d records, or withheld so that a small count cannot be worked out", r.Disclosure.Threshold)
	v := &reportView{
		Report:         r,
		Style:          template.CSS(reportCSS),
		SuppressedMark: markHTML(suppressedWhy),
		WithheldMark:   markHTML(withheldWhy),
		definitionOf:   map[string]Definition{},
	}
	for _, d := range r.Rules.Definitions {
		v.definitionOf[d.ID] = d
	}
	for _, t := range r.Tables {
		tv := tableView{Table: t, OneWay: len(t.Cols) == 1}
		if tv.OneWay {
			tv.Chart = barChart("chart-table-"+t.ID, t, suppressedWhy)
		} else {
			tv.Chart = groupedBarChart("chart-table-"+t.ID, t, suppressedWhy)
		}
		v.TableViews = append(v.TableViews, tv)
	}
	for _, q := range r.Quality {
		title := "Completeness of " + q.Label + " by year"
		v.Measures = append(v.Measures, measureView{Quality: q, Chart: lineChart("chart-quality-"+q.ID, title, q.ByYear, withheldWhy)})
	}
	v.Grid.Rows = forceRows(r.Quality)
	labels := make([]string, len(r.Quality))
	for i, q := range r.Quality {
		labels[i] = q.Label
	}
	v.Grid.Chart = heatGrid("chart-quality-grid", labels, v.Grid.Rows, withheldWhy)
	return v
}

// forceRows gathers the measures' figures by force, in order of the
// forces' names.
func forceRows(measures []*Quality) []forceRow {
	index := map[string]int{}
	var rows []forceRow
	for m, q := range measures {
		for i := range q.ByForce {
			f := &q.ByForce[i]
			n, ok := index[f.Force]
			if !ok {
				n = len(rows)
				index[f.Force] = n
				rows = append(rows, forceRow{Force: f.Force, Label: forceName(f.Force), Figs: make([]*QualityFigure, len(measures))})
			}
			rows[n].Figs[m] = f
		}
	}
	slices.SortFunc(rows, func(a, b forceRow) int {
		return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.Force, b.Force))
	})
	return rows
}

// Cell is a count as the page shows it: its value, or the mark "c".
func (v *reportView) Cell(c Cell) template.HTML {
	if c.Suppressed {
		return v.SuppressedMark
	}
	return template.HTML(formatCount(c.Value)) // digits and commas only
}

// Rate is a percentage as the page shows it, or the mark "c".
func (v *reportView) Rate(r Rate) template.HTML {
	if r.Withheld {
		return v.WithheldMark
	}
	return template.HTML(formatPercent(r.Percent) + "%") // digits and a point only
}

// RuleName is the name a rule is published under.
func (v *reportView) RuleName(id string) string {
	return v.definitionOf[id].Name
}

// markHTML is the published mark for a withheld value, with why it is
// withheld in its title.
func markHTML(why string) template.HTML {
	return template.HTML(`<abbr class="c" title="` + template.HTMLEscapeString(why) + `">c</abbr>`)
}

// forceName is a force's official name, or its code if it is not known.
func forceName(code string) string {
	if f, ok := pole.ForceByCode(code); ok {
		return f.Name
	}
	return code
}

// formatCount writes n with thousands separated by commas, as en-GB does.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// formatPercent writes a percentage to one decimal place, as published.
func formatPercent(p float64) string {
	return strconv.FormatFloat(p, 'f', 1, 64)
}

// paragraphs splits methods text at blank lines.
func paragraphs(s string) []string {
	var ps []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}
