package graph

import (
	"math"

	"github.com/caselink/caselink/internal/pole"
)

// PageRank returns each node's weighted PageRank, summing to 1, by power
// iteration as networkx computes it by default: a walker follows a link with
// probability proportional to its weight (all link types together), jumps to a
// node chosen uniformly with probability 1-damping, and leaves a node without
// links (a dangling node) for a node chosen uniformly. It stops when the sum of
// the absolute changes falls below n*tol. If it has not converged after maxIter
// iterations it returns the last ranks with an error.
//
// Each iteration pulls rank along every arc once, split over the cores by
// ranges of nodes of equal work.
func PageRank(g *Graph, damping, tol float64, maxIter int) ([]float64, error) {
	x, _, err := pageRank(g, damping, tol, maxIter)
	return x, err
}

// pageRank is PageRank that also tells how many iterations it took.
func pageRank(g *Graph, damping, tol float64, maxIter int) ([]float64, int, error) {
	const op = "graph.PageRank"
	switch {
	case !(damping >= 0 && damping < 1):
		return nil, 0, pole.E(op, pole.Invalid("damping", "got %v, want 0 <= damping < 1", damping))
	case !(tol > 0):
		return nil, 0, pole.E(op, pole.Invalid("tol", "got %v, want above zero", tol))
	case maxIter < 1:
		return nil, 0, pole.E(op, pole.Invalid("maxIter", "got %d, want at least 1", maxIter))
	}
	n := g.Nodes()
	if n == 0 {
		return []float64{}, 0, nil
	}
	nf := float64(n)

	// inv[u] is 1/strength(u), or 0 for a dangling node; share[u] is the part
	// of u's rank each unit of link weight carries away, x[u]*inv[u].
	x := make([]float64, n)
	inv := make([]float64, n)
	share := make([]float64, n)
	next := make([]float64, n)
	sp := spans(g)
	dangling := make([]float64, len(sp))
	change := make([]float64, len(sp))
	onSpans(sp, func(p, lo, hi int) {
		d := 0.0
		for u := lo; u < hi; u++ {
			var s float64
			for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
				s += float64(g.Weight[i])
			}
			x[u] = 1 / nf
			if s > 0 {
				inv[u] = 1 / s
				share[u] = x[u] * inv[u]
			} else {
				d += x[u]
			}
		}
		dangling[p] = d
	})

	for iter := 1; iter <= maxIter; iter++ {
		var lost float64
		for _, d := range dangling {
			lost += d
		}
		base := (1-damping)/nf + damping*lost/nf
		onSpans(sp, func(p, lo, hi int) {
			var d, c float64
			for v := lo; v < hi; v++ {
				var s float64
				for i := g.Offsets[v]; i < g.Offsets[v+1]; i++ {
					s += float64(g.Weight[i]) * share[g.Adj[i]]
				}
				xv := base + damping*s
				c += math.Abs(xv - x[v])
				x[v] = xv
				next[v] = xv * inv[v]
				if inv[v] == 0 {
					d += xv
				}
			}
			dangling[p], change[p] = d, c
		})
		share, next = next, share
		var err float64
		for _, c := range change {
			err += c
		}
		if err < nf*tol {
			return x, iter, nil
		}
	}
	return x, maxIter, pole.E(op, pole.Errorf(pole.EINTERNAL, "did not converge in %d iterations", maxIter))
}
