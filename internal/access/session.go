package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// SessionCookieName is the session cookie's name. The __Host- prefix makes
// browsers refuse it unless it is Secure, has Path "/" and names no domain,
// so that no other site or subdomain can set or read it.
const SessionCookieName = "__Host-caselink_session"

// Session timeouts: a session ends after IdleTimeout without use, and
// AbsoluteTimeout after sign-in however busy.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	// touchEvery is how stale a session's last use may be before a request
	// records it again: writing on every request would cost a write per page.
	touchEvery = time.Minute
	// sweepEvery is how often sign-ins delete the sessions that have ended.
	// Session deletes an ended session it is shown, but one never shown
	// again would otherwise be kept for ever.
	sweepEvery = 10 * time.Minute
)

// secretBytes is the entropy of a session id and of an API token.
const secretBytes = 32

// newSecret returns secretBytes random bytes in unpadded base64url.
func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// wellFormedSecret reports whether s could be a secret newSecret made, so
// that garbage is refused without asking the database.
func wellFormedSecret(s string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == secretBytes
}

// hashSecret is what the store keeps of a session id or token: the hex
// SHA-256. The secrets are random and long, so a plain hash cannot be
// reversed, and a lookup by hash leaks nothing about the secret through
// timing.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// SessionCookie is the cookie that carries session id to the browser until
// expires: only over HTTPS, out of reach of scripts, and never sent with a
// request another site starts.
func SessionCookie(id string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookieName,
		Value:    id,
		Path:     "/",
		Expires:  expires.UTC(),
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	}
}

func errNotSignedIn() error { return pole.Errorf(pole.EUNAUTHORIZED, "not signed in") }

// Session returns the user whose session id is id, if the session is still
// valid: not idle for the idle timeout, not past its absolute expiry, and
// of a user who is not disabled. Anything else is EUNAUTHORIZED, and a
// session found invalid is deleted.
func (a *Authenticator) Session(ctx context.Context, id string) (*pole.User, error) {
	const op = "access.Session"
	if !wellFormedSecret(id) {
		return nil, pole.E(op, errNotSignedIn())
	}
	hash := hashSecret(id)
	se, err := a.store.FindSession(ctx, hash)
	if pole.ErrorCode(err) == pole.ENOTFOUND {
		return nil, pole.E(op, errNotSignedIn())
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	now := a.now()
	end := func(msg string) (*pole.User, error) {
		if err := a.store.DeleteSession(ctx, hash); err != nil {
			return nil, pole.E(op, err)
		}
		return nil, pole.E(op, pole.Errorf(pole.EUNAUTHORIZED, "%s", msg))
	}
	if !now.Before(se.ExpiresAt) {
		return end("the session has expired: sign in again")
	}
	if now.Sub(se.LastSeenAt) >= a.idleTimeout {
		return end("the session ended after a time unused: sign in again")
	}
	u, err := a.store.FindUserByID(ctx, se.UserID)
	if err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
		return nil, pole.E(op, err)
	}
	if err != nil || u.Disabled {
		return end("not signed in")
	}
	if now.Sub(se.LastSeenAt) >= touchEvery {
		if err := a.store.TouchSession(ctx, hash, now); err != nil {
			return nil, pole.E(op, err)
		}
	}
	return u, nil
}

// Logout ends the session whose id is id, so that the id, even if stolen,
// no longer signs anyone in. Ending a session that has ended is not an error.
func (a *Authenticator) Logout(ctx context.Context, id string) error {
	const op = "access.Logout"
	if !wellFormedSecret(id) {
		return nil
	}
	return pole.E(op, a.store.DeleteSession(ctx, hashSecret(id)))
}

// startSession stores a new session for u, signed in at now: the one way a
// session starts, once a password and code or the identity provider have
// vouched for u. It then deletes the sessions that have ended, if that is
// due; a failure to is in the result's SweepErr, not an error.
func (a *Authenticator) startSession(ctx context.Context, u *pole.User, origin, userAgent string, now time.Time) (*LoginResult, error) {
	id, err := newSecret()
	if err != nil {
		return nil, err
	}
	se := &store.Session{
		IDHash: hashSecret(id), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.absTimeout),
		Origin: clean(origin, 100), UserAgent: clean(userAgent, 512),
	}
	if err := a.store.CreateSession(ctx, se); err != nil {
		return nil, err
	}
	return &LoginResult{SessionID: id, ExpiresAt: se.ExpiresAt, User: u, SweepErr: a.sweepSessions(ctx, now)}, nil
}

// sweepSessions deletes the sessions that have ended by now, unless it did
// so less than sweepEvery ago. The time is taken before the sweep runs, so
// that sign-ins at the same moment do not all sweep, and a sweep that fails
// is not tried again until the next is due.
func (a *Authenticator) sweepSessions(ctx context.Context, now time.Time) error {
	a.sweepMu.Lock()
	due := a.lastSweep.IsZero() || now.Sub(a.lastSweep) >= sweepEvery
	if due {
		a.lastSweep = now
	}
	a.sweepMu.Unlock()
	if !due {
		return nil
	}
	_, err := a.store.DeleteExpiredSessions(ctx, now, a.idleTimeout)
	return err
}
