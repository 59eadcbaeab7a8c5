package network

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// The exports give the analysts' tools (Gephi, networkx, i2 Analyst's
// Notebook, the web view) a node's kind, label, roles and forces and a
// link's type, weight, dates and cases. A node's Mentions, the person
// records behind it, never leave: they lead to names.

// View is the part of a network an export covers: the nodes listed and
// every link whose two ends are both listed. A nil *View is the whole
// network; a View listing no nodes covers nothing, so that an empty
// selection never widens into everything.
type View struct {
	Nodes []uint32
}

// picked is what a view keeps of a network, nodes and links each in the
// network's order, so that an export's ids ("n" or "e" and the index in
// the network) name the same node or link in every export of a network.
type picked struct {
	nodes []uint32
	links []int
}

func (v *View) pick(n *Network) (picked, error) {
	var p picked
	all := v == nil
	var in []bool
	if all {
		p.nodes = make([]uint32, len(n.Nodes))
		for i := range p.nodes {
			p.nodes[i] = uint32(i)
		}
	} else {
		in = make([]bool, len(n.Nodes))
		for _, i := range v.Nodes {
			if int(i) >= len(n.Nodes) {
				return picked{}, pole.Invalid("view", "node %d is not in the network of %d nodes", i, len(n.Nodes))
			}
			in[i] = true
		}
		for i, ok := range in {
			if ok {
				p.nodes = append(p.nodes, uint32(i))
			}
		}
	}
	for i := range n.Links {
		l := &n.Links[i]
		if int(l.A) >= len(n.Nodes) || int(l.B) >= len(n.Nodes) {
			return picked{}, fmt.Errorf("link %d joins node %d and %d, and the network has %d nodes", i, l.A, l.B, len(n.Nodes))
		}
		if all || in[l.A] && in[l.B] {
			p.links = append(p.links, i)
		}
	}
	return p, nil
}

func nodeID(i uint32) string { return "n" + strconv.FormatUint(uint64(i), 10) }

func linkID(i int) string { return "e" + strconv.Itoa(i) }

// roleNames lists the parts in r: suspect, victim, witness, other.
func roleNames(r Roles) []string {
	var out []string
	for i, name := range [...]string{"suspect", "victim", "witness", "other"} {
		if r&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// weight is what a link weighs in the graph formats: the number of cases
// that evidence it, at least 1, as Network.Graph weighs it for the
// kernels, so that a tool's communities or centrality can be compared
// with caselink's. The cases themselves go with it.
func weight(l *Link) int { return max(1, len(l.Cases)) }

const (
	graphmlNS = "http://graphml.graphdrawing.org/xmlns"
	gexfNS    = "http://gexf.net/1.3"
	xsiNS     = "http://www.w3.org/2001/XMLSchema-instance"
)

// schemaAttrs names the XML Schema namespace and where the schema of
// namespace ns is, for validators.
func schemaAttrs(ns, xsd string) []xml.Attr {
	return []xml.Attr{
		{Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNS},
		{Name: xml.Name{Local: "xsi:schemaLocation"}, Value: ns + " " + xsd},
	}
}

type graphmlKey struct {
	XMLName xml.Name `xml:"key"`
	ID      string   `xml:"id,attr"`
	For     string   `xml:"for,attr"`
	Name    string   `xml:"attr.name,attr"`
	Type    string   `xml:"attr.type,attr"`
}

type graphmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type graphmlNode struct {
	XMLName xml.Name      `xml:"node"`
	ID      string        `xml:"id,attr"`
	Data    []graphmlData `xml:"data"`
}

type graphmlEdge struct {
	XMLName xml.Name      `xml:"edge"`
	ID      string        `xml:"id,attr"`
	Source  string        `xml:"source,attr"`
	Target  string        `xml:"target,attr"`
	Data    []graphmlData `xml:"data"`
}

// WriteGraphML writes the part of n that view covers (nil: all of it) as
// an undirected GraphML 1.0 graph. A node's id is "n" and its index in n,
// a link's "e" and its index; nodes carry kind, label, roles (a comma list
// of suspect, victim, witness, other) and forces (a comma list), and edges
// type, weight (an int: the number of cases that evidence the link, at
// least 1, as Network.Graph weighs it), first and last (ISO dates, as
// precise as known) and cases (a comma list of case ids). A value not known is left
// out. Two nodes may be joined by links of different types, so readers
// that keep parallel edges (networkx does) see each.
func WriteGraphML(w io.Writer, n *Network, view *View) error {
	const op = "network.WriteGraphML"
	p, err := view.pick(n)
	if err != nil {
		return pole.E(op, err)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	root := xml.StartElement{
		Name: xml.Name{Space: graphmlNS, Local: "graphml"},
		Attr: schemaAttrs(graphmlNS, "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"),
	}
	graph := xml.StartElement{
		Name: xml.Name{Local: "graph"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "id"}, Value: "G"}, {Name: xml.Name{Local: "edgedefault"}, Value: "undirected"}},
	}
	keys := []graphmlKey{
		{ID: "kind", For: "node", Name: "kind", Type: "string"},
		{ID: "label", For: "node", Name: "label", Type: "string"},
		{ID: "roles", For: "node", Name: "roles", Type: "string"},
		{ID: "forces", For: "node", Name: "forces", Type: "string"},
		{ID: "type", For: "edge", Name: "type", Type: "string"},
		{ID: "weight", For: "edge", Name: "weight", Type: "int"},
		{ID: "first", For: "edge", Name: "first", Type: "string"},
		{ID: "last", For: "edge", Name: "last", Type: "string"},
		{ID: "cases", For: "edge", Name: "cases", Type: "string"},
	}
	var data []graphmlData
	add := func(key, value string) {
		if value != "" {
			data = append(data, graphmlData{Key: key, Value: value})
		}
	}
	write := func() error {
		if err := enc.EncodeToken(root); err != nil {
			return err
		}
		for _, k := range keys {
			if err := enc.Encode(k); err != nil {
				return err
			}
		}
		if err := enc.EncodeToken(graph); err != nil {
			return err
		}
		for _, i := range p.nodes {
			nd := &n.Nodes[i]
			data = data[:0]
			add("kind", nd.Kind.String())
			add("label", nd.Label)
			add("roles", strings.Join(roleNames(nd.Roles), ","))
			add("forces", strings.Join(nd.Forces, ","))
			if err := enc.Encode(graphmlNode{ID: nodeID(i), Data: data}); err != nil {
				return err
			}
		}
		for _, i := range p.links {
			l := &n.Links[i]
			data = data[:0]
			add("type", l.Type.String())
			add("weight", strconv.Itoa(weight(l)))
			add("first", l.First.String())
			add("last", l.Last.String())
			add("cases", strings.Join(l.Cases, ","))
			e := graphmlEdge{ID: linkID(i), Source: nodeID(l.A), Target: nodeID(l.B), Data: data}
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		if err := enc.EncodeToken(graph.End()); err != nil {
			return err
		}
		if err := enc.EncodeToken(root.End()); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		bw.WriteString("\n")
		return bw.Flush()
	}
	return pole.E(op, write())
}

type gexfAttribute struct {
	XMLName xml.Name `xml:"attribute"`
	ID      string   `xml:"id,attr"`
	Title   string   `xml:"title,attr"`
	Type    string   `xml:"type,attr"`
}

type gexfAttributes struct {
	XMLName    xml.Name        `xml:"attributes"`
	Class      string          `xml:"class,attr"`
	Attributes []gexfAttribute `xml:"attribute"`
}

type gexfValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

type gexfNode struct {
	XMLName xml.Name    `xml:"node"`
	ID      string      `xml:"id,attr"`
	Label   string      `xml:"label,attr,omitempty"`
	Values  []gexfValue `xml:"attvalues>attvalue,omitempty"`
}

type gexfEdge struct {
	XMLName xml.Name    `xml:"edge"`
	ID      string      `xml:"id,attr"`
	Source  string      `xml:"source,attr"`
	Target  string      `xml:"target,attr"`
	Kind    string      `xml:"kind,attr"`
	Label   string      `xml:"label,attr"`
	Weight  int         `xml:"weight,attr"`
	Values  []gexfValue `xml:"attvalues>attvalue,omitempty"`
}

// WriteGEXF writes the part of n that view covers (nil: all of it) as an
// undirected, static GEXF 1.3 graph, with the ids WriteGraphML gives. A
// node's label and an edge's weight are GEXF's own label and weight; the
// other fields are declared attributes: kind, roles and forces of nodes,
// type, first, last and cases of edges, strings as WriteGraphML writes
// them. An edge's kind and label are also its link type, so that Gephi
// keeps two links of different types between one pair apart rather than
// merging them. A value not known is left out.
func WriteGEXF(w io.Writer, n *Network, view *View) error {
	const op = "network.WriteGEXF"
	p, err := view.pick(n)
	if err != nil {
		return pole.E(op, err)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	root := xml.StartElement{
		Name: xml.Name{Space: gexfNS, Local: "gexf"},
		Attr: append(schemaAttrs(gexfNS, "http://gexf.net/1.3/gexf.xsd"), xml.Attr{Name: xml.Name{Local: "version"}, Value: "1.3"}),
	}
	meta := struct {
		XMLName xml.Name `xml:"meta"`
		Creator string   `xml:"creator"`
	}{Creator: "caselink"}
	graph := xml.StartElement{
		Name: xml.Name{Local: "graph"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "mode"}, Value: "static"}, {Name: xml.Name{Local: "defaultedgetype"}, Value: "undirected"}},
	}
	attributes := []gexfAttributes{
		{Class: "node", Attributes: []gexfAttribute{
			{ID: "kind", Title: "kind", Type: "string"},
			{ID: "roles", Title: "roles", Type: "string"},
			{ID: "forces", Title: "forces", Type: "string"},
		}},
		{Class: "edge", Attributes: []gexfAttribute{
			{ID: "type", Title: "type", Type: "string"},
			{ID: "first", Title: "first", Type: "string"},
			{ID: "last", Title: "last", Type: "string"},
			{ID: "cases", Title: "cases", Type: "string"},
		}},
	}
	nodes, edges := xml.StartElement{Name: xml.Name{Local: "nodes"}}, xml.StartElement{Name: xml.Name{Local: "edges"}}
	var values []gexfValue
	add := func(attr, value string) {
		if value != "" {
			values = append(values, gexfValue{For: attr, Value: value})
		}
	}
	write := func() error {
		if err := enc.EncodeToken(root); err != nil {
			return err
		}
		if err := enc.Encode(meta); err != nil {
			return err
		}
		if err := enc.EncodeToken(graph); err != nil {
			return err
		}
		for _, a := range attributes {
			if err := enc.Encode(a); err != nil {
				return err
			}
		}
		if err := enc.EncodeToken(nodes); err != nil {
			return err
		}
		for _, i := range p.nodes {
			nd := &n.Nodes[i]
			values = values[:0]
			add("kind", nd.Kind.String())
			add("roles", strings.Join(roleNames(nd.Roles), ","))
			add("forces", strings.Join(nd.Forces, ","))
			if err := enc.Encode(gexfNode{ID: nodeID(i), Label: nd.Label, Values: values}); err != nil {
				return err
			}
		}
		if err := enc.EncodeToken(nodes.End()); err != nil {
			return err
		}
		if err := enc.EncodeToken(edges); err != nil {
			return err
		}
		for _, i := range p.links {
			l := &n.Links[i]
			values = values[:0]
			add("type", l.Type.String())
			add("first", l.First.String())
			add("last", l.Last.String())
			add("cases", strings.Join(l.Cases, ","))
			e := gexfEdge{
				ID: linkID(i), Source: nodeID(l.A), Target: nodeID(l.B),
				Kind: l.Type.String(), Label: l.Type.String(), Weight: weight(l), Values: values,
			}
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		for _, end := range []xml.EndElement{edges.End(), graph.End(), root.End()} {
			if err := enc.EncodeToken(end); err != nil {
				return err
			}
		}
		if err := enc.Close(); err != nil {
			return err
		}
		bw.WriteString("\n")
		return bw.Flush()
	}
	return pole.E(op, write())
}

// i2Header is the header row WriteI2 writes; the import wizard's column
// assignment maps these columns by name.
var i2Header = []string{
	"Entity 1 Identity", "Entity 1 Type", "Entity 1 Label",
	"Entity 2 Identity", "Entity 2 Type", "Entity 2 Label",
	"Link Type", "Date First", "Date Last", "Number of Cases", "Cases",
}

// WriteI2 writes the links of the part of n that view covers (nil: all of
// it) as a CSV for the "link chart" import of i2 Analyst's Notebook: a
// header row, then one row per link with these columns:
//
//	Entity 1 Identity  the first end's kind and key, "person/<entity id>"
//	Entity 1 Type      person, case, phone, vehicle or place
//	Entity 1 Label     the first end's label (a victim's is a pseudonym)
//	Entity 2 Identity  the same three for the other end
//	Entity 2 Type
//	Entity 2 Label
//	Link Type          co_suspect, suspect_victim, part_of, used_phone,
//	                   drove, present_at or lives_at
//	Date First         ISO date as precise as known: 2019, 2019-03 or
//	Date Last          2019-03-12; empty when not known
//	Number of Cases    the number of cases that evidence the link, 0 for a
//	                   link a force's nominal index gives without a case
//	Cases              the case ids, comma separated
//
// An identity is unique in the network and the same in every export, so
// i2 merges an entity's rows into one entity. Nodes with no link in the
// view have no row. The dates are partial, so they are best mapped as
// text. The file is UTF-8 with CRLF line ends, quoted as RFC 4180 says; a
// cell that begins with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe so that a spreadsheet does not run it as a formula.
func WriteI2(w io.Writer, n *Network, view *View) error {
	const op = "network.WriteI2"
	p, err := view.pick(n)
	if err != nil {
		return pole.E(op, err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(i2Header); err != nil {
		return pole.E(op, err)
	}
	row := make([]string, len(i2Header))
	for _, i := range p.links {
		l := &n.Links[i]
		a, b := &n.Nodes[l.A], &n.Nodes[l.B]
		row = append(row[:0],
			a.Kind.String()+"/"+a.Key, a.Kind.String(), a.Label,
			b.Kind.String()+"/"+b.Key, b.Kind.String(), b.Label,
			l.Type.String(), l.First.String(), l.Last.String(), strconv.Itoa(len(l.Cases)), strings.Join(l.Cases, ","),
		)
		for k := range row {
			row[k] = defuse(row[k])
		}
		if err := cw.Write(row); err != nil {
			return pole.E(op, err)
		}
	}
	cw.Flush()
	return pole.E(op, cw.Error())
}

// defuse keeps a spreadsheet from reading a cell as a formula, as OWASP
// advises against CSV injection: a leading apostrophe makes it text.
func defuse(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

type jsonNode struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Label  string   `json:"label"`
	Roles  []string `json:"roles"`
	Forces []string `json:"forces"`
}

type jsonLink struct {
	ID     string   `json:"id"`
	Source string   `json:"source"`
	Target string   `json:"target"`
	Type   string   `json:"type"`
	Weight int      `json:"weight"`
	First  string   `json:"first"`
	Last   string   `json:"last"`
	Cases  []string `json:"cases"`
}

// WriteJSON writes the part of n that view covers (nil: all of it) for the
// web view:
//
//	{"nodes": [{"id", "kind", "label", "roles", "forces"}],
//	 "links": [{"id", "source", "target", "type", "weight", "first", "last", "cases"}]}
//
// with the ids and weights WriteGraphML gives; roles, forces and cases
// are arrays, empty rather than null, and a date not known is "". Every
// field is always present, so the page need not test for any.
func WriteJSON(w io.Writer, n *Network, view *View) error {
	const op = "network.WriteJSON"
	p, err := view.pick(n)
	if err != nil {
		return pole.E(op, err)
	}
	bw := bufio.NewWriter(w)
	item := func(first bool, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !first {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		_, err = bw.Write(b)
		return err
	}
	write := func() error {
		bw.WriteString(`{"nodes":[`)
		for k, i := range p.nodes {
			nd := &n.Nodes[i]
			v := jsonNode{
				ID: nodeID(i), Kind: nd.Kind.String(), Label: nd.Label,
				Roles: orEmpty(roleNames(nd.Roles)), Forces: orEmpty(nd.Forces),
			}
			if err := item(k == 0, v); err != nil {
				return err
			}
		}
		bw.WriteString("\n],\"links\":[")
		for k, i := range p.links {
			l := &n.Links[i]
			v := jsonLink{
				ID: linkID(i), Source: nodeID(l.A), Target: nodeID(l.B), Type: l.Type.String(), Weight: weight(l),
				First: l.First.String(), Last: l.Last.String(), Cases: orEmpty(l.Cases),
			}
			if err := item(k == 0, v); err != nil {
				return err
			}
		}
		bw.WriteString("\n]}\n")
		return bw.Flush()
	}
	return pole.E(op, write())
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
