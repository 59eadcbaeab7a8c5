package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"gonum.org/v1/gonum/graph/simple"
)

// link is one input link, as a test gives it to a Builder.
type link struct {
	u, v uint32
	t    uint8
	w    float64
}

// randomLinks returns m links among n nodes: most inside blocks of about ten
// consecutive nodes, the rest anywhere, with self-loops, repeats and three
// link types mixed in, so that every case of the builder is exercised and the
// graph has community structure and, when sparse, several components.
func randomLinks(seed uint64, n, m int) []link {
	if n == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	links := make([]link, 0, m)
	for range m {
		u := rng.IntN(n)
		v := rng.IntN(n)
		if rng.Float64() < 0.8 {
			block := u / 10 * 10
			v = block + rng.IntN(min(10, n-block))
		}
		links = append(links, link{uint32(u), uint32(v), uint8(rng.IntN(3)), 0.25 + rng.Float64()})
	}
	return links
}

func build(t testing.TB, n int, links []link) *Graph {
	t.Helper()
	b := NewBuilder(n)
	for _, l := range links {
		b.AddEdge(l.u, l.v, l.t, l.w)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

// oracleCase is one small graph the kernels are checked on against gonum.
type oracleCase struct {
	name string
	n    int
	g    *Graph
}

// oracleCases are graphs of 0 to 300 nodes: empty, a single node, nodes
// without links, sparse graphs in many pieces, and denser ones, each from
// several seeds.
func oracleCases(t testing.TB) []oracleCase {
	var cases []oracleCase
	sizes := []struct{ n, m int }{
		{0, 0}, {1, 0}, {1, 3}, {2, 1}, {3, 2}, {5, 0}, {8, 12},
		{20, 15}, {40, 120}, {100, 60}, {150, 600}, {300, 450}, {300, 1800},
	}
	for _, s := range sizes {
		for seed := uint64(1); seed <= 3; seed++ {
			cases = append(cases, oracleCase{
				name: fmt.Sprintf("n%d_m%d_seed%d", s.n, s.m, seed),
				n:    s.n,
				g:    build(t, s.n, randomLinks(seed, s.n, s.m)),
			})
		}
	}
	return cases
}

// gonumWeighted is g as a gonum graph, link types merged by summing weights.
func gonumWeighted(g *Graph) *simple.WeightedUndirectedGraph {
	o := simple.NewWeightedUndirectedGraph(0, 0)
	for u := range g.Nodes() {
		o.AddNode(simple.Node(u))
	}
	for u := range g.Nodes() {
		lo, hi := g.Offsets[u], g.Offsets[u+1]
		for i := lo; i < hi; {
			v := g.Adj[i]
			var w float64
			for ; i < hi && g.Adj[i] == v; i++ {
				w += float64(g.Weight[i])
			}
			if uint32(u) < v {
				o.SetWeightedEdge(o.NewWeightedEdge(simple.Node(u), simple.Node(v), w))
			}
		}
	}
	return o
}

// gonumUnweighted is g as an unweighted gonum graph.
func gonumUnweighted(g *Graph) *simple.UndirectedGraph {
	o := simple.NewUndirectedGraph()
	for u := range g.Nodes() {
		o.AddNode(simple.Node(u))
	}
	for u := range g.Nodes() {
		for _, v := range g.Neighbours(uint32(u)) {
			if uint32(u) < v && !o.HasEdgeBetween(int64(u), int64(v)) {
				o.SetEdge(o.NewEdge(simple.Node(u), simple.Node(v)))
			}
		}
	}
	return o
}

type arc struct {
	v uint32
	t uint8
	w float64
}

// referenceRows builds the rows a Graph should have the slow way, with a map.
func referenceRows(n int, links []link) [][]arc {
	type key struct {
		u, v uint32
		t    uint8
	}
	sum := map[key]float64{}
	for _, l := range links {
		if l.u == l.v {
			continue
		}
		sum[key{l.u, l.v, l.t}] += l.w
		sum[key{l.v, l.u, l.t}] += l.w
	}
	rows := make([][]arc, n)
	for k, w := range sum {
		rows[k.u] = append(rows[k.u], arc{k.v, k.t, w})
	}
	for _, r := range rows {
		slices.SortFunc(r, func(a, b arc) int {
			if a.v != b.v {
				return int(a.v) - int(b.v)
			}
			return int(a.t) - int(b.t)
		})
	}
	return rows
}

func checkRows(t *testing.T, g *Graph, want [][]arc) {
	t.Helper()
	if g.Nodes() != len(want) {
		t.Fatalf("nodes: got %d, want %d", g.Nodes(), len(want))
	}
	for u := range want {
		lo, hi := g.Offsets[u], g.Offsets[u+1]
		if int(hi-lo) != len(want[u]) {
			t.Fatalf("node %d: got %d arcs, want %d", u, hi-lo, len(want[u]))
		}
		for j, a := range want[u] {
			i := lo + uint64(j)
			if g.Adj[i] != a.v || g.Type[i] != a.t || math.Abs(float64(g.Weight[i])-a.w) > 1e-6*a.w {
				t.Fatalf("node %d arc %d: got %d type %d weight %v, want %d type %d weight %v",
					u, j, g.Adj[i], g.Type[i], g.Weight[i], a.v, a.t, a.w)
			}
		}
	}
}

func TestBuildMergesRepeatedLinksOfOneTypeAndDropsSelfLoops(t *testing.T) {
	g := build(t, 4, []link{
		{0, 1, 0, 1}, {1, 0, 0, 2}, // the same link twice, once each way
		{0, 1, 1, 0.5}, // another type between the same nodes
		{2, 2, 0, 9},   // a self-loop
		{3, 0, 2, 1},
	})
	checkRows(t, g, [][]arc{
		{{1, 0, 3}, {1, 1, 0.5}, {3, 2, 1}},
		{{0, 0, 3}, {0, 1, 0.5}},
		nil,
		{{0, 2, 1}},
	})
	if g.Edges() != 3 {
		t.Errorf("edges: got %d, want 3", g.Edges())
	}
}

func TestBuildMatchesAMapOnRandomGraphs(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		for _, s := range []struct{ n, m int }{{0, 0}, {1, 4}, {7, 30}, {50, 400}, {300, 1000}} {
			links := randomLinks(seed, s.n, s.m)
			t.Run(fmt.Sprintf("n%d_m%d_seed%d", s.n, s.m, seed), func(t *testing.T) {
				checkRows(t, build(t, s.n, links), referenceRows(s.n, links))
			})
		}
	}
}

func TestBuildRejectsBadLinks(t *testing.T) {
	cases := []struct {
		name  string
		l     link
		field string
	}{
		{"node out of range", link{0, 3, 0, 1}, "node"},
		{"zero weight", link{0, 1, 0, 0}, "weight"},
		{"negative weight", link{0, 1, 0, -1}, "weight"},
		{"NaN weight", link{0, 1, 0, math.NaN()}, "weight"},
		{"infinite weight", link{0, 1, 0, math.Inf(1)}, "weight"},
		{"weight past float32", link{0, 1, 0, 1e300}, "weight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := NewBuilder(3)
			b.AddEdge(1, 2, 0, 1)
			b.AddEdge(c.l.u, c.l.v, c.l.t, c.l.w)
			b.AddEdge(0, 2, 0, 1)
			_, err := b.Build()
			if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != c.field {
				t.Errorf("got %v, want an invalid %s", err, c.field)
			}
		})
	}
}

func TestBuildKeepsNodesWithoutLinks(t *testing.T) {
	g := build(t, 5, []link{{1, 3, 0, 1}})
	if g.Nodes() != 5 || g.Edges() != 1 {
		t.Errorf("got %d nodes and %d edges, want 5 and 1", g.Nodes(), g.Edges())
	}
	empty := build(t, 0, nil)
	if empty.Nodes() != 0 || empty.Edges() != 0 {
		t.Errorf("empty: got %d nodes and %d edges, want 0 and 0", empty.Nodes(), empty.Edges())
	}
}

func TestBuilderCanBuildAgainAfterMoreLinks(t *testing.T) {
	b := NewBuilder(3)
	b.AddEdge(0, 1, 0, 1)
	first, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	b.AddEdge(1, 2, 0, 1)
	second, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if first.Edges() != 1 || second.Edges() != 2 {
		t.Errorf("got %d then %d edges, want 1 then 2", first.Edges(), second.Edges())
	}
}

func TestFilterEqualsBuildingFromTheKeptLinks(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		links := randomLinks(seed, 200, 1500)
		g := build(t, 200, links)
		keep := func(typ uint8, w float32) bool { return typ != 1 && w > 0.5 }
		var kept []link
		for _, a := range referenceRowsAsLinks(referenceRows(200, links)) {
			if keep(a.t, float32(a.w)) {
				kept = append(kept, a)
			}
		}
		checkRows(t, g.Filter(keep), referenceRows(200, kept))
	}
}

// referenceRowsAsLinks turns merged rows back into links, one per typed pair.
func referenceRowsAsLinks(rows [][]arc) []link {
	var out []link
	for u, r := range rows {
		for _, a := range r {
			if uint32(u) < a.v {
				out = append(out, link{uint32(u), a.v, a.t, a.w})
			}
		}
	}
	return out
}

func TestDegreeCountsDistinctNeighboursAndWeightedDegreeAllTypes(t *testing.T) {
	for _, c := range oracleCases(t) {
		o := gonumWeighted(c.g)
		deg, wdeg := Degree(c.g), WeightedDegree(c.g)
		for u := range c.n {
			wantDeg := o.From(int64(u)).Len()
			var wantW float64
			nodes := o.From(int64(u))
			for nodes.Next() {
				w, _ := o.Weight(int64(u), nodes.Node().ID())
				wantW += w
			}
			if int(deg[u]) != wantDeg || math.Abs(wdeg[u]-wantW) > 1e-9*max(1, wantW) {
				t.Fatalf("%s node %d: got degree %d weight %v, want %d and %v", c.name, u, deg[u], wdeg[u], wantDeg, wantW)
			}
		}
	}
}

func TestSpansCoverEveryNodeOnce(t *testing.T) {
	g := build(t, 5000, randomLinks(9, 5000, 40000))
	sp := spans(g)
	next := 0
	for _, s := range sp {
		if s[0] != next || s[1] < s[0] {
			t.Fatalf("got spans %v, want contiguous ranges from 0", sp)
		}
		next = s[1]
	}
	if next != g.Nodes() {
		t.Fatalf("got spans %v ending at %d, want %d", sp, next, g.Nodes())
	}
}
