package normalise

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
)

// Postcode is a UK postcode and the coarser units it names, each a prefix of
// Full: "SW1A 1AA", its sector "SW1A 1", district "SW1A" and area "SW".
type Postcode struct{ Full, Sector, District, Area string }

// ParsePostcode validates a UK postcode in any case and spacing ("sw1a1aa",
// " SW1A  1AA ", "BD111HA" -> "BD11 1HA") against the UK formats (A9 9AA,
// A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA, and GIR 0AA), and returns its
// canonical form. Inward code letters never include C I K M O V. Error
// pole.Invalid("postcode", ...) naming the value.
//
// Only the shapes and the inward letters are checked, not which letters
// Royal Mail allows in each place of the outward code, nor whether the
// postcode has ever been issued.
func ParsePostcode(s string) (Postcode, error) {
	// The canonical form is at most 8 bytes: 7 characters and the space.
	var buf [8]byte
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= utf8.RuneSelf || n == 7:
			return Postcode{}, pole.Invalid("postcode", "%q is not a UK postcode", s)
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		}
		buf[n] = byte(r)
		n++
	}
	if n < 5 {
		return Postcode{}, pole.Invalid("postcode", "%q is not a UK postcode: too short", s)
	}
	out, in := buf[:n-3], buf[n-3:n]
	if !isDigit(in[0]) || !isInwardLetter(in[1]) || !isInwardLetter(in[2]) {
		return Postcode{}, pole.Invalid("postcode", "%q is not a UK postcode: it must end in a digit and two letters other than C, I, K, M, O and V", s)
	}
	area := outwardArea(out)
	if string(out) == "GIR" && string(in) == "0AA" {
		area = 3 // GIR 0AA, once Girobank's, has no district of its own
	}
	if area == 0 {
		return Postcode{}, pole.Invalid("postcode", "%q is not a UK postcode: %q is not an outward code such as A9, A99, AA9, AA99, A9A or AA9A", s, string(out))
	}
	// Shift the inward code right to make room for the space.
	copy(buf[n-2:], buf[n-3:n])
	buf[n-3] = ' '
	canon := buf[:n+1]
	full := strings.TrimSpace(s)
	if full != string(canon) {
		full = string(canon)
	}
	return Postcode{Full: full, Sector: full[:n-1], District: full[:n-3], Area: full[:area]}, nil
}

// outwardArea returns the length of the area letters of an outward code, or 0
// if out is not one.
func outwardArea(out []byte) int {
	letters := 0
	for letters < len(out) && isUpper(out[letters]) {
		letters++
	}
	if letters == 0 || letters > 2 || letters == len(out) || !isDigit(out[letters]) {
		return 0
	}
	switch rest := out[letters+1:]; {
	case len(rest) == 0:
	case len(rest) == 1 && (isDigit(rest[0]) || isUpper(rest[0])):
	default:
		return 0
	}
	return letters
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isInwardLetter(c byte) bool {
	return isUpper(c) && !strings.ContainsRune("CIKMOV", rune(c))
}
