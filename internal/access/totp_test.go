package access

import (
	"net/url"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// codeAt is the code an authenticator app holding secret shows at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := totpKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return hotp(key, uint64(totpStep(at)), totpDigits)
}

// The SHA-1 rows of RFC 6238 appendix B, which uses eight digits.
func TestTOTPMatchesTheRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		if got := hotp(key, uint64(totpStep(time.Unix(tc.unix, 0))), 8); got != tc.want {
			t.Errorf("T=%d: got %s, want %s", tc.unix, got, tc.want)
		}
	}
}

func TestTOTPAcceptsACodeOneStepEarlyOrLateButNoMore(t *testing.T) {
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{-60 * time.Second, false}, {-30 * time.Second, true}, {0, true}, {30 * time.Second, true}, {60 * time.Second, false}} {
		code := hotp(key, uint64(totpStep(now.Add(tc.offset))), totpDigits)
		step, ok := matchTOTP(key, code, now)
		if ok != tc.ok || (ok && step != totpStep(now.Add(tc.offset))) {
			t.Errorf("a code from %v away: matched %v at step %d, want %v", tc.offset, ok, step, tc.ok)
		}
	}
	if _, ok := matchTOTP(key, "", now); ok {
		t.Error("an empty code matched")
	}
}

func TestNewTOTPGivesASecretAndAnOTPAuthURL(t *testing.T) {
	enrol, err := NewTOTP("caselink", "alice")
	if err != nil {
		t.Fatal(err)
	}
	key, err := totpKey(enrol.Secret)
	if err != nil || len(key) != 20 {
		t.Fatalf("secret %q: %d bytes (%v), want 20", enrol.Secret, len(key), err)
	}
	u, err := url.Parse(enrol.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/caselink:alice" || q.Get("secret") != enrol.Secret ||
		q.Get("issuer") != "caselink" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Fatalf("URL %s", enrol.URL)
	}
	other, _ := NewTOTP("caselink", "alice")
	if other.Secret == enrol.Secret {
		t.Fatal("two enrolments got the same secret")
	}
}

func TestLoginRefusesATOTPCodeUsedBefore(t *testing.T) {
	forEachStore(t, func(t *testing.T, at *authTest) {
		u := at.addUser(t, "alice")
		enrol, err := NewTOTP("caselink", "alice")
		if err != nil {
			t.Fatal(err)
		}
		err = at.EnableTOTP(bg, u.ID, enrol.Secret, "123")
		if pole.ErrorField(err) != "code" {
			t.Fatalf("enabling with a bad code: got %v, want EINVALID on code", err)
		}
		if err := at.EnableTOTP(bg, u.ID, enrol.Secret, codeAt(t, enrol.Secret, at.clock.Now())); err != nil {
			t.Fatal(err)
		}
		login := func(code string) error {
			_, err := at.Login(bg, LoginRequest{Login: "alice", Password: testPassword, TOTPCode: code})
			return err
		}
		// The code that turned the factor on is spent already.
		wantUnauthorised(t, login(codeAt(t, enrol.Secret, at.clock.Now())), "the enrolment code again")
		at.clock.Advance(30 * time.Second)
		code := codeAt(t, enrol.Secret, at.clock.Now())
		if err := login(code); err != nil {
			t.Fatalf("a fresh code: %v", err)
		}
		wantUnauthorised(t, login(code), "the same code a second time")
		at.clock.Advance(10 * time.Second)
		wantUnauthorised(t, login(code), "the same code later in its window")
		at.clock.Advance(30 * time.Second)
		if err := login(codeAt(t, enrol.Secret, at.clock.Now())); err != nil {
			t.Fatalf("the next step's code: %v", err)
		}
	})
}
