package normalise

import (
	"strings"
	"unicode"

	"github.com/caselink/caselink/internal/pole"
)

// Name is a person's name in its parts, as stored on a mention.
type Name struct{ Forename, Middle, Surname string }

// NameStyle says how a force writes a whole name in one field.
type NameStyle int

const (
	// SurnameCommaForenames is "HUSSAIN, Mohammed Imran", or "Hussain,Mohammed".
	SurnameCommaForenames NameStyle = iota
	// ForenamesThenSurname is "Mohammed Imran Hussain". Particles (van, von,
	// de, da, del, di, le, la, al, el, bin, bint, ibn, abu, o', mac, mc, st)
	// attach to the surname: "Ludwig van Beethoven" has the surname
	// "van Beethoven", "Mohammed Al Hassan" the surname "Al Hassan".
	ForenamesThenSurname
)

// SplitName splits a name written in one field. Honorifics and titles (Mr,
// Mrs, Miss, Ms, Mx, Dr, Prof, Rev, Sir, Dame, Lord, Lady, with or without a
// dot) are removed; name case is kept as written except that an all-capitals
// word is returned in title case ("HUSSAIN" -> "Hussain", "O'NEILL" ->
// "O'Neill", "MCDONALD" -> "McDonald", "SMITH-JONES" -> "Smith-Jones").
// Returns pole.Invalid("name", ...) when nothing is left.
//
// A comma always means the surname comes first, whatever the style: nobody
// writes "Mohammed, Hussain" for a man called Hussain. In the surname-first
// style a name without a comma is all surname, and in the forenames-first
// style a name of one word is a surname: police records know a surname when
// they know anything. Titles are removed only from the front of the
// forenames, and from the front of a surname only while a word of it is left
// or there are no forenames, because Lord is a surname too ("Jonathan Lord",
// "LORD, Jonathan").
func SplitName(s string, style NameStyle) (Name, error) {
	t := Text(s)
	var n Name
	if surname, forenames, comma := strings.Cut(t, ","); comma || style == SurnameCommaForenames {
		fw := withoutHonorifics(strings.Fields(strings.ReplaceAll(forenames, ",", " ")))
		sw := strings.Fields(surname)
		for len(sw) > 0 && isHonorific(sw[0]) && (len(sw) > 1 || len(fw) == 0) {
			sw = sw[1:]
		}
		n.Surname = recase(sw)
		if len(fw) > 0 {
			n.Forename, n.Middle = recase(fw[:1]), recase(fw[1:])
		}
	} else {
		w := withoutHonorifics(strings.Fields(t))
		switch len(w) {
		case 0:
		case 1:
			n.Surname = recase(w)
		default:
			start := len(w) - 1
			for start > 1 && isParticle(w[start-1]) {
				start--
			}
			n = Name{Forename: recase(w[:1]), Middle: recase(w[1:start]), Surname: recase(w[start:])}
		}
	}
	if n == (Name{}) {
		return Name{}, pole.Invalid("name", "%q holds no name once titles are removed", s)
	}
	return n, nil
}

func withoutHonorifics(words []string) []string {
	for len(words) > 0 && isHonorific(words[0]) {
		words = words[1:]
	}
	return words
}

func isHonorific(w string) bool {
	switch strings.ToLower(strings.TrimSuffix(w, ".")) {
	case "mr", "mrs", "miss", "ms", "mx", "dr", "prof", "rev", "sir", "dame", "lord", "lady":
		return true
	}
	return false
}

// isParticle reports whether w is a word that belongs to the surname after
// it. The list adds der, den, du, dos, das, des and della to the documented
// one, for van der Berg, dos Santos and Das Gupta.
func isParticle(w string) bool {
	switch strings.ToLower(w) {
	case "van", "von", "de", "da", "del", "di", "le", "la", "al", "el", "bin", "bint", "ibn", "abu",
		"o'", "o’", "mac", "mc", "st", "st.", "der", "den", "du", "dos", "das", "des", "della":
		return true
	}
	return false
}

// recase joins words with single spaces, putting each all-capitals word into
// title case.
func recase(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if isAllCapitals(w) {
			w = TitleCase(w)
		}
		b.WriteString(w)
	}
	return b.String()
}

func isAllCapitals(w string) bool {
	upper := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		upper = upper || unicode.IsUpper(r) || unicode.IsTitle(r)
	}
	return upper
}
