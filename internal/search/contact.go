package search

import (
	"strings"

	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// A contactKey is a phone, vehicle or postcode in 64 bits: its kind in the
// top byte, the value below. Postcodes and registration marks are their
// characters at 7 bits each, so that their keys sort as their text does
// and the postcodes of a sector or district are one run of keys.
const (
	tagPhone   uint64 = 1 << 56
	tagVehicle uint64 = 2 << 56
	tagPost    uint64 = 3 << 56
	valueMask  uint64 = 1<<56 - 1
)

// phoneKey takes an E.164 number: its digits (at most 15) as a number.
func phoneKey(e164 string) (uint64, bool) {
	digits := strings.TrimPrefix(e164, "+")
	if digits == "" || len(digits) > 15 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return tagPhone | v, true
}

// vehicleKey takes a registration mark as stored: up to 8 letters and
// digits, upper case.
func vehicleKey(vrm string) (uint64, bool) {
	if vrm == "" || len(vrm) > 8 {
		return 0, false
	}
	for i := 0; i < len(vrm); i++ {
		if c := vrm[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return 0, false
		}
	}
	return tagVehicle | pack7(vrm, 0), true
}

// postcodeKey takes a postcode in canonical form ("SW1A 1AA").
func postcodeKey(full string) uint64 { return tagPost | pack7(full, 0) }

// pack7 packs up to 8 ASCII characters, 7 bits each, first character
// highest; pad fills the places past the end, so that pack7(p, 0) and
// pack7(p, 127) bound every string that starts with p.
func pack7(s string, pad byte) uint64 {
	var v uint64
	for i := range 8 {
		c := pad
		if i < len(s) {
			c = s[i] & 127
		}
		v = v<<7 | uint64(c)
	}
	return v
}

func unpack7(v uint64) string {
	var b [8]byte
	n := 0
	for i := range 8 {
		if c := byte(v>>(7*(7-i))) & 127; c != 0 {
			b[n] = c
			n++
		}
	}
	return string(b[:n])
}

// contactText writes a contactKey as a person reads it.
func contactText(k uint64) string {
	v := k & valueMask
	switch k &^ valueMask {
	case tagPhone:
		var b [16]byte
		i := len(b)
		for v > 0 {
			i--
			b[i] = byte('0' + v%10)
			v /= 10
		}
		i--
		b[i] = '+'
		return string(b[i:])
	default:
		return unpack7(v)
	}
}

// postcodeRange reads a postcode search: a full postcode ("bd11ha"), a
// sector ("BD1 1") or a district ("BD1"), in any case and spacing. It
// returns the range of postcode keys it covers and the unit as written
// canonically, with what it is ("postcode", "sector" or "district").
func postcodeRange(s string) (lo, hi uint64, unit, what string, err error) {
	if pc, err := normalise.ParsePostcode(s); err == nil {
		k := postcodeKey(pc.Full)
		return k, k, pc.Full, "postcode", nil
	}
	compact := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	fields := strings.Fields(strings.ToUpper(s))
	switch {
	case len(fields) == 2 && isOutward(fields[0]) && len(fields[1]) == 1 && isDigit(fields[1][0]):
		unit, what = fields[0]+" "+fields[1], "sector"
	case len(fields) == 1 && isOutward(compact):
		unit, what = compact, "district"
	case len(fields) == 1 && len(compact) > 2 && isDigit(compact[len(compact)-1]) && isOutward(compact[:len(compact)-1]):
		// "BD111" is BD11 1: a district cannot have three digits.
		unit, what = compact[:len(compact)-1]+" "+compact[len(compact)-1:], "sector"
	default:
		return 0, 0, "", "", pole.Invalid("postcode", "%q is not a postcode, sector (BD1 1) or district (BD1)", s)
	}
	// A district's postcodes follow it with a space: BD1 is not BD11.
	prefix := unit
	if what == "district" {
		prefix += " "
	}
	return tagPost | pack7(prefix, 0), tagPost | pack7(prefix, 127), unit, what, nil
}

// isOutward reports whether s is an outward code: A9, A99, AA9, AA99, A9A
// or AA9A.
func isOutward(s string) bool {
	letters := 0
	for letters < len(s) && isUpper(s[letters]) {
		letters++
	}
	if letters == 0 || letters > 2 || letters == len(s) || !isDigit(s[letters]) {
		return false
	}
	switch rest := s[letters+1:]; len(rest) {
	case 0:
		return true
	case 1:
		return isDigit(rest[0]) || isUpper(rest[0])
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
