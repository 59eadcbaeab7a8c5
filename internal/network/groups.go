package network

import (
	"slices"

	"github.com/caselink/caselink/internal/network/graph"
	"github.com/caselink/caselink/internal/pole"
)

// Association is a way two offenders are held to be associated.
type Association uint8

const (
	// CoOffending: suspected together in a case.
	CoOffending Association = 1 << iota
	// SharedVictim: suspected of offending against the same victim.
	SharedVictim
	// SharedPhone, SharedVehicle, SharedPlace: recorded with the same
	// phone, vehicle or venue.
	SharedPhone
	SharedVehicle
	SharedPlace
)

// GroupOptions says which associations make a group and over what time.
type GroupOptions struct {
	// Associations defaults to CoOffending|SharedVictim.
	Associations Association
	// From and To, when set, keep to links whose cases' offending overlaps
	// [From, To]; links of no known date are kept.
	From, To pole.PartialDate
	// MaxGroup is the size above which a connected set of offenders is
	// split into its Louvain communities; 0 means 40.
	MaxGroup int
	// Seed makes the community split repeatable.
	Seed uint64
}

// Group is a network as the national inquiry defined one: two or more
// associated offenders, with the victims, places, vehicles and phones
// around them.
type Group struct {
	Offenders []uint32
	Victims   []uint32
	Phones    []uint32
	Vehicles  []uint32
	Places    []uint32
	Cases     []uint32
	Forces    []string
	// First and Last span the offending of the cases that link them.
	First, Last pole.PartialDate
}

func (o GroupOptions) within(l *Link) bool {
	if l.First.IsZero() && l.Last.IsZero() {
		return true
	}
	if !o.To.IsZero() && o.To.Before(l.First) {
		return false
	}
	if !o.From.IsZero() && l.Last.Before(o.From) {
		return false
	}
	return true
}

// Groups finds the groups of the network: offenders (people suspected in
// at least one case) joined by the chosen associations within the time
// window, taken as connected sets of two or more; a set larger than
// MaxGroup is split into its communities (Louvain), each of two or more a
// group. Groups come largest first.
func Groups(n *Network, o GroupOptions) ([]Group, error) {
	if o.Associations == 0 {
		o.Associations = CoOffending | SharedVictim
	}
	if o.MaxGroup == 0 {
		o.MaxGroup = 40
	}
	// around[x] lists the offenders linked to a victim, phone, vehicle or
	// place x, for the shared associations.
	around := map[uint32][]uint32{}
	share := func(x, offender uint32) {
		if !slices.Contains(around[x], offender) {
			around[x] = append(around[x], offender)
		}
	}
	offender := func(i uint32) bool { return n.Nodes[i].Roles&AsSuspect != 0 }
	var co []Tie
	for i := range n.Links {
		l := &n.Links[i]
		if !o.within(l) {
			continue
		}
		switch l.Type {
		case CoSuspect:
			if o.Associations&CoOffending != 0 {
				co = append(co, Tie{l.A, l.B, float64(max(1, len(l.Cases)))})
			}
		case SuspectVictim:
			if o.Associations&SharedVictim != 0 {
				s, v := l.A, l.B
				if !offender(s) || n.Nodes[v].Roles&AsVictim == 0 {
					s, v = v, s
				}
				share(v, s)
			}
		case UsedPhone, Drove, PresentAt:
			want := map[LinkType]Association{UsedPhone: SharedPhone, Drove: SharedVehicle, PresentAt: SharedPlace}[l.Type]
			if o.Associations&want == 0 {
				continue
			}
			p, x := l.A, l.B
			if n.Nodes[p].Kind != Person {
				p, x = x, p
			}
			if offender(p) {
				share(x, p)
			}
		}
	}
	offenders := make([]bool, len(n.Nodes))
	for i := range n.Nodes {
		offenders[i] = offender(uint32(i))
	}
	shared := make([][]uint32, 0, len(around))
	for _, list := range around {
		shared = append(shared, list)
	}
	groups, err := FindGroups(offenders, co, shared, o.MaxGroup, o.Seed)
	if err != nil {
		return nil, err
	}
	inc := n.incidence()
	out := make([]Group, 0, len(groups))
	for _, members := range groups {
		out = append(out, n.describe(members, o, inc))
	}
	slices.SortStableFunc(out, func(a, b Group) int { return len(b.Offenders) - len(a.Offenders) })
	return out, nil
}

// Tie is an association of two offenders with its weight: the
// number of cases that show it.
type Tie struct {
	A, B   uint32
	Weight float64
}

// FindGroups finds groups among people 0..len(offender)-1: offenders
// joined by the pairs co (offending together, weighted by cases) and by
// sharing something in shared (each list the offenders around one victim,
// phone, vehicle or place, each named once), taken as connected sets of two
// or more; a set larger than maxGroup is split into its communities. It is
// Groups without the network around it, for callers that count people
// under linkages of their own.
func FindGroups(offender []bool, co []Tie, shared [][]uint32, maxGroup int, seed uint64) ([][]uint32, error) {
	b := graph.NewBuilder(len(offender))
	for _, a := range co {
		if a.A != a.B {
			b.AddEdge(a.A, a.B, uint8(CoSuspect), a.Weight)
		}
	}
	for _, list := range shared {
		// Offenders around one victim or object are joined to one another;
		// a star through the first keeps it linear for very common ones.
		if len(list) > 30 {
			for _, v := range list[1:] {
				b.AddEdge(list[0], v, 0, 1)
			}
			continue
		}
		for i, a := range list {
			for _, c := range list[i+1:] {
				b.AddEdge(a, c, 0, 1)
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		return nil, err
	}
	label, count := graph.Components(g)
	sets := make([][]uint32, count)
	for i, off := range offender {
		if off {
			sets[label[i]] = append(sets[label[i]], uint32(i))
		}
	}
	var groups [][]uint32
	for _, set := range sets {
		switch {
		case len(set) < 2:
		case len(set) <= maxGroup:
			groups = append(groups, set)
		default:
			groups = append(groups, split(g, set, seed)...)
		}
	}
	return groups, nil
}

// split divides a large connected set of offenders into its communities,
// keeping those of two or more.
func split(g *graph.Graph, set []uint32, seed uint64) [][]uint32 {
	local := make(map[uint32]uint32, len(set))
	for i, v := range set {
		local[v] = uint32(i)
	}
	b := graph.NewBuilder(len(set))
	for _, v := range set {
		for k := g.Offsets[v]; k < g.Offsets[v+1]; k++ {
			if w, ok := local[g.Adj[k]]; ok && local[v] < w {
				b.AddEdge(local[v], w, g.Type[k], float64(g.Weight[k]))
			}
		}
	}
	sub, err := b.Build()
	if err != nil {
		return [][]uint32{set}
	}
	label, count, _ := graph.Louvain(sub, 1, seed)
	parts := make([][]uint32, count)
	for i, v := range set {
		parts[label[i]] = append(parts[label[i]], v)
	}
	var out [][]uint32
	for _, p := range parts {
		if len(p) >= 2 {
			out = append(out, p)
		}
	}
	return out
}

// incidence lists each node's links by index, so that describing a group
// reads its members' links, not every link of the network.
func (n *Network) incidence() [][]int32 {
	inc := make([][]int32, len(n.Nodes))
	for i := range n.Links {
		l := &n.Links[i]
		inc[l.A] = append(inc[l.A], int32(i))
		inc[l.B] = append(inc[l.B], int32(i))
	}
	return inc
}

// describe gathers what surrounds a group's offenders.
func (n *Network) describe(members []uint32, o GroupOptions, inc [][]int32) Group {
	g := Group{Offenders: members}
	in := make(map[uint32]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	add := func(list *[]uint32, x uint32) {
		if !slices.Contains(*list, x) {
			*list = append(*list, x)
		}
	}
	forces := map[string]bool{}
	for _, m := range members {
		for _, li := range inc[m] {
			l := &n.Links[li]
			b := l.B
			if b == m {
				b = l.A
			}
			if !o.within(l) {
				continue
			}
			other := &n.Nodes[b]
			switch {
			case l.Type == SuspectVictim && !in[b]:
				add(&g.Victims, b)
			case l.Type == PartOf:
				add(&g.Cases, b)
				for _, f := range other.Forces {
					forces[f] = true
				}
				if !l.First.IsZero() && (g.First.IsZero() || l.First.Before(g.First)) {
					g.First = l.First
				}
				if !l.Last.IsZero() && (g.Last.IsZero() || g.Last.Before(l.Last)) {
					g.Last = l.Last
				}
			case l.Type == UsedPhone:
				add(&g.Phones, b)
			case l.Type == Drove:
				add(&g.Vehicles, b)
			case l.Type == PresentAt:
				add(&g.Places, b)
			}
		}
	}
	for _, m := range members {
		for _, f := range n.Nodes[m].Forces {
			forces[f] = true
		}
	}
	for f := range forces {
		g.Forces = append(g.Forces, f)
	}
	slices.Sort(g.Forces)
	for _, list := range [][]uint32{g.Victims, g.Phones, g.Vehicles, g.Places, g.Cases} {
		slices.Sort(list)
	}
	return g
}
