package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Refused tokens are counted per address: past refusalLimit in
// refusalWindow an address is answered 429 until the window ends, without
// asking the token store or writing to the audit log again, so that no one
// can make the server guess tokens or fill the log at the rate they send.
const (
	refusalLimit   = 10
	refusalWindow  = time.Minute
	refusalTracked = 10_000 // addresses remembered at most; expired ones go first
)

type refusals struct {
	mu  sync.Mutex
	now func() time.Time
	by  map[string]*refusalCount
}

type refusalCount struct {
	start time.Time
	n     int
	noted bool // the throttling is in the audit log for this window
}

func newRefusals(now func() time.Time) *refusals {
	return &refusals{now: now, by: map[string]*refusalCount{}}
}

// blocked reports whether addr is past its limit, and until when; first is
// true the first time in a window it is asked after the limit was passed,
// when the throttling is to be recorded.
func (f *refusals) blocked(addr string) (until time.Time, first bool, yes bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.by[addr]
	if !ok || f.now().Sub(c.start) >= refusalWindow {
		return time.Time{}, false, false
	}
	if c.n < refusalLimit {
		return time.Time{}, false, false
	}
	first, c.noted = !c.noted, true
	return c.start.Add(refusalWindow), first, true
}

// refused counts one refused token from addr.
func (f *refusals) refused(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	c, ok := f.by[addr]
	if !ok || now.Sub(c.start) >= refusalWindow {
		if len(f.by) >= refusalTracked {
			for a, old := range f.by {
				if now.Sub(old.start) >= refusalWindow {
					delete(f.by, a)
				}
			}
		}
		if len(f.by) >= refusalTracked {
			// Every address remembered is in its window: the new one goes
			// uncounted rather than the map growing without end.
			return
		}
		c = &refusalCount{start: now}
		f.by[addr] = c
	}
	c.n++
}

// throttledError is the answer to an address past its limit.
type throttledError struct{ until time.Time }

func (e *throttledError) Error() string {
	return "too many refused tokens from this address; try again after " + e.until.UTC().Format(time.RFC3339)
}

func writeThrottled(w http.ResponseWriter, e *throttledError, now time.Time) {
	secs := int(e.until.Sub(now).Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeJSON(w, http.StatusTooManyRequests, errorBody{Error: errorJSON{Code: "too_many_requests", Message: e.Error()}})
}
