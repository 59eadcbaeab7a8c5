package search

import (
	"unicode/utf8"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
)

// Match levels of one word of a name against one name, strongest first,
// as linkage grades names; each has its band of scores, and within a band
// the Jaro-Winkler similarity orders spellings.
const (
	levelNone uint8 = iota
	levelExact
	levelVariant  // a known variant: a spelling, transliteration or nickname
	levelSpelling // Jaro-Winkler >= 0.92
	levelPhonetic // sounds alike (a Double Metaphone code in common), or Jaro-Winkler >= 0.85
	levelPart     // matches a part of a hyphenated name
	levelInitial  // an initial and a name that starts with it
)

type match struct {
	level uint8
	score float32
}

// Thresholds of Jaro-Winkler similarity: linkage's, and the least that
// names sounding alike must have.
const (
	jwSpelling = 0.92
	jwPhonetic = 0.85
	jwSounds   = 0.7
)

// fit weighs a word taken as one part of a name (row: its role) found as
// another part of the record (column: the token's kind): a forename found
// as a middle name or an alias still counts, for less.
var fit = [5][7]float32{
	//                fore  middle sur   part  alias whole written
	roleForename: {1.00, 0.90, 0.80, 0.80, 0.85, 0, 0.95},
	roleMiddle:   {0.90, 1.00, 0.90, 1.00, 0.85, 0, 0.95},
	roleSurname:  {0.80, 0.85, 1.00, 0.95, 0.85, 0, 0.95},
	roleAny:      {1.00, 0.90, 1.00, 0.95, 0.90, 0, 1.00},
	roleAlias:    {0.90, 0.90, 0.90, 0.90, 1.00, 0, 0.90},
}

// swapPenalty marks down a record whose forename and surname match the
// other way round: still found, but after those in the order asked.
const swapPenalty = 0.9

// matcher scores records against a name or alias asked for, remembering
// each name's match so that a common name is compared once per search.
type matcher struct {
	v     *vocab
	nq    *nameQuery
	multi bool  // more than one word: a record's initials can match
	swap  bool  // try forename and surname the other way round
	whole int64 // the id of an alias asked for whole, or -1
	cache map[uint64]match
}

func (s *searcher) newMatcher(nq *nameQuery) *matcher {
	m := &matcher{v: &s.st.vocab, nq: nq, multi: len(nq.words) > 1, swap: !nq.alias && len(nq.words) > 1,
		whole: -1, cache: map[uint64]match{}}
	if nq.whole != "" {
		for _, id := range m.v.bucket[nq.whole[0]] {
			if m.v.strs[id] == nq.whole {
				m.whole = int64(id)
			}
		}
	}
	return m
}

// match grades word i against name id.
func (m *matcher) match(i int, id uint32) match {
	k := uint64(i)<<32 | uint64(id)
	if r, ok := m.cache[k]; ok {
		return r
	}
	r := m.compare(&m.nq.words[i], id)
	m.cache[k] = r
	return r
}

func (m *matcher) compare(w *word, id uint32) match {
	name := m.v.strs[id]
	switch {
	case name == w.key:
		return match{levelExact, 1}
	case w.initial:
		if firstRune(name) == firstRune(w.key) {
			return match{levelInitial, 0.5}
		}
		return match{}
	case utf8.RuneCountInString(name) == 1:
		// A record's initial stands for the name only beside other words
		// that match: alone, it would match everyone with that letter.
		if m.multi && firstRune(name) == firstRune(w.key) {
			return match{levelInitial, 0.5}
		}
		return match{}
	}
	best := w.against(m.v, id, name)
	for _, p := range w.parts {
		if pm := p.against(m.v, id, name); pm.level != levelNone {
			if c := (match{levelPart, 0.5 + 0.15*pm.score}); c.score > best.score {
				best = c
			}
		}
	}
	return best
}

// against grades a term against a name of the index.
func (t *term) against(v *vocab, id uint32, name string) match {
	if name == t.key {
		return match{levelExact, 1}
	}
	jw := float32(linkage.JaroWinkler(t.key, name))
	if linkage.SharesGroup(t.groups, v.groups.of(int32(id))) {
		return match{levelVariant, 0.85 + 0.04*jw}
	}
	// Near spellings are looked for among names with the same first
	// letter; a different first letter has to sound alike.
	sameFirst := t.key[0] == name[0]
	if sameFirst && jw >= jwSpelling {
		return match{levelSpelling, 0.80 + 0.04*jw}
	}
	// A phonetic code keeps four sounds: past them, names that share one
	// must also be spelt somewhat alike (Quorndonovan is not Grant).
	if sharesPhon(t.phon, v.phon[id]) && jw >= jwSounds || sameFirst && jw >= jwPhonetic {
		return match{levelPhonetic, 0.70 + 0.04*jw}
	}
	return match{}
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// givenKind reports whether a token is a given name, which an initial can
// stand for.
func givenKind(kind uint32) bool {
	return kind == kindForename || kind == kindMiddle || kind == kindWritten
}

// best is the best token of a record for one word.
type best struct {
	score float32
	tok   uint32
	m     match
}

// score scores doc d against the name or alias asked for: ok is false
// when it does not match. With why, it says how each word matched.
func (m *matcher) score(st *state, d int32, why *[]string) (float64, bool) {
	toks := st.docs.names.of(d)
	if m.whole >= 0 {
		for _, t := range toks {
			if t&7 == kindAliasWhole && int64(t>>3) == m.whole {
				if why != nil {
					*why = append(*why, "alias matches ("+normalise.TitleCase(m.nq.whole)+")")
				}
				return 1, true
			}
		}
	}
	words := m.nq.words
	var fwd, swp [maxWords]best
	matched := 0
	for i := range words {
		w := &words[i]
		found := false
		for _, t := range toks {
			kind := t & 7
			if kind == kindAliasWhole {
				continue
			}
			r := m.match(i, t>>3)
			if r.level == levelNone || r.level == levelInitial && !givenKind(kind) {
				continue
			}
			found = true
			if sc := r.score * fit[w.role][kind]; sc > fwd[i].score {
				fwd[i] = best{sc, t, r}
			}
			if sc := r.score * fit[swapped(w.role)][kind]; m.swap && sc > swp[i].score {
				swp[i] = best{sc, t, r}
			}
		}
		switch {
		case found && !w.initial:
			matched++
		case !found && w.initial:
			return 0, false
		}
	}
	if matched < m.nq.need {
		return 0, false
	}
	var f, sw float32
	for i := range words {
		f += fwd[i].score
		sw += swp[i].score
	}
	chosen := fwd[:len(words)]
	if sw*swapPenalty > f {
		f, chosen = sw*swapPenalty, swp[:len(words)]
		if why != nil {
			*why = append(*why, "forename and surname swapped")
		}
	}
	if why != nil {
		for i, b := range chosen {
			*why = append(*why, m.reason(&words[i], b))
		}
	}
	return float64(f) / float64(len(words)), true
}

func swapped(role int) int {
	switch role {
	case roleForename:
		return roleSurname
	case roleSurname:
		return roleForename
	}
	return role
}

var kindLabels = [7]string{"forename", "middle name", "surname", "surname", "alias", "alias", "name"}

func (m *matcher) reason(w *word, b best) string {
	typed := normalise.TitleCase(w.typed)
	if b.m.level == levelNone {
		return "nothing like " + typed
	}
	label := kindLabels[b.tok&7]
	found := normalise.TitleCase(m.v.strs[b.tok>>3])
	pair := " (" + typed + " ~ " + found + ")"
	switch b.m.level {
	case levelExact:
		return label + " matches (" + found + ")"
	case levelVariant:
		return label + " variant" + pair
	case levelSpelling:
		return label + " spelt alike" + pair
	case levelPhonetic:
		return label + " sounds alike" + pair
	case levelPart:
		return label + " shares a part" + pair
	default:
		return label + " initial" + pair
	}
}
