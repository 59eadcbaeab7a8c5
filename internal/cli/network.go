package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/network"
	"github.com/caselink/caselink/internal/pole"
)

const networkUsage = `Usage: caselink network build|groups|path [flags]

The network of linked people, cases, phones, vehicles and places, built
from what linkage stored (run 'caselink link' first). Victims appear by
pseudonym. Every command needs --purpose and a national role.

Subcommands:
  build     the network's size, and its key people (betweenness, PageRank,
            degree)
  groups [--from DATE] [--to DATE] [--links co_offending,shared_victim,...]
            the groups: two or more associated offenders, with their victims,
            forces, places, vehicles, phones and dates
  findings  victims linked to two or more suspects; phones, vehicles and
            places linked to two or more victims; groups across force borders
  path A B  the shortest chain of links between two people (entity ids)
  export --format graphml|gexf|i2|json --out FILE [--group N]
            the network, or group N as 'network groups' numbers it (with the
            same --from, --to and --links), for Gephi, networkx, i2 Analyst's
            Notebook or the web view`

func runNetwork(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(m.stdout, networkUsage)
		if len(args) == 0 {
			return pole.Invalid("command", "network needs a subcommand")
		}
		return nil
	}
	switch args[0] {
	case "build", "groups", "findings", "path", "export":
		return runNetworkSub(ctx, m, args[0], args[1:])
	}
	return pole.Invalid("command", "unknown network subcommand %q (build, groups, findings, path or export)", args[0])
}

var associationNames = map[string]network.Association{
	"co_offending": network.CoOffending, "shared_victim": network.SharedVictim, "shared_phone": network.SharedPhone,
	"shared_vehicle": network.SharedVehicle, "shared_place": network.SharedPlace,
}

func runNetworkSub(ctx context.Context, m *Main, sub string, args []string) (err error) {
	fs := m.flags("network")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), networkUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := purposeFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	from := fs.String("from", "", "groups: keep to offending on or after this date (2010, 2010-06 or 2010-06-01)")
	to := fs.String("to", "", "groups: keep to offending on or before this date")
	links := fs.String("links", "co_offending,shared_victim", "groups: what associates offenders, comma-separated: co_offending, shared_victim, shared_phone, shared_vehicle, shared_place")
	top := fs.Int("top", 20, "build: how many key people to show")
	format := fs.String("format", "", "export: graphml, gexf, i2 or json")
	out := fs.String("out", "", "export: the file to write")
	groupNo := fs.Int("group", 0, "export: only group N, as 'network groups' numbers them")
	pos, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if err := needPurpose(*purpose); err != nil {
		return err
	}
	opts := network.GroupOptions{Seed: 1}
	if opts.From, err = parseDateFlag("from", *from); err != nil {
		return err
	}
	if opts.To, err = parseDateFlag("to", *to); err != nil {
		return err
	}
	for _, name := range splitList(*links) {
		a, ok := associationNames[name]
		if !ok {
			return pole.Invalid("links", "unknown association %q", name)
		}
		opts.Associations |= a
	}
	if sub == "path" && len(pos) != 2 {
		return pole.Invalid("arguments", "network path takes two entity ids, got %d", len(pos))
	}
	write, ok := exportFormats[*format]
	if sub == "export" && !ok {
		return pole.Invalid("format", "give --format graphml, gexf, i2 or json")
	}
	if sub == "export" && *out == "" {
		return pole.Invalid("out", "network export needs --out FILE")
	}
	action := access.NetworkRead
	if sub == "export" {
		action = access.NetworkExport
	}
	x, err := m.openSession(ctx, db, action, access.Resource{Kind: "network"})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	if err := x.needAllForces(ctx, action); err != nil {
		return err
	}
	n, err := network.Build(ctx, x.st)
	if err != nil {
		return err
	}
	switch sub {
	case "build":
		return networkBuild(ctx, m, x, n, *top, *purpose, *asJSON)
	case "groups":
		return networkGroups(ctx, m, x, n, opts, *purpose, *asJSON)
	case "findings":
		return networkFindings(ctx, m, x, n, opts, *top, *purpose)
	case "export":
		return networkExport(ctx, m, x, n, opts, *groupNo, write, *format, *out, *purpose)
	}
	return networkPath(ctx, m, x, n, pos[0], pos[1], *purpose)
}

func parseDateFlag(field, v string) (pole.PartialDate, error) {
	if v == "" {
		return pole.PartialDate{}, nil
	}
	d, err := pole.ParsePartialDate(v)
	if err != nil {
		return d, pole.Invalid(field, "%q is not a date (2010, 2010-06 or 2010-06-01)", v)
	}
	return d, nil
}

// personIDs are the entity ids of the people among nodes, for the audit log.
func personIDs(n *network.Network, nodes []uint32) []string {
	var out []string
	for _, i := range nodes {
		if n.Nodes[i].Kind == network.Person {
			out = append(out, n.Nodes[i].Key)
		}
	}
	return out
}

func networkBuild(ctx context.Context, m *Main, x *session, n *network.Network, top int, purpose string, asJSON bool) error {
	g, err := n.Graph(nil)
	if err != nil {
		return err
	}
	key, err := network.KeyPeople(n, g, top, 1)
	if err != nil {
		return err
	}
	nodes := make([]uint32, len(key))
	for i, k := range key {
		nodes[i] = k.Node
	}
	if err := x.record(ctx, audit.Entry{Action: audit.Combination, RecordKind: "entity", RecordIDs: personIDs(n, nodes), Purpose: purpose,
		Detail: fmt.Sprintf("network build: %d nodes, %d links; key people", len(n.Nodes), len(n.Links))}); err != nil {
		return err
	}
	kinds := map[string]int{}
	for _, nd := range n.Nodes {
		kinds[nd.Kind.String()]++
	}
	types := map[string]int{}
	for _, l := range n.Links {
		types[l.Type.String()]++
	}
	if asJSON {
		type person struct {
			ID          string   `json:"id"`
			Label       string   `json:"label"`
			Forces      []string `json:"forces"`
			Degree      uint32   `json:"degree"`
			Betweenness float64  `json:"betweenness"`
			PageRank    float64  `json:"pagerank"`
		}
		out := struct {
			Nodes      map[string]int `json:"nodes"`
			Links      map[string]int `json:"links"`
			KeyPeople  []person       `json:"key_people"`
			Components int            `json:"components"`
		}{Nodes: kinds, Links: types}
		for _, k := range key {
			nd := n.Nodes[k.Node]
			out.KeyPeople = append(out.KeyPeople, person{nd.Key, nd.Label, nd.Forces, k.Degree, k.Betweenness, k.PageRank})
		}
		return writeJSON(m.stdout, out)
	}
	fmt.Fprintf(m.stdout, "network: %d nodes (%s), %d links (%s)\n", len(n.Nodes), counts(kinds), len(n.Links), counts(types))
	tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERSON\tFORCES\tDEGREE\tBETWEENNESS\tPAGERANK")
	for _, k := range key {
		nd := n.Nodes[k.Node]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.5f\t%.6f\n", nd.Label, strings.Join(nd.Forces, ","), k.Degree, k.Betweenness, k.PageRank)
	}
	return tw.Flush()
}

func networkGroups(ctx context.Context, m *Main, x *session, n *network.Network, opts network.GroupOptions, purpose string, asJSON bool) error {
	groups, err := network.Groups(n, opts)
	if err != nil {
		return err
	}
	var everyone []uint32
	for _, g := range groups {
		everyone = append(everyone, g.Offenders...)
		everyone = append(everyone, g.Victims...)
	}
	if err := x.record(ctx, audit.Entry{Action: audit.Combination, RecordKind: "entity", RecordIDs: personIDs(n, everyone), Purpose: purpose,
		Detail: fmt.Sprintf("network groups: %d groups", len(groups))}); err != nil {
		return err
	}
	labels := func(list []uint32) []string {
		out := make([]string, len(list))
		for i, v := range list {
			out[i] = n.Nodes[v].Label
		}
		return out
	}
	if asJSON {
		type group struct {
			Offenders []string `json:"offenders"`
			Victims   []string `json:"victims"`
			Forces    []string `json:"forces"`
			Places    []string `json:"places"`
			Vehicles  []string `json:"vehicles"`
			Phones    []string `json:"phones"`
			Cases     []string `json:"cases"`
			First     string   `json:"first"`
			Last      string   `json:"last"`
		}
		out := []group{}
		for _, g := range groups {
			out = append(out, group{labels(g.Offenders), labels(g.Victims), g.Forces, labels(g.Places), labels(g.Vehicles), labels(g.Phones),
				labels(g.Cases), g.First.String(), g.Last.String()})
		}
		return writeJSON(m.stdout, out)
	}
	fmt.Fprintf(m.stdout, "%d groups (two or more associated offenders)\n", len(groups))
	tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tOFFENDERS\tVICTIMS\tCASES\tFORCES\tFROM\tTO\tPLACES\tVEHICLES\tPHONES")
	for i, g := range groups {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%d\t%d\n", i+1, len(g.Offenders), len(g.Victims), len(g.Cases), strings.Join(g.Forces, ","),
			g.First, g.Last, len(g.Places), len(g.Vehicles), len(g.Phones))
	}
	return tw.Flush()
}

func networkPath(ctx context.Context, m *Main, x *session, n *network.Network, a, b, purpose string) error {
	ia, ok := n.Find(network.Person, a)
	if !ok {
		return pole.Errorf(pole.ENOTFOUND, "no person %s in the network: give an entity id as 'caselink link export' writes them", a)
	}
	ib, ok := n.Find(network.Person, b)
	if !ok {
		return pole.Errorf(pole.ENOTFOUND, "no person %s in the network", b)
	}
	path, err := network.Path(n, ia, ib, nil)
	if err != nil {
		return err
	}
	if err := x.record(ctx, audit.Entry{Action: audit.Consultation, RecordKind: "entity", RecordIDs: personIDs(n, append([]uint32{ia, ib}, path...)),
		Purpose: purpose, Detail: "network path"}); err != nil {
		return err
	}
	if path == nil {
		fmt.Fprintf(m.stdout, "%s and %s are not connected\n", n.Nodes[ia].Label, n.Nodes[ib].Label)
		return nil
	}
	fmt.Fprintf(m.stdout, "%d links between %s and %s:\n", len(path)-1, n.Nodes[ia].Label, n.Nodes[ib].Label)
	for i, v := range path {
		nd := n.Nodes[v]
		fmt.Fprintf(m.stdout, "  %s %s\n", nd.Kind, nd.Label)
		if i+1 < len(path) {
			for _, l := range n.LinksBetween(v, path[i+1]) {
				fmt.Fprintf(m.stdout, "      %s (%d cases, %s to %s)\n", l.Type, len(l.Cases), l.First, l.Last)
			}
		}
	}
	return nil
}

func counts(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%d %s", v, k))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

var exportFormats = map[string]func(io.Writer, *network.Network, *network.View) error{
	"graphml": network.WriteGraphML, "gexf": network.WriteGEXF, "i2": network.WriteI2, "json": network.WriteJSON,
}

func networkExport(ctx context.Context, m *Main, x *session, n *network.Network, opts network.GroupOptions, groupNo int,
	write func(io.Writer, *network.Network, *network.View) error, format, out, purpose string) error {
	var view *network.View
	what := "the whole network"
	if groupNo != 0 {
		groups, err := network.Groups(n, opts)
		if err != nil {
			return err
		}
		if groupNo < 1 || groupNo > len(groups) {
			return pole.Invalid("group", "there are %d groups; group %d is not one", len(groups), groupNo)
		}
		g := groups[groupNo-1]
		view = &network.View{}
		for _, list := range [][]uint32{g.Offenders, g.Victims, g.Cases, g.Places, g.Vehicles, g.Phones} {
			view.Nodes = append(view.Nodes, list...)
		}
		what = fmt.Sprintf("group %d", groupNo)
	}
	nodes := make([]uint32, 0, len(n.Nodes))
	if view != nil {
		nodes = view.Nodes
	} else {
		for i := range n.Nodes {
			nodes = append(nodes, uint32(i))
		}
	}
	err := x.record(ctx, audit.Entry{Action: audit.Disclosure, RecordKind: "entity", RecordIDs: personIDs(n, nodes), Purpose: purpose,
		Recipient: x.who.Login + " (file " + out + ")", Detail: fmt.Sprintf("network export of %s as %s", what, format)})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(out, func(w io.Writer) error { return write(w, n, view) }); err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "wrote %s as %s to %s\n", what, format, out)
	return nil
}

func networkFindings(ctx context.Context, m *Main, x *session, n *network.Network, opts network.GroupOptions, top int, purpose string) error {
	groups, err := network.Groups(n, opts)
	if err != nil {
		return err
	}
	f := network.Find(n, groups)
	var touched []uint32
	for _, list := range [][]network.Finding{f.VictimsOfSeveral, f.ObjectsOfSeveral} {
		for _, fd := range list {
			touched = append(touched, fd.Node)
			touched = append(touched, fd.People...)
		}
	}
	if err := x.record(ctx, audit.Entry{Action: audit.Combination, RecordKind: "entity", RecordIDs: personIDs(n, touched), Purpose: purpose,
		Detail: "network findings"}); err != nil {
		return err
	}
	show := func(title string, list []network.Finding) {
		fmt.Fprintf(m.stdout, "%s: %d\n", title, len(list))
		for i, fd := range list {
			if i == top {
				fmt.Fprintf(m.stdout, "  ... and %d more\n", len(list)-top)
				break
			}
			var people []string
			for _, p := range fd.People {
				people = append(people, n.Nodes[p].Label)
			}
			nd := n.Nodes[fd.Node]
			fmt.Fprintf(m.stdout, "  %s %s: %s\n", nd.Kind, nd.Label, strings.Join(people, ", "))
		}
	}
	show("victims linked to two or more suspects", f.VictimsOfSeveral)
	show("phones, vehicles and places linked to two or more victims", f.ObjectsOfSeveral)
	fmt.Fprintf(m.stdout, "groups across force borders: %d of %d\n", len(f.CrossBorderGroups), len(groups))
	for i, gi := range f.CrossBorderGroups {
		if i == top {
			fmt.Fprintf(m.stdout, "  ... and %d more\n", len(f.CrossBorderGroups)-top)
			break
		}
		g := groups[gi]
		fmt.Fprintf(m.stdout, "  group %d: %d offenders, %s\n", gi+1, len(g.Offenders), strings.Join(g.Forces, ", "))
	}
	return nil
}
