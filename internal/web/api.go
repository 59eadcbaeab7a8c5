// Package web serves caselink over HTTP: the pages of the web interface
// for analysts, reviewers, investigators and auditors, and the JSON API
// that machine clients and the pages' scripts use. Every page and route
// acts through the access policy and the audit log.
package web

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/search"
	"github.com/caselink/caselink/internal/store"
)

// PurposeHeader carries the purpose the audit log records for a request
// (DPA 2018 s62). A request that gives none is recorded with the purpose
// of its route: the review's own work, or deconfliction.
const (
	PurposeHeader        = "X-Caselink-Purpose"
	ReviewPurpose        = "historic case review"
	DeconflictionPurpose = "deconfliction"
	SearchPurpose        = "finding people and their records for the operation"
)

// maxPurpose is the longest purpose a request may give, in bytes.
const maxPurpose = 500

// api is the JSON API's state: what every handler acts through.
type api struct {
	st    *store.Store // read only through the desk, the guard and stats.NatureAndScale, which authorise
	desk  *review.Desk
	guard *access.Guard
	auth  *access.Authenticator
	rec   access.Recorder
	log   *slog.Logger
	now   func() time.Time
	// refusals counts refused tokens per address, to slow guessing.
	refusals *refusals
	metrics  *metrics
	pages    *pages
	people   *peopleIndex
	net      *netCache
}

// New is the web interface and its JSON API. A page acts for the user
// of the browser's session (sign in at /signin); an API route for the
// holder of an API token (Authorization: Bearer clk_...) or of a session.
// Everything goes through the review desk or the guard, so through the
// access policy and the audit log. rec is the audit log the guard records
// to: a refused token is recorded there, as the command line records one.
// log receives a line per request and the detail of every internal error,
// which the client is never shown.
//
// Every response carries the security headers of securityHeaders: pages
// a policy that runs only this server's own script files, and a browser's
// cross-origin request that would change something is refused
// (http.CrossOriginProtection), so that a page elsewhere cannot make a
// signed-in browser act.
func New(st *store.Store, desk *review.Desk, guard *access.Guard, auth *access.Authenticator, rec access.Recorder, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	a := &api{st: st, desk: desk, guard: guard, auth: auth, rec: rec, log: log, now: time.Now, pages: pg}
	a.people = &peopleIndex{ix: search.New(st), now: a.now, log: log}
	a.net = &netCache{}
	a.refusals = newRefusals(a.now)
	a.metrics = newMetrics(a.now())
	mux := http.NewServeMux()
	methods := map[string][]string{} // path pattern → its methods, for 405's Allow
	for _, rt := range slices.Concat(a.routes(), a.pageRoutes()) {
		mux.HandleFunc(rt.method+" "+rt.path, rt.h)
		methods[rt.path] = append(methods[rt.path], rt.method)
	}

	// A known path asked with another method is 405 with Allow; any other
	// path is 404: in JSON under /api/, else as a page.
	for path, ms := range methods {
		if slices.Contains(ms, "GET") {
			ms = append(ms, "HEAD")
		}
		slices.Sort(ms)
		allow := strings.Join(slices.Compact(ms), ", ")
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			a.answerError(w, r, &requestError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
				msg: fmt.Sprintf("%s is not allowed here; allowed: %s", r.Method, allow)})
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a.answerError(w, r, &requestError{status: http.StatusNotFound, code: pole.ENOTFOUND, msg: "no such page or route (the API is described at /openapi.json)"})
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.answerError(w, r, &requestError{status: http.StatusForbidden, code: pole.EFORBIDDEN,
			msg: "a cross-origin request from a browser may not change anything"})
	}))
	return &Server{h: securityHeaders(a.logRequests(a.recoverPanics(cop.Handler(mux)))), a: a}, nil
}

// Server is the web interface and its API, as New makes it.
type Server struct {
	h http.Handler
	a *api
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// BuildSearchIndex reads every person record into the people search index
// and says how many it read: the command that serves calls it before it
// listens, so that the first search does not wait for it.
func (s *Server) BuildSearchIndex(ctx context.Context) (int, error) {
	return s.a.people.build(ctx)
}

// answerError answers an error as JSON to the API and its clients, and as
// a page to a browser anywhere else.
func (a *api) answerError(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		a.writeError(w, r, err)
		return
	}
	var p *access.Principal
	if sp, serr := a.sessionPrincipal(r); serr == nil {
		p = &sp
	}
	a.renderError(w, r, p, err)
}

// isAPI is whether a request is for the JSON API (or a machine client).
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.Header.Get("Authorization") != ""
}

// route is one route of the API: openapi.json describes each, and a test
// holds the two to each other.
type route struct {
	method, path string
	h            http.HandlerFunc
}

func (a *api) routes() []route {
	return []route{
		{"GET", "/healthz", a.health},
		{"GET", "/openapi.json", serveOpenAPI},
		{"GET", "/metrics", a.serveMetrics},

		{"GET", "/api/reviews", a.acting(ReviewPurpose, a.listReviews)},
		{"GET", "/api/reviews/{id}", a.acting(ReviewPurpose, a.showReview)},
		{"POST", "/api/referrals", a.acting(ReviewPurpose, a.refer)},
		{"POST", "/api/triage", a.acting(ReviewPurpose, a.triage)},
		{"POST", "/api/reviews/{id}/start", a.acting(ReviewPurpose, a.start)},
		{"POST", "/api/reviews/{id}/answers", a.acting(ReviewPurpose, a.answer)},
		{"POST", "/api/reviews/{id}/submit", a.acting(ReviewPurpose, a.submit)},
		{"POST", "/api/reviews/{id}/decision", a.acting(ReviewPurpose, a.decide)},
		{"POST", "/api/reviews/{id}/send-back", a.acting(ReviewPurpose, a.sendBack)},
		{"POST", "/api/reviews/{id}/conclusion", a.acting(ReviewPurpose, a.conclude)},

		{"GET", "/api/actions", a.acting(ReviewPurpose, a.listActions)},
		{"POST", "/api/reviews/{id}/actions", a.acting(ReviewPurpose, a.raise)},
		{"POST", "/api/actions/{id}/allocate", a.acting(ReviewPurpose, a.allocate)},
		{"POST", "/api/actions/{id}/result", a.acting(ReviewPurpose, a.result)},
		{"POST", "/api/actions/{id}/file", a.acting(ReviewPurpose, a.file)},

		{"GET", "/api/victim-updates", a.acting(ReviewPurpose, a.listVictimUpdates)},
		{"POST", "/api/victim-updates/{id}/told", a.acting(ReviewPurpose, a.told)},
		{"PUT", "/api/victims/{record_id}/contact", a.acting(ReviewPurpose, a.contact)},

		{"POST", "/api/interests", a.acting(DeconflictionPurpose, a.registerInterest)},
		{"GET", "/api/interests", a.acting(DeconflictionPurpose, a.listInterests)},
		{"GET", "/api/notices", a.acting(DeconflictionPurpose, a.listNotices)},

		{"GET", "/api/report/nature-and-scale", a.acting(ReportPurpose, a.natureAndScale)},
		{"GET", "/api/dashboard", a.acting(ReviewPurpose, asJSON(a.dashboard, dashboardJSON))},
		{"GET", "/api/search", a.acting(SearchPurpose, asJSON(a.searchPeople, searchJSON))},
		{"GET", "/api/people/{id}", a.acting(SearchPurpose, asJSON(a.person, profileJSON))},
		{"GET", "/api/cases/{id}", a.acting(ReviewPurpose, asJSON(a.caseDetail, caseDetailJSON))},
		{"GET", "/api/links/review", a.acting(SearchPurpose, asJSON(a.linkReview, linkReviewJSON))},
		{"GET", "/api/groups", a.acting(NetworkPurpose, asJSON(a.groups, groupsJSON))},
		{"GET", "/api/audit", a.acting(AuditPurpose, asJSON(a.auditLog, auditJSON))},
		{"GET", "/api/users", a.acting(AdminPurpose, asJSON(a.users, usersJSON))},
		{"GET", "/api/network", a.acting(NetworkPurpose, a.networkJSON)},
		{"GET", "/api/network/export", a.acting(NetworkPurpose, a.networkExport)},
	}
}

// pageRoutes are the pages: HTML for a browser, signed in by its session
// (or for a client holding an API token).
func (a *api) pageRoutes() []route {
	return []route{
		{"GET", "/static/", a.serveStatic},
		{"GET", "/signin", a.signInForm},
		{"POST", "/signin", a.signIn},
		{"POST", "/signout", a.signOut},
		{"GET", "/{$}", a.page(ReviewPurpose, a.dashboard)},
		{"GET", "/search", a.page(SearchPurpose, a.searchPeople)},
		{"GET", "/people/{id}", a.page(SearchPurpose, a.person)},
		{"POST", "/people/{id}/judgements", a.page(SearchPurpose, a.judge)},
		{"POST", "/people/{id}/unmerge", a.page(SearchPurpose, a.unmerge)},
		{"GET", "/cases/{id}", a.page(ReviewPurpose, a.caseDetail)},
		{"POST", "/cases/{id}/reveal", a.page(ReviewPurpose, a.reveal)},
		{"GET", "/reviews", a.page(ReviewPurpose, a.reviews)},
		{"GET", "/reviews/{id}", a.page(ReviewPurpose, a.reviewDetail)},
		{"POST", "/reviews/{id}/{step}", a.page(ReviewPurpose, a.reviewStepForm)},
		{"GET", "/actions", a.page(ReviewPurpose, a.actions)},
		{"POST", "/actions/{id}/{step}", a.page(ReviewPurpose, a.actionStepForm)},
		{"GET", "/victims", a.page(ReviewPurpose, a.victims)},
		{"POST", "/victim-updates/{id}/told", a.page(ReviewPurpose, a.toldForm)},
		{"GET", "/report/nature-and-scale", a.page(ReportPurpose, a.natureAndScalePage)},
		{"GET", "/links/review", a.page(SearchPurpose, a.linkReview)},
		{"POST", "/links/judgements", a.page(SearchPurpose, a.judgeLink)},
		{"GET", "/audit", a.page(AuditPurpose, a.auditLog)},
		{"GET", "/users", a.page(AdminPurpose, a.users)},
		{"POST", "/users", a.page(AdminPurpose, a.addUser)},
		{"POST", "/users/{login}/disable", a.page(AdminPurpose, a.disableUser)},
		{"GET", "/groups", a.page(NetworkPurpose, a.groups)},
		{"GET", "/network", a.page(NetworkPurpose, a.networkView)},
	}
}

//go:embed openapi.json
var openAPI []byte

// serveOpenAPI is GET /openapi.json: the description of these routes. It
// names no record, so it needs no token.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}

// securityHeaders sets on every response, whatever answers it, what keeps
// a browser from sniffing, caching, framing or leaking it.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: no query string (it may name
// people's logins) and no body.
func (a *api) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		// The mux sets the pattern it matched on the request it was given.
		a.metrics.observe(r.Pattern, sw.status, time.Since(start))
		a.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("took", time.Since(start)), slog.String("from", clientAddress(r)))
	})
}

// recoverPanics answers a handler's panic as an internal error, logged,
// rather than a dropped connection.
func (a *api) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.writeError(w, r, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// health is GET /healthz: the process answers. It asks nothing of the
// database: the store offers no cheap ping (SchemaVersion goes through
// the migrator on SQLite's one writer connection), and an unauthenticated
// probe must not queue behind writes.
func (a *api) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// actingFunc is a route that acts for the token's holder: it answers
// itself, or returns the error for writeError to answer.
type actingFunc func(w http.ResponseWriter, r *http.Request, rq access.Request) error

// acting authenticates the request's API token and gives h the access
// request of its holder, with the purpose the request gives (or def).
func (a *api) acting(def string, h actingFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := a.principal(w, r)
		if err == nil {
			var purpose string
			if purpose, err = purposeOf(r, def); err == nil {
				err = h(w, r, access.Request{Principal: p, Purpose: purpose, Origin: clientAddress(r)})
			}
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	}
}

// principal is who the request's bearer token acts for. A token refused
// is recorded in the audit log, as the command line records one, before
// the answer.
func (a *api) principal(w http.ResponseWriter, r *http.Request) (access.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if _, err := r.Cookie(access.SessionCookieName); err == nil {
			return a.sessionPrincipal(r) // a page's script, signed in
		}
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if h == "" || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return access.Principal{}, pole.Errorf(pole.EUNAUTHORIZED, "send your API token: Authorization: Bearer clk_... (issue yourself one with 'caselink user token YOUR_LOGIN'), or sign in")
	}
	addr := clientAddress(r)
	if until, first, yes := a.refusals.blocked(addr); yes {
		if first {
			if rerr := a.rec.Record(r.Context(), audit.Entry{Actor: "anonymous", Action: audit.LoginFailed, Origin: addr,
				Outcome: audit.Denied, Detail: "API token refusals from this address throttled until " + until.UTC().Format(time.RFC3339)}); rerr != nil {
				return access.Principal{}, pole.E("web.principal", fmt.Errorf("recording throttled API tokens: %w", rerr))
			}
		}
		return access.Principal{}, &throttledError{until: until}
	}
	u, scopes, err := a.auth.Token(r.Context(), token)
	if err != nil {
		if pole.ErrorCode(err) != pole.EUNAUTHORIZED {
			return access.Principal{}, err
		}
		a.refusals.refused(addr)
		if rerr := a.rec.Record(r.Context(), audit.Entry{Actor: "anonymous", Action: audit.LoginFailed, Origin: clientAddress(r),
			Outcome: audit.Denied, Detail: "API token refused"}); rerr != nil {
			return access.Principal{}, pole.E("web.principal", fmt.Errorf("recording a refused API token: %w", rerr))
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="caselink", error="invalid_token"`)
		return access.Principal{}, err
	}
	p := access.PrincipalOf(u)
	p.Token, p.Scopes = true, scopes
	return p, nil
}

// purposeOf is the purpose a request gives in PurposeHeader, or def.
func purposeOf(r *http.Request, def string) (string, error) {
	vals := r.Header.Values(PurposeHeader)
	if len(vals) > 1 {
		return "", badRequest(PurposeHeader, "give one purpose, not %d", len(vals))
	}
	if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
		return def, nil
	}
	p := strings.TrimSpace(vals[0])
	switch {
	case len(p) > maxPurpose:
		return "", badRequest(PurposeHeader, "longer than %d bytes", maxPurpose)
	case !utf8.ValidString(p):
		return "", badRequest(PurposeHeader, "not valid UTF-8")
	case strings.ContainsFunc(p, unicode.IsControl):
		return "", badRequest(PurposeHeader, "holds a control character")
	}
	return p, nil
}

// clientAddress is where a request came from, as the audit log's "from
// where": the address of the peer that connected. Behind a proxy that is
// the proxy; no forwarded header is believed.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
