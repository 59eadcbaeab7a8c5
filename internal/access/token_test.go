package access

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

func TestTokenActsForItsUserWithinItsScopes(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		issued, err := at.IssueToken(bg, u.ID, " nightly ingest ", []Scope{ScopeIngest, ScopeRead, ScopeIngest}, 720*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(issued.Token, "clk_") || len(issued.Token) != 4+43 {
			t.Fatalf("token %q: want clk_ and 43 characters", issued.Token)
		}
		rec := issued.Record
		if rec.Hash != hashSecret(issued.Token) || rec.Name != "nightly ingest" || !slices.Equal(rec.Scopes, []string{"ingest", "read"}) ||
			!rec.ExpiresAt.Equal(at.clock.Now().Add(720*time.Hour)) {
			t.Fatalf("stored token: %+v", rec)
		}
		stored, err := at.store.FindAPITokens(bg, u.ID)
		if err != nil || len(stored) != 1 || strings.Contains(stored[0].Hash, issued.Token[4:]) {
			t.Fatalf("stored tokens: %+v (%v), want one holding only a hash", stored, err)
		}
		got, scopes, err := at.Token(bg, issued.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || !slices.Equal(scopes, []Scope{ScopeIngest, ScopeRead}) {
			t.Fatalf("Token: user %s, scopes %v; want alice with ingest and read", got.Login, scopes)
		}
		if used, _ := at.store.FindAPITokenByHash(bg, rec.Hash); !used.LastUsedAt.Equal(at.clock.Now()) {
			t.Fatalf("last used: %v, want %v", used.LastUsedAt, at.clock.Now())
		}
	})
}

func TestTokenStopsWorkingAtItsExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		issued, err := at.IssueToken(bg, u.ID, "short-lived", []Scope{ScopeRead}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		at.clock.Advance(time.Hour - time.Second)
		if _, _, err := at.Token(bg, issued.Token); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		at.clock.Advance(time.Second)
		_, _, err = at.Token(bg, issued.Token)
		wantUnauthorised(t, err, "a token at its expiry")
	})
}

func TestRevokedTokenStopsWorkingAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		keep, err := at.IssueToken(bg, u.ID, "keep", []Scope{ScopeRead}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		drop, err := at.IssueToken(bg, u.ID, "drop", []Scope{ScopeRead}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := at.RevokeToken(bg, drop.Record.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = at.Token(bg, drop.Token)
		wantUnauthorised(t, err, "a revoked token")
		if _, _, err := at.Token(bg, keep.Token); err != nil {
			t.Fatalf("another token of the same user: %v", err)
		}
	})
}

func TestTokenRefusesWhatWasNeverIssued(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		issued, err := at.IssueToken(bg, u.ID, "real", []Scope{ScopeRead}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		secret := strings.TrimPrefix(issued.Token, "clk_")
		flipped := []byte(secret)
		flipped[0] ^= 1
		for _, tok := range []string{"", secret, "clk_", "clk_" + string(flipped), "CLK_" + secret, issued.Record.Hash} {
			_, _, err := at.Token(bg, tok)
			wantUnauthorised(t, err, "token "+tok)
		}
	})
}

func TestIssueTokenNeedsANameScopesAndAnExpiryWithinAYear(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		for _, tc := range []struct {
			field    string
			name     string
			scopes   []Scope
			lifetime time.Duration
		}{
			{"name", " ", []Scope{ScopeRead}, time.Hour},
			{"scopes", "n", nil, time.Hour},
			{"scopes", "n", []Scope{"everything"}, time.Hour},
			{"expires", "n", []Scope{ScopeRead}, 0},
			{"expires", "n", []Scope{ScopeRead}, MaxTokenLifetime + time.Second},
		} {
			_, err := at.IssueToken(bg, u.ID, tc.name, tc.scopes, tc.lifetime)
			if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != tc.field {
				t.Errorf("IssueToken(%q, %v, %v): got %v, want EINVALID on %s", tc.name, tc.scopes, tc.lifetime, err, tc.field)
			}
		}
		if _, err := at.IssueToken(bg, u.ID, "a year", []Scope{ScopeRead}, MaxTokenLifetime); err != nil {
			t.Fatalf("a token for a year: %v", err)
		}
	})
}
