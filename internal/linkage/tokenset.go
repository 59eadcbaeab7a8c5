package linkage

import "math"

// stackTokens is the most words a name may have for TokenSetSimilarity to
// keep its work on the stack; longer names still work but allocate.
const stackTokens = 8

// TokenSetSimilarity compares names of several words as sets of words: each
// word of the shorter name is paired with a different word of the longer by
// the pairing that maximises the total Jaro-Winkler similarity, and the
// total is divided by the number of words in the longer name. Order does not
// matter ("hussain mohammed" and "mohammed hussain" score 1) and unpaired
// words count 0. Words are separated by spaces; two names without words
// score 1, and one without words scores 0 against any other.
func TokenSetSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	if b < a {
		a, b = b, a // a fixed order makes the float arithmetic symmetric
	}
	var bufA, bufB [stackTokens]string
	rows, cols := appendTokens(bufA[:0], a), appendTokens(bufB[:0], b)
	if len(rows) > len(cols) {
		rows, cols = cols, rows
	}
	switch {
	case len(cols) == 0:
		return 1
	case len(rows) == 0:
		return 0
	}

	var simBuf [stackTokens * stackTokens]float64
	sim := simBuf[:]
	if len(rows)*len(cols) > len(simBuf) {
		sim = make([]float64, len(rows)*len(cols))
	}
	for i, r := range rows {
		for j, c := range cols {
			sim[i*len(cols)+j] = JaroWinkler(r, c)
		}
	}
	return bestPairing(sim, len(rows), len(cols)) / float64(len(cols))
}

// appendTokens appends the space-separated words of s to buf.
func appendTokens(buf []string, s string) []string {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				buf = append(buf, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return buf
}

// bestPairing returns the largest total similarity of a one-to-one pairing
// of the n rows of sim (n by m, row-major, n <= m) with its columns. It is
// the Hungarian algorithm in its O(n²m) shortest augmenting path form,
// minimising the cost -sim, with row and column potentials u and v.
func bestPairing(sim []float64, n, m int) float64 {
	var uBuf, vBuf, minvBuf [stackTokens + 1]float64
	var rowOfBuf, wayBuf [stackTokens + 1]int
	var usedBuf [stackTokens + 1]bool
	u, v, minv := uBuf[:], vBuf[:], minvBuf[:]
	rowOf, way, used := rowOfBuf[:], wayBuf[:], usedBuf[:]
	if m > stackTokens {
		u, v, minv = make([]float64, m+1), make([]float64, m+1), make([]float64, m+1)
		rowOf, way, used = make([]int, m+1), make([]int, m+1), make([]bool, m+1)
	}
	u, v, minv = u[:n+1], v[:m+1], minv[:m+1]
	rowOf, way, used = rowOf[:m+1], way[:m+1], used[:m+1]

	// Column 0 is a sentinel holding the row being placed; rowOf[j] is the
	// 1-based row paired with column j, 0 for none.
	for i := 1; i <= n; i++ {
		rowOf[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = math.Inf(1), false
		}
		for {
			used[j0] = true
			i0, delta, j1 := rowOf[j0], math.Inf(1), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				reduced := -sim[(i0-1)*m+j-1] - u[i0] - v[j]
				if reduced < minv[j] {
					minv[j], way[j] = reduced, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[rowOf[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if rowOf[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			rowOf[j0] = rowOf[j1]
			j0 = j1
		}
	}

	total := 0.0
	for j := 1; j <= m; j++ {
		if i := rowOf[j]; i != 0 {
			total += sim[(i-1)*m+j-1]
		}
	}
	return total
}
