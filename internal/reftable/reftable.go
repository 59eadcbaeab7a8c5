// Package reftable reads the reference tables compiled into caselink: code
// lists and name lists, as CSV with an exact header and "#" comment lines.
// A malformed table is a defect of the build, not of anyone's input, so
// every error panics naming the table, line and column.
package reftable

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"
)

// Row is one data row of a table, with where it stands for messages.
type Row struct {
	Owner   string // the package the table belongs to, for messages
	File    string
	Line    int
	Columns []string
	Fields  []string
}

// Fail panics naming the row's table and line.
func (r Row) Fail(format string, args ...any) {
	panic(fmt.Sprintf("%s: %s:%d: %s", r.Owner, r.File, r.Line, fmt.Sprintf(format, args...)))
}

// RequireValues rejects empty values in the given columns: an empty code or
// name would make lookups succeed with meaningless results.
func (r Row) RequireValues(columns ...int) {
	for _, i := range columns {
		if r.Fields[i] == "" {
			r.Fail("column %s is empty", r.Columns[i])
		}
	}
}

// Read reads the table at path in fsys: valid UTF-8, a header exactly
// header, every row that many fields without leading or trailing spaces
// (lookups are exact, so a stray space would hide an entry), at least one
// data row.
func Read(fsys fs.FS, owner, path string, header ...string) []Row {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", owner, err))
	}
	if !utf8.Valid(data) {
		panic(fmt.Sprintf("%s: %s: not valid UTF-8", owner, path))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(header)
	var rows []Row
	for first := true; ; first = false {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// csv.ParseError already names the line.
			panic(fmt.Sprintf("%s: %s: %v", owner, path, err))
		}
		line, _ := r.FieldPos(0)
		row := Row{Owner: owner, File: path, Line: line, Columns: header, Fields: fields}
		if first {
			if !slices.Equal(fields, header) {
				row.Fail("header is %q, want %q", fields, header)
			}
			continue
		}
		for i, f := range fields {
			if f != strings.TrimSpace(f) {
				row.Fail("column %s has leading or trailing spaces", header[i])
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		panic(fmt.Sprintf("%s: %s: no data rows", owner, path))
	}
	return rows
}
