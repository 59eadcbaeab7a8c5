package access

import (
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/store"
)

// ThrottleLimits say how failed sign-ins are slowed, per account and per
// address alike: after Failures failures within Window, sign-ins are refused
// for FirstBlock, and for twice as long after each further failure, up to
// MaxBlock. A count is forgotten Window after its first failure or, once
// blocked, Window after the block ends.
type ThrottleLimits struct {
	Failures   int
	Window     time.Duration
	FirstBlock time.Duration
	MaxBlock   time.Duration
}

// DefaultThrottleLimits: five failures in 15 minutes, then blocks of 1, 2,
// 4, 8 and at most 15 minutes.
func DefaultThrottleLimits() ThrottleLimits {
	return ThrottleLimits{Failures: 5, Window: 15 * time.Minute, FirstBlock: time.Minute, MaxBlock: 15 * time.Minute}
}

// blocked returns when sign-ins under t are next allowed, or zero if they
// are allowed now.
func blocked(t *store.LoginThrottle, now time.Time) time.Time {
	if t.BlockedUntil.After(now) {
		return t.BlockedUntil
	}
	return time.Time{}
}

// charge counts an attempt as a failure before its password is checked, so
// that concurrent guesses are counted one after another; a sign-in that
// succeeds is forgiven. The attempt that reaches the limit sets the block.
func (l ThrottleLimits) charge(t *store.LoginThrottle, now time.Time) {
	if t.Failures > 0 {
		since := t.FirstFailureAt
		if t.BlockedUntil.After(since) {
			since = t.BlockedUntil
		}
		if !now.Before(since.Add(l.Window)) {
			*t = store.LoginThrottle{Key: t.Key}
		}
	}
	if t.Failures == 0 {
		t.FirstFailureAt = now
	}
	t.Failures++
	if extra := t.Failures - l.Failures; extra >= 0 {
		block := l.MaxBlock
		if extra < 32 {
			block = min(l.FirstBlock<<extra, l.MaxBlock)
		}
		t.BlockedUntil = now.Add(block)
	}
}

// forgive takes back the failure charged to a sign-in that succeeded. The
// block, if this attempt set it, goes too: any earlier one had passed, or
// the attempt would have been refused.
func forgive(t *store.LoginThrottle) {
	t.Failures--
	t.BlockedUntil = time.Time{}
}

// Throttle keys: every login is counted, whether or not such a user exists,
// so that blocks do not tell which accounts exist.
const (
	accountKeyPrefix = "account:"
	addressKeyPrefix = "addr:"
)

func accountKey(login string) string { return accountKeyPrefix + login }

// addressKey is the throttle key of a client's address: the address itself
// for IPv4, and its /64 for IPv6, since one client is given a whole /64.
// "" for no address.
func addressKey(origin string) string {
	if origin == "" {
		return ""
	}
	addr, err := netip.ParseAddr(origin)
	if err != nil {
		ap, perr := netip.ParseAddrPort(origin)
		if perr != nil {
			return addressKeyPrefix + clean(origin, 64)
		}
		addr = ap.Addr()
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		p, err := addr.Prefix(64)
		if err == nil {
			return addressKeyPrefix + p.String()
		}
	}
	return addressKeyPrefix + addr.String()
}

// clean makes s safe to store as text on both engines (valid UTF-8, no NUL)
// and at most n bytes long, cut at a character boundary.
func clean(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
