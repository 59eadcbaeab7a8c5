package linkage

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// clusterer merges records into clusters, strongest pairs first. Two
// clusters merge only when the evidence across them, not just the one pair
// that brings them together, says they are one person: connected components
// over pairwise links would chain A~B~C into one even when A and C plainly
// differ. Judgements bind: "same" records start together and "different"
// records never end in one cluster.
type clusterer struct {
	p       *prepared
	s       *scorer
	linkW   float64
	parent  []int32
	members [][]int32 // members of each root
	cannot  map[int32][]int32
	refused int
	// oneEach keeps at most one record of each source in a cluster: when
	// linking files that are each free of duplicates.
	oneEach bool
}

// crossSample is how many cross pairs a merge looks at, at most.
const crossSample = 24

func newClusterer(p *prepared, s *scorer, linkW float64, existing []int32) *clusterer {
	c := &clusterer{p: p, s: s, linkW: linkW, parent: make([]int32, p.n), members: make([][]int32, p.n), cannot: map[int32][]int32{}}
	for i := range c.parent {
		c.parent[i] = int32(i)
		c.members[i] = []int32{int32(i)}
	}
	if existing != nil {
		first := map[int32]int32{}
		for i, e := range existing {
			if e < 0 {
				continue
			}
			if f, ok := first[e]; ok {
				c.union(f, int32(i))
			} else {
				first[e] = int32(i)
			}
		}
	}
	return c
}

func (c *clusterer) find(i int32) int32 {
	for c.parent[i] != i {
		c.parent[i] = c.parent[c.parent[i]]
		i = c.parent[i]
	}
	return i
}

func (c *clusterer) union(a, b int32) {
	ra, rb := c.find(a), c.find(b)
	if ra == rb {
		return
	}
	if len(c.members[ra]) < len(c.members[rb]) {
		ra, rb = rb, ra
	}
	c.parent[rb] = ra
	c.members[ra] = append(c.members[ra], c.members[rb]...)
	c.members[rb] = nil
}

// constrain applies judgements: same unites, different forbids.
func (c *clusterer) constrain(js []Judgement) error {
	for _, j := range js {
		if j.I < 0 || j.J < 0 || j.I >= c.p.n || j.J >= c.p.n || j.I == j.J {
			return fmt.Errorf("linkage: judgement on records %d and %d: not two records of this run", j.I, j.J)
		}
		switch j.Decision {
		case Different:
			c.cannot[int32(j.I)] = append(c.cannot[int32(j.I)], int32(j.J))
			c.cannot[int32(j.J)] = append(c.cannot[int32(j.J)], int32(j.I))
		}
	}
	for _, j := range js {
		if j.Decision == Different && c.find(int32(j.I)) == c.find(int32(j.J)) {
			return fmt.Errorf("linkage: records %s and %s are judged different but start in one cluster: link them again as new records", c.name(j.I), c.name(j.J))
		}
	}
	for _, j := range js {
		if j.Decision == Same {
			if c.forbidden(c.find(int32(j.I)), c.find(int32(j.J))) {
				return fmt.Errorf("linkage: records %s and %s are judged the same, but other judgements say people already joined to them differ: review the judgements on both", c.name(j.I), c.name(j.J))
			}
			c.union(int32(j.I), int32(j.J))
		}
	}
	return nil
}

// name is how an error names a record: its source and id as the source
// gives it.
func (c *clusterer) name(i int) string {
	r := &c.p.records[i]
	return r.Source + ":" + r.ID
}

// forbidden reports whether a "different" judgement separates two clusters.
func (c *clusterer) forbidden(ra, rb int32) bool {
	if len(c.cannot) == 0 {
		return false
	}
	small, other := ra, rb
	if len(c.members[rb]) < len(c.members[ra]) {
		small, other = rb, ra
	}
	for _, m := range c.members[small] {
		for _, x := range c.cannot[m] {
			if c.find(x) == other {
				return true
			}
		}
	}
	return false
}

func (c *clusterer) sharesSource(ra, rb int32) bool {
	for _, a := range c.members[ra] {
		for _, b := range c.members[rb] {
			if c.p.source[a] == c.p.source[b] {
				return true
			}
		}
	}
	return false
}

// supported reports whether the pairs across two clusters agree, on
// average, that they are one person.
func (c *clusterer) supported(ra, rb int32) bool {
	A, B := c.members[ra], c.members[rb]
	var sum float64
	n := 0
	score := func(a, b int32) {
		sum += probability(c.s.weight(int(a), int(b), c.s.pattern(int(a), int(b))))
		n++
	}
	if len(A)*len(B) <= crossSample {
		for _, a := range A {
			for _, b := range B {
				score(a, b)
			}
		}
	} else {
		// A fixed sample spread over both clusters.
		for x := uint64(0); x < crossSample; x++ {
			score(A[mix(x, 1)%uint64(len(A))], B[mix(x, 2)%uint64(len(B))])
		}
	}
	return sum/float64(n) >= 0.5
}

func (c *clusterer) run(pairs []Pair) {
	order := make([]int32, 0, len(pairs))
	for k := range pairs {
		if pairs[k].Weight >= c.linkW {
			order = append(order, int32(k))
		}
	}
	slices.SortFunc(order, func(x, y int32) int {
		wx, wy := pairs[x].Weight, pairs[y].Weight
		switch {
		case wx > wy:
			return -1
		case wx < wy:
			return 1
		}
		return int(x - y)
	})
	// A merge reads and changes only the records of its own connected
	// part of the graph (pairs, clusters already joined, judgements of
	// "different"), so the parts run side by side, each in weight order,
	// and the result is the one a single pass in weight order gives.
	g := c.parts(pairs, order)
	parts := len(g.start) - 1
	nw := workers()
	refused := make([]int, nw)
	var next atomic.Int64
	const batch = 256
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			for {
				from := int(next.Add(batch)) - batch
				if from >= parts {
					return
				}
				for x := from; x < min(from+batch, parts); x++ {
					for _, k := range g.of(uint32(x)) {
						if !c.merge(pairs, k) {
							refused[w]++
						}
					}
				}
			}
		})
	}
	wg.Wait()
	for _, r := range refused {
		c.refused += r
	}
}

// merge joins the clusters of pair k if nothing forbids it and the
// evidence across them holds; it reports false for a merge refused.
func (c *clusterer) merge(pairs []Pair, k int32) bool {
	ra, rb := c.find(pairs[k].I), c.find(pairs[k].J)
	if ra == rb {
		return true
	}
	if c.forbidden(ra, rb) || c.oneEach && c.sharesSource(ra, rb) {
		return false
	}
	if len(c.members[ra])+len(c.members[rb]) > 2 && !c.supported(ra, rb) {
		return false
	}
	c.union(ra, rb)
	pairs[k].Merged = true
	return true
}

// parts groups the pairs of order by the connected part of the graph
// their records are in, keeping weight order within each.
func (c *clusterer) parts(pairs []Pair, order []int32) csr {
	comp := make([]int32, c.p.n)
	for i := range comp {
		comp[i] = int32(i)
	}
	find := func(i int32) int32 {
		for comp[i] != i {
			comp[i] = comp[comp[i]]
			i = comp[i]
		}
		return i
	}
	join := func(a, b int32) {
		if ra, rb := find(a), find(b); ra != rb {
			comp[ra] = rb
		}
	}
	for i := range comp {
		if r := c.find(int32(i)); r != int32(i) {
			join(int32(i), r)
		}
	}
	for _, k := range order {
		join(pairs[k].I, pairs[k].J)
	}
	for a, xs := range c.cannot {
		for _, b := range xs {
			join(a, b)
		}
	}
	// Number the parts that have pairs, in order of their first pair.
	part := make([]int32, c.p.n)
	for i := range part {
		part[i] = -1
	}
	of := make([]uint32, len(order))
	parts := 0
	for x, k := range order {
		r := find(pairs[k].I)
		if part[r] < 0 {
			part[r] = int32(parts)
			parts++
		}
		of[x] = uint32(part[r])
	}
	g := groupBy(parts, len(order), func(x int, put func(uint32)) { put(of[x]) })
	for i, x := range g.items {
		g.items[i] = order[x]
	}
	return g
}

// labels names each cluster by its smallest record index.
func (c *clusterer) labels() []int32 {
	out := make([]int32, c.p.n)
	for i := range out {
		out[i] = -1
	}
	for r := range c.members {
		if c.find(int32(r)) != int32(r) {
			continue
		}
		least := slices.Min(c.members[r])
		for _, m := range c.members[r] {
			out[m] = least
		}
	}
	return out
}
