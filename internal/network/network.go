// Package network builds the graph of resolved entities that the operation
// hunts groups in: people (with the parts they played), cases, phones,
// vehicles and places, joined by typed, dated links that each trace back to
// the cases they came from. It reads what linkage stored and never writes
// back. The kernels (components, communities, centrality, paths) are in
// network/graph.
package network

import (
	"context"
	"slices"
	"strings"

	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/network/graph"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Kind is what a node stands for.
type Kind uint8

const (
	Person Kind = iota
	Case
	Phone
	Vehicle
	Place
)

var kindNames = [...]string{"person", "case", "phone", "vehicle", "place"}

func (k Kind) String() string { return kindNames[k] }

// LinkType is what a link says.
type LinkType uint8

const (
	CoSuspect     LinkType = iota + 1 // two people suspected in one case
	SuspectVictim                     // a suspect and a victim of one case
	PartOf                            // a person and a case they played a part in
	UsedPhone                         // a person and a phone recorded as theirs
	Drove                             // a person and a vehicle recorded as theirs
	PresentAt                         // a person and a place (a venue) they are recorded at
	LivesAt                           // a person and the place they live
)

var linkNames = map[LinkType]string{
	CoSuspect: "co_suspect", SuspectVictim: "suspect_victim", PartOf: "part_of", UsedPhone: "used_phone",
	Drove: "drove", PresentAt: "present_at", LivesAt: "lives_at",
}

func (t LinkType) String() string { return linkNames[t] }

// Roles is the set of parts a person played across their cases.
type Roles uint8

const (
	AsSuspect Roles = 1 << iota
	AsVictim
	AsWitness
	AsOther
)

func roleBit(r pole.Role) Roles {
	switch r {
	case pole.RoleSuspect:
		return AsSuspect
	case pole.RoleVictim:
		return AsVictim
	case pole.RoleWitness:
		return AsWitness
	}
	return AsOther
}

// Node is one entity. Key is the entity id of a person, the id of a case,
// or the normalised key of a phone, vehicle or place. Label is what may be
// shown of it: a victim's pseudonym, never a victim's name.
type Node struct {
	Key    string
	Kind   Kind
	Label  string
	Roles  Roles    // people only
	Forces []string // people and cases: the forces whose records name them, sorted
	// Mentions are the person records behind a person.
	Mentions []string
}

// Link is one typed link between two nodes, with the cases that evidence
// it and the span of their offence dates.
type Link struct {
	A, B        uint32
	Type        LinkType
	First, Last pole.PartialDate
	Cases       []string
}

// Network is the whole graph.
type Network struct {
	Nodes []Node
	Links []Link
	index map[string]uint32 // kind/key -> node
	links map[linkKey]int
}

type linkKey struct {
	a, b uint32
	t    LinkType
}

// New returns an empty network, for Build or for a caller that assembles
// one from records it has read itself with AddPerson and AddCase.
func New() *Network {
	return &Network{index: map[string]uint32{}, links: map[linkKey]int{}}
}

// AddPerson adds a person record to the person node of key (an entity id,
// or "mention:ID" for a record not linked yet), creating it, and returns
// the node. A victim's record brings its pseudonym, which the node is then
// shown by, whatever record came first.
func (n *Network) AddPerson(key, pseudonym, force, mentionID string) uint32 {
	label := key
	if pseudonym != "" {
		label = pseudonym
	}
	i := n.node(Person, key, label)
	nd := &n.Nodes[i]
	if pseudonym != "" && !strings.HasPrefix(nd.Label, "V-") {
		nd.Label = pseudonym
	}
	nd.Mentions = append(nd.Mentions, mentionID)
	if !slices.Contains(nd.Forces, force) {
		nd.Forces = append(nd.Forces, force)
		slices.Sort(nd.Forces)
	}
	return i
}

// Part is the part a person node plays in a case.
type Part struct {
	Who  uint32
	Role pole.Role
}

// AddCase adds a case and the links its parts state: each person part of
// it, suspects with one another, and each suspect with each victim.
func (n *Network) AddCase(c *pole.Case, parts []Part) {
	ci := n.caseNode(c)
	var suspects, victims []uint32
	for _, p := range parts {
		n.Nodes[p.Who].Roles |= roleBit(p.Role)
		n.link(p.Who, ci, PartOf, c)
		switch p.Role {
		case pole.RoleSuspect:
			suspects = append(suspects, p.Who)
		case pole.RoleVictim:
			victims = append(victims, p.Who)
		}
	}
	for i, a := range suspects {
		for _, b := range suspects[i+1:] {
			n.link(a, b, CoSuspect, c)
		}
		for _, v := range victims {
			n.link(a, v, SuspectVictim, c)
		}
	}
}

func (n *Network) caseNode(c *pole.Case) uint32 {
	if i, ok := n.Find(Case, c.ID); ok {
		return i
	}
	i := n.node(Case, c.ID, c.Force+" "+c.CrimeRef)
	n.Nodes[i].Forces = []string{c.Force}
	return i
}

// Find returns the node of a kind with a key.
func (n *Network) Find(kind Kind, key string) (uint32, bool) {
	i, ok := n.index[kind.String()+"/"+key]
	return i, ok
}

func (n *Network) node(kind Kind, key, label string) uint32 {
	k := kind.String() + "/" + key
	if i, ok := n.index[k]; ok {
		return i
	}
	i := uint32(len(n.Nodes))
	n.Nodes = append(n.Nodes, Node{Key: key, Kind: kind, Label: label})
	n.index[k] = i
	return i
}

// link adds or strengthens the link of type t between a and b, evidenced
// by case c (may be nil).
func (n *Network) link(a, b uint32, t LinkType, c *pole.Case) {
	if a == b {
		return
	}
	if a > b {
		a, b = b, a
	}
	k := linkKey{a, b, t}
	i, ok := n.links[k]
	if !ok {
		i = len(n.Links)
		n.Links = append(n.Links, Link{A: a, B: b, Type: t})
		n.links[k] = i
	}
	if c == nil {
		return
	}
	l := &n.Links[i]
	if !slices.Contains(l.Cases, c.ID) {
		l.Cases = append(l.Cases, c.ID)
	}
	from, to := caseSpan(c)
	if !from.IsZero() && (l.First.IsZero() || from.Before(l.First)) {
		l.First = from
	}
	if !to.IsZero() && (l.Last.IsZero() || l.Last.Before(to)) {
		l.Last = to
	}
}

// caseSpan is when a case's offending happened, as far as it is known.
func caseSpan(c *pole.Case) (pole.PartialDate, pole.PartialDate) {
	from, to := c.OffenceFrom, c.OffenceTo
	if from.IsZero() {
		from = c.Recorded
	}
	if to.IsZero() {
		to = from
	}
	return from, to
}

// Graph returns the network's links as a graph for the kernels, keeping
// the links keep says yes to (all when keep is nil). Each link weighs the
// number of cases that evidence it, at least 1.
func (n *Network) Graph(keep func(*Link) bool) (*graph.Graph, error) {
	b := graph.NewBuilder(len(n.Nodes))
	for i := range n.Links {
		l := &n.Links[i]
		if keep != nil && !keep(l) {
			continue
		}
		b.AddEdge(l.A, l.B, uint8(l.Type), float64(max(1, len(l.Cases))))
	}
	return b.Build()
}

// Build reads the store and makes the network: a person node per linked
// person entity (or per person record not linked yet), a node per case,
// phone, vehicle and place, and the links their records state.
func Build(ctx context.Context, st *store.Store) (*Network, error) {
	const op = "network.Build"
	members, err := st.EntityMembers(ctx)
	if err != nil {
		return nil, pole.E(op, err)
	}
	cases, _, err := st.FindCases(ctx, pole.CaseFilter{})
	if err != nil {
		return nil, pole.E(op, err)
	}
	mentions, _, err := st.FindMentions(ctx, pole.MentionFilter{})
	if err != nil {
		return nil, pole.E(op, err)
	}
	involvements, err := st.FindInvolvements(ctx, "", "")
	if err != nil {
		return nil, pole.E(op, err)
	}
	n := New()
	caseByID := make(map[string]*pole.Case, len(cases))
	for _, c := range cases {
		caseByID[c.ID] = c
		n.caseNode(c)
	}
	person := func(m *pole.Mention) uint32 {
		key, ok := members[m.ID]
		if !ok {
			key = "mention:" + m.ID
		}
		return n.AddPerson(key, m.Pseudonym, m.Force, m.ID)
	}
	// The parts people play in cases: their own mentions', and the parts a
	// force's link table gives its nominal records.
	parts := map[string][]Part{}
	byID := make(map[string]uint32, len(mentions))
	for _, m := range mentions {
		p := person(m)
		byID[m.ID] = p
		if m.CaseID != "" {
			parts[m.CaseID] = append(parts[m.CaseID], Part{p, m.Role})
		}
	}
	for _, v := range involvements {
		if p, ok := byID[v.MentionID]; ok {
			parts[v.CaseID] = append(parts[v.CaseID], Part{p, v.Role})
		}
	}
	ids := make([]string, 0, len(parts))
	for id := range parts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if c := caseByID[id]; c != nil {
			n.AddCase(c, parts[id])
		}
	}
	// Phones, vehicles and places as each record states them. A sealed
	// record's places are sealed with it and stay out.
	for _, m := range mentions {
		p := byID[m.ID]
		c := caseByID[m.CaseID]
		for _, ph := range m.Phones {
			n.link(p, n.node(Phone, ph, ph), UsedPhone, c)
		}
		for _, v := range m.Vehicles {
			n.link(p, n.node(Vehicle, v, v), Drove, c)
		}
		for _, a := range m.Addresses {
			key := linkrun.PlaceKey(a)
			if key == "" {
				continue
			}
			t := PresentAt
			if a.Premises == "residence" || a.Premises == "" {
				t = LivesAt
			}
			label := a.Postcode
			if a.Premises != "" {
				label += " (" + a.Premises + ")"
			}
			n.link(p, n.node(Place, key, label), t, c)
		}
	}
	return n, nil
}
