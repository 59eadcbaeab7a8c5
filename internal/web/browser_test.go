package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/network"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
	"github.com/caselink/caselink/internal/web"
)

const chromium = "/usr/bin/chromium"

// uiConfig is what the browser test (web/tests/ui.mjs) is told: where the
// server is, the accounts, and what the data set holds to look for.
type uiConfig struct {
	BaseURL     string                     `json:"base_url"`
	Screenshots string                     `json:"screenshots"`
	Password    string                     `json:"password"`
	Logins      map[pole.AccessRole]string `json:"logins"`
	Force       string                     `json:"force"`
	// Search is a name as one force wrote it; Entity the person it must
	// find, whom other forces wrote otherwise.
	Search     string `json:"search"`
	Entity     string `json:"entity"`
	Records    int    `json:"records"`
	Review     string `json:"review"`
	OtherCase  string `json:"other_case"`
	OtherRef   string `json:"other_ref"`
	OtherForce string `json:"other_force"`
	// GroupNodes is how many nodes the view of group 1 has.
	GroupNodes int `json:"group_nodes"`
}

// TestTheWebInterfaceWorksInChromium drives the pages in Debian's chromium
// through playwright-core (web/tests/ui.mjs) over a linked synthetic data
// set: sign in, search a name spelled another way and find the person,
// open the profile, confirm a link, walk a review through its states as
// reviewer, panel and force, and check that a force investigator cannot
// see another force's case. Screenshots of each page are kept in
// web/test-results/screenshots.
func TestTheWebInterfaceWorksInChromium(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	required := os.Getenv("CASELINK_REQUIRE_BROWSER") != ""
	for _, need := range []string{chromium, filepath.Join(root, "web", "node_modules", "playwright-core")} {
		if _, err := os.Stat(need); err != nil {
			if required {
				t.Fatalf("CASELINK_REQUIRE_BROWSER is set but %s is missing (install chromium; npm ci --prefix web)", need)
			}
			t.Skipf("%s is missing: install chromium and run npm ci --prefix web (or set CASELINK_REQUIRE_BROWSER to make this a failure)", need)
		}
	}
	if testing.Short() {
		t.Skip("links a synthetic data set and starts a browser")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: %v", err)
	}
	ctx := context.Background()
	st := storetest.SQLite(t)
	signer, err := storetest.Keys(t).AuditSigner()
	if err != nil {
		t.Fatal(err)
	}
	alog := audit.New(st, signer, audit.Options{})
	t.Cleanup(func() { alog.Close() })
	set := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Out: set, Seed: 3, People: 800}); err != nil {
		t.Fatal(err)
	}
	if err := ingest.IngestSet(ctx, st, set, ingest.Options{LoadedBy: "browser test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := linkrun.Run(ctx, st, linkrun.Options{}); err != nil {
		t.Fatal(err)
	}
	guard := access.NewGuard(st, alog)
	desk := review.NewDesk(st, guard, nil)
	sys := access.Request{Principal: access.Principal{UserID: audit.System, Login: "browser test", Force: pole.NationalTeam,
		Roles: []pole.AccessRole{pole.RoleNationalReviewer, pole.RoleNationalAnalyst}}, Purpose: "test", Origin: "test"}
	if _, err := desk.ReferClosed(ctx, sys, "", "closed without a charge"); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Triage(ctx, sys, nil); err != nil {
		t.Fatal(err)
	}
	auth, err := access.NewAuthenticator(st, access.Config{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := uiConfig{Password: "a long enough test password", Logins: map[pole.AccessRole]string{}}
	cfg.Force = busiest(t, st)
	for _, role := range pole.AccessRoles {
		u := &pole.User{Login: "ui-" + string(role), Name: "UI " + string(role), Force: cfg.Force, Roles: []pole.AccessRole{role}}
		if !slices.Contains([]pole.AccessRole{pole.RoleForceInvestigator, pole.RoleForceSupervisor}, role) {
			u.Force = pole.NationalTeam
		}
		if err := auth.AddUser(ctx, u, cfg.Password); err != nil {
			t.Fatal(err)
		}
		cfg.Logins[role] = u.Login
	}
	pickSearch(t, st, &cfg)
	pickReviewAndOtherCase(t, st, &cfg)
	cfg.GroupNodes = firstGroupNodes(t, st)

	h, err := web.New(st, desk, guard, auth, alog, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	cfg.Screenshots = filepath.Join(root, "web", "test-results", "screenshots")
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ui.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(tctx, node, filepath.Join(root, "web", "tests", "ui.mjs"), file)
	out, err := cmd.CombinedOutput()
	t.Logf("web/tests/ui.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the browser test failed: %v", err)
	}
}

// busiest is the force that sent the most rows: the force users' own.
func busiest(t *testing.T, st *store.Store) string {
	t.Helper()
	tallies, err := st.TallySources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	best, rows := "", -1
	for _, tl := range tallies {
		if tl.Rows > rows {
			best, rows = tl.Force, tl.Rows
		}
	}
	return best
}

// pickSearch finds a linked person whose records spell their name
// differently, with a scored pair between two of them: the search looks
// for one spelling and must find the person.
func pickSearch(t *testing.T, st *store.Store, cfg *uiConfig) {
	t.Helper()
	ctx := context.Background()
	members, err := st.EntityMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byEntity := map[string][]*pole.Mention{}
	for m, err := range st.ScanMentions(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if m.Pseudonym != "" || m.Surname == "" || m.Forename == "" {
			continue
		}
		if e, ok := members[m.ID]; ok {
			byEntity[e] = append(byEntity[e], m)
		}
	}
	// In the order of each person's first record, so that the same data
	// set gives the same search: entity ids are new at every run.
	first := map[string]string{}
	ids := make([]string, 0, len(byEntity))
	for e, ms := range byEntity {
		ids = append(ids, e)
		for _, m := range ms {
			if k := m.Force + "/" + m.RecordID; first[e] == "" || k < first[e] {
				first[e] = k
			}
		}
	}
	slices.SortFunc(ids, func(x, y string) int { return strings.Compare(first[x], first[y]) })
	// Rather a transliteration (Mohammed, Muhammad, Mohd...; Hussain,
	// Hussein...), then any other spelling, than a name merely swapped
	// round.
	translit := regexp.MustCompile(`(?i)^(m[ou]h?[ae]?m+[ae]d|mohd|h[uo]s+[ae][iy]n|ahm[ae]d|y[ou]s[ue]f)$`)
	for pass := range 3 {
		swapsToo := pass == 2
		for _, e := range ids {
			ms := byEntity[e]
			for _, a := range ms {
				pairs, err := st.FindLinkPairs(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range pairs {
					k := slices.IndexFunc(ms, func(m *pole.Mention) bool { return m.ID != a.ID && (m.ID == p.A || m.ID == p.B) })
					if k < 0 {
						continue
					}
					b := ms[k]
					na := []string{strings.ToLower(a.Forename), strings.ToLower(a.Surname)}
					nb := []string{strings.ToLower(b.Forename), strings.ToLower(b.Surname)}
					if slices.Equal(na, nb) {
						continue
					}
					slices.Sort(na)
					slices.Sort(nb)
					if !swapsToo && slices.Equal(na, nb) {
						continue
					}
					if pass == 0 && !(translit.MatchString(a.Forename) && translit.MatchString(b.Forename) && !strings.EqualFold(a.Forename, b.Forename)) &&
						!(translit.MatchString(a.Surname) && translit.MatchString(b.Surname) && !strings.EqualFold(a.Surname, b.Surname)) {
						continue
					}
					cfg.Search, cfg.Entity, cfg.Records = a.Forename+" "+a.Surname, e, len(ms)
					t.Logf("search %q for person %s, written also as %q", cfg.Search, e, b.Forename+" "+b.Surname)
					return
				}
			}
		}
	}
	t.Fatal("the data set has no linked person spelled two ways with a scored pair")
}

// pickReviewAndOtherCase picks a triaged review of the force users' force,
// and a case of another force.
func pickReviewAndOtherCase(t *testing.T, st *store.Store, cfg *uiConfig) {
	t.Helper()
	ctx := context.Background()
	list, _, err := st.FindReviews(ctx, pole.ReviewFilter{Force: cfg.Force, State: pole.ReviewTriaged, ByScore: true, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no triaged review in %s (%v)", cfg.Force, err)
	}
	cfg.Review = list[0].ID
	cases, _, err := st.FindCases(ctx, pole.CaseFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Force != cfg.Force {
			f, _ := pole.ForceByCode(c.Force)
			cfg.OtherCase, cfg.OtherRef, cfg.OtherForce = c.ID, c.CrimeRef, f.Name
			return
		}
	}
	t.Fatal("every case is the force users' own")
}

// firstGroupNodes counts the nodes of the largest group under the default
// associations: its offenders, victims, cases, phones, vehicles and places.
func firstGroupNodes(t *testing.T, st *store.Store) int {
	t.Helper()
	n, err := network.Build(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := network.Groups(n, network.GroupOptions{Associations: network.CoOffending | network.SharedVictim, Seed: 1})
	if err != nil || len(groups) == 0 {
		t.Fatalf("no groups in the data set (%v)", err)
	}
	g := groups[0]
	seen := map[uint32]bool{}
	for _, part := range [][]uint32{g.Offenders, g.Victims, g.Cases, g.Phones, g.Vehicles, g.Places} {
		for _, x := range part {
			seen[x] = true
		}
	}
	t.Logf("group 1: %d offenders, %d victims, %d nodes", len(g.Offenders), len(g.Victims), len(seen))
	return len(seen)
}
