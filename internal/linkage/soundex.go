package linkage

// Soundex returns the American Soundex code of s: its first letter and three
// digits for the consonants after it, as the US National Archives codes
// surnames. Letters coded alike are coded once when next to each other or
// separated only by H or W; a vowel (or Y) between them codes both. Only
// ASCII letters count, in either case; anything else is skipped. It returns
// "" when s has no letters.
func Soundex(s string) string {
	var code [4]byte
	n := 0
	var last byte
	for i := 0; i < len(s) && n < len(code); i++ {
		c := upperASCII(s[i])
		if c < 'A' || c > 'Z' {
			continue
		}
		digit := soundexDigit(c)
		switch {
		case n == 0:
			code[0] = c
			n = 1
		case c == 'H' || c == 'W':
			continue
		case digit != '0' && digit != last:
			code[n] = digit
			n++
		}
		last = digit
	}
	if n == 0 {
		return ""
	}
	for ; n < len(code); n++ {
		code[n] = '0'
	}
	return string(code[:])
}

// soundexDigit is the Soundex digit of an upper-case letter, '0' for the
// vowels, Y, H and W, which are not coded.
func soundexDigit(c byte) byte {
	switch c {
	case 'B', 'F', 'P', 'V':
		return '1'
	case 'C', 'G', 'J', 'K', 'Q', 'S', 'X', 'Z':
		return '2'
	case 'D', 'T':
		return '3'
	case 'L':
		return '4'
	case 'M', 'N':
		return '5'
	case 'R':
		return '6'
	}
	return '0'
}

// upperASCII upper-cases an ASCII letter and returns any other byte as it is.
func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
