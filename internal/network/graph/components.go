package graph

// Components labels each node with its connected component. Labels are dense,
// 0..count-1, numbered in the order of each component's smallest node id, so
// the same graph always gets the same labels. An isolated node is a component
// of its own.
func Components(g *Graph) (label []uint32, count int) {
	return componentsWhere(g, nil)
}

// componentsWhere is Components over the arcs u→v for which same(u, v) holds,
// or over every arc when same is nil. It is union-find with path halving; the
// root of a set is always its smallest node, which makes the labelling one
// forward pass.
func componentsWhere(g *Graph, same func(u, v uint32) bool) ([]uint32, int) {
	n := g.Nodes()
	parent := make([]uint32, n)
	for u := range parent {
		parent[u] = uint32(u)
	}
	find := func(x uint32) uint32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for u := range n {
		uu := uint32(u)
		for i := g.Offsets[u]; i < g.Offsets[u+1]; i++ {
			v := g.Adj[i]
			// Each link is seen from both ends; one is enough.
			if v <= uu || (same != nil && !same(uu, v)) {
				continue
			}
			a, b := find(uu), find(v)
			switch {
			case a < b:
				parent[b] = a
			case b < a:
				parent[a] = b
			}
		}
	}
	// A parent is never larger than its child, so in increasing order a node's
	// parent has already been given its label in place; a root takes the next.
	count := 0
	for u := range n {
		if p := parent[u]; p == uint32(u) {
			parent[u] = uint32(count)
			count++
		} else {
			parent[u] = parent[p]
		}
	}
	return parent, count
}
