package search

import (
	"math/bits"
	"slices"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/pole"
)

// candidates returns the live docs that may match, from the index of the
// field that proposes fewest: a phone, vehicle or postcode if asked, else
// a name or alias, or the year of birth when that is fewer. Every doc that
// matches is among them; score decides which do.
func (s *searcher) candidates() []int32 {
	st, p := s.st, s.p
	if len(p.contacts) > 0 {
		var out []int32
		for i, c := range p.contacts {
			docs := slices.Concat(st.base.contacts.between(c.lo, c.hi), st.delta.contacts.between(c.lo, c.hi))
			if i == 0 || len(docs) < len(out) {
				out = docs
			}
		}
		slices.Sort(out)
		return s.alive(slices.Compact(out))
	}
	// Costs are counted in names scored: a posting marked costs about a
	// sixteenth of one, a date or contact checked about a third.
	const markCost, checkCost = 1.0 / 16, 0.3
	n := float64(len(st.docs.ids))
	var years [][]int32
	yearCost, yearShare, pass := -1.0, 0.0, 1.0
	if !p.dob.IsZero() || p.age {
		from, to := p.dob.Year, p.dob.Year
		if p.dob.IsZero() {
			from, to = p.now.Year-p.ageTo-1, p.now.Year-p.ageFrom
		}
		size := 0
		for y := max(from, minYear); y <= min(to, maxYear); y++ {
			for _, seg := range [2]*segment{&st.base, &st.delta} {
				docs := seg.years.of(uint32(y - minYear))
				years = append(years, docs)
				size += len(docs)
			}
		}
		// Of the people born in a year, about one in 300 was born on a
		// given day and one in 12 in a given month.
		switch p.dob.Precision() {
		case pole.PrecisionDay:
			pass = 1.0 / 300
		case pole.PrecisionMonth:
			pass = 1.0 / 12
		}
		yearCost = float64(size) * (checkCost + pass)
		yearShare = float64(size) / max(n, 1)
	}
	var byName *routes
	nameCost := 0.0
	for _, m := range [2]*matcher{s.name, s.alias} {
		if m == nil || m.nq.need == 0 {
			continue
		}
		r := s.routes(m)
		cost := float64(r.postings())*markCost + r.candidates(n)
		if yearCost >= 0 {
			cost = float64(r.postings())*markCost + r.candidates(n)*(checkCost+yearShare*pass)
		}
		if byName == nil || cost < nameCost {
			byName, nameCost = r, cost
		}
	}
	if byName != nil && (yearCost < 0 || nameCost <= yearCost) {
		return s.marked(byName)
	}
	var out []int32
	for _, docs := range years {
		out = append(out, docs...)
	}
	return s.alive(out)
}

func (s *searcher) alive(docs []int32) []int32 {
	return slices.DeleteFunc(docs, s.st.dead.has)
}

// routes are the postings that lead to a name's candidates, by word.
type routes struct {
	byWord [maxWords][][]int32
	size   [maxWords]int
	words  int
	need   int
	full   uint8 // the bits of the words that are more than initials
	whole  [][]int32
}

// postings counts the postings that lead to candidates.
func (r *routes) postings() int {
	total := 0
	for i := range r.words {
		total += r.size[i]
	}
	return total
}

// candidates estimates how many docs the routes lead to among n: those of
// the rarest word, or when two words must match, about the share of the
// rarest two that have both.
func (r *routes) candidates(n float64) float64 {
	var sizes []int
	for i := range r.words {
		if r.full&(1<<i) != 0 {
			sizes = append(sizes, r.size[i])
		}
	}
	slices.Sort(sizes)
	if r.need >= 2 {
		return float64(sizes[0]) * float64(sizes[1]) / max(n, 1)
	}
	return float64(sizes[0])
}

// routes finds, for each word, the names it may match and the postings of
// their docs: names spelt alike (same first letter, Jaro-Winkler >=
// 0.85, which includes the name itself), names sharing a phonetic code or
// a variant group, and for a name of several words the initial.
func (s *searcher) routes(m *matcher) *routes {
	st := s.st
	r := &routes{words: len(m.nq.words), need: m.nq.need}
	for i := range m.nq.words {
		w := &m.nq.words[i]
		if w.initial {
			continue
		}
		r.full |= 1 << i
		add := func(docs []int32) {
			if len(docs) > 0 {
				r.byWord[i] = append(r.byWord[i], docs)
				r.size[i] += len(docs)
			}
		}
		terms := append([]term{w.term}, w.parts...)
		for _, t := range terms {
			for _, id := range st.vocab.bucket[t.key[0]] {
				name := st.vocab.strs[id]
				near := name == t.key || linkage.JaroWinkler(t.key, name) >= jwPhonetic ||
					m.multi && utf8.RuneCountInString(name) == 1 && firstRune(name) == firstRune(t.key)
				if near {
					add(st.base.names.of(id))
					add(st.delta.names.of(id))
				}
			}
			for _, k := range [2]uint32{t.phon >> 16, t.phon & 0xffff} {
				if k != 0 {
					add(st.base.phon.of(k))
					add(st.delta.phon.of(k))
				}
			}
			for _, g := range t.groups {
				add(st.base.groups.of(uint32(g)))
				add(st.delta.groups.of(uint32(g)))
			}
		}
	}
	if m.whole >= 0 {
		r.whole = [][]int32{st.base.names.of(uint32(m.whole)), st.delta.names.of(uint32(m.whole))}
	}
	return r
}

// marked returns the live docs reached by at least need of the words.
func (s *searcher) marked(r *routes) []int32 {
	n := len(s.st.docs.ids)
	mp, _ := s.marks.Get().(*[]uint8)
	if mp == nil || len(*mp) < n {
		b := make([]uint8, n+n/8)
		mp = &b
	}
	mark := *mp
	var touched []int32
	set := func(docs []int32, bits uint8) {
		for _, d := range docs {
			if mark[d] == 0 {
				touched = append(touched, d)
			}
			mark[d] |= bits
		}
	}
	for i := range r.words {
		for _, docs := range r.byWord[i] {
			set(docs, 1<<i)
		}
	}
	for _, docs := range r.whole {
		set(docs, r.full)
	}
	out := touched[:0]
	for _, d := range touched {
		if bits.OnesCount8(mark[d]&r.full) >= r.need && !s.st.dead.has(d) {
			out = append(out, d)
		}
		mark[d] = 0
	}
	s.marks.Put(mp)
	return out
}
