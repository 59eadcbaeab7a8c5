package access

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// Time-based one-time codes as RFC 6238 has them and authenticator apps
// expect: HMAC-SHA-1, 30-second steps, six digits. A code is accepted one
// step early or late, for clocks that drift, but only once.
const (
	totpPeriod      = 30 // seconds
	totpDigits      = 6
	totpSkew        = 1 // steps either side of now
	totpSecretBytes = 20
)

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTPEnrolment is what a user needs to set up an authenticator app: the
// secret, to type in, and the otpauth:// URL, to show as a QR code.
type TOTPEnrolment struct {
	Secret string
	URL    string
}

// NewTOTP makes a new secret for login's authenticator app. It is not in use
// until EnableTOTP is given a code the app made from it.
func NewTOTP(issuer, login string) (TOTPEnrolment, error) {
	key := make([]byte, totpSecretBytes)
	if _, err := rand.Read(key); err != nil {
		return TOTPEnrolment{}, err
	}
	secret := totpEncoding.EncodeToString(key)
	return TOTPEnrolment{Secret: secret, URL: totpURL(issuer, login, secret)}, nil
}

// totpURL is the Key URI Format that authenticator apps read.
func totpURL(issuer, login, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(totpDigits))
	q.Set("period", fmt.Sprint(totpPeriod))
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + login, RawQuery: q.Encode()}
	return u.String()
}

// EnableTOTP turns on a second factor for the user: secret (from NewTOTP)
// becomes theirs once code shows that their app holds it. The step of that
// code counts as used.
func (a *Authenticator) EnableTOTP(ctx context.Context, userID, secret, code string) error {
	const op = "access.EnableTOTP"
	u, err := a.store.FindUserByID(ctx, userID)
	if err != nil {
		return pole.E(op, err)
	}
	key, err := totpKey(secret)
	if err != nil {
		return pole.E(op, err)
	}
	step, ok := matchTOTP(key, code, a.now())
	if !ok {
		return pole.E(op, pole.Invalid("code", "does not match the secret: check the app's clock and try the next code"))
	}
	if err := a.store.UseTOTPStep(ctx, u.ID, step); err != nil {
		return pole.E(op, err)
	}
	u.TOTPSecret = totpEncoding.EncodeToString(key)
	return pole.E(op, a.store.UpdateUser(ctx, u))
}

// hotp is RFC 4226's code for counter, digits long.
func hotp(key []byte, counter uint64, digits int) string {
	mac := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStep is the step that t falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// totpKey reads a base32 secret as apps show it: any case, spaces allowed.
func totpKey(secret string) ([]byte, error) {
	key, err := totpEncoding.DecodeString(strings.ToUpper(strings.ReplaceAll(secret, " ", "")))
	if err != nil || len(key) == 0 {
		return nil, pole.Invalid("totp_secret", "is not base32")
	}
	return key, nil
}

// matchTOTP finds the step, within totpSkew of now, whose code is code.
func matchTOTP(key []byte, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != totpDigits {
		return 0, false
	}
	now0 := totpStep(now)
	// Every candidate is computed and compared, so the time taken does not
	// say which step matched.
	for s := now0 - totpSkew; s <= now0+totpSkew; s++ {
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), totpDigits)), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}
