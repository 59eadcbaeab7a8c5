package web

import (
	"strconv"
	"testing"
	"time"
)

func TestRefusalsAreCountedPerAddressWithinAWindow(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f := newRefusals(func() time.Time { return now })
	for range refusalLimit {
		if _, _, yes := f.blocked("198.51.100.7"); yes {
			t.Fatal("blocked before the limit")
		}
		f.refused("198.51.100.7")
	}
	until, first, yes := f.blocked("198.51.100.7")
	if !yes || !first || !until.Equal(now.Add(refusalWindow)) {
		t.Fatalf("at the limit: until %s first %v blocked %v", until, first, yes)
	}
	if _, first, yes := f.blocked("198.51.100.7"); !yes || first {
		t.Fatalf("asked again: first %v blocked %v, want blocked and not first", first, yes)
	}
	if _, _, yes := f.blocked("198.51.100.8"); yes {
		t.Fatal("another address is blocked too")
	}
	now = now.Add(refusalWindow)
	if _, _, yes := f.blocked("198.51.100.7"); yes {
		t.Fatal("still blocked after the window")
	}
}

func TestRefusalsRememberABoundedNumberOfAddresses(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f := newRefusals(func() time.Time { return now })
	for i := range refusalTracked + 50 {
		f.refused("10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250))
	}
	if len(f.by) != refusalTracked {
		t.Fatalf("%d addresses remembered, want at most %d", len(f.by), refusalTracked)
	}
	now = now.Add(refusalWindow)
	f.refused("192.0.2.1")
	if len(f.by) != 1 {
		t.Fatalf("%d addresses remembered after every window ended, want the new one alone", len(f.by))
	}
}
