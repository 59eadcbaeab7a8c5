package normalise

import (
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// Phone returns a phone number in E.164. UK numbers in national form (07700
// 900123, (0113) 496 0000, 0113-496-0000), with +44 or 0044 (and a stray (0):
// +44 (0)7700 900123) become +447700900123; other international numbers with
// + or 00 are kept as + and digits when 8-15 digits long. Extensions ("ext
// 12", "x12") are dropped. Anything else (too short, letters, UK numbers of
// the wrong length) is pole.Invalid("phone", ...).
//
// UK numbers must have 10 digits after the 0: the few 9-digit ones left
// (some 01xxx areas) are rejected. A number with its leading 0 lost to a
// spreadsheet (7700900123) is rejected too, not guessed at. The stray (0) is
// dropped from any international number, as in +33 (0)1 23 45 67 89.
func Phone(s string) (string, error) {
	body := withoutExtension(s)
	var digits [16]byte // E.164 allows 15, and a national UK number has 11
	n, plus := 0, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case isDigit(c):
			if n == len(digits) {
				return "", pole.Invalid("phone", "%q is not a phone number: too many digits", s)
			}
			digits[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == '(' && strings.HasPrefix(body[i:], "(0)") && n > 0 && (plus || (n >= 2 && digits[0] == '0' && digits[1] == '0')):
			i += 2 // the trunk 0 an international number does without
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t':
		default:
			return "", pole.Invalid("phone", "%q is not a phone number: it may hold only digits, spaces, + ( ) - and . and an extension", s)
		}
	}
	d := digits[:n]
	var intl []byte
	switch {
	case plus:
		intl = d
	case len(d) >= 2 && d[0] == '0' && d[1] == '0':
		intl = d[2:]
	case len(d) >= 1 && d[0] == '0':
		return ukPhone(s, d[1:])
	default:
		return "", pole.Invalid("phone", "%q is not a phone number: it must start 0 for a UK number, or + or 00 for an international one", s)
	}
	if len(intl) >= 2 && intl[0] == '4' && intl[1] == '4' {
		nsn := intl[2:]
		if len(nsn) > 0 && nsn[0] == '0' {
			nsn = nsn[1:] // +44 07700 900123: the trunk 0 written anyway
		}
		return ukPhone(s, nsn)
	}
	if len(intl) < 8 || len(intl) > 15 {
		return "", pole.Invalid("phone", "%q is not a phone number: an international number has 8 to 15 digits, this has %d", s, len(intl))
	}
	if intl[0] == '0' {
		return "", pole.Invalid("phone", "%q is not a phone number: no country code starts with 0", s)
	}
	return e164(s, "", intl), nil
}

// ukPhone returns the E.164 form of a UK national significant number: the
// digits after the trunk 0 or after +44.
func ukPhone(s string, nsn []byte) (string, error) {
	if len(nsn) != 10 || nsn[0] == '0' {
		return "", pole.Invalid("phone", "%q is not a UK phone number: it must have 10 digits after the 0", s)
	}
	return e164(s, "44", nsn), nil
}

// e164 writes + country digits; it returns s itself when s was already so
// written, which most stored numbers are.
func e164(s, country string, digits []byte) string {
	var buf [16]byte
	b := append(append(append(buf[:0], '+'), country...), digits...)
	if string(b) == s {
		return s
	}
	return string(b)
}

// withoutExtension returns s without a trailing extension: "ext 12",
// "ext. 12", "extn 12", "extension 12", "x12", "x 12".
func withoutExtension(s string) string {
	t := strings.TrimRight(s, " \t")
	i := len(t)
	for i > 0 && isDigit(t[i-1]) {
		i--
	}
	if i == len(t) {
		return s
	}
	marked := strings.TrimRight(t[:i], " .:")
	for _, m := range [...]string{"extension", "extn", "ext", "x"} {
		k := len(marked) - len(m)
		if k >= 0 && strings.EqualFold(marked[k:], m) && (k == 0 || !isASCIILetter(marked[k-1])) {
			return marked[:k]
		}
	}
	return s
}

func isASCIILetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
