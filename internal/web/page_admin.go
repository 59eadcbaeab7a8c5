package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// AuditPurpose is the purpose a reading of the audit log is recorded with
// when it gives none.
const AuditPurpose = "audit of access to personal data"

// AdminPurpose is the purpose user administration is recorded with.
const AdminPurpose = "user administration"

// auditLimit is the most entries the audit viewer shows at once.
const auditLimit = 200

// auditPage is the audit viewer's filter and the entries it found.
type auditPage struct {
	From, To, Actor, Action, Record string
	Entries                         []store.AuditRow
	More                            bool
	Checkpoint                      *store.AuditCheckpoint
}

// auditLog is GET /audit: the audit log over a period, newest last,
// filtered by who, what and which record; for auditors. Reading it is
// itself recorded.
func (a *api) auditLog(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "from", "to", "actor", "action", "record")
	p := auditPage{From: q.str("from"), To: q.str("to"), Actor: q.str("actor"), Action: q.str("action"), Record: q.str("record")}
	if q.err != nil {
		return nil, q.err
	}
	now := a.now().UTC()
	from, to := now.Add(-24*time.Hour), now.Add(time.Minute)
	var err error
	if p.From != "" {
		if from, err = time.Parse(time.DateOnly, p.From); err != nil {
			return nil, badRequest("from", "%q is not a date (YYYY-MM-DD)", p.From)
		}
	}
	if p.To != "" {
		if to, err = time.Parse(time.DateOnly, p.To); err != nil {
			return nil, badRequest("to", "%q is not a date (YYYY-MM-DD)", p.To)
		}
		to = to.Add(24 * time.Hour) // the whole of the last day
	}
	if !from.Before(to) {
		return nil, badRequest("to", "the period ends before it starts")
	}
	ctx := r.Context()
	if err := a.guard.Authorize(ctx, rq, access.AuditRead, access.Resource{Kind: "audit_log"}); err != nil {
		return nil, err
	}
	span := from.Format(time.RFC3339) + "/" + to.Format(time.RFC3339)
	if err := a.guard.Note(ctx, rq, audit.Consultation, "audit_log", []string{span}, "audit viewer: "+strings.Join([]string{p.Actor, p.Action, p.Record}, " ")); err != nil {
		return nil, err
	}
	for row, err := range a.st.FindAudit(ctx, from, to) {
		if err != nil {
			return nil, err
		}
		if p.Actor != "" && !strings.EqualFold(row.ActorLogin, p.Actor) && row.Actor != p.Actor {
			continue
		}
		if p.Action != "" && row.Action != p.Action {
			continue
		}
		if p.Record != "" && !slices.Contains(row.RecordIDs, p.Record) {
			continue
		}
		if len(p.Entries) == auditLimit {
			p.More = true
			break
		}
		p.Entries = append(p.Entries, row)
	}
	cp, err := a.st.LatestAuditCheckpoint(ctx)
	if err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
		return nil, err
	}
	p.Checkpoint = cp
	return &view{Page: "audit", Title: "Audit log", Data: p}, nil
}

// usersPage is the user administration page.
type usersPage struct {
	Users  []*pole.User
	Roles  []pole.AccessRole
	Forces []pole.Force
	Done   string
}

// users is GET /users: every user with their force, roles and state, and
// a form to add one; for administrators, who do not thereby read cases.
func (a *api) users(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "done")
	done := q.str("done")
	if q.err != nil {
		return nil, q.err
	}
	ctx := r.Context()
	if err := a.guard.Authorize(ctx, rq, access.UserManage, access.Resource{Kind: "user"}); err != nil {
		return nil, err
	}
	list, _, err := a.st.FindUsers(ctx, store.UserFilter{})
	if err != nil {
		return nil, err
	}
	return &view{Page: "users", Title: "Users", Data: usersPage{Users: list, Roles: pole.AccessRoles, Forces: pole.Forces(), Done: done}}, nil
}

// addUser is POST /users: a new user with a first password, which they
// change when they first sign in.
func (a *api) addUser(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r, "login", "name", "force", "role", "password"); err != nil {
		return nil, err
	}
	ctx := r.Context()
	if err := a.guard.Authorize(ctx, rq, access.UserManage, access.Resource{Kind: "user"}); err != nil {
		return nil, err
	}
	f := r.PostForm
	u := &pole.User{Login: strings.TrimSpace(f.Get("login")), Name: strings.TrimSpace(f.Get("name")), Force: strings.TrimSpace(f.Get("force")),
		Roles: []pole.AccessRole{pole.AccessRole(strings.TrimSpace(f.Get("role")))}}
	if err := a.auth.AddUser(ctx, u, f.Get("password")); err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%s (%s), %s, %s", u.Login, u.Name, u.Force, u.Roles[0])
	if err := a.guard.Note(ctx, rq, audit.UserAdded, "user", []string{u.ID}, detail); err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/users?done=added+"+u.Login, http.StatusSeeOther)
	return nil, nil
}

// disableUser is POST /users/{login}/disable: the user can no longer sign
// in, and their sessions and tokens end at once.
func (a *api) disableUser(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r); err != nil {
		return nil, err
	}
	ctx := r.Context()
	if err := a.guard.Authorize(ctx, rq, access.UserManage, access.Resource{Kind: "user"}); err != nil {
		return nil, err
	}
	login := r.PathValue("login")
	if strings.EqualFold(login, rq.Login) {
		return nil, pole.Invalid("login", "you cannot disable yourself: ask another administrator")
	}
	d, err := a.auth.DisableUser(ctx, login)
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%s disabled: %d sessions and %d tokens ended", d.User.Login, d.SessionsEnded, d.TokensRevoked)
	if err := a.guard.Note(ctx, rq, audit.UserDisabled, "user", []string{d.User.ID}, detail); err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/users?done=disabled+"+d.User.Login, http.StatusSeeOther)
	return nil, nil
}
