package stats

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestCountSuppressesOneToNineAndRoundsTheRestToFive(t *testing.T) {
	d := DefaultDisclosure()
	cases := []struct {
		n, value   int
		suppressed bool
	}{
		{0, 0, false}, {1, 0, true}, {2, 0, true}, {5, 0, true}, {9, 0, true},
		{10, 10, false}, {12, 10, false}, {13, 15, false}, {17, 15, false}, {18, 20, false},
		{1002, 1000, false}, {1003, 1005, false},
	}
	for _, c := range cases {
		got := d.Count(c.n)
		if got.Value != c.value || got.Suppressed != c.suppressed {
			t.Errorf("Count(%d): got value %d suppressed %v, want %d %v", c.n, got.Value, got.Suppressed, c.value, c.suppressed)
		}
		if got.raw != c.n || got.primary != c.suppressed {
			t.Errorf("Count(%d): got raw %d primary %v, want %d %v", c.n, got.raw, got.primary, c.n, c.suppressed)
		}
	}
}

func TestCountUsesCustomThresholdAndBase(t *testing.T) {
	cases := []struct {
		d          Disclosure
		n, value   int
		suppressed bool
	}{
		{Disclosure{Threshold: 20, Base: 10}, 19, 0, true},
		{Disclosure{Threshold: 20, Base: 10}, 20, 20, false},
		{Disclosure{Threshold: 20, Base: 10}, 24, 20, false},
		{Disclosure{Threshold: 20, Base: 10}, 25, 30, false}, // halves round up
		{Disclosure{Threshold: 3, Base: 1}, 2, 0, true},
		{Disclosure{Threshold: 3, Base: 1}, 3, 3, false},
		{Disclosure{Threshold: 10, Base: 1}, 123, 123, false},
		{Disclosure{Threshold: 1, Base: 1}, 1, 1, false},
		{Disclosure{Threshold: 1, Base: 2}, 1, 2, false},
	}
	for _, c := range cases {
		got := c.d.Count(c.n)
		if got.Value != c.value || got.Suppressed != c.suppressed {
			t.Errorf("%+v Count(%d): got value %d suppressed %v, want %d %v", c.d, c.n, got.Value, got.Suppressed, c.value, c.suppressed)
		}
	}
}

func TestRateIsWithheldBelowThresholdAndUsesUnroundedCounts(t *testing.T) {
	d := DefaultDisclosure()
	cases := []struct {
		num, den int
		want     Rate
	}{
		{3, 9, Rate{Withheld: true}},
		{0, 0, Rate{Withheld: true}},
		{3, 10, Rate{Percent: 30}},
		{12, 13, Rate{Percent: 92.3}}, // rounded counts would give 10/15, 66.7%
		{2, 3000, Rate{Percent: 0.1}},
		{0, 40, Rate{Percent: 0}},
	}
	for _, c := range cases {
		if got := d.Rate(c.num, c.den); got != c.want {
			t.Errorf("Rate(%d, %d): got %+v, want %+v", c.num, c.den, got, c.want)
		}
	}
	if got, want := (Disclosure{Threshold: 1, Base: 1}).Rate(0, 0), (Rate{Withheld: true}); got != want {
		t.Errorf("Rate(0, 0) with threshold 1: got %+v, want %+v", got, want)
	}
}

func TestValidateNamesTheBadFieldAndValue(t *testing.T) {
	cases := []struct {
		d            Disclosure
		field, value string
	}{
		{Disclosure{Threshold: 0, Base: 5}, "threshold", "0"},
		{Disclosure{Threshold: -3, Base: 5}, "threshold", "-3"},
		{Disclosure{Threshold: 10, Base: 0}, "base", "0"},
		{Disclosure{Threshold: 10, Base: 21}, "base", "21"},
	}
	for _, c := range cases {
		err := c.d.Validate()
		var pe *pole.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%+v: got error %v, want a *pole.Error", c.d, err)
		}
		if pe.Code != pole.EINVALID || pe.Field != c.field || !strings.Contains(pe.Message, c.value) {
			t.Errorf("%+v: got %s %q, want %s naming %s and %s", c.d, pe.Code, err, pole.EINVALID, c.field, c.value)
		}
	}
	for _, d := range []Disclosure{DefaultDisclosure(), {Threshold: 1, Base: 1}, {Threshold: 10, Base: 20}} {
		if err := d.Validate(); err != nil {
			t.Errorf("%+v: got %v, want nil", d, err)
		}
	}
	if err := (Disclosure{}).Protect(countTable([][]int{{1}})); pole.ErrorCode(err) != pole.EINVALID {
		t.Errorf("Protect with a zero Disclosure: got %v, want %s", err, pole.EINVALID)
	}
}

// countTable makes a table of the given counts, margins summed.
func countTable(counts [][]int) *Table {
	nc := 0
	if len(counts) > 0 {
		nc = len(counts[0])
	}
	rows, cols := make([]string, len(counts)), make([]string, nc)
	for r := range rows {
		rows[r] = fmt.Sprint("row ", r)
	}
	for c := range cols {
		cols[c] = fmt.Sprint("col ", c)
	}
	return newTable("test", "Test", "victim", "victims", "Row", "Col", rows, cols, counts)
}

// shown is a table as a reader sees it: "x" for a suppressed figure.
func shown(t *Table) string {
	show := func(c Cell) string {
		if c.Suppressed {
			return "x"
		}
		return fmt.Sprint(c.Value)
	}
	var b strings.Builder
	for r := range t.Cells {
		for _, c := range t.Cells[r] {
			b.WriteString(show(c) + " ")
		}
		b.WriteString("| " + show(t.RowTotals[r]) + "\n")
	}
	for _, c := range t.ColTotals {
		b.WriteString(show(c) + " ")
	}
	b.WriteString("| " + show(t.Total))
	return b.String()
}

func TestProtectOneWayTableHidesASecondCellBesideASmallOne(t *testing.T) {
	tab := countTable([][]int{{3}, {40}, {25}, {0}})
	if err := DefaultDisclosure().Protect(tab); err != nil {
		t.Fatal(err)
	}
	// 25, the smallest other count, hides the 3: together 28, each could be 1 to 27.
	want := "x | x\n40 | 40\nx | x\n0 | 0\n70 | 70"
	if got := shown(tab); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for r := range tab.Cells {
		if tab.RowTotals[r] != tab.Cells[r][0] {
			t.Errorf("row %d: got total %+v, want it to mirror the cell %+v", r, tab.RowTotals[r], tab.Cells[r][0])
		}
	}
	if !tab.Cells[0][0].primary || tab.Cells[2][0].primary {
		t.Errorf("got primary %v and %v, want the 3 primary and the 25 secondary", tab.Cells[0][0].primary, tab.Cells[2][0].primary)
	}
}

func TestProtectSingleRowTableMirrorsCellsInColumnTotals(t *testing.T) {
	tab := countTable([][]int{{4, 30, 12, 0}})
	if err := (Disclosure{Threshold: 10, Base: 1}).Protect(tab); err != nil {
		t.Fatal(err)
	}
	want := "x 30 x 0 | 46\nx 30 x 0 | 46"
	if got := shown(tab); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestProtectPublishesEverythingWhenNothingIsSmall(t *testing.T) {
	counts := [][]int{{10, 0, 23}, {0, 0, 0}, {147, 12, 11}}
	exact := countTable(counts)
	if err := (Disclosure{Threshold: 10, Base: 1}).Protect(exact); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(exact), "10 0 23 | 33\n0 0 0 | 0\n147 12 11 | 170\n157 12 34 | 203"; got != want {
		t.Errorf("base 1: got\n%s\nwant\n%s", got, want)
	}
	rounded := countTable(counts)
	if err := DefaultDisclosure().Protect(rounded); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(rounded), "10 0 25 | 35\n0 0 0 | 0\n145 10 10 | 170\n155 10 35 | 205"; got != want {
		t.Errorf("base 5: got\n%s\nwant\n%s", got, want)
	}
}

func TestProtectHidesEveryNonZeroCountOfAnAllSmallTable(t *testing.T) {
	tab := countTable([][]int{{2, 0}, {3, 1}})
	if err := DefaultDisclosure().Protect(tab); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(tab), "x 0 | x\nx x | x\nx x | x"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestProtectHandlesEmptyAndSingleCellTables(t *testing.T) {
	d := DefaultDisclosure()
	empty := countTable(nil)
	if err := d.Protect(empty); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(empty), "| 0"; got != want {
		t.Errorf("empty: got %q, want %q", got, want)
	}
	noRows := newTable("t", "T", "victim", "victims", "Row", "Col", nil, []string{"a", "b"}, nil)
	if err := d.Protect(noRows); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(noRows), "0 0 | 0"; got != want {
		t.Errorf("no rows: got %q, want %q", got, want)
	}
	for n, want := range map[int]string{0: "0 | 0\n0 | 0", 4: "x | x\nx | x", 12: "10 | 10\n10 | 10"} {
		one := countTable([][]int{{n}})
		if err := d.Protect(one); err != nil {
			t.Fatal(err)
		}
		if got := shown(one); got != want {
			t.Errorf("1x1 of %d: got %q, want %q", n, got, want)
		}
	}
}

func TestProtectRejectsTableWhoseCellsDoNotAddUp(t *testing.T) {
	tab := countTable([][]int{{12, 3}, {20, 40}})
	tab.RowTotals[1].raw = 61
	err := DefaultDisclosure().Protect(tab)
	if pole.ErrorCode(err) != pole.EINTERNAL || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("got %v, want %s naming row 1", err, pole.EINTERNAL)
	}
}

func TestProtectForgetsAnEarlierProtection(t *testing.T) {
	tab := countTable([][]int{{12, 3}, {20, 40}})
	if err := (Disclosure{Threshold: 10, Base: 1}).Protect(tab); err != nil {
		t.Fatal(err)
	}
	if err := (Disclosure{Threshold: 2, Base: 1}).Protect(tab); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(tab), "12 3 | 15\n20 40 | 60\n32 43 | 75"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// The attacker reads only published values, suppression marks and the
// disclosure rule. It sees the table as a circulation (the grand total flows
// to the row totals, through the cells to the column totals and back) with
// each figure bounded by what its publication allows, so the tightest bounds
// on a figure are max-flow problems: a formulation apart from Protect's
// linear programs over suppressed entries.

const unlimited = int64(1) << 50

type flowArc struct {
	from, to int
	lo, hi   int64 // hi is unlimited when nothing caps it
}

type attacker struct {
	nodes int
	arcs  []flowArc // in tableFigures
	flow  []int64
}

// attack sets up the attacker's view of a published table.
func attack(t *testing.T, d Disclosure, tab *Table) *attacker {
	t.Helper()
	nr, nc := len(tab.Cells), len(tab.ColTotals)
	top, bottom := 0, 1+nr+nc
	row := func(r int) int { return 1 + r }
	col := func(c int) int { return 1 + nr + c }
	a := &attacker{nodes: 2 + nr + nc}
	add := func(from, to int, c Cell) {
		lo, hi := preimage(t, d, c)
		a.arcs = append(a.arcs, flowArc{from, to, lo, hi})
	}
	for r := range tab.Cells {
		for c, cell := range tab.Cells[r] {
			add(row(r), col(c), cell)
		}
	}
	for r, cell := range tab.RowTotals {
		add(top, row(r), cell)
	}
	for c, cell := range tab.ColTotals {
		add(col(c), bottom, cell)
	}
	add(bottom, top, tab.Total)
	a.feasible(t)
	return a
}

// preimage is every count the published figure could stand for, found by
// trying counts through the public rule.
func preimage(t *testing.T, d Disclosure, c Cell) (lo, hi int64) {
	t.Helper()
	if c.Suppressed {
		return 1, unlimited
	}
	lo, hi = -1, -1
	for n := 0; n <= c.Value+d.Base+d.Threshold; n++ {
		if p := d.Count(n); !p.Suppressed && p.Value == c.Value {
			if lo < 0 {
				lo = int64(n)
			}
			hi = int64(n)
		}
	}
	if lo < 0 {
		t.Fatalf("no count publishes as %d", c.Value)
	}
	return lo, hi
}

// feasible finds a circulation within the bounds: the lower bounds, then a
// max flow that settles each node's excess.
func (a *attacker) feasible(t *testing.T) {
	t.Helper()
	n := a.nodes
	s, z := n, n+1
	res := int64Square(n + 2)
	excess := make([]int64, n)
	for _, e := range a.arcs {
		res[e.from][e.to] = room(e.hi, e.lo)
		excess[e.to] += e.lo
		excess[e.from] -= e.lo
	}
	want := int64(0)
	for v, x := range excess {
		if x > 0 {
			res[s][v] = x
			want += x
		} else {
			res[v][z] = -x
		}
	}
	orig := int64Square(n + 2)
	for i := range res {
		copy(orig[i], res[i])
	}
	if got, _ := maxFlow(res, s, z); got != want {
		t.Fatalf("the published table has no reading: got flow %d, want %d", got, want)
	}
	a.flow = make([]int64, len(a.arcs))
	for i, e := range a.arcs {
		a.flow[i] = e.lo + orig[e.from][e.to] - res[e.from][e.to]
	}
}

// room is how far a figure can rise from lo: unlimited when hi is.
func room(hi, lo int64) int64 {
	if hi >= unlimited {
		return unlimited
	}
	return hi - lo
}

// bounds is the tightest interval the attacker can put on figure i.
func (a *attacker) bounds(i int) (lo, hi int64) {
	p := a.arcs[i]
	res := int64Square(a.nodes)
	for j, e := range a.arcs {
		if j == i {
			continue
		}
		res[e.from][e.to] = min(unlimited, res[e.from][e.to]+room(e.hi, a.flow[j]))
		res[e.to][e.from] += a.flow[j] - e.lo
	}
	scratch := int64Square(a.nodes)
	copyInto(scratch, res)
	up, unbounded := maxFlow(scratch, p.to, p.from)
	hi = min(p.hi, a.flow[i]+up)
	if unbounded {
		hi = p.hi
	}
	copyInto(scratch, res)
	down, _ := maxFlow(scratch, p.from, p.to)
	return max(p.lo, a.flow[i]-down), hi
}

func int64Square(n int) [][]int64 {
	m := make([][]int64, n)
	for i := range m {
		m[i] = make([]int64, n)
	}
	return m
}

func copyInto(dst, src [][]int64) {
	for i := range src {
		copy(dst[i], src[i])
	}
}

// maxFlow pushes flow from s to z along shortest paths of res (residual
// capacities, changed in place); it stops at once, unbounded, on a path
// that nothing caps.
func maxFlow(res [][]int64, s, z int) (int64, bool) {
	total := int64(0)
	prev := make([]int, len(res))
	for {
		for i := range prev {
			prev[i] = -1
		}
		prev[s] = s
		queue := []int{s}
		for len(queue) > 0 && prev[z] < 0 {
			u := queue[0]
			queue = queue[1:]
			for v, c := range res[u] {
				if c > 0 && prev[v] < 0 {
					prev[v] = u
					queue = append(queue, v)
				}
			}
		}
		if prev[z] < 0 {
			return total, false
		}
		push := unlimited
		for v := z; v != s; v = prev[v] {
			push = min(push, res[prev[v]][v])
		}
		if push >= unlimited/2 {
			return unlimited, true
		}
		for v := z; v != s; v = prev[v] {
			res[prev[v]][v] -= push
			res[v][prev[v]] += push
		}
		total += push
	}
}

func TestAttackerRecoversSmallCellWithoutSecondarySuppression(t *testing.T) {
	d := Disclosure{Threshold: 10, Base: 1}
	tab := countTable([][]int{{3, 40}, {20, 50}})
	for _, c := range tableFigures(tab) {
		d.publish(c, d.small(c.raw))
	}
	a := attack(t, d, tab)
	if lo, hi := a.bounds(0); lo != 3 || hi != 3 {
		t.Errorf("got [%d, %d], want the 3 recovered as [3, 3]", lo, hi)
	}
	rounded := countTable([][]int{{3, 38}, {20, 50}})
	for _, c := range tableFigures(rounded) {
		DefaultDisclosure().publish(c, DefaultDisclosure().small(c.raw))
	}
	a = attack(t, DefaultDisclosure(), rounded)
	// Row 0 publishes 40 beside a total of 40, each 38 to 42: the cell is at most 4.
	if lo, hi := a.bounds(0); lo != 1 || hi != 4 {
		t.Errorf("rounded: got [%d, %d], want [1, 4]", lo, hi)
	}
}

// randomCounts makes an nr x nc table of zeros, small and large counts, with
// some rows all small.
func randomCounts(rng *rand.Rand, nr, nc int) [][]int {
	counts := make([][]int, nr)
	for r := range counts {
		counts[r] = make([]int, nc)
		allSmall := rng.IntN(6) == 0
		for c := range counts[r] {
			switch k := rng.IntN(10); {
			case k < 3:
				counts[r][c] = 0
			case k < 6 || allSmall:
				counts[r][c] = 1 + rng.IntN(9)
			case k < 8:
				counts[r][c] = 10 + rng.IntN(20)
			default:
				counts[r][c] = 10 + rng.IntN(400)
			}
		}
	}
	return counts
}

// checkProtected protects a table and attacks it, failing if any small
// figure can be narrowed.
func checkProtected(t *testing.T, d Disclosure, counts [][]int) {
	t.Helper()
	tab := countTable(counts)
	if err := d.Protect(tab); err != nil {
		t.Fatalf("%v: %v", counts, err)
	}
	all := tableFigures(tab)
	for i, c := range all {
		switch {
		case c.Suppressed && c.Value != 0:
			t.Errorf("%v figure %d: got suppressed value %d, want 0", counts, i, c.Value)
		case !c.Suppressed && c.Value != d.round(c.raw):
			t.Errorf("%v figure %d: got %d published for %d, want %d", counts, i, c.Value, c.raw, d.round(c.raw))
		case d.small(c.raw) != c.primary || (c.primary && !c.Suppressed):
			t.Errorf("%v figure %d: got %d primary %v suppressed %v", counts, i, c.raw, c.primary, c.Suppressed)
		}
	}
	a := attack(t, d, tab)
	for i, c := range all {
		if !c.Suppressed {
			continue
		}
		lo, hi := a.bounds(i)
		if int64(c.raw) < lo || int64(c.raw) > hi {
			t.Fatalf("%v figure %d: the attacker puts %d outside [%d, %d]: its model is wrong", counts, i, c.raw, lo, hi)
		}
		floor := int64(1)
		if i >= len(all)-len(tab.RowTotals)-len(tab.ColTotals)-1 {
			floor = nonZeroCellsUnder(tab, i)
		}
		if c.primary && (lo > floor || hi < int64(d.Threshold-1)) {
			t.Errorf("%v %+v figure %d (%d): the attacker narrows it to [%d, %d]\n%s", counts, d, i, c.raw, lo, hi, shown(tab))
		}
	}
}

// nonZeroCellsUnder is how many non-zero cells margin i of tableFigures adds:
// a floor that publishing zeros gives away.
func nonZeroCellsUnder(tab *Table, i int) int64 {
	nr, nc := len(tab.RowTotals), len(tab.ColTotals)
	i -= nr * nc
	n := int64(0)
	for r := range nr {
		for c := range nc {
			if tab.Cells[r][c].raw > 0 && (i == r || i == nr+c || i == nr+nc) {
				n++
			}
		}
	}
	return max(n, 1)
}

func TestAttackRecoversNoSmallCountFromRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 400 {
		counts := randomCounts(rng, 1+rng.IntN(8), 1+rng.IntN(8))
		for _, d := range []Disclosure{DefaultDisclosure(), {Threshold: 10, Base: 1}} {
			checkProtected(t, d, counts)
		}
	}
}

func TestProtectWithoutRoundingPublishesMarginsThatAddUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	d := Disclosure{Threshold: 10, Base: 1}
	for range 200 {
		tab := countTable(randomCounts(rng, 1+rng.IntN(8), 1+rng.IntN(8)))
		if err := d.Protect(tab); err != nil {
			t.Fatal(err)
		}
		colSum := make([]int, len(tab.ColTotals))
		colOpen := make([]bool, len(tab.ColTotals))
		for c := range colOpen {
			colOpen[c] = true
		}
		for r, row := range tab.Cells {
			sum, open := 0, true
			for c, cell := range row {
				sum += cell.Value
				open = open && !cell.Suppressed
				colSum[c] += cell.Value
				colOpen[c] = colOpen[c] && !cell.Suppressed
			}
			if tot := tab.RowTotals[r]; open && !tot.Suppressed && tot.Value != sum {
				t.Errorf("row %d: got total %d, want the sum of its cells %d\n%s", r, tot.Value, sum, shown(tab))
			}
		}
		for c, tot := range tab.ColTotals {
			if colOpen[c] && !tot.Suppressed && tot.Value != colSum[c] {
				t.Errorf("column %d: got total %d, want the sum of its cells %d\n%s", c, tot.Value, colSum[c], shown(tab))
			}
		}
	}
}

// Without rounding the audit's reader and the attacker know the same, so
// their intervals must agree exactly: a check on both.
func TestAuditIntervalsMatchTheAttackerWithoutRounding(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	d := Disclosure{Threshold: 10, Base: 1}
	for range 200 {
		tab := countTable(randomCounts(rng, 1+rng.IntN(8), 1+rng.IntN(8)))
		if err := d.Protect(tab); err != nil {
			t.Fatal(err)
		}
		g, err := newFigureGrid(tab)
		if err != nil {
			t.Fatal(err)
		}
		r := g.reader()
		a := attack(t, d, tab)
		for i, k := range g.index {
			if !g.entries[k].Suppressed {
				continue
			}
			lo, hi, err := r.interval(k)
			if err != nil {
				t.Fatal(err)
			}
			alo, ahi := a.bounds(i)
			if ahi >= unlimited {
				ahi = uncapped
			}
			if int64(lo) != alo || int64(hi) != ahi {
				t.Errorf("figure %d: got audit [%d, %d], attacker [%d, %d]\n%s", i, lo, hi, alo, ahi, shown(tab))
			}
		}
	}
}

func FuzzProtect(f *testing.F) {
	f.Add([]byte{3, 3, 1, 40, 0, 25, 9, 9, 200, 0, 4, 10, 5})
	f.Add([]byte{0, 0, 7})
	f.Add([]byte{5, 1, 2, 3, 4, 5, 6})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 3 {
			return
		}
		d := Disclosure{Threshold: 1 + int(b[0]%12), Base: 1 + int(b[1]%10)}
		if d.Validate() != nil {
			d.Base = 1
		}
		nr, nc := 1+int(b[2]%5), 1+int(b[2]/5%5)
		counts := make([][]int, nr)
		next := 3
		for r := range counts {
			counts[r] = make([]int, nc)
			for c := range counts[r] {
				if next < len(b) {
					// Mostly small: those are the counts to protect.
					counts[r][c] = int(b[next]) % (2 * d.Threshold)
					if b[next] > 200 {
						counts[r][c] = int(b[next])
					}
					next++
				}
			}
		}
		checkProtected(t, d, counts)
	})
}
