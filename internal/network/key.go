package network

import (
	"slices"

	"github.com/caselink/caselink/internal/network/graph"
)

// exactBetweenness is the size up to which betweenness is computed exactly;
// above it, from a sample of sources.
const exactBetweenness = 20_000

// betweennessSamples is how many sources a sampled betweenness uses.
const betweennessSamples = 2_000

// KeyPerson is a person with the measures that make them central.
type KeyPerson struct {
	Node        uint32
	Degree      uint32  // distinct neighbours of any kind
	Betweenness float64 // normalised as networkx does; sampled above 20,000 nodes
	PageRank    float64
}

// KeyPeople measures every person in g (a Graph of n) and returns the top
// people by betweenness, then PageRank, then degree. Betweenness is exact up
// to 20,000 nodes and estimated from 2,000 sampled sources above.
func KeyPeople(n *Network, g *graph.Graph, top int, seed uint64) ([]KeyPerson, error) {
	samples := 0
	if g.Nodes() > exactBetweenness {
		samples = betweennessSamples
	}
	bc := graph.Betweenness(g, samples, seed)
	pr, err := graph.PageRank(g, 0.85, 1e-9, 200)
	if err != nil {
		return nil, err
	}
	deg := graph.Degree(g)
	var out []KeyPerson
	for i := range n.Nodes {
		if n.Nodes[i].Kind == Person {
			out = append(out, KeyPerson{Node: uint32(i), Degree: deg[i], Betweenness: bc[i], PageRank: pr[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b KeyPerson) int {
		switch {
		case a.Betweenness != b.Betweenness:
			return cmpDesc(a.Betweenness, b.Betweenness)
		case a.PageRank != b.PageRank:
			return cmpDesc(a.PageRank, b.PageRank)
		}
		return int(b.Degree) - int(a.Degree)
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out, nil
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

// Path returns the shortest chain of links between two nodes over the link
// types allow admits (every type when allow is nil), as the nodes on it,
// ends included; nil if they are not connected.
func Path(n *Network, a, b uint32, allow func(LinkType) bool) ([]uint32, error) {
	g, err := n.Graph(nil)
	if err != nil {
		return nil, err
	}
	var keep func(uint8) bool
	if allow != nil {
		keep = func(t uint8) bool { return allow(LinkType(t)) }
	}
	return graph.ShortestPath(g, a, b, keep), nil
}

// LinksBetween returns the links joining two nodes.
func (n *Network) LinksBetween(a, b uint32) []*Link {
	if a > b {
		a, b = b, a
	}
	var out []*Link
	for t := CoSuspect; t <= LivesAt; t++ {
		if i, ok := n.links[linkKey{a, b, t}]; ok {
			out = append(out, &n.Links[i])
		}
	}
	return out
}
