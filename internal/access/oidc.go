package access

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/caselink/caselink/internal/pole"
)

// EnvOIDCClientSecret holds the OpenID Connect client secret. It is the
// better way to give it: a flag's value shows in the process list.
const EnvOIDCClientSecret = "CASELINK_OIDC_CLIENT_SECRET"

// DefaultOIDCLoginClaim is the ID token claim that names the caselink login.
const DefaultOIDCLoginClaim = "preferred_username"

// OIDCStateLifetime is how long a sign-in may spend at the identity
// provider: long enough to type a password and a second factor, short
// enough that a state left in a browser is soon worth nothing.
const OIDCStateLifetime = 10 * time.Minute

// oidcHTTPTimeout bounds each call to the identity provider, so that one
// that hangs cannot hold a sign-in, or the server starting, for ever.
const oidcHTTPTimeout = 30 * time.Second

// OIDCConfig says which OpenID Connect identity provider caselink trusts
// and how it is registered there.
//
// The login claim must be one the provider's users cannot choose or change
// for themselves (preferred_username is, in OpenID Connect itself, neither
// unique nor stable): whoever the provider says holds that login signs in as
// the caselink user with it. Use a single-tenant provider run for the
// operation.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Scopes       []string // openid is always asked for; default openid and profile
	LoginClaim   string   // default DefaultOIDCLoginClaim
}

// RegisterOIDCFlags adds the --oidc-* flags to fs and returns the
// configuration they fill in. The client secret comes from
// EnvOIDCClientSecret unless the flag is given, and is never shown in help.
func RegisterOIDCFlags(fs *flag.FlagSet, getenv func(string) string) *OIDCConfig {
	c := &OIDCConfig{ClientSecret: getenv(EnvOIDCClientSecret)}
	fs.StringVar(&c.Issuer, "oidc-issuer", "", "`URL` of the OpenID Connect identity provider for single sign-on (none: passwords only)")
	fs.StringVar(&c.ClientID, "oidc-client-id", "", "the client `id` the identity provider gave caselink")
	fs.Var(secretFlag{&c.ClientSecret}, "oidc-client-secret", "the client `secret` the identity provider gave caselink (better in env "+EnvOIDCClientSecret+", out of the process list)")
	fs.StringVar(&c.RedirectURL, "oidc-redirect-url", "", "the `URL` the identity provider sends users back to, as registered with it")
	fs.StringVar(&c.LoginClaim, "oidc-login-claim", DefaultOIDCLoginClaim, "the ID token `claim` that holds the caselink login")
	return c
}

// secretFlag is a flag whose value is never printed, not even as a default.
type secretFlag struct{ p *string }

func (f secretFlag) String() string     { return "" }
func (f secretFlag) Set(s string) error { *f.p = s; return nil }

// Enabled reports whether single sign-on was asked for: any of the
// issuer, client id or redirect URL set. Validate then says what is missing.
func (c OIDCConfig) Enabled() bool {
	return c.Issuer != "" || c.ClientID != "" || c.RedirectURL != ""
}

// Validate checks that c is complete and safe, naming the flag at fault.
// URLs must be https unless their host is a loopback address, for tests.
func (c OIDCConfig) Validate() error {
	if err := checkOIDCURL("oidc-issuer", c.Issuer); err != nil {
		return err
	}
	if u, _ := url.Parse(c.Issuer); u.RawQuery != "" || u.ForceQuery {
		return pole.Invalid("oidc-issuer", "%q has a query; an issuer has none", c.Issuer)
	}
	if c.ClientID == "" {
		return pole.Invalid("oidc-client-id", "required")
	}
	// caselink is a confidential client: it keeps its secret on the server,
	// and PKCE is a second guard on the code, not a replacement for it.
	if c.ClientSecret == "" {
		return pole.Invalid("oidc-client-secret", "required: give --oidc-client-secret or %s", EnvOIDCClientSecret)
	}
	if err := checkOIDCURL("oidc-redirect-url", c.RedirectURL); err != nil {
		return err
	}
	if strings.TrimSpace(c.LoginClaim) != c.LoginClaim {
		return pole.Invalid("oidc-login-claim", "%q has spaces around it", c.LoginClaim)
	}
	return nil
}

// checkOIDCURL checks a URL the sign-in depends on: absolute, no fragment
// or user, and https unless on loopback.
func checkOIDCURL(field, raw string) error {
	if raw == "" {
		return pole.Invalid(field, "required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return pole.Invalid(field, "%q is not an absolute https URL", raw)
	}
	if u.Fragment != "" || u.User != nil {
		return pole.Invalid(field, "%q must have no fragment and no user", raw)
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return pole.Invalid(field, "%q must use https; plain http is allowed only on a loopback address", raw)
	}
	return nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// OIDC signs users in through an OpenID Connect identity provider with the
// authorisation code flow and PKCE, and starts the same server-side
// sessions as a password sign-in. It is safe for concurrent use.
//
// A user who turned on TOTP is not asked for a code here: the identity
// provider's own sign-in, with its second factor, stands in for caselink's.
// Failed attempts are not throttled, since guessing happens at the provider.
type OIDC struct {
	auth       *Authenticator
	oauth      oauth2.Config
	verifier   *oidc.IDTokenVerifier
	loginClaim string
	client     *http.Client
}

// NewOIDC checks c and reads the identity provider's discovery document.
func NewOIDC(ctx context.Context, a *Authenticator, c OIDCConfig) (*OIDC, error) {
	const op = "access.NewOIDC"
	if err := c.Validate(); err != nil {
		return nil, pole.E(op, err)
	}
	client := &http.Client{Timeout: oidcHTTPTimeout}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), c.Issuer)
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) {
		return nil, pole.E(op, pole.Invalid("oidc-issuer", "%q: the provider names itself %q", mismatch.Provided, mismatch.Discovered))
	}
	if err != nil {
		return nil, pole.E(op, fmt.Errorf("discovery at %s: %w", c.Issuer, err))
	}
	scopes := c.Scopes
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile"}
	}
	if !slices.Contains(scopes, oidc.ScopeOpenID) {
		scopes = append([]string{oidc.ScopeOpenID}, scopes...)
	}
	claim := c.LoginClaim
	if claim == "" {
		claim = DefaultOIDCLoginClaim
	}
	var meta struct {
		AuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
		ChallengeMethods []string `json:"code_challenge_methods_supported"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, pole.E(op, fmt.Errorf("discovery at %s: %w", c.Issuer, err))
	}
	// A provider without PKCE ignores the challenge, and the code would be
	// unguarded; one that does not say is trusted to have it.
	if len(meta.ChallengeMethods) > 0 && !slices.Contains(meta.ChallengeMethods, "S256") {
		return nil, pole.E(op, pole.Invalid("oidc-issuer", "the provider does not offer PKCE with S256, only %q", meta.ChallengeMethods))
	}
	// The client authenticates as the provider says it may, rather than
	// by trial, which would spend the one-use code on the wrong method.
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInHeader // client_secret_basic, the default
	if len(meta.AuthMethods) > 0 && !slices.Contains(meta.AuthMethods, "client_secret_basic") {
		if !slices.Contains(meta.AuthMethods, "client_secret_post") {
			return nil, pole.E(op, pole.Invalid("oidc-issuer", "the provider takes a client secret neither by client_secret_basic nor client_secret_post, but by %q", meta.AuthMethods))
		}
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	return &OIDC{
		auth: a,
		oauth: oauth2.Config{
			ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
			Endpoint: endpoint, Scopes: scopes,
		},
		verifier:   provider.Verifier(&oidc.Config{ClientID: c.ClientID, Now: a.now}),
		loginClaim: claim,
		client:     client,
	}, nil
}

// OIDCState is what ties a callback to the sign-in that began it. The
// handler keeps it on the server, or in a short-lived cookie that is signed
// and encrypted (Verifier must not reach anyone but caselink and the
// provider), and drops it once Finish has run.
type OIDCState struct {
	State     string    `json:"state"`
	Nonce     string    `json:"nonce"`
	Verifier  string    `json:"verifier"`
	CreatedAt time.Time `json:"created_at"`
}

// Begin starts a sign-in: the user is sent to authURL, and st is kept for
// the callback.
func (o *OIDC) Begin() (authURL string, st OIDCState, err error) {
	const op = "access.OIDC.Begin"
	if st.State, err = newSecret(); err != nil {
		return "", OIDCState{}, pole.E(op, err)
	}
	if st.Nonce, err = newSecret(); err != nil {
		return "", OIDCState{}, pole.E(op, err)
	}
	st.Verifier = oauth2.GenerateVerifier()
	st.CreatedAt = o.auth.now()
	authURL = o.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	return authURL, st, nil
}

// errSSOFailed is the answer to a callback that does not prove who the user
// is; cause, kept for the log, says why.
func errSSOFailed(cause error) error {
	return &pole.Error{Code: pole.EUNAUTHORIZED, Message: "single sign-on failed: sign in again", Err: cause}
}

// errNoSSOAccount is the one answer when the provider vouches for someone
// caselink does not let in, so that it does not say which accounts exist.
func errNoSSOAccount() error {
	return pole.Errorf(pole.EUNAUTHORIZED, "single sign-on: no caselink account is open to you; ask an administrator")
}

// Finish completes a sign-in from the provider's callback: gotState and
// code are its parameters, st what Begin gave, origin and userAgent as in
// LoginRequest. It checks the state, exchanges the code with the PKCE
// verifier, verifies the ID token and its nonce, and starts a session for
// the caselink user the login claim names. The handler should end any
// session the request already carried, as Login does with OldSessionID.
func (o *OIDC) Finish(ctx context.Context, st OIDCState, gotState, code, origin, userAgent string) (*LoginResult, error) {
	const op = "access.OIDC.Finish"
	now := o.auth.now()
	// An empty state would match an empty parameter: a lost state is no sign-in.
	if st.State == "" || st.Nonce == "" || st.Verifier == "" {
		return nil, pole.E(op, errSSOFailed(errors.New("no sign-in was begun")))
	}
	if subtle.ConstantTimeCompare([]byte(st.State), []byte(gotState)) != 1 {
		return nil, pole.E(op, errSSOFailed(errors.New("the state does not match the one sent")))
	}
	if !now.Before(st.CreatedAt.Add(OIDCStateLifetime)) {
		return nil, pole.E(op, pole.Errorf(pole.EUNAUTHORIZED, "the sign-in took longer than %d minutes: sign in again", OIDCStateLifetime/time.Minute))
	}
	if code == "" {
		return nil, pole.E(op, errSSOFailed(errors.New("no authorisation code")))
	}
	ctx = oidc.ClientContext(ctx, o.client)
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		// The provider refusing the code is the user's failure; not reaching
		// it, or its failing, is the operator's.
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return nil, pole.E(op, errSSOFailed(err))
		}
		return nil, pole.E(op, fmt.Errorf("exchange the code: %w", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, pole.E(op, errSSOFailed(errors.New("the token response has no ID token")))
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, pole.E(op, errSSOFailed(err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return nil, pole.E(op, errSSOFailed(errors.New("the ID token's nonce does not match the one sent")))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, pole.E(op, errSSOFailed(err))
	}
	// go-oidc checks only that caselink is one of the audience; a token for
	// several must also say it was issued to caselink (OpenID Connect Core
	// 3.1.3.7).
	if azp, _ := claims["azp"].(string); len(idt.Audience) > 1 && azp != o.oauth.ClientID {
		return nil, pole.E(op, errSSOFailed(fmt.Errorf("the ID token is for %q and was issued to %q", idt.Audience, azp)))
	}
	value, ok := claims[o.loginClaim].(string)
	if !ok {
		return nil, pole.E(op, errSSOFailed(fmt.Errorf("the ID token has no string claim %q", o.loginClaim)))
	}
	login, ok := ssoLogin(value)
	if !ok {
		return nil, pole.E(op, errNoSSOAccount())
	}
	u, err := o.auth.store.FindUserByLogin(ctx, login)
	if pole.ErrorCode(err) == pole.ENOTFOUND {
		return nil, pole.E(op, errNoSSOAccount())
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	if u.Disabled {
		return nil, pole.E(op, errNoSSOAccount())
	}
	res, err := o.auth.startSession(ctx, u, origin, userAgent, now)
	if err != nil {
		return nil, pole.E(op, err)
	}
	res.SweepErr = pole.E(op, res.SweepErr)
	return res, nil
}

// ssoLogin is the caselink login a provider's claim names: the claim with
// ASCII letters in lower case. Anything else that could not be a login is
// refused whole rather than cleaned, since cleaning could turn one name
// into another (Unicode case folding makes the Kelvin sign a "k").
func ssoLogin(claim string) (string, bool) {
	if claim == "" || len(claim) > 64 {
		return "", false
	}
	b := []byte(claim)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c <= ' ' || c >= 0x7f:
			return "", false
		}
	}
	return string(b), true
}
