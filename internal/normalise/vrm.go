package normalise

import (
	"unicode"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
)

// VRM returns a UK vehicle registration mark in upper case without spaces
// ("ab12 cde" -> "AB12CDE"), checked against the GB formats (current AB12CDE;
// prefix A123BCD; suffix ABC123D; dateless such as ABC1234, 1234AB, A1, 1A)
// and Northern Ireland (ABZ1234: letters containing I or Z followed by 1-4
// digits). Error pole.Invalid("vehicle", ...).
//
// Only the shape is checked: letters, digits and their counts. Which letters
// DVLA issues in each place (no I or Q in a current mark's last three) is not,
// so a mark misread from a plate still matches itself. Northern Ireland marks
// have the shape of GB dateless ones and need no test of their own.
func VRM(s string) (string, error) {
	var buf [7]byte
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= utf8.RuneSelf || !(isDigit(byte(r)) || isASCIILetter(byte(r))):
			return "", pole.Invalid("vehicle", "%q is not a UK registration mark: it may hold only letters and digits", s)
		case n == len(buf):
			return "", pole.Invalid("vehicle", "%q is not a UK registration mark: more than 7 letters and digits", s)
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		}
		buf[n] = byte(r)
		n++
	}
	mark := buf[:n]
	if !isVRMShape(mark) {
		return "", pole.Invalid("vehicle", "%q is not a UK registration mark: not a current (AB12CDE), prefix (A123BCD), suffix (ABC123D), dateless (ABC1234, 1234AB) or Northern Ireland (ABZ1234) mark", s)
	}
	if string(mark) == s {
		return s, nil
	}
	return string(mark), nil
}

// isVRMShape reports whether mark, upper-case letters and digits, is in one of
// the formats by the lengths of its runs of letters (L) and digits (D).
func isVRMShape(mark []byte) bool {
	var runs [3]int
	firstLetters := len(mark) > 0 && isUpper(mark[0])
	k := 0
	for i := range mark {
		if i > 0 && isUpper(mark[i]) != isUpper(mark[i-1]) {
			k++
			if k == len(runs) {
				return false
			}
		}
		runs[k]++
	}
	in := func(v, lo, hi int) bool { return lo <= v && v <= hi }
	switch {
	case len(mark) == 0:
		return false
	case k == 2 && firstLetters: // LDL
		return (runs[0] == 2 && runs[1] == 2 && runs[2] == 3) || // current
			(runs[0] == 1 && in(runs[1], 1, 3) && runs[2] == 3) || // prefix
			(runs[0] == 3 && in(runs[1], 1, 3) && runs[2] == 1) // suffix
	case k == 1 && firstLetters: // LD: dateless, Northern Ireland
		return in(runs[0], 1, 3) && in(runs[1], 1, 4)
	case k == 1: // DL: dateless
		return in(runs[0], 1, 4) && in(runs[1], 1, 3)
	}
	return false
}
