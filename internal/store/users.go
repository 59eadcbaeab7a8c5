package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// Session is a signed-in user's session. IDHash is the hex SHA-256 of the
// session id the browser holds; the id itself is never stored, so a copy of
// the database cannot be used to take over a session. Times are the
// caller's, so that the access package's clock decides expiry.
type Session struct {
	IDHash     string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute: the session ends then however active it is
	Origin     string    // the address it was created from
	UserAgent  string
}

// APIToken is a machine client's credential. Hash is the hex SHA-256 of the
// token the client holds. Scopes limit what it may be used for. LastUsedAt
// and RevokedAt are zero until the token is used and revoked.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Hash       string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// LoginThrottle counts the failed sign-ins under one key ("account:LOGIN" or
// "addr:ADDRESS") since FirstFailureAt. BlockedUntil, when set, is when
// sign-ins under the key are next allowed.
type LoginThrottle struct {
	Key            string
	Failures       int
	FirstFailureAt time.Time
	BlockedUntil   time.Time
}

// UserFilter selects users; empty fields match every user.
type UserFilter struct {
	Force  string
	Role   pole.AccessRole
	Offset int
	Limit  int // 0 for all
}

var (
	userColumns    = []string{"id", "login", "name", "force", "roles", "teams", "disabled", "password_hash", "totp_secret", "created_at", "updated_at", "version"}
	sessionColumns = []string{"id_hash", "user_id", "created_at", "last_seen_at", "expires_at", "origin", "user_agent"}
	tokenColumns   = []string{"id", "user_id", "name", "hash", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"}

	userSelect    = "SELECT " + strings.Join(userColumns, ", ") + " FROM users"
	sessionSelect = "SELECT " + strings.Join(sessionColumns, ", ") + " FROM sessions"
	tokenSelect   = "SELECT " + strings.Join(tokenColumns, ", ") + " FROM api_tokens"
)

const maxTokenName = 100

// userValues is u's row. A second-factor secret is sealed like a victim's
// identity: whoever reads the database must not be able to make codes.
func (s *Store) userValues(u *pole.User) ([]any, error) {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	secret := ""
	if u.TOTPSecret != "" {
		if s.sealer == nil {
			return nil, errNoKey("a second-factor secret")
		}
		keyID, sealed, err := s.sealer.SealBytes(totpRow(u.ID), []byte(u.TOTPSecret))
		if err != nil {
			return nil, err
		}
		secret = sealedPrefix + keyID + ":" + base64.StdEncoding.EncodeToString(sealed)
	}
	return []any{u.ID, u.Login, u.Name, u.Force, jsonStrings(roles), jsonStrings(u.Teams), u.Disabled,
		u.PasswordHash, secret, s.eng.timeValue(u.CreatedAt), s.eng.timeValue(u.UpdatedAt), u.Version}, nil
}

// sealedPrefix starts a sealed second-factor secret as stored: the key id
// and the sealed bytes in base64 follow.
const sealedPrefix = "sealed:"

func totpRow(userID string) string { return "user/" + userID + "/totp" }

// scanUserOpen scans a user and opens the second-factor secret.
func (s *Store) scanUserOpen(r scanner) (*pole.User, error) {
	u, err := scanUser(r)
	if err != nil || u.TOTPSecret == "" {
		return u, err
	}
	rest, ok := strings.CutPrefix(u.TOTPSecret, sealedPrefix)
	keyID, enc, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return nil, pole.Errorf(pole.EINTERNAL, "user %s: the stored second-factor secret is not sealed", u.ID)
	}
	sealed, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, err
	}
	if s.sealer == nil {
		return nil, errNoKey("a second-factor secret")
	}
	plain, err := s.sealer.OpenBytes(totpRow(u.ID), keyID, sealed)
	if err != nil {
		return nil, pole.Errorf(pole.EINTERNAL, "user %s: the second-factor secret does not open: %v", u.ID, err)
	}
	u.TOTPSecret = string(plain)
	return u, nil
}

func scanUser(r scanner) (*pole.User, error) {
	var (
		u            pole.User
		roles, teams []byte
	)
	err := r.Scan(&u.ID, &u.Login, &u.Name, &u.Force, &roles, &teams, &u.Disabled,
		&u.PasswordHash, &u.TOTPSecret, &u.CreatedAt, &u.UpdatedAt, &u.Version)
	if err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	names, err := decodeStrings("roles", roles)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		u.Roles = append(u.Roles, pole.AccessRole(n))
	}
	if u.Teams, err = decodeStrings("teams", teams); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser stores u, giving it an id if it has none, version 1 and its
// times. A login is held once: a second user with it is ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, u *pole.User) error {
	const op = "store.CreateUser"
	next := *u
	if err := assignID(&next.ID); err != nil {
		return pole.E(op, err)
	}
	next.Version, next.CreatedAt = 1, s.now()
	next.UpdatedAt = next.CreatedAt
	if err := next.Validate(); err != nil {
		return pole.E(op, err)
	}
	vals, err := s.userValues(&next)
	if err != nil {
		return pole.E(op, err)
	}
	_, err = s.w.ExecContext(ctx, s.eng.rebind(insertSQL("users", userColumns)), vals...)
	if err != nil {
		return pole.E(op, s.classify(err, "a user with login "+next.Login+" is already stored"))
	}
	*u = next
	return nil
}

// FindUserByID returns the user with the given id, or ENOTFOUND.
func (s *Store) FindUserByID(ctx context.Context, id string) (*pole.User, error) {
	const op = "store.FindUserByID"
	if err := notFoundUnlessID("user", id); err != nil {
		return nil, pole.E(op, err)
	}
	u, err := s.scanUserOpen(s.r.QueryRowContext(ctx, s.eng.rebind(userSelect+" WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no user with id %s", id))
	}
	return u, pole.E(op, err)
}

// FindUserByLogin returns the user who signs in as login, or ENOTFOUND.
func (s *Store) FindUserByLogin(ctx context.Context, login string) (*pole.User, error) {
	const op = "store.FindUserByLogin"
	u, err := s.scanUserOpen(s.r.QueryRowContext(ctx, s.eng.rebind(userSelect+" WHERE login = ?"), login))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no user with login %q", login))
	}
	return u, pole.E(op, err)
}

// FindUsers returns the users that match f in login order, and how many
// match in all.
func (s *Store) FindUsers(ctx context.Context, f UserFilter) ([]*pole.User, int, error) {
	const op = "store.FindUsers"
	var w where
	if f.Force != "" {
		w.add("force = ?", f.Force)
	}
	if f.Role != "" {
		w.add(s.eng.jsonArrayHas("roles"), string(f.Role))
	}
	q, err := page(userSelect+w.String()+" ORDER BY login", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, s.scanUserOpen)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	n, err := s.count(ctx, "users", &w)
	return list, n, pole.E(op, err)
}

// UpdateUser replaces a stored user with u. u.Version must be the version
// that was read: if someone else changed the user since, the update is
// ECONFLICT and nothing changes. On success u holds the new version.
func (s *Store) UpdateUser(ctx context.Context, u *pole.User) error {
	const op = "store.UpdateUser"
	if err := notFoundUnlessID("user", u.ID); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		var created time.Time
		err := tx.QueryRowContext(ctx, s.eng.rebind("SELECT created_at FROM users WHERE id = ?"), u.ID).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no user with id %s", u.ID)
		}
		if err != nil {
			return err
		}
		next := *u
		next.Version, next.CreatedAt, next.UpdatedAt = u.Version+1, created.UTC(), s.now()
		if err := next.Validate(); err != nil {
			return err
		}
		vals, err := s.userValues(&next)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.eng.rebind(updateSQL("users", userColumns)), append(vals[1:], next.ID, u.Version)...)
		if err != nil {
			return s.classify(err, "a user with login "+next.Login+" is already stored")
		}
		if err := changedOne(res, "user", u.ID, u.Version); err != nil {
			return err
		}
		*u = next
		return nil
	}))
}

// UseTOTPStep records that the user's one-time code for step (a count of
// 30-second periods since 1970) was accepted. A step no later than one
// already accepted is ECONFLICT: the code was used before. The check and the
// write are one statement, so of two sign-ins with one code exactly one wins.
func (s *Store) UseTOTPStep(ctx context.Context, userID string, step int64) error {
	const op = "store.UseTOTPStep"
	if err := notFoundUnlessID("user", userID); err != nil {
		return pole.E(op, err)
	}
	res, err := s.w.ExecContext(ctx, s.eng.rebind("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?"), step, userID, step)
	if err != nil {
		return pole.E(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return pole.E(op, err)
	}
	if n == 1 {
		return nil
	}
	ok, err := s.exists(ctx, s.w, "users", userID)
	switch {
	case err != nil:
		return pole.E(op, err)
	case !ok:
		return pole.E(op, pole.Errorf(pole.ENOTFOUND, "no user with id %s", userID))
	}
	return pole.E(op, pole.Errorf(pole.ECONFLICT, "the one-time code was already used"))
}

// isHash reports whether h is a hex SHA-256 as the store keeps them.
func isHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := range len(h) {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func scanSession(r scanner) (*Session, error) {
	var se Session
	err := r.Scan(&se.IDHash, &se.UserID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.Origin, &se.UserAgent)
	if err != nil {
		return nil, err
	}
	se.CreatedAt, se.LastSeenAt, se.ExpiresAt = se.CreatedAt.UTC(), se.LastSeenAt.UTC(), se.ExpiresAt.UTC()
	return &se, nil
}

// CreateSession stores a new session of a stored user. Its times are kept as
// given, to the microsecond.
func (s *Store) CreateSession(ctx context.Context, se *Session) error {
	const op = "store.CreateSession"
	next := *se
	switch {
	case !isHash(next.IDHash):
		return pole.E(op, pole.Invalid("id_hash", "must be a hex SHA-256"))
	case !pole.IsID(next.UserID):
		return pole.E(op, pole.Invalid("user_id", "%q is not an id", next.UserID))
	case next.CreatedAt.IsZero() || next.LastSeenAt.IsZero() || next.ExpiresAt.IsZero():
		return pole.E(op, pole.Invalid("expires_at", "a session needs its creation, last use and expiry times"))
	case !next.ExpiresAt.After(next.CreatedAt):
		return pole.E(op, pole.Invalid("expires_at", "must be after the session is created"))
	}
	now := s.now()
	next.CreatedAt, next.LastSeenAt, next.ExpiresAt = storedTime(next.CreatedAt, now), storedTime(next.LastSeenAt, now), storedTime(next.ExpiresAt, now)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mustExist(ctx, tx, "user_id", "users", next.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("sessions", sessionColumns)),
			next.IDHash, next.UserID, s.eng.timeValue(next.CreatedAt), s.eng.timeValue(next.LastSeenAt),
			s.eng.timeValue(next.ExpiresAt), next.Origin, next.UserAgent)
		return s.classify(err, "the session is already stored")
	})
	if err != nil {
		return pole.E(op, err)
	}
	*se = next
	return nil
}

// FindSession returns the session whose id hashes to idHash, or ENOTFOUND.
// Whether it has expired is the caller's to judge.
func (s *Store) FindSession(ctx context.Context, idHash string) (*Session, error) {
	const op = "store.FindSession"
	if !isHash(idHash) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no such session"))
	}
	se, err := scanSession(s.r.QueryRowContext(ctx, s.eng.rebind(sessionSelect+" WHERE id_hash = ?"), idHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no such session"))
	}
	return se, pole.E(op, err)
}

// TouchSession records that the session was used at at. A time earlier than
// the one stored leaves it as it is; a session that is gone is not an error.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	const op = "store.TouchSession"
	at = at.UTC().Truncate(time.Microsecond)
	_, err := s.w.ExecContext(ctx, s.eng.rebind("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?"),
		s.eng.timeValue(at), idHash, s.eng.timeValue(at))
	return pole.E(op, err)
}

// DeleteSession ends a session. Ending one that is gone is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	const op = "store.DeleteSession"
	_, err := s.w.ExecContext(ctx, s.eng.rebind("DELETE FROM sessions WHERE id_hash = ?"), idHash)
	return pole.E(op, err)
}

// DeleteUserSessions ends every session of a user and says how many there
// were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	const op = "store.DeleteUserSessions"
	if err := idArg("user_id", userID); err != nil {
		return 0, pole.E(op, err)
	}
	res, err := s.w.ExecContext(ctx, s.eng.rebind("DELETE FROM sessions WHERE user_id = ?"), userID)
	if err != nil {
		return 0, pole.E(op, err)
	}
	n, err := res.RowsAffected()
	return int(n), pole.E(op, err)
}

// DeleteOtherUserSessions ends every session of a user but the one whose id
// hashes to keepIDHash, and says how many it ended. An empty keepIDHash
// keeps none.
func (s *Store) DeleteOtherUserSessions(ctx context.Context, userID, keepIDHash string) (int, error) {
	const op = "store.DeleteOtherUserSessions"
	if err := idArg("user_id", userID); err != nil {
		return 0, pole.E(op, err)
	}
	res, err := s.w.ExecContext(ctx, s.eng.rebind("DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?"), userID, keepIDHash)
	if err != nil {
		return 0, pole.E(op, err)
	}
	n, err := res.RowsAffected()
	return int(n), pole.E(op, err)
}

// DeleteExpiredSessions deletes the sessions that have ended by now: those
// at or past their absolute expiry, and those unused for idle or longer, as
// the access package judges them. It says how many it deleted.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int, error) {
	const op = "store.DeleteExpiredSessions"
	if idle <= 0 {
		return 0, pole.E(op, pole.Invalid("idle", "must be positive, got %v: every session would be deleted", idle))
	}
	// Cut to the microsecond the times are stored to, downwards: a session
	// is never deleted before it has ended.
	now = now.UTC()
	ended, idleSince := now.Truncate(time.Microsecond), now.Add(-idle).Truncate(time.Microsecond)
	res, err := s.w.ExecContext(ctx, s.eng.rebind("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?"),
		s.eng.timeValue(ended), s.eng.timeValue(idleSince))
	if err != nil {
		return 0, pole.E(op, err)
	}
	n, err := res.RowsAffected()
	return int(n), pole.E(op, err)
}

func scanToken(r scanner) (*APIToken, error) {
	var (
		t            APIToken
		scopes       []byte
		used, revoke sql.NullTime
	)
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &scopes, &t.CreatedAt, &t.ExpiresAt, &used, &revoke)
	if err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	if used.Valid {
		t.LastUsedAt = used.Time.UTC()
	}
	if revoke.Valid {
		t.RevokedAt = revoke.Time.UTC()
	}
	t.Scopes, err = decodeStrings("scopes", scopes)
	return &t, err
}

// CreateAPIToken stores a new token of a stored user, giving it an id if it
// has none and its creation time if it has none. A token needs a name, at
// least one scope and an expiry after its creation.
func (s *Store) CreateAPIToken(ctx context.Context, t *APIToken) error {
	const op = "store.CreateAPIToken"
	next := *t
	if err := assignID(&next.ID); err != nil {
		return pole.E(op, err)
	}
	next.CreatedAt = storedTime(next.CreatedAt, s.now())
	next.ExpiresAt = next.ExpiresAt.UTC().Truncate(time.Microsecond)
	switch {
	case !pole.IsID(next.ID):
		return pole.E(op, pole.Invalid("id", "%q is not an id", next.ID))
	case !pole.IsID(next.UserID):
		return pole.E(op, pole.Invalid("user_id", "%q is not an id", next.UserID))
	case strings.TrimSpace(next.Name) == "" || len(next.Name) > maxTokenName:
		return pole.E(op, pole.Invalid("name", "a token needs a name of 1 to %d bytes", maxTokenName))
	case !isHash(next.Hash):
		return pole.E(op, pole.Invalid("hash", "must be a hex SHA-256"))
	case len(next.Scopes) == 0 || slices.Contains(next.Scopes, ""):
		return pole.E(op, pole.Invalid("scopes", "a token needs at least one scope, none of them empty"))
	case !next.ExpiresAt.After(next.CreatedAt):
		return pole.E(op, pole.Invalid("expires_at", "must be after the token is created"))
	}
	next.LastUsedAt, next.RevokedAt = time.Time{}, time.Time{}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mustExist(ctx, tx, "user_id", "users", next.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("api_tokens", tokenColumns)),
			next.ID, next.UserID, next.Name, next.Hash, jsonStrings(next.Scopes),
			s.eng.timeValue(next.CreatedAt), s.eng.timeValue(next.ExpiresAt), nil, nil)
		return s.classify(err, "the token is already stored")
	})
	if err != nil {
		return pole.E(op, err)
	}
	*t = next
	return nil
}

// FindAPITokenByHash returns the token whose secret hashes to hash, or
// ENOTFOUND. Revoked and expired tokens are returned too: whether one may be
// used is the caller's to judge.
func (s *Store) FindAPITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	const op = "store.FindAPITokenByHash"
	if !isHash(hash) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no such token"))
	}
	t, err := scanToken(s.r.QueryRowContext(ctx, s.eng.rebind(tokenSelect+" WHERE hash = ?"), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no such token"))
	}
	return t, pole.E(op, err)
}

// FindAPITokens returns a user's tokens, revoked and expired ones included,
// oldest first.
func (s *Store) FindAPITokens(ctx context.Context, userID string) ([]*APIToken, error) {
	const op = "store.FindAPITokens"
	if err := idArg("user_id", userID); err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(tokenSelect+" WHERE user_id = ? ORDER BY created_at, id"), []any{userID}, scanToken)
	return list, pole.E(op, err)
}

// TouchAPIToken records that the token was used at at. A time earlier than
// the one stored leaves it as it is.
func (s *Store) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	const op = "store.TouchAPIToken"
	if err := idArg("id", id); err != nil {
		return pole.E(op, err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	_, err := s.w.ExecContext(ctx, s.eng.rebind("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)"),
		s.eng.timeValue(at), id, s.eng.timeValue(at))
	return pole.E(op, err)
}

// RevokeAPIToken revokes a token as of at, or ENOTFOUND if there is no such
// token. Revoking a revoked token keeps its first revocation.
func (s *Store) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	const op = "store.RevokeAPIToken"
	if err := notFoundUnlessID("token", id); err != nil {
		return pole.E(op, err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := s.exists(ctx, tx, "api_tokens", id)
		if err != nil {
			return err
		}
		if !ok {
			return pole.Errorf(pole.ENOTFOUND, "no token with id %s", id)
		}
		_, err = tx.ExecContext(ctx, s.eng.rebind("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"), s.eng.timeValue(at), id)
		return err
	}))
}

// RevokeUserAPITokens revokes every token of a user that is not revoked yet,
// as of at, and says how many it revoked.
func (s *Store) RevokeUserAPITokens(ctx context.Context, userID string, at time.Time) (int, error) {
	const op = "store.RevokeUserAPITokens"
	if err := idArg("user_id", userID); err != nil {
		return 0, pole.E(op, err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	res, err := s.w.ExecContext(ctx, s.eng.rebind("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"), s.eng.timeValue(at), userID)
	if err != nil {
		return 0, pole.E(op, err)
	}
	n, err := res.RowsAffected()
	return int(n), pole.E(op, err)
}

// UpdateLoginThrottles reads the failed sign-ins counted under each key (a
// key with none reads as zero, with its Key set), lets change alter them, and
// writes them back, all in one transaction: concurrent sign-ins under a key
// are counted one after another, never both from the same count. A state
// left with no failures is deleted. If change returns an error, nothing is
// written and the error is returned. The states are in the order of keys.
func (s *Store) UpdateLoginThrottles(ctx context.Context, keys []string, change func(states []*LoginThrottle) error) ([]LoginThrottle, error) {
	const op = "store.UpdateLoginThrottles"
	for _, k := range keys {
		if k == "" {
			return nil, pole.E(op, pole.Invalid("key", "a throttle key must not be empty"))
		}
	}
	// Rows are locked in key order, so that two transactions over the same
	// keys cannot each hold one and wait for the other.
	order := slices.Clone(keys)
	slices.Sort(order)
	order = slices.Compact(order)
	now := s.now()
	states := make([]*LoginThrottle, len(keys))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		byKey := make(map[string]*LoginThrottle, len(order))
		for _, k := range order {
			t, err := s.lockThrottle(ctx, tx, k, now)
			if err != nil {
				return err
			}
			byKey[k] = t
		}
		for i, k := range keys {
			states[i] = byKey[k]
		}
		if err := change(states); err != nil {
			return err
		}
		for _, k := range order {
			if err := s.writeThrottle(ctx, tx, byKey[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := make([]LoginThrottle, len(states))
	for i, t := range states {
		out[i] = *t
	}
	return out, nil
}

// lockThrottle reads the state under key, locked for the rest of tx. A key
// with no row gets an empty one first (no failures), so that there is a row
// to lock: on PostgreSQL a concurrent transaction's insert of the same key
// waits for this one to end. writeThrottle deletes the row if it stays empty.
func (s *Store) lockThrottle(ctx context.Context, tx *sql.Tx, key string, now time.Time) (*LoginThrottle, error) {
	_, err := tx.ExecContext(ctx, s.eng.rebind("INSERT INTO login_throttle (key, failures, first_failure_at) VALUES (?, 0, ?) ON CONFLICT (key) DO NOTHING"),
		key, s.eng.timeValue(now))
	if err != nil {
		return nil, err
	}
	var (
		t       = LoginThrottle{Key: key}
		first   time.Time
		blocked sql.NullTime
	)
	err = tx.QueryRowContext(ctx, s.eng.rebind("SELECT failures, first_failure_at, blocked_until FROM login_throttle WHERE key = ?"+s.eng.forUpdate()), key).
		Scan(&t.Failures, &first, &blocked)
	if err != nil {
		return nil, err
	}
	if t.Failures > 0 {
		t.FirstFailureAt = first.UTC()
	}
	if blocked.Valid {
		t.BlockedUntil = blocked.Time.UTC()
	}
	return &t, nil
}

func (s *Store) writeThrottle(ctx context.Context, tx *sql.Tx, t *LoginThrottle) error {
	if t.Failures <= 0 {
		*t = LoginThrottle{Key: t.Key}
		_, err := tx.ExecContext(ctx, s.eng.rebind("DELETE FROM login_throttle WHERE key = ?"), t.Key)
		return err
	}
	t.FirstFailureAt = t.FirstFailureAt.UTC().Truncate(time.Microsecond)
	t.BlockedUntil = t.BlockedUntil.UTC().Truncate(time.Microsecond)
	_, err := tx.ExecContext(ctx, s.eng.rebind(`INSERT INTO login_throttle (key, failures, first_failure_at, blocked_until) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first_failure_at = excluded.first_failure_at, blocked_until = excluded.blocked_until`),
		t.Key, t.Failures, s.eng.timeValue(t.FirstFailureAt), s.nullTime(t.BlockedUntil))
	return err
}
