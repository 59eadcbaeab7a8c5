package review

import (
	"strconv"
	"unicode/utf8"
)

// appendReasons writes reasons as the JSON that encoding/json would, by
// hand: triage writes a hundred thousand of them in a run, and reflection
// was a tenth of its time.
func appendReasons(b []byte, rs []Reason) []byte {
	b = append(b, '[')
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"rule":`...)
		b = appendString(b, r.Rule)
		b = append(b, `,"weight":`...)
		b = strconv.AppendInt(b, int64(r.Weight), 10)
		b = append(b, `,"says":`...)
		b = appendString(b, r.Says)
		if len(r.Evidence) > 0 {
			b = append(b, `,"evidence":[`...)
			for j, e := range r.Evidence {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"kind":`...)
				b = appendString(b, e.Kind)
				for _, f := range [...]struct{ name, v string }{{`,"field":`, e.Field}, {`,"id":`, e.ID}, {`,"text":`, e.Text}} {
					if f.v != "" {
						b = append(b, f.name...)
						b = appendString(b, f.v)
					}
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced, and the line separators
// that break JavaScript escaped too.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
