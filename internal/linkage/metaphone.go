package linkage

// DoubleMetaphone returns the primary and alternate Double Metaphone codes
// of s, of at most 4 characters each, following the rules Lawrence Philips
// published ("The Double Metaphone Search Algorithm", C/C++ Users Journal,
// June 2000). The alternate code is the primary code again when no rule
// offers a second pronunciation. Codes use the letters A F H J K L M N P R S
// T X and 0 (zero, for "th").
//
// Only ASCII letters and spaces count, in either case: rules such as those
// for "van ", "san " and "mac caffrey" look across spaces, so encode each
// part of a name on its own unless the whole is meant. Both codes are ""
// when s has no letters, and can be "" for a few silent spellings ("h").
func DoubleMetaphone(s string) (primary, alternate string) {
	var wordBuf [stackRunes]byte
	m := metaphone{word: appendWord(wordBuf[:0], s)}
	if len(m.word) == 0 {
		return "", ""
	}
	m.encode()
	primary = string(m.primary[:m.np])
	if m.alternate == m.primary && m.na == m.np {
		return primary, primary
	}
	return primary, string(m.alternate[:m.na])
}

// appendWord appends to buf the ASCII letters of s, upper-cased, with each
// run of white space between them as one space; it drops everything else.
func appendWord(buf []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); i++ {
		c := upperASCII(s[i])
		switch {
		case 'A' <= c && c <= 'Z':
			if space && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			space = false
			buf = append(buf, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
		}
	}
	return buf
}

// metaphone holds one Double Metaphone encoding in progress.
type metaphone struct {
	word          []byte
	slavoGermanic bool
	primary       [4]byte
	alternate     [4]byte
	np, na        int // lengths of primary and alternate
}

// at returns the letter at i. Past the end it returns a space, as though the
// word were padded with spaces, which the rules for word endings rely on.
func (m *metaphone) at(i int) byte {
	switch {
	case i < 0:
		return 0
	case i >= len(m.word):
		return ' '
	}
	return m.word[i]
}

// is reports whether any of options is spelt from position i.
func (m *metaphone) is(i int, options ...string) bool {
	if i < 0 {
		return false
	}
	for _, opt := range options {
		match := true
		for k := 0; k < len(opt); k++ {
			if m.at(i+k) != opt[k] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func (m *metaphone) vowel(i int) bool {
	switch m.at(i) {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

// add appends code to both codes.
func (m *metaphone) add(code string) { m.addAlt(code, code) }

// addAlt appends primary to the primary code and alternate to the
// alternate code; either may be "" for no sound. Codes stop at 4.
func (m *metaphone) addAlt(primary, alternate string) {
	for k := 0; k < len(primary) && m.np < len(m.primary); k++ {
		m.primary[m.np] = primary[k]
		m.np++
	}
	for k := 0; k < len(alternate) && m.na < len(m.alternate); k++ {
		m.alternate[m.na] = alternate[k]
		m.na++
	}
}

func (m *metaphone) full() bool {
	return m.np == len(m.primary) && m.na == len(m.alternate)
}

// germanic reports whether the word begins as Germanic or Dutch names do.
func (m *metaphone) germanic() bool {
	return m.is(0, "VAN ", "VON ", "SCH")
}

func (m *metaphone) encode() {
	w := m.word
	for k := range w {
		if w[k] == 'W' || w[k] == 'K' || (w[k] == 'C' && m.at(k+1) == 'Z') {
			m.slavoGermanic = true
			break
		}
	}
	last := len(w) - 1

	i := 0
	switch {
	case m.is(0, "GN", "KN", "PN", "WR", "PS"):
		i = 1 // the first letter is silent
	case w[0] == 'X':
		m.add("S") // Xavier
		i = 1
	}

	for i < len(w) && !m.full() {
		switch c := w[i]; c {
		case 'A', 'E', 'I', 'O', 'U', 'Y':
			if i == 0 {
				m.add("A")
			}
			i++
		case 'B':
			m.add("P")
			i += m.skipDouble(i, 'B')
		case 'C':
			i = m.encodeC(i)
		case 'D':
			i = m.encodeD(i)
		case 'F':
			m.add("F")
			i += m.skipDouble(i, 'F')
		case 'G':
			i = m.encodeG(i)
		case 'H':
			// Sounded only at the start or between vowels.
			if (i == 0 || m.vowel(i-1)) && m.vowel(i+1) {
				m.add("H")
				i += 2
			} else {
				i++
			}
		case 'J':
			i = m.encodeJ(i, last)
		case 'K':
			m.add("K")
			i += m.skipDouble(i, 'K')
		case 'L':
			i = m.encodeL(i, last)
		case 'M':
			// Silent B in "dumb", "thumb", "plumber".
			if m.at(i+1) == 'M' || (m.is(i-1, "UMB") && (i+1 == last || m.is(i+2, "ER"))) {
				i += 2
			} else {
				i++
			}
			m.add("M")
		case 'N':
			m.add("N")
			i += m.skipDouble(i, 'N')
		case 'P':
			switch {
			case m.at(i+1) == 'H':
				m.add("F")
				i += 2
			case m.is(i+1, "P", "B"): // Campbell, raspberry
				m.add("P")
				i += 2
			default:
				m.add("P")
				i++
			}
		case 'Q':
			m.add("K")
			i += m.skipDouble(i, 'Q')
		case 'R':
			// French endings (Rogier) but not German (Hochmeier).
			if i == last && !m.slavoGermanic && m.is(i-2, "IE") && !m.is(i-4, "ME", "MA") {
				m.addAlt("", "R")
			} else {
				m.add("R")
			}
			i += m.skipDouble(i, 'R')
		case 'S':
			i = m.encodeS(i, last)
		case 'T':
			i = m.encodeT(i)
		case 'V':
			m.add("F")
			i += m.skipDouble(i, 'V')
		case 'W':
			i = m.encodeW(i, last)
		case 'X':
			// Silent in French endings such as Breaux.
			if !(i == last && (m.is(i-3, "IAU", "EAU") || m.is(i-2, "AU", "OU"))) {
				m.add("KS")
			}
			if m.is(i+1, "C", "X") {
				i += 2
			} else {
				i++
			}
		case 'Z':
			i = m.encodeZ(i)
		default:
			i++
		}
	}
}

// skipDouble is how far to move past the letter c at i: 2 when it is
// doubled, else 1.
func (m *metaphone) skipDouble(i int, c byte) int {
	if m.at(i+1) == c {
		return 2
	}
	return 1
}

func (m *metaphone) encodeC(i int) int {
	switch {
	case i > 1 && !m.vowel(i-2) && m.is(i-1, "ACH") &&
		m.at(i+2) != 'I' && (m.at(i+2) != 'E' || m.is(i-2, "BACHER", "MACHER")):
		m.add("K") // Germanic: Bach, Bacher
		return i + 2
	case i == 0 && m.is(i, "CAESAR"):
		m.add("S")
		return i + 2
	case m.is(i, "CHIA"): // Chianti
		m.add("K")
		return i + 2
	case m.is(i, "CH"):
		switch {
		case i > 0 && m.is(i, "CHAE"): // Michael
			m.addAlt("K", "X")
		case i == 0 && (m.is(i+1, "HARAC", "HARIS") || m.is(i+1, "HOR", "HYM", "HIA", "HEM")) && !m.is(0, "CHORE"):
			m.add("K") // Greek roots: chorus, chemistry
		case m.germanic() || m.is(i-2, "ORCHES", "ARCHIT", "ORCHID") || m.is(i+2, "T", "S") ||
			((i == 0 || m.is(i-1, "A", "O", "U", "E")) && m.is(i+2, "L", "R", "N", "M", "B", "H", "F", "V", "W", " ")):
			m.add("K") // CH as KH: Wachtler, Wechsler, orchestra
		case i == 0:
			m.add("X")
		case m.is(0, "MC"): // McHugh
			m.add("K")
		default:
			m.addAlt("X", "K")
		}
		return i + 2
	case m.is(i, "CZ") && !m.is(i-2, "WICZ"): // Czerny
		m.addAlt("S", "X")
		return i + 2
	case m.is(i+1, "CIA"): // focaccia
		m.add("X")
		return i + 3
	case m.is(i, "CC") && !(i == 1 && m.at(0) == 'M'): // but not McClellan
		if m.is(i+2, "I", "E", "H") && !m.is(i+2, "HU") {
			if (i == 1 && m.at(0) == 'A') || m.is(i-1, "UCCEE", "UCCES") {
				m.add("KS") // accident, succeed
			} else {
				m.add("X") // bacci, bertucci
			}
			return i + 3
		}
		m.add("K") // Bacchus
		return i + 2
	case m.is(i, "CK", "CG", "CQ"):
		m.add("K")
		return i + 2
	case m.is(i, "CI", "CE", "CY"):
		if m.is(i, "CIO", "CIE", "CIA") {
			m.addAlt("S", "X")
		} else {
			m.add("S")
		}
		return i + 2
	}
	m.add("K")
	switch {
	case m.is(i+1, " C", " Q", " G"): // Mac Caffrey, Mac Gregor
		return i + 3
	case m.is(i+1, "C", "K", "Q") && !m.is(i+1, "CE", "CI"):
		return i + 2
	}
	return i + 1
}

func (m *metaphone) encodeD(i int) int {
	switch {
	case m.is(i, "DG"):
		if m.is(i+2, "I", "E", "Y") { // edge
			m.add("J")
			return i + 3
		}
		m.add("TK") // Edgar
		return i + 2
	case m.is(i, "DT", "DD"):
		m.add("T")
		return i + 2
	}
	m.add("T")
	return i + 1
}

func (m *metaphone) encodeG(i int) int {
	switch next := m.at(i + 1); {
	case next == 'H':
		return m.encodeGH(i)
	case next == 'N':
		switch {
		case i == 1 && m.vowel(0) && !m.slavoGermanic:
			m.addAlt("KN", "N")
		case !m.is(i+2, "EY") && !m.slavoGermanic: // but not Cagney
			m.addAlt("N", "KN")
		default:
			m.add("KN")
		}
		return i + 2
	case m.is(i+1, "LI") && !m.slavoGermanic: // Tagliaro
		m.addAlt("KL", "L")
		return i + 2
	case i == 0 && (next == 'Y' || m.is(i+1, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")):
		m.addAlt("K", "J")
		return i + 2
	case (m.is(i+1, "ER") || next == 'Y') && !m.is(0, "DANGER", "RANGER", "MANGER") &&
		!m.is(i-1, "E", "I") && !m.is(i-1, "RGY", "OGY"):
		m.addAlt("K", "J") // -ger-, -gy-
		return i + 2
	case m.is(i+1, "E", "I", "Y") || m.is(i-1, "AGGI", "OGGI"): // Biaggi
		switch {
		case m.germanic() || m.is(i+1, "ET"):
			m.add("K")
		case m.is(i+1, "IER "): // French endings are always soft
			m.add("J")
		default:
			m.addAlt("J", "K")
		}
		return i + 2
	}
	m.add("K")
	return i + m.skipDouble(i, 'G')
}

func (m *metaphone) encodeGH(i int) int {
	switch {
	case i > 0 && !m.vowel(i-1):
		m.add("K")
	case i == 0:
		if m.at(i+2) == 'I' { // Ghislane
			m.add("J")
		} else {
			m.add("K")
		}
	case (i > 1 && m.is(i-2, "B", "H", "D")) || (i > 2 && m.is(i-3, "B", "H", "D")) || (i > 3 && m.is(i-4, "B", "H")):
		// Parker's rule: silent in Hugh, bough, Broughton.
	case i > 2 && m.at(i-1) == 'U' && m.is(i-3, "C", "G", "L", "R", "T"):
		m.add("F") // laugh, McLaughlin, cough, tough
	case m.at(i-1) != 'I':
		m.add("K")
	}
	return i + 2
}

func (m *metaphone) encodeJ(i, last int) int {
	if m.is(i, "JOSE") || m.is(0, "SAN ") { // Jose, San Jacinto
		if (i == 0 && m.at(i+4) == ' ') || m.is(0, "SAN ") {
			m.add("H")
		} else {
			m.addAlt("J", "H")
		}
		return i + 1
	}
	switch {
	case i == 0:
		m.addAlt("J", "A") // Jankelowicz as Yankelovich
	case m.vowel(i-1) && !m.slavoGermanic && (m.at(i+1) == 'A' || m.at(i+1) == 'O'):
		m.addAlt("J", "H") // Spanish: bajador
	case i == last:
		m.addAlt("J", "")
	case !m.is(i+1, "L", "T", "K", "S", "N", "M", "B", "Z") && !m.is(i-1, "S", "K", "L"):
		m.add("J")
	}
	return i + m.skipDouble(i, 'J')
}

func (m *metaphone) encodeL(i, last int) int {
	if m.at(i+1) != 'L' {
		m.add("L")
		return i + 1
	}
	// Spanish: Cabrillo, Gallegos.
	if (i == len(m.word)-3 && m.is(i-1, "ILLO", "ILLA", "ALLE")) ||
		((m.is(last-1, "AS", "OS") || m.is(last, "A", "O")) && m.is(i-1, "ALLE")) {
		m.addAlt("L", "")
		return i + 2
	}
	m.add("L")
	return i + 2
}

func (m *metaphone) encodeS(i, last int) int {
	switch {
	case m.is(i-1, "ISL", "YSL"): // island, Carlisle
		return i + 1
	case i == 0 && m.is(i, "SUGAR"):
		m.addAlt("X", "S")
		return i + 1
	case m.is(i, "SH"):
		if m.is(i+1, "HEIM", "HOEK", "HOLM", "HOLZ") { // Germanic
			m.add("S")
		} else {
			m.add("X")
		}
		return i + 2
	case m.is(i, "SIO", "SIA", "SIAN"): // Italian, Armenian
		if m.slavoGermanic {
			m.add("S")
		} else {
			m.addAlt("S", "X")
		}
		return i + 3
	case (i == 0 && m.is(i+1, "M", "N", "L", "W")) || m.at(i+1) == 'Z':
		// Smith as Schmidt, Snider as Schneider; Slavic SZ.
		m.addAlt("S", "X")
		if m.at(i+1) == 'Z' {
			return i + 2
		}
		return i + 1
	case m.is(i, "SC"):
		return m.encodeSC(i)
	}
	// Silent in French endings such as Resnais, Artois.
	if i == last && m.is(i-2, "AI", "OI") {
		m.addAlt("", "S")
	} else {
		m.add("S")
	}
	if m.is(i+1, "S", "Z") {
		return i + 2
	}
	return i + 1
}

func (m *metaphone) encodeSC(i int) int {
	switch {
	case m.at(i+2) == 'H':
		// Schlesinger's rule.
		switch {
		case m.is(i+3, "ER", "EN"): // Schermerhorn, Schenker
			m.addAlt("X", "SK")
		case m.is(i+3, "OO", "UY", "ED", "EM"): // Dutch: school
			m.add("SK")
		case i == 0 && !m.vowel(3) && m.at(3) != 'W':
			m.addAlt("X", "S") // Schmidt as Smith
		default:
			m.add("X")
		}
	case m.is(i+2, "I", "E", "Y"):
		m.add("S")
	default:
		m.add("SK")
	}
	return i + 3
}

func (m *metaphone) encodeT(i int) int {
	switch {
	case m.is(i, "TION"):
		m.add("X")
		return i + 3
	case m.is(i, "TIA", "TCH"):
		m.add("X")
		return i + 3
	case m.is(i, "TH", "TTH"):
		if m.is(i+2, "OM", "AM") || m.germanic() { // Thomas, Thames
			m.add("T")
		} else {
			m.addAlt("0", "T")
		}
		return i + 2
	case m.is(i+1, "T", "D"):
		m.add("T")
		return i + 2
	}
	m.add("T")
	return i + 1
}

func (m *metaphone) encodeW(i, last int) int {
	if m.is(i, "WR") {
		m.add("R")
		return i + 2
	}
	if i == 0 {
		switch {
		case m.vowel(i + 1):
			m.addAlt("A", "F") // Wasserman as Vasserman
		case m.is(i, "WH"):
			m.add("A")
		}
	}
	switch {
	case (i == last && m.vowel(i-1)) || m.is(i-1, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || m.is(0, "SCH"):
		m.addAlt("", "F") // Arnow as Arnoff
		return i + 1
	case m.is(i, "WICZ", "WITZ"): // Polish: Filipowicz
		m.addAlt("TS", "FX")
		return i + 4
	}
	return i + 1
}

func (m *metaphone) encodeZ(i int) int {
	switch {
	case m.at(i+1) == 'H': // Pinyin: Zhao
		m.add("J")
		return i + 2
	case m.is(i+1, "ZO", "ZI", "ZA") || (m.slavoGermanic && i > 0 && m.at(i-1) != 'T'):
		m.addAlt("S", "TS")
	default:
		m.add("S")
	}
	return i + m.skipDouble(i, 'Z')
}
