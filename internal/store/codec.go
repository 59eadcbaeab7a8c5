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
	if !plainJSON(raw) {
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
		if end < 0 || hasControl(raw[i+1:i+1+end]) {
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

// decodeAddresses reads a JSON array of addresses. As with decodeStrings,
// the arrays the store writes (the three fields, strings without escapes)
// are read by hand, since every mention read for linkage has one; anything
// else goes to encoding/json.
func decodeAddresses(col string, raw []byte) ([]pole.Address, error) {
	if len(raw) == 0 || string(raw) == "[]" {
		return nil, nil
	}
	if list, ok := plainAddresses(raw); ok {
		return list, nil
	}
	var list []pole.Address
	err := decodeJSON(col, raw, &list)
	return emptyNil(list), err
}

// plainAddresses parses an array of objects whose keys are text, postcode
// or premises, each at most once, and whose values are strings holding no
// backslash; ok is false for anything else.
func plainAddresses(raw []byte) (list []pole.Address, ok bool) {
	if !plainJSON(raw) {
		return nil, false
	}
	// str reads the string starting at raw[i], a quote, and returns it and
	// the position after it.
	str := func(i int) (string, int, bool) {
		if i >= len(raw) || raw[i] != '"' {
			return "", i, false
		}
		end := bytes.IndexByte(raw[i+1:], '"')
		if end < 0 || hasControl(raw[i+1:i+1+end]) {
			return "", i, false
		}
		return string(raw[i+1 : i+1+end]), i + end + 2, true
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
		if i == len(raw) || raw[i] != '{' {
			return nil, false
		}
		var a pole.Address
		var seen [3]bool
		i = skipSpace(raw, i+1)
		if i < len(raw) && raw[i] == '}' {
			i++
		} else {
			for {
				key, j, ok := str(i)
				if !ok {
					return nil, false
				}
				j = skipSpace(raw, j)
				if j == len(raw) || raw[j] != ':' {
					return nil, false
				}
				val, j, ok := str(skipSpace(raw, j+1))
				if !ok {
					return nil, false
				}
				var field *string
				var k int
				switch key {
				case "text":
					field, k = &a.Text, 0
				case "postcode":
					field, k = &a.Postcode, 1
				case "premises":
					field, k = &a.Premises, 2
				default:
					return nil, false
				}
				if seen[k] {
					return nil, false
				}
				seen[k], *field = true, val
				i = skipSpace(raw, j)
				if i == len(raw) {
					return nil, false
				}
				if raw[i] == '}' {
					i++
					break
				}
				if raw[i] != ',' {
					return nil, false
				}
				i = skipSpace(raw, i+1)
			}
		}
		list = append(list, a)
		i = skipSpace(raw, i)
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

// plainJSON says whether raw can be read by hand: valid UTF-8 (which
// encoding/json would otherwise mend) without a backslash (no escapes).
func plainJSON(raw []byte) bool {
	return bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw)
}

// hasControl says whether a string's bytes hold a control character, which
// JSON forbids unescaped.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
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
