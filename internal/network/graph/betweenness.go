package graph

import (
	"math/rand/v2"
	"runtime"
	"sync"
)

// ExactBetweennessMax is the largest graph whose betweenness is always
// computed exactly: Brandes' algorithm is a breadth-first search from every
// node, about n·m steps, which is seconds at this size on two cores.
const ExactBetweennessMax = 20000

// Betweenness returns each node's betweenness centrality, normalised as
// networkx does by default for an undirected graph, so the figures compare:
// the share of shortest paths between pairs of other nodes that pass through
// the node, over the (n-1)(n-2)/2 such pairs.
//
// Paths are counted in hops, not weights: a link's weight is the strength of
// the evidence for it, not a distance, and a broker is someone many short
// chains of association run through, however strong each link is. Links of
// several types between two nodes count as one.
//
// With samples <= 0, or n <= ExactBetweennessMax, or samples >= n, it is exact
// (Brandes 2001). Otherwise it runs the searches from samples nodes drawn
// without replacement with the seed, and scales them to the exact figures as
// networkx does for k samples: a sampled node, which gets nothing from its own
// search, by 1/((k-1)(n-2)), any other node by 1/(k(n-2)). Samples below 2
// are raised to 2. Searches are shared out over the cores.
func Betweenness(g *Graph, samples int, seed uint64) []float64 {
	return betweenness(g, samples, seed, ExactBetweennessMax)
}

// betweenness is Betweenness with the size up to which it is always exact
// given, so that tests can reach the sampled path on small graphs.
func betweenness(g *Graph, samples int, seed uint64, exactMax int) []float64 {
	n := g.Nodes()
	bc := make([]float64, n)
	if n <= 2 {
		return bc
	}
	sources := make([]uint32, n)
	for u := range sources {
		sources[u] = uint32(u)
	}
	exact := samples <= 0 || n <= exactMax || samples >= n
	if !exact {
		samples = max(samples, 2)
		rng := rand.New(rand.NewPCG(seed, 0x62657477))
		for i := range samples {
			j := i + rng.IntN(n-i)
			sources[i], sources[j] = sources[j], sources[i]
		}
		sources = sources[:samples]
	}

	workers := min(runtime.GOMAXPROCS(0), len(sources))
	if len(g.Adj) < parallelMinArcs/16 {
		workers = 1
	}
	partial := make([][]float64, workers)
	var wg sync.WaitGroup
	for p := range workers {
		wg.Go(func() {
			b := newBrandes(n)
			// Sources are dealt out in a fixed stripe, so the sums are the
			// same from run to run.
			for i := p; i < len(sources); i += workers {
				b.from(g, sources[i])
			}
			partial[p] = b.bc
		})
	}
	wg.Wait()
	for _, part := range partial {
		for u, v := range part {
			bc[u] += v
		}
	}

	nf := float64(n)
	if exact {
		scale := 1 / ((nf - 1) * (nf - 2))
		for u := range bc {
			bc[u] *= scale
		}
		return bc
	}
	k := float64(len(sources))
	scale := 1 / (k * (nf - 2))
	for u := range bc {
		bc[u] *= scale
	}
	for _, s := range sources {
		bc[s] *= k / (k - 1)
	}
	return bc
}

// brandes holds one worker's state for single-source searches, reset after
// each search over the nodes it reached only.
//
// The arrays every arc looks at must stay in cache, so a node's distance from
// the source is kept modulo 3 in a byte: the neighbours of a node at distance d
// are at d-1, d or d+1, which are told apart modulo 3. val is a node's number
// of shortest paths from the source (sigma) during the search, and then, once
// its dependency delta is known, what it passes back to each predecessor per
// unit of the predecessor's sigma, (1+delta)/sigma. order holds the nodes
// reached, level after level; level[d] is where level d starts in it.
type brandes struct {
	lev   []uint8
	val   []float64
	order []uint32
	level []int
	bc    []float64
}

const unreached = 0xff

// nextLevel maps a distance modulo 3 to the next one's.
var nextLevel = [3]uint8{1, 2, 0}

// bottomUpRatio decides how a level is searched. Top-down visits the arcs of
// the frontier, each node's row a jump in memory; bottom-up reads the rows of
// every node not yet reached, in order, as one stream, and is the cheaper
// once the frontier's arcs are more than this share of the unreached arcs.
const bottomUpRatio = 1.0 / 8

func newBrandes(n int) *brandes {
	b := &brandes{
		lev:   make([]uint8, n),
		val:   make([]float64, n),
		order: make([]uint32, 0, n),
		bc:    make([]float64, n),
	}
	for u := range b.lev {
		b.lev[u] = unreached
	}
	return b
}

// from adds to b.bc the dependencies of s on every other node: a
// breadth-first search counting shortest paths, level by level (Beamer's
// direction-optimising search, which suits large frontiers), then the
// dependencies level by level back towards s. Each node pulls its dependency
// from its successors (neighbours one level further from s), found again from
// the arcs rather than stored, so that pass only reads other nodes' values and
// walks bottom-up levels in node order.
func (b *brandes) from(g *Graph, s uint32) {
	lev, val := b.lev, b.val
	order := append(b.order[:0], s)
	level := append(b.level[:0], 0, 1)
	lev[s], val[s] = 0, 1
	frontierArcs := g.Offsets[s+1] - g.Offsets[s]
	unreachedArcs := uint64(len(g.Adj)) - frontierArcs
	for d := 0; level[d] < level[d+1]; d++ {
		cur := uint8(d % 3)
		next := nextLevel[cur]
		var nextArcs uint64
		if float64(frontierArcs) > bottomUpRatio*float64(unreachedArcs) {
			for v := range lev {
				if lev[v] != unreached {
					continue
				}
				lo, hi := g.Offsets[v], g.Offsets[v+1]
				var sigma float64
				for i := lo; i < hi; i++ {
					u := g.Adj[i]
					if lev[u] == cur && (i == lo || g.Adj[i-1] != u) {
						sigma += val[u]
					}
				}
				if sigma > 0 {
					lev[v], val[v] = next, sigma
					order = append(order, uint32(v))
					nextArcs += hi - lo
				}
			}
		} else {
			for _, u := range order[level[d]:level[d+1]] {
				su := val[u]
				lo, hi := g.Offsets[u], g.Offsets[u+1]
				for i := lo; i < hi; i++ {
					v := g.Adj[i]
					if i > lo && g.Adj[i-1] == v {
						continue
					}
					switch lev[v] {
					case unreached:
						lev[v], val[v] = next, su
						order = append(order, v)
						nextArcs += g.Offsets[v+1] - g.Offsets[v]
					case next:
						val[v] += su
					}
				}
			}
		}
		level = append(level, len(order))
		frontierArcs = nextArcs
		unreachedArcs -= nextArcs
	}

	// Within a level nodes do not depend on each other, so each level is
	// walked in the order it was found: node order for a bottom-up level.
	for d := len(level) - 2; d >= 0; d-- {
		next := nextLevel[d%3]
		for _, v := range order[level[d]:level[d+1]] {
			var acc float64
			lo, hi := g.Offsets[v], g.Offsets[v+1]
			for i := lo; i < hi; i++ {
				w := g.Adj[i]
				if lev[w] == next && (i == lo || g.Adj[i-1] != w) {
					acc += val[w]
				}
			}
			sigma := val[v]
			delta := sigma * acc
			if d > 0 {
				b.bc[v] += delta
			}
			val[v] = (1 + delta) / sigma
		}
	}
	for _, u := range order {
		lev[u], val[u] = unreached, 0
	}
	b.order, b.level = order, level
}
