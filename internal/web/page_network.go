package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/network"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// NetworkPurpose is the purpose a network request is recorded with when it
// gives none.
const NetworkPurpose = "finding groups and their links across forces"

// maxViewNodes bounds what the network view draws: beyond it a picture
// stops being readable, and the user narrows the links or the time.
const maxViewNodes = 400

// netCache is the network of the latest link run, built once per run: a
// national network takes seconds to build, a view of it microseconds.
type netCache struct {
	mu     sync.Mutex
	run    string
	n      *network.Network
	adj    [][]int32 // each node's links
	groups map[network.GroupOptions][]network.Group
	// idle lets the network go after netIdle unused: at a million records
	// it holds gigabytes.
	idle *time.Timer
}

// netIdle is how long the network stays in memory after its last use.
const netIdle = 15 * time.Minute

// drop lets the network go, to be built again when next asked for.
func (c *netCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n, c.adj, c.groups, c.run = nil, nil, nil, ""
}

// used puts off dropping the network; c.mu is held.
func (c *netCache) used() {
	if c.idle == nil {
		c.idle = time.AfterFunc(netIdle, c.drop)
		return
	}
	c.idle.Reset(netIdle)
}

// get is the network of the latest link run, built if the run is new.
func (c *netCache) get(ctx context.Context, st *store.Store) (*network.Network, [][]int32, error) {
	run := ""
	switch lr, err := st.LatestLinkRun(ctx); {
	case err == nil:
		run = lr.ID
	case pole.ErrorCode(err) != pole.ENOTFOUND:
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used()
	if c.n != nil && c.run == run {
		return c.n, c.adj, nil
	}
	n, err := network.Build(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	adj := make([][]int32, len(n.Nodes))
	for i, l := range n.Links {
		adj[l.A] = append(adj[l.A], int32(i))
		adj[l.B] = append(adj[l.B], int32(i))
	}
	c.n, c.adj, c.run, c.groups = n, adj, run, map[network.GroupOptions][]network.Group{}
	return n, adj, nil
}

// groupsOf are the network's groups under o, found once per run.
func (c *netCache) groupsOf(n *network.Network, o network.GroupOptions) ([]network.Group, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used()
	if gs, ok := c.groups[o]; ok && c.n == n {
		return gs, nil
	}
	gs, err := network.Groups(n, o)
	if err != nil {
		return nil, err
	}
	if c.n == n && c.groups != nil {
		c.groups[o] = gs
	}
	return gs, nil
}

// netQuery is what a network view shows: a person's neighbourhood or a
// group, over the link types and the time the user picked.
type netQuery struct {
	Person string
	Group  int // 1-based, as the groups page numbers them
	Depth  int
	Types  []string
	From   string
	To     string
	Assoc  []string // what makes a group
	from   pole.PartialDate
	to     pole.PartialDate
	types  map[network.LinkType]bool
	opts   network.GroupOptions
}

var linkTypes = []network.LinkType{network.CoSuspect, network.SuspectVictim, network.PartOf, network.UsedPhone, network.Drove, network.PresentAt, network.LivesAt}

var associations = []struct {
	name string
	a    network.Association
}{
	{"co_offending", network.CoOffending}, {"shared_victim", network.SharedVictim}, {"shared_phone", network.SharedPhone},
	{"shared_vehicle", network.SharedVehicle}, {"shared_place", network.SharedPlace},
}

// readNetQuery reads and checks a network request's query; the route's
// own parameters, extra, are left in q for it to read.
func readNetQuery(r *http.Request, extra ...string) (nq netQuery, q *query, err error) {
	q = readQuery(r, append([]string{"person", "group", "depth", "links*", "from", "to", "assoc*"}, extra...)...)
	nq, err = q.net()
	return nq, q, err
}

// net reads the network parameters of q.
func (q *query) net() (netQuery, error) {
	nq := netQuery{Person: q.str("person"), Depth: q.integer("depth", 2, 3), From: q.str("from"), To: q.str("to"), Group: q.integer("group", 0, 1<<20)}
	if q.err != nil {
		return nq, q.err
	}
	nq.Types = q.q["links"]
	if len(nq.Types) == 0 {
		for _, t := range linkTypes {
			nq.Types = append(nq.Types, t.String())
		}
	}
	nq.types = map[network.LinkType]bool{}
	for _, name := range nq.Types {
		k := slices.IndexFunc(linkTypes, func(t network.LinkType) bool { return t.String() == name })
		if k < 0 {
			return nq, badRequest("links", "%q is not a link type", name)
		}
		nq.types[linkTypes[k]] = true
	}
	nq.Assoc = q.q["assoc"]
	if len(nq.Assoc) == 0 {
		nq.Assoc = []string{"co_offending", "shared_victim"}
	}
	for _, name := range nq.Assoc {
		k := slices.IndexFunc(associations, func(a struct {
			name string
			a    network.Association
		}) bool {
			return a.name == name
		})
		if k < 0 {
			return nq, badRequest("assoc", "%q is not an association", name)
		}
		nq.opts.Associations |= associations[k].a
	}
	for _, d := range []struct {
		field, v string
		to       *pole.PartialDate
	}{{"from", nq.From, &nq.from}, {"to", nq.To, &nq.to}} {
		if d.v == "" {
			continue
		}
		pd, err := pole.ParsePartialDate(d.v)
		if err != nil {
			return nq, badRequest(d.field, "%q is not a date (2010, 2010-06 or 2010-06-01)", d.v)
		}
		*d.to = pd
	}
	nq.opts.From, nq.opts.To, nq.opts.Seed = nq.from, nq.to, 1
	if nq.Person != "" && nq.Group != 0 {
		return nq, badRequest("group", "show a person or a group, not both")
	}
	return nq, nil
}

// values is the query again, for links that keep it.
func (nq netQuery) values() url.Values {
	v := url.Values{"links": nq.Types, "assoc": nq.Assoc}
	if nq.Person != "" {
		v.Set("person", nq.Person)
		v.Set("depth", strconv.Itoa(nq.Depth))
	}
	if nq.Group != 0 {
		v.Set("group", strconv.Itoa(nq.Group))
	}
	if nq.From != "" {
		v.Set("from", nq.From)
	}
	if nq.To != "" {
		v.Set("to", nq.To)
	}
	return v
}

// keeps says whether a link passes the user's filter: its type picked, and
// its dates overlapping the window (a link of no known date is kept).
func (nq netQuery) keeps(l *network.Link) bool {
	if !nq.types[l.Type] {
		return false
	}
	if !nq.from.IsZero() && !l.Last.IsZero() && l.Last.Before(nq.from) {
		return false
	}
	if !nq.to.IsZero() && !l.First.IsZero() && nq.to.Before(l.First) {
		return false
	}
	return true
}

// netView is a selection of the network: its nodes, and the links among
// them that pass the filter. Names labels the people who are not victims
// by the name on one of their records, read through the guard.
type netView struct {
	Nodes     []uint32
	Links     []int32
	Truncated bool
	Names     map[uint32]string
}

// national authorises a network request: the network joins every force's
// records, so it is for roles that reach every force.
func (a *api) national(ctx context.Context, rq access.Request, act access.Action) error {
	reach, err := a.guard.AuthorizeList(ctx, rq, act, "network")
	if err != nil {
		return err
	}
	if reach.Forces != nil {
		return pole.Errorf(pole.EFORBIDDEN, "the network joins every force's records; it is for the national team")
	}
	return nil
}

// selectView picks the nodes and links a query asks for, and records the
// combination in the audit log.
func (a *api) selectView(ctx context.Context, rq access.Request, act access.Action, nq netQuery) (*network.Network, netView, error) {
	var v netView
	if err := a.national(ctx, rq, act); err != nil {
		return nil, v, err
	}
	n, adj, err := a.net.get(ctx, a.st)
	if err != nil {
		return nil, v, err
	}
	in := map[uint32]bool{}
	switch {
	case nq.Person != "":
		start, ok := n.Find(network.Person, nq.Person)
		if !ok {
			return nil, v, pole.Errorf(pole.ENOTFOUND, "no person %s in the network (linked people only: run 'caselink link')", nq.Person)
		}
		in[start] = true
		v.Nodes = append(v.Nodes, start)
		frontier := []uint32{start}
		for d := 0; d < nq.Depth && len(frontier) > 0 && !v.Truncated; d++ {
			var next []uint32
			for _, x := range frontier {
				for _, li := range adj[x] {
					l := &n.Links[li]
					if !nq.keeps(l) {
						continue
					}
					y := l.A
					if y == x {
						y = l.B
					}
					if in[y] {
						continue
					}
					if len(v.Nodes) >= maxViewNodes {
						v.Truncated = true
						break
					}
					in[y] = true
					v.Nodes = append(v.Nodes, y)
					next = append(next, y)
				}
			}
			frontier = next
		}
	case nq.Group != 0:
		groups, err := a.net.groupsOf(n, nq.opts)
		if err != nil {
			return nil, v, err
		}
		if nq.Group > len(groups) {
			return nil, v, pole.Errorf(pole.ENOTFOUND, "no group %d: there are %d under these links and dates", nq.Group, len(groups))
		}
		g := groups[nq.Group-1]
		for _, part := range [][]uint32{g.Offenders, g.Victims, g.Cases, g.Phones, g.Vehicles, g.Places} {
			for _, x := range part {
				if !in[x] && len(v.Nodes) < maxViewNodes {
					in[x] = true
					v.Nodes = append(v.Nodes, x)
				} else if !in[x] {
					v.Truncated = true
				}
			}
		}
	default:
		return nil, v, badRequest("person", "name a person (person=ENTITY) or a group (group=N)")
	}
	for _, x := range v.Nodes {
		for _, li := range adj[x] {
			l := &n.Links[li]
			other := l.A
			if other == x {
				other = l.B
			}
			// Each link once, from its lower end.
			if in[other] && x == min(l.A, l.B) && nq.keeps(l) {
				v.Links = append(v.Links, li)
			}
		}
	}
	var people []string
	first := map[string]uint32{} // a record of each person not shown by pseudonym
	for _, x := range v.Nodes {
		nd := &n.Nodes[x]
		if nd.Kind != network.Person {
			continue
		}
		people = append(people, nd.Key)
		if nd.Roles&network.AsVictim == 0 && len(nd.Mentions) > 0 && !strings.HasPrefix(nd.Label, "V-") {
			first[nd.Mentions[0]] = x
		}
	}
	if len(first) > 0 {
		ids := make([]string, 0, len(first))
		for id := range first {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		res, err := a.guard.FindPeople(ctx, rq, access.PersonRead, ids, "names in a network view")
		if err != nil {
			return nil, v, err
		}
		v.Names = map[uint32]string{}
		for _, m := range res.Mentions {
			if name := strings.TrimSpace(m.Forename + " " + m.Surname); m.Pseudonym == "" && name != "" {
				v.Names[first[m.ID]] = name
			}
		}
	}
	detail := fmt.Sprintf("network view: %d nodes, %d links (%s)", len(v.Nodes), len(v.Links), nq.values().Encode())
	if len(people) > 0 {
		if err := a.guard.Note(ctx, rq, audit.Combination, "entity", people, detail); err != nil {
			return nil, v, err
		}
	}
	return n, v, nil
}

// networkPage is the network view's page data.
type networkPage struct {
	Q netQuery
	// Query is the view's query string, url-encoded here.
	Query     template.URL
	Types     []string
	Assocs    []string
	Nodes     []netNodeJSON
	Links     []netLinkJSON
	Truncated bool
	CanExport bool
}

// networkView is GET /network: a person's neighbourhood or a group as an
// interactive graph (static/network.js draws it from /api/network), with
// the same nodes and links as tables for a screen reader or a keyboard.
func (a *api) networkView(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	nq, _, err := readNetQuery(r)
	if err != nil {
		return nil, err
	}
	n, v, err := a.selectView(r.Context(), rq, access.NetworkRead, nq)
	if err != nil {
		return nil, err
	}
	out := toNetJSON(n, v)
	p := networkPage{Q: nq, Query: template.URL(nq.values().Encode()), Nodes: out.Nodes, Links: out.Links, Truncated: v.Truncated,
		CanExport: access.Decide(rq.Principal, access.NetworkExport, access.Resource{Kind: "network"}).Allowed}
	for _, t := range linkTypes {
		p.Types = append(p.Types, t.String())
	}
	for _, as := range associations {
		p.Assocs = append(p.Assocs, as.name)
	}
	title := "Network of group " + strconv.Itoa(nq.Group)
	if nq.Person != "" {
		title = "Network around person " + shortID(nq.Person)
	}
	return &view{Page: "network", Title: title, Data: p}, nil
}

// netJSON is the network view's data, as /api/network answers it.
type netJSON struct {
	Nodes     []netNodeJSON `json:"nodes"`
	Links     []netLinkJSON `json:"links"`
	Truncated bool          `json:"truncated"`
}

type netNodeJSON struct {
	ID     string   `json:"id"`
	Key    string   `json:"key"`
	Kind   string   `json:"kind"`
	Label  string   `json:"label"`
	Roles  []string `json:"roles"`
	Forces []string `json:"forces"`
	Href   string   `json:"href,omitempty"`
}

type netLinkJSON struct {
	Source string   `json:"source"`
	Target string   `json:"target"`
	Type   string   `json:"type"`
	First  string   `json:"first,omitempty"`
	Last   string   `json:"last,omitempty"`
	Cases  []string `json:"cases"`
}

var roleNames = []struct {
	r    network.Roles
	name string
}{{network.AsSuspect, "suspect"}, {network.AsVictim, "victim"}, {network.AsWitness, "witness"}, {network.AsOther, "other"}}

func toNetJSON(n *network.Network, v netView) netJSON {
	out := netJSON{Nodes: []netNodeJSON{}, Links: []netLinkJSON{}, Truncated: v.Truncated}
	for _, x := range v.Nodes {
		nd := &n.Nodes[x]
		j := netNodeJSON{ID: "n" + strconv.Itoa(int(x)), Key: nd.Key, Kind: nd.Kind.String(), Label: nd.Label, Roles: []string{}, Forces: nd.Forces}
		if name, ok := v.Names[x]; ok {
			j.Label = name
		}
		if j.Forces == nil {
			j.Forces = []string{}
		}
		for _, rn := range roleNames {
			if nd.Roles&rn.r != 0 {
				j.Roles = append(j.Roles, rn.name)
			}
		}
		switch {
		case nd.Kind == network.Person && !strings.HasPrefix(nd.Key, "mention:"):
			j.Href = "/people/" + nd.Key
		case nd.Kind == network.Case:
			j.Href = "/cases/" + nd.Key
		}
		out.Nodes = append(out.Nodes, j)
	}
	for _, li := range v.Links {
		l := &n.Links[li]
		j := netLinkJSON{Source: "n" + strconv.Itoa(int(l.A)), Target: "n" + strconv.Itoa(int(l.B)), Type: l.Type.String(), Cases: l.Cases}
		if j.Cases == nil {
			j.Cases = []string{}
		}
		if !l.First.IsZero() {
			j.First = l.First.String()
		}
		if !l.Last.IsZero() {
			j.Last = l.Last.String()
		}
		out.Links = append(out.Links, j)
	}
	return out
}

// networkJSON is GET /api/network: the data of the network view.
func (a *api) networkJSON(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	nq, _, err := readNetQuery(r)
	if err != nil {
		return err
	}
	n, v, err := a.selectView(r.Context(), rq, access.NetworkRead, nq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toNetJSON(n, v))
	return nil
}

var netExports = map[string]struct {
	write      func(*bytes.Buffer, *network.Network, *network.View) error
	ext, ctype string
}{
	"graphml": {func(b *bytes.Buffer, n *network.Network, v *network.View) error { return network.WriteGraphML(b, n, v) }, "graphml", "application/graphml+xml"},
	"gexf":    {func(b *bytes.Buffer, n *network.Network, v *network.View) error { return network.WriteGEXF(b, n, v) }, "gexf", "application/gexf+xml"},
	"i2":      {func(b *bytes.Buffer, n *network.Network, v *network.View) error { return network.WriteI2(b, n, v) }, "csv", "text/csv; charset=utf-8"},
	"json":    {func(b *bytes.Buffer, n *network.Network, v *network.View) error { return network.WriteJSON(b, n, v) }, "json", "application/json"},
}

// networkExport is GET /api/network/export: the view as a file for
// Gephi, networkx, i2 Analyst's Notebook or another tool. Victims are
// their pseudonyms, as everywhere.
func (a *api) networkExport(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	nq, q, err := readNetQuery(r, "format")
	if err != nil {
		return err
	}
	format := q.str("format")
	ex, ok := netExports[format]
	if !ok {
		return badRequest("format", "%q: give graphml, gexf, i2 or json", format)
	}
	n, v, err := a.selectView(r.Context(), rq, access.NetworkExport, nq)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := ex.write(&b, n, &network.View{Nodes: v.Nodes}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ex.ctype)
	h.Set("Content-Disposition", `attachment; filename="caselink-network.`+ex.ext+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
	return nil
}

// groupsPage lists the groups under the user's associations and dates.
type groupsPage struct {
	Q      netQuery
	Member string // the person whose groups these are, if one was asked
	Assocs []string
	Groups []groupRow
	// Total is how many groups there are; Groups are those from Offset,
	// at most groupsPerPage of them.
	Total, Offset int
	Prev, Next    template.URL
}

// groupsPerPage is how many groups the groups page lists at once: a
// national network has tens of thousands.
const groupsPerPage = 100

type groupRow struct {
	N                         int
	Offenders, Victims, Cases int
	Phones, Vehicles, Places  int
	Forces                    []string
	First, Last               pole.PartialDate
	Query                     template.URL
}

// groups is GET /groups: the groups (two or more associated offenders)
// with what they span, each opening as a network.
// With member, only the groups that person is in, as offender or victim.
func (a *api) groups(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	nq, q, err := readNetQuery(r, "member", "offset")
	if err != nil {
		return nil, err
	}
	member, offset := q.str("member"), q.integer("offset", 0, 1<<31-1)
	if q.err != nil {
		return nil, q.err
	}
	ctx := r.Context()
	if err := a.national(ctx, rq, access.NetworkRead); err != nil {
		return nil, err
	}
	n, _, err := a.net.get(ctx, a.st)
	if err != nil {
		return nil, err
	}
	gs, err := a.net.groupsOf(n, nq.opts)
	if err != nil {
		return nil, err
	}
	p := groupsPage{Q: nq, Member: member}
	for _, as := range associations {
		p.Assocs = append(p.Assocs, as.name)
	}
	var who uint32
	if member != "" {
		var ok bool
		if who, ok = n.Find(network.Person, member); !ok {
			return nil, pole.Errorf(pole.ENOTFOUND, "no person %s in the network (linked people only)", member)
		}
	}
	var people []string
	p.Offset = offset
	for i, g := range gs {
		if member != "" && !slices.Contains(g.Offenders, who) && !slices.Contains(g.Victims, who) {
			continue
		}
		p.Total++
		if p.Total <= offset || len(p.Groups) == groupsPerPage {
			continue
		}
		q := nq
		q.Group, q.Person = i+1, ""
		p.Groups = append(p.Groups, groupRow{N: i + 1, Offenders: len(g.Offenders), Victims: len(g.Victims), Cases: len(g.Cases),
			Phones: len(g.Phones), Vehicles: len(g.Vehicles), Places: len(g.Places), Forces: g.Forces, First: g.First, Last: g.Last,
			Query: template.URL(q.values().Encode())})
		for _, x := range g.Offenders {
			people = append(people, n.Nodes[x].Key)
		}
	}
	if len(people) > 0 {
		if err := a.guard.Note(ctx, rq, audit.Combination, "entity", people, fmt.Sprintf("network groups: %d of %d groups", len(p.Groups), len(gs))); err != nil {
			return nil, err
		}
	}
	page := func(at int) template.URL {
		v := nq.values()
		v.Del("person")
		v.Del("depth")
		v.Del("group")
		if member != "" {
			v.Set("member", member)
		}
		v.Set("offset", strconv.Itoa(at))
		return template.URL("/groups?" + v.Encode())
	}
	if offset > 0 {
		p.Prev = page(max(offset-groupsPerPage, 0))
	}
	if offset+len(p.Groups) < p.Total {
		p.Next = page(offset + len(p.Groups))
	}
	return &view{Page: "groups", Title: "Groups", Data: p}, nil
}
