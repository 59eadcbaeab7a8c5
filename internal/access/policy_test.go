package access

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

// writtenPolicy reads the policy table of docs/security.md: for each action,
// the cell for each role.
func writtenPolicy(t *testing.T) map[Action]map[pole.AccessRole]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "security.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "<!-- policy-table -->")
	end := strings.Index(doc, "<!-- /policy-table -->")
	if start < 0 || end < start {
		t.Fatal("docs/security.md has no policy-table markers")
	}
	lines := strings.Split(strings.TrimSpace(doc[start+len("<!-- policy-table -->"):end]), "\n")
	cells := func(line string) []string {
		parts := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range parts {
			parts[i] = strings.Trim(strings.TrimSpace(parts[i]), "`")
		}
		return parts
	}
	header := cells(lines[0])
	if header[0] != "action" {
		t.Fatalf("table header starts %q, want action", header[0])
	}
	var roles []pole.AccessRole
	for _, h := range header[1:] {
		roles = append(roles, pole.AccessRole(h))
	}
	if !slices.Equal(slices.Sorted(slices.Values(roles)), slices.Sorted(slices.Values(pole.AccessRoles))) {
		t.Fatalf("table roles %v, want every role %v", roles, pole.AccessRoles)
	}
	table := map[Action]map[pole.AccessRole]string{}
	for n, line := range lines[2:] {
		c := cells(line)
		if len(c) != len(header) {
			t.Fatalf("table row %d has %d cells, want %d", n+1, len(c), len(header))
		}
		row := map[pole.AccessRole]string{}
		for i, role := range roles {
			row[role] = c[i+1]
		}
		table[Action(c[0])] = row
	}
	return table
}

func userWith(role pole.AccessRole) Principal {
	force := "west-yorkshire"
	if pole.NationalRole(role) {
		force = pole.NationalTeam
	}
	return Principal{UserID: "u-" + string(role), Login: string(role), Force: force, Roles: []pole.AccessRole{role}}
}

func TestPolicyMatchesTheWrittenTable(t *testing.T) {
	table := writtenPolicy(t)
	if len(table) != len(Actions) {
		t.Errorf("the written table has %d actions, the code %d", len(table), len(Actions))
	}
	for _, a := range Actions {
		row, ok := table[a]
		if !ok {
			t.Errorf("%s is missing from docs/security.md", a)
			continue
		}
		for _, role := range pole.AccessRoles {
			p := userWith(role)
			inside := Resource{Kind: "case", ID: "c1", Force: p.Force}
			if p.Force == pole.NationalTeam {
				inside.Force = "lancashire"
			}
			outside := Resource{Kind: "case", ID: "c2", Force: "south-yorkshire"}
			want := row[role]
			gotIn := Decide(p, a, inside).Allowed
			gotOut := Decide(p, a, outside).Allowed
			var wantIn, wantOut bool
			switch want {
			case "all":
				wantIn, wantOut = true, true
			case "own":
				wantIn = !pole.NationalRole(role) && p.Force != pole.NationalTeam
			case "-":
			default:
				t.Fatalf("%s/%s: cell %q is not all, own or -", a, role, want)
			}
			if gotIn != wantIn || gotOut != wantOut {
				t.Errorf("%s as %s: inside %v outside %v, the table says %q", a, role, gotIn, gotOut, want)
			}
			if got := Reaches(role, a).String(); got != want {
				t.Errorf("Reaches(%s, %s) = %s, the table says %s", role, a, got, want)
			}
		}
	}
}

func TestDecideDeniesAnyoneNotSignedIn(t *testing.T) {
	p := userWith(pole.RoleNationalAnalyst)
	p.UserID = ""
	if d := Decide(p, CaseRead, Resource{Force: "lancashire"}); d.Allowed {
		t.Fatalf("allowed without a user: %+v", d)
	}
}

func TestDecideDeniesAnUnknownAction(t *testing.T) {
	if d := Decide(userWith(pole.RoleNationalAnalyst), Action("case.delete_everything"), Resource{}); d.Allowed {
		t.Fatalf("allowed an unknown action: %+v", d)
	}
}

func TestDecideLimitsAListToTheUsersForce(t *testing.T) {
	d := Decide(userWith(pole.RoleForceInvestigator), CaseList, Resource{Kind: "case"})
	if !d.Allowed || d.AllForces || !slices.Equal(d.Forces, []string{"west-yorkshire"}) {
		t.Fatalf("got %+v, want allowed within west-yorkshire only", d)
	}
	d = Decide(userWith(pole.RoleNationalAnalyst), CaseList, Resource{Kind: "case"})
	if !d.Allowed || !d.AllForces {
		t.Fatalf("got %+v, want allowed across forces", d)
	}
	if d := Decide(userWith(pole.RoleAdministrator), CaseList, Resource{Kind: "case"}); d.Allowed {
		t.Fatalf("an administrator may list cases: %+v", d)
	}
}

func TestDecideNamesTheForceThatHoldsARecordOutOfReach(t *testing.T) {
	d := Decide(userWith(pole.RoleForceInvestigator), CaseRead, Resource{Kind: "case", ID: "c9", Force: "lancashire"})
	if d.Allowed || !strings.Contains(d.Reason, "held by lancashire") {
		t.Fatalf("got %+v, want denied, held by lancashire", d)
	}
}

func TestDecideKeepsATeamRecordToTheTeam(t *testing.T) {
	p := userWith(pole.RoleNationalReviewer)
	r := Resource{Kind: "case", ID: "c1", Force: "lancashire", Team: "op-oak"}
	if d := Decide(p, CaseRead, r); d.Allowed {
		t.Fatalf("a reviewer outside team op-oak read its case: %+v", d)
	}
	p.Teams = []string{"op-oak"}
	if d := Decide(p, CaseRead, r); !d.Allowed {
		t.Fatalf("a reviewer in team op-oak was refused: %+v", d)
	}
}

func TestDecideHoldsATokenToItsScopes(t *testing.T) {
	p := userWith(pole.RoleNationalAnalyst)
	p.Token, p.Scopes = true, []Scope{ScopeRead}
	r := Resource{Kind: "case", ID: "c1", Force: "lancashire"}
	if d := Decide(p, CaseRead, r); !d.Allowed {
		t.Fatalf("a read token was refused a read: %+v", d)
	}
	if d := Decide(p, LinkRun, Resource{}); d.Allowed {
		t.Fatalf("a read token ran linkage: %+v", d)
	}
	for _, a := range Actions {
		if _, ok := scopeOf[a]; !ok {
			t.Errorf("%s needs no scope: every action must name one", a)
		}
	}
}
