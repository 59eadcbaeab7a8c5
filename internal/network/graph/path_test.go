package graph

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// checkPath fails unless p runs from a to b along links allow accepts.
func checkPath(t *testing.T, g *Graph, p []uint32, a, b uint32, allow func(uint8) bool) {
	t.Helper()
	if p[0] != a || p[len(p)-1] != b {
		t.Fatalf("got path %v, want it from %d to %d", p, a, b)
	}
	for i := 1; i < len(p); i++ {
		ok := false
		for j := g.Offsets[p[i-1]]; j < g.Offsets[p[i-1]+1]; j++ {
			if g.Adj[j] == p[i] && (allow == nil || allow(g.Type[j])) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("path %v steps from %d to %d without an allowed link", p, p[i-1], p[i])
		}
	}
}

func TestShortestPathHasGonumsLength(t *testing.T) {
	for _, c := range oracleCases(t) {
		if c.n == 0 {
			continue
		}
		o := gonumUnweighted(c.g)
		for a := 0; a < c.n; a += 1 + c.n/7 {
			from := path.DijkstraFrom(simple.Node(a), o)
			for b := 0; b < c.n; b += 1 + c.n/11 {
				want, _ := from.To(int64(b))
				got := ShortestPath(c.g, uint32(a), uint32(b), nil)
				if len(got) != len(want) {
					t.Fatalf("%s %d→%d: got %v, want %d nodes", c.name, a, b, got, len(want))
				}
				if got != nil {
					checkPath(t, c.g, got, uint32(a), uint32(b), nil)
				}
			}
		}
	}
}

// hopWeight is the weight of the hop u–v, its allowed link types summed.
func hopWeight(g *Graph, u, v uint32) float64 {
	var w float64
	for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
		if g.Adj[i] == v {
			w += float64(g.Weight[i])
		}
	}
	return w
}

// strongestScore is the weight of the strongest fewest-hop path from a to b,
// by dynamic programming over a one-sided breadth-first search.
func strongestScore(g *Graph, a, b uint32) float64 {
	dist := map[uint32]int{a: 0}
	score := map[uint32]float64{a: 0}
	queue := []uint32{a}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range g.Neighbours(u) {
			w := hopWeight(g, u, v)
			if _, ok := dist[v]; !ok {
				dist[v], score[v] = dist[u]+1, score[u]+w
				queue = append(queue, v)
			} else if dist[v] == dist[u]+1 && score[u]+w > score[v] {
				score[v] = score[u] + w
			}
		}
	}
	return score[b]
}

func TestShortestPathIsTheStrongestOfTheShortestOnRandomGraphs(t *testing.T) {
	for _, c := range oracleCases(t) {
		for a := 0; a < c.n; a += 1 + c.n/5 {
			for b := 0; b < c.n; b += 1 + c.n/9 {
				p := ShortestPath(c.g, uint32(a), uint32(b), nil)
				if p == nil {
					continue
				}
				var got float64
				for i := 1; i < len(p); i++ {
					got += hopWeight(c.g, p[i-1], p[i])
				}
				if want := strongestScore(c.g, uint32(a), uint32(b)); math.Abs(got-want) > 1e-9*max(1, want) {
					t.Fatalf("%s %d→%d: got path %v of weight %v, want weight %v", c.name, a, b, p, got, want)
				}
			}
		}
	}
}

func TestShortestPathTakesTheStrongestOfTheShortest(t *testing.T) {
	// 0 to 3 in two hops by 1 or by 2; the links through 2 are stronger. The
	// way round by 4 and 5 is stronger still but a hop longer.
	g := build(t, 6, []link{
		{0, 1, 0, 1}, {1, 3, 0, 1},
		{0, 2, 0, 1}, {2, 3, 0, 1.5},
		{0, 4, 0, 9}, {4, 5, 0, 9}, {5, 3, 0, 9},
	})
	got := ShortestPath(g, 0, 3, nil)
	if want := []uint32{0, 2, 3}; !equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestShortestPathUsesOnlyAllowedLinkTypes(t *testing.T) {
	// 0-1-2 by type 1 (say, a shared phone), or 0-3-4-2 by type 0.
	g := build(t, 5, []link{
		{0, 1, 1, 1}, {1, 2, 1, 1},
		{0, 3, 0, 1}, {3, 4, 0, 1}, {4, 2, 0, 1}, {1, 2, 0, 1},
	})
	onlyZero := func(t uint8) bool { return t == 0 }
	got := ShortestPath(g, 0, 2, onlyZero)
	if want := []uint32{0, 3, 4, 2}; !equal(got, want) {
		t.Errorf("type 0 only: got %v, want %v", got, want)
	}
	if got := ShortestPath(g, 0, 2, nil); !equal(got, []uint32{0, 1, 2}) {
		t.Errorf("all types: got %v, want [0 1 2]", got)
	}
	if got := ShortestPath(g, 0, 2, func(t uint8) bool { return t == 7 }); got != nil {
		t.Errorf("no type allowed: got %v, want no path", got)
	}
}

func TestShortestPathToItselfAndOutsideTheGraph(t *testing.T) {
	g := build(t, 3, []link{{0, 1, 0, 1}})
	if got := ShortestPath(g, 2, 2, nil); !equal(got, []uint32{2}) {
		t.Errorf("to itself: got %v, want [2]", got)
	}
	if got := ShortestPath(g, 0, 3, nil); got != nil {
		t.Errorf("out of range: got %v, want nil", got)
	}
	if got := ShortestPath(g, 0, 2, nil); got != nil {
		t.Errorf("unreachable: got %v, want nil", got)
	}
}
