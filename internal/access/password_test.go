package access

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

const testPassword = "correct horse battery staple"

func TestHashPasswordMakesAPHCStringThatChecks(t *testing.T) {
	h, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(h, prefix) {
		t.Fatalf("hash %q does not begin %q", h, prefix)
	}
	parts := strings.Split(strings.TrimPrefix(h, prefix), "$")
	salt, _ := base64.RawStdEncoding.DecodeString(parts[0])
	key, _ := base64.RawStdEncoding.DecodeString(parts[1])
	if len(parts) != 2 || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("hash %q: want a 16-byte salt and a 32-byte key", h)
	}
	ok, rehash, err := CheckPassword(h, testPassword)
	if !ok || rehash || err != nil {
		t.Fatalf("CheckPassword with the right password: ok %v, rehash %v, err %v; want true, false, nil", ok, rehash, err)
	}
	ok, _, err = CheckPassword(h, testPassword+" ")
	if ok || err != nil {
		t.Fatalf("CheckPassword with a wrong password: ok %v, err %v; want false, nil", ok, err)
	}
}

func TestHashPasswordSaltsEveryHash(t *testing.T) {
	a, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of one password are the same: %s", a)
	}
}

func TestHashPasswordRefusesPasswordsTooShortOrTooLong(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"elevenchars", false},
		{"twelve chars", true},
		{strings.Repeat("é", 11), false}, // 22 bytes, but 11 characters
		{strings.Repeat("é", 12), true},
		{strings.Repeat("x", 256), true},
		{strings.Repeat("x", 257), false},
	} {
		_, err := HashPassword(tc.pw)
		if tc.ok && err != nil {
			t.Errorf("%d characters: %v", len([]rune(tc.pw)), err)
		}
		if !tc.ok && (pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "password") {
			t.Errorf("%d characters: got %v, want EINVALID on password", len([]rune(tc.pw)), err)
		}
	}
}

func TestPasswordParamsWeakerThanTheMinimumAreRefused(t *testing.T) {
	for _, p := range []PasswordParams{{Memory: 19455, Time: 2, Threads: 1}, {Memory: 19456, Time: 1, Threads: 1}, {Memory: 19456, Time: 2}} {
		if _, err := p.Hash(testPassword); pole.ErrorField(err) != "password_params" {
			t.Errorf("%s: got %v, want EINVALID on password_params", p, err)
		}
	}
	if _, err := (PasswordParams{Memory: 47104, Time: 3, Threads: 2}).Hash(testPassword); err != nil {
		t.Errorf("stronger parameters: %v", err)
	}
}

func TestCheckPasswordAsksToRehashAHashWithOtherParameters(t *testing.T) {
	old, err := PasswordParams{Memory: 4096, Time: 1, Threads: 1}.hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := CheckPassword(old, testPassword)
	if !ok || !rehash || err != nil {
		t.Fatalf("old hash: ok %v, rehash %v, err %v; want true, true, nil", ok, rehash, err)
	}
	ok, rehash, _ = CheckPassword(old, "wrong password!")
	if ok || !rehash {
		t.Fatalf("old hash, wrong password: ok %v, rehash %v", ok, rehash)
	}
}

func TestParsePHCNamesWhatIsWrong(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	for _, tc := range []struct{ hash, want string }{
		{"", "must begin"},
		{"$2b$12$abcdefghijklmnopqrstuv", "must begin"},
		{"$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key, "must begin"},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt, "want 5 fields"},
		{"$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key, "version"},
		{"$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key, "want m="},
		{"$argon2id$v=19$m=19456,t=2$" + salt + "$" + key, "want m=,t=,p="},
		{"$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key, "not a number"},
		{"$argon2id$v=19$m=19456,t=-2,p=1$" + salt + "$" + key, "not a number"},
		{"$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key, "lanes"},
		{"$argon2id$v=19$m=19456,t=2,p=256$" + salt + "$" + key, "lanes"},
		{"$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key, "passes"},
		{"$argon2id$v=19$m=4,t=2,p=1$" + salt + "$" + key, "memory"},
		{"$argon2id$v=19$m=99999999,t=2,p=1$" + salt + "$" + key, "memory"},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key, "salt is not"},
		{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + key, "salt is 4 bytes"},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "!", "key is not"},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$aGFzaA", "key is 4 bytes"},
	} {
		_, err := parsePHC(tc.hash)
		if pole.ErrorField(err) != "password_hash" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parsePHC(%q): got %v, want an error on password_hash saying %q", tc.hash, err, tc.want)
		}
	}
	if _, err := parsePHC("$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key); err != nil {
		t.Fatalf("a good hash: %v", err)
	}
}

// FuzzParsePHC: the parser never panics, and what it accepts is exactly
// the string it would write.
func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Add("$argon2id$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "password_hash" {
				t.Fatalf("parsePHC(%q): %v, want EINVALID on password_hash", s, err)
			}
			return
		}
		if got := h.String(); got != s {
			t.Fatalf("parsePHC(%q) writes back as %q", s, got)
		}
	})
}

// BenchmarkHashPassword measures one hash with the default parameters. It
// is meant to be slow: tens of milliseconds per guess for an attacker too.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword(testPassword); err != nil {
			b.Fatal(err)
		}
	}
}
