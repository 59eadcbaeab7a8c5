package network

import "slices"

// Findings are the questions analysts ask of the whole network.
type Findings struct {
	// VictimsOfSeveral are victims linked to two or more suspects.
	VictimsOfSeveral []Finding
	// ObjectsOfSeveral are phones, vehicles and places linked to two or
	// more victims: named in a victim's own record, or in the record of a
	// suspect in one of the victim's cases.
	ObjectsOfSeveral []Finding
	// CrossBorderGroups are the indexes, into the groups given, of the
	// groups whose records come from two or more forces.
	CrossBorderGroups []int
}

// Finding is one node and the people that make it a finding.
type Finding struct {
	Node   uint32
	People []uint32
}

// Find answers the analysts' standing questions over n and its groups.
func Find(n *Network, groups []Group) Findings {
	var f Findings
	suspectsOf := map[uint32][]uint32{} // victim -> suspects
	victimsOf := map[uint32][]uint32{}  // suspect -> victims
	objects := map[uint32][]uint32{}    // person -> phones, vehicles, places
	addTo := func(m map[uint32][]uint32, k, v uint32) {
		if !slices.Contains(m[k], v) {
			m[k] = append(m[k], v)
		}
	}
	for i := range n.Links {
		l := &n.Links[i]
		switch l.Type {
		case SuspectVictim:
			s, v := l.A, l.B
			if n.Nodes[v].Roles&AsVictim == 0 || (n.Nodes[s].Roles&AsSuspect == 0 && n.Nodes[v].Roles&AsSuspect != 0) {
				s, v = v, s
			}
			addTo(suspectsOf, v, s)
			addTo(victimsOf, s, v)
		case UsedPhone, Drove, PresentAt, LivesAt:
			p, x := l.A, l.B
			if n.Nodes[p].Kind != Person {
				p, x = x, p
			}
			addTo(objects, p, x)
		}
	}
	for v, s := range suspectsOf {
		if len(s) >= 2 {
			slices.Sort(s)
			f.VictimsOfSeveral = append(f.VictimsOfSeveral, Finding{Node: v, People: s})
		}
	}
	victimsAt := map[uint32][]uint32{}
	for p, xs := range objects {
		var reached []uint32
		if n.Nodes[p].Roles&AsVictim != 0 {
			reached = append(reached, p)
		}
		reached = append(reached, victimsOf[p]...)
		for _, x := range xs {
			for _, v := range reached {
				addTo(victimsAt, x, v)
			}
		}
	}
	for x, vs := range victimsAt {
		if len(vs) >= 2 {
			slices.Sort(vs)
			f.ObjectsOfSeveral = append(f.ObjectsOfSeveral, Finding{Node: x, People: vs})
		}
	}
	for i, g := range groups {
		if len(g.Forces) >= 2 {
			f.CrossBorderGroups = append(f.CrossBorderGroups, i)
		}
	}
	byMost := func(a, b Finding) int {
		if len(a.People) != len(b.People) {
			return len(b.People) - len(a.People)
		}
		return int(a.Node) - int(b.Node)
	}
	slices.SortFunc(f.VictimsOfSeveral, byMost)
	slices.SortFunc(f.ObjectsOfSeveral, byMost)
	return f
}
