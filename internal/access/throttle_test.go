package access

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func TestBruteForceIsRefusedEvenWithTheRightPasswordUntilTheBackOffPasses(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		for i := range 5 {
			_, err := at.login("alice", fmt.Sprintf("guess number %d", i))
			wantUnauthorised(t, err, "a wrong guess")
			if _, ok := RetryAfter(err); ok {
				t.Fatalf("guess %d was throttled; the first five must be checked", i+1)
			}
		}
		_, err := at.login("alice", testPassword)
		wantUnauthorised(t, err, "the right password after five failures")
		until, ok := RetryAfter(err)
		if want := at.clock.Now().Add(time.Minute); !ok || !until.Equal(want) {
			t.Fatalf("RetryAfter: %v, %v; want %v", until, ok, want)
		}
		if got, want := pole.ErrorMessage(err), "too many attempts; try again after 09:01 UTC"; got != want {
			t.Fatalf("message: got %q, want %q", got, want)
		}
		at.clock.Advance(59 * time.Second)
		_, err = at.login("alice", testPassword)
		if _, ok := RetryAfter(err); !ok {
			t.Fatalf("a second before the block ends: got %v, want throttled", err)
		}
		at.clock.Advance(time.Second)
		at.mustLogin(t, "alice")
	})
}

func TestConcurrentGuessesGetNoMoreThanTheLimitChecked(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		var mu sync.Mutex
		checked, refused := 0, 0
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				_, err := at.login("alice", fmt.Sprintf("parallel guess %d", i))
				_, throttled := RetryAfter(err)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case throttled:
					refused++
				case pole.ErrorCode(err) == pole.EUNAUTHORIZED:
					checked++
				default:
					t.Errorf("guess %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if checked != 5 || refused != 15 {
			t.Fatalf("20 guesses at once: %d checked and %d refused, want 5 and 15", checked, refused)
		}
	})
}

func TestBackOffDoublesWithEachFurtherFailureUpToFifteenMinutes(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		var blocks []time.Duration
		for range 9 {
			_, err := at.login("alice", "a wrong password")
			if _, ok := RetryAfter(err); ok {
				t.Fatalf("an attempt after the block passed was refused: %v", err)
			}
			// The next attempt is refused; RetryAfter says for how long.
			_, err = at.login("alice", "a wrong password")
			until, ok := RetryAfter(err)
			if !ok {
				continue
			}
			blocks = append(blocks, until.Sub(at.clock.Now()))
			at.clock.Advance(until.Sub(at.clock.Now()))
		}
		want := fmt.Sprint([]time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute})
		if fmt.Sprint(blocks) != want {
			t.Fatalf("blocks: %v, want %s", blocks, want)
		}
	})
}

func TestFailuresAreForgottenAfterTheWindow(t *testing.T) {
	limits := DefaultThrottleLimits()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := &store.LoginThrottle{Key: "account:alice"}
	for i := range 4 {
		limits.charge(st, start.Add(time.Duration(i)*time.Minute))
	}
	limits.charge(st, start.Add(15*time.Minute))
	if st.Failures != 1 || !st.BlockedUntil.IsZero() || !st.FirstFailureAt.Equal(start.Add(15*time.Minute)) {
		t.Fatalf("a failure 15 minutes after the first of four: %+v, want a fresh count of 1", st)
	}
	for i := range 4 {
		limits.charge(st, start.Add(16*time.Minute+time.Duration(i)*time.Second))
	}
	blockEnd := st.BlockedUntil
	if st.Failures != 5 || blockEnd.IsZero() {
		t.Fatalf("five failures: %+v, want a block", st)
	}
	// Once blocked, the count lasts a window beyond the block's end.
	limits.charge(st, blockEnd.Add(limits.Window-time.Second))
	if st.Failures != 6 {
		t.Fatalf("a failure inside the window after a block: %+v, want 6 failures", st)
	}
	limits.charge(st, st.BlockedUntil.Add(limits.Window))
	if st.Failures != 1 || !st.BlockedUntil.IsZero() {
		t.Fatalf("a failure a window after the block: %+v, want a fresh count", st)
	}
}

func TestSuccessClearsTheAccountsCountButNotTheAddresss(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		at.addUser(t, "alice")
		at.addUser(t, "bob")
		fail := func(login string) {
			t.Helper()
			_, err := at.login(login, "a wrong password")
			wantUnauthorised(t, err, "a wrong password")
			if _, ok := RetryAfter(err); ok {
				t.Fatalf("%s was throttled: %v", login, err)
			}
		}
		for range 4 {
			fail("alice")
		}
		at.mustLogin(t, "alice")
		got, err := at.store.UpdateLoginThrottles(bg, []string{"account:alice", "addr:192.0.2.10"}, func([]*store.LoginThrottle) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Failures != 0 || got[1].Failures != 4 {
			t.Fatalf("after a success: account %d and address %d failures, want 0 and 4", got[0].Failures, got[1].Failures)
		}
		fail("bob")
		_, err = at.login("alice", testPassword)
		if _, ok := RetryAfter(err); !ok {
			t.Fatalf("alice from an address with five failures: got %v, want throttled", err)
		}
		_, err = at.Login(bg, LoginRequest{Login: "alice", Password: testPassword, Origin: "198.51.100.7"})
		if err != nil {
			t.Fatalf("alice from another address: %v", err)
		}
	})
}

func TestGuessesAtUnknownLoginsAreThrottledAlike(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		for range 5 {
			at.Login(bg, LoginRequest{Login: "nobody", Password: testPassword})
		}
		_, err := at.Login(bg, LoginRequest{Login: "nobody", Password: testPassword})
		if _, ok := RetryAfter(err); !ok {
			t.Fatalf("a sixth guess at an unknown login: got %v, want throttled as a real account is", err)
		}
	})
}

func TestAddressKeyGroupsAnIPv6ClientsWhole64(t *testing.T) {
	for _, tc := range []struct{ origin, want string }{
		{"", ""},
		{"192.0.2.10", "addr:192.0.2.10"},
		{"192.0.2.10:51234", "addr:192.0.2.10"},
		{"::ffff:192.0.2.10", "addr:192.0.2.10"},
		{"2001:db8:1:2:aaaa::1", "addr:2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9]:443", "addr:2001:db8:1:2::/64"},
		{"fe80::1%eth0", "addr:fe80::/64"},
		{"not an address", "addr:not an address"},
	} {
		if got := addressKey(tc.origin); got != tc.want {
			t.Errorf("addressKey(%q): got %q, want %q", tc.origin, got, tc.want)
		}
	}
}

func TestCleanKeepsTextStorableOnBothEngines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"alice", 64, "alice"},
		{"al\x00ice", 64, "alice"},
		{"a\xffb", 64, "a\uFFFDb"},
		{"ééé", 5, "éé"},
	} {
		if got := clean(tc.in, tc.n); got != tc.want {
			t.Errorf("clean(%q, %d): got %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
