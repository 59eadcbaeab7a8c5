package normalise

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NameKey is a comparison key for a name: Text, then case-folded, accents and
// diacritics removed (Ł->l, ø->o, ß->ss, ș->s), apostrophes and hyphens and
// dots removed (O'Neill -> oneill, Smith-Jones -> smithjones), spaces kept
// single.
//
// Only the marks of the general combining blocks are removed, and not from
// Cyrillic letters, where they make different letters (й is not и); the
// vowel marks of scripts such as Arabic and Devanagari are kept too, since
// removing them would merge different names. Other punctuation is kept.
func NameKey(s string) string {
	if k, ok := asciiNameKey(s); ok {
		return k
	}
	return unicodeNameKey(s)
}

func unicodeNameKey(s string) string {
	// An acute accent written as an apostrophe (O´Neill) would become a space
	// and a combining accent under NFKC.
	s = strings.ReplaceAll(s, "\u00b4", "'")
	decomposed := norm.NFD.String(Text(s))
	var b strings.Builder
	b.Grow(len(decomposed))
	space, cyrillic := false, false
	for _, r := range decomposed {
		// Case is folded rune by rune, as lower of upper: x/text's
		// cases.Fold swaps Cherokee small and capital letters, so its keys
		// change each time they are folded.
		r = unicode.ToLower(unicode.ToUpper(r))
		switch {
		case r == ' ':
			space = b.Len() > 0
		case isNameJoiner(r) || (isDiacritic(r) && !cyrillic):
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			if !isDiacritic(r) {
				cyrillic = unicode.Is(unicode.Cyrillic, r)
			}
			if plain := plainLetter(r); plain != "" {
				b.WriteString(plain)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return norm.NFC.String(b.String())
}

// asciiNameKey is NameKey for printable ASCII, which most names are: it
// allocates at most the key itself. ok is false when s needs the full path.
func asciiNameKey(s string) (key string, ok bool) {
	var buf [64]byte
	b := buf[:0]
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return "", false
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			space = len(b) > 0
		case c < ' ' || c == 0x7f || c == '\'' || c == '`' || c == '-' || c == '.':
		default:
			if space {
				b = append(b, ' ')
				space = false
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
	}
	if string(b) == s {
		return s, true
	}
	return string(b), true
}

// isNameJoiner reports whether r is an apostrophe, hyphen or dot: marks that
// forces write in some records of a name and leave out of others.
func isNameJoiner(r rune) bool {
	switch r {
	case '\'', '`', '\u2018', '\u2019', '\u201b', '\u02bc', '\u02bb', '\u2032',
		'-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe63',
		'.', '\u00b7', '\u2024', '\u2027':
		return true
	}
	return false
}

// isDiacritic reports whether r is a combining mark from the blocks that hold
// the accents of Latin, Greek and Cyrillic letters once decomposed.
func isDiacritic(r rune) bool {
	return ('\u0300' <= r && r <= '\u036f') ||
		('\u1ab0' <= r && r <= '\u1aff') ||
		('\u1dc0' <= r && r <= '\u1dff') ||
		('\u20d0' <= r && r <= '\u20ff') ||
		('\ufe20' <= r && r <= '\ufe2f')
}

// plainLetter spells in plain letters a lower-case letter that carries its
// diacritic in its shape and so does not decompose (ł is not l plus a mark),
// or ß, which rune-by-rune case folding keeps; otherwise it returns "".
func plainLetter(r rune) string {
	switch r {
	case 'ł':
		return "l"
	case 'ø':
		return "o"
	case 'đ', 'ð':
		return "d"
	case 'þ':
		return "th"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'ɨ':
		return "i"
	case 'ħ':
		return "h"
	case 'ŧ':
		return "t"
	case 'ƒ':
		return "f"
	case 'ʉ':
		return "u"
	case 'ŋ':
		return "n"
	case 'ß':
		return "ss"
	}
	return ""
}
