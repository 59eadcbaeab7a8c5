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
	ok = plainArray(raw, func(i int) (int, bool) {
		v, j, ok := plainString(raw, i)
		list = append(list, v)
		return j, ok
	})
	if !ok {
		return nil, false
	}
	return list, true
}

// plainArray walks the JSON array raw, valid UTF-8 without a backslash,
// calling elem at the start of each element; elem returns where its element
// ends, or false if it cannot read it. It is false for anything but such an
// array.
func plainArray(raw []byte, elem func(i int) (end int, ok bool)) bool {
	if !plainJSON(raw) {
		return false
	}
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '[' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		return skipSpace(raw, i+1) == len(raw)
	}
	for {
		end, ok := elem(i)
		if !ok {
			return false
		}
		i = skipSpace(raw, end)
		if i == len(raw) {
			return false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return skipSpace(raw, i+1) == len(raw)
		default:
			return false
		}
	}
}

// plainString reads the string that starts at raw[i] with its quote, and
// returns it and where it ends; ok is false if there is none, or it holds
// a control character (which JSON forbids unescaped).
func plainString(raw []byte, i int) (v string, end int, ok bool) {
	if i >= len(raw) || raw[i] != '"' {
		return "", i, false
	}
	n := bytes.IndexByte(raw[i+1:], '"')
	if n < 0 || hasControl(raw[i+1:i+1+n]) {
		return "", i, false
	}
	return string(raw[i+1 : i+1+n]), i + n + 2, true
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
	ok = plainArray(raw, func(i int) (int, bool) {
		a, end, ok := plainAddress(raw, i)
		list = append(list, a)
		return end, ok
	})
	if !ok {
		return nil, false
	}
	return list, true
}

// plainAddress reads the address object that starts at raw[i], and returns
// it and where it ends.
func plainAddress(raw []byte, i int) (a pole.Address, end int, ok bool) {
	if i == len(raw) || raw[i] != '{' {
		return a, i, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return a, i + 1, true
	}
	var seen [3]bool
	for {
		key, j, ok := plainString(raw, i)
		if !ok {
			return a, i, false
		}
		j = skipSpace(raw, j)
		if j == len(raw) || raw[j] != ':' {
			return a, i, false
		}
		val, j, ok := plainString(raw, skipSpace(raw, j+1))
		if !ok {
			return a, i, false
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
			return a, i, false
		}
		if seen[k] {
			return a, i, false
		}
		seen[k], *field = true, val
		i = skipSpace(raw, j)
		if i == len(raw) {
			return a, i, false
		}
		switch raw[i] {
		case '}':
			return a, i + 1, true
		case ',':
			i = skipSpace(raw, i+1)
		default:
			return a, i, false
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
