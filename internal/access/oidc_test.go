package access

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

const (
	testClientID     = "caselink-test"
	testClientSecret = "client-secret-for-tests"
	testRedirectURL  = "http://127.0.0.1:8080/auth/oidc/callback"
)

// testIDPKeys are the fake provider's signing key and a key it does not
// publish. RSA keys are slow to make, so every test shares them.
var testIDPKeys = sync.OnceValues(func() ([2]*rsa.PrivateKey, error) {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return keys, err
		}
		keys[i] = k
	}
	return keys, nil
})

// fakeIDP is an OpenID Connect provider: discovery, keys and a token
// endpoint. The test plays the browser and the user signing in at it, by
// calling authorize with the auth URL.
type fakeIDP struct {
	srv              *httptest.Server
	key, unknown     *rsa.PrivateKey
	post             bool     // the client authenticates by client_secret_post, not basic
	challengeMethods []string // the PKCE methods discovery names

	mu     sync.Mutex
	grants map[string]grant // by code
}

// grant is what the provider remembers of a sign-in until its code is used.
type grant struct {
	challenge   string
	redirectURI string
	claims      map[string]any
	key         *rsa.PrivateKey
}

func newFakeIDP(t *testing.T) *fakeIDP {
	t.Helper()
	keys, err := testIDPKeys()
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeIDP{key: keys[0], unknown: keys[1], challengeMethods: []string{"S256"}, grants: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeIDP) issuer() string { return p.srv.URL }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (p *fakeIDP) discovery(w http.ResponseWriter, r *http.Request) {
	authMethod := "client_secret_basic"
	if p.post {
		authMethod = "client_secret_post"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.issuer(),
		"authorization_endpoint":                p.issuer() + "/authorize",
		"token_endpoint":                        p.issuer() + "/token",
		"jwks_uri":                              p.issuer() + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      p.challengeMethods,
		"token_endpoint_auth_methods_supported": []string{authMethod},
	})
}

func (p *fakeIDP) jwks(w http.ResponseWriter, r *http.Request) {
	b64 := base64.RawURLEncoding.EncodeToString
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "k1",
		"n": b64(p.key.N.Bytes()), "e": b64(big.NewInt(int64(p.key.E)).Bytes()),
	}}})
}

// token exchanges a code once, for the client that holds the secret and
// the verifier whose S256 hash is the challenge the code was issued under.
func (p *fakeIDP) token(w http.ResponseWriter, r *http.Request) {
	refuse := func(code, why string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": why})
	}
	if err := r.ParseForm(); err != nil {
		refuse("invalid_request", err.Error())
		return
	}
	id, secret, ok := r.BasicAuth()
	if p.post {
		id, secret, ok = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), r.Header.Get("Authorization") == ""
	}
	if !ok || id != testClientID || secret != testClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, found := p.grants[r.PostForm.Get("code")]
	delete(p.grants, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code":
		refuse("unsupported_grant_type", r.PostForm.Get("grant_type"))
	case !found:
		refuse("invalid_grant", "unknown or used code")
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		refuse("invalid_grant", "redirect_uri differs")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		refuse("invalid_grant", "code_verifier does not match the code_challenge")
	default:
		idToken, err := signJWT(g.key, g.claims)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": "access-token", "token_type": "Bearer", "expires_in": 300, "id_token": idToken,
		})
	}
}

// signJWT makes an RS256 JWT of claims.
func signJWT(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	input := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

// authorize is the user signing in at the provider as login at now: it
// checks what the auth URL asks for and returns the code the provider sends
// back. tamper, if not nil, changes the ID token's claims or signing key.
func (p *fakeIDP) authorize(t *testing.T, authURL, login string, now time.Time, tamper func(p *fakeIDP, g *grant)) string {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Scheme+"://"+u.Host+u.Path, p.issuer()+"/authorize"; got != want {
		t.Fatalf("auth URL goes to %s, want %s", got, want)
	}
	q := u.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != testClientID || q.Get("code_challenge_method") != "S256" {
		t.Fatalf("auth URL asks for %v", q)
	}
	g := grant{
		challenge:   q.Get("code_challenge"),
		redirectURI: q.Get("redirect_uri"),
		key:         p.key,
		claims: map[string]any{
			"iss": p.issuer(), "sub": "idp-" + login, "aud": testClientID,
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
			"nonce": q.Get("nonce"), "preferred_username": login,
		},
	}
	if tamper != nil {
		tamper(p, &g)
	}
	code, err := newSecret()
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.grants[code] = g
	p.mu.Unlock()
	return code
}

// oidcTest is an Authenticator over a real store with a relying party on a
// fake provider.
type oidcTest struct {
	*authTest
	idp *fakeIDP
	rp  *OIDC
}

func testOIDCConfig(issuer string) OIDCConfig {
	return OIDCConfig{Issuer: issuer, ClientID: testClientID, ClientSecret: testClientSecret, RedirectURL: testRedirectURL}
}

func forEachOIDC(t *testing.T, test func(t *testing.T, ot *oidcTest)) {
	t.Helper()
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		at := newAuthTest(t, s)
		idp := newFakeIDP(t)
		rp, err := NewOIDC(bg, at.Authenticator, testOIDCConfig(idp.issuer()))
		if err != nil {
			t.Fatalf("NewOIDC: %v", err)
		}
		test(t, &oidcTest{authTest: at, idp: idp, rp: rp})
	})
}

// signIn runs a sign-in as login from Begin to Finish.
func (ot *oidcTest) signIn(t *testing.T, login string) (*LoginResult, error) {
	t.Helper()
	authURL, st, err := ot.rp.Begin()
	if err != nil {
		t.Fatal(err)
	}
	code := ot.idp.authorize(t, authURL, login, ot.clock.Now(), nil)
	return ot.rp.Finish(bg, st, st.State, code, "192.0.2.10", "test")
}

func TestOIDCAuthURLCarriesStateNonceClientRedirectAndS256Challenge(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		authURL, st, err := ot.rp.Begin()
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(authURL)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(st.Verifier))
		q := u.Query()
		for param, want := range map[string]string{
			"response_type":         "code",
			"client_id":             testClientID,
			"redirect_uri":          testRedirectURL,
			"scope":                 "openid profile",
			"state":                 st.State,
			"nonce":                 st.Nonce,
			"code_challenge":        base64.RawURLEncoding.EncodeToString(sum[:]),
			"code_challenge_method": "S256",
		} {
			if got := q.Get(param); got != want {
				t.Errorf("%s: got %q, want %q", param, got, want)
			}
		}
		if q.Has("code_verifier") || strings.Contains(authURL, st.Verifier) {
			t.Errorf("the auth URL gives away the verifier: %s", authURL)
		}
		if !st.CreatedAt.Equal(ot.clock.Now()) {
			t.Errorf("CreatedAt: got %v, want %v", st.CreatedAt, ot.clock.Now())
		}
		_, again, err := ot.rp.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if again.State == st.State || again.Nonce == st.Nonce || again.Verifier == st.Verifier {
			t.Errorf("two sign-ins share a state, nonce or verifier: %+v and %+v", st, again)
		}
	})
}

func TestOIDCRoundTripStartsASessionTheAuthenticatorAccepts(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		alice := ot.addUser(t, "alice")
		res, err := ot.signIn(t, "alice")
		if err != nil {
			t.Fatalf("Finish: %v", err)
		}
		if res.User.ID != alice.ID {
			t.Errorf("signed in as %s, want %s", res.User.Login, alice.Login)
		}
		if want := ot.clock.Now().Add(DefaultAbsoluteTimeout); !res.ExpiresAt.Equal(want) {
			t.Errorf("ExpiresAt: got %v, want %v", res.ExpiresAt, want)
		}
		u, err := ot.Session(bg, res.SessionID)
		if err != nil {
			t.Fatalf("Session: %v", err)
		}
		if u.ID != alice.ID {
			t.Errorf("the session is %s's, want %s's", u.Login, alice.Login)
		}
		se, err := ot.store.FindSession(bg, hashSecret(res.SessionID))
		if err != nil {
			t.Fatal(err)
		}
		if se.Origin != "192.0.2.10" || se.UserAgent != "test" {
			t.Errorf("session origin %q and agent %q, want 192.0.2.10 and test", se.Origin, se.UserAgent)
		}
	})
}

func TestOIDCAuthenticatesTheClientByTheMethodTheProviderNames(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		at := newAuthTest(t, s)
		at.addUser(t, "alice")
		for _, post := range []bool{false, true} {
			// The fake takes only the method it names, so a sign-in that
			// tried the other first would find its code spent.
			idp := newFakeIDP(t)
			idp.post = post
			rp, err := NewOIDC(bg, at.Authenticator, testOIDCConfig(idp.issuer()))
			if err != nil {
				t.Fatalf("NewOIDC: %v", err)
			}
			ot := &oidcTest{authTest: at, idp: idp, rp: rp}
			if _, err := ot.signIn(t, "alice"); err != nil {
				t.Errorf("client_secret_post %v: %v", post, err)
			}
		}
	})
}

func TestOIDCMatchesTheLoginClaimIgnoringASCIICaseOnly(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		kate := ot.addUser(t, "kate")
		res, err := ot.signIn(t, "KATE")
		if err != nil {
			t.Fatalf("KATE: %v", err)
		}
		if res.User.ID != kate.ID {
			t.Errorf("KATE signed in as %s, want kate", res.User.Login)
		}
		// U+212A KELVIN SIGN folds to "k" in Unicode, but is not a "K".
		_, err = ot.signIn(t, "\u212Aate")
		wantUnauthorised(t, err, "Kelvin-sign kate")
		for _, login := range []string{" kate", "kate ", "kate\x00"} {
			_, err = ot.signIn(t, login)
			wantUnauthorised(t, err, strings.ToValidUTF8(login, "?"))
		}
	})
}

func TestOIDCSignsInAUserWithTOTPWithoutAskingForACode(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		olga := ot.addUser(t, "olga")
		enrol, err := NewTOTP("caselink", "olga")
		if err != nil {
			t.Fatal(err)
		}
		if err := ot.EnableTOTP(bg, olga.ID, enrol.Secret, codeAt(t, enrol.Secret, ot.clock.Now())); err != nil {
			t.Fatal(err)
		}
		res, err := ot.signIn(t, "olga")
		if err != nil {
			t.Fatalf("Finish: %v", err)
		}
		if _, err := ot.Session(bg, res.SessionID); err != nil {
			t.Fatalf("Session: %v", err)
		}
	})
}

func TestOIDCFinishRefusesACallbackThatDoesNotProveWhoSignedIn(t *testing.T) {
	for _, tc := range []struct {
		name string
		// tamper changes what the provider issues; callback what reaches Finish.
		tamper   func(p *fakeIDP, g *grant)
		callback func(st *OIDCState, gotState, code *string)
		cause    string // in the error, to show the refusal is for the right reason
	}{
		{name: "wrong state", cause: "the state does not match",
			callback: func(st *OIDCState, gotState, code *string) { *gotState = "x" + *gotState }},
		{name: "no state kept", cause: "no sign-in was begun",
			callback: func(st *OIDCState, gotState, code *string) { *st, *gotState = OIDCState{}, "" }},
		{name: "no code", cause: "no authorisation code",
			callback: func(st *OIDCState, gotState, code *string) { *code = "" }},
		{name: "unknown code", cause: "unknown or used code",
			callback: func(st *OIDCState, gotState, code *string) { *code = "not-a-code" }},
		{name: "bad PKCE verifier", cause: "code_verifier does not match the code_challenge",
			callback: func(st *OIDCState, gotState, code *string) { st.Verifier = oauth2.GenerateVerifier() }},
		{name: "wrong nonce", cause: "nonce does not match",
			tamper: func(p *fakeIDP, g *grant) { g.claims["nonce"] = "another-nonce" }},
		{name: "no nonce", cause: "nonce does not match",
			tamper: func(p *fakeIDP, g *grant) { delete(g.claims, "nonce") }},
		{name: "wrong audience", cause: "audience",
			tamper: func(p *fakeIDP, g *grant) { g.claims["aud"] = "another-client" }},
		{name: "shared audience without azp", cause: `was issued to ""`,
			tamper: func(p *fakeIDP, g *grant) { g.claims["aud"] = []string{"another-client", testClientID} }},
		{name: "shared audience issued to another", cause: `was issued to "another-client"`,
			tamper: func(p *fakeIDP, g *grant) {
				g.claims["aud"], g.claims["azp"] = []string{"another-client", testClientID}, "another-client"
			}},
		{name: "expired token", cause: "expired",
			tamper: func(p *fakeIDP, g *grant) { g.claims["exp"] = g.claims["iat"].(int64) - 60 }},
		{name: "another issuer", cause: "different provider",
			tamper: func(p *fakeIDP, g *grant) { g.claims["iss"] = "https://idp.example.org" }},
		{name: "unpublished key", cause: "signature",
			tamper: func(p *fakeIDP, g *grant) { g.key = p.unknown }},
		{name: "no login claim", cause: "no string claim",
			tamper: func(p *fakeIDP, g *grant) { delete(g.claims, "preferred_username") }},
		{name: "login claim not a string", cause: "no string claim",
			tamper: func(p *fakeIDP, g *grant) { g.claims["preferred_username"] = []string{"alice"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
				alice := ot.addUser(t, "alice")
				authURL, st, err := ot.rp.Begin()
				if err != nil {
					t.Fatal(err)
				}
				code := ot.idp.authorize(t, authURL, "alice", ot.clock.Now(), tc.tamper)
				gotState := st.State
				if tc.callback != nil {
					tc.callback(&st, &gotState, &code)
				}
				res, err := ot.rp.Finish(bg, st, gotState, code, "192.0.2.10", "test")
				wantUnauthorised(t, err, tc.name)
				if !strings.Contains(err.Error(), tc.cause) {
					t.Errorf("got %v, want it to say %q", err, tc.cause)
				}
				if res != nil {
					t.Errorf("got a result %+v with the error", res)
				}
				n, err := ot.store.DeleteUserSessions(bg, alice.ID)
				if err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("alice has %d sessions, want 0", n)
				}
			})
		})
	}
}

func TestOIDCRefusesUnknownAndDisabledUsersAlike(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		if _, err := ot.DisableUser(bg, ot.addUser(t, "dora").Login); err != nil {
			t.Fatal(err)
		}
		_, unknown := ot.signIn(t, "mallory")
		wantUnauthorised(t, unknown, "unknown user")
		_, disabled := ot.signIn(t, "dora")
		wantUnauthorised(t, disabled, "disabled user")
		if unknown.Error() != disabled.Error() {
			t.Errorf("unknown user: %q; disabled user: %q; they must not differ", unknown, disabled)
		}
	})
}

func TestOIDCRefusesAStateOlderThanTenMinutes(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		ot.addUser(t, "alice")
		for _, tc := range []struct {
			wait time.Duration
			ok   bool
		}{
			{OIDCStateLifetime - time.Second, true},
			{OIDCStateLifetime, false},
		} {
			authURL, st, err := ot.rp.Begin()
			if err != nil {
				t.Fatal(err)
			}
			ot.clock.Advance(tc.wait)
			code := ot.idp.authorize(t, authURL, "alice", ot.clock.Now(), nil)
			_, err = ot.rp.Finish(bg, st, st.State, code, "192.0.2.10", "test")
			if tc.ok && err != nil {
				t.Errorf("after %v: %v", tc.wait, err)
			}
			if !tc.ok {
				wantUnauthorised(t, err, "after "+tc.wait.String())
			}
		}
	})
}

func TestNewOIDCRefusesAnIssuerTheProviderDoesNotNameItself(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		_, err := NewOIDC(bg, ot.Authenticator, testOIDCConfig(ot.idp.issuer()+"/"))
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "oidc-issuer" {
			t.Fatalf("got %v, want EINVALID in oidc-issuer", err)
		}
	})
}

func TestNewOIDCRefusesAProviderWithoutS256PKCE(t *testing.T) {
	forEachOIDC(t, func(t *testing.T, ot *oidcTest) {
		ot.idp.challengeMethods = []string{"plain"}
		_, err := NewOIDC(bg, ot.Authenticator, testOIDCConfig(ot.idp.issuer()))
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "oidc-issuer" {
			t.Fatalf("got %v, want EINVALID in oidc-issuer", err)
		}
	})
}

func TestOIDCConfigValidateNamesTheFieldAtFault(t *testing.T) {
	for _, tc := range []struct {
		field  string
		change func(c *OIDCConfig)
	}{
		{"", func(c *OIDCConfig) {}},
		{"", func(c *OIDCConfig) { c.Issuer, c.RedirectURL = "http://localhost:9000", "http://[::1]:8080/cb" }},
		{"oidc-issuer", func(c *OIDCConfig) { c.Issuer = "" }},
		{"oidc-issuer", func(c *OIDCConfig) { c.Issuer = "http://idp.example.org" }},
		{"oidc-issuer", func(c *OIDCConfig) { c.Issuer = "idp.example.org" }},
		{"oidc-issuer", func(c *OIDCConfig) { c.Issuer = "https://idp.example.org/?tenant=1" }},
		{"oidc-issuer", func(c *OIDCConfig) { c.Issuer = "https://idp.example.org/#x" }},
		{"oidc-client-id", func(c *OIDCConfig) { c.ClientID = "" }},
		{"oidc-client-secret", func(c *OIDCConfig) { c.ClientSecret = "" }},
		{"oidc-redirect-url", func(c *OIDCConfig) { c.RedirectURL = "" }},
		{"oidc-redirect-url", func(c *OIDCConfig) { c.RedirectURL = "http://caselink.example.org/cb" }},
		{"oidc-redirect-url", func(c *OIDCConfig) { c.RedirectURL = "http://127.0.0.1.example.org/cb" }},
		{"oidc-login-claim", func(c *OIDCConfig) { c.LoginClaim = " upn" }},
	} {
		c := testOIDCConfig("https://idp.example.org/realms/caselink")
		c.RedirectURL = "https://caselink.example.org/auth/oidc/callback"
		tc.change(&c)
		err := c.Validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c, err)
			}
			continue
		}
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != tc.field {
			t.Errorf("%+v: got %v, want EINVALID in %s", c, err, tc.field)
		}
	}
}

func TestOIDCFlagsTakeTheSecretFromTheEnvironmentAndNeverShowIt(t *testing.T) {
	const envSecret = "secret-from-the-environment"
	getenv := func(k string) string {
		if k == EnvOIDCClientSecret {
			return envSecret
		}
		return ""
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := RegisterOIDCFlags(fs, getenv)
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	if strings.Contains(help.String(), envSecret) {
		t.Errorf("help shows the secret:\n%s", help.String())
	}
	for _, name := range []string{"oidc-issuer", "oidc-client-id", "oidc-client-secret", "oidc-redirect-url", "oidc-login-claim"} {
		if !strings.Contains(help.String(), "-"+name) {
			t.Errorf("help has no --%s:\n%s", name, help.String())
		}
	}
	if err := fs.Parse([]string{"--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "caselink", "--oidc-redirect-url", "https://caselink.example.org/cb"}); err != nil {
		t.Fatal(err)
	}
	want := OIDCConfig{
		Issuer: "https://idp.example.org", ClientID: "caselink", ClientSecret: envSecret,
		RedirectURL: "https://caselink.example.org/cb", LoginClaim: DefaultOIDCLoginClaim,
	}
	if c.Issuer != want.Issuer || c.ClientID != want.ClientID || c.ClientSecret != want.ClientSecret ||
		c.RedirectURL != want.RedirectURL || c.LoginClaim != want.LoginClaim {
		t.Errorf("got %+v, want %+v", *c, want)
	}
	if !c.Enabled() || c.Validate() != nil {
		t.Errorf("Enabled %v, Validate %v: want true and nil", c.Enabled(), c.Validate())
	}

	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	c = RegisterOIDCFlags(fs, getenv)
	if err := fs.Parse([]string{"--oidc-client-secret", "secret-from-the-flag"}); err != nil {
		t.Fatal(err)
	}
	if c.ClientSecret != "secret-from-the-flag" {
		t.Errorf("ClientSecret: got %q, want the flag's", c.ClientSecret)
	}
	if got := fs.Lookup("oidc-client-secret").Value.String(); got != "" {
		t.Errorf("the flag's value prints as %q, want nothing", got)
	}
	if c.Enabled() {
		t.Errorf("a secret alone turns single sign-on on")
	}
}
