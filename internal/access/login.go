// Package access decides who may do what in caselink: users, sessions, tokens and the one policy function.
package access

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Config sets how an Authenticator behaves; a zero field takes its default.
type Config struct {
	Now             func() time.Time // the clock; tests move it
	Password        PasswordParams   // at least DefaultPasswordParams
	IdleTimeout     time.Duration    // DefaultIdleTimeout
	AbsoluteTimeout time.Duration    // DefaultAbsoluteTimeout
	Throttle        ThrottleLimits   // DefaultThrottleLimits
	// Location is the time zone of the time a throttled user is told to
	// come back at; Europe/London if the system knows it, else UTC.
	Location *time.Location
}

// Authenticator says who a person or client is: it signs users in and out,
// checks sessions and API tokens, and adds and disables users. It is safe
// for concurrent use.
type Authenticator struct {
	store       *store.Store
	now         func() time.Time
	password    PasswordParams
	idleTimeout time.Duration
	absTimeout  time.Duration
	throttle    ThrottleLimits
	loc         *time.Location
	// dummyHash is checked when no user has the login given, so that a
	// sign-in takes as long whether or not the account exists. It is made
	// on the first sign-in, so that commands that only check tokens do not
	// pay for a hash.
	dummyHash func() (string, error)

	sweepMu   sync.Mutex
	lastSweep time.Time // when sign-ins last deleted ended sessions
}

// NewAuthenticator returns an Authenticator over s.
func NewAuthenticator(s *store.Store, c Config) (*Authenticator, error) {
	const op = "access.NewAuthenticator"
	a := &Authenticator{
		store: s, now: c.Now, password: c.Password, idleTimeout: c.IdleTimeout, absTimeout: c.AbsoluteTimeout,
		throttle: c.Throttle, loc: c.Location,
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.password == (PasswordParams{}) {
		a.password = DefaultPasswordParams()
	}
	if a.password.weak() {
		return nil, pole.E(op, pole.Invalid("password_params", "%s is weaker than the minimum %s", a.password, DefaultPasswordParams()))
	}
	if a.idleTimeout <= 0 {
		a.idleTimeout = DefaultIdleTimeout
	}
	if a.absTimeout <= 0 {
		a.absTimeout = DefaultAbsoluteTimeout
	}
	if a.throttle == (ThrottleLimits{}) {
		a.throttle = DefaultThrottleLimits()
	}
	if a.loc == nil {
		a.loc = time.UTC
		if london, err := time.LoadLocation("Europe/London"); err == nil {
			a.loc = london
		}
	}
	a.dummyHash = sync.OnceValues(func() (string, error) {
		pw, err := newSecret()
		if err != nil {
			return "", err
		}
		return a.password.hash(pw)
	})
	return a, nil
}

// LoginRequest is one attempt to sign in.
type LoginRequest struct {
	Login    string
	Password string
	TOTPCode string // needed if the user has turned on a second factor
	// Origin is the client's address ("IP" or "IP:port"), by which failures
	// are also throttled; UserAgent is kept with the session.
	Origin    string
	UserAgent string
	// OldSessionID is the session the request came with, if any. Signing in
	// ends it: the signed-in session always has a new id, so an id planted
	// on the browser beforehand is worth nothing.
	OldSessionID string
}

// LoginResult is a new session: SessionID goes into SessionCookie and is
// not kept anywhere else. Rehashed says the user's password hash was made
// again with today's parameters. SweepErr says why deleting the sessions
// that had ended failed: the sign-in stands, and the caller logs it.
type LoginResult struct {
	SessionID string
	ExpiresAt time.Time
	User      *pole.User
	Rehashed  bool
	SweepErr  error
}

// errLoginFailed is the one answer to a wrong login, password or code and
// to a disabled user, so that the answer does not say which accounts exist.
func errLoginFailed() error {
	return pole.Errorf(pole.EUNAUTHORIZED, "the login, password or code is wrong")
}

// errBlocked stops the throttle's transaction when an attempt is refused.
var errBlocked = errors.New("sign-in blocked")

// throttled is the cause of a refused attempt: when the next is allowed.
type throttled struct{ until time.Time }

func (t *throttled) Error() string { return "blocked until " + t.until.UTC().Format(time.RFC3339) }

// RetryAfter reports when a sign-in refused for too many failures may be
// tried again.
func RetryAfter(err error) (time.Time, bool) {
	var t *throttled
	if errors.As(err, &t) {
		return t.until, true
	}
	return time.Time{}, false
}

// normaliseLogin is the login as stored: logins are lower case. What
// cannot be a login is cleaned so that it can still be looked up and
// counted on both engines.
func normaliseLogin(login string) string {
	return clean(strings.ToLower(strings.TrimSpace(login)), 64)
}

// Login signs a user in and starts a new session. Failures are counted per
// account and per address; past the limit every attempt is refused, even
// one with the right password, until the block passes (RetryAfter says
// when). A success clears the account's count.
func (a *Authenticator) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	const op = "access.Login"
	now := a.now()
	login := normaliseLogin(req.Login)
	keys := []string{accountKey(login)}
	if k := addressKey(req.Origin); k != "" {
		keys = append(keys, k)
	}
	if err := a.chargeAttempt(ctx, keys, now); err != nil {
		return nil, pole.E(op, err)
	}

	// Made before the user is looked up, so that the first sign-in with an
	// unknown login takes no longer than the first with a known one.
	dummy, err := a.dummyHash()
	if err != nil {
		return nil, pole.E(op, err)
	}
	u, rehash, err := a.verify(ctx, login, req.Password, req.TOTPCode, dummy, now)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := a.forgiveAttempt(ctx, keys); err != nil {
		return nil, pole.E(op, err)
	}
	rehashed := false
	if rehash {
		if rehashed, err = a.rehash(ctx, u, req.Password); err != nil {
			return nil, pole.E(op, err)
		}
	}
	if req.OldSessionID != "" {
		if err := a.Logout(ctx, req.OldSessionID); err != nil {
			return nil, pole.E(op, err)
		}
	}
	res, err := a.startSession(ctx, u, req.Origin, req.UserAgent, now)
	if err != nil {
		return nil, pole.E(op, err)
	}
	res.Rehashed = rehashed
	res.SweepErr = pole.E(op, res.SweepErr)
	return res, nil
}

// chargeAttempt counts an attempt under keys as a failure before its
// password is checked (see charge), or refuses it, saying until when, if
// any of the keys is blocked.
func (a *Authenticator) chargeAttempt(ctx context.Context, keys []string, now time.Time) error {
	var until time.Time
	_, err := a.store.UpdateLoginThrottles(ctx, keys, func(states []*store.LoginThrottle) error {
		for _, st := range states {
			if b := blocked(st, now); b.After(until) {
				until = b
			}
		}
		if !until.IsZero() {
			return errBlocked
		}
		for _, st := range states {
			a.throttle.charge(st, now)
		}
		return nil
	})
	if !until.IsZero() {
		return &pole.Error{
			Code:    pole.EUNAUTHORIZED,
			Message: "too many attempts; try again after " + until.In(a.loc).Format("15:04 MST"),
			Err:     &throttled{until: until},
		}
	}
	return err
}

// forgiveAttempt takes back what chargeAttempt charged an attempt whose
// password proved right: the account's count, under the first of keys, is
// cleared, and each address is forgiven the one failure.
func (a *Authenticator) forgiveAttempt(ctx context.Context, keys []string) error {
	_, err := a.store.UpdateLoginThrottles(ctx, keys, func(states []*store.LoginThrottle) error {
		states[0].Failures = 0
		for _, st := range states[1:] {
			forgive(st)
		}
		return nil
	})
	return err
}

// verify checks a login's password and, if the user has one, second factor.
// Every failure is errLoginFailed. A password is checked even when there is
// no such user or the user is disabled, so that all failures take as long.
func (a *Authenticator) verify(ctx context.Context, login, password, code, dummy string, now time.Time) (u *pole.User, rehash bool, err error) {
	u, err = a.store.FindUserByLogin(ctx, login)
	if pole.ErrorCode(err) == pole.ENOTFOUND {
		if _, _, err := a.password.Check(dummy, password); err != nil {
			return nil, false, err
		}
		return nil, false, errLoginFailed()
	}
	if err != nil {
		return nil, false, err
	}
	ok, rehash, err := a.password.Check(u.PasswordHash, password)
	if err != nil {
		// A stored hash that cannot be read is the operator's problem, not
		// the user's: internal, and never shown.
		return nil, false, &pole.Error{Code: pole.EINTERNAL, Message: "user " + u.Login + " has an unreadable password hash", Err: err}
	}
	if !ok || u.Disabled {
		return nil, false, errLoginFailed()
	}
	if u.TOTPSecret != "" {
		key, err := totpKey(u.TOTPSecret)
		if err != nil {
			return nil, false, &pole.Error{Code: pole.EINTERNAL, Message: "user " + u.Login + " has an unreadable TOTP secret", Err: err}
		}
		step, ok := matchTOTP(key, code, now)
		if !ok {
			return nil, false, errLoginFailed()
		}
		if err := a.store.UseTOTPStep(ctx, u.ID, step); err != nil {
			if pole.ErrorCode(err) == pole.ECONFLICT {
				return nil, false, errLoginFailed()
			}
			return nil, false, err
		}
	}
	return u, rehash, nil
}

// rehash stores a new hash of the user's password made with today's
// parameters. If someone changed the user meanwhile, the upgrade waits for
// the next sign-in.
func (a *Authenticator) rehash(ctx context.Context, u *pole.User, password string) (bool, error) {
	h, err := a.password.hash(password)
	if err != nil {
		return false, err
	}
	next := *u
	next.PasswordHash = h
	err = a.store.UpdateUser(ctx, &next)
	if pole.ErrorCode(err) == pole.ECONFLICT {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	*u = next
	return true, nil
}

// AddUser stores a new user with password, which must be between
// MinPasswordLength and MaxPasswordLength characters. u's other fields are
// checked as the store checks them; on success u holds its id, password
// hash and version.
func (a *Authenticator) AddUser(ctx context.Context, u *pole.User, password string) error {
	const op = "access.AddUser"
	h, err := a.password.Hash(password)
	if err != nil {
		return pole.E(op, err)
	}
	next := *u
	next.PasswordHash = h
	if err := a.store.CreateUser(ctx, &next); err != nil {
		return pole.E(op, err)
	}
	*u = next
	return nil
}

// ChangePassword gives a user a new password once they have given their
// current one, and ends every other session of theirs, so that whoever
// learnt the old password is signed out with it. keepSessionID, the session
// the change is made from, stays signed in; "" keeps none. A wrong current
// password is counted against the account as a failed sign-in is, and once
// the account is blocked every change is refused until the block passes.
// The new password must be between MinPasswordLength and MaxPasswordLength
// characters.
func (a *Authenticator) ChangePassword(ctx context.Context, userID, oldPassword, newPassword, keepSessionID string) error {
	const op = "access.ChangePassword"
	now := a.now()
	u, err := a.store.FindUserByID(ctx, userID)
	if err != nil {
		return pole.E(op, err)
	}
	if u.Disabled {
		return pole.E(op, errNotSignedIn())
	}
	keys := []string{accountKey(u.Login)}
	if err := a.chargeAttempt(ctx, keys, now); err != nil {
		return pole.E(op, err)
	}
	ok, _, err := a.password.Check(u.PasswordHash, oldPassword)
	if err != nil {
		return pole.E(op, &pole.Error{Code: pole.EINTERNAL, Message: "user " + u.Login + " has an unreadable password hash", Err: err})
	}
	if !ok {
		return pole.E(op, pole.Errorf(pole.EUNAUTHORIZED, "the current password is wrong"))
	}
	if err := a.forgiveAttempt(ctx, keys); err != nil {
		return pole.E(op, err)
	}
	// Named apart from the current password, which the form also holds.
	if err := CheckPasswordLength(newPassword); err != nil {
		var pe *pole.Error
		if errors.As(err, &pe) {
			named := *pe
			named.Field = "new_password"
			err = &named
		}
		return pole.E(op, err)
	}
	h, err := a.password.Hash(newPassword)
	if err != nil {
		return pole.E(op, err)
	}
	next := *u
	next.PasswordHash = h
	if err := a.store.UpdateUser(ctx, &next); err != nil {
		return pole.E(op, err)
	}
	keep := ""
	if wellFormedSecret(keepSessionID) {
		keep = hashSecret(keepSessionID)
	}
	_, err = a.store.DeleteOtherUserSessions(ctx, u.ID, keep)
	return pole.E(op, err)
}

// Disablement is what disabling a user did.
type Disablement struct {
	User          *pole.User
	WasDisabled   bool // the user was disabled already
	SessionsEnded int
	TokensRevoked int
}

// DisableUser stops a user signing in, ends their sessions and revokes their
// API tokens. Session and Token refuse a disabled user's sessions and tokens
// anyway, so a failure part-way leaves nothing usable; running it again
// finishes the job.
func (a *Authenticator) DisableUser(ctx context.Context, login string) (*Disablement, error) {
	const op = "access.DisableUser"
	u, err := a.store.FindUserByLogin(ctx, normaliseLogin(login))
	if err != nil {
		return nil, pole.E(op, err)
	}
	d := &Disablement{User: u, WasDisabled: u.Disabled}
	if !u.Disabled {
		u.Disabled = true
		if err := a.store.UpdateUser(ctx, u); err != nil {
			return nil, pole.E(op, err)
		}
	}
	if d.SessionsEnded, err = a.store.DeleteUserSessions(ctx, u.ID); err != nil {
		return nil, pole.E(op, err)
	}
	if d.TokensRevoked, err = a.store.RevokeUserAPITokens(ctx, u.ID, a.now()); err != nil {
		return nil, pole.E(op, err)
	}
	return d, nil
}
