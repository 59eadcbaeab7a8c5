package normalise

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// RepairMojibake detects text that was UTF-8 decoded as Windows-1252 (or
// Latin-1) one or more times ("Hereâ€™s" -> "Here’s", "SiobhÃ¡n" ->
// "Siobhán", "ZoÃ«" -> "Zoë") and repairs it, reporting whether it changed
// anything. Correct text, with accents or without ("Siobhán", "Łukasz",
// "naïve", "£5"), is left alone: it repairs only when re-encoding the text to
// Windows-1252 bytes gives valid UTF-8 that is different and plausible.
//
// The test is of the whole text, so a value that mixes correct accents with
// mojibake ("Siobhán SiobhÃ¡n") is left as it is rather than guessed at.
func RepairMojibake(s string) (string, bool) {
	out := s
	for {
		// Each pass makes the text shorter, so this ends.
		next, ok := undoWindows1252(out)
		if !ok {
			return out, out != s
		}
		out = next
	}
}

// undoWindows1252 returns the text whose UTF-8 bytes, read as Windows-1252,
// are s, if there is such a text and it is plausible.
func undoWindows1252(s string) (string, bool) {
	var buf [256]byte
	b := buf[:0]
	changed := false
	for _, r := range s {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
			continue
		}
		c, ok := charmap.Windows1252.EncodeRune(r)
		if !ok {
			if r > 0x9f {
				return "", false
			}
			// A C1 control: the byte as Latin-1 read it, or one of the five
			// that Windows-1252 leaves undefined.
			c = byte(r)
		}
		b = append(b, c)
		changed = true
	}
	if !changed || !utf8.Valid(b) {
		return "", false
	}
	for _, r := range string(b) {
		if r >= utf8.RuneSelf && !isPlausible(r) {
			return "", false
		}
	}
	return string(b), true
}

// isPlausible reports whether r could stand in real text: not a control,
// private-use or unassigned code point. Format characters count, since
// "ï»¿" (a byte order mark) and "â€‹" (a zero-width space) are common
// mojibake too.
func isPlausible(r rune) bool {
	return unicode.IsGraphic(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}
