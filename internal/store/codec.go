package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
)

// appendJSONStrings writes list as a JSON array of strings. It is on the bulk
// path, where encoding/json's reflection costs more than the insert.
func appendJSONStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func jsonStrings(list []string) string {
	return string(appendJSONStrings(make([]byte, 0, 64), list))
}

func jsonAddresses(list []pole.Address) string {
	if len(list) == 0 {
		return "[]"
	}
	b := []byte{'['}
	for i, a := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"text":`...)
		b = appendJSONString(b, a.Text)
		b = append(b, `,"postcode":`...)
		b = appendJSONString(b, a.Postcode)
		b = append(b, `,"premises":`...)
		b = appendJSONString(b, a.Premises)
		b = append(b, '}')
	}
	return string(append(b, ']'))
}

// decodeJSON reads a JSON column into v, naming the column if it is damaged.
func decodeJSON(col string, raw []byte, v any) error {
	if len(raw) == 0 || string(raw) == "[]" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("column %s holds bad JSON: %w", col, err)
	}
	return nil
}

// decodeStrings reads a JSON array of strings, nil if empty. Scanning every
// mention for linkage reads four such columns a row, so the arrays the store
// writes, strings without escapes, are read here by hand; anything else goes
// to encoding/json.
func decodeStrings(col string, raw []byte) ([]string, error) {
	if len(raw) == 0 || string(raw) == "[]" {
		return nil, nil
	}
	if list, ok := plainStrings(raw); ok {
		return list, nil
	}
	var list []string
	err := decodeJSON(col, raw, &list)
	return emptyNil(list), err
}

// plainStrings parses an array of strings that hold no backslash, with any
// spacing; ok is false for anything else.
func plainStrings(raw []byte) (list []string, ok bool) {
	if bytes.IndexByte(raw, '\\') >= 0 {
		return nil, false
	}
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '[' {
		return nil, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		return nil, skipSpace(raw, i+1) == len(raw)
	}
	for {
		if i == len(raw) || raw[i] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(raw[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		list = append(list, string(raw[i+1:i+1+end]))
		i = skipSpace(raw, i+end+2)
		if i == len(raw) {
			return nil, false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return list, skipSpace(raw, i+1) == len(raw)
		default:
			return nil, false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// emptyNil turns a decoded empty list into nil, so that a record reads back
// exactly as it was written whichever way its caller spelled "none".
func emptyNil[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

func parseDate(col, s string) (pole.PartialDate, error) {
	d, err := pole.ParsePartialDate(s)
	if err != nil {
		return d, fmt.Errorf("column %s: %w", col, err)
	}
	return d, nil
}
