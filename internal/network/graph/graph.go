// Package graph holds the graph kernels of the networks capability: a compact
// undirected graph of resolved entities (people, cases, venues, vehicles,
// phones) joined by typed, weighted links, and the measures analysts read from
// it: connected components, Louvain communities, degree, betweenness, PageRank
// and the shortest evidence path between two entities.
//
// Nodes are dense uint32 ids 0..n-1; the caller keeps the mapping from its own
// entity ids, so nothing here knows what an entity is. The graph is stored as
// compressed sparse rows and every kernel is a plain loop over those flat
// arrays, linear in memory in nodes plus edges, so that a national graph of
// millions of links fits in one process. There is no I/O here.
package graph

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/caselink/caselink/internal/pole"
)

// Graph is an undirected graph in compressed sparse rows. Every link {u, v} of
// type t is stored twice, as the arc u→v in u's row and v→u in v's row, with
// the same weight. Two entities joined by links of several types have one arc
// per type, next to each other: a row is sorted by neighbour, then by type.
// There are no self-loops. A Graph is read-only once built; kernels may run on
// it from several goroutines at once.
type Graph struct {
	// Offsets has one entry per node plus one: the arcs of node u are the
	// indexes Offsets[u] to Offsets[u+1]-1 of Adj, Weight and Type.
	Offsets []uint64
	// Adj is the neighbour at the far end of each arc.
	Adj []uint32
	// Weight is the arc's weight, always finite and above zero. Float32 keeps
	// the arrays small; sums over them are taken in float64.
	Weight []float32
	// Type is the link type the caller gave the edge.
	Type []uint8
}

// Nodes returns the number of nodes.
func (g *Graph) Nodes() int {
	if len(g.Offsets) == 0 {
		return 0
	}
	return len(g.Offsets) - 1
}

// Edges returns the number of typed links: half the number of arcs.
func (g *Graph) Edges() int { return len(g.Adj) / 2 }

// Neighbours returns u's arcs' far ends, in order, one per link type (so a
// neighbour joined by two types appears twice, in adjacent places).
func (g *Graph) Neighbours(u uint32) []uint32 {
	return g.Adj[g.Offsets[u]:g.Offsets[u+1]]
}

// Builder collects links and builds a Graph. Node ids are dense uint32s below
// the node count given to NewBuilder; the caller maps its entity ids to them.
// Links between the same two nodes with the same type are merged by summing
// their weights; links of different types stay apart so that Filter can choose
// among them. Self-loops are dropped: an entity is not linked to itself.
type Builder struct {
	n    int
	u, v []uint32
	typ  []uint8
	w    []float64
	err  error
}

// NewBuilder returns a Builder for a graph of n nodes, 0..n-1. Nodes without
// links are part of the graph all the same.
func NewBuilder(n int) *Builder { return &Builder{n: n} }

// Grow makes room for edges more links without reallocating.
func (b *Builder) Grow(edges int) {
	b.u = slices.Grow(b.u, edges)
	b.v = slices.Grow(b.v, edges)
	b.typ = slices.Grow(b.typ, edges)
	b.w = slices.Grow(b.w, edges)
}

// The range of a link's weight: above zero, because kernels divide by sums of
// weights, and well inside float32, so that sums of merged links stay finite.
const (
	minWeight = 1e-30
	maxWeight = 1e30
)

// AddEdge adds a link of type t and weight w between u and v. A bad link (a
// node id out of range, a weight outside minWeight..maxWeight or NaN) is kept
// back and reported by Build, so loops over input need no error checks.
func (b *Builder) AddEdge(u, v uint32, t uint8, w float64) {
	if b.err != nil {
		return
	}
	switch {
	case int64(u) >= int64(b.n) || int64(v) >= int64(b.n):
		b.err = pole.Invalid("node", "link %d–%d names a node outside 0..%d", u, v, b.n-1)
		return
	case !(w >= minWeight && w <= maxWeight):
		b.err = pole.Invalid("weight", "link %d–%d has weight %v, want %g..%g", u, v, w, minWeight, maxWeight)
		return
	case u == v:
		return
	}
	b.u = append(b.u, u)
	b.v = append(b.v, v)
	b.typ = append(b.typ, t)
	b.w = append(b.w, w)
}

// Build returns the graph of the links added so far, or the first bad link's
// error. It is two counting passes over the links and one over the arcs, with
// no maps and no comparison sort, so its time and memory are linear in nodes
// plus links. The Builder may be used again afterwards.
func (b *Builder) Build() (*Graph, error) {
	const op = "graph.Build"
	if b.err != nil {
		return nil, pole.E(op, b.err)
	}
	if b.n < 0 || int64(b.n) > math.MaxUint32+1 {
		return nil, pole.E(op, pole.Invalid("nodes", "got %d nodes, want 0..%d", b.n, int64(math.MaxUint32)+1))
	}
	n := b.n
	arcs := 2 * len(b.u)

	off := make([]uint64, n+1)
	for i := range b.u {
		off[b.u[i]+1]++
		off[b.v[i]+1]++
	}
	for u := range n {
		off[u+1] += off[u]
	}

	// First pass: each arc in its owner's row, rows unsorted.
	pos := make([]uint64, n)
	copy(pos, off[:n])
	adj1 := make([]uint32, arcs)
	typ1 := make([]uint8, arcs)
	w1 := make([]float64, arcs)
	for i := range b.u {
		u, v, t, w := b.u[i], b.v[i], b.typ[i], b.w[i]
		p := pos[u]
		adj1[p], typ1[p], w1[p] = v, t, w
		pos[u]++
		p = pos[v]
		adj1[p], typ1[p], w1[p] = u, t, w
		pos[v]++
	}

	// Second pass: the transpose. Walking owners in order and placing each arc
	// o→x in x's row as x→o leaves every row sorted by neighbour; the graph is
	// symmetric, so the transpose has the same rows.
	copy(pos, off[:n])
	adj := make([]uint32, arcs)
	typ := make([]uint8, arcs)
	w2 := make([]float64, arcs)
	for o := range n {
		for i := off[o]; i < off[o+1]; i++ {
			x := adj1[i]
			p := pos[x]
			adj[p], typ[p], w2[p] = uint32(o), typ1[i], w1[i]
			pos[x]++
		}
	}
	adj1, typ1, w1 = nil, nil, nil

	// Within a row, arcs to one neighbour are adjacent: order them by type,
	// merge equal types, and compact the arrays in place.
	weight := make([]float32, arcs)
	var out uint64
	start := uint64(0)
	for u := range n {
		end := off[u+1]
		for i := start; i < end; {
			j := i + 1
			for j < end && adj[j] == adj[i] {
				j++
			}
			if j-i > 1 {
				sortRunByType(typ[i:j], w2[i:j])
			}
			for k := i; k < j; {
				t, s := typ[k], w2[k]
				k++
				for k < j && typ[k] == t {
					s += w2[k]
					k++
				}
				adj[out], typ[out], weight[out] = adj[i], t, float32(s)
				out++
			}
			i = j
		}
		start = end
		off[u+1] = out
	}
	return &Graph{
		Offsets: off,
		Adj:     slices.Clip(adj[:out]),
		Weight:  slices.Clip(weight[:out]),
		Type:    slices.Clip(typ[:out]),
	}, nil
}

// sortRunByType orders the arcs to one neighbour by type. Runs are a handful
// of arcs long, so insertion sort is the fastest.
func sortRunByType(typ []uint8, w []float64) {
	for i := 1; i < len(typ); i++ {
		for j := i; j > 0 && typ[j] < typ[j-1]; j-- {
			typ[j], typ[j-1] = typ[j-1], typ[j]
			w[j], w[j-1] = w[j-1], w[j]
		}
	}
}

// Filter returns the graph of the arcs for which keep(type, weight) is true:
// a view by link type or by strength. All nodes stay, so ids and labels carry
// over. It is two passes over the arcs.
func (g *Graph) Filter(keep func(t uint8, w float32) bool) *Graph {
	n := g.Nodes()
	off := make([]uint64, n+1)
	for u := range n {
		c := uint64(0)
		for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
			if keep(g.Type[i], g.Weight[i]) {
				c++
			}
		}
		off[u+1] = off[u] + c
	}
	f := &Graph{
		Offsets: off,
		Adj:     make([]uint32, off[n]),
		Weight:  make([]float32, off[n]),
		Type:    make([]uint8, off[n]),
	}
	var p uint64
	for i := range g.Adj {
		if keep(g.Type[i], g.Weight[i]) {
			f.Adj[p], f.Weight[p], f.Type[p] = g.Adj[i], g.Weight[i], g.Type[i]
			p++
		}
	}
	return f
}

// Degree returns each node's number of distinct neighbours, whatever the
// number of link types between them.
func Degree(g *Graph) []uint32 {
	n := g.Nodes()
	deg := make([]uint32, n)
	for u := range n {
		lo, hi := g.Offsets[u], g.Offsets[u+1]
		d := uint32(0)
		for i := lo; i < hi; i++ {
			if i == lo || g.Adj[i] != g.Adj[i-1] {
				d++
			}
		}
		deg[u] = d
	}
	return deg
}

// WeightedDegree returns each node's strength: the sum of the weights of all
// its links, of every type.
func WeightedDegree(g *Graph) []float64 {
	n := g.Nodes()
	s := make([]float64, n)
	for u := range n {
		var t float64
		for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
			t += float64(g.Weight[i])
		}
		s[u] = t
	}
	return s
}

// parallelMinArcs is the size below which a kernel runs on one goroutine:
// smaller graphs finish before a second goroutine would have started.
const parallelMinArcs = 1 << 16

// spans splits the nodes into contiguous ranges of about equal work (arcs plus
// nodes), one per core, or one range for a small graph.
func spans(g *Graph) [][2]int {
	n := g.Nodes()
	parts := runtime.GOMAXPROCS(0)
	if len(g.Adj) < parallelMinArcs || parts < 2 {
		return [][2]int{{0, n}}
	}
	total := uint64(len(g.Adj)) + uint64(n)
	out := make([][2]int, 0, parts)
	lo := 0
	for p := 1; p <= parts; p++ {
		hi := n
		if p < parts {
			target := total * uint64(p) / uint64(parts)
			// The first node whose cumulative work reaches the target.
			hi = lo + sort.Search(n-lo, func(i int) bool {
				u := lo + i
				return g.Offsets[u]+uint64(u) >= target
			})
		}
		out = append(out, [2]int{lo, hi})
		lo = hi
	}
	return out
}

// onSpans runs f on each span, on its own goroutine when there are several,
// and waits for them all.
func onSpans(sp [][2]int, f func(part, lo, hi int)) {
	if len(sp) == 1 {
		f(0, sp[0][0], sp[0][1])
		return
	}
	var wg sync.WaitGroup
	for p, s := range sp {
		wg.Go(func() { f(p, s[0], s[1]) })
	}
	wg.Wait()
}
