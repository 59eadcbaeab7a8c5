package normalise

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Text cleans free text: Unicode NFKC, control characters removed (tab and
// newline become a space), runs of spaces collapsed, trimmed.
//
// Every kind of Unicode space becomes an ASCII space. Invisible format
// characters (byte order marks, zero-width spaces, soft hyphens, direction
// marks) are removed with the controls, except the zero-width joiner and
// non-joiner, which change how some scripts are written. Bytes that are not
// UTF-8 become U+FFFD, so the result is always valid UTF-8.
func Text(s string) string {
	if isCleanASCII(s) {
		return s
	}
	// Controls go before NFKC as well as after: removing one between a letter
	// and a combining accent afterwards would leave text that is no longer
	// normalised.
	return squeezeSpaces(norm.NFKC.String(squeezeSpaces(s)))
}

// isCleanASCII reports whether s is printable ASCII with single inner spaces
// and none at either end: most fields, which Text returns unchanged.
func isCleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && s[i-1] == ' ') {
			return false
		}
	}
	return true
}

// squeezeSpaces turns every space into one ASCII space between words, drops
// controls and invisible format characters, and replaces bytes that are not
// UTF-8 with U+FFFD.
func squeezeSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case isInvisible(r):
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r) // a byte that is not UTF-8 arrives as U+FFFD
		}
	}
	return b.String()
}

// isInvisible reports whether r is a control or format character that Text
// removes. Spaces are tested first, so tab and newline never reach here.
func isInvisible(r rune) bool {
	if r == '\u200c' || r == '\u200d' {
		return false
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)
}
