package search

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// Hit is a mention found: how well it matches, from 0 to 1, and why.
type Hit struct {
	MentionID string
	Score     float64
	Reasons   []string
}

// Search returns up to limit hits, best first, ties broken by mention id
// so that a search gives the same list each time. now is when ages are
// reckoned. A query with nothing to search by, or a field that cannot be
// read, is pole.Invalid naming the field.
func (ix *Index) Search(q Query, now time.Time, limit int) ([]Hit, error) {
	const op = "search.Search"
	if limit < 1 {
		return nil, pole.E(op, pole.Invalid("limit", "must be at least 1, got %d", limit))
	}
	p, err := parse(q, now)
	if err != nil {
		return nil, pole.E(op, err)
	}
	s := &searcher{st: ix.cur.Load(), p: p, marks: &ix.marks}
	if p.name != nil {
		s.name = s.newMatcher(p.name)
	}
	if p.alias != nil {
		s.alias = s.newMatcher(p.alias)
	}
	top := topK{ids: s.st.docs.ids, k: limit}
	for _, d := range s.candidates() {
		if score, ok := s.score(d, nil); ok {
			top.push(ranked{score, d})
		}
	}
	hits := make([]Hit, 0, len(top.h))
	for _, r := range top.sorted() {
		var why []string
		s.score(r.doc, &why)
		hits = append(hits, Hit{MentionID: s.st.docs.ids[r.doc].String(), Score: r.score, Reasons: why})
	}
	return hits, nil
}

// searcher runs one query against one state of the index.
type searcher struct {
	st          *state
	p           *plan
	name, alias *matcher
	marks       *sync.Pool
}

// score scores doc d against every field asked, the mean of their scores;
// ok is false when any does not match. With why, it says how each
// matched, names first.
func (s *searcher) score(d int32, why *[]string) (float64, bool) {
	// Dates and contacts cost less to check than names, and most
	// candidates found by name fail them when they are asked too.
	total, n, ok := s.others(d, nil)
	if !ok {
		return 0, false
	}
	for _, m := range [2]*matcher{s.name, s.alias} {
		if m == nil {
			continue
		}
		sc, ok := m.score(s.st, d, why)
		if !ok {
			return 0, false
		}
		total, n = total+sc, n+1
	}
	if why != nil {
		s.others(d, why)
	}
	return total / float64(n), true
}

// others scores doc d against the date of birth, age, phone, vehicle and
// postcode asked: the sum of their scores and how many there are.
func (s *searcher) others(d int32, why *[]string) (total float64, n int, ok bool) {
	dob := unpackDate(s.st.docs.dob[d])
	if !s.p.dob.IsZero() {
		level, sc := dobMatch(s.p.dob, dob)
		if level == dobNone {
			return 0, 0, false
		}
		if why != nil {
			*why = append(*why, dobReason(level, dob))
		}
		total, n = total+sc, n+1
	}
	if s.p.age {
		lo, hi, ok := pole.AgeRange(dob, s.p.now)
		if !ok || hi < s.p.ageFrom || lo > s.p.ageTo {
			return 0, 0, false
		}
		sc := 1.0
		if lo < s.p.ageFrom || hi > s.p.ageTo {
			sc = 0.9 // a partial date of birth that may be either side of the range
		}
		if why != nil {
			age := strconv.Itoa(lo)
			if hi != lo {
				age += " to " + strconv.Itoa(hi)
			}
			*why = append(*why, "aged "+age+" (born "+dob.String()+")")
		}
		total, n = total+sc, n+1
	}
	contacts := s.st.docs.contacts.of(d)
	for _, c := range s.p.contacts {
		i := slices.IndexFunc(contacts, func(k uint64) bool { return c.lo <= k && k <= c.hi })
		if i < 0 {
			return 0, 0, false
		}
		if why != nil {
			r := c.what + " " + contactText(contacts[i])
			if c.what == "sector" || c.what == "district" {
				r = "postcode " + contactText(contacts[i]) + " in " + c.what + " " + c.unit
			}
			*why = append(*why, r)
		}
		total, n = total+1, n+1
	}
	return total, n, true
}

// Date of birth levels.
const (
	dobNone = iota
	dobExact
	dobPartial    // agrees as far as the record knows it
	dobTransposed // day and month swapped
)

// dobMatch grades a date of birth against the one asked for, as far as
// both are known, with its score.
func dobMatch(q, d pole.PartialDate) (level int, score float64) {
	if d.IsZero() {
		return dobNone, 0
	}
	// 1 January is what many systems record when only the year is known
	// (linkage reads it so too), unless 1 January is what was asked.
	if d.Month == 1 && d.Day == 1 && !(q.Month == 1 && q.Day == 1) {
		d = pole.YearOnly(d.Year)
	}
	switch {
	case d.Year != q.Year:
		return dobNone, 0
	case q.Month == 0:
		return dobExact, 1
	case d.Month == 0:
		return dobPartial, 0.8
	case d.Month != q.Month:
		if q.Day != 0 && d.Month == q.Day && d.Day == q.Month {
			return dobTransposed, 0.8
		}
		return dobNone, 0
	case q.Day == 0 || d.Day == q.Day:
		return dobExact, 1
	case d.Day == 0:
		return dobPartial, 0.85
	}
	return dobNone, 0
}

func dobReason(level int, d pole.PartialDate) string {
	switch level {
	case dobExact:
		return "date of birth matches (" + d.String() + ")"
	case dobPartial:
		return "date of birth agrees as far as recorded (" + d.String() + ")"
	default:
		return "date of birth day and month swapped (" + d.String() + ")"
	}
}
