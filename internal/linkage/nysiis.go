package linkage

// NYSIIS returns the NYSIIS code of s (New York State Identification and
// Intelligence System; Taft, "Name Search Techniques", 1970), without the
// original's truncation to six letters. Only ASCII letters count, in either
// case; anything else is skipped, so encode each part of a name on its own.
// It returns "" when s has no letters.
//
// The first letter of the code is always the first letter of the (prefix
// translated) name: the final rules that drop a trailing S or A, or turn AY
// into Y, never remove it, so "s" codes as "S" rather than "".
func NYSIIS(s string) string {
	var nameBuf, keyBuf [stackRunes]byte
	name := appendLetters(nameBuf[:0], s)
	if len(name) == 0 {
		return ""
	}

	switch {
	case hasPrefix(name, "MAC"):
		name[1] = 'C'
	case hasPrefix(name, "KN"):
		name[0] = 'N'
	case hasPrefix(name, "K"):
		name[0] = 'C'
	case hasPrefix(name, "PH"), hasPrefix(name, "PF"):
		name[0], name[1] = 'F', 'F'
	case hasPrefix(name, "SCH"):
		name[1], name[2] = 'S', 'S'
	}
	switch {
	case hasSuffix(name, "EE"), hasSuffix(name, "IE"):
		name = append(name[:len(name)-2], 'Y')
	case hasSuffix(name, "DT"), hasSuffix(name, "RT"), hasSuffix(name, "RD"),
		hasSuffix(name, "NT"), hasSuffix(name, "ND"):
		name = append(name[:len(name)-2], 'D')
	}

	// The scan rewrites the name in place, so later rules see earlier
	// translations (a vowel before W is already A).
	key := append(keyBuf[:0], name[0])
	for i := 1; i < len(name); i++ {
		switch c := name[i]; {
		case isNYSIISVowel(c):
			if c == 'E' && i+1 < len(name) && name[i+1] == 'V' {
				name[i+1] = 'F'
			}
			name[i] = 'A'
		case c == 'Q':
			name[i] = 'G'
		case c == 'Z':
			name[i] = 'S'
		case c == 'M':
			name[i] = 'N'
		case c == 'K':
			if i+1 < len(name) && name[i+1] == 'N' {
				name[i] = 'N'
			} else {
				name[i] = 'C'
			}
		case c == 'S' && hasPrefix(name[i:], "SCH"):
			name[i+1], name[i+2] = 'S', 'S'
		case c == 'P' && hasPrefix(name[i:], "PH"):
			name[i], name[i+1] = 'F', 'F'
		case c == 'H':
			if !isNYSIISVowel(name[i-1]) || i+1 == len(name) || !isNYSIISVowel(name[i+1]) {
				name[i] = name[i-1]
			}
		case c == 'W':
			if isNYSIISVowel(name[i-1]) {
				name[i] = name[i-1]
			}
		}
		if name[i] != key[len(key)-1] {
			key = append(key, name[i])
		}
	}

	if len(key) > 1 && key[len(key)-1] == 'S' {
		key = key[:len(key)-1]
	}
	if len(key) > 2 && hasSuffix(key, "AY") {
		key = append(key[:len(key)-2], 'Y')
	}
	if len(key) > 1 && key[len(key)-1] == 'A' {
		key = key[:len(key)-1]
	}
	return string(key)
}

func isNYSIISVowel(c byte) bool {
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U'
}

// appendLetters appends the ASCII letters of s to buf, upper-cased, and
// skips everything else.
func appendLetters(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := upperASCII(s[i]); 'A' <= c && c <= 'Z' {
			buf = append(buf, c)
		}
	}
	return buf
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

func hasSuffix(b []byte, suffix string) bool {
	return len(b) >= len(suffix) && string(b[len(b)-len(suffix):]) == suffix
}
