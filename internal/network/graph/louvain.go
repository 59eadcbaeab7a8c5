package graph

import (
	"math/rand/v2"
)

// Louvain finds communities by the Louvain method (Blondel et al. 2008),
// maximising modularity at the given resolution (1 is the classic modularity;
// higher gives more, smaller communities), with link weights of all types
// summed. It returns each node's community, dense 0..count-1 and numbered in the order
// of each community's smallest node id, and the partition's modularity.
//
// Each level moves nodes between communities until no move gains (visiting
// nodes from a queue in a seeded random order, and revisiting only the
// neighbours of a node that moved), then folds each community into one node
// and starts again on the smaller graph, until a level moves nothing. Work per
// level is linear in its arcs; the result is the same for the same graph and
// seed. Louvain can leave a community in two pieces joined only through
// another community; each such community is split into its connected parts at
// the end, which never lowers modularity, so every community is connected.
//
// A graph without links has modularity 0 and one community per node.
func Louvain(g *Graph, resolution float64, seed uint64) (label []uint32, count int, modularity float64) {
	n := g.Nodes()
	label = make([]uint32, n)
	for u := range label {
		label[u] = uint32(u)
	}
	if len(g.Adj) == 0 {
		return label, n, 0
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c6f7576))
	lv := levelFromGraph(g)
	for {
		comm, nc := lv.moveNodes(resolution, rng)
		if nc == lv.n() {
			break
		}
		for u := range label {
			label[u] = comm[label[u]]
		}
		lv = lv.fold(comm, nc)
	}
	label, count = componentsWhere(g, func(u, v uint32) bool { return label[u] == label[v] })
	return label, count, Modularity(g, label, resolution)
}

// Modularity returns the modularity of the partition label of g at the given
// resolution, with link weights of all types summed:
//
//	Q = Σ_c [ in_c/2m − resolution·(tot_c/2m)² ]
//
// where in_c is the weight of arcs inside community c, tot_c the strength of
// its nodes and 2m the weight of all arcs. label has one entry per node, and
// its values index arrays here, so they should be dense, as Louvain's and
// Components' are. A graph without links has Q = 0.
func Modularity(g *Graph, label []uint32, resolution float64) float64 {
	n := g.Nodes()
	var maxLabel uint32
	for _, c := range label[:n] {
		maxLabel = max(maxLabel, c)
	}
	in := make([]float64, int(maxLabel)+1)
	tot := make([]float64, int(maxLabel)+1)
	var m2 float64
	for u := range n {
		cu := label[u]
		for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
			w := float64(g.Weight[i])
			m2 += w
			tot[cu] += w
			if label[g.Adj[i]] == cu {
				in[cu] += w
			}
		}
	}
	if m2 == 0 {
		return 0
	}
	var q float64
	for c := range in {
		f := tot[c] / m2
		q += in[c]/m2 - resolution*f*f
	}
	return q
}

// level is one level of the Louvain hierarchy: a weighted graph in compressed
// rows whose nodes are the communities of the level below. loop[u] is the
// weight of the arcs folded inside u (twice its internal link weight, as
// modularity counts them) and k[u] its strength, loop included.
type level struct {
	off  []uint64
	adj  []uint32
	w    []float64
	loop []float64
	k    []float64
	m2   float64
}

func (lv *level) n() int { return len(lv.k) }

func levelFromGraph(g *Graph) *level {
	n := g.Nodes()
	lv := &level{
		off:  g.Offsets,
		adj:  g.Adj,
		w:    make([]float64, len(g.Weight)),
		loop: make([]float64, n),
		k:    make([]float64, n),
	}
	for u := range n {
		var s float64
		for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
			w := float64(g.Weight[i])
			lv.w[i] = w
			s += w
		}
		lv.k[u] = s
		lv.m2 += s
	}
	return lv
}

// moveNodes is the local moving phase. Every node starts alone; a node moves
// to the neighbouring community that gains most modularity, if any gains. The
// gain of putting node i, taken out of its community, into community c is
// proportional to
//
//	w(i, c) − resolution·tot(c)·k(i)/2m
//
// with w(i, c) the weight of i's links into c. It returns the communities,
// renumbered 0..count-1 in order of their smallest node.
func (lv *level) moveNodes(resolution float64, rng *rand.Rand) ([]uint32, int) {
	n := lv.n()
	comm := make([]uint32, n)
	tot := make([]float64, n)
	for u := range n {
		comm[u] = uint32(u)
		tot[u] = lv.k[u]
	}
	// The queue is a ring of at most n nodes, each at most once.
	queue := make([]uint32, n)
	for i, u := range rng.Perm(n) {
		queue[i] = uint32(u)
	}
	queued := make([]bool, n)
	for u := range queued {
		queued[u] = true
	}
	head, size := 0, n

	toComm := make([]float64, n)
	touched := make([]uint32, 0, 64)
	scale := resolution / lv.m2
	for size > 0 {
		i := queue[head]
		head++
		if head == n {
			head = 0
		}
		size--
		queued[i] = false

		lo, hi := lv.off[i], lv.off[i+1]
		for a := lo; a < hi; a++ {
			c := comm[lv.adj[a]]
			if toComm[c] == 0 {
				touched = append(touched, c)
			}
			toComm[c] += lv.w[a]
		}
		old := comm[i]
		ki := lv.k[i]
		tot[old] -= ki
		best := old
		bestGain := toComm[old] - scale*tot[old]*ki
		// A move must gain more than rounding noise, or two communities could
		// trade a node forever.
		margin := 1e-12 * ki
		for _, c := range touched {
			if gain := toComm[c] - scale*tot[c]*ki; gain > bestGain+margin {
				best, bestGain = c, gain
			}
		}
		tot[best] += ki
		for _, c := range touched {
			toComm[c] = 0
		}
		touched = touched[:0]
		if best == old {
			continue
		}
		comm[i] = best
		for a := lo; a < hi; a++ {
			j := lv.adj[a]
			if !queued[j] && comm[j] != best {
				queued[j] = true
				t := head + size
				if t >= n {
					t -= n
				}
				queue[t] = j
				size++
			}
		}
	}

	// Renumber densely; the empty queue holds the new numbers.
	renum := queue
	for c := range renum {
		renum[c] = ^uint32(0)
	}
	count := 0
	for u := range n {
		c := comm[u]
		if renum[c] == ^uint32(0) {
			renum[c] = uint32(count)
			count++
		}
		comm[u] = renum[c]
	}
	return comm, count
}

// fold returns the level whose nodes are the communities comm of lv: the
// weight between two communities is the sum of the weights between their
// members, and links inside a community become its loop. It buckets the nodes
// by community and gathers each community's arcs through a scratch row, so it
// is linear in lv's arcs.
func (lv *level) fold(comm []uint32, count int) *level {
	n := lv.n()
	start := make([]int, count+1)
	for _, c := range comm {
		start[c+1]++
	}
	for c := range count {
		start[c+1] += start[c]
	}
	members := make([]uint32, n)
	pos := make([]int, count)
	copy(pos, start[:count])
	for u, c := range comm {
		members[pos[c]] = uint32(u)
		pos[c]++
	}

	next := &level{
		off:  make([]uint64, count+1),
		adj:  make([]uint32, 0, len(lv.adj)/2),
		w:    make([]float64, 0, len(lv.adj)/2),
		loop: make([]float64, count),
		k:    make([]float64, count),
		m2:   lv.m2,
	}
	toComm := make([]float64, count)
	touched := make([]uint32, 0, 64)
	for c := range count {
		cc := uint32(c)
		var loop, k float64
		for _, u := range members[start[c]:start[c+1]] {
			loop += lv.loop[u]
			k += lv.k[u]
			for a := lv.off[u]; a < lv.off[u+1]; a++ {
				d := comm[lv.adj[a]]
				if d == cc {
					loop += lv.w[a]
					continue
				}
				if toComm[d] == 0 {
					touched = append(touched, d)
				}
				toComm[d] += lv.w[a]
			}
		}
		for _, d := range touched {
			next.adj = append(next.adj, d)
			next.w = append(next.w, toComm[d])
			toComm[d] = 0
		}
		touched = touched[:0]
		next.loop[c], next.k[c] = loop, k
		next.off[c+1] = uint64(len(next.adj))
	}
	return next
}
