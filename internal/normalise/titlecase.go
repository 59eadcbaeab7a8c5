package normalise

import (
	"strings"
	"unicode"
)

// TitleCase returns an all-capitals or all-lower-case name in title case
// ("HUSSAIN" -> "Hussain", "O'NEILL" -> "O'Neill", "MCDONALD" -> "McDonald",
// "SMITH-JONES" -> "Smith-Jones"); a mixed-case name is returned unchanged (it
// was written deliberately: "McDonald", "DeSouza").
//
// Each word, and each part of a word after a hyphen, starts with a capital.
// After an apostrophe a capital follows only a single letter (O'Neill,
// D'Arcy), not a longer word (Ma'afu). Mc takes a capital after it; Mac does
// not, since Machin and Mackie are names too.
func TitleCase(s string) string {
	upper, lower := false, false
	for _, r := range s {
		upper = upper || unicode.IsUpper(r) || unicode.IsTitle(r)
		lower = lower || unicode.IsLower(r)
	}
	if upper == lower {
		return s // mixed case, or no cased letters at all
	}
	var b strings.Builder
	b.Grow(len(s))
	runes := []rune(s)
	word := 0 // letters in the word so far
	for i, r := range runes {
		switch {
		case unicode.IsMark(r):
			// A mark keeps the case of its letter: some, such as U+0345, have
			// case mappings of their own.
			b.WriteRune(r)
			continue
		case !unicode.IsLetter(r):
			if !isApostrophe(r) || word == 1 {
				word = 0
			}
			b.WriteRune(r)
			continue
		case word == 0 || (word == 2 && isMc(runes[i-2:i])):
			b.WriteRune(unicode.ToTitle(r))
		case r == 'Σ' && (i+1 == len(runes) || !isLetter(runes[i+1])):
			b.WriteRune('ς') // Greek final sigma
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		word++
	}
	return b.String()
}

// isLetter reports whether r is part of a word: a letter or a mark on one.
func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02bc' }

func isMc(w []rune) bool {
	return (w[0] == 'M' || w[0] == 'm') && (w[1] == 'C' || w[1] == 'c')
}
