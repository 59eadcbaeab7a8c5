package network

// AdjustedRand is the adjusted Rand index of two labellings of the same
// items (Hubert and Arabie, 1985): 1 when they cluster the items alike, near
// 0 when they agree no more than chance would.
func AdjustedRand(a, b []string) float64 {
	if len(a) != len(b) || len(a) < 2 {
		return 0
	}
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	type cell struct{ a, b string }
	cells, rows, cols := map[cell]int{}, map[string]int{}, map[string]int{}
	for i := range a {
		cells[cell{a[i], b[i]}]++
		rows[a[i]]++
		cols[b[i]]++
	}
	var index, sumRows, sumCols float64
	for _, n := range cells {
		index += pairs(n)
	}
	for _, n := range rows {
		sumRows += pairs(n)
	}
	for _, n := range cols {
		sumCols += pairs(n)
	}
	expected := sumRows * sumCols / pairs(len(a))
	most := (sumRows + sumCols) / 2
	if most == expected {
		return 1
	}
	return (index - expected) / (most - expected)
}
