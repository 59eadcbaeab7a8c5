package linkage

import "unicode/utf8"

// stackRunes is the longest name, in runes, that the comparators hold in
// buffers on the stack; longer names still work but allocate.
const stackRunes = 64

// Jaro returns the Jaro similarity of a and b in [0,1], comparing runes: 1
// for equal strings (two empty strings included), 0 when only one is empty
// or no rune matches.
func Jaro(a, b string) float64 {
	if a == b {
		return 1
	}
	var bufA, bufB [stackRunes]rune
	x, y := orderedRunes(a, b, bufA[:0], bufB[:0])
	return jaro(x, y)
}

// JaroWinkler returns the Jaro-Winkler similarity of a and b in [0,1]: the
// Jaro similarity raised for a common prefix of up to 4 runes by a scale of
// 0.1, when the Jaro similarity is above 0.7 (Winkler's threshold). It
// compares runes and does not allocate for strings of up to 64 runes.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	var bufA, bufB [stackRunes]rune
	x, y := orderedRunes(a, b, bufA[:0], bufB[:0])
	return jaroWinkler(x, y)
}

func jaroWinkler(x, y []rune) float64 {
	j := jaro(x, y)
	if j <= 0.7 {
		return j
	}
	prefix := 0
	for prefix < 4 && prefix < len(x) && prefix < len(y) && x[prefix] == y[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
}

// orderedRunes decodes a and b into the buffers, a first unless b sorts
// before it. Greedy Jaro matching can depend on which string is scanned, so
// fixing the order makes every similarity exactly symmetric.
func orderedRunes(a, b string, bufA, bufB []rune) (x, y []rune) {
	if b < a {
		a, b = b, a
	}
	return appendRunes(bufA, a), appendRunes(bufB, b)
}

// appendRunes appends the runes of s to buf, growing it onto the heap only
// when s is longer than its capacity. Invalid UTF-8 bytes become RuneError.
func appendRunes(buf []rune, s string) []rune {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf {
			buf = append(buf, rune(c))
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		buf = append(buf, r)
		i += size - 1
	}
	return buf
}

// jaro is the Jaro similarity of two rune slices. The matched flags are bit
// sets, one word for up to 64 runes, kept on the stack.
func jaro(x, y []rune) float64 {
	if len(x) == 0 && len(y) == 0 {
		return 1
	}
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	var wordsX, wordsY [1]uint64
	matchedX, matchedY := wordsX[:], wordsY[:]
	if len(x) > 64 {
		matchedX = make([]uint64, (len(x)+63)/64)
	}
	if len(y) > 64 {
		matchedY = make([]uint64, (len(y)+63)/64)
	}

	window := max(len(x), len(y))/2 - 1
	window = max(window, 0)
	matches := 0
	for i, r := range x {
		lo, hi := max(0, i-window), min(len(y)-1, i+window)
		for j := lo; j <= hi; j++ {
			if matchedY[j>>6]&(1<<(j&63)) == 0 && y[j] == r {
				matchedX[i>>6] |= 1 << (i & 63)
				matchedY[j>>6] |= 1 << (j & 63)
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}

	// Matched runes out of order; half their number, rounded down as in
	// Winkler's strcmp95, is the number of transpositions.
	outOfOrder, j := 0, 0
	for i, r := range x {
		if matchedX[i>>6]&(1<<(i&63)) == 0 {
			continue
		}
		for matchedY[j>>6]&(1<<(j&63)) == 0 {
			j++
		}
		if y[j] != r {
			outOfOrder++
		}
		j++
	}
	m := float64(matches)
	t := float64(outOfOrder / 2)
	return (m/float64(len(x)) + m/float64(len(y)) + (m-t)/m) / 3
}
