package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
)

// maxFormBytes bounds a form's body: the largest a page sends is a review's
// checklist with its notes.
const maxFormBytes = 64 << 10

// signInPage is the sign-in form's data.
type signInPage struct {
	Next    string
	Login   string
	Message string
}

// signInForm is GET /signin.
func (a *api) signInForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if _, err := a.sessionPrincipal(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	a.render(w, r, nil, &view{Page: "signin", Title: "Sign in", Data: signInPage{Next: next}})
}

// signIn is POST /signin: a new session on success, whatever session the
// browser came with ended; the same words for every failure, so that a
// guesser learns nothing of which logins exist.
func (a *api) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		a.renderError(w, r, nil, badRequest("", "the form could not be read: %v", err))
		return
	}
	login := strings.TrimSpace(r.PostForm.Get("login"))
	next := localPath(r.PostForm.Get("next"))
	var old string
	if c, err := r.Cookie(access.SessionCookieName); err == nil {
		old = c.Value
	}
	res, err := a.auth.Login(r.Context(), access.LoginRequest{
		Login: login, Password: r.PostForm.Get("password"), TOTPCode: strings.TrimSpace(r.PostForm.Get("code")),
		Origin: clientAddress(r), UserAgent: r.UserAgent(), OldSessionID: old,
	})
	if err != nil {
		form := signInPage{Next: next, Login: login}
		status := http.StatusUnauthorized
		switch until, throttled := access.RetryAfter(err); {
		case throttled:
			secs := max(int(until.Sub(a.now()).Seconds())+1, 1)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			status = http.StatusTooManyRequests
			form.Message = fmt.Sprintf("Too many failed sign-ins. Try again in %d seconds.", secs)
		case pole.ErrorCode(err) == pole.EUNAUTHORIZED:
			form.Message = "That login, password and code do not match an account that may sign in."
		default:
			a.renderError(w, r, nil, err)
			return
		}
		a.render(w, r, nil, &view{Page: "signin", Title: "Sign in", Data: form, Status: status})
		return
	}
	if res.SweepErr != nil {
		a.log.LogAttrs(r.Context(), slog.LevelWarn, "deleting ended sessions", slog.String("error", res.SweepErr.Error()))
	}
	http.SetCookie(w, access.SessionCookie(res.SessionID, res.ExpiresAt))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut is POST /signout: the session ends on the server, so a copy of
// the cookie taken earlier is worth nothing from now on.
func (a *api) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(access.SessionCookieName); err == nil && c.Value != "" {
		if err := a.auth.Logout(r.Context(), c.Value); err != nil && pole.ErrorCode(err) != pole.EUNAUTHORIZED && pole.ErrorCode(err) != pole.ENOTFOUND {
			a.renderError(w, r, nil, err)
			return
		}
	}
	a.clearSession(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
