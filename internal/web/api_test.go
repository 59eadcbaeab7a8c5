package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/review/reviewtest"
	"github.com/caselink/caselink/internal/stats"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/web"
)

// office is the JSON API served over real HTTP, over a real SQLite store
// with a real audit log, and a user of each role holding an API token with
// every scope: force users are West Yorkshire's, national roles the
// national team's.
type office struct {
	st     *store.Store
	log    *audit.Log
	auth   *access.Authenticator
	srv    *httptest.Server
	logs   *syncBuffer // what the API logged
	tokens map[pole.AccessRole]string
	logins map[pole.AccessRole]string
	// lancsSupervisor is whom a refusal of Lancashire's records names.
	lancsSupervisor string
}

// syncBuffer is a buffer the server's goroutines write to while a test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newOffice(t *testing.T) *office {
	t.Helper()
	st := storetest.SQLite(t)
	signer, err := storetest.Keys(t).AuditSigner()
	if err != nil {
		t.Fatal(err)
	}
	o := &office{st: st, logs: &syncBuffer{}, tokens: map[pole.AccessRole]string{}, logins: map[pole.AccessRole]string{}}
	o.log = audit.New(st, signer, audit.Options{})
	t.Cleanup(func() { o.log.Close() })
	guard := access.NewGuard(st, o.log)
	desk := review.NewDesk(st, guard, nil)
	if o.auth, err = access.NewAuthenticator(st, access.Config{}); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := web.New(st, desk, guard, o.auth, o.log, logger)
	if err != nil {
		t.Fatal(err)
	}
	o.srv = httptest.NewServer(h)
	t.Cleanup(o.srv.Close) // before the audit log closes
	for _, role := range pole.AccessRoles {
		force := "west-yorkshire"
		if pole.NationalRole(role) {
			force = pole.NationalTeam
		}
		u, token := o.user(t, role, force, access.Scopes)
		o.tokens[role], o.logins[role] = token, u.Login
	}
	u, _ := o.user(t, pole.RoleForceSupervisor, "lancashire", access.Scopes)
	o.lancsSupervisor = u.Name
	return o
}

var userSeq atomic.Int64

// user adds a user of role in force and issues them a token with scopes.
func (o *office) user(t *testing.T, role pole.AccessRole, force string, scopes []access.Scope) (*pole.User, string) {
	t.Helper()
	ctx := context.Background()
	n := userSeq.Add(1)
	u := &pole.User{Login: fmt.Sprintf("%s-%s-%d", role, force, n), Name: fmt.Sprintf("%s %d of %s", role, n, force), Force: force, Roles: []pole.AccessRole{role}}
	if err := o.auth.AddUser(ctx, u, "a long enough test password"); err != nil {
		t.Fatalf("add %s: %v", u.Login, err)
	}
	tok, err := o.auth.IssueToken(ctx, u.ID, "test", scopes, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return u, tok.Token
}

// answer is one response, its body kept.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// apiError is the error body every refusal carries.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
	HeldBy *struct {
		Force    string   `json:"force"`
		Contacts []string `json:"contacts"`
	} `json:"held_by"`
}

// send makes one request as the holder of token ("" for none). body is
// sent as JSON; a string is sent as it is; nil sends none.
func (o *office) send(t *testing.T, token, method, path string, body any, header ...string) answer {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, o.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := o.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// as makes a request as role.
func (o *office) as(t *testing.T, role pole.AccessRole, method, path string, body any) answer {
	t.Helper()
	return o.send(t, o.tokens[role], method, path, body)
}

// into decodes the answer's body, failing the test unless its status is
// want.
func (a answer) into(t *testing.T, want int, v any) {
	t.Helper()
	if a.status != want {
		t.Fatalf("status %d, want %d: %s", a.status, want, a.body)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("the body %q: %v", a.body, err)
	}
}

func (a answer) err(t *testing.T) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("status %d: the body %q is not an error (%v)", a.status, a.body, err)
	}
	return e
}

// fixtures: each trial stores its own case in the state it needs.

func (o *office) newCase(t *testing.T, force string) reviewtest.Case {
	t.Helper()
	return reviewtest.NewCase(t, o.st, force, reviewtest.CaseOptions{})
}

func (o *office) reviewIn(t *testing.T, force string, state pole.ReviewState) *pole.Review {
	t.Helper()
	return reviewtest.InState(t, o.st, o.newCase(t, force).C.ID, state, time.Now())
}

func (o *office) actionIn(t *testing.T, force string, state pole.ActionState) *pole.Action {
	t.Helper()
	return reviewtest.ActionIn(t, o.st, o.newCase(t, force).C.ID, state, time.Now())
}

var phoneSeq atomic.Int64

// apiRoute is one route of the API, tried as a role on a force's data.
type apiRoute struct {
	name   string
	action access.Action
	// reach: "one" for a route on one force's record, "some" for a list
	// or registration the policy narrows to the forces it reaches, "all"
	// for a route that needs every force, "any" for a page every
	// signed-in user has (action is then empty). A body of url.Values is
	// sent as a form.
	reach string
	req   func(t *testing.T, o *office, force string) (method, path string, body any)
}

var apiRoutes = []apiRoute{
	{"GET /api/reviews", access.ReviewRead, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/reviews?order=score&limit=10", nil
	}},
	{"GET /api/reviews/{id}", access.ReviewRead, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/reviews/" + o.reviewIn(t, force, pole.ReviewTriaged).ID, nil
	}},
	{"POST /api/referrals", access.ReferralCreate, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		return "POST", "/api/referrals", map[string]any{"case_id": o.newCase(t, force).C.ID, "reason": "test"}
	}},
	{"POST /api/referrals closed", access.ReferralCreate, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "POST", "/api/referrals", map[string]any{"closed": true}
	}},
	{"POST /api/triage", access.TriageRun, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "POST", "/api/triage", map[string]any{}
	}},
	{"POST /api/reviews/{id}/start", access.ReviewWork, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewTriaged)
		return "POST", "/api/reviews/" + r.ID + "/start", map[string]any{"version": r.Version}
	}},
	{"POST /api/reviews/{id}/answers", access.ReviewWork, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewUnderReview)
		return "POST", "/api/reviews/" + r.ID + "/answers", map[string]any{"version": r.Version,
			"answers": map[string]any{"suspect_interviewed": map[string]string{"answer": "not_done", "note": "no record of it"}}}
	}},
	{"POST /api/reviews/{id}/submit", access.ReviewWork, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewUnderReview)
		return "POST", "/api/reviews/" + r.ID + "/submit", map[string]any{"version": r.Version}
	}},
	{"POST /api/reviews/{id}/decision", access.ReviewDecide, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewAtPanel)
		return "POST", "/api/reviews/" + r.ID + "/decision", map[string]any{"version": r.Version, "decision": "reinvestigate",
			"reasons": "lines not followed", "actions": []map[string]string{{"title": "interview the suspect", "due": "2027-02-01"}}}
	}},
	{"POST /api/reviews/{id}/send-back", access.ReviewDecide, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewAtPanel)
		return "POST", "/api/reviews/" + r.ID + "/send-back", map[string]any{"version": r.Version, "note": "look again at the phones"}
	}},
	{"POST /api/reviews/{id}/conclusion", access.ReviewConclude, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		return "POST", "/api/reviews/" + r.ID + "/conclusion", map[string]any{"version": r.Version, "outcome": "charge"}
	}},
	{"GET /api/actions", access.ReviewRead, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/actions?overdue=true", nil
	}},
	{"POST /api/reviews/{id}/actions", access.ActionRaise, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		return "POST", "/api/reviews/" + r.ID + "/actions", map[string]any{"title": "trace the phone", "due": "2027-01-15"}
	}},
	{"POST /api/actions/{id}/allocate", access.ActionAllocate, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		a := o.actionIn(t, force, pole.ActionRaised)
		return "POST", "/api/actions/" + a.ID + "/allocate", map[string]any{"version": a.Version, "owner": "dc-smith"}
	}},
	{"POST /api/actions/{id}/result", access.ActionResult, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		a := o.actionIn(t, force, pole.ActionAllocated)
		return "POST", "/api/actions/" + a.ID + "/result", map[string]any{"version": a.Version, "result": "phone traced to the suspect"}
	}},
	{"POST /api/actions/{id}/file", access.ActionFile, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		a := o.actionIn(t, force, pole.ActionResulted)
		return "POST", "/api/actions/" + a.ID + "/file", map[string]any{"version": a.Version}
	}},
	{"GET /api/victim-updates", access.VictimContact, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/victim-updates?untold=true&overdue=false", nil
	}},
	{"POST /api/victim-updates/{id}/told", access.VictimContact, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		list, err := o.st.FindVictimUpdates(context.Background(), pole.VictimUpdateFilter{ReviewID: r.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("the fixture's victim update: %v (%v)", list, err)
		}
		return "POST", "/api/victim-updates/" + list[0].ID + "/told", map[string]any{"method": "phone"}
	}},
	{"PUT /api/victims/{record_id}/contact", access.VictimContact, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		return "PUT", "/api/victims/" + o.newCase(t, force).Victim.ID + "/contact", map[string]any{"method": "phone", "named_contact": "DC Ash"}
	}},
	{"POST /api/interests", access.InterestRegister, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "POST", "/api/interests", map[string]any{"kind": "phone", "value": fmt.Sprintf("07700 900%03d", phoneSeq.Add(1)%1000), "reason": "test"}
	}},
	{"GET /api/interests", access.InterestRegister, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/interests", nil
	}},
	{"GET /api/report/nature-and-scale", access.ReportProduce, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/report/nature-and-scale", nil
	}},
	{"GET /api/dashboard", "none", "any", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/dashboard", nil
	}},
	{"GET /api/search", access.PersonSearch, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/search?name=Brightwater", nil
	}},
	{"GET /api/people/{id}", access.PersonRead, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		_, id := o.linked(t, force)
		return "GET", "/api/people/" + id, nil
	}},
	{"GET /api/cases/{id}", access.CaseRead, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/cases/" + o.newCase(t, force).C.ID, nil
	}},
	{"GET /api/links/review", access.LinkJudge, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		o.linked(t, force)
		return "GET", "/api/links/review", nil
	}},
	{"GET /api/groups", access.NetworkRead, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		o.linked(t, force)
		return "GET", "/api/groups?assoc=co_offending", nil
	}},
	{"GET /api/audit", access.AuditRead, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/audit?action=consultation", nil
	}},
	{"GET /api/users", access.UserManage, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/users", nil
	}},
	{"GET /api/network", access.NetworkRead, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		_, id := o.linked(t, force)
		return "GET", "/api/network?person=" + id + "&depth=2", nil
	}},
	{"GET /api/network/export", access.NetworkExport, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		_, id := o.linked(t, force)
		return "GET", "/api/network/export?format=graphml&person=" + id, nil
	}},
	{"GET /api/notices", access.InterestRegister, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/api/notices", nil
	}},
}

// TestEveryAPIRouteFollowsThePolicyTable tries every route of the API as
// every role, on West Yorkshire's data (the force users' own) and on
// Lancashire's, and checks allowed (2xx) or refused (403) against the
// policy table, as the desk's own test does. A refusal because another
// force holds the record names that force and whom there to contact.
func TestEveryAPIRouteFollowsThePolicyTable(t *testing.T) {
	tryRoutes(t, newOffice(t), apiRoutes)
}

// tryRoutes tries each route as every role on each side and checks the
// answer against the policy table.
func tryRoutes(t *testing.T, o *office, routes []apiRoute) {
	t.Helper()
	for _, route := range routes {
		for _, role := range pole.AccessRoles {
			reach := access.Reaches(role, route.action)
			for _, side := range []string{"west-yorkshire", "lancashire"} {
				if route.reach != "one" && side == "lancashire" {
					continue
				}
				var want bool
				switch route.reach {
				case "one":
					want = reach == access.AnyForce || reach == access.OwnForce && side == "west-yorkshire"
				case "some":
					want = reach != access.Denied
				case "all":
					want = reach == access.AnyForce
				case "any":
					want = true
				}
				method, path, body := route.req(t, o, side)
				var got answer
				if form, ok := body.(url.Values); ok {
					got = o.send(t, o.tokens[role], method, path, form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
				} else {
					got = o.as(t, role, method, path, body)
				}
				switch {
				case want && (got.status < 200 || got.status > 299):
					t.Errorf("%s as %s on %s: got %d %s, want 2xx: the table allows it (%s)", route.name, role, side, got.status, got.body, reach)
				case !want && got.status != http.StatusForbidden:
					t.Errorf("%s as %s on %s: got %d %s, want 403: the table says %s", route.name, role, side, got.status, got.body, reach)
				case !want:
					e := got.err(t)
					if e.Error.Code != pole.EFORBIDDEN {
						t.Errorf("%s as %s on %s: got code %q, want %q", route.name, role, side, e.Error.Code, pole.EFORBIDDEN)
					}
					if reach == access.OwnForce && side == "lancashire" &&
						(e.HeldBy == nil || e.HeldBy.Force != "lancashire" || !slices.Contains(e.HeldBy.Contacts, o.lancsSupervisor)) {
						t.Errorf("%s as %s on %s: got held_by %+v, want Lancashire and %q to contact", route.name, role, side, e.HeldBy, o.lancsSupervisor)
					}
				}
			}
		}
	}
}

// review is what the API answers for a review.
type reviewOut struct {
	ID        string `json:"id"`
	Force     string `json:"force"`
	State     string `json:"state"`
	Reviewer  string `json:"reviewer"`
	Version   int    `json:"version"`
	Checklist map[string]struct {
		Answer string `json:"answer"`
	} `json:"checklist"`
}

type actionOut struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Owner   string `json:"owner"`
	Due     string `json:"due"`
	Force   string `json:"force"`
	Version int    `json:"version"`
}

type detailOut struct {
	Review reviewOut `json:"review"`
	Triage *struct {
		Score   int    `json:"score"`
		Rules   string `json:"rules"`
		Reasons []struct {
			Rule     string `json:"rule"`
			Weight   int    `json:"weight"`
			Says     string `json:"says"`
			Evidence []struct {
				Kind string `json:"kind"`
			} `json:"evidence"`
		} `json:"reasons"`
	} `json:"triage"`
	History []struct {
		From string `json:"from"`
		To   string `json:"to"`
		By   string `json:"by"`
	} `json:"history"`
	Actions       []actionOut `json:"actions"`
	VictimUpdates []struct {
		ID        string  `json:"id"`
		MentionID string  `json:"mention_id"`
		Pseudonym string  `json:"pseudonym"`
		ToldAt    *string `json:"told_at"`
	} `json:"victim_updates"`
}

func TestAReviewWalksThroughTheAPIFromReferralToOutcome(t *testing.T) {
	o := newOffice(t)
	hc := o.newCase(t, "west-yorkshire")
	const (
		sup      = pole.RoleForceSupervisor
		inv      = pole.RoleForceInvestigator
		analyst  = pole.RoleNationalAnalyst
		reviewer = pole.RoleNationalReviewer
		panel    = pole.RolePanelMember
	)
	var r reviewOut
	o.as(t, sup, "POST", "/api/referrals", map[string]any{"case_id": hc.C.ID, "reason": "closed on outcome 16; victim was 13"}).into(t, http.StatusCreated, &r)
	if r.State != "referred" || r.Force != "west-yorkshire" || r.Version < 1 {
		t.Fatalf("the referral: got %+v, want a referred West Yorkshire review", r)
	}
	if got := o.as(t, sup, "POST", "/api/referrals", map[string]any{"case_id": hc.C.ID}); got.status != http.StatusConflict {
		t.Fatalf("a second referral of the case: got %d %s, want 409", got.status, got.body)
	}
	var sum struct {
		Scored   int    `json:"scored"`
		Promoted int    `json:"promoted"`
		Rules    string `json:"rules"`
	}
	o.as(t, analyst, "POST", "/api/triage", nil).into(t, http.StatusOK, &sum)
	if sum.Scored != 1 || sum.Promoted != 1 || sum.Rules == "" {
		t.Fatalf("triage: got %+v, want one scored and promoted with a rule set named", sum)
	}
	var d detailOut
	o.as(t, reviewer, "GET", "/api/reviews/"+r.ID, nil).into(t, http.StatusOK, &d)
	if d.Review.State != "triaged" || d.Triage == nil || d.Triage.Score == 0 || len(d.Triage.Reasons) == 0 || d.Triage.Rules != sum.Rules {
		t.Fatalf("after triage: got %+v, want triaged with a score and its reasons", d)
	}
	evidence := 0
	for _, rs := range d.Triage.Reasons {
		if rs.Rule == "" || rs.Weight == 0 || rs.Says == "" {
			t.Fatalf("a reason without its rule, weight or words: %+v", rs)
		}
		evidence += len(rs.Evidence)
	}
	if evidence == 0 {
		t.Fatalf("no reason of %+v carries evidence", d.Triage.Reasons)
	}
	r = d.Review
	step := func(role pole.AccessRole, path string, body map[string]any) reviewOut {
		t.Helper()
		body["version"] = r.Version
		var next reviewOut
		o.as(t, role, "POST", "/api/reviews/"+r.ID+"/"+path, body).into(t, http.StatusOK, &next)
		if next.Version <= r.Version {
			t.Fatalf("%s: version %d, want above %d", path, next.Version, r.Version)
		}
		return next
	}
	if r = step(reviewer, "start", map[string]any{}); r.State != "under_review" || r.Reviewer != o.logins[reviewer] {
		t.Fatalf("start: got %+v, want under review by %s", r, o.logins[reviewer])
	}
	// A stale version is refused, and changes nothing.
	stale := o.as(t, reviewer, "POST", "/api/reviews/"+r.ID+"/answers", map[string]any{"version": r.Version - 1,
		"answers": map[string]any{"suspect_interviewed": map[string]string{"answer": "done"}}})
	if stale.status != http.StatusConflict || stale.err(t).Error.Code != "conflict" {
		t.Fatalf("an answer on a stale version: got %d %s, want 409 with code conflict", stale.status, stale.body)
	}
	answers := map[string]any{}
	for item := range reviewtest.Checklist() {
		answers[item] = map[string]string{"answer": "not_done"}
	}
	if r = step(reviewer, "answers", map[string]any{"answers": answers}); len(r.Checklist) != len(pole.ChecklistItems) {
		t.Fatalf("answers: got %d items answered, want %d", len(r.Checklist), len(pole.ChecklistItems))
	}
	if r = step(reviewer, "submit", map[string]any{"note": "ready"}); r.State != "at_panel" {
		t.Fatalf("submit: got %s, want at_panel", r.State)
	}
	if r = step(panel, "send-back", map[string]any{"note": "check the phone records"}); r.State != "under_review" {
		t.Fatalf("send back: got %s, want under_review", r.State)
	}
	r = step(reviewer, "submit", map[string]any{"note": "phones checked"})
	if got := o.as(t, panel, "POST", "/api/reviews/"+r.ID+"/decision", map[string]any{"version": r.Version, "decision": "reinvestigate",
		"reasons": "suspect never interviewed"}); got.status != http.StatusUnprocessableEntity || got.err(t).Error.Field != "actions" {
		t.Fatalf("reinvestigate without actions: got %d %s, want 422 on actions", got.status, got.body)
	}
	r = step(panel, "decision", map[string]any{"decision": "reinvestigate", "reasons": "suspect never interviewed",
		"actions": []map[string]string{{"title": "interview the suspect under caution", "due": "2027-01-29"}}})
	if r.State != "with_force" {
		t.Fatalf("decision: got %s, want with_force", r.State)
	}
	o.as(t, sup, "GET", "/api/reviews/"+r.ID, nil).into(t, http.StatusOK, &d)
	if len(d.Actions) != 1 || len(d.VictimUpdates) != 1 || d.Actions[0].Force != "west-yorkshire" || d.Actions[0].Due != "2027-01-29" {
		t.Fatalf("after the decision: got %+v, want one action for West Yorkshire and one victim to tell", d)
	}
	vu := d.VictimUpdates[0]
	if vu.Pseudonym == "" || vu.ToldAt != nil || strings.Contains(string(o.as(t, sup, "GET", "/api/reviews/"+r.ID, nil).body), "Oakhanger") {
		t.Fatalf("the victim to tell: got %+v, want them by pseudonym, untold, and never by name", vu)
	}
	if got := o.as(t, sup, "POST", "/api/reviews/"+r.ID+"/conclusion", map[string]any{"version": r.Version, "outcome": "charge"}); got.status != http.StatusConflict {
		t.Fatalf("a conclusion with an action open: got %d %s, want 409", got.status, got.body)
	}
	act := d.Actions[0]
	actStep := func(role pole.AccessRole, path string, body map[string]any) actionOut {
		t.Helper()
		body["version"] = act.Version
		var next actionOut
		o.as(t, role, "POST", "/api/actions/"+act.ID+"/"+path, body).into(t, http.StatusOK, &next)
		return next
	}
	if act = actStep(sup, "allocate", map[string]any{"owner": o.logins[inv]}); act.State != "allocated" || act.Owner != o.logins[inv] {
		t.Fatalf("allocate: got %+v", act)
	}
	var overdue struct {
		Actions []actionOut `json:"actions"`
	}
	o.as(t, sup, "GET", "/api/actions?review="+r.ID, nil).into(t, http.StatusOK, &overdue)
	if len(overdue.Actions) != 1 || overdue.Actions[0].ID != act.ID {
		t.Fatalf("the review's actions: got %+v, want the one allocated", overdue.Actions)
	}
	if act = actStep(inv, "result", map[string]any{"result": "interviewed; no comment"}); act.State != "resulted" {
		t.Fatalf("result: got %+v", act)
	}
	if act = actStep(sup, "file", map[string]any{}); act.State != "filed" {
		t.Fatalf("file: got %+v", act)
	}
	if got := o.as(t, sup, "POST", "/api/reviews/"+r.ID+"/conclusion", map[string]any{"version": r.Version, "outcome": "nfa"}); got.status != http.StatusUnprocessableEntity || got.err(t).Error.Field != "reasons" {
		t.Fatalf("no further action again without reasons: got %d %s, want 422 on reasons", got.status, got.body)
	}
	if r = step(sup, "conclusion", map[string]any{"outcome": "charge", "reasons": "charged with rape of a child under 13"}); r.State != "concluded" {
		t.Fatalf("conclusion: got %s, want concluded", r.State)
	}
	var told struct {
		ToldAt *time.Time `json:"told_at"`
		Method string     `json:"method"`
	}
	o.as(t, sup, "POST", "/api/victim-updates/"+vu.ID+"/told", map[string]any{"method": "phone"}).into(t, http.StatusOK, &told)
	if told.ToldAt == nil || told.Method != "phone" {
		t.Fatalf("told: got %+v, want a time and the method", told)
	}
	var contact struct {
		MentionID string `json:"mention_id"`
		Method    string `json:"method"`
		Force     string `json:"force"`
	}
	o.as(t, sup, "PUT", "/api/victims/"+vu.MentionID+"/contact", map[string]any{"method": "via_isva", "named_contact": "ISVA Rowe"}).into(t, http.StatusOK, &contact)
	if contact.MentionID != vu.MentionID || contact.Method != "via_isva" || contact.Force != "west-yorkshire" {
		t.Fatalf("contact: got %+v", contact)
	}
	o.as(t, reviewer, "GET", "/api/reviews/"+r.ID, nil).into(t, http.StatusOK, &d)
	var path []string
	for _, tr := range d.History {
		path = append(path, tr.To)
	}
	want := []string{"referred", "triaged", "under_review", "at_panel", "under_review", "at_panel", "with_force", "concluded"}
	if !slices.Equal(path, want) {
		t.Fatalf("history: got %v, want %v", path, want)
	}
	if len(d.VictimUpdates) != 2 {
		t.Fatalf("victim updates: got %d, want one for the panel's decision and one for the outcome", len(d.VictimUpdates))
	}
}

func TestTheAPIListsOnlyWhatTheCallerReaches(t *testing.T) {
	o := newOffice(t)
	own, other := o.reviewIn(t, "west-yorkshire", pole.ReviewTriaged), o.reviewIn(t, "lancashire", pole.ReviewTriaged)
	ids := func(role pole.AccessRole) []string {
		var list struct {
			Total   int         `json:"total"`
			Reviews []reviewOut `json:"reviews"`
		}
		o.as(t, role, "GET", "/api/reviews?order=referred", nil).into(t, http.StatusOK, &list)
		var out []string
		for _, r := range list.Reviews {
			out = append(out, r.ID)
		}
		if list.Total != len(out) {
			t.Fatalf("as %s: total %d, want the %d listed", role, list.Total, len(out))
		}
		return out
	}
	if got := ids(pole.RoleForceInvestigator); !slices.Equal(got, []string{own.ID}) {
		t.Fatalf("a West Yorkshire investigator's queue: got %v, want only %s", got, own.ID)
	}
	if got := ids(pole.RoleNationalReviewer); !slices.Equal(got, []string{own.ID, other.ID}) {
		t.Fatalf("a national reviewer's queue: got %v, want %v", got, []string{own.ID, other.ID})
	}
	var page struct {
		Total   int         `json:"total"`
		Reviews []reviewOut `json:"reviews"`
	}
	o.as(t, pole.RoleNationalReviewer, "GET", "/api/reviews?order=referred&limit=1&offset=1", nil).into(t, http.StatusOK, &page)
	if page.Total != 2 || len(page.Reviews) != 1 || page.Reviews[0].ID != other.ID {
		t.Fatalf("the second page of one: got %+v, want %s of 2", page, other.ID)
	}
}

// loginFailures counts the refused tokens in the audit log, from origin.
func loginFailures(t *testing.T, st *store.Store, origin string) int {
	t.Helper()
	n := 0
	for row, err := range st.ScanAudit(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		if row.Action == string(audit.LoginFailed) && row.Outcome == string(audit.Denied) && row.Origin == origin {
			n++
		}
	}
	return n
}

func TestTheAPIRefusesARequestWithoutAValidTokenAndRecordsAWrongOne(t *testing.T) {
	o := newOffice(t)
	before := loginFailures(t, o.st, "127.0.0.1")
	none := o.send(t, "", "GET", "/api/reviews", nil)
	if none.status != http.StatusUnauthorized || !strings.HasPrefix(none.header.Get("WWW-Authenticate"), "Bearer") || none.err(t).Error.Code != pole.EUNAUTHORIZED {
		t.Fatalf("no token: got %d %q %s, want 401 with WWW-Authenticate: Bearer", none.status, none.header.Get("WWW-Authenticate"), none.body)
	}
	if got := loginFailures(t, o.st, "127.0.0.1"); got != before {
		t.Fatalf("no token: %d refusals recorded, want %d (nothing was presented)", got, before)
	}
	for _, token := range []string{"clk_" + strings.Repeat("A", 43), "not-a-token"} {
		wrong := o.send(t, token, "GET", "/api/reviews", nil)
		if wrong.status != http.StatusUnauthorized || !strings.Contains(wrong.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Fatalf("token %q: got %d %q %s, want 401 with error=\"invalid_token\"", token, wrong.status, wrong.header.Get("WWW-Authenticate"), wrong.body)
		}
		before++
		if got := loginFailures(t, o.st, "127.0.0.1"); got != before {
			t.Fatalf("token %q: %d refused tokens in the audit log from 127.0.0.1, want %d", token, got, before)
		}
	}
	// A token's scopes bind as well as its holder's roles.
	_, readOnly := o.user(t, pole.RoleNationalReviewer, pole.NationalTeam, []access.Scope{access.ScopeRead})
	if got := o.send(t, readOnly, "GET", "/api/reviews", nil); got.status != http.StatusOK {
		t.Fatalf("a read token reading the queue: got %d %s, want 200", got.status, got.body)
	}
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewTriaged)
	if got := o.send(t, readOnly, "POST", "/api/reviews/"+r.ID+"/start", map[string]any{"version": r.Version}); got.status != http.StatusForbidden {
		t.Fatalf("a read token starting a review: got %d %s, want 403", got.status, got.body)
	}
}

func TestTheAPIRefusesABodyOrQueryItCannotRead(t *testing.T) {
	o := newOffice(t)
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewUnderReview)
	path := "/api/reviews/" + r.ID + "/submit"
	for _, tc := range []struct {
		name   string
		body   string
		ctype  string
		status int
		field  string
	}{
		{"an unknown field", `{"version":1,"colour":"red"}`, "application/json", http.StatusBadRequest, "colour"},
		{"a field of the wrong type", `{"version":"1"}`, "application/json", http.StatusBadRequest, "version"},
		{"not JSON", `{"version":`, "application/json", http.StatusBadRequest, ""},
		{"two values", `{"version":1}{}`, "application/json", http.StatusBadRequest, ""},
		{"an array", `[1]`, "application/json", http.StatusBadRequest, ""},
		{"a NUL in a note", `{"version":1,"note":"a\u0000b"}`, "application/json", http.StatusBadRequest, "note"},
		{"a form", `version=1`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, "Content-Type"},
		{"more than 1 MiB", `{"version":1,"note":"` + strings.Repeat("x", 1<<20) + `"}`, "application/json", http.StatusRequestEntityTooLarge, ""},
		{"no version", `{}`, "application/json", http.StatusUnprocessableEntity, "version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := o.send(t, o.tokens[pole.RoleNationalReviewer], "POST", path, tc.body, "Content-Type", tc.ctype)
			if got.status != tc.status {
				t.Fatalf("got %d %s, want %d", got.status, got.body, tc.status)
			}
			if e := got.err(t); e.Error.Field != tc.field || e.Error.Message == "" {
				t.Fatalf("got field %q (%q), want %q with a message", e.Error.Field, e.Error.Message, tc.field)
			}
		})
	}
	after, err := o.st.FindReviewByID(context.Background(), r.ID)
	if err != nil || after.Version != r.Version || after.State != pole.ReviewUnderReview {
		t.Fatalf("after bad bodies: got %+v (%v), want the review unchanged", after, err)
	}
	for q, field := range map[string]string{"?order=worst": "order", "?limit=many": "limit", "?limit=5000": "limit", "?colour=red": "colour", "?state=lost": "state"} {
		got := o.as(t, pole.RoleNationalReviewer, "GET", "/api/reviews"+q, nil)
		if got.status != http.StatusBadRequest || got.err(t).Error.Field != field {
			t.Fatalf("GET /api/reviews%s: got %d %s, want 400 on %s", q, got.status, got.body, field)
		}
	}
}

func TestTheAPIRefusesACrossSitePostFromABrowser(t *testing.T) {
	o := newOffice(t)
	hc := o.newCase(t, "west-yorkshire")
	got := o.send(t, o.tokens[pole.RoleForceSupervisor], "POST", "/api/referrals", map[string]any{"case_id": hc.C.ID},
		"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if got.status != http.StatusForbidden || got.err(t).Error.Code != pole.EFORBIDDEN {
		t.Fatalf("a cross-site POST: got %d %s, want 403", got.status, got.body)
	}
	if list, _, err := o.st.FindReviews(context.Background(), pole.ReviewFilter{CaseID: hc.C.ID}); err != nil || len(list) != 0 {
		t.Fatalf("after a cross-site POST: got reviews %v (%v), want none", list, err)
	}
	if got := o.send(t, o.tokens[pole.RoleForceSupervisor], "GET", "/api/reviews", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); got.status != http.StatusOK {
		t.Fatalf("a cross-site GET, which changes nothing: got %d %s, want 200", got.status, got.body)
	}
	if got := o.send(t, o.tokens[pole.RoleForceSupervisor], "POST", "/api/referrals", map[string]any{"case_id": hc.C.ID}); got.status != http.StatusCreated {
		t.Fatalf("the same POST from an API client: got %d %s, want 201", got.status, got.body)
	}
}

func TestEveryAPIResponseCarriesTheSecurityHeaders(t *testing.T) {
	o := newOffice(t)
	want := map[string]string{
		"Content-Type":            "application/json; charset=utf-8",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Referrer-Policy":         "no-referrer",
	}
	reviewer := o.tokens[pole.RoleNationalReviewer]
	for _, tc := range []struct {
		name         string
		token        string
		method, path string
		body         any
		header       []string
		status       int
	}{
		{"health", "", "GET", "/healthz", nil, nil, http.StatusOK},
		{"a list", reviewer, "GET", "/api/reviews", nil, nil, http.StatusOK},
		{"no token", "", "GET", "/api/reviews", nil, nil, http.StatusUnauthorized},
		{"no such route", reviewer, "GET", "/api/nothing", nil, nil, http.StatusNotFound},
		{"no such review", reviewer, "GET", "/api/reviews/0190a4c2-0000-7000-8000-000000000000", nil, nil, http.StatusNotFound},
		{"the wrong method", reviewer, "DELETE", "/api/reviews", nil, nil, http.StatusMethodNotAllowed},
		{"a bad body", reviewer, "POST", "/api/triage", `{"rules":"mine"}`, nil, http.StatusBadRequest},
		{"refused by the policy", o.tokens[pole.RoleAuditor], "GET", "/api/reviews", nil, nil, http.StatusForbidden},
		{"cross-site", reviewer, "POST", "/api/triage", map[string]any{}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	} {
		got := o.send(t, tc.token, tc.method, tc.path, tc.body, tc.header...)
		if got.status != tc.status {
			t.Errorf("%s: got %d %s, want %d", tc.name, got.status, got.body, tc.status)
		}
		for h, v := range want {
			if got.header.Get(h) != v {
				t.Errorf("%s: %s is %q, want %q", tc.name, h, got.header.Get(h), v)
			}
		}
		if !json.Valid(got.body) {
			t.Errorf("%s: the body %q is not JSON", tc.name, got.body)
		}
	}
	if got := o.send(t, reviewer, "DELETE", "/api/reviews", nil); got.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("405's Allow: got %q, want %q", got.header.Get("Allow"), "GET, HEAD")
	}
}

func TestAnInternalErrorInTheAPIIsLoggedButNotShown(t *testing.T) {
	o := newOffice(t)
	token := o.tokens[pole.RoleNationalReviewer]
	if err := o.st.Close(); err != nil {
		t.Fatal(err)
	}
	got := o.send(t, token, "GET", "/api/reviews", nil)
	if got.status != http.StatusInternalServerError {
		t.Fatalf("with the database closed: got %d %s, want 500", got.status, got.body)
	}
	e := got.err(t)
	if e.Error.Code != pole.EINTERNAL || strings.Contains(strings.ToLower(e.Error.Message), "sql") || strings.Contains(e.Error.Message, "closed") {
		t.Fatalf("the answer %q gives away the detail, or is not internal", got.body)
	}
	ref := e.Error.Message[strings.LastIndex(e.Error.Message, " ")+1:]
	logged := o.logs.String()
	if !strings.Contains(logged, "reference="+ref) || !strings.Contains(logged, "database is closed") {
		t.Fatalf("the log does not hold reference %s with the detail:\n%s", ref, logged)
	}
}

func TestTheAPIRecordsThePurposeGivenAndTheClientsAddress(t *testing.T) {
	o := newOffice(t)
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewTriaged)
	got := o.send(t, o.tokens[pole.RoleNationalReviewer], "POST", "/api/reviews/"+r.ID+"/start", map[string]any{"version": r.Version},
		web.PurposeHeader, "Operation Oak: review of 2013 referrals")
	if got.status != http.StatusOK {
		t.Fatalf("start: got %d %s, want 200", got.status, got.body)
	}
	found := false
	for row, err := range o.st.ScanAudit(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		if row.Action == string(audit.Alteration) && slices.Contains(row.RecordIDs, r.ID) {
			found = true
			if row.Purpose != "Operation Oak: review of 2013 referrals" || row.Origin != "127.0.0.1" || row.ActorLogin != o.logins[pole.RoleNationalReviewer] {
				t.Fatalf("the audit entry: got purpose %q, origin %q, login %q; want the purpose given, 127.0.0.1 and %s",
					row.Purpose, row.Origin, row.ActorLogin, o.logins[pole.RoleNationalReviewer])
			}
		}
	}
	if !found {
		t.Fatalf("no alteration of review %s in the audit log", r.ID)
	}
	bad := o.send(t, o.tokens[pole.RoleNationalReviewer], "GET", "/api/reviews", nil, web.PurposeHeader, strings.Repeat("why ", 200))
	if bad.status != http.StatusBadRequest || bad.err(t).Error.Field != web.PurposeHeader {
		t.Fatalf("a purpose of 800 bytes: got %d %s, want 400 on %s", bad.status, bad.body, web.PurposeHeader)
	}
}

func TestAnAddressSendingRefusedTokensIsSlowedAndTheLogNotFlooded(t *testing.T) {
	o := newOffice(t)
	before := loginFailures(t, o.st, "127.0.0.1")
	bad := "clk_" + strings.Repeat("B", 43)
	for i := range 10 {
		if got := o.send(t, bad, "GET", "/api/reviews", nil); got.status != http.StatusUnauthorized {
			t.Fatalf("refused token %d: got %d, want 401", i+1, got.status)
		}
	}
	for i := range 3 {
		got := o.send(t, bad, "GET", "/api/reviews", nil)
		retry, _ := strconv.Atoi(got.header.Get("Retry-After"))
		if got.status != http.StatusTooManyRequests || retry < 1 || retry > 61 || got.err(t).Error.Code != "too_many_requests" {
			t.Fatalf("refused token %d past the limit: got %d Retry-After %q %s, want 429 within a minute", 11+i, got.status, got.header.Get("Retry-After"), got.body)
		}
	}
	// Even a good token waits out the window from that address.
	if got := o.as(t, pole.RoleNationalReviewer, "GET", "/api/reviews", nil); got.status != http.StatusTooManyRequests {
		t.Fatalf("a good token from a throttled address: got %d, want 429", got.status)
	}
	if got := loginFailures(t, o.st, "127.0.0.1"); got != before+11 {
		t.Fatalf("%d entries in the audit log, want the ten refusals and one saying the address is throttled", got-before)
	}
}

func TestTheReportPageIsHTMLUnderAPolicyThatAllowsOnlyItsStyle(t *testing.T) {
	o := newOffice(t)
	got := o.as(t, pole.RoleNationalAnalyst, "GET", "/report/nature-and-scale", nil)
	if got.status != http.StatusOK {
		t.Fatalf("GET /report/nature-and-scale: %d %s", got.status, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	csp := got.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src "+stats.ReportStyleHash()) ||
		!strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q: want default-src 'none', the style's hash only and no frames", csp)
	}
	for _, want := range []string{"<html lang=\"en-GB\"", "<svg", "rule-victim"} {
		if !strings.Contains(string(got.body), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestOpenAPINamesThePolicyActionEachRouteChecks holds the served
// description to the policy test's table of routes and actions.
func TestOpenAPINamesThePolicyActionEachRouteChecks(t *testing.T) {
	o := newOffice(t)
	got := o.send(t, "", "GET", "/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Action string `json:"x-caselink-action"`
		} `json:"paths"`
	}
	got.into(t, http.StatusOK, &doc)
	for _, rt := range apiRoutes {
		method, path, _ := strings.Cut(rt.name, " ")
		path, _, _ = strings.Cut(path, " ")
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("%s: not in /openapi.json", rt.name)
			continue
		}
		if op.Action != string(rt.action) {
			t.Errorf("%s: /openapi.json says %q, the policy test %q", rt.name, op.Action, rt.action)
		}
	}
}

func TestMetricsCountRequestsByRoutePatternNeverByPath(t *testing.T) {
	o := newOffice(t)
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewTriaged)
	o.as(t, pole.RoleNationalReviewer, "GET", "/api/reviews/"+r.ID, nil).into(t, http.StatusOK, &struct{}{})
	o.as(t, pole.RoleNationalReviewer, "GET", "/no/such/"+r.ID, nil)
	got := o.send(t, "", "GET", "/metrics", nil)
	if got.status != http.StatusOK || !strings.HasPrefix(got.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics: %d %q", got.status, got.header.Get("Content-Type"))
	}
	body := string(got.body)
	for _, want := range []string{
		`caselink_http_requests_total{route="GET /api/reviews/{id}",status="200"} 1`,
		`caselink_http_requests_total{route="unmatched",status="404"} 1`,
		`caselink_http_request_duration_seconds_bucket{route="GET /api/reviews/{id}",le="+Inf"} 1`,
		`caselink_http_request_duration_seconds_count{route="GET /api/reviews/{id}"} 1`,
		"# TYPE caselink_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, r.ID) {
		t.Errorf("/metrics names a record id:\n%s", body)
	}
}
