package access

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

func TestSessionStolenBeforeLogoutStopsWorkingAtLogout(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		id := at.mustLogin(t, "alice").SessionID
		stolen := strings.Clone(id)
		if _, err := at.Session(bg, stolen); err != nil {
			t.Fatalf("the session before logout: %v", err)
		}
		if err := at.Logout(bg, id); err != nil {
			t.Fatal(err)
		}
		_, err := at.Session(bg, stolen)
		wantUnauthorised(t, err, "a stolen id after logout")
		if err := at.Logout(bg, id); err != nil {
			t.Fatalf("logging out twice: %v", err)
		}
	})
}

func TestSessionEndsAfterTheIdleTimeout(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		id := at.mustLogin(t, "alice").SessionID
		for range 3 {
			at.clock.Advance(DefaultIdleTimeout - time.Minute)
			if _, err := at.Session(bg, id); err != nil {
				t.Fatalf("a session used every %v: %v", DefaultIdleTimeout-time.Minute, err)
			}
		}
		at.clock.Advance(DefaultIdleTimeout)
		_, err := at.Session(bg, id)
		wantUnauthorised(t, err, "a session idle for the idle timeout")
		at.clock.Advance(-DefaultIdleTimeout)
		_, err = at.Session(bg, id)
		wantUnauthorised(t, err, "an idle session, once ended")
	})
}

func TestSessionEndsAtItsAbsoluteExpiryHoweverBusy(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		res := at.mustLogin(t, "alice")
		step := 20 * time.Minute
		for at.clock.Now().Add(step).Before(res.ExpiresAt) {
			at.clock.Advance(step)
			if _, err := at.Session(bg, res.SessionID); err != nil {
				t.Fatalf("at %v, before the expiry %v: %v", at.clock.Now(), res.ExpiresAt, err)
			}
		}
		at.clock.Advance(res.ExpiresAt.Sub(at.clock.Now()))
		_, err := at.Session(bg, res.SessionID)
		wantUnauthorised(t, err, "a busy session at its absolute expiry")
	})
}

func TestSessionRecordsUseAtMostOnceAMinute(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		id := at.mustLogin(t, "alice").SessionID
		start := at.clock.Now()
		lastSeen := func() time.Time {
			t.Helper()
			se, err := at.store.FindSession(bg, hashSecret(id))
			if err != nil {
				t.Fatal(err)
			}
			return se.LastSeenAt
		}
		at.clock.Advance(59 * time.Second)
		if _, err := at.Session(bg, id); err != nil {
			t.Fatal(err)
		}
		if got := lastSeen(); !got.Equal(start) {
			t.Fatalf("last seen after 59 s: %v, want it left at %v", got, start)
		}
		at.clock.Advance(time.Second)
		if _, err := at.Session(bg, id); err != nil {
			t.Fatal(err)
		}
		if got, want := lastSeen(), start.Add(time.Minute); !got.Equal(want) {
			t.Fatalf("last seen after a minute: %v, want %v", got, want)
		}
	})
}

func TestSessionIDIsStoredOnlyAsItsSHA256(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		id := at.mustLogin(t, "alice").SessionID
		sum := sha256.Sum256([]byte(id))
		se, err := at.store.FindSession(bg, hex.EncodeToString(sum[:]))
		if err != nil {
			t.Fatalf("finding the session by the SHA-256 of its id: %v", err)
		}
		if se.UserID != u.ID || se.IDHash == id || se.Origin != "192.0.2.10" || se.UserAgent != "test" {
			t.Fatalf("stored session: %+v", se)
		}
	})
}

func TestSessionRefusesIDsItNeverIssued(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		at.mustLogin(t, "alice")
		forged, err := newSecret()
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"", "admin", strings.Repeat("A", 43), forged, hashSecret(forged)} {
			_, err := at.Session(bg, id)
			wantUnauthorised(t, err, "session id "+id)
		}
	})
}

func TestSessionCookieIsHostOnlySecureHTTPOnlyAndStrict(t *testing.T) {
	exp := time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)
	c := SessionCookie("abc", exp)
	if c.Name != "__Host-caselink_session" || c.Value != "abc" || c.Path != "/" || c.Domain != "" ||
		!c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || !c.Expires.Equal(exp) {
		t.Fatalf("cookie: %+v", c)
	}
	if err := c.Valid(); err != nil {
		t.Fatalf("cookie is not valid: %v", err)
	}
}

func TestSignInsDeleteEndedSessionsAtMostEveryTenMinutes(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		for _, login := range []string{"alice", "bob", "carol"} {
			at.addUser(t, login)
		}
		stored := func(id string) bool {
			t.Helper()
			_, err := at.store.FindSession(bg, hashSecret(id))
			if err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
				t.Fatal(err)
			}
			return err == nil
		}
		signIn := func(login string) string {
			t.Helper()
			res := at.mustLogin(t, login)
			if res.SweepErr != nil {
				t.Fatalf("sweep at %v: %v", at.clock.Now(), res.SweepErr)
			}
			return res.SessionID
		}
		alice := signIn("alice") // the first sign-in sweeps
		at.clock.Advance(25 * time.Minute)
		bob := signIn("bob") // sweeps; alice's session has 5 minutes left
		at.clock.Advance(6 * time.Minute)
		signIn("carol") // 6 minutes after the last sweep: none
		if !stored(alice) {
			t.Fatal("a sign-in 6 minutes after a sweep swept again")
		}
		at.clock.Advance(4 * time.Minute)
		signIn("carol") // 10 minutes after the last sweep
		if stored(alice) {
			t.Fatalf("alice's session, unused for %v, was kept", 35*time.Minute)
		}
		if !stored(bob) {
			t.Fatal("bob's session, unused for 10 minutes, was deleted")
		}
	})
}

func TestSignInStandsWhenTheSweepFailsAndReportsIt(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		// The store refuses to sweep with no idle timeout: a failure a test
		// can cause without breaking the database.
		at.idleTimeout = 0
		res := at.mustLogin(t, "alice")
		if pole.ErrorField(res.SweepErr) != "idle" || !strings.Contains(res.SweepErr.Error(), "access.Login") {
			t.Fatalf("SweepErr: got %v, want the store's refusal, from access.Login", res.SweepErr)
		}
		if _, err := at.store.FindSession(bg, hashSecret(res.SessionID)); err != nil {
			t.Fatalf("the session of a sign-in whose sweep failed: %v", err)
		}
	})
}
