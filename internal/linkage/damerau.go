package linkage

// DamerauLevenshtein returns the optimal string alignment distance between a
// and b: the fewest rune insertions, deletions, substitutions and swaps of
// adjacent runes that turn one into the other, where no rune is edited after
// being swapped. It does not allocate for strings of up to 64 runes.
func DamerauLevenshtein(a, b string) int {
	if a == b {
		return 0
	}
	var bufA, bufB [stackRunes]rune
	x, y := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	if len(x) < len(y) {
		x, y = y, x
	}
	if len(y) == 0 {
		return len(x)
	}

	// Three rows of the edit matrix, over the shorter string: the row being
	// filled and the two before it, which a swap looks back to. int32 halves
	// the buffer each call must zero; no name is 2³¹ runes long.
	var rows [3 * (stackRunes + 1)]int32
	width := len(y) + 1
	cells := rows[:]
	if 3*width > len(rows) {
		cells = make([]int32, 3*width)
	}
	before, prev, cur := cells[:width], cells[width:2*width], cells[2*width:3*width]
	for j := range prev {
		prev[j] = int32(j)
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = int32(i)
		for j := 1; j <= len(y); j++ {
			cost := int32(1)
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d = min(d, before[j-2]+1)
			}
			cur[j] = d
		}
		before, prev, cur = prev, cur, before
	}
	return int(prev[len(y)])
}
