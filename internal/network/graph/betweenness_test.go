package graph

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/graph/network"
)

func TestBetweennessMatchesGonumExactly(t *testing.T) {
	for _, c := range oracleCases(t) {
		bc := Betweenness(c.g, 0, 1)
		if len(bc) != c.n {
			t.Fatalf("%s: got %d values, want %d", c.name, len(bc), c.n)
		}
		raw := network.Betweenness(gonumUnweighted(c.g))
		// gonum counts each unordered pair twice and does not normalise.
		scale := 1.0
		if c.n > 2 {
			scale = 1 / float64((c.n-1)*(c.n-2))
		}
		for u := range c.n {
			want := raw[int64(u)] * scale
			if math.Abs(bc[u]-want) > 1e-9*max(1, want) {
				t.Fatalf("%s node %d: got %v, want %v", c.name, u, bc[u], want)
			}
		}
	}
}

// twoCliques is two cliques of five, 0–4 and 5–9, joined by the bridge 4–5.
func twoCliques(t *testing.T) *Graph {
	var links []link
	for _, base := range []uint32{0, 5} {
		for i := base; i < base+5; i++ {
			for j := i + 1; j < base+5; j++ {
				links = append(links, link{i, j, 0, 1})
			}
		}
	}
	links = append(links, link{4, 5, 1, 1})
	return build(t, 10, links)
}

func TestBetweennessPutsTheBridgeEndsOnTop(t *testing.T) {
	bc := Betweenness(twoCliques(t), 0, 1)
	// The path between 0–3 and 5–9, 20 pairs, runs through 4, and likewise
	// for 5; nothing else lies inside a shortest path. Normalised over the
	// 9·8/2 = 36 pairs of other nodes.
	for u, b := range bc {
		want := 0.0
		if u == 4 || u == 5 {
			want = 20.0 / 36
		}
		if math.Abs(b-want) > 1e-12 {
			t.Errorf("node %d: got %v, want %v", u, b, want)
		}
	}
}

func TestBetweennessCountsLinksOfSeveralTypesOnce(t *testing.T) {
	// A square 0-1-2-3-0: two shortest paths between 0 and 2, whatever the
	// number of link types on each side.
	g := build(t, 4, []link{
		{0, 1, 0, 1}, {0, 1, 1, 1}, {0, 1, 2, 1}, {1, 2, 0, 1},
		{2, 3, 0, 1}, {3, 0, 0, 1},
	})
	bc := Betweenness(g, 0, 1)
	for u, b := range bc {
		if math.Abs(b-1.0/6) > 1e-12 {
			t.Errorf("node %d: got %v, want 1/6", u, b)
		}
	}
}

func TestBetweennessSampledIsExactOnAStar(t *testing.T) {
	// From any source the centre carries every path; networkx's scaling of
	// sampled and unsampled nodes makes the estimate exact here, whether or
	// not the centre is among the samples.
	var links []link
	for v := uint32(1); v < 200; v++ {
		links = append(links, link{0, v, 0, 1})
	}
	g := build(t, 200, links)
	for seed := uint64(1); seed <= 20; seed++ {
		bc := betweenness(g, 7, seed, 50)
		if math.Abs(bc[0]-1) > 1e-12 || slices.Max(bc[1:]) != 0 {
			t.Fatalf("seed %d: got centre %v, leaves up to %v, want 1 and 0", seed, bc[0], slices.Max(bc[1:]))
		}
	}
}

func TestBetweennessSampledEstimatesExact(t *testing.T) {
	g := build(t, 1000, randomLinks(3, 1000, 3000))
	exact := Betweenness(g, 0, 1)
	est := betweenness(g, 250, 1, 100)
	again := betweenness(g, 250, 1, 100)
	if !equal(est, again) {
		t.Fatal("got different estimates for one seed, want the same")
	}
	var sumExact, sumEst float64
	for u := range exact {
		sumExact += exact[u]
		sumEst += est[u]
	}
	if math.Abs(sumEst-sumExact) > 0.05*sumExact {
		t.Errorf("got estimates summing to %v, want within 5%% of the exact %v", sumEst, sumExact)
	}
	top := func(bc []float64) int { return slices.Index(bc, slices.Max(bc)) }
	if top(est) != top(exact) {
		t.Errorf("got top node %d, want %d", top(est), top(exact))
	}
}

func TestBetweennessIsTheSameOnOneCoreAndMany(t *testing.T) {
	g := build(t, 800, randomLinks(5, 800, 3200))
	many := Betweenness(g, 0, 1)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := Betweenness(g, 0, 1)
	for u := range one {
		if math.Abs(one[u]-many[u]) > 1e-12 {
			t.Fatalf("node %d: got %v on many cores, %v on one", u, many[u], one[u])
		}
	}
}
