package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
)

// The pages of the web interface: server-rendered html/template, htmx for
// partial updates, and script files (never inline script) where a picture
// needs one. A page acts for the user of the browser's session; the JSON
// API also accepts that session, so a page's script reads the same API a
// machine client does.

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageCSP allows the page's own scripts, styles and images and nothing
// else: no inline script or style, no other origin, no framing.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pages holds each page's template, parsed once: the layout with the page.
type pages struct {
	t map[string]*template.Template
	// static maps an asset's name to its fingerprinted path, so that it can
	// be cached for good and still change with a release.
	static map[string]string
	files  map[string][]byte
}

func loadPages() (*pages, error) {
	p := &pages{t: map[string]*template.Template{}, static: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel := strings.TrimPrefix(name, "static/")
		ext := path.Ext(rel)
		fp := "/static/" + strings.TrimSuffix(rel, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		p.static[rel] = fp
		p.files[fp] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			fp, ok := p.static[name]
			if !ok {
				return "", fmt.Errorf("no static asset %q", name)
			}
			return fp, nil
		},
		"date":     func(t time.Time) string { return dateOf(t) },
		"datetime": func(t time.Time) string { return datetimeOf(t) },
		"force":    forceName,
		"join":     strings.Join,
		"score":    func(f float64) string { return fmt.Sprintf("%.3f", f) },
		"humanise": func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"has":      slices.Contains[[]string],
		"timelineJSON": func(items []timelineItem) (string, error) {
			type item struct {
				Start   string `json:"start"`
				Content string `json:"content"`
				Group   string `json:"group"`
			}
			out := []item{}
			for _, it := range items {
				if it.Date.IsZero() {
					continue
				}
				out = append(out, item{Start: startOf(it.Date), Content: it.What, Group: forceName(it.Force)})
			}
			b, err := json.Marshal(out)
			return string(b), err
		},
		"steps": func() []int { return []int{1, 2, 3} },
		"add":   func(a, b int) int { return a + b },
		"label": func(nodes []netNodeJSON, id string) string {
			if k := slices.IndexFunc(nodes, func(n netNodeJSON) bool { return n.ID == id }); k >= 0 {
				return nodes[k].Label
			}
			return id
		},
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		p.t[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// startOf is a partial date's first day, as a timeline places it.
func startOf(d pole.PartialDate) string {
	s := d.String()
	switch len(s) {
	case 4:
		return s + "-01-01"
	case 7:
		return s + "-01"
	}
	return s
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006")
}

func datetimeOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// forceName is a force's name from its code; the code itself if unknown.
func forceName(code string) string {
	if code == pole.NationalTeam {
		return "National team"
	}
	if f, ok := pole.ForceByCode(code); ok {
		return f.Name
	}
	return code
}

// serveStatic answers a fingerprinted asset, cached for a year: its name
// changes when its content does.
func (a *api) serveStatic(w http.ResponseWriter, r *http.Request) {
	b, ok := a.pages.files[r.URL.Path]
	if !ok {
		a.writeError(w, r, &requestError{status: http.StatusNotFound, code: pole.ENOTFOUND, msg: "no such asset"})
		return
	}
	ct := "application/octet-stream"
	switch path.Ext(r.URL.Path) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

// view is what a page handler gives the layout: the page's template, its
// title and its data.
type view struct {
	Page  string
	Title string
	Data  any
	// Status is the answer's status; 0 is 200.
	Status int
}

// layoutData is every page's data: who is signed in, what the menu offers
// them, and the page's own.
type layoutData struct {
	Title string
	User  *access.Principal
	Nav   []navItem
	Path  string
	Data  any
}

type navItem struct {
	Label, Href string
	Current     bool
}

// nav is the menu: only what the user's roles reach anywhere, so that no
// one is offered a page that would refuse them.
func nav(p access.Principal, current string) []navItem {
	var items []navItem
	add := func(label, href string, a access.Action) {
		if a == "" || reaches(p, a) {
			items = append(items, navItem{Label: label, Href: href, Current: current == href || strings.HasPrefix(current, href+"/")})
		}
	}
	add("Dashboard", "/", "")
	add("Search", "/search", access.PersonSearch)
	add("Reviews", "/reviews", access.ReviewRead)
	add("Actions", "/actions", access.ReviewRead)
	add("Victims", "/victims", access.VictimContact)
	add("Links", "/links/review", access.LinkJudge)
	if slices.ContainsFunc(p.Roles, func(r pole.AccessRole) bool { return access.Reaches(r, access.NetworkRead) == access.AnyForce }) {
		add("Groups", "/groups", "")
	}
	add("Report", "/report/nature-and-scale", access.ReportProduce)
	add("Audit", "/audit", access.AuditRead)
	add("Users", "/users", access.UserManage)
	if len(items) > 0 && items[0].Href == "/" {
		items[0].Current = current == "/"
	}
	return items
}

// reaches says whether any of p's roles may do a anywhere: what a page
// offers, so that no one is shown a button that would refuse them. The
// action itself is decided for its record when it is asked for.
func reaches(p access.Principal, a access.Action) bool {
	return slices.ContainsFunc(p.Roles, func(r pole.AccessRole) bool { return access.Reaches(r, a) != access.Denied })
}

// pageFunc is a page that acts for the session's user: it returns the view
// to render, or an error for the error page.
type pageFunc func(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error)

// page authenticates the browser's session and renders what h returns. A
// request without a session is sent to sign in, and back afterwards.
func (a *api) page(def string, h pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p access.Principal
		var err error
		if r.Header.Get("Authorization") != "" {
			// A machine client with an API token: answered as the API
			// answers, a refused token recorded.
			if p, err = a.principal(w, r); err != nil {
				a.writeError(w, r, err)
				return
			}
		} else if p, err = a.sessionPrincipal(r); err != nil {
			if pole.ErrorCode(err) == pole.EUNAUTHORIZED {
				a.clearSession(w)
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.renderError(w, r, nil, err)
			return
		}
		purpose, err := purposeOf(r, def)
		if err != nil {
			a.answerError(w, r, err)
			return
		}
		rq := access.Request{Principal: p, Purpose: purpose, Origin: clientAddress(r)}
		v, err := h(w, r, rq)
		if err != nil {
			if isAPI(r) {
				a.writeError(w, r, err)
			} else {
				a.renderError(w, r, &p, err)
			}
			return
		}
		if v != nil {
			a.render(w, r, &p, v)
		}
	}
}

// render writes a page whole, or an internal error if the template fails:
// the page is rendered to a buffer first, so that a failure half way sends
// nothing half made.
func (a *api) render(w http.ResponseWriter, r *http.Request, p *access.Principal, v *view) {
	t, ok := a.pages.t[v.Page]
	if !ok {
		a.renderError(w, r, p, fmt.Errorf("no page template %q", v.Page))
		return
	}
	d := layoutData{Title: v.Title, User: p, Path: r.URL.Path, Data: v.Data}
	if p != nil {
		d.Nav = nav(*p, r.URL.Path)
	}
	name := "layout"
	if r.Header.Get("HX-Request-Type") == "partial" && t.Lookup("partial") != nil && v.Status == 0 {
		name = "partial" // htmx asked for the part of the page that changes
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, d); err != nil {
		a.log.LogAttrs(r.Context(), slog.LevelError, "rendering a page", slog.String("page", v.Page), slog.String("error", err.Error()))
		if v.Page != "error" {
			a.renderError(w, r, p, fmt.Errorf("rendering %s: %w", v.Page, err))
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	status := v.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// errorPage is the error page's data.
type errorPage struct {
	Status  int
	Message string
	Field   string
	Held    *access.Held
	Ref     string
}

// renderError is writeError for a page: the same statuses and words, as
// HTML. An internal error is logged under a reference and only the
// reference shown.
func (a *api) renderError(w http.ResponseWriter, r *http.Request, p *access.Principal, err error) {
	var te *throttledError
	if errors.As(err, &te) {
		writeThrottled(w, te, a.now())
		return
	}
	e := errorPage{Status: pole.HTTPStatus(err), Message: messageOf(err), Field: pole.ErrorField(err)}
	var re *requestError
	if errors.As(err, &re) {
		e.Status, e.Message, e.Field = re.status, re.msg, re.field
	}
	if e.Status >= http.StatusInternalServerError {
		e.Ref = a.logInternal(r, err)
		e.Message = ""
	}
	var held *access.HeldError
	if errors.As(err, &held) {
		e.Held = &held.Held
	}
	if e.Message == "" && e.Ref == "" {
		e.Message = http.StatusText(e.Status)
	}
	a.render(w, r, p, &view{Page: "error", Title: http.StatusText(e.Status), Data: e, Status: e.Status})
}

// sessionPrincipal is the user of the request's session cookie.
func (a *api) sessionPrincipal(r *http.Request) (access.Principal, error) {
	c, err := r.Cookie(access.SessionCookieName)
	if err != nil || c.Value == "" {
		return access.Principal{}, pole.Errorf(pole.EUNAUTHORIZED, "sign in first")
	}
	u, err := a.auth.Session(r.Context(), c.Value)
	if err != nil {
		return access.Principal{}, err
	}
	return access.PrincipalOf(u), nil
}

// clearSession tells the browser to forget its session cookie.
func (a *api) clearSession(w http.ResponseWriter) {
	c := access.SessionCookie("", time.Unix(0, 0))
	c.MaxAge = -1
	http.SetCookie(w, c)
}

// localPath is next if it is a path on this site, else "/": a sign-in
// never sends the browser to another site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return u.RequestURI()
}
