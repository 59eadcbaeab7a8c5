package graph

// ShortestPath returns the nodes of a path from a to b with the fewest hops,
// a and b included, using only links whose type allow accepts (every link if
// allow is nil), or nil if there is none or a node is out of range. A path
// from a node to itself is that node alone.
//
// Hops, not weights, measure the path: each hop is one piece of evidence an
// analyst must check, so fewer is better, and a weight is the strength of the
// evidence, not a distance. Among the paths with the fewest hops it returns
// the strongest: the one whose hops' weights (the allowed types of a hop
// summed) add up to most; remaining ties are broken the same way every time.
//
// It is a breadth-first search from both ends, a level at a time on the side
// with the smaller frontier, so on a small-world graph it reaches far fewer
// nodes than a search from one end.
func ShortestPath(g *Graph, a, b uint32, allow func(t uint8) bool) []uint32 {
	n := g.Nodes()
	if int64(a) >= int64(n) || int64(b) >= int64(n) {
		return nil
	}
	if a == b {
		return []uint32{a}
	}
	from, to := newPathSide(n, a), newPathSide(n, b)
	for len(from.front) > 0 && len(to.front) > 0 {
		x, y := from, to
		if len(to.front) < len(from.front) {
			x, y = to, from
		}
		met := x.expand(g, allow, y)
		if len(met) == 0 {
			continue
		}
		// Every shortest path crosses x's new level at a node y has reached,
		// and scores there are final: the best crossing is the best path.
		best := met[0]
		for _, m := range met[1:] {
			if s, t := from.score[m]+to.score[m], from.score[best]+to.score[best]; s > t || (s == t && m < best) {
				best = m
			}
		}
		var path []uint32
		for v := best; ; v = from.prev[v] {
			path = append(path, v)
			if v == a {
				break
			}
		}
		for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
			path[i], path[j] = path[j], path[i]
		}
		for v := best; v != b; {
			v = to.prev[v]
			path = append(path, v)
		}
		return path
	}
	return nil
}

// pathSide is one end's breadth-first search. dist is the distance plus one,
// so that the zero value means not reached; score is the weight of the
// strongest fewest-hop path from the end, and prev the step back along it.
type pathSide struct {
	dist  []uint32
	prev  []uint32
	score []float64
	front []uint32
}

func newPathSide(n int, start uint32) *pathSide {
	s := &pathSide{
		dist:  make([]uint32, n),
		prev:  make([]uint32, n),
		score: make([]float64, n),
		front: []uint32{start},
	}
	s.dist[start] = 1
	return s
}

// expand takes the search one level further and returns the nodes of the new
// level that the other side has reached.
func (s *pathSide) expand(g *Graph, allow func(uint8) bool, other *pathSide) []uint32 {
	var next, met []uint32
	for _, u := range s.front {
		du := s.dist[u] + 1
		lo, hi := g.Offsets[u], g.Offsets[u+1]
		for i := lo; i < hi; {
			v := g.Adj[i]
			var w float64
			allowed := false
			for ; i < hi && g.Adj[i] == v; i++ {
				if allow == nil || allow(g.Type[i]) {
					w += float64(g.Weight[i])
					allowed = true
				}
			}
			if !allowed {
				continue
			}
			switch {
			case s.dist[v] == 0:
				s.dist[v], s.prev[v], s.score[v] = du, u, s.score[u]+w
				next = append(next, v)
				if other.dist[v] != 0 {
					met = append(met, v)
				}
			case s.dist[v] == du && s.score[u]+w > s.score[v]:
				s.prev[v], s.score[v] = u, s.score[u]+w
			}
		}
	}
	s.front = next
	return met
}
