package synth

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// sink is one output file: buffered, optionally re-encoded, with its data
// rows counted from 1 after the banner and header lines.
type sink struct {
	rel  string // path relative to the output directory
	f    *os.File
	buf  *bufio.Writer
	w    io.Writer // buf, or an encoder in front of it
	csv  *csv.Writer
	rows int
}

// newSink creates out/rel. A comma of 0 makes a plain text sink (JSON
// Lines); cp1252 re-encodes to Windows-1252. Callers fold text to what that
// can hold first (fold1252), as the system that wrote such files did; the
// encoder replaces anything left rather than fail.
func newSink(out, rel string, comma rune, cp1252 bool) (*sink, error) {
	path := filepath.Join(out, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	s := &sink{rel: filepath.ToSlash(rel), f: f, buf: bufio.NewWriterSize(f, 256<<10)}
	s.w = s.buf
	if cp1252 {
		s.w = encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder()).Writer(s.buf)
	}
	if comma != 0 {
		s.csv = csv.NewWriter(s.w)
		s.csv.Comma = comma
		s.csv.UseCRLF = cp1252 // the Windows-era system writes CRLF
	}
	return s, nil
}

// line writes a line that is not a data row (the banner).
func (s *sink) line(text string) error {
	end := "\n"
	if s.csv != nil {
		s.csv.Flush()
		if s.csv.UseCRLF {
			end = "\r\n"
		}
	}
	_, err := io.WriteString(s.w, text+end)
	return err
}

func (s *sink) header(cols ...string) error {
	return s.csv.Write(cols)
}

// row writes a data row and returns its number.
func (s *sink) row(cols []string) (int, error) {
	s.rows++
	return s.rows, s.csv.Write(cols)
}

// raw writes a data line as it is (JSON Lines) and returns its number.
func (s *sink) raw(b []byte) (int, error) {
	s.rows++
	_, err := s.w.Write(b)
	return s.rows, err
}

func (s *sink) close() error {
	if s.csv != nil {
		s.csv.Flush()
		if err := s.csv.Error(); err != nil {
			s.f.Close()
			return err
		}
	}
	if c, ok := s.w.(io.Closer); ok {
		if err := c.Close(); err != nil {
			s.f.Close()
			return err
		}
	}
	if err := s.buf.Flush(); err != nil {
		s.f.Close()
		return err
	}
	return s.f.Close()
}
