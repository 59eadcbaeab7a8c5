package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review/reviewtest"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/web"
)

// linked stores a case of force whose victim and suspect a link run put in
// one person, with a scored pair between them: a profile to open and a
// link to judge.
func (o *office) linked(t *testing.T, force string) (reviewtest.Case, string) {
	t.Helper()
	ctx := context.Background()
	hc := o.newCase(t, force)
	m := &store.LinkModel{Params: []byte(`{"comparisons":[{"name":"surname","levels":["null","exact","other"],"m":[0,0.9,0.1],"u":[0,0.01,0.99]}]}`)}
	if err := o.st.SaveLinkModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	e := store.Entity{ID: uuid.Must(uuid.NewV7()).String(), Kind: "person"}
	a, b := hc.Victim.ID, hc.Suspect.ID
	if a > b {
		a, b = b, a
	}
	res := store.LinkResult{Entities: []store.Entity{e}, Members: []store.Membership{{MentionID: a, EntityID: e.ID}, {MentionID: b, EntityID: e.ID}},
		PairsFor: []string{a, b}, Pairs: []store.LinkPair{{A: a, B: b, Weight: 2, Probability: 0.7, Levels: "2", Band: "review"}}}
	if err := o.st.SaveLinkRun(ctx, &store.LinkRun{ModelID: m.ID}, res); err != nil {
		t.Fatal(err)
	}
	return hc, e.ID
}

// merged stores a case of force whose suspect a first link run made a
// person of their own, and a second merged into the victim's person: a
// merge to undo. It returns the case, the surviving person and the merge.
func (o *office) merged(t *testing.T, force string) (reviewtest.Case, string, string) {
	t.Helper()
	ctx := context.Background()
	hc := o.newCase(t, force)
	m := &store.LinkModel{Params: []byte(`{}`)}
	if err := o.st.SaveLinkModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	e1 := store.Entity{ID: uuid.Must(uuid.NewV7()).String(), Kind: "person"}
	e2 := store.Entity{ID: uuid.Must(uuid.NewV7()).String(), Kind: "person"}
	first := store.LinkResult{Entities: []store.Entity{e1, e2},
		Members: []store.Membership{{MentionID: hc.Victim.ID, EntityID: e1.ID}, {MentionID: hc.Suspect.ID, EntityID: e2.ID}},
		Changes: []store.EntityChange{{Kind: "create", EntityID: e1.ID}, {Kind: "create", EntityID: e2.ID}}}
	if err := o.st.SaveLinkRun(ctx, &store.LinkRun{ModelID: m.ID}, first); err != nil {
		t.Fatal(err)
	}
	merge := store.LinkResult{Members: []store.Membership{{MentionID: hc.Suspect.ID, EntityID: e1.ID}},
		Retired: []store.Entity{{ID: e2.ID, MergedInto: e1.ID}},
		Changes: []store.EntityChange{{Kind: "merge", EntityID: e1.ID, OtherID: e2.ID, Mentions: []string{hc.Suspect.ID}, Reason: "fixture"}}}
	if err := o.st.SaveLinkRun(ctx, &store.LinkRun{ModelID: m.ID}, merge); err != nil {
		t.Fatal(err)
	}
	return hc, e1.ID, merge.Changes[0].ID
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// pageRoutes are the pages, tried as every role as the API's routes are.
var pageRoutes = []apiRoute{
	{"GET /{$}", "", "any", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/", nil
	}},
	{"GET /search", access.PersonSearch, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/search?name=Brightwater&ref=13%2FTEST%2F1", nil
	}},
	{"GET /people/{id}", access.PersonRead, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		_, id := o.linked(t, force)
		return "GET", "/people/" + id, nil
	}},
	{"POST /people/{id}/judgements", access.LinkJudge, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		hc, id := o.linked(t, force)
		return "POST", "/people/" + id + "/judgements", form("a", hc.Victim.ID, "b", hc.Suspect.ID, "decision", "different")
	}},
	{"POST /people/{id}/unmerge", access.LinkJudge, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		_, id, change := o.merged(t, force)
		return "POST", "/people/" + id + "/unmerge", form("change", change)
	}},
	{"GET /cases/{id}", access.CaseRead, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/cases/" + o.newCase(t, force).C.ID, nil
	}},
	{"POST /cases/{id}/reveal", access.VictimReveal, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		hc := o.newCase(t, force)
		return "POST", "/cases/" + hc.C.ID + "/reveal", form("mention", hc.Victim.ID, "purpose", "to arrange the victim's update")
	}},
	{"GET /reviews", access.ReviewRead, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/reviews?state=triaged&order=score", nil
	}},
	{"GET /reviews/{id}", access.ReviewRead, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/reviews/" + o.reviewIn(t, force, pole.ReviewTriaged).ID, nil
	}},
	{"POST /reviews/{id}/{step} start", access.ReviewWork, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewTriaged)
		return "POST", "/reviews/" + r.ID + "/start", form("version", strconv.Itoa(r.Version))
	}},
	{"POST /reviews/{id}/{step} answers", access.ReviewWork, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewUnderReview)
		return "POST", "/reviews/" + r.ID + "/answers", form("version", strconv.Itoa(r.Version), "answer_suspect_interviewed", "not_done", "note_suspect_interviewed", "no record")
	}},
	{"POST /reviews/{id}/{step} submit", access.ReviewWork, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewUnderReview)
		return "POST", "/reviews/" + r.ID + "/submit", form("version", strconv.Itoa(r.Version), "note", "ready")
	}},
	{"POST /reviews/{id}/{step} decision", access.ReviewDecide, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewAtPanel)
		return "POST", "/reviews/" + r.ID + "/decision", form("version", strconv.Itoa(r.Version), "decision", "reinvestigate", "reasons", "lines not followed",
			"action_title", "interview the suspect", "action_due", "2027-02-01")
	}},
	{"POST /reviews/{id}/{step} send-back", access.ReviewDecide, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewAtPanel)
		return "POST", "/reviews/" + r.ID + "/send-back", form("version", strconv.Itoa(r.Version), "note", "look at the phones")
	}},
	{"POST /reviews/{id}/{step} conclusion", access.ReviewConclude, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		return "POST", "/reviews/" + r.ID + "/conclusion", form("version", strconv.Itoa(r.Version), "outcome", "charge")
	}},
	{"POST /reviews/{id}/{step} actions", access.ActionRaise, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		return "POST", "/reviews/" + r.ID + "/actions", form("title", "trace the phone", "due", "2027-01-15")
	}},
	{"GET /actions", access.ReviewRead, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		o.actionIn(t, force, pole.ActionRaised)
		return "GET", "/actions?overdue=true", nil
	}},
	{"GET /victims", access.VictimContact, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		o.reviewIn(t, force, pole.ReviewWithForce)
		return "GET", "/victims", nil
	}},
	{"POST /actions/{id}/{step} allocate", access.ActionAllocate, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		a := o.actionIn(t, force, pole.ActionRaised)
		return "POST", "/actions/" + a.ID + "/allocate", form("version", strconv.Itoa(a.Version), "owner", "dc-smith")
	}},
	{"POST /actions/{id}/{step} result", access.ActionResult, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		a := o.actionIn(t, force, pole.ActionAllocated)
		return "POST", "/actions/" + a.ID + "/result", form("version", strconv.Itoa(a.Version), "result", "phone traced")
	}},
	{"POST /actions/{id}/{step} file", access.ActionFile, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		a := o.actionIn(t, force, pole.ActionResulted)
		return "POST", "/actions/" + a.ID + "/file", form("version", strconv.Itoa(a.Version))
	}},
	{"POST /victim-updates/{id}/told", access.VictimContact, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		list, err := o.st.FindVictimUpdates(context.Background(), pole.VictimUpdateFilter{ReviewID: r.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("the fixture's victim update: %v (%v)", list, err)
		}
		return "POST", "/victim-updates/" + list[0].ID + "/told", form("method", "phone")
	}},
	{"GET /links/review", access.LinkJudge, "some", func(t *testing.T, o *office, force string) (string, string, any) {
		o.linked(t, force)
		return "GET", "/links/review", nil
	}},
	{"POST /links/judgements", access.LinkJudge, "one", func(t *testing.T, o *office, force string) (string, string, any) {
		hc, _ := o.linked(t, force)
		return "POST", "/links/judgements", form("a", hc.Victim.ID, "b", hc.Suspect.ID, "decision", "unsure", "note", "look again")
	}},
	{"GET /audit", access.AuditRead, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/audit?actor=nobody&action=consultation", nil
	}},
	{"GET /users", access.UserManage, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/users", nil
	}},
	{"POST /users", access.UserManage, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "POST", "/users", form("login", "added-"+strconv.Itoa(int(userSeq.Add(1))), "name", "A Added", "force", "lancashire", "role", "force_investigator", "password", "a long enough test password")
	}},
	{"POST /users/{login}/disable", access.UserManage, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		u, _ := o.user(t, pole.RoleForceInvestigator, force, access.Scopes)
		return "POST", "/users/" + u.Login + "/disable", url.Values{}
	}},
	{"GET /groups", access.NetworkRead, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		o.linked(t, force)
		_, id := o.linked(t, force)
		return "GET", "/groups?assoc=co_offending&assoc=shared_victim&from=2000&member=" + id, nil
	}},
	{"GET /network", access.NetworkRead, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		_, id := o.linked(t, force)
		return "GET", "/network?person=" + id + "&links=part_of&links=suspect_victim", nil
	}},
	{"GET /report/nature-and-scale", access.ReportProduce, "all", func(t *testing.T, o *office, force string) (string, string, any) {
		return "GET", "/report/nature-and-scale", nil
	}},
}

// publicRoutes need no one signed in: they name no record.
var publicRoutes = []string{"GET /healthz", "GET /openapi.json", "GET /metrics", "GET /static/", "GET /signin", "POST /signin", "POST /signout"}

func TestEveryPageFollowsThePolicyTable(t *testing.T) {
	tryRoutes(t, newOffice(t), pageRoutes)
}

// TestThePolicyTestsCoverEveryRoute holds the route-by-role tables to the
// routes the server registers: a new route must join a table.
func TestThePolicyTestsCoverEveryRoute(t *testing.T) {
	tried := map[string]bool{}
	for _, rt := range slices.Concat(apiRoutes, pageRoutes) {
		method, rest, _ := strings.Cut(rt.name, " ")
		path, _, _ := strings.Cut(rest, " ")
		tried[method+" "+path] = true
	}
	for _, p := range publicRoutes {
		tried[p] = true
	}
	for _, rt := range web.ServedRoutes() {
		if !tried[rt] {
			t.Errorf("%s is served but no policy test tries it", rt)
		}
	}
}

// browser is a client that keeps the session cookie by hand: the cookie
// is Secure, which Go's cookie jar would not send over the test server's
// plain HTTP, though a browser does to a loopback address.
type browser struct {
	o      *office
	cookie string
}

func (b *browser) do(t *testing.T, method, path string, f url.Values) *http.Response {
	t.Helper()
	var body io.Reader
	if f != nil {
		body = strings.NewReader(f.Encode())
	}
	req, err := http.NewRequest(method, b.o.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if f != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// What a browser sends with its own form.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if b.cookie != "" {
		req.Header.Set("Cookie", access.SessionCookieName+"="+b.cookie)
	}
	c := *b.o.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	for _, ck := range resp.Cookies() {
		if ck.Name == access.SessionCookieName {
			b.cookie = ck.Value
		}
	}
	return resp
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (b *browser) signIn(t *testing.T, role pole.AccessRole) {
	t.Helper()
	resp := b.do(t, "POST", "/signin", form("login", b.o.logins[role], "password", "a long enough test password", "next", "/reviews"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reviews" {
		t.Fatalf("sign in as %s: %d to %q, want 303 to /reviews: %s", role, resp.StatusCode, resp.Header.Get("Location"), bodyOf(t, resp))
	}
}

func TestAPageAsksToSignInAndSigningInGivesANewSessionThatSigningOutEnds(t *testing.T) {
	o := newOffice(t)
	b := &browser{o: o, cookie: "a-session-id-planted-beforehand"}
	resp := b.do(t, "GET", "/reviews?state=triaged", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2Freviews%3Fstate%3Dtriaged" {
		t.Fatalf("a page without a session: %d to %q, want 303 to sign in and back", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = b.do(t, "POST", "/signin", form("login", o.logins[pole.RoleNationalReviewer], "password", "not the password at all", "next", "/"))
	if got := bodyOf(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(got, "do not match") {
		t.Fatalf("a wrong password: %d, want 401 with the same words for every failure:\n%s", resp.StatusCode, got)
	}
	b.cookie = "a-session-id-planted-beforehand"
	resp = b.do(t, "POST", "/signin", form("login", o.logins[pole.RoleNationalReviewer], "password", "a long enough test password", "next", "https://elsewhere.example/"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign in with next elsewhere: %d to %q, want 303 to / (never another site)", resp.StatusCode, resp.Header.Get("Location"))
	}
	if b.cookie == "a-session-id-planted-beforehand" || b.cookie == "" {
		t.Fatalf("signing in kept the planted session id")
	}
	var set *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == access.SessionCookieName {
			set = c
		}
	}
	if set == nil || !set.Secure || !set.HttpOnly || set.SameSite != http.SameSiteStrictMode || set.Path != "/" {
		t.Fatalf("the session cookie %+v: want Secure, HttpOnly, SameSite=Strict, Path=/", set)
	}
	resp = b.do(t, "GET", "/", nil)
	page := bodyOf(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Review queue") || !strings.Contains(page, o.logins[pole.RoleNationalReviewer]) {
		t.Fatalf("the dashboard signed in: %d\n%s", resp.StatusCode, page)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("the page's policy %q: want only its own scripts, no inline, no frames", csp)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " style=") {
		t.Errorf("the page carries inline script or style, which its policy refuses")
	}
	stolen := b.cookie
	resp = b.do(t, "POST", "/signout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Fatalf("sign out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	thief := &browser{o: o, cookie: stolen}
	if resp := thief.do(t, "GET", "/", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a copy of the session cookie after sign-out: %d, want 303 to sign in", resp.StatusCode)
	}
}

func TestAPageRefusesAFormPostedFromAnotherSite(t *testing.T) {
	o := newOffice(t)
	b := &browser{o: o}
	b.signIn(t, pole.RoleNationalReviewer)
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewTriaged)
	req, err := http.NewRequest("POST", o.srv.URL+"/reviews/"+r.ID+"/start", strings.NewReader("version=1"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Cookie", access.SessionCookieName+"="+b.cookie)
	resp, err := o.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a cross-site form post: %d, want 403", resp.StatusCode)
	}
	got, err := o.st.FindReviewByID(context.Background(), r.ID)
	if err != nil || got.State != pole.ReviewTriaged {
		t.Fatalf("after a refused cross-site post the review is %v (%v), want still triaged", got.State, err)
	}
}

func TestAReviewWalksThroughItsPagesFromTriagedToOutcome(t *testing.T) {
	o := newOffice(t)
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewTriaged)
	reviewer, panel, sup := &browser{o: o}, &browser{o: o}, &browser{o: o}
	reviewer.signIn(t, pole.RoleNationalReviewer)
	panel.signIn(t, pole.RolePanelMember)
	sup.signIn(t, pole.RoleForceSupervisor)
	step := func(b *browser, path string, f url.Values) {
		t.Helper()
		resp := b.do(t, "POST", path, f)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d, want 303 back to the review:\n%s", path, resp.StatusCode, bodyOf(t, resp))
		}
	}
	version := func() string {
		t.Helper()
		got, err := o.st.FindReviewByID(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(got.Version)
	}
	base := "/reviews/" + r.ID
	step(reviewer, base+"/start", form("version", version()))
	stale := version()
	f := form("version", version())
	for _, item := range pole.ChecklistItems {
		f.Set("answer_"+item, "not_done")
	}
	step(reviewer, base+"/answers", f)
	// A second answer from the version read before the first is a conflict,
	// not an overwrite.
	resp := reviewer.do(t, "POST", base+"/answers", form("version", stale, "answer_suspect_arrested", "done"))
	if page := bodyOf(t, resp); resp.StatusCode != http.StatusConflict {
		t.Fatalf("answers from a stale version: %d, want 409:\n%s", resp.StatusCode, page)
	}
	step(reviewer, base+"/submit", form("version", version(), "note", "the suspect was never interviewed"))
	step(panel, base+"/decision", form("version", version(), "decision", "reinvestigate", "reasons", "lines of enquiry not followed",
		"action_title", "interview the suspect", "action_due", "2027-02-01"))
	resp = sup.do(t, "GET", base, nil)
	page := bodyOf(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "with force") || !strings.Contains(page, "interview the suspect") {
		t.Fatalf("the review with the force: %d\n%s", resp.StatusCode, page)
	}
	acts, err := o.st.FindActions(context.Background(), pole.ActionFilter{ReviewID: r.ID})
	if err != nil || len(acts) != 1 {
		t.Fatalf("the panel's actions: %v (%v), want one", acts, err)
	}
	a := acts[0]
	step(sup, "/actions/"+a.ID+"/allocate", form("version", strconv.Itoa(a.Version), "owner", "dc-ash"))
	step(sup, "/actions/"+a.ID+"/result", form("version", strconv.Itoa(a.Version+1), "result", "interviewed under caution"))
	step(sup, base+"/conclusion", form("version", version(), "outcome", "charge", "reasons", "charged after interview"))
	got, err := o.st.FindReviewByID(context.Background(), r.ID)
	if err != nil || got.State != pole.ReviewConcluded || got.Outcome != pole.OutcomeCharge {
		t.Fatalf("at the end the review is %+v (%v), want concluded with a charge", got, err)
	}
	hist, err := o.st.FindTransitions(context.Background(), r.ID)
	if err != nil || len(hist) != 5 {
		t.Fatalf("the review's history: %d transitions (%v), want 5 from triaged to concluded", len(hist), err)
	}
}

func TestAForceInvestigatorIsToldWhoHoldsAnotherForcesCaseAndSeesNothingOfIt(t *testing.T) {
	o := newOffice(t)
	lancs := o.newCase(t, "lancashire")
	b := &browser{o: o}
	b.signIn(t, pole.RoleForceInvestigator)
	resp := b.do(t, "GET", "/cases/"+lancs.C.ID, nil)
	page := bodyOf(t, resp)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another force's case: %d, want 403", resp.StatusCode)
	}
	if !strings.Contains(page, "Lancashire") || !strings.Contains(page, o.lancsSupervisor) {
		t.Errorf("the refusal does not say who holds it and whom to contact:\n%s", page)
	}
	for _, secret := range []string{lancs.C.CrimeRef, "Brightwater", lancs.C.ClosureRationale} {
		if strings.Contains(page, secret) {
			t.Errorf("the refusal shows %q of the case", secret)
		}
	}
}

func TestSearchFindsAPersonByANameSpelledAnotherWayWithinReachOnly(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	wy := o.newCase(t, "west-yorkshire")
	lancs := o.newCase(t, "lancashire")
	for _, m := range []*pole.Mention{wy.Suspect, lancs.Suspect} {
		got, err := o.st.FindMentionByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got.Forename, got.Surname = "Mohammed", "Hussain"
		if err := o.st.UpdateMention(ctx, got); err != nil {
			t.Fatal(err)
		}
	}
	b := &browser{o: o}
	b.signIn(t, pole.RoleForceInvestigator)
	resp := b.do(t, "GET", "/search?name="+url.QueryEscape("Muhammad Hussein"), nil)
	page := bodyOf(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(page, "Mohammed") || !strings.Contains(page, "Hussain") {
		t.Errorf("searching Muhammad Hussein did not find Mohammed Hussain:\n%s", page)
	}
	if n := strings.Count(page, "Mohammed Hussain"); n != 1 {
		t.Errorf("found %d records of Mohammed Hussain, want West Yorkshire's alone", n)
	}
	if !strings.Contains(page, "Lancashire Constabulary holds records that match") {
		t.Errorf("the search does not say Lancashire holds a match:\n%s", page)
	}
	if strings.Contains(page, lancs.Suspect.RecordID+" ") || strings.Contains(page, lancs.C.CrimeRef) {
		t.Errorf("the search shows Lancashire's record")
	}
}

func TestHtmxGetsOnlyTheSearchResultsAndTheAPIGetsThemAsJSON(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	hc, entity := o.linked(t, "west-yorkshire")
	got, err := o.st.FindMentionByID(ctx, hc.Suspect.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Forename, got.Surname = "Wojciech", "Kowalczyk"
	if err := o.st.UpdateMention(ctx, got); err != nil {
		t.Fatal(err)
	}
	b := &browser{o: o}
	b.signIn(t, pole.RoleNationalReviewer)
	req, err := http.NewRequest("GET", o.srv.URL+"/search?name=Kowalczyk", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", access.SessionCookieName+"="+b.cookie)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Request-Type", "partial")
	resp, err := o.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page := bodyOf(t, resp)
	if resp.StatusCode != http.StatusOK || strings.Contains(page, "<html") || !strings.Contains(page, `id="people"`) || !strings.Contains(page, "Wojciech") {
		t.Fatalf("the partial answer: %d\n%s", resp.StatusCode, page)
	}

	var out struct {
		People []struct {
			ID       string   `json:"id"`
			EntityID string   `json:"entity_id"`
			Forename string   `json:"forename"`
			Reasons  []string `json:"reasons"`
		} `json:"people"`
		HeldBy []struct {
			Force string `json:"force"`
		} `json:"held_by"`
	}
	o.as(t, pole.RoleNationalReviewer, "GET", "/api/search?name=Wojciech+Kowalczyk", nil).into(t, http.StatusOK, &out)
	if len(out.People) != 1 || out.People[0].ID != hc.Suspect.ID || out.People[0].EntityID != entity || len(out.People[0].Reasons) == 0 {
		t.Fatalf("/api/search: %+v, want the suspect, their person and why", out)
	}
	if len(out.HeldBy) != 0 {
		t.Errorf("a national search names holders beyond reach: %+v", out.HeldBy)
	}
	// The victim's name (sealed) finds nothing, not even a pointer.
	var none struct {
		People []json.RawMessage `json:"people"`
		HeldBy []json.RawMessage `json:"held_by"`
	}
	o.as(t, pole.RoleNationalReviewer, "GET", "/api/search?name=Sam+Oakhanger", nil).into(t, http.StatusOK, &none)
	if len(none.People) != 0 || len(none.HeldBy) != 0 {
		t.Errorf("a victim's name found %s / %s", none.People, none.HeldBy)
	}
}

func TestUndoingAMergeFromTheProfileMovesTheRecordsBackAndKeepsThemApart(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	hc, person, change := o.merged(t, "west-yorkshire")
	b := &browser{o: o}
	b.signIn(t, pole.RoleForceSupervisor)
	resp := b.do(t, "GET", "/people/"+person, nil)
	page := bodyOf(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Undo this merge") || !strings.Contains(page, change) {
		t.Fatalf("the profile of a merged person: %d, want an undo button for the merge\n%s", resp.StatusCode, page)
	}
	resp = b.do(t, "POST", "/people/"+person+"/unmerge", form("change", change))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo: %d\n%s", resp.StatusCode, bodyOf(t, resp))
	}
	back, err := o.st.EntityOfMention(ctx, hc.Suspect.ID)
	if err != nil || back == person {
		t.Fatalf("after the undo the suspect is in %s (%v), want out of %s", back, err, person)
	}
	js, err := o.st.FindJudgements(ctx)
	if err != nil || !slices.ContainsFunc(js, func(j store.Judgement) bool {
		return j.Decision == "different" && j.MadeBy == o.logins[pole.RoleForceSupervisor]
	}) {
		t.Errorf("the undo left no judgement that keeps the two apart: %+v (%v)", js, err)
	}
	resp = b.do(t, "POST", "/people/"+person+"/unmerge", form("change", change))
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a second undo of the same merge: %d, want 409", resp.StatusCode)
	}
}
