package graph

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
)

// benchLinks is the benchmarks' graph: CASELINK_BENCH_GRAPH_NODES nodes
// (default 100,000) and five links per node, in planted communities of 10 to
// 200 nodes. Eight links in ten join two members of one community, the rest
// two nodes anywhere; ids are shuffled so that a community's members are not
// neighbours in memory; types are 0..3, weights 0.5..1.5. It is made once per
// process, from a fixed seed.
type benchLinks struct {
	n    int
	u, v []uint32
	t    []uint8
	w    []float64
}

var benchData = sync.OnceValues(func() (*benchLinks, error) {
	n := 100000
	if s := os.Getenv("CASELINK_BENCH_GRAPH_NODES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1000 {
			return nil, fmt.Errorf("CASELINK_BENCH_GRAPH_NODES=%q: want a number of at least 1000", s)
		}
		n = v
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	perm := rng.Perm(n)
	// Communities are consecutive runs of positions; perm maps a position to
	// a node id.
	first := make([]int, n) // first position of the community at a position
	size := make([]int, n)  // size of that community
	for p := 0; p < n; {
		s := min(10+rng.IntN(191), n-p)
		for q := p; q < p+s; q++ {
			first[q], size[q] = p, s
		}
		p += s
	}
	m := 5 * n
	d := &benchLinks{n: n, u: make([]uint32, m), v: make([]uint32, m), t: make([]uint8, m), w: make([]float64, m)}
	for i := range m {
		p := rng.IntN(n)
		q := rng.IntN(n)
		if rng.IntN(10) < 8 {
			q = first[p] + rng.IntN(size[p])
		}
		d.u[i], d.v[i] = uint32(perm[p]), uint32(perm[q])
		d.t[i] = uint8(rng.IntN(4))
		d.w[i] = 0.5 + rng.Float64()
	}
	return d, nil
})

func (d *benchLinks) build() (*Graph, error) {
	b := NewBuilder(d.n)
	b.Grow(len(d.u))
	for i := range d.u {
		b.AddEdge(d.u[i], d.v[i], d.t[i], d.w[i])
	}
	return b.Build()
}

var benchGraph = sync.OnceValues(func() (*Graph, error) {
	d, err := benchData()
	if err != nil {
		return nil, err
	}
	return d.build()
})

func loadBenchGraph(b *testing.B) *Graph {
	b.Helper()
	g, err := benchGraph()
	if err != nil {
		b.Fatal(err)
	}
	return g
}

func BenchmarkBuild(b *testing.B) {
	d, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := d.build()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(g.Edges()), "edges")
	}
}

func BenchmarkComponents(b *testing.B) {
	g := loadBenchGraph(b)
	for b.Loop() {
		_, count := Components(g)
		b.ReportMetric(float64(count), "components")
	}
}

func BenchmarkPageRank(b *testing.B) {
	g := loadBenchGraph(b)
	// networkx's defaults, whose test (the sum of changes below n·tol) is
	// loose on a large graph, and a tight one, to show the cost per iteration.
	for _, tol := range []float64{1e-6, 1e-10} {
		b.Run(fmt.Sprintf("tol=%g", tol), func(b *testing.B) {
			for b.Loop() {
				_, iters, err := pageRank(g, 0.85, tol, 100)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(iters), "iterations")
			}
		})
	}
}

func BenchmarkLouvain(b *testing.B) {
	g := loadBenchGraph(b)
	for b.Loop() {
		_, count, q := Louvain(g, 1, 1)
		b.ReportMetric(float64(count), "communities")
		b.ReportMetric(q, "modularity")
	}
}

// benchSamples is the number of sources of the sampled betweenness benchmark.
const benchSamples = 100

func BenchmarkBetweennessSampled(b *testing.B) {
	g := loadBenchGraph(b)
	for b.Loop() {
		// exactMax 0: sampled whatever the size CASELINK_BENCH_GRAPH_NODES sets.
		betweenness(g, benchSamples, 1, 0)
	}
}

func BenchmarkFilter(b *testing.B) {
	g := loadBenchGraph(b)
	for b.Loop() {
		g.Filter(func(t uint8, _ float32) bool { return t != 0 })
	}
}

func BenchmarkShortestPath(b *testing.B) {
	g := loadBenchGraph(b)
	rng := rand.New(rand.NewPCG(1, 2))
	n := uint32(g.Nodes())
	for b.Loop() {
		ShortestPath(g, rng.Uint32N(n), rng.Uint32N(n), nil)
	}
}

// TestWriteBenchGraph writes the benchmarks' graph, link types merged, as a
// weighted edge list to the file named by CASELINK_BENCH_GRAPH_OUT, for
// timing other tools on the same graph (testdata/networkx_bench.py). The
// first line is "# nodes N"; then one "u v weight" line per linked pair.
func TestWriteBenchGraph(t *testing.T) {
	path := os.Getenv("CASELINK_BENCH_GRAPH_OUT")
	if path == "" {
		t.Skip("set CASELINK_BENCH_GRAPH_OUT to a file to write the benchmark graph to")
	}
	d, err := benchData()
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.build()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "# nodes %d\n", g.Nodes())
	var line []byte
	for u := range g.Nodes() {
		lo, hi := g.Offsets[u], g.Offsets[u+1]
		for i := lo; i < hi; {
			v := g.Adj[i]
			var s float64
			for ; i < hi && g.Adj[i] == v; i++ {
				s += float64(g.Weight[i])
			}
			if uint32(u) < v {
				line = strconv.AppendUint(line[:0], uint64(u), 10)
				line = append(line, ' ')
				line = strconv.AppendUint(line, uint64(v), 10)
				line = append(line, ' ')
				line = strconv.AppendFloat(line, s, 'g', 8, 64)
				line = append(line, '\n')
				w.Write(line)
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
