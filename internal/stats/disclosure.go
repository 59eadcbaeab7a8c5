package stats

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/caselink/caselink/internal/pole"
)

// Disclosure is the control applied to every published count.
type Disclosure struct {
	Threshold int `json:"threshold"` // counts from 1 to Threshold-1 are suppressed; default 10
	Base      int `json:"base"`      // published counts are rounded to the nearest multiple of Base; 1 means no rounding; default 5
}

// DefaultDisclosure is the ONS "10-5 rule": counts below 10 are suppressed,
// the rest rounded to the nearest 5.
func DefaultDisclosure() Disclosure { return Disclosure{Threshold: 10, Base: 5} }

// Validate reports a threshold or base that cannot be applied.
func (d Disclosure) Validate() error {
	switch {
	case d.Threshold < 1:
		return pole.Invalid("threshold", "must be at least 1, got %d", d.Threshold)
	case d.Base < 1:
		return pole.Invalid("base", "must be at least 1, got %d", d.Base)
	case d.Base > 2*d.Threshold:
		// A published 0 must mean none, or readers could not tell 0 from a small count.
		return pole.Invalid("base", "%d would round a count of %d to 0: it must be at most twice the threshold", d.Base, d.Threshold)
	}
	return nil
}

// Count publishes a lone figure, such as a headline. d must be valid.
func (d Disclosure) Count(n int) Cell {
	c := Cell{raw: n, primary: d.small(n)}
	d.publish(&c, c.primary)
	return c
}

// Rate is num/den as a percentage to one decimal place, from the unrounded
// counts; withheld when den is below the threshold.
func (d Disclosure) Rate(num, den int) Rate {
	if den <= 0 || den < d.Threshold {
		return Rate{Withheld: true}
	}
	return Rate{Percent: math.Round(1000*float64(num)/float64(den)) / 10}
}

// small reports whether a count is suppressed for its own sake.
func (d Disclosure) small(n int) bool { return n >= 1 && n < d.Threshold }

// round rounds n to the nearest multiple of Base, halves up.
func (d Disclosure) round(n int) int { return (n + d.Base/2) / d.Base * d.Base }

func (d Disclosure) publish(c *Cell, suppressed bool) {
	c.Suppressed = suppressed
	c.Value = 0
	if !suppressed {
		c.Value = d.round(c.raw)
	}
}

// Protect publishes t: it sets Value and Suppressed on every cell, margin
// and the total from their true counts.
//
// Counts from 1 to Threshold-1 are suppressed (primary), then others
// (secondary) until this holds. Take a reader who has the published table
// and knows that rows and columns add up to their totals, that a published
// 0 is 0, that a suppressed entry is at least 1, and that a published v > 0
// is a count in [max(v-Base/2, Threshold), v+Base-1-Base/2] (Base/2 rounded
// down; v-2 to v+2 for Base 5). The tightest interval [lo, hi] that reader
// can put on a primary entry has hi >= Threshold-1 and lo no higher than
// the published zeros force: 1 for a cell, its number of non-zero cells for
// a margin. The table tells no more of a small count than that it is
// suppressed.
//
// Secondary suppression first asks, of every line (a row or column with its
// total, the row or column totals with the grand total), that each primary
// entry's fellow suppressed entries sum to at least Threshold and that each
// secondary one has a fellow. An audit then bounds each primary entry by
// linear programming and suppresses more where the interval is too narrow.
// Its reader knows every published entry exactly, more than rounding tells,
// so the real reader's interval is at least as wide. The lines form a
// network, so the bounds are whole: that counts are whole tells no more.
func (d Disclosure) Protect(t *Table) error {
	const op = "stats.Protect"
	if err := d.Validate(); err != nil {
		return pole.E(op, err)
	}
	g, err := newFigureGrid(t)
	if err != nil {
		return pole.E(op, err)
	}
	for _, e := range g.entries {
		e.primary = d.small(e.raw)
		e.Suppressed = e.primary
	}
	d.secondary(g)
	if err := d.audit(g); err != nil {
		return pole.E(op, err)
	}
	for k, e := range g.entries {
		d.publish(e, e.Suppressed)
		for _, m := range g.mirrors[k] {
			*m = *e
		}
	}
	return nil
}

// figureGrid is a table as disclosure control sees it: its distinct figures
// (entries) and the lines they add up in. A one-way table's row totals are
// its cells again, so they are one entry each and are published together.
type figureGrid struct {
	entries []*Cell
	mirrors [][]*Cell // other places in the table that show entry k
	isCell  []bool    // an inner cell: hiding one costs less than hiding a margin
	// floor is the least an entry can be once every non-zero entry is
	// suppressed: 1 for a cell, its count of non-zero cells for a margin.
	floor []int
	lines [][]lineTerm // the entries of each line sum to 0, with signs
	index []int        // index[i] is the entry of the i-th figure in tableFigures
}

type lineTerm struct{ entry, sign int }

// tableFigures lists a table's figures: cells row by row, row totals, column
// totals, the total.
func tableFigures(t *Table) []*Cell {
	var all []*Cell
	for r := range t.Cells {
		for c := range t.Cells[r] {
			all = append(all, &t.Cells[r][c])
		}
	}
	for r := range t.RowTotals {
		all = append(all, &t.RowTotals[r])
	}
	for c := range t.ColTotals {
		all = append(all, &t.ColTotals[c])
	}
	return append(all, &t.Total)
}

func newFigureGrid(t *Table) (*figureGrid, error) {
	nr, nc := len(t.Cells), len(t.ColTotals)
	if len(t.RowTotals) != nr {
		return nil, pole.Errorf(pole.EINTERNAL, "table %q has %d rows but %d row totals", t.ID, nr, len(t.RowTotals))
	}
	for r := range t.Cells {
		if len(t.Cells[r]) != nc {
			return nil, pole.Errorf(pole.EINTERNAL, "table %q: row %d has %d cells for %d columns", t.ID, r, len(t.Cells[r]), nc)
		}
	}
	all := tableFigures(t)
	cell := func(r, c int) int { return r*nc + c }
	rowTotal := func(r int) int { return nr*nc + r }
	colTotal := func(c int) int { return nr*nc + nr + c }
	total := nr*nc + nr + nc

	// The lines as they are printed, before entries shown twice are merged.
	var lines [][]lineTerm
	for r := range nr {
		l := []lineTerm{{rowTotal(r), -1}}
		for c := range nc {
			l = append(l, lineTerm{cell(r, c), 1})
		}
		lines = append(lines, l)
	}
	for c := range nc {
		l := []lineTerm{{colTotal(c), -1}}
		for r := range nr {
			l = append(l, lineTerm{cell(r, c), 1})
		}
		lines = append(lines, l)
	}
	rows, cols := []lineTerm{{total, -1}}, []lineTerm{{total, -1}}
	for r := range nr {
		rows = append(rows, lineTerm{rowTotal(r), 1})
	}
	for c := range nc {
		cols = append(cols, lineTerm{colTotal(c), 1})
	}
	lines = append(lines, rows, cols)
	name := func(i int) string {
		switch {
		case i < nr:
			return fmt.Sprintf("row %d", i)
		case i < nr+nc:
			return fmt.Sprintf("column %d", i-nr)
		case i == nr+nc:
			return "the row totals"
		}
		return "the column totals"
	}
	for i, l := range lines {
		sum := 0
		for _, x := range l {
			if all[x.entry].raw < 0 {
				return nil, pole.Errorf(pole.EINTERNAL, "table %q holds a negative count", t.ID)
			}
			sum += x.sign * all[x.entry].raw
		}
		if sum != 0 {
			return nil, pole.Errorf(pole.EINTERNAL, "table %q: %s does not add up to its total (off by %d)", t.ID, name(i), sum)
		}
	}

	// A margin over a single row or column is that row or column again.
	same := make([]int, len(all))
	for i := range same {
		same[i] = i
	}
	if nc == 1 {
		for r := range nr {
			same[rowTotal(r)] = cell(r, 0)
		}
	}
	if nr == 1 {
		for c := range nc {
			same[colTotal(c)] = cell(0, c)
		}
	}
	switch {
	case nr == 1:
		same[total] = same[rowTotal(0)]
	case nc == 1:
		same[total] = colTotal(0)
	}

	// A margin's floor is its count of non-zero cells, each at least 1.
	floor := make([]int, len(all))
	for i := range floor {
		floor[i] = 1
	}
	for r := range nr {
		for c := range nc {
			if all[cell(r, c)].raw > 0 {
				floor[rowTotal(r)]++
				floor[colTotal(c)]++
				floor[total]++
			}
		}
	}
	g := &figureGrid{index: make([]int, len(all))}
	for i, p := range all {
		if same[i] != i {
			g.index[i] = g.index[same[i]]
			g.mirrors[g.index[i]] = append(g.mirrors[g.index[i]], p)
			continue
		}
		g.index[i] = len(g.entries)
		g.entries = append(g.entries, p)
		g.mirrors = append(g.mirrors, nil)
		g.isCell = append(g.isCell, i < nr*nc)
		g.floor = append(g.floor, max(floor[i]-1, 1))
	}
	for _, l := range lines {
		if m := g.merge(l); len(m) > 0 && !slices.ContainsFunc(g.lines, func(o []lineTerm) bool { return slices.Equal(o, m) }) {
			g.lines = append(g.lines, m)
		}
	}
	return g, nil
}

// merge writes a line over entries, dropping figures that cancel (a one-way
// table's row total against its cell) and signed so the first term is +1.
func (g *figureGrid) merge(l []lineTerm) []lineTerm {
	coef := map[int]int{}
	for _, x := range l {
		coef[g.index[x.entry]] += x.sign
	}
	var m []lineTerm
	for e, s := range coef {
		if s != 0 {
			m = append(m, lineTerm{e, s})
		}
	}
	slices.SortFunc(m, func(a, b lineTerm) int { return cmp.Compare(a.entry, b.entry) })
	if len(m) > 0 && m[0].sign < 0 {
		for i := range m {
			m[i].sign = -m[i].sign
		}
	}
	return m
}

// secondary suppresses until, in every line, each primary entry's fellow
// suppressed entries sum to at least Threshold and each secondary one has
// a fellow: a lone suppressed entry in a line is its total minus the rest.
func (d Disclosure) secondary(g *figureGrid) {
	for changed := true; changed; {
		changed = false
		for _, l := range g.lines {
			for d.weak(g, l) {
				e := g.cheapest(l)
				if e < 0 {
					break
				}
				g.entries[e].Suppressed = true
				changed = true
			}
		}
	}
}

// weak reports whether a suppressed entry of line l lacks cover.
func (d Disclosure) weak(g *figureGrid, l []lineTerm) bool {
	sum := 0
	for _, x := range l {
		if e := g.entries[x.entry]; e.Suppressed {
			sum += e.raw
		}
	}
	for _, x := range l {
		e := g.entries[x.entry]
		if !e.Suppressed {
			continue
		}
		need := 1
		if e.primary {
			need = d.Threshold
		}
		if sum-e.raw < need {
			return true
		}
	}
	return false
}

// cheapest is the entry of l best suppressed next: a published non-zero
// one, a cell before a margin, the smallest first; -1 if there is none.
func (g *figureGrid) cheapest(l []lineTerm) int {
	best := -1
	for _, x := range l {
		if g.better(x.entry, best) {
			best = x.entry
		}
	}
	return best
}

// better reports whether e is a cheaper entry to suppress than entry than
// (-1 for none). Published non-zero entries are all at least Threshold.
func (g *figureGrid) better(e, than int) bool {
	if g.entries[e].Suppressed || g.entries[e].raw == 0 {
		return false
	}
	if than < 0 {
		return true
	}
	if g.isCell[e] != g.isCell[than] {
		return g.isCell[e]
	}
	return g.entries[e].raw < g.entries[than].raw
}

// uncapped is the upper end of an interval a reader cannot close.
const uncapped = math.MaxInt

// audit proves each primary entry protected, suppressing more where it is
// not. More suppression only widens a reader's intervals, so an entry once
// proven stays proven and only the others are checked again.
func (d Disclosure) audit(g *figureGrid) error {
	var pending []int
	for k, e := range g.entries {
		if e.primary {
			pending = append(pending, k)
		}
	}
	for len(pending) > 0 {
		r := g.reader()
		for len(pending) > 0 {
			p := pending[0]
			lo, hi, err := r.interval(p)
			if err != nil {
				return err
			}
			if lo <= g.floor[p] && hi >= d.Threshold-1 {
				pending = pending[1:]
				continue
			}
			e := g.around(p)
			if e < 0 {
				// With every non-zero entry suppressed each is protected: this is a fault.
				return pole.Errorf(pole.EINTERNAL, "disclosure audit: a small count stays exposed with everything suppressed")
			}
			g.entries[e].Suppressed = true
			d.secondary(g)
			break
		}
	}
	return nil
}

// around is the entry to suppress for exposed entry p: the cheapest in a
// line through p, else the cheapest anywhere.
func (g *figureGrid) around(p int) int {
	best := -1
	for _, l := range g.lines {
		if slices.ContainsFunc(l, func(x lineTerm) bool { return x.entry == p }) {
			if e := g.cheapest(l); e >= 0 && (best < 0 || g.better(e, best)) {
				best = e
			}
		}
	}
	if best >= 0 {
		return best
	}
	for e := range g.entries {
		if g.better(e, best) {
			best = e
		}
	}
	return best
}

// auditReader is the audit's attacker at one state of suppression. Its unknowns
// are the suppressed entries, each at least 1; it knows every published
// entry exactly. Entries linked by no chain of lines are solved apart.
type auditReader struct {
	g        *figureGrid
	comp     []int // component of each suppressed entry; -1 for a published one
	col      []int // column of each suppressed entry in its component's problem
	members  [][]int
	problems []*auditLP
}

// auditLP is one component's relations: a x = b with x >= 0, x the
// suppressed entries less 1, one row per independent line.
type auditLP struct {
	a *mat.Dense // nil when no line binds the component
	b []float64
	// basis is a basic feasible solution, found once so that each bound
	// skips the simplex's own search for one: most of its time.
	basis []int
}

func (g *figureGrid) reader() *auditReader {
	n := len(g.entries)
	r := &auditReader{g: g, comp: make([]int, n), col: make([]int, n)}
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for _, l := range g.lines {
		first := -1
		for _, x := range l {
			if !g.entries[x.entry].Suppressed {
				continue
			}
			if first < 0 {
				first = x.entry
			} else {
				parent[find(x.entry)] = find(first)
			}
		}
	}
	ids := map[int]int{}
	for e := range n {
		r.comp[e] = -1
		if !g.entries[e].Suppressed {
			continue
		}
		root := find(e)
		id, ok := ids[root]
		if !ok {
			id = len(r.members)
			ids[root] = id
			r.members = append(r.members, nil)
		}
		r.comp[e] = id
		r.col[e] = len(r.members[id])
		r.members[id] = append(r.members[id], e)
	}
	r.problems = make([]*auditLP, len(r.members))
	return r
}

// interval is the tightest [lo, hi] the reader can put on suppressed entry
// p; hi is uncapped when nothing caps it.
func (r *auditReader) interval(p int) (lo, hi int, err error) {
	k := r.comp[p]
	if r.problems[k] == nil {
		if r.problems[k], err = r.problem(k); err != nil {
			return 0, 0, err
		}
	}
	pr := r.problems[k]
	if pr.a == nil {
		return 1, uncapped, nil
	}
	c := make([]float64, len(r.members[k]))
	c[r.col[p]] = 1
	low, _, err := lp.Simplex(c, pr.a, pr.b, 1e-9, pr.basis)
	if err != nil {
		return 0, 0, pole.E("disclosure audit", err)
	}
	c[r.col[p]] = -1
	high, _, err := lp.Simplex(c, pr.a, pr.b, 1e-9, pr.basis)
	if errors.Is(err, lp.ErrUnbounded) {
		return int(math.Round(low)) + 1, uncapped, nil
	}
	if err != nil {
		return 0, 0, pole.E("disclosure audit", err)
	}
	return int(math.Round(low)) + 1, int(math.Round(-high)) + 1, nil
}

// problem writes component k's lines over its suppressed entries, keeping
// only independent ones: the simplex wants A of full row rank.
func (r *auditReader) problem(k int) (*auditLP, error) {
	g, n := r.g, len(r.members[k])
	var rows [][]float64
	var rhs []float64
	var kept echelon
	for _, l := range g.lines {
		row := make([]float64, n)
		b, bound := 0.0, false
		for _, x := range l {
			e := g.entries[x.entry]
			if e.Suppressed && r.comp[x.entry] == k {
				row[r.col[x.entry]] = float64(x.sign)
				b -= float64(x.sign) // the unknown is the entry less 1
				bound = true
			} else {
				b -= float64(x.sign * e.raw)
			}
		}
		if bound && kept.add(row) {
			rows, rhs = append(rows, row), append(rhs, b)
		}
	}
	if len(rows) == 0 {
		return &auditLP{}, nil
	}
	a := mat.NewDense(len(rows), n, nil)
	for i, row := range rows {
		a.SetRow(i, row)
	}
	// Any vertex will do as a start: the one the simplex finds for a zero objective.
	_, x, err := lp.Simplex(make([]float64, n), a, rhs, 0, nil)
	if err != nil {
		return nil, pole.E("disclosure audit", err)
	}
	var basis []int
	var cols echelon
	for _, positive := range []bool{true, false} {
		for j := range n {
			if len(basis) < len(rows) && (x[j] > 1e-9) == positive && cols.add(mat.Col(nil, j, a)) {
				basis = append(basis, j)
			}
		}
	}
	if len(basis) != len(rows) {
		return nil, pole.Errorf(pole.EINTERNAL, "disclosure audit: a start has %d of %d columns", len(basis), len(rows))
	}
	return &auditLP{a: a, b: rhs, basis: basis}, nil
}

// echelon keeps vectors in row echelon form to tell whether each new one
// is independent of those before it.
type echelon struct {
	rows   [][]float64
	pivots []int
}

// add adds v if it is independent of the vectors so far, reporting whether it was.
func (ech *echelon) add(v []float64) bool {
	v = slices.Clone(v)
	for i, u := range ech.rows {
		if f := v[ech.pivots[i]]; f != 0 {
			for j := range v {
				v[j] -= f * u[j]
			}
		}
	}
	piv := 0
	for j := range v {
		if math.Abs(v[j]) > math.Abs(v[piv]) {
			piv = j
		}
	}
	if math.Abs(v[piv]) < 1e-9 {
		return false
	}
	scale := v[piv]
	for j := range v {
		v[j] /= scale
	}
	ech.rows, ech.pivots = append(ech.rows, v), append(ech.pivots, piv)
	return true
}
