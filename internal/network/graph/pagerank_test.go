package graph

import (
	"math"
	"runtime"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// gonumDirected is g with each link as two weighted arcs, the form gonum's
// PageRank takes.
func gonumDirected(g *Graph) *simple.WeightedDirectedGraph {
	u := gonumWeighted(g)
	o := simple.NewWeightedDirectedGraph(0, 0)
	nodes := u.Nodes()
	for nodes.Next() {
		o.AddNode(nodes.Node())
	}
	edges := u.WeightedEdges()
	for edges.Next() {
		e := edges.WeightedEdge()
		o.SetWeightedEdge(o.NewWeightedEdge(e.From(), e.To(), e.Weight()))
		o.SetWeightedEdge(o.NewWeightedEdge(e.To(), e.From(), e.Weight()))
	}
	return o
}

func TestPageRankMatchesGonum(t *testing.T) {
	for _, c := range oracleCases(t) {
		rank, err := PageRank(c.g, 0.85, 1e-12, 1000)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(rank) != c.n {
			t.Fatalf("%s: got %d ranks, want %d", c.name, len(rank), c.n)
		}
		if c.n == 0 {
			continue // gonum's dense PageRank cannot take an empty graph
		}
		want := network.PageRank(gonumDirected(c.g), 0.85, 1e-12)
		for u := range c.n {
			if math.Abs(rank[u]-want[int64(u)]) > 1e-8 {
				t.Fatalf("%s node %d: got %v, want %v", c.name, u, rank[u], want[int64(u)])
			}
		}
	}
}

func TestPageRankSumsToOneWithDanglingNodes(t *testing.T) {
	// Node 3 has no links: its rank is spread over every node.
	g := build(t, 4, []link{{0, 1, 0, 1}, {1, 2, 0, 3}})
	rank, err := PageRank(g, 0.85, 1e-10, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, r := range rank {
		sum += r
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("got ranks %v summing to %v, want 1", rank, sum)
	}
	if !(rank[1] > rank[2] && rank[2] > rank[0] && rank[0] > rank[3]) {
		t.Errorf("got %v, want the hub 1 first, then 2 (the heavier link), 0, and the isolated 3", rank)
	}
}

func TestPageRankIsTheSameOnOneCoreAndMany(t *testing.T) {
	g := build(t, 20000, randomLinks(4, 20000, 100000))
	if len(spans(g)) < 2 && runtime.GOMAXPROCS(0) > 1 {
		t.Fatal("test graph too small to be split over the cores")
	}
	many, err := PageRank(g, 0.85, 1e-9, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one, err := PageRank(g, 0.85, 1e-9, 100)
	if err != nil {
		t.Fatal(err)
	}
	for u := range one {
		if math.Abs(one[u]-many[u]) > 1e-12 {
			t.Fatalf("node %d: got %v on many cores, %v on one", u, many[u], one[u])
		}
	}
}

func TestPageRankRejectsBadParameters(t *testing.T) {
	g := build(t, 2, []link{{0, 1, 0, 1}})
	cases := []struct {
		field        string
		damping, tol float64
		maxIter      int
	}{
		{"damping", 1, 1e-6, 100},
		{"damping", -0.1, 1e-6, 100},
		{"damping", math.NaN(), 1e-6, 100},
		{"tol", 0.85, 0, 100},
		{"maxIter", 0.85, 1e-6, 0},
	}
	for _, c := range cases {
		_, err := PageRank(g, c.damping, c.tol, c.maxIter)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != c.field {
			t.Errorf("PageRank(%v, %v, %d): got %v, want an invalid %s", c.damping, c.tol, c.maxIter, err, c.field)
		}
	}
}

func TestPageRankReportsNoConvergenceButReturnsRanks(t *testing.T) {
	g := build(t, 300, randomLinks(2, 300, 900))
	rank, err := PageRank(g, 0.85, 1e-15, 2)
	if err == nil || len(rank) != 300 {
		t.Errorf("got %d ranks and error %v, want 300 ranks and an error", len(rank), err)
	}
}
