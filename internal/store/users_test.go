package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// A PHC string of the right shape; the store does not check hashes.
const sampleHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

func sampleUser(login string) *pole.User {
	return &pole.User{
		Login:        login,
		Name:         "DC " + strings.ToUpper(login[:1]) + login[1:],
		Force:        "west-yorkshire",
		Roles:        []pole.AccessRole{pole.RoleForceInvestigator, pole.RoleForceSupervisor},
		Teams:        []string{"op-alpha", "op-beta"},
		PasswordHash: sampleHash,
	}
}

func addUser(t *testing.T, s *store.Store, login string) *pole.User {
	t.Helper()
	u := sampleUser(login)
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// hashOf makes a distinct hex SHA-256-shaped key from n.
func hashOf(n int) string { return fmt.Sprintf("%064x", n) }

func TestUserRoundTripsAndALoginIsHeldOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := sampleUser("alice")
		u.TOTPSecret = "JBSWY3DPEHPK3PXP"
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if !pole.IsID(u.ID) || u.Version != 1 || u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
			t.Fatalf("created user: id %q, version %d, times %v %v", u.ID, u.Version, u.CreatedAt, u.UpdatedAt)
		}
		byID, err := s.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, byID); diff != "" {
			t.Fatalf("FindUserByID (-stored +read):\n%s", diff)
		}
		byLogin, err := s.FindUserByLogin(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, byLogin); diff != "" {
			t.Fatalf("FindUserByLogin (-stored +read):\n%s", diff)
		}
		wantCode(t, s.CreateUser(ctx, sampleUser("alice")), pole.ECONFLICT, "")
		_, err = s.FindUserByLogin(ctx, "nobody")
		wantCode(t, err, pole.ENOTFOUND, "")
		_, err = s.FindUserByID(ctx, "not-an-id")
		wantCode(t, err, pole.ENOTFOUND, "")
	})
}

func TestCreateUserRejectsBadInputNamingTheField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		for _, tc := range []struct {
			field string
			bad   func(u *pole.User)
		}{
			{"login", func(u *pole.User) { u.Login = "Alice Smith" }},
			{"force", func(u *pole.User) { u.Force = "gotham" }},
			{"roles", func(u *pole.User) { u.Roles = nil }},
			{"roles", func(u *pole.User) { u.Roles = []pole.AccessRole{pole.RoleNationalAnalyst} }},
			{"password_hash", func(u *pole.User) { u.PasswordHash = "" }},
		} {
			u := sampleUser("bob")
			tc.bad(u)
			wantCode(t, s.CreateUser(ctx, u), pole.EINVALID, tc.field)
		}
		if _, n, err := s.FindUsers(ctx, store.UserFilter{}); err != nil || n != 0 {
			t.Fatalf("after refused creates: %d users (%v), want 0", n, err)
		}
	})
}

func TestFindUsersFiltersByForceAndRoleInLoginOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		addUser(t, s, "carol")
		addUser(t, s, "alice")
		nat := sampleUser("nina")
		nat.Force, nat.Roles = pole.NationalTeam, []pole.AccessRole{pole.RoleNationalAnalyst, pole.RoleAuditor}
		if err := s.CreateUser(ctx, nat); err != nil {
			t.Fatal(err)
		}
		logins := func(f store.UserFilter) (string, int) {
			t.Helper()
			list, n, err := s.FindUsers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range list {
				out = append(out, u.Login)
			}
			return strings.Join(out, ","), n
		}
		for _, tc := range []struct {
			f     store.UserFilter
			want  string
			total int
		}{
			{store.UserFilter{}, "alice,carol,nina", 3},
			{store.UserFilter{Force: "west-yorkshire"}, "alice,carol", 2},
			{store.UserFilter{Role: pole.RoleAuditor}, "nina", 1},
			{store.UserFilter{Role: pole.RoleForceSupervisor, Limit: 1, Offset: 1}, "carol", 2},
		} {
			if got, n := logins(tc.f); got != tc.want || n != tc.total {
				t.Errorf("FindUsers(%+v): got %q of %d, want %q of %d", tc.f, got, n, tc.want, tc.total)
			}
		}
	})
}

func TestUpdateUserNeedsTheVersionItRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := addUser(t, s, "alice")
		created := u.CreatedAt
		stale := *u
		u.Disabled, u.Name = true, "DS Alice"
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || !u.CreatedAt.Equal(created) {
			t.Fatalf("after update: version %d, created %v, want 2 and %v", u.Version, u.CreatedAt, created)
		}
		stale.Name = "overwritten"
		wantCode(t, s.UpdateUser(ctx, &stale), pole.ECONFLICT, "")
		got, err := s.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Fatalf("stored user (-want +got):\n%s", diff)
		}
		other := addUser(t, s, "bob")
		other.Login = "alice"
		wantCode(t, s.UpdateUser(ctx, other), pole.ECONFLICT, "")
		ghost := sampleUser("ghost")
		ghost.ID, ghost.Version = "0190c8a2-0000-7000-8000-000000000000", 1
		wantCode(t, s.UpdateUser(ctx, ghost), pole.ENOTFOUND, "")
	})
}

func TestUseTOTPStepAcceptsEachStepOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := addUser(t, s, "alice")
		if err := s.UseTOTPStep(ctx, u.ID, 1000); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.UseTOTPStep(ctx, u.ID, 1000), pole.ECONFLICT, "")
		wantCode(t, s.UseTOTPStep(ctx, u.ID, 999), pole.ECONFLICT, "")
		if err := s.UseTOTPStep(ctx, u.ID, 1001); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.UseTOTPStep(ctx, "0190c8a2-0000-7000-8000-000000000000", 5), pole.ENOTFOUND, "")
		// Recording a step is not an edit of the user: the version stays.
		got, err := s.FindUserByID(ctx, u.ID)
		if err != nil || got.Version != 1 {
			t.Fatalf("user after steps: version %d (%v), want 1", got.Version, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 4 {
			wg.Go(func() {
				if s.UseTOTPStep(ctx, u.ID, 2000) == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("four sign-ins with one code: %d accepted, want 1", wins)
		}
	})
}

func TestSessionsAreFoundByHashTouchedAndDeleted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := addUser(t, s, "alice")
		at := sampleTime
		se := &store.Session{IDHash: hashOf(1), UserID: u.ID, CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(12 * time.Hour), Origin: "10.0.0.1", UserAgent: "Firefox"}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindSession(ctx, hashOf(1))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(se, got); diff != "" {
			t.Fatalf("FindSession (-stored +read):\n%s", diff)
		}
		if err := s.TouchSession(ctx, hashOf(1), at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchSession(ctx, hashOf(1), at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindSession(ctx, hashOf(1)); !got.LastSeenAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("last seen: got %v, want %v (an earlier touch must not go back)", got.LastSeenAt, at.Add(time.Minute))
		}
		wantCode(t, s.CreateSession(ctx, se), pole.ECONFLICT, "")

		second := *se
		second.IDHash = hashOf(2)
		if err := s.CreateSession(ctx, &second); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, hashOf(1)); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindSession(ctx, hashOf(1))
		wantCode(t, err, pole.ENOTFOUND, "")
		if err := s.DeleteSession(ctx, hashOf(1)); err != nil {
			t.Fatalf("deleting a deleted session: %v", err)
		}
		if n, err := s.DeleteUserSessions(ctx, u.ID); err != nil || n != 1 {
			t.Fatalf("DeleteUserSessions: %d (%v), want 1", n, err)
		}
		_, err = s.FindSession(ctx, hashOf(2))
		wantCode(t, err, pole.ENOTFOUND, "")
		_, err = s.FindSession(ctx, "not a hash")
		wantCode(t, err, pole.ENOTFOUND, "")
	})
}

func TestCreateSessionRejectsBadInputNamingTheField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := addUser(t, s, "alice")
		ok := store.Session{IDHash: hashOf(1), UserID: u.ID, CreatedAt: sampleTime, LastSeenAt: sampleTime, ExpiresAt: sampleTime.Add(time.Hour)}
		for _, tc := range []struct {
			field string
			bad   func(se *store.Session)
		}{
			{"id_hash", func(se *store.Session) { se.IDHash = "raw-session-id" }},
			{"user_id", func(se *store.Session) { se.UserID = "alice" }},
			{"user_id", func(se *store.Session) { se.UserID = "0190c8a2-0000-7000-8000-000000000000" }},
			{"expires_at", func(se *store.Session) { se.ExpiresAt = se.CreatedAt }},
		} {
			se := ok
			tc.bad(&se)
			wantCode(t, s.CreateSession(ctx, &se), pole.EINVALID, tc.field)
		}
	})
}

func TestDeleteExpiredSessionsDeletesOnlyEndedSessionsOfEveryUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		alice, bob := addUser(t, s, "alice"), addUser(t, s, "bob")
		now, idle := sampleTime.Add(24*time.Hour), 30*time.Minute
		for _, tc := range []struct {
			n                int
			user             *pole.User
			lastSeen, expiry time.Time
		}{
			{1, alice, now.Add(-time.Minute), now.Add(time.Hour)},             // in use: kept
			{2, alice, now.Add(-idle + time.Microsecond), now.Add(time.Hour)}, // idle just under the limit: kept
			{3, alice, now.Add(-time.Minute), now.Add(time.Microsecond)},      // just before its expiry: kept
			{4, alice, now.Add(-time.Minute), now},                            // at its expiry: ended
			{5, alice, now.Add(-time.Minute), now.Add(-time.Hour)},            // past its expiry: ended
			{6, alice, now.Add(-idle), now.Add(time.Hour)},                    // idle for the limit: ended
			{7, bob, now.Add(-2 * time.Hour), now.Add(time.Hour)},             // another user's idle one: ended
		} {
			se := &store.Session{IDHash: hashOf(tc.n), UserID: tc.user.ID, CreatedAt: now.Add(-12 * time.Hour),
				LastSeenAt: tc.lastSeen, ExpiresAt: tc.expiry}
			if err := s.CreateSession(ctx, se); err != nil {
				t.Fatalf("session %d: %v", tc.n, err)
			}
		}
		n, err := s.DeleteExpiredSessions(ctx, now, idle)
		if err != nil || n != 4 {
			t.Fatalf("DeleteExpiredSessions: %d (%v), want 4", n, err)
		}
		for i := 1; i <= 7; i++ {
			_, err := s.FindSession(ctx, hashOf(i))
			if kept := i <= 3; kept && err != nil {
				t.Errorf("session %d: %v, want it kept", i, err)
			} else if !kept && pole.ErrorCode(err) != pole.ENOTFOUND {
				t.Errorf("session %d: got %v, want it deleted", i, err)
			}
		}
		if n, err := s.DeleteExpiredSessions(ctx, now, idle); err != nil || n != 0 {
			t.Fatalf("sweeping again: %d (%v), want 0", n, err)
		}
		_, err = s.DeleteExpiredSessions(ctx, now, 0)
		wantCode(t, err, pole.EINVALID, "idle")
	})
}

func TestDeleteOtherUserSessionsKeepsTheOneNamedAndOtherUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		alice, bob := addUser(t, s, "alice"), addUser(t, s, "bob")
		for i, owner := range []*pole.User{alice, alice, alice, bob} {
			se := &store.Session{IDHash: hashOf(i + 1), UserID: owner.ID, CreatedAt: sampleTime, LastSeenAt: sampleTime, ExpiresAt: sampleTime.Add(time.Hour)}
			if err := s.CreateSession(ctx, se); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.DeleteOtherUserSessions(ctx, alice.ID, hashOf(2)); err != nil || n != 2 {
			t.Fatalf("DeleteOtherUserSessions keeping one: %d (%v), want 2", n, err)
		}
		for i, kept := range []bool{false, true, false, true} {
			_, err := s.FindSession(ctx, hashOf(i+1))
			if kept && err != nil {
				t.Errorf("session %d: %v, want it kept", i+1, err)
			} else if !kept && pole.ErrorCode(err) != pole.ENOTFOUND {
				t.Errorf("session %d: got %v, want it deleted", i+1, err)
			}
		}
		if n, err := s.DeleteOtherUserSessions(ctx, alice.ID, ""); err != nil || n != 1 {
			t.Fatalf("DeleteOtherUserSessions keeping none: %d (%v), want 1", n, err)
		}
		if _, err := s.FindSession(ctx, hashOf(4)); err != nil {
			t.Fatalf("bob's session: %v, want it kept", err)
		}
		_, err := s.DeleteOtherUserSessions(ctx, "alice", "")
		wantCode(t, err, pole.EINVALID, "user_id")
	})
}

func TestAPITokensAreFoundByHashTouchedAndRevoked(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := addUser(t, s, "alice")
		tok := &store.APIToken{UserID: u.ID, Name: "nightly ingest", Hash: hashOf(7), Scopes: []string{"read", "ingest"},
			CreatedAt: sampleTime, ExpiresAt: sampleTime.Add(720 * time.Hour)}
		if err := s.CreateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindAPITokenByHash(ctx, hashOf(7))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tok, got); diff != "" {
			t.Fatalf("FindAPITokenByHash (-stored +read):\n%s", diff)
		}
		used := sampleTime.Add(time.Hour)
		if err := s.TouchAPIToken(ctx, tok.ID, used); err != nil {
			t.Fatal(err)
		}
		revoked := sampleTime.Add(2 * time.Hour)
		if err := s.RevokeAPIToken(ctx, tok.ID, revoked); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIToken(ctx, tok.ID, revoked.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindAPITokenByHash(ctx, hashOf(7))
		if !got.LastUsedAt.Equal(used) || !got.RevokedAt.Equal(revoked) {
			t.Fatalf("used %v and revoked %v, want %v and %v (the first revocation kept)", got.LastUsedAt, got.RevokedAt, used, revoked)
		}
		wantCode(t, s.RevokeAPIToken(ctx, "0190c8a2-0000-7000-8000-000000000000", revoked), pole.ENOTFOUND, "")
		dup := *tok
		dup.ID = ""
		wantCode(t, s.CreateAPIToken(ctx, &dup), pole.ECONFLICT, "")
		_, err = s.FindAPITokenByHash(ctx, hashOf(8))
		wantCode(t, err, pole.ENOTFOUND, "")
	})
}

func TestRevokeUserAPITokensRevokesOnlyTheirLiveTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		alice, bob := addUser(t, s, "alice"), addUser(t, s, "bob")
		for i, owner := range []*pole.User{alice, alice, alice, bob} {
			tok := &store.APIToken{UserID: owner.ID, Name: fmt.Sprintf("t%d", i), Hash: hashOf(i + 1), Scopes: []string{"read"},
				CreatedAt: sampleTime.Add(time.Duration(i) * time.Second), ExpiresAt: sampleTime.Add(time.Hour)}
			if err := s.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if err := s.RevokeAPIToken(ctx, tok.ID, sampleTime); err != nil {
					t.Fatal(err)
				}
			}
		}
		n, err := s.RevokeUserAPITokens(ctx, alice.ID, sampleTime.Add(time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("RevokeUserAPITokens: %d (%v), want 2", n, err)
		}
		list, err := s.FindAPITokens(ctx, alice.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("FindAPITokens: %d tokens (%v), want 3", len(list), err)
		}
		for i, tok := range list {
			if tok.Name != fmt.Sprintf("t%d", i) || tok.RevokedAt.IsZero() {
				t.Errorf("token %d: %s revoked %v", i, tok.Name, tok.RevokedAt)
			}
		}
		if !list[0].RevokedAt.Equal(sampleTime) {
			t.Errorf("an already revoked token's time changed to %v", list[0].RevokedAt)
		}
		if bobs, _ := s.FindAPITokens(ctx, bob.ID); len(bobs) != 1 || !bobs[0].RevokedAt.IsZero() {
			t.Fatalf("bob's token was revoked with alice's")
		}
	})
}

func TestCreateAPITokenRejectsBadInputNamingTheField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		u := addUser(t, s, "alice")
		ok := store.APIToken{UserID: u.ID, Name: "n", Hash: hashOf(1), Scopes: []string{"read"}, CreatedAt: sampleTime, ExpiresAt: sampleTime.Add(time.Hour)}
		for _, tc := range []struct {
			field string
			bad   func(tok *store.APIToken)
		}{
			{"user_id", func(tok *store.APIToken) { tok.UserID = "0190c8a2-0000-7000-8000-000000000000" }},
			{"name", func(tok *store.APIToken) { tok.Name = " " }},
			{"hash", func(tok *store.APIToken) { tok.Hash = "clk_secret" }},
			{"scopes", func(tok *store.APIToken) { tok.Scopes = nil }},
			{"expires_at", func(tok *store.APIToken) { tok.ExpiresAt = time.Time{} }},
		} {
			tok := ok
			tc.bad(&tok)
			wantCode(t, s.CreateAPIToken(ctx, &tok), pole.EINVALID, tc.field)
		}
	})
}

func TestLoginThrottlesCountConcurrentFailuresOneAfterAnother(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		keys := []string{"account:alice", "addr:10.0.0.1"}
		fail := func(states []*store.LoginThrottle) error {
			for _, st := range states {
				if st.Failures == 0 {
					st.FirstFailureAt = sampleTime
				}
				st.Failures++
			}
			return nil
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := s.UpdateLoginThrottles(ctx, keys, fail); err != nil {
					t.Errorf("UpdateLoginThrottles: %v", err)
				}
			})
		}
		wg.Wait()
		read := func(states []*store.LoginThrottle) error { return nil }
		got, err := s.UpdateLoginThrottles(ctx, keys, read)
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range got {
			if st.Key != keys[i] || st.Failures != 8 || !st.FirstFailureAt.Equal(sampleTime) || !st.BlockedUntil.IsZero() {
				t.Errorf("state %d: %+v, want %s with 8 failures since %v", i, st, keys[i], sampleTime)
			}
		}
	})
}

func TestLoginThrottleClearedOrRefusedChangeWritesAsTold(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		block := sampleTime.Add(time.Minute)
		_, err := s.UpdateLoginThrottles(ctx, []string{"account:bob"}, func(st []*store.LoginThrottle) error {
			st[0].Failures, st[0].FirstFailureAt, st[0].BlockedUntil = 5, sampleTime, block
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		refused := pole.Errorf(pole.EUNAUTHORIZED, "blocked")
		_, err = s.UpdateLoginThrottles(ctx, []string{"account:bob"}, func(st []*store.LoginThrottle) error {
			if !st[0].BlockedUntil.Equal(block) || st[0].Failures != 5 {
				t.Errorf("read back %+v", *st[0])
			}
			st[0].Failures = 99
			return refused
		})
		wantCode(t, err, pole.EUNAUTHORIZED, "")
		got, err := s.UpdateLoginThrottles(ctx, []string{"account:bob"}, func([]*store.LoginThrottle) error { return nil })
		if err != nil || got[0].Failures != 5 {
			t.Fatalf("after a refused change: %+v (%v), want 5 failures kept", got, err)
		}
		got, err = s.UpdateLoginThrottles(ctx, []string{"account:bob"}, func(st []*store.LoginThrottle) error {
			st[0].Failures = 0
			return nil
		})
		if err != nil || got[0] != (store.LoginThrottle{Key: "account:bob"}) {
			t.Fatalf("cleared: %+v (%v), want an empty state", got, err)
		}
		_, err = s.UpdateLoginThrottles(ctx, []string{""}, func([]*store.LoginThrottle) error { return nil })
		wantCode(t, err, pole.EINVALID, "key")
	})
}
