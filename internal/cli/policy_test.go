package cli_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review/reviewtest"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// cliOperation is one command that acts on personal data or on users,
// tried as one role on one side's data ("own": West Yorkshire's, the force
// users' own; "other": Lancashire's).
type cliOperation struct {
	name   string
	action access.Action
	// reach says which sides the command touches: "one" for a command on
	// one force's records, "all" for one that needs every force's, "some"
	// for one its scope narrows to the forces it reaches.
	reach string
	args  func(f *policyFixture, on string) []string
}

// policyFixture is a linked database of a small synthetic data set, with
// two person records of each of the two forces to hand.
type policyFixture struct {
	db, set string
	records map[string][2]string // side -> two SOURCE:RECORD_IDs
	labels  map[string]string    // side -> a labelled-pairs file judging the side's two records
	dir     string
	analyst map[string]string // the environment of the national analyst who linked it
	cases   map[string]string // side -> a case id
	t       *testing.T
	st      *store.Store
}

var sideForce = map[string]string{"own": "west-yorkshire", "other": "lancashire"}

// review refers a new case of the side's force and puts its review in
// state, through the store: the fixture for one step of the workflow.
func (f *policyFixture) review(on string, state pole.ReviewState) *pole.Review {
	hc := reviewtest.NewCase(f.t, f.st, sideForce[on], reviewtest.CaseOptions{})
	return reviewtest.InState(f.t, f.st, hc.C.ID, state, time.Now())
}

// action raises an action in state on a new review of the side's force.
func (f *policyFixture) action(on string, state pole.ActionState) *pole.Action {
	hc := reviewtest.NewCase(f.t, f.st, sideForce[on], reviewtest.CaseOptions{})
	return reviewtest.ActionIn(f.t, f.st, hc.C.ID, state, time.Now())
}

func itoa(n int) string { return strconv.Itoa(n) }

func newPolicyFixture(t *testing.T) *policyFixture {
	t.Helper()
	db, set, env := linkedDB(t)
	st := storetest.Open(t, db)
	f := &policyFixture{db: db, set: set, dir: t.TempDir(), records: map[string][2]string{}, labels: map[string]string{}, analyst: env,
		cases: map[string]string{}, t: t, st: st}
	for side, force := range map[string]string{"own": "west-yorkshire", "other": "lancashire"} {
		list, _, err := st.FindCases(context.Background(), pole.CaseFilter{Force: force, Limit: 1})
		if err != nil || len(list) != 1 {
			t.Fatalf("a %s case: %v (%v)", force, list, err)
		}
		f.cases[side] = list[0].ID
	}
	out := filepath.Join(f.dir, "entities.csv")
	if _, _, err := run(t, env, "link", "export", "--db", db, "--out", out, "--purpose", "fixture"); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(file).ReadAll()
	file.Close()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, r := range rows[1:] {
		for side, force := range map[string]string{"own": "west-yorkshire/", "other": "lancashire/"} {
			if strings.HasPrefix(r[0], force) && len(found[side]) < 2 {
				found[side] = append(found[side], r[0]+":"+r[1])
			}
		}
	}
	for _, side := range []string{"own", "other"} {
		if len(found[side]) < 2 {
			t.Fatalf("the data set has fewer than two %s records", side)
		}
		f.records[side] = [2]string{found[side][0], found[side][1]}
		a, b := strings.SplitN(found[side][0], ":", 2), strings.SplitN(found[side][1], ":", 2)
		path := filepath.Join(f.dir, side+"-labels.csv")
		body := "unique_id_l,source_dataset_l,unique_id_r,source_dataset_r,clerical_match_score\n" +
			a[1] + "," + a[0] + "," + b[1] + "," + b[0] + ",0\n"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		f.labels[side] = path
	}
	return f
}

var cliOperations = []cliOperation{
	{"ingest", access.SourceIngest, "one", func(f *policyFixture, on string) []string {
		force := map[string]string{"own": "west-yorkshire", "other": "lancashire"}[on]
		files, _ := filepath.Glob(filepath.Join(f.set, "exports", force, "*"))
		return append([]string{"ingest", "--db", f.db, "--profile", filepath.Join(f.set, "profiles", force+".toml")}, files...)
	}},
	{"case restrict", access.CaseRestrict, "one", func(f *policyFixture, on string) []string {
		return []string{"case", "restrict", "--db", f.db, "--lift", f.cases[on]}
	}},
	{"link", access.LinkRun, "all", func(f *policyFixture, on string) []string {
		return []string{"link", "--db", f.db}
	}},
	{"link explain", access.LinkExplain, "one", func(f *policyFixture, on string) []string {
		return []string{"link", "explain", "--db", f.db, "--purpose", "policy test", f.records[on][0], f.records[on][1]}
	}},
	{"link export", access.LinkExport, "all", func(f *policyFixture, on string) []string {
		return []string{"link", "export", "--db", f.db, "--out", filepath.Join(f.dir, "export.csv"), "--purpose", "policy test"}
	}},
	{"link review --export", access.LinkJudge, "some", func(f *policyFixture, on string) []string {
		return []string{"link", "review", "--db", f.db, "--export", filepath.Join(f.dir, "queue.csv"), "--purpose", "policy test"}
	}},
	{"link review --import", access.LinkJudge, "one", func(f *policyFixture, on string) []string {
		return []string{"link", "review", "--db", f.db, "--import", f.labels[on]}
	}},
	{"network build", access.NetworkRead, "all", func(f *policyFixture, on string) []string {
		return []string{"network", "build", "--db", f.db, "--purpose", "policy test"}
	}},
	{"network groups", access.NetworkRead, "all", func(f *policyFixture, on string) []string {
		return []string{"network", "groups", "--db", f.db, "--purpose", "policy test", "--json"}
	}},
	{"network export", access.NetworkExport, "all", func(f *policyFixture, on string) []string {
		return []string{"network", "export", "--db", f.db, "--purpose", "policy test", "--format", "json", "--out", filepath.Join(f.dir, "network.json")}
	}},
	{"refer", access.ReferralCreate, "one", func(f *policyFixture, on string) []string {
		hc := reviewtest.NewCase(f.t, f.st, sideForce[on], reviewtest.CaseOptions{})
		return []string{"refer", "--db", f.db, hc.C.ID}
	}},
	{"refer --closed", access.ReferralCreate, "some", func(f *policyFixture, on string) []string {
		return []string{"refer", "--db", f.db, "--closed"}
	}},
	{"triage", access.TriageRun, "all", func(f *policyFixture, on string) []string {
		return []string{"triage", "--db", f.db}
	}},
	{"report nature-and-scale", access.ReportProduce, "all", func(f *policyFixture, on string) []string {
		return []string{"report", "nature-and-scale", "--db", f.db, "--out", filepath.Join(f.dir, "report")}
	}},
	{"review list", access.ReviewRead, "some", func(f *policyFixture, on string) []string {
		return []string{"review", "list", "--db", f.db, "--format", "csv"}
	}},
	{"review show", access.ReviewRead, "one", func(f *policyFixture, on string) []string {
		return []string{"review", "show", "--db", f.db, f.review(on, pole.ReviewTriaged).ID}
	}},
	{"review start", access.ReviewWork, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewTriaged)
		return []string{"review", "start", "--db", f.db, "--version", itoa(r.Version), r.ID}
	}},
	{"review answer", access.ReviewWork, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewUnderReview)
		return []string{"review", "answer", "--db", f.db, "--version", itoa(r.Version), r.ID, "suspect_interviewed=not_done:no record of it"}
	}},
	{"review submit", access.ReviewWork, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewUnderReview)
		return []string{"review", "submit", "--db", f.db, "--version", itoa(r.Version), r.ID}
	}},
	{"review decide", access.ReviewDecide, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewAtPanel)
		return []string{"review", "decide", "--db", f.db, "--version", itoa(r.Version), "--decision", "reinvestigate", "--reasons", "no interview",
			"--action", "interview the suspect|2027-02-01", r.ID}
	}},
	{"review send-back", access.ReviewDecide, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewAtPanel)
		return []string{"review", "send-back", "--db", f.db, "--version", itoa(r.Version), "--note", "check the phones", r.ID}
	}},
	{"review conclude", access.ReviewConclude, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewWithForce)
		return []string{"review", "conclude", "--db", f.db, "--version", itoa(r.Version), "--outcome", "charge", r.ID}
	}},
	{"action raise", access.ActionRaise, "one", func(f *policyFixture, on string) []string {
		return []string{"action", "raise", "--db", f.db, "--title", "trace the phone", "--due", "2027-01-15", f.review(on, pole.ReviewWithForce).ID}
	}},
	{"action allocate", access.ActionAllocate, "one", func(f *policyFixture, on string) []string {
		a := f.action(on, pole.ActionRaised)
		return []string{"action", "allocate", "--db", f.db, "--version", itoa(a.Version), "--owner", "dc-smith", a.ID}
	}},
	{"action result", access.ActionResult, "one", func(f *policyFixture, on string) []string {
		a := f.action(on, pole.ActionAllocated)
		return []string{"action", "result", "--db", f.db, "--version", itoa(a.Version), "--result", "traced", a.ID}
	}},
	{"action file", access.ActionFile, "one", func(f *policyFixture, on string) []string {
		a := f.action(on, pole.ActionResulted)
		return []string{"action", "file", "--db", f.db, "--version", itoa(a.Version), a.ID}
	}},
	{"action list", access.ReviewRead, "some", func(f *policyFixture, on string) []string {
		return []string{"action", "list", "--db", f.db, "--overdue"}
	}},
	{"victim dates", access.VictimContact, "some", func(f *policyFixture, on string) []string {
		return []string{"victim", "dates", "--db", f.db, "--untold"}
	}},
	{"victim told", access.VictimContact, "one", func(f *policyFixture, on string) []string {
		r := f.review(on, pole.ReviewWithForce)
		list, err := f.st.FindVictimUpdates(context.Background(), pole.VictimUpdateFilter{ReviewID: r.ID})
		if err != nil || len(list) != 1 {
			f.t.Fatalf("the fixture's victim update: %v (%v)", list, err)
		}
		return []string{"victim", "told", "--db", f.db, "--method", "phone", list[0].ID}
	}},
	{"victim contact", access.VictimContact, "one", func(f *policyFixture, on string) []string {
		hc := reviewtest.NewCase(f.t, f.st, sideForce[on], reviewtest.CaseOptions{})
		return []string{"victim", "contact", "--db", f.db, "--method", "via_isva", "--named-contact", "ISVA Rowe", hc.Victim.ID}
	}},
	{"interest add", access.InterestRegister, "some", func(f *policyFixture, on string) []string {
		vehicleSeq++
		return []string{"interest", "add", "--db", f.db, "--kind", "vehicle", fmt.Sprintf("KX%02d ABC", vehicleSeq%100)}
	}},
	{"interest list", access.InterestRegister, "some", func(f *policyFixture, on string) []string {
		return []string{"interest", "list", "--db", f.db}
	}},
	{"user list", access.UserManage, "all", func(f *policyFixture, on string) []string {
		return []string{"user", "list", "--db", f.db}
	}},
	{"user disable", access.UserManage, "all", func(f *policyFixture, on string) []string {
		return []string{"user", "disable", "--db", f.db, "nobody-at-all"}
	}},
	{"audit verify", access.AuditVerify, "all", func(f *policyFixture, on string) []string {
		return []string{"audit", "verify", "--db", f.db}
	}},
	{"audit export", access.AuditRead, "all", func(f *policyFixture, on string) []string {
		return []string{"audit", "export", "--db", f.db, "--from", "2000-01-01", "--to", "2100-01-01", "--purpose", "policy test",
			"--out", filepath.Join(f.dir, "audit.jsonl")}
	}},
}

var vehicleSeq int

// TestEveryCommandFollowsTheWrittenTable runs every command that touches
// personal data or users as every role, on each force's data where the
// command concerns one force, and checks allow or deny against the policy
// table (access.Reaches, which TestPolicyMatchesTheWrittenTable holds to
// docs/security.md).
func TestEveryCommandFollowsTheWrittenTable(t *testing.T) {
	f := newPolicyFixture(t)
	envs := map[pole.AccessRole]map[string]string{}
	for _, role := range pole.AccessRoles {
		if role == pole.RoleNationalAnalyst {
			envs[role] = f.analyst
			continue
		}
		envs[role] = actingAs(t, f.db, role, "")
	}
	for _, op := range cliOperations {
		for _, role := range pole.AccessRoles {
			reach := access.Reaches(role, op.action)
			for _, on := range []string{"own", "other"} {
				if op.reach != "one" && on == "other" {
					continue
				}
				var want bool
				switch op.reach {
				case "one":
					want = reach == access.AnyForce || (reach == access.OwnForce && on == "own")
				case "all":
					want = reach == access.AnyForce
				case "some":
					want = reach != access.Denied
				}
				_, _, err := run(t, envs[role], op.args(f, on)...)
				refused := pole.ErrorCode(err) == pole.EFORBIDDEN || pole.ErrorCode(err) == pole.EUNAUTHORIZED
				switch {
				case want && refused:
					t.Errorf("%s as %s on %s data: refused (%v), the table allows it (%s)", op.name, role, on, err, reach)
				case want && err != nil && !(op.name == "user disable" && pole.ErrorCode(err) == pole.ENOTFOUND):
					t.Errorf("%s as %s on %s data: %v", op.name, role, on, err)
				case !want && !refused:
					t.Errorf("%s as %s on %s data: got %v, want a refusal (the table says %s)", op.name, role, on, err, reach)
				}
			}
		}
	}
}

func TestKeyRotationIsForAdministratorsOnly(t *testing.T) {
	for _, role := range pole.AccessRoles {
		db := storetest.SQLiteDSN(t)
		storetest.Open(t, db)
		env := actingAs(t, db, role, "")
		_, _, err := run(t, env, "key", "rotate", "--db", db)
		allowed := access.Reaches(role, access.KeyRotate) == access.AnyForce
		if allowed && err != nil {
			t.Errorf("key rotate as %s: %v", role, err)
		}
		if !allowed && pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Errorf("key rotate as %s: got %v, want EFORBIDDEN", role, err)
		}
	}
}

func TestACaseKeptToATeamIsChangedOnlyFromInsideTheTeam(t *testing.T) {
	f := newPolicyFixture(t)
	sup := actingAs(t, f.db, pole.RoleForceSupervisor, "west-yorkshire")
	out, _, err := run(t, sup, "case", "restrict", "--db", f.db, "--team", "op-oak", f.cases["own"])
	if err != nil || !strings.Contains(out, "kept to case team op-oak") {
		t.Fatalf("restrict: %q (%v)", out, err)
	}
	// The supervisor is not in op-oak: the case is now beyond their reach.
	if _, _, err := run(t, sup, "case", "restrict", "--db", f.db, "--lift", f.cases["own"]); pole.ErrorCode(err) != pole.EFORBIDDEN {
		t.Fatalf("lifting from outside the team: got %v, want EFORBIDDEN", err)
	}
	if _, _, err := run(t, sup, "case", "restrict", "--db", f.db, f.cases["own"]); pole.ErrorField(err) != "team" {
		t.Fatalf("neither --team nor --lift: got %v, want EINVALID on team", err)
	}
	st := storetest.Open(t, f.db)
	if team, err := st.CaseTeam(context.Background(), f.cases["own"]); err != nil || team != "op-oak" {
		t.Fatalf("the case's team: %q (%v)", team, err)
	}
}

func TestNetworkCommandsShowGroupsFindingsAPathAndExportsWithVictimsByPseudonym(t *testing.T) {
	f := newPolicyFixture(t)
	out, _, err := run(t, f.analyst, "network", "groups", "--db", f.db, "--purpose", "test", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var groups []struct {
		Offenders []string `json:"offenders"`
		Victims   []string `json:"victims"`
	}
	if err := json.Unmarshal([]byte(out), &groups); err != nil || len(groups) == 0 {
		t.Fatalf("network groups --json: %v\n%s", err, out)
	}
	g := groups[0]
	if len(g.Offenders) < 2 {
		t.Fatalf("the largest group has %d offenders, want two or more", len(g.Offenders))
	}
	for _, v := range g.Victims {
		if !strings.HasPrefix(v, "V-") {
			t.Errorf("a victim is shown as %q, not by pseudonym", v)
		}
	}
	out, _, err = run(t, f.analyst, "network", "path", "--db", f.db, "--purpose", "test", g.Offenders[0], g.Offenders[1])
	if err != nil || !strings.Contains(out, "links between") {
		t.Fatalf("network path: %v\n%s", err, out)
	}
	out, _, err = run(t, f.analyst, "network", "findings", "--db", f.db, "--purpose", "test")
	if err != nil || !strings.Contains(out, "victims linked to two or more suspects") || !strings.Contains(out, "groups across force borders") {
		t.Fatalf("network findings: %v\n%s", err, out)
	}
	if _, _, err := run(t, f.analyst, "network", "groups", "--db", f.db); pole.ErrorField(err) != "purpose" {
		t.Fatalf("no purpose: got %v, want EINVALID on purpose", err)
	}
	file := filepath.Join(t.TempDir(), "group.graphml")
	out, _, err = run(t, f.analyst, "network", "export", "--db", f.db, "--purpose", "test", "--format", "graphml", "--group", "1", "--out", file)
	if err != nil || !strings.Contains(out, "wrote group 1 as graphml") {
		t.Fatalf("network export: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(raw), "graphml.graphdrawing.org") {
		t.Fatalf("the export: %v\n%.200s", err, raw)
	}
	if _, _, err := run(t, f.analyst, "network", "export", "--db", f.db, "--purpose", "test", "--format", "pdf", "--out", file); pole.ErrorField(err) != "format" {
		t.Fatalf("an unknown format: got %v, want EINVALID on format", err)
	}
}
