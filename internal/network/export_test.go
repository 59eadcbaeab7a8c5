package network

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

// The label of node 1: a victim's pseudonym with what XML must escape and
// what it need not.
const awkwardLabel = `V-Zoë <"Ana"> & 'Bo' 名`

// exportNetwork is a small network built by hand: three people, a case, a
// phone, a place and a vehicle with no links; two links of different
// types join nodes 0 and 1.
func exportNetwork() *Network {
	return &Network{
		Nodes: []Node{
			{Key: "e-1", Kind: Person, Label: "e-1", Roles: AsSuspect, Forces: []string{"GMP", "WYP"}, Mentions: []string{"m-secret-1"}},
			{Key: "e-2", Kind: Person, Label: awkwardLabel, Roles: AsSuspect | AsVictim, Forces: []string{"GMP"}, Mentions: []string{"m-secret-2"}},
			{Key: "e-3", Kind: Person, Label: "V-0042", Roles: AsVictim | AsWitness, Forces: []string{"WYP"}, Mentions: []string{"m-secret-3"}},
			{Key: "c-1", Kind: Case, Label: "GMP 01/2345/19", Forces: []string{"GMP"}},
			{Key: "07700900123", Kind: Phone, Label: "+447700900123"},
			{Key: "m1 1aa|hotel", Kind: Place, Label: "=HYPERLINK(\"http://x\")"},
			{Key: "AB12CDE", Kind: Vehicle, Label: "AB12CDE"},
		},
		Links: []Link{
			{A: 0, B: 1, Type: CoSuspect, First: pole.YearMonth(2019, 3), Last: pole.Date(2019, 4, 2), Cases: []string{"c-1"}},
			{A: 0, B: 1, Type: SuspectVictim, First: pole.YearOnly(2018), Last: pole.YearMonth(2019, 4), Cases: []string{"c-1", "c-2"}},
			{A: 0, B: 2, Type: SuspectVictim, First: pole.YearOnly(2019), Last: pole.YearOnly(2019), Cases: []string{"c-1"}},
			{A: 0, B: 3, Type: PartOf, Cases: []string{"c-1"}},
			{A: 1, B: 3, Type: PartOf, Cases: []string{"c-1"}},
			{A: 2, B: 3, Type: PartOf, Cases: []string{"c-1"}},
			{A: 0, B: 4, Type: UsedPhone},
			{A: 1, B: 5, Type: PresentAt, Cases: []string{"c-1"}},
		},
	}
}

type writer func(io.Writer, *Network, *View) error

func export(t *testing.T, write writer, n *Network, v *View) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, n, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wellFormed reads every token of an XML document.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
	}
}

type graphmlDoc struct {
	XMLName xml.Name `xml:"graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string        `xml:"id,attr"`
			Data []graphmlData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string        `xml:"id,attr"`
			Source string        `xml:"source,attr"`
			Target string        `xml:"target,attr"`
			Data   []graphmlData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

func dataMap(t *testing.T, data []graphmlData) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, d := range data {
		if _, ok := m[d.Key]; ok {
			t.Errorf("data key %q given twice", d.Key)
		}
		m[d.Key] = d.Value
	}
	return m
}

func readGraphML(t *testing.T, doc []byte) (g graphmlDoc, nodes, edges map[string]map[string]string) {
	t.Helper()
	wellFormed(t, doc)
	if err := xml.Unmarshal(doc, &g); err != nil {
		t.Fatal(err)
	}
	if g.XMLName.Space != graphmlNS {
		t.Errorf("root namespace %q, want %q", g.XMLName.Space, graphmlNS)
	}
	declared := map[string]string{}
	for _, k := range g.Keys {
		declared[k.ID] = k.For
	}
	nodes, edges = map[string]map[string]string{}, map[string]map[string]string{}
	for _, nd := range g.Graph.Nodes {
		nodes[nd.ID] = dataMap(t, nd.Data)
		for _, d := range nd.Data {
			if declared[d.Key] != "node" {
				t.Errorf("node %s: data key %q is not declared for nodes", nd.ID, d.Key)
			}
		}
	}
	for _, e := range g.Graph.Edges {
		m := dataMap(t, e.Data)
		m["source"], m["target"] = e.Source, e.Target
		edges[e.ID] = m
		for _, d := range e.Data {
			if declared[d.Key] != "edge" {
				t.Errorf("edge %s: data key %q is not declared for edges", e.ID, d.Key)
			}
		}
	}
	return g, nodes, edges
}

func sameMap(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s is %q, want %q", what, k, got[k], v)
		}
	}
}

func TestExportGraphMLReadsBackWithAttributes(t *testing.T) {
	n := exportNetwork()
	g, nodes, edges := readGraphML(t, export(t, WriteGraphML, n, nil))
	if g.Graph.EdgeDefault != "undirected" {
		t.Errorf("edgedefault %q, want undirected", g.Graph.EdgeDefault)
	}
	types := map[string]string{}
	for _, k := range g.Keys {
		types[k.For+"/"+k.Name] = k.Type
		if k.ID == "" {
			t.Errorf("key %s has no id", k.Name)
		}
	}
	sameMap(t, "keys", types, map[string]string{
		"node/kind": "string", "node/label": "string", "node/roles": "string", "node/forces": "string",
		"edge/type": "string", "edge/weight": "int", "edge/first": "string", "edge/last": "string", "edge/cases": "string",
	})
	if len(nodes) != len(n.Nodes) || len(edges) != len(n.Links) {
		t.Fatalf("got %d nodes and %d edges, want %d and %d", len(nodes), len(edges), len(n.Nodes), len(n.Links))
	}
	sameMap(t, "n0", nodes["n0"], map[string]string{"kind": "person", "label": "e-1", "roles": "suspect", "forces": "GMP,WYP"})
	sameMap(t, "n1", nodes["n1"], map[string]string{"kind": "person", "label": awkwardLabel, "roles": "suspect,victim", "forces": "GMP"})
	sameMap(t, "n2", nodes["n2"], map[string]string{"kind": "person", "label": "V-0042", "roles": "victim,witness", "forces": "WYP"})
	sameMap(t, "n4", nodes["n4"], map[string]string{"kind": "phone", "label": "+447700900123"})
	sameMap(t, "n6", nodes["n6"], map[string]string{"kind": "vehicle", "label": "AB12CDE"})
	sameMap(t, "e1", edges["e1"], map[string]string{
		"source": "n0", "target": "n1", "type": "suspect_victim", "weight": "2", "first": "2018", "last": "2019-04", "cases": "c-1,c-2",
	})
	sameMap(t, "e0", edges["e0"], map[string]string{
		"source": "n0", "target": "n1", "type": "co_suspect", "weight": "1", "first": "2019-03", "last": "2019-04-02", "cases": "c-1",
	})
	// A link no case evidences weighs 1, as the kernels weigh it.
	sameMap(t, "e6", edges["e6"], map[string]string{"source": "n0", "target": "n4", "type": "used_phone", "weight": "1"})
}

type gexfDoc struct {
	XMLName xml.Name `xml:"gexf"`
	Version string   `xml:"version,attr"`
	Graph   struct {
		DefaultEdgeType string `xml:"defaultedgetype,attr"`
		Attributes      []struct {
			Class      string `xml:"class,attr"`
			Attributes []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes []struct {
			ID     string      `xml:"id,attr"`
			Label  string      `xml:"label,attr"`
			Values []gexfValue `xml:"attvalues>attvalue"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID     string      `xml:"id,attr"`
			Source string      `xml:"source,attr"`
			Target string      `xml:"target,attr"`
			Kind   string      `xml:"kind,attr"`
			Weight string      `xml:"weight,attr"`
			Values []gexfValue `xml:"attvalues>attvalue"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

// readGEXF gives each node's label and attribute values by title, and
// each edge's source, target, kind, weight and values by title.
func readGEXF(t *testing.T, doc []byte) (g gexfDoc, nodes, edges map[string]map[string]string) {
	t.Helper()
	wellFormed(t, doc)
	if err := xml.Unmarshal(doc, &g); err != nil {
		t.Fatal(err)
	}
	if g.XMLName.Space != gexfNS || g.Version != "1.3" {
		t.Errorf("root namespace %q version %q, want %q 1.3", g.XMLName.Space, g.Version, gexfNS)
	}
	titles := map[string]map[string]string{}
	for _, a := range g.Graph.Attributes {
		titles[a.Class] = map[string]string{}
		for _, at := range a.Attributes {
			titles[a.Class][at.ID] = at.Title
		}
	}
	values := func(class, id string, vs []gexfValue, m map[string]string) {
		for _, v := range vs {
			title, ok := titles[class][v.For]
			if !ok {
				t.Errorf("%s %s: attvalue for %q is not declared", class, id, v.For)
			}
			m[title] = v.Value
		}
	}
	nodes, edges = map[string]map[string]string{}, map[string]map[string]string{}
	for _, nd := range g.Graph.Nodes {
		m := map[string]string{"label": nd.Label}
		values("node", nd.ID, nd.Values, m)
		nodes[nd.ID] = m
	}
	for _, e := range g.Graph.Edges {
		m := map[string]string{"source": e.Source, "target": e.Target, "kind": e.Kind, "weight": e.Weight}
		values("edge", e.ID, e.Values, m)
		edges[e.ID] = m
	}
	return g, nodes, edges
}

func TestExportGEXFReadsBackWithAttributes(t *testing.T) {
	n := exportNetwork()
	g, nodes, edges := readGEXF(t, export(t, WriteGEXF, n, nil))
	if g.Graph.DefaultEdgeType != "undirected" {
		t.Errorf("defaultedgetype %q, want undirected", g.Graph.DefaultEdgeType)
	}
	if len(nodes) != len(n.Nodes) || len(edges) != len(n.Links) {
		t.Fatalf("got %d nodes and %d edges, want %d and %d", len(nodes), len(edges), len(n.Nodes), len(n.Links))
	}
	sameMap(t, "n0", nodes["n0"], map[string]string{"kind": "person", "label": "e-1", "roles": "suspect", "forces": "GMP,WYP"})
	sameMap(t, "n1", nodes["n1"], map[string]string{"kind": "person", "label": awkwardLabel, "roles": "suspect,victim", "forces": "GMP"})
	sameMap(t, "n3", nodes["n3"], map[string]string{"kind": "case", "label": "GMP 01/2345/19", "forces": "GMP"})
	sameMap(t, "n6", nodes["n6"], map[string]string{"kind": "vehicle", "label": "AB12CDE"})
	sameMap(t, "e1", edges["e1"], map[string]string{
		"source": "n0", "target": "n1", "kind": "suspect_victim", "weight": "2",
		"type": "suspect_victim", "first": "2018", "last": "2019-04", "cases": "c-1,c-2",
	})
	sameMap(t, "e6", edges["e6"], map[string]string{"source": "n0", "target": "n4", "kind": "used_phone", "weight": "1", "type": "used_phone"})
}

func readI2(t *testing.T, doc []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(doc)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], "|") != strings.Join(i2Header, "|") {
		t.Fatalf("header %q, want %q", rows, i2Header)
	}
	return rows[1:]
}

func TestExportI2WritesOneRowPerLink(t *testing.T) {
	n := exportNetwork()
	doc := export(t, WriteI2, n, nil)
	if !bytes.HasSuffix(doc, []byte("\r\n")) {
		t.Errorf("lines do not end in CRLF")
	}
	rows := readI2(t, doc)
	if len(rows) != len(n.Links) {
		t.Fatalf("got %d rows, want %d", len(rows), len(n.Links))
	}
	want := [][]string{
		{"person/e-1", "person", "e-1", "person/e-2", "person", awkwardLabel, "suspect_victim", "2018", "2019-04", "2", "c-1,c-2"},
		{"person/e-1", "person", "e-1", "phone/07700900123", "phone", "'+447700900123", "used_phone", "", "", "0", ""},
		{"person/e-2", "person", awkwardLabel, "place/m1 1aa|hotel", "place", `'=HYPERLINK("http://x")`, "present_at", "", "", "1", "c-1"},
	}
	for k, i := range []int{1, 6, 7} {
		if got := strings.Join(rows[i], "|"); got != strings.Join(want[k], "|") {
			t.Errorf("row %d: got %q, want %q", i, rows[i], want[k])
		}
	}
}

func TestExportI2DefusesFormulas(t *testing.T) {
	labels := map[string]string{
		"=1+1":     "'=1+1",
		"+44 7700": "'+44 7700",
		"-2+3":     "'-2+3",
		"@SUM(A1)": "'@SUM(A1)",
		"\t=cmd":   "'\t=cmd",
		// RFC 4180 ends lines in CRLF, and encoding/csv drops a lone CR
		// when it writes them.
		"\r=cmd":       "'=cmd",
		"V-0042":       "V-0042",
		"a=b":          "a=b",
		"":             "",
		"Zoë =1":       "Zoë =1",
		"'already'":    "'already'",
		"GMP 01/23/19": "GMP 01/23/19",
	}
	for label, want := range labels {
		n := &Network{
			Nodes: []Node{{Key: "k1", Kind: Person, Label: label}, {Key: "k2", Kind: Case, Label: "c"}},
			Links: []Link{{A: 0, B: 1, Type: PartOf}},
		}
		rows := readI2(t, export(t, WriteI2, n, nil))
		if got := rows[0][2]; got != want {
			t.Errorf("label %q: cell %q, want %q", label, got, want)
		}
	}
}

type jsonDoc struct {
	Nodes []jsonNode `json:"nodes"`
	Links []jsonLink `json:"links"`
}

func readJSON(t *testing.T, doc []byte) jsonDoc {
	t.Helper()
	var d jsonDoc
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return d
}

func TestExportJSONReadsBackWithFields(t *testing.T) {
	n := exportNetwork()
	doc := export(t, WriteJSON, n, nil)
	d := readJSON(t, doc)
	if len(d.Nodes) != len(n.Nodes) || len(d.Links) != len(n.Links) {
		t.Fatalf("got %d nodes and %d links, want %d and %d", len(d.Nodes), len(d.Links), len(n.Nodes), len(n.Links))
	}
	if got, _ := json.Marshal(d.Nodes[1]); string(got) != `{"id":"n1","kind":"person","label":"V-Zoë \u003c\"Ana\"\u003e \u0026 'Bo' 名","roles":["suspect","victim"],"forces":["GMP"]}` {
		t.Errorf("node 1: got %s", got)
	}
	if got, _ := json.Marshal(d.Links[1]); string(got) != `{"id":"e1","source":"n0","target":"n1","type":"suspect_victim","weight":2,"first":"2018","last":"2019-04","cases":["c-1","c-2"]}` {
		t.Errorf("link 1: got %s", got)
	}
	// Empty lists are [] and unknown dates "", never null or missing.
	for _, want := range []string{`"id":"n6","kind":"vehicle","label":"AB12CDE","roles":[],"forces":[]`, `"weight":1,"first":"","last":"","cases":[]`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, doc)
		}
	}
	if bytes.Contains(doc, []byte("null")) {
		t.Errorf("output has a null:\n%s", doc)
	}
}

func TestExportViewLimitsNodesAndLinks(t *testing.T) {
	n := exportNetwork()
	// Nodes 0, 2 and 3, listed out of order and twice, and so the three
	// links among them: 0-2, 0-3 and 2-3.
	exportView := &View{Nodes: []uint32{3, 0, 2, 0}}
	wantNodes, wantLinks := []string{"n0", "n2", "n3"}, []string{"e2", "e3", "e5"}

	_, gNodes, gEdges := readGraphML(t, export(t, WriteGraphML, n, exportView))
	_, xNodes, xEdges := readGEXF(t, export(t, WriteGEXF, n, exportView))
	for format, got := range map[string][2]map[string]map[string]string{"GraphML": {gNodes, gEdges}, "GEXF": {xNodes, xEdges}} {
		if len(got[0]) != len(wantNodes) || len(got[1]) != len(wantLinks) {
			t.Errorf("%s: got %d nodes and %d edges, want %d and %d", format, len(got[0]), len(got[1]), len(wantNodes), len(wantLinks))
		}
		for _, id := range wantNodes {
			if got[0][id] == nil {
				t.Errorf("%s: node %s missing", format, id)
			}
		}
		for _, id := range wantLinks {
			if got[1][id] == nil {
				t.Errorf("%s: edge %s missing", format, id)
			}
		}
	}
	if got := gEdges["e2"]; got["source"] != "n0" || got["target"] != "n2" || got["type"] != "suspect_victim" {
		t.Errorf("GraphML e2: got %v, want n0-n2 suspect_victim", got)
	}

	d := readJSON(t, export(t, WriteJSON, n, exportView))
	var ids []string
	for _, nd := range d.Nodes {
		ids = append(ids, nd.ID)
	}
	for _, l := range d.Links {
		ids = append(ids, l.ID)
	}
	if got, want := strings.Join(ids, ","), strings.Join(append(wantNodes, wantLinks...), ","); got != want {
		t.Errorf("JSON ids %s, want %s", got, want)
	}

	rows := readI2(t, export(t, WriteI2, n, exportView))
	var pairs []string
	for _, r := range rows {
		pairs = append(pairs, r[0]+"-"+r[3]+" "+r[6])
	}
	if got, want := strings.Join(pairs, ","), "person/e-1-person/e-3 suspect_victim,person/e-1-case/c-1 part_of,person/e-3-case/c-1 part_of"; got != want {
		t.Errorf("i2 rows %s, want %s", got, want)
	}
}

func TestExportEmptyViewExportsNothing(t *testing.T) {
	n := exportNetwork()
	empty := &View{}
	if _, nodes, edges := readGraphML(t, export(t, WriteGraphML, n, empty)); len(nodes) != 0 || len(edges) != 0 {
		t.Errorf("GraphML: got %d nodes and %d edges, want none", len(nodes), len(edges))
	}
	if _, nodes, edges := readGEXF(t, export(t, WriteGEXF, n, empty)); len(nodes) != 0 || len(edges) != 0 {
		t.Errorf("GEXF: got %d nodes and %d edges, want none", len(nodes), len(edges))
	}
	if d := readJSON(t, export(t, WriteJSON, n, empty)); len(d.Nodes) != 0 || len(d.Links) != 0 {
		t.Errorf("JSON: got %d nodes and %d links, want none", len(d.Nodes), len(d.Links))
	}
	if rows := readI2(t, export(t, WriteI2, n, empty)); len(rows) != 0 {
		t.Errorf("i2: got %d rows, want none", len(rows))
	}
}

func TestExportRejectsViewOfNodeNotInNetwork(t *testing.T) {
	n := exportNetwork()
	for name, write := range map[string]writer{"GraphML": WriteGraphML, "GEXF": WriteGEXF, "i2": WriteI2, "JSON": WriteJSON} {
		var b bytes.Buffer
		err := write(&b, n, &View{Nodes: []uint32{0, 7}})
		if code := pole.ErrorCode(err); code != pole.EINVALID {
			t.Errorf("%s: got error %v (code %q), want %q", name, err, code, pole.EINVALID)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, b.Len())
		}
	}
}

func TestExportLeavesOutMentions(t *testing.T) {
	n := exportNetwork()
	for name, write := range map[string]writer{"GraphML": WriteGraphML, "GEXF": WriteGEXF, "i2": WriteI2, "JSON": WriteJSON} {
		if doc := export(t, write, n, nil); bytes.Contains(doc, []byte("m-secret")) {
			t.Errorf("%s output holds a mention id:\n%s", name, doc)
		}
	}
}

func TestExportEscapesLabelsInXML(t *testing.T) {
	n := exportNetwork()
	// A control character is not allowed in XML at all: it must not make
	// the document unreadable.
	n.Nodes[6].Label = "AB12\x01CDE"
	for name, write := range map[string]writer{"GraphML": WriteGraphML, "GEXF": WriteGEXF} {
		doc := export(t, write, n, nil)
		if bytes.Contains(doc, []byte(`<"Ana">`)) || bytes.Contains(doc, []byte(" & ")) {
			t.Errorf("%s: label written unescaped:\n%s", name, doc)
		}
		if !bytes.Contains(doc, []byte("Zoë")) || !bytes.Contains(doc, []byte("名")) {
			t.Errorf("%s: non-ASCII not written as UTF-8:\n%s", name, doc)
		}
		var nodes map[string]map[string]string
		if name == "GraphML" {
			_, nodes, _ = readGraphML(t, doc)
		} else {
			_, nodes, _ = readGEXF(t, doc)
		}
		if got := nodes["n1"]["label"]; got != awkwardLabel {
			t.Errorf("%s: label read back as %q, want %q", name, got, awkwardLabel)
		}
		if got := nodes["n6"]["label"]; got != "AB12\uFFFDCDE" {
			t.Errorf("%s: label with a control character read back as %q, want it replaced", name, got)
		}
	}
}

// networkx runs reader (read_graphml or read_gexf) of python3's networkx
// on what write exports of n, and returns the graph's node count, edge
// count and node n1's label.
func networkx(t *testing.T, write writer, reader, file string, n *Network) (nodes, edges int, label string) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	if out, err := exec.CommandContext(t.Context(), "python3", "-c", "import networkx").CombinedOutput(); err != nil {
		t.Skipf("networkx is not installed for python3: %s", out)
	}
	path := filepath.Join(t.TempDir(), file)
	var b bytes.Buffer
	if err := write(&b, n, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `import json, sys, networkx
g = networkx.` + reader + `(sys.argv[1])
print(json.dumps([g.number_of_nodes(), g.number_of_edges(), g.nodes["n1"]["label"]]))`
	out, err := exec.CommandContext(t.Context(), "python3", "-c", script, path).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("networkx.%s: %v\n%s", reader, err, exit.Stderr)
		}
		t.Fatal(err)
	}
	var got [3]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	nodesF, _ := got[0].(float64)
	edgesF, _ := got[1].(float64)
	label, _ = got[2].(string)
	return int(nodesF), int(edgesF), label
}

func TestGraphMLExportReadsBackInNetworkx(t *testing.T) {
	n := exportNetwork()
	nodes, edges, label := networkx(t, WriteGraphML, "read_graphml", "network.graphml", n)
	if nodes != len(n.Nodes) || edges != len(n.Links) {
		t.Errorf("networkx read %d nodes and %d edges, want %d and %d", nodes, edges, len(n.Nodes), len(n.Links))
	}
	if label != awkwardLabel {
		t.Errorf("networkx read label %q, want %q", label, awkwardLabel)
	}
}

func TestGEXFExportReadsBackInNetworkx(t *testing.T) {
	n := exportNetwork()
	nodes, edges, label := networkx(t, WriteGEXF, "read_gexf", "network.gexf", n)
	if nodes != len(n.Nodes) || edges != len(n.Links) {
		t.Errorf("networkx read %d nodes and %d edges, want %d and %d", nodes, edges, len(n.Nodes), len(n.Links))
	}
	if label != awkwardLabel {
		t.Errorf("networkx read label %q, want %q", label, awkwardLabel)
	}
}
