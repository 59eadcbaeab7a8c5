package ingest

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/caselink/caselink/internal/pole"
)

// record is one row of a delimited file, or one object of JSON Lines (or a
// person or event object within it).
type record interface {
	// get returns the value at column (a JSON path such as name.given) as
	// text; a JSON array is joined with "\x1f" so that split can undo it.
	get(column string) string
	// children returns the objects of the array at path.
	children(path string) []record
	// raw is the record as the file holds it, for quarantine.
	raw() string
}

// listSep joins the items of a JSON array read as one value.
const listSep = "\x1f"

type rowRecord struct {
	index map[string]int
	cols  []string
	comma rune
}

func (r rowRecord) raw() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = r.comma
	w.Write(r.cols)
	w.Flush()
	return strings.TrimRight(b.String(), "\r\n")
}

func (r rowRecord) get(column string) string {
	if i, ok := r.index[column]; ok && i < len(r.cols) {
		return r.cols[i]
	}
	return ""
}

func (r rowRecord) children(string) []record { return nil }

// jsonRecord is a JSON object; found, shared by a file's records, notes
// which paths held a value, so that a path the profile misspells shows.
type jsonRecord struct {
	obj   map[string]any
	line  string
	found map[string]bool
}

func (r jsonRecord) raw() string {
	if r.line != "" {
		return r.line
	}
	b, _ := json.Marshal(r.obj)
	return string(b)
}

// value follows a path of keys and array indexes: addresses.0.text.
func (r jsonRecord) value(column string) any {
	var v any = r.obj
	for part := range strings.SplitSeq(column, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func (r jsonRecord) get(column string) string {
	v := r.value(column)
	if v != nil && r.found != nil {
		r.found[column] = true
	}
	return jsonText(v)
}

func jsonText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String() // as written: a long reference must not be rounded
	case bool:
		return strconv.FormatBool(t)
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			parts = append(parts, jsonText(e))
		}
		return strings.Join(parts, listSep)
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}

func (r jsonRecord) children(path string) []record {
	arr, _ := r.value(path).([]any)
	if arr != nil && r.found != nil {
		r.found[path] = true
	}
	out := make([]record, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, jsonRecord{obj: m, found: r.found})
		}
	}
	return out
}

// counter counts the bytes read from a file, for progress.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// fileReader reads the data rows of one export file as the profile says.
type fileReader struct {
	p      *Profile
	name   string
	f      *os.File
	count  *counter
	size   int64
	csv    *csv.Reader
	lines  *bufio.Reader   // JSON Lines and tab-separated files
	found  map[string]bool // JSON paths that held a value somewhere
	comma  rune
	index  map[string]int
	header []string
	row    int // data rows read, from 1
}

// fileError is a problem with a whole file: nothing of it is loaded.
func fileError(name, format string, args ...any) error {
	return &pole.Error{Code: pole.EINVALID, Field: "file", Message: name + ": " + fmt.Sprintf(format, args...)}
}

func openFile(p *Profile, name string) (*fileReader, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, pole.Errorf(pole.ENOTFOUND, "%v", err)
	}
	r := &fileReader{p: p, name: name, f: f, count: &counter{r: f}}
	if st, err := f.Stat(); err == nil {
		r.size = st.Size()
	}
	var in io.Reader = bufio.NewReaderSize(r.count, 256<<10)
	if p.Format.Encoding == "windows-1252" {
		in = charmap.Windows1252.NewDecoder().Reader(in)
	}
	br := bufio.NewReaderSize(in, 64<<10)
	for i := range p.Format.SkipLines {
		if _, err := br.ReadString('\n'); err != nil {
			f.Close()
			return nil, fileError(name, "the profile skips %d lines before the header but the file ends at line %d", p.Format.SkipLines, i+1)
		}
	}
	if p.Layout == JSONCases {
		r.lines, r.found = br, map[string]bool{}
		return r, nil
	}
	var header []string
	r.comma, _ = utf8.DecodeRuneInString(p.Format.Delimiter)
	if p.Format.Delimiter == "\t" {
		// Tab-separated exports have no quoting: a quote is a quote.
		r.lines = br
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			f.Close()
			return nil, fileError(name, "cannot read the header row at line %d: %v", p.Format.SkipLines+1, err)
		}
		header = strings.Split(strings.TrimRight(line, "\r\n"), "\t")
	} else {
		r.csv = csv.NewReader(br)
		r.csv.Comma = r.comma
		var err error
		if header, err = r.csv.Read(); err != nil {
			f.Close()
			return nil, fileError(name, "cannot read the header row at line %d: %v", p.Format.SkipLines+1, err)
		}
	}
	if !utf8.ValidString(strings.Join(header, "")) {
		f.Close()
		return nil, fileError(name, "the header is not valid UTF-8: if the file is Windows-1252, say so in the profile's format.encoding")
	}
	r.header = header
	r.index = make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		r.index[h] = i
	}
	if r.csv != nil {
		r.csv.FieldsPerRecord = len(header)
	}
	if missing := p.missingColumns(r.index); len(missing) > 0 {
		f.Close()
		return nil, fileError(name, "the profile %s names columns the file does not have: %s (the file has: %s)",
			p.Path, strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	return r, nil
}

// missingColumns lists the profile's columns that the header lacks.
func (p *Profile) missingColumns(index map[string]int) []string {
	var missing []string
	for _, f := range p.columns() {
		if _, ok := index[f.Column]; !ok {
			missing = append(missing, f.Column)
		}
	}
	return missing
}

// columns lists every field the profile reads.
func (p *Profile) columns() []Field {
	c, pe, ev, l := p.Case, p.Person, p.Event, p.Link
	all := []Field{c.CrimeRef, c.Recorded, c.OffenceFrom, c.OffenceTo, c.OffenceCodes, c.Outcome, c.OutcomeDate, c.DecisionMaker,
		c.Flags, c.ClosureRationale, c.Narrative, pe.RecordID, pe.Role, pe.Name, pe.Forename, pe.MiddleNames, pe.Forenames, pe.Surname,
		pe.Aliases, pe.DOB, pe.Sex, pe.EthnicitySelf, pe.EthnicityObserved, pe.Nationality, pe.Address, pe.Postcode, pe.Premises,
		pe.Phones, pe.Vehicles, pe.Vulnerabilities, ev.CrimeRef, ev.RecordID, ev.Type, ev.Date, l.CrimeRef, l.RecordID, l.Role}
	for _, f := range p.Events {
		all = append(all, f)
	}
	out := all[:0]
	for _, f := range all {
		if f.set() {
			out = append(out, f)
		}
	}
	return out
}

// rowProblem is a problem with one row that stops it being read at all.
type rowProblem struct {
	row    int
	reason string
	raw    string
}

// next returns the next data row and its number; io.EOF at the end. A row
// that cannot be read as the file's layout is a *rowProblem.
func (r *fileReader) next() (record, int, error) {
	if r.p.Layout == JSONCases {
		return r.nextJSON()
	}
	var cols []string
	var err error
	if r.csv != nil {
		cols, err = r.csv.Read()
	} else {
		cols, err = r.nextTabbed()
	}
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	r.row++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, r.row, &rowProblem{row: r.row, reason: fmt.Sprintf("has %d fields where the header has %d", len(cols), len(r.header)), raw: strings.Join(cols, r.p.Format.Delimiter)}
		}
		if errors.As(err, &pe) {
			// Quoting gone wrong cannot be stepped over: the rest of the
			// file would be read askew. Say where, in the file's own lines.
			return nil, r.row, fileError(r.name, "line %d (data row %d) cannot be read: %v; a quote inside a field must be doubled", pe.StartLine+r.p.Format.SkipLines, r.row, pe.Err)
		}
		return nil, r.row, fileError(r.name, "data row %d cannot be read: %v", r.row, err)
	}
	if len(cols) != len(r.header) {
		return nil, r.row, &rowProblem{row: r.row, reason: fmt.Sprintf("has %d fields where the header has %d", len(cols), len(r.header)), raw: strings.Join(cols, r.p.Format.Delimiter)}
	}
	for _, c := range cols {
		if !utf8.ValidString(c) {
			return nil, r.row, fileError(r.name, "row %d is not valid UTF-8: if the file is Windows-1252, say so in the profile's format.encoding", r.row)
		}
	}
	return rowRecord{index: r.index, cols: cols, comma: r.comma}, r.row, nil
}

// nextTabbed reads a tab-separated line; blank lines are skipped.
func (r *fileReader) nextTabbed() ([]string, error) {
	for {
		line, err := r.lines.ReadString('\n')
		if line == "" && err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		return strings.Split(line, "\t"), nil
	}
}

func (r *fileReader) nextJSON() (record, int, error) {
	for {
		line, err := r.lines.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return nil, 0, io.EOF
			}
			return nil, 0, err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		r.row++
		if !utf8.ValidString(line) {
			return nil, r.row, fileError(r.name, "line %d is not valid UTF-8", r.row)
		}
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			reason := "is not a JSON object"
			if err != nil {
				reason += ": " + err.Error()
			}
			return nil, r.row, &rowProblem{row: r.row, reason: reason, raw: strings.TrimSpace(line)}
		}
		return jsonRecord{obj: obj, line: strings.TrimSpace(line), found: r.found}, r.row, nil
	}
}

func (r *fileReader) close() error { return r.f.Close() }

func (e *rowProblem) Error() string { return fmt.Sprintf("row %d %s", e.row, e.reason) }
