package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/caselink/caselink/internal/pole"
)

// Password length limits, in characters. NCSC guidance asks for a length
// minimum rather than composition rules; the maximum bounds the work a sign-in
// may ask for.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// PasswordParams are Argon2id's costs: Memory in KiB, Time in passes over it,
// Threads in lanes.
type PasswordParams struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams is OWASP's recommended minimum for Argon2id:
// 19 MiB, two passes, one lane. Nothing weaker hashes a new password.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Memory: 19456, Time: 2, Threads: 1}
}

const (
	saltLength = 16
	keyLength  = 32
	// Limits on what a stored hash may ask of CheckPassword, so that a
	// damaged or hostile row cannot make a sign-in take the server's memory.
	maxHashMemory  = 1 << 20 // KiB: 1 GiB
	maxHashTime    = 100
	minSaltLength  = 8
	maxSaltLength  = 64
	minKeyLength   = 16
	maxKeyLength   = 64
	phcPrefix      = "$argon2id$"
	phcVersionPart = "v=19" // argon2.Version, 0x13
)

func (p PasswordParams) String() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)
}

// weak reports whether p falls below the OWASP minimum in any cost.
func (p PasswordParams) weak() bool {
	floor := DefaultPasswordParams()
	return p.Memory < floor.Memory || p.Time < floor.Time || p.Threads < floor.Threads
}

// CheckPasswordLength refuses a password that is too short or too long.
func CheckPasswordLength(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLength:
		return pole.Invalid("password", "must be at least %d characters, got %d", MinPasswordLength, n)
	case n > MaxPasswordLength:
		return pole.Invalid("password", "must be at most %d characters, got %d", MaxPasswordLength, n)
	}
	return nil
}

// HashPassword hashes pw with the default parameters, in PHC string form:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY, salt and key in unpadded base64.
func HashPassword(pw string) (string, error) { return DefaultPasswordParams().Hash(pw) }

// Hash hashes pw with p, which must not be weaker than the default.
func (p PasswordParams) Hash(pw string) (string, error) {
	if err := CheckPasswordLength(pw); err != nil {
		return "", err
	}
	if p.weak() {
		return "", pole.Invalid("password_params", "%s is weaker than the minimum %s", p, DefaultPasswordParams())
	}
	return p.hash(pw)
}

// hash hashes pw with p whatever its length and costs; the dummy hash and
// tests of old hashes need it.
func (p PasswordParams) hash(pw string) (string, error) {
	salt := make([]byte, saltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLength)
	return phc{params: p, salt: salt, key: key}.String(), nil
}

// CheckPassword reports whether pw matches hash, and whether hash should be
// made again because its parameters differ from the default ones. A hash that
// cannot be read is an error naming what is wrong with it.
func CheckPassword(hash, pw string) (ok, needsRehash bool, err error) {
	return DefaultPasswordParams().Check(hash, pw)
}

// Check is CheckPassword with p as the parameters a hash should have.
func (p PasswordParams) Check(hash, pw string) (ok, needsRehash bool, err error) {
	h, err := parsePHC(hash)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(pw), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	ok = subtle.ConstantTimeCompare(key, h.key) == 1
	return ok, h.params != p || len(h.salt) != saltLength || len(h.key) != keyLength, nil
}

// phc is a parsed Argon2id hash.
type phc struct {
	params    PasswordParams
	salt, key []byte
}

func (h phc) String() string {
	enc := base64.RawStdEncoding
	return phcPrefix + phcVersionPart + "$" + h.params.String() + "$" + enc.EncodeToString(h.salt) + "$" + enc.EncodeToString(h.key)
}

// parsePHC reads $argon2id$v=19$m=M,t=T,p=P$SALT$KEY, strictly: the
// parameters in that order, decimal without leading zeros, base64 unpadded.
func parsePHC(s string) (phc, error) {
	var h phc
	bad := func(format string, args ...any) (phc, error) {
		return phc{}, pole.Invalid("password_hash", format, args...)
	}
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return bad("not an Argon2id hash: it must begin %q", phcPrefix)
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 4 {
		return bad("want 5 fields separated by $, got %d", len(parts)+1)
	}
	if parts[0] != phcVersionPart {
		return bad("version %q, want %q", parts[0], phcVersionPart)
	}
	params := strings.Split(parts[1], ",")
	if len(params) != 3 {
		return bad("parameters %q: want m=,t=,p=", parts[1])
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(params[i], name+"=")
		if !ok {
			return bad("parameter %d is %q, want %s=", i+1, params[i], name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || (len(v) > 1 && v[0] == '0') {
			return bad("parameter %s=%q is not a number", name, v)
		}
		vals[i] = n
	}
	h.params = PasswordParams{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}
	switch {
	case vals[2] < 1 || vals[2] > 255:
		return bad("p=%d: lanes must be 1 to 255", vals[2])
	case vals[1] < 1 || vals[1] > maxHashTime:
		return bad("t=%d: passes must be 1 to %d", vals[1], maxHashTime)
	case vals[0] < 8*vals[2] || vals[0] > maxHashMemory:
		return bad("m=%d: memory must be 8 KiB per lane to %d KiB", vals[0], maxHashMemory)
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[2]); err != nil {
		return bad("salt is not unpadded base64: %v", err)
	}
	if len(h.salt) < minSaltLength || len(h.salt) > maxSaltLength {
		return bad("salt is %d bytes, want %d to %d", len(h.salt), minSaltLength, maxSaltLength)
	}
	if h.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[3]); err != nil {
		return bad("key is not unpadded base64: %v", err)
	}
	if len(h.key) < minKeyLength || len(h.key) > maxKeyLength {
		return bad("key is %d bytes, want %d to %d", len(h.key), minKeyLength, maxKeyLength)
	}
	return h, nil
}
