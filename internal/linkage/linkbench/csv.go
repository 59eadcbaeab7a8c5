package linkbench

import (
	"encoding/csv"
	"errors"
	"io"
	"os"

	"github.com/caselink/caselink/internal/pole"
)

// csvFile reads a comma-separated benchmark file with a header row, giving
// each row's fields by column name and the line each row starts on.
type csvFile struct {
	path    string
	f       *os.File
	r       *csv.Reader
	columns map[string]int
	row     []string
	line    int
}

// openCSV opens path and reads its header, which must name every column in
// want; other columns are allowed and ignored.
func openCSV(path string, want ...string) (*csvFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, pole.Errorf(pole.ENOTFOUND, "%v", err)
	}
	c := &csvFile{path: path, f: f, r: csv.NewReader(f), columns: make(map[string]int)}
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err != nil {
		f.Close()
		return nil, lineError(path, 1, "header", "cannot read the header: %v", err)
	}
	for i, name := range header {
		c.columns[name] = i
	}
	for _, name := range want {
		if _, ok := c.columns[name]; !ok {
			f.Close()
			return nil, lineError(path, 1, "header", "no column %q in %q", name, header)
		}
	}
	return c, nil
}

// next reads the next row, reporting false at the end of the file.
func (c *csvFile) next() (bool, error) {
	row, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, lineError(c.path, pe.StartLine, "row", "%v", pe.Err)
		}
		return false, pole.E("read "+c.path, err)
	}
	c.row = row
	c.line, _ = c.r.FieldPos(0)
	return true, nil
}

// get returns the named column of the current row, which openCSV checked
// the header has.
func (c *csvFile) get(column string) string { return c.row[c.columns[column]] }

// errorf reports a bad value in column of the current row.
func (c *csvFile) errorf(column, format string, args ...any) error {
	return lineError(c.path, c.line, column, format, args...)
}

func (c *csvFile) Close() error { return c.f.Close() }
