package access

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// API tokens are for machine clients (a force's nightly ingest, a script
// reading the audit log). A token acts for a user, within its scopes and the
// user's roles, until it expires or is revoked. The prefix lets secret
// scanners and people recognise one.
const (
	TokenPrefix      = "clk_"
	MaxTokenLifetime = 365 * 24 * time.Hour
)

// IssuedToken is a new token: Token is the secret, to be shown once and
// never again; Record is what was stored, which holds only its hash.
type IssuedToken struct {
	Token  string
	Record *store.APIToken
}

// IssueToken makes a token for the user, named name (to tell a user's tokens
// apart), limited to scopes, and expiring after lifetime, which is required
// and at most a year. A disabled user gets no token.
func (a *Authenticator) IssueToken(ctx context.Context, userID, name string, scopes []Scope, lifetime time.Duration) (*IssuedToken, error) {
	const op = "access.IssueToken"
	name = strings.TrimSpace(name)
	switch {
	case name == "" || !utf8.ValidString(name) || strings.ContainsRune(name, 0):
		return nil, pole.E(op, pole.Invalid("name", "a token needs a name, in plain text"))
	case len(scopes) == 0:
		return nil, pole.E(op, pole.Invalid("scopes", "a token needs at least one scope of %v", Scopes))
	case lifetime <= 0 || lifetime > MaxTokenLifetime:
		return nil, pole.E(op, pole.Invalid("expires", "a token must expire, within %v; got %v", MaxTokenLifetime, lifetime))
	}
	var names []string
	for _, sc := range scopes {
		if !slices.Contains(Scopes, sc) {
			return nil, pole.E(op, pole.Invalid("scopes", "unknown scope %q; scopes are %v", sc, Scopes))
		}
		if !slices.Contains(names, string(sc)) {
			names = append(names, string(sc))
		}
	}
	u, err := a.store.FindUserByID(ctx, userID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if u.Disabled {
		return nil, pole.E(op, pole.Invalid("login", "%s is disabled", u.Login))
	}
	secret, err := newSecret()
	if err != nil {
		return nil, pole.E(op, err)
	}
	token := TokenPrefix + secret
	now := a.now()
	rec := &store.APIToken{UserID: u.ID, Name: name, Hash: hashSecret(token), Scopes: names, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := a.store.CreateAPIToken(ctx, rec); err != nil {
		return nil, pole.E(op, err)
	}
	return &IssuedToken{Token: token, Record: rec}, nil
}

func errBadToken() error { return pole.Errorf(pole.EUNAUTHORIZED, "the API token is not valid") }

// Token returns the user a presented token acts for and the scopes it
// allows, or EUNAUTHORIZED if it is unknown, expired or revoked or its user
// is disabled. The token is looked up by its hash, so the time taken says
// nothing about how much of a guess was right.
func (a *Authenticator) Token(ctx context.Context, presented string) (*pole.User, []Scope, error) {
	const op = "access.Token"
	secret, ok := strings.CutPrefix(presented, TokenPrefix)
	if !ok || !wellFormedSecret(secret) {
		return nil, nil, pole.E(op, errBadToken())
	}
	tok, err := a.store.FindAPITokenByHash(ctx, hashSecret(presented))
	if pole.ErrorCode(err) == pole.ENOTFOUND {
		return nil, nil, pole.E(op, errBadToken())
	}
	if err != nil {
		return nil, nil, pole.E(op, err)
	}
	now := a.now()
	switch {
	case !tok.RevokedAt.IsZero():
		return nil, nil, pole.E(op, pole.Errorf(pole.EUNAUTHORIZED, "the API token %q was revoked", tok.Name))
	case !now.Before(tok.ExpiresAt):
		return nil, nil, pole.E(op, pole.Errorf(pole.EUNAUTHORIZED, "the API token %q expired at %s", tok.Name, tok.ExpiresAt.Format(time.RFC3339)))
	}
	u, err := a.store.FindUserByID(ctx, tok.UserID)
	if err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
		return nil, nil, pole.E(op, err)
	}
	if err != nil || u.Disabled {
		return nil, nil, pole.E(op, errBadToken())
	}
	if tok.LastUsedAt.IsZero() || now.Sub(tok.LastUsedAt) >= touchEvery {
		if err := a.store.TouchAPIToken(ctx, tok.ID, now); err != nil {
			return nil, nil, pole.E(op, err)
		}
	}
	scopes := make([]Scope, len(tok.Scopes))
	for i, s := range tok.Scopes {
		scopes[i] = Scope(s)
	}
	return u, scopes, nil
}

// RevokeToken revokes the token with the given id; it stops working at
// once. Revoking a revoked token is not an error.
func (a *Authenticator) RevokeToken(ctx context.Context, id string) error {
	const op = "access.RevokeToken"
	return pole.E(op, a.store.RevokeAPIToken(ctx, id, a.now()))
}
