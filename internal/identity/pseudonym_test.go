package identity

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var pseudonymShape = regexp.MustCompile(`^V-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`)

func TestPseudonymIsStableForARowAndShapedInTwoGroupsOfFive(t *testing.T) {
	ring := newRing(t)
	a, b := NewSealer(ring), NewSealer(ring)
	p := a.Pseudonym("row-1")
	if !pseudonymShape.MatchString(p) {
		t.Errorf("got %q, want V- and two groups of 5 Crockford base32 characters", p)
	}
	if again, other := a.Pseudonym("row-1"), b.Pseudonym("row-1"); again != p || other != p {
		t.Errorf("Pseudonym(row-1): got %q, then %q, then %q from another Sealer; want the same each time", p, again, other)
	}
}

func TestPseudonymDiffersByKeyAndByRow(t *testing.T) {
	a, b := NewSealer(newRing(t)), NewSealer(newRing(t))
	if pa, pb := a.Pseudonym("row-1"), b.Pseudonym("row-1"); pa == pb {
		t.Errorf("two rings gave row-1 the same pseudonym %q", pa)
	}
	if p1, p2 := a.Pseudonym("row-1"), a.Pseudonym("row-2"); p1 == p2 {
		t.Errorf("row-1 and row-2 have the same pseudonym %q", p1)
	}
}

func TestPseudonymsUseTheWholeAlphabetInEveryPlace(t *testing.T) {
	s := NewSealer(newRing(t))
	var used [10]map[byte]bool
	for i := range used {
		used[i] = map[byte]bool{}
	}
	for i := range 5000 {
		p := s.Pseudonym("row-" + strconv.Itoa(i))
		for j := range 10 {
			at := 2 + j
			if j >= 5 {
				at++
			}
			used[j][p[at]] = true
		}
	}
	for j, u := range used {
		if len(u) != len(crockford) {
			var missing strings.Builder
			for _, c := range []byte(crockford) {
				if !u[c] {
					missing.WriteByte(c)
				}
			}
			t.Errorf("place %d: %q never used in 5000 pseudonyms", j+1, missing.String())
		}
	}
}
