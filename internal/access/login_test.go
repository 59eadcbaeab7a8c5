package access

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

var bg = context.Background()

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// authTest is an Authenticator over a real store, with its clock.
type authTest struct {
	*Authenticator
	store *store.Store
	clock *testClock
}

func newAuthTest(t *testing.T, s *store.Store) *authTest {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	a, err := NewAuthenticator(s, Config{Now: clock.Now, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return &authTest{Authenticator: a, store: s, clock: clock}
}

// forEachStore runs test against an Authenticator on each engine.
func forEachStore(t *testing.T, test func(t *testing.T, at *authTest)) {
	t.Helper()
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) { test(t, newAuthTest(t, s)) })
}

func (at *authTest) addUser(t *testing.T, login string) *pole.User {
	t.Helper()
	u := &pole.User{Login: login, Name: "DC " + login, Force: "west-yorkshire", Roles: []pole.AccessRole{pole.RoleForceInvestigator}}
	if err := at.AddUser(bg, u, testPassword); err != nil {
		t.Fatalf("AddUser: %v", err)
	}
	return u
}

func (at *authTest) login(login, password string) (*LoginResult, error) {
	return at.Login(bg, LoginRequest{Login: login, Password: password, Origin: "192.0.2.10", UserAgent: "test"})
}

func (at *authTest) mustLogin(t *testing.T, login string) *LoginResult {
	t.Helper()
	res, err := at.login(login, testPassword)
	if err != nil {
		t.Fatalf("Login(%s): %v", login, err)
	}
	return res
}

func wantUnauthorised(t *testing.T, err error, what string) {
	t.Helper()
	if pole.ErrorCode(err) != pole.EUNAUTHORIZED {
		t.Fatalf("%s: got %v, want EUNAUTHORIZED", what, err)
	}
}

func TestLoginFailsAlikeForUnknownUserWrongPasswordDisabledUserAndWrongCode(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		if _, err := at.DisableUser(bg, at.addUser(t, "dora").Login); err != nil {
			t.Fatal(err)
		}
		otp := at.addUser(t, "olga")
		enrol, err := NewTOTP("caselink", "olga")
		if err != nil {
			t.Fatal(err)
		}
		if err := at.EnableTOTP(bg, otp.ID, enrol.Secret, codeAt(t, enrol.Secret, at.clock.Now())); err != nil {
			t.Fatal(err)
		}
		at.clock.Advance(time.Minute)
		var messages []string
		for _, tc := range []struct{ what, login, password, code string }{
			{"unknown user", "mallory", testPassword, ""},
			{"wrong password", "alice", "not the password at all", ""},
			{"disabled user", "dora", testPassword, ""},
			{"wrong code", "olga", testPassword, "000000"},
			{"no code", "olga", testPassword, ""},
		} {
			_, err := at.Login(bg, LoginRequest{Login: tc.login, Password: tc.password, TOTPCode: tc.code})
			wantUnauthorised(t, err, tc.what)
			if _, ok := RetryAfter(err); ok {
				t.Fatalf("%s: reported as throttled: %v", tc.what, err)
			}
			messages = append(messages, err.Error())
		}
		for i, m := range messages {
			if m != messages[0] {
				t.Errorf("failure %d reads %q, failure 0 %q: they must not differ", i, m, messages[0])
			}
		}
	})
}

func TestLoginGivesANewSessionIDEachTimeAndEndsTheOneTheRequestCarried(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		alice := at.addUser(t, "alice")
		first := at.mustLogin(t, "alice")
		if len(first.SessionID) != 43 || !first.ExpiresAt.Equal(at.clock.Now().Add(DefaultAbsoluteTimeout)) {
			t.Fatalf("session %q expiring %v: want 43 characters and 12 hours", first.SessionID, first.ExpiresAt)
		}
		second, err := at.Login(bg, LoginRequest{Login: "Alice", Password: testPassword, OldSessionID: first.SessionID})
		if err != nil {
			t.Fatal(err)
		}
		if second.SessionID == first.SessionID {
			t.Fatal("signing in again kept the session id")
		}
		_, err = at.Session(bg, first.SessionID)
		wantUnauthorised(t, err, "the session the sign-in request carried")
		u, err := at.Session(bg, second.SessionID)
		if err != nil || u.ID != alice.ID {
			t.Fatalf("the new session: %v (%v), want alice", u, err)
		}
	})
}

func TestLoginUpgradesAHashMadeWithOldParameters(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		old, err := PasswordParams{Memory: 4096, Time: 1, Threads: 1}.hash(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		u := &pole.User{Login: "olduser", Force: pole.NationalTeam, Roles: []pole.AccessRole{pole.RoleNationalAnalyst}, PasswordHash: old}
		if err := at.store.CreateUser(bg, u); err != nil {
			t.Fatal(err)
		}
		res := at.mustLogin(t, "olduser")
		if !res.Rehashed {
			t.Fatal("the login did not report the upgrade")
		}
		stored, err := at.store.FindUserByID(bg, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("stored hash after login: %s, want today's parameters", stored.PasswordHash)
		}
		if again := at.mustLogin(t, "olduser"); again.Rehashed {
			t.Fatal("a current hash was made again")
		}
	})
}

func TestDisabledUserCannotLogInAndTheirSessionsAndTokensEnd(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		sessions := []string{at.mustLogin(t, "alice").SessionID, at.mustLogin(t, "alice").SessionID}
		tok, err := at.IssueToken(bg, u.ID, "script", []Scope{ScopeRead}, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		d, err := at.DisableUser(bg, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if d.WasDisabled || d.SessionsEnded != 2 || d.TokensRevoked != 1 || !d.User.Disabled {
			t.Fatalf("DisableUser: %+v, want 2 sessions ended and 1 token revoked", d)
		}
		for _, id := range sessions {
			_, err := at.Session(bg, id)
			wantUnauthorised(t, err, "a disabled user's session")
		}
		_, _, err = at.Token(bg, tok.Token)
		wantUnauthorised(t, err, "a disabled user's token")
		_, err = at.login("alice", testPassword)
		wantUnauthorised(t, err, "a disabled user signing in")
		again, err := at.DisableUser(bg, "alice")
		if err != nil || !again.WasDisabled || again.SessionsEnded != 0 || again.TokensRevoked != 0 {
			t.Fatalf("disabling again: %+v (%v)", again, err)
		}
		_, err = at.DisableUser(bg, "nobody")
		if pole.ErrorCode(err) != pole.ENOTFOUND {
			t.Fatalf("disabling an unknown user: got %v, want ENOTFOUND", err)
		}
	})
}

func TestDisabledUsersSessionsEndEvenIfNotDeleted(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		id := at.mustLogin(t, "alice").SessionID
		tok, err := at.IssueToken(bg, u.ID, "script", []Scope{ScopeRead}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		// Disabled by another route than DisableUser: sessions and tokens
		// are still stored, and still refused.
		u.Disabled = true
		if err := at.store.UpdateUser(bg, u); err != nil {
			t.Fatal(err)
		}
		_, err = at.Session(bg, id)
		wantUnauthorised(t, err, "session of a user disabled in the store")
		_, _, err = at.Token(bg, tok.Token)
		wantUnauthorised(t, err, "token of a user disabled in the store")
	})
}

func TestAddUserRefusesAShortPasswordAndStoresOnlyItsHash(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := &pole.User{Login: "bob", Force: "kent", Roles: []pole.AccessRole{pole.RoleForceSupervisor}}
		err := at.AddUser(bg, u, "short pw")
		if pole.ErrorField(err) != "password" {
			t.Fatalf("a short password: got %v, want EINVALID on password", err)
		}
		if err := at.AddUser(bg, u, testPassword); err != nil {
			t.Fatal(err)
		}
		stored, err := at.store.FindUserByLogin(bg, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored.PasswordHash, testPassword) || !strings.HasPrefix(stored.PasswordHash, "$argon2id$") {
			t.Fatalf("stored password: %q", stored.PasswordHash)
		}
		if err := at.AddUser(bg, &pole.User{Login: "bob", Force: "kent", Roles: u.Roles}, testPassword); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("a second bob: got %v, want ECONFLICT", err)
		}
	})
}

func TestNewAuthenticatorRefusesWeakPasswordParameters(t *testing.T) {
	_, err := NewAuthenticator(nil, Config{Password: PasswordParams{Memory: 4096, Time: 1, Threads: 1}})
	if pole.ErrorField(err) != "password_params" {
		t.Fatalf("got %v, want EINVALID on password_params", err)
	}
}

const newTestPassword = "a brand new passphrase for alice"

func TestChangePasswordRefusesAWrongCurrentPasswordAndCountsItAsAFailedSignIn(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		alice := at.addUser(t, "alice")
		id := at.mustLogin(t, "alice").SessionID
		for i := range 5 {
			err := at.ChangePassword(bg, alice.ID, fmt.Sprintf("guess number %d", i), newTestPassword, id)
			wantUnauthorised(t, err, "a wrong current password")
			if _, ok := RetryAfter(err); ok {
				t.Fatalf("guess %d was throttled; the first five must be checked", i+1)
			}
		}
		err := at.ChangePassword(bg, alice.ID, testPassword, newTestPassword, id)
		if _, ok := RetryAfter(err); !ok {
			t.Fatalf("the right password after five wrong ones: got %v, want throttled", err)
		}
		_, err = at.login("alice", testPassword)
		if _, ok := RetryAfter(err); !ok {
			t.Fatalf("signing in after five wrong current passwords: got %v, want throttled", err)
		}
		at.clock.Advance(time.Minute)
		if _, err := at.Session(bg, id); err != nil {
			t.Fatalf("the session the refused changes were made from: %v", err)
		}
		at.mustLogin(t, "alice")
		_, err = at.login("alice", newTestPassword)
		wantUnauthorised(t, err, "a new password never stored")
	})
}

func TestChangePasswordEndsTheUsersOtherSessionsAndTheNewPasswordSignsIn(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		alice := at.addUser(t, "alice")
		at.addUser(t, "bob")
		var others []string
		for range 2 {
			others = append(others, at.mustLogin(t, "alice").SessionID)
		}
		current := at.mustLogin(t, "alice").SessionID
		bobs := at.mustLogin(t, "bob").SessionID
		if err := at.ChangePassword(bg, alice.ID, testPassword, newTestPassword, current); err != nil {
			t.Fatal(err)
		}
		for i, id := range others {
			_, err := at.Session(bg, id)
			wantUnauthorised(t, err, fmt.Sprintf("alice's other session %d after the change", i))
		}
		if u, err := at.Session(bg, current); err != nil || u.ID != alice.ID {
			t.Fatalf("the session the change was made from: %v (%v), want alice", u, err)
		}
		if _, err := at.Session(bg, bobs); err != nil {
			t.Fatalf("bob's session after alice's change: %v", err)
		}
		_, err := at.login("alice", testPassword)
		wantUnauthorised(t, err, "the old password")
		if _, err := at.login("alice", newTestPassword); err != nil {
			t.Fatalf("signing in with the new password: %v", err)
		}

		if err := at.ChangePassword(bg, alice.ID, newTestPassword, testPassword, ""); err != nil {
			t.Fatal(err)
		}
		_, err = at.Session(bg, current)
		wantUnauthorised(t, err, "a session after a change that kept none")
	})
}

func TestChangePasswordRefusesAShortNewPasswordAndChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		alice := at.addUser(t, "alice")
		other := at.mustLogin(t, "alice").SessionID
		err := at.ChangePassword(bg, alice.ID, testPassword, "short pw", "")
		if pole.ErrorField(err) != "new_password" {
			t.Fatalf("a short new password: got %v, want EINVALID on new_password", err)
		}
		if _, err := at.Session(bg, other); err != nil {
			t.Fatalf("a session after a refused change: %v", err)
		}
		at.mustLogin(t, "alice")
		err = at.ChangePassword(bg, "0190c8a2-0000-7000-8000-000000000000", testPassword, newTestPassword, "")
		if pole.ErrorCode(err) != pole.ENOTFOUND {
			t.Fatalf("an unknown user: got %v, want ENOTFOUND", err)
		}
	})
}
