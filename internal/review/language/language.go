// Package language finds victim-blaming language in what the police wrote
// about a child sexual exploitation case: the closure rationale and the
// narrative. Describing an exploited child as consenting, in a relationship
// with her abuser, making lifestyle choices, promiscuous, putting herself at
// risk, streetwise, a prostitute, wayward, unreliable or not credible is one
// sign that a case was closed without the abuse being treated as a crime
// (reference guidance on reviewing closed CSE cases: flag, don't auto-judge).
//
// Find reports every use of a listed term (Terms) and decides, for each,
// whether the author uses the framing (Flagged) or only comes near it:
//
//   - Quotation. A term inside quotation marks ('...', "...", ‘…’, “…”) is
//     a mention, not a use: "Officer challenged the term 'lifestyle choice'".
//   - Mention. A term up to three words after "term", "word", "phrase",
//     "label", "language" and the like is a mention: "words such as
//     streetwise".
//   - Attribution. A term after a speech or opinion word ("claimed", "said",
//     "suggested", "alleged", "described", "account", "according to") in the
//     same clause is the speaker's. The suspect's side (suspect, offender,
//     he, they) and the defence (defence, solicitor, counsel) are never the
//     author: their words are not flagged. A third party's words (mother,
//     school, CPS) are not flagged when the rest of the sentence rejects them
//     ("rejected", "disproved", "convicted", "charged"), and a passive
//     "described as ... by" a third party is a mention. The victim's own
//     words and the police's are flagged: "Victim states she is in a
//     relationship with the suspect" is the framing on which cases were
//     closed.
//   - The suspect. A term whose clause is about the suspect and names no
//     victim is not the victim's description: "Suspect has a girlfriend",
//     "his girlfriend was present". "He is her boyfriend" and "they were in
//     a relationship" are flagged.
//   - Negation (NegEx-style). A trigger ("not", "no", "never", "without",
//     "denies", "did not", "no evidence", "no suggestion", "wrong to",
//     "rather than", "challenged", "rejected", ...) up to six words before a
//     term in the same clause cancels it. Clauses end at . ! ? ; : , dashes,
//     brackets, line breaks and "but", "however", "although"; the scope also
//     ends at "because", "since", "as" + subject, "which", "when", and at
//     "and"/"or" + a new subject or verb ("did not attend and is
//     streetwise"). Pseudo-triggers negate something else and are passed
//     over: "no further action", "does not support", "not only", "no
//     longer". A "not" that is part of a term ("not credible") is the term,
//     not a negation of it, and is never taken as a trigger; a negation
//     before such a term cancels it like any other ("no suggestion she is
//     not credible"). A possessive relationship word after a preposition
//     ("no contact with her boyfriend") is not negated: the negation is of
//     the contact.
//   - Rejection after the term, in its sentence: "consent is irrelevant",
//     "consent was not given", "...; this was rejected", "but this was
//     rejected", "which she denies". The rejection must follow the term
//     directly or refer back to it (this, which, the claim); a rejection by
//     the suspect ("which he denies") does not count.
//
// The checks run in that order, and Hit.Why names the first that applies:
//
//	in quotation
//	mentioned after "term"
//	attributed to the suspect
//	attributed to the defence
//	described as such by "school"
//	attributed to "mother" and rejected ("disproved")
//	about the suspect
//	negated by "no evidence"
//	negated afterwards by "irrelevant"
//
// Known limits, by design of a small rule set: a comma ends a negation's
// scope, so "no evidence, at any point, that she consented" is flagged (the
// detector errs towards flagging); "he" and "they" as speakers are taken for
// the suspect, which misreads a male victim's own words; a quotation is never
// the author's use, even scare quotes.
//
// Matching is on lower-cased words with simple inflections (consent,
// consents, consented, consenting), so "street-wise" and "STREETWISE" match
// "streetwise". Words that are not a term in their context are no hit at all:
// a consent form, consent to a medical, the age of consent, willing to give a
// statement, a good relationship with her mother, sexualised images.
//
// Find does not use regular expressions and allocates nothing for a text
// without a hit beyond a pooled scratch buffer.
package language

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Version changes whenever the term list or the rules change, so that stored
// results can tell which detector produced them.
const Version = "1"

const (
	negWindow   = 6   // words allowed between a negation trigger and the term
	maxSnippet  = 160 // bytes
	maxQuote    = 400 // bytes a quotation may span
	speechReach = 12  // words from a term back to the speech word introducing it
	postReach   = 16  // words after a term searched for its rejection
	scanLimit   = 40  // words any look around a term reads, terms included

	// maxText is the most of a text Find reads: offsets are stored in 32
	// bits. Rationales and narratives are a few hundred bytes.
	maxText = 1<<31 - 1
)

// Hit is one use of a victim-blaming term.
type Hit struct {
	Term       string // the term as listed, e.g. "consent" for "consented"
	Category   string // consent, relationship, lifestyle, sexualised, credibility, risk or prostitution
	Start, End int    // byte offsets of the matched words in the text
	Snippet    string // the sentence around it, trimmed to at most 160 bytes on UTF-8 boundaries
	Flagged    bool   // true when the author uses the term; false when negated, quoted or attributed
	Why        string // for unflagged hits: "negated by \"no evidence\"", "in quotation", "attributed to the defence", ...
}

// Find returns every hit in text, flagged or not, in text order. Hits do not
// overlap.
func Find(text string) []Hit {
	if text == "" {
		return nil
	}
	if len(text) > maxText {
		text = text[:maxText]
	}
	s := pool.Get().(*scan)
	defer s.release()
	s.text = text
	if !s.tokenise() {
		return nil
	}
	s.pairQuotes()
	s.matchTerms()
	if len(s.matches) == 0 {
		return nil
	}
	hits := make([]Hit, len(s.matches))
	for n, m := range s.matches {
		t := s.toks[m.i]
		h := &hits[n]
		h.Term, h.Category = m.e.term, m.e.cat
		h.Start, h.End = int(t.start), int(s.toks[m.j-1].end)
		h.Snippet = s.snippet(int(t.sn), h.Start, h.End)
		h.Why = s.judge(m)
		h.Flagged = h.Why == ""
	}
	return hits
}

// Flagged returns only the hits where the author uses the term.
func Flagged(text string) []Hit {
	var out []Hit
	for _, h := range Find(text) {
		if h.Flagged {
			out = append(out, h)
		}
	}
	return out
}

// token is one word of the text.
type token struct {
	role       uint64
	start, end int32
	wc, sc, sn int32  // numbers of its weak clause, strong clause and sentence
	id         uint16 // 0 for a word the rules do not know
	poss       bool   // the word ended in 's, now stripped: "suspect's"
	inTerm     bool   // part of a matched term
}

type quoteMark struct {
	pos, end    int // bytes of the mark
	family      uint8
	open, close bool // may open, may close a quotation
}

type span struct{ start, end int }

type match struct {
	i, j int // tokens [i, j)
	e    *entry
}

// scan is the scratch state of one Find.
type scan struct {
	text    string
	toks    []token
	sents   []int // byte offset where each sentence starts
	marks   []quoteMark
	quotes  [2][]span // by family: single, double; each in text order
	qnext   [2]int    // the first quotation of each family not yet passed
	matches []match
}

var pool = sync.Pool{New: func() any { return new(scan) }}

func (s *scan) release() {
	s.text = ""
	if cap(s.toks) > 1<<14 {
		return // an outsized text: let its buffers go
	}
	s.toks, s.sents, s.marks, s.matches = s.toks[:0], s.sents[:0], s.marks[:0], s.matches[:0]
	s.quotes[0], s.quotes[1], s.qnext = s.quotes[0][:0], s.quotes[1][:0], [2]int{}
	pool.Put(s)
}

// Boundary strengths, from a comma to a sentence end.
const (
	bNone = iota
	bWeak
	bStrong
	bSentence
)

// tokenise splits the text into words, numbering clauses and sentences, and
// notes quotation marks. It reports whether any word may begin a term.
func (s *scan) tokenise() bool {
	text := s.text
	n := len(text)
	s.sents = append(s.sents, 0)
	brk, sentStart := bNone, 0
	var wc, sc, sn int32
	candidate := false
	toks := s.toks // a local: appending to s.toks costs a write barrier a word
	for i := 0; i < n; {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case isAlnum(c):
			case c == '.':
				if s.fullStop(i, toks) {
					brk, sentStart = bSentence, i+1
				}
				i++
				continue
			case c == '!' || c == '?' || c == '\n' || c == '\r':
				brk, sentStart = bSentence, i+1
				i++
				continue
			case c == ';':
				brk = max(brk, bStrong)
				i++
				continue
			case c == ':' || c == ',':
				// Not in "10:30" or "1,000".
				if i == 0 || i+1 == n || !isDigit(text[i-1]) || !isDigit(text[i+1]) {
					if c == ':' {
						brk = max(brk, bStrong)
					} else {
						brk = max(brk, bWeak)
					}
				}
				i++
				continue
			case c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}':
				brk = max(brk, bWeak)
				i++
				continue
			case c == '-':
				if (i == 0 || isSpace(text[i-1])) && (i+1 == n || isSpace(text[i+1])) || i+1 < n && text[i+1] == '-' {
					brk = max(brk, bStrong)
				}
				i++
				continue
			case c == '\'' || c == '"':
				s.straightMark(i, c)
				i++
				continue
			default:
				i++
				continue
			}
		} else {
			r, sz := utf8.DecodeRuneInString(text[i:])
			switch {
			case r == utf8.RuneError && sz == 1:
				i++
				continue
			case isWordRune(r):
			case r == '‘' || r == '“':
				s.marks = append(s.marks, quoteMark{pos: i, end: i + sz, family: familyOf(r), open: i+sz < n && !isSpace(text[i+sz])})
				i += sz
				continue
			case r == '’' || r == '”':
				s.marks = append(s.marks, quoteMark{pos: i, end: i + sz, family: familyOf(r), close: i > 0 && !isSpace(text[i-1])})
				i += sz
				continue
			case r == '–' || r == '—':
				brk = max(brk, bStrong)
				i += sz
				continue
			case r == '…':
				brk = max(brk, bWeak)
				i += sz
				continue
			default:
				i += sz
				continue
			}
		}
		// A word.
		j, h := s.wordEnd(i)
		id, poss := lookup(text[i:j], h)
		t := token{start: int32(i), end: int32(j), id: id, poss: poss, role: lx.roles[id]}
		b := brk
		if t.role&rClauseWord != 0 {
			b = max(b, bStrong)
		}
		if len(toks) == 0 {
			if b == bSentence {
				s.sents[0] = sentStart
			}
		} else {
			switch b {
			case bSentence:
				s.sents = append(s.sents, sentStart)
				sn, sc, wc = int32(len(s.sents)-1), sc+1, wc+1
			case bStrong:
				sc, wc = sc+1, wc+1
			case bWeak:
				wc++
			}
		}
		t.wc, t.sc, t.sn = wc, sc, sn
		toks = append(toks, t)
		brk = bNone
		if len(lx.first[id]) > 0 {
			candidate = true
		}
		i = j
	}
	s.toks = toks
	return candidate
}

// wordEnd returns where the word starting at i ends, and the hash of its
// bytes lower-cased (hashLower). Apostrophes between letters belong to the
// word ("isn't", "O’Neill"); hyphens do not.
func (s *scan) wordEnd(i int) (int, uint32) {
	text := s.text
	n := len(text)
	h := uint32(fnvOffset)
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf {
			if alnum[c] || c == '\'' && i+1 < n && alnum[text[i+1]] {
				h = (h ^ uint32(lowerByte(c))) * fnvPrime
				i++
				continue
			}
			return i, h
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '’' && i+size < n && alnum[text[i+size]] || r != utf8.RuneError && isWordRune(r) {
			for k := i; k < i+size; k++ {
				h = (h ^ uint32(text[k])) * fnvPrime
			}
			i += size
			continue
		}
		return i, h
	}
	return i, h
}

// lookup returns the id of a word whose hashLower is h, ignoring ASCII case,
// and whether it was found only without a possessive 's ("suspect's",
// "suspect’s").
func lookup(w string, h uint32) (uint16, bool) {
	if len(w) > lx.maxLen+4 {
		return 0, false
	}
	if id := lx.table.find(w, h); id != 0 {
		return id, false
	}
	n := len(w)
	switch {
	case n > 2 && w[n-2] == '\'' && (w[n-1] == 's' || w[n-1] == 'S'):
		return lx.table.find(w[:n-2], hashLower(w[:n-2])), true
	case n > 4 && (w[n-1] == 's' || w[n-1] == 'S') && w[n-4:n-1] == "’":
		return lx.table.find(w[:n-4], hashLower(w[:n-4])), true
	}
	return 0, false
}

// fullStop reports whether the '.' at i ends a sentence: not in "2.5", and
// not after an initial or an abbreviation ("e.g.", "Mr.", "J. Smith").
func (s *scan) fullStop(i int, toks []token) bool {
	text := s.text
	if i > 0 && i+1 < len(text) && isDigit(text[i-1]) && isDigit(text[i+1]) {
		return false
	}
	if k := len(toks) - 1; k >= 0 && int(toks[k].end) == i {
		t := toks[k]
		if t.end-t.start == 1 && isLetter(text[t.start]) || t.role&rAbbrev != 0 {
			return false
		}
	}
	return true
}

// straightMark notes a ' or " that may open or close a quotation. An
// apostrophe inside a word never reaches here.
func (s *scan) straightMark(i int, c byte) {
	text := s.text
	prevWord := i > 0 && isWordByte(text[i-1])
	prevSpace := i == 0 || isSpace(text[i-1])
	nextWord := i+1 < len(text) && isWordByte(text[i+1])
	nextSpace := i+1 >= len(text) || isSpace(text[i+1])
	fam := uint8(0)
	if c == '"' {
		fam = 1
	}
	s.marks = append(s.marks, quoteMark{pos: i, end: i + 1, family: fam, open: !prevWord && !nextSpace, close: !prevSpace && !nextWord})
}

func familyOf(r rune) uint8 {
	if r == '“' || r == '”' {
		return 1
	}
	return 0
}

// pairQuotes pairs opening and closing marks of each family into quotations
// of at most maxQuote bytes. A second opening mark before a close replaces
// the first (a stray apostrophe, as in "'cause").
func (s *scan) pairQuotes() {
	open := [2]int{-1, -1}
	for k, m := range s.marks {
		f := m.family
		if o := open[f]; o >= 0 && m.close {
			open[f] = -1
			if m.pos-s.marks[o].end <= maxQuote {
				s.quotes[f] = append(s.quotes[f], span{s.marks[o].end, m.pos})
				continue
			}
		}
		if m.open {
			open[f] = k
		}
	}
}

// quoted reports whether [start, end) overlaps a quotation. Calls must come
// in text order: it passes over the quotations that end before start.
func (s *scan) quoted(start, end int) bool {
	for f := range s.quotes {
		qs := s.quotes[f]
		for s.qnext[f] < len(qs) && qs[s.qnext[f]].end <= start {
			s.qnext[f]++
		}
		if n := s.qnext[f]; n < len(qs) && qs[n].start < end {
			return true
		}
	}
	return false
}

// matchTerms finds the terms, left to right, the longest at each word, and
// marks their words.
func (s *scan) matchTerms() {
	toks := s.toks
	for i := 0; i < len(toks); {
		cands := lx.first[toks[i].id]
		best, bestEnd := -1, -1
		for _, ei := range cands {
			e := &lx.entries[ei]
			end := s.matchFrom(e.pat[1:], i+1, toks[i].wc)
			if end > bestEnd && (e.skip == nil || !e.skip(s, i, end)) {
				best, bestEnd = int(ei), end
			}
		}
		if best < 0 {
			i++
			continue
		}
		s.matches = append(s.matches, match{i, bestEnd, &lx.entries[best]})
		for k := i; k < bestEnd; k++ {
			toks[k].inTerm = true
		}
		i = bestEnd
	}
}

// matchFrom matches pat at token k within weak clause wc and returns the
// token after the match, or -1. Gaps match as few words as they can.
func (s *scan) matchFrom(pat []position, k int, wc int32) int {
	if len(pat) == 0 {
		return k
	}
	p := pat[0]
	if p.gap > 0 {
		for g := 0; g <= p.gap; g++ {
			if g > 0 && (k+g-1 >= len(s.toks) || s.toks[k+g-1].wc != wc) {
				break
			}
			if end := s.matchFrom(pat[1:], k+g, wc); end >= 0 {
				return end
			}
		}
		return -1
	}
	if k >= len(s.toks) || s.toks[k].wc != wc || !hasID(p.ids, s.toks[k].id) {
		return -1
	}
	return s.matchFrom(pat[1:], k+1, wc)
}

func hasID(ids []uint16, id uint16) bool {
	if id == 0 {
		return false
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// judge returns why the author does not use the term of m, or "" when the
// author does.
func (s *scan) judge(m match) string {
	if s.quoted(int(s.toks[m.i].start), int(s.toks[m.j-1].end)) {
		return "in quotation"
	}
	if w, ok := s.mentioned(m.i); ok {
		return `mentioned after "` + w + `"`
	}
	if why, ok := s.attributed(m.i, m.j); ok {
		return why
	}
	if s.aboutSuspect(m.i, m.j) {
		return "about the suspect"
	}
	if w, ok := s.negatedBefore(m.i, m.e.cat); ok {
		return `negated by "` + w + `"`
	}
	if w, ok := s.rejectedAfter(m.i, m.j); ok {
		return `negated afterwards by "` + w + `"`
	}
	return ""
}

// mentioned reports a mention word ("the term") up to three words before
// token i in its strong clause.
func (s *scan) mentioned(i int) (string, bool) {
	sc, n := s.toks[i].sc, 0
	for k := i - 1; k >= 0 && n < 3 && i-k <= scanLimit; k-- {
		t := s.toks[k]
		if t.sc != sc {
			break
		}
		if t.inTerm {
			continue
		}
		if t.role&rMention != 0 {
			return lx.words[t.id], true
		}
		n++
	}
	return "", false
}

// speaker is who a term is attributed to.
type speaker struct {
	found bool
	class uint64 // rSuspect, rDefence, rVictim, rPolice, or 0 for a third party
	name  string // a third party's words, lower case: "mother", "social worker"
	by    bool   // named by a passive "described as ... by"
}

const speakerClasses = rSuspect | rDefence | rVictim | rPolice

// attributed reports whether the term at tokens [i, j) is someone else's
// words that the author does not adopt.
func (s *scan) attributed(i, j int) (string, bool) {
	t0 := s.toks[i]
	v, n := -1, 0
	for k := i - 1; k >= 0 && n < speechReach && i-k <= scanLimit; k-- {
		t := s.toks[k]
		if t.sc != t0.sc {
			break
		}
		if t.inTerm {
			continue
		}
		n++
		// "wrong to describe her as": an infinitive has no speaker.
		if t.role&rSpeech != 0 && !(k > 0 && s.toks[k-1].id == wTo && s.toks[k-1].sc == t.sc) {
			v = k
			break
		}
	}
	var sp speaker
	switch {
	case v < 0:
	case s.toks[v].id == wAccording:
		sp = s.agentAt(v+1, true)
	case s.passive(v):
		// "would be seen as unreliable by a jury" is the author's own
		// forecast, not a third party's words.
		if !s.modalBefore(v) {
			sp = s.byAgent(v)
		}
	default:
		sp = s.speakerBefore(v)
	}
	if !sp.found {
		sp = s.speakerAfter(i, j)
	}
	if !sp.found {
		return "", false
	}
	switch {
	case sp.class&rSuspect != 0:
		return "attributed to the suspect", true
	case sp.class&rDefence != 0:
		return "attributed to the defence", true
	case sp.class != 0: // the victim or the police: the record's own framing
		return "", false
	case sp.by:
		return `described as such by "` + sp.name + `"`, true
	}
	if w, ok := s.attributionRejected(j); ok {
		return `attributed to "` + sp.name + `" and rejected ("` + w + `")`, true
	}
	return "", false
}

// passive reports whether the speech word at v is a passive participle:
// "described as", "referred to as", "was seen".
func (s *scan) passive(v int) bool {
	t := s.toks[v]
	if t.role&rPassive == 0 {
		return false
	}
	if v+1 < len(s.toks) && s.toks[v+1].sc == t.sc {
		if nx := s.toks[v+1].id; nx == wAs || nx == wTo && t.id == wReferred {
			return true
		}
	}
	return v > 0 && s.toks[v-1].sc == t.sc && s.toks[v-1].role&rAux != 0
}

// modalBefore reports a modal verb up to three words before v, in its
// clause: "would be seen as", "could be described as".
func (s *scan) modalBefore(v int) bool {
	for k := v - 1; k >= 0 && v-k <= 3 && s.toks[k].sc == s.toks[v].sc; k-- {
		if s.toks[k].role&rModal != 0 {
			return true
		}
	}
	return false
}

// byAgent finds the agent of a passive: "described as streetwise by the
// school".
func (s *scan) byAgent(v int) speaker {
	sc := s.toks[v].sc
	for k := v + 1; k < len(s.toks) && k-v <= speechReach+4 && s.toks[k].sc == sc; k++ {
		if s.toks[k].id == wBy && !s.toks[k].inTerm {
			sp := s.agentAt(k+1, false)
			sp.by = sp.found
			return sp
		}
	}
	return speaker{}
}

// agentAt reads the speaker named at token k: "the suspect", "his
// solicitor", "her mother", "a partner agency".
func (s *scan) agentAt(k int, skipTo bool) speaker {
	if k >= len(s.toks) {
		return speaker{}
	}
	sc := s.toks[k-1].sc
	if skipTo && s.toks[k].id == wTo {
		k++
	}
	for k < len(s.toks) && s.toks[k].sc == sc && s.toks[k].role&rDeterminer != 0 {
		k++
	}
	if k >= len(s.toks) || s.toks[k].sc != sc || s.toks[k].inTerm {
		return speaker{}
	}
	t := s.toks[k]
	if (t.role&rPossessive != 0 || t.poss) && k+1 < len(s.toks) && s.toks[k+1].wc == t.wc && !s.toks[k+1].inTerm {
		// "his solicitor": the defence; "her mother": a third party.
		if c := s.toks[k+1].role & speakerClasses; c != 0 {
			return speaker{found: true, class: c}
		}
		if s.toks[k+1].role&functionRoles == 0 {
			k++
			t = s.toks[k]
		}
	}
	if c := t.role & speakerClasses; c != 0 {
		return speaker{found: true, class: c}
	}
	if t.role&functionRoles != 0 {
		return speaker{}
	}
	end := k + 1
	if end < len(s.toks) && s.toks[end].wc == t.wc && !s.toks[end].inTerm && s.toks[end].role&(functionRoles|speakerClasses) == 0 {
		end++ // "partner agency", "social worker"
	}
	return s.third(k, end)
}

// functionRoles are the roles of words that name no one.
const functionRoles = rTerminator | rCondTerm | rAsTerm | rClauseWord | rAux | rDeterminer | rPreposition | rSpeech | rSkipSpeaker | rReferObj

// speakerBefore finds the speaker of an active speech word at v: "the
// suspect claimed", "her mother said", "social worker stated". Past "and",
// content words are the objects of an earlier verb and the subject is
// further back ("suspect denies the offence and states"); a clause with no
// subject of its own takes the one before it in the sentence ("suspect
// admitted sex but said").
func (s *scan) speakerBefore(v int) speaker {
	sc, sn := s.toks[v].sc, s.toks[v].sn
	coordinated, crossed := false, false
	for k := v - 1; k >= 0 && v-k <= 8; k-- {
		t := s.toks[k]
		if t.inTerm {
			break
		}
		if t.sc != sc {
			if crossed || t.sn != sn {
				break
			}
			crossed, coordinated, sc = true, true, t.sc
		}
		if c := t.role & speakerClasses; c != 0 {
			return speaker{found: true, class: c}
		}
		if t.role&rCondTerm != 0 {
			coordinated = true
			continue
		}
		if t.role&functionRoles != 0 || coordinated {
			continue
		}
		// The nearest content word: the speaker, with the word before it
		// if that is one more content word ("social worker").
		st := k
		if p := k - 1; p >= 0 && s.toks[p].sc == sc && !s.toks[p].inTerm && !s.toks[p].poss &&
			s.toks[p].role&(functionRoles|speakerClasses|rPossessive) == 0 {
			st = p
		}
		return s.third(st, k+1)
	}
	return speaker{}
}

// speakerAfter finds a speaker named after the term in its strong clause:
// "she consented, according to the suspect", "she was willing, he said".
func (s *scan) speakerAfter(i, j int) speaker {
	sc := s.toks[i].sc
	for k := j; k < len(s.toks) && k-j < 8 && s.toks[k].sc == sc; k++ {
		t := s.toks[k]
		if t.id == wAccording {
			return s.agentAt(k+1, true)
		}
		if t.role&rSpeech == 0 || t.inTerm {
			continue
		}
		for b := k - 1; b >= j && !s.toks[b].inTerm; b-- {
			if c := s.toks[b].role & speakerClasses; c != 0 {
				return speaker{found: true, class: c}
			}
			if s.toks[b].role&(rSkipSpeaker|rCondTerm) == 0 {
				break
			}
		}
	}
	return speaker{}
}

// third names a third party by the words of tokens [a, b).
func (s *scan) third(a, b int) speaker {
	return speaker{found: true, name: lower(s.text[s.toks[a].start:s.toks[b-1].end])}
}

// attributionRejected looks after a third party's words, to the end of the
// sentence, for their rejection: "this was disproved", "suspect convicted".
func (s *scan) attributionRejected(j int) (string, bool) {
	if j == 0 || j > len(s.toks) {
		return "", false
	}
	sn := s.toks[j-1].sn
	for k := j; k < len(s.toks) && k-j < scanLimit && s.toks[k].sn == sn; k++ {
		t := s.toks[k]
		if t.inTerm {
			continue
		}
		if t.role&rAttribReject != 0 {
			return lx.words[t.id], true
		}
		if p, _ := s.phraseAt(lx.cues, k); p != nil {
			return p.text, true
		}
	}
	return "", false
}

// aboutSuspect reports whether the term describes the suspect, not the
// victim: its clause's subject is the suspect ("Suspect has a girlfriend",
// "he knew what he was doing", "his girlfriend was present") and the clause
// names no victim ("He is her boyfriend" and "she was his girlfriend" do). "They" is not taken for the suspect: "they were in a
// relationship" is the framing the detector is for.
func (s *scan) aboutSuspect(i, j int) bool {
	sc := s.toks[i].sc
	// "His girlfriend was present", "the suspect's girlfriend".
	subject := i > 0 && s.toks[i-1].sc == sc && s.toks[i-1].role&rSuspect != 0 &&
		(s.toks[i-1].poss || s.toks[i-1].id == wHis)
	for k := i - 1; k >= 0 && i-k <= 8 && s.toks[k].sc == sc; k-- {
		t := s.toks[k]
		if t.role&rVictim != 0 {
			return false
		}
		if !subject && t.role&rSuspect != 0 && t.role&(rPossessive|rReferObj) == 0 && !t.poss && t.id != wHim && t.id != wThey {
			subject = true
			break
		}
	}
	if !subject {
		return false
	}
	for k := j; k < len(s.toks) && k-j < scanLimit && s.toks[k].sc == sc; k++ {
		if s.toks[k].role&rVictim != 0 {
			return false
		}
	}
	return true
}

// negatedBefore looks back from token i, in its weak clause, for a negation
// trigger within negWindow words.
func (s *scan) negatedBefore(i int, cat string) (string, bool) {
	t0 := s.toks[i]
	possessed := i > 0 && s.toks[i-1].wc == t0.wc && (s.toks[i-1].role&rPossessive != 0 || s.toks[i-1].poss)
	prep, dist := false, 0
	for k := i - 1; k >= 0 && i-k <= scanLimit; k-- {
		t := s.toks[k]
		if t.wc != t0.wc {
			break
		}
		if t.inTerm {
			continue
		}
		if p, start := s.triggerEndingAt(k); p != nil {
			pseudo, _ := s.phraseAt(lx.pseudo, start)
			if pseudo == nil {
				pseudo, _ = s.phraseAt(lx.pseudo, k)
			}
			if pseudo == nil && !(cat == catRelationship && possessed && prep) {
				return p.text, true
			}
		}
		if t.role&rTerminator != 0 {
			break
		}
		if k+1 < len(s.toks) {
			next := s.toks[k+1].role
			if t.role&rCondTerm != 0 && next&rClauseStart != 0 || t.role&rAsTerm != 0 && next&rSubject != 0 {
				break
			}
		}
		if t.role&rPreposition != 0 {
			prep = true
		}
		if dist++; dist > negWindow {
			break
		}
	}
	return "", false
}

// triggerEndingAt returns the longest negation trigger ending at token k and
// the token it starts at.
func (s *scan) triggerEndingAt(k int) (*phrase, int) {
	t := s.toks[k]
	ps := lx.negByEnd[t.id]
	for n := range ps {
		p := &ps[n]
		st := k - len(p.ids) + 1
		if st < 0 {
			continue
		}
		ok := true
		for m, id := range p.ids {
			u := s.toks[st+m]
			if u.id != id || u.wc != t.wc || u.inTerm {
				ok = false
				break
			}
		}
		if ok {
			return p, st
		}
	}
	return nil, 0
}

// phraseAt returns the longest phrase of idx starting at token k, and the
// token after it.
func (s *scan) phraseAt(idx [][]phrase, k int) (*phrase, int) {
	t := s.toks[k]
	ps := idx[t.id]
	for n := range ps {
		p := &ps[n]
		if k+len(p.ids) > len(s.toks) {
			continue
		}
		ok := true
		for m, id := range p.ids {
			u := s.toks[k+m]
			if u.id != id || u.wc != t.wc || u.inTerm {
				ok = false
				break
			}
		}
		if ok {
			return p, k + len(p.ids)
		}
	}
	return nil, 0
}

// rejectedAfter looks after the term at tokens [i, j), in its strong clause
// and the next one of its sentence, for a rejection of it.
func (s *scan) rejectedAfter(i, j int) (string, bool) {
	t0 := s.toks[i]
	direct, referred := true, false
	for k := j; k < len(s.toks) && k-j < postReach; k++ {
		t := s.toks[k]
		if t.sn != t0.sn || t.sc > t0.sc+1 {
			break
		}
		if t.inTerm {
			direct = false
			continue
		}
		if p, end := s.phraseAt(lx.cues, k); p != nil {
			ok := direct && t.wc == t0.wc || referred || s.refersAt(end, t.wc)
			if ok && !s.suspectSubject(k) {
				return p.text, true
			}
		}
		if t.role&(rReferrer|rReferNoun) != 0 && s.refersBack(k) {
			referred = true
		}
		if t.role&rPostGap == 0 {
			direct = false
		}
	}
	return "", false
}

// refersBack reports whether the referring word at k points back at the
// term: a noun ("the claim", "a suggestion") anywhere, a pronoun only when it
// starts a clause ("; this was", ", which she", "and this") rather than being
// a conjunction or a determiner ("that night").
func (s *scan) refersBack(k int) bool {
	t := s.toks[k]
	if t.role&rReferNoun != 0 {
		return true
	}
	if k == 0 {
		return true
	}
	p := s.toks[k-1]
	return p.wc != t.wc || p.role&(rCondTerm|rClauseWord) != 0
}

// refersAt reports whether the object of a rejection at token k refers back:
// "rejected this", "denies it", "rejected the suggestion".
func (s *scan) refersAt(k int, wc int32) bool {
	if k < len(s.toks) && s.toks[k].wc == wc && s.toks[k].role&rDeterminer != 0 {
		k++
	}
	return k < len(s.toks) && s.toks[k].wc == wc && s.toks[k].role&(rReferObj|rReferrer|rReferNoun) != 0
}

// suspectSubject reports whether the suspect's side is the subject of the
// rejection at k ("which he denies"): the suspect denying it rejects nothing.
func (s *scan) suspectSubject(k int) bool {
	wc := s.toks[k].wc
	for b := k - 1; b >= 0 && k-b <= 5 && s.toks[b].wc == wc; b-- {
		if s.toks[b].role&(rSuspect|rDefence) != 0 {
			return true
		}
	}
	return false
}

// snippet returns the sentence sn, trimmed to maxSnippet bytes around the
// hit [hs, he) on UTF-8 boundaries, with invalid bytes replaced.
func (s *scan) snippet(sn, hs, he int) string {
	text := s.text
	ss, se := s.sents[sn], len(text)
	if sn+1 < len(s.sents) {
		se = s.sents[sn+1]
	}
	ss = min(ss, hs)
	se = max(se, he)
	for ss < hs && isSpace(text[ss]) {
		ss++
	}
	for se > he && isSpace(text[se-1]) {
		se--
	}
	if se-ss > maxSnippet {
		lo := max(ss, hs-(maxSnippet-min(he-hs, maxSnippet))/2)
		hi := min(se, lo+maxSnippet)
		lo = max(ss, hi-maxSnippet)
		ss, se = lo, hi
	}
	for ss < se && !utf8.RuneStart(text[ss]) {
		ss++
	}
	if se < len(text) {
		for se > ss && !utf8.RuneStart(text[se]) {
			se--
		}
	}
	out := text[ss:se]
	if !utf8.ValidString(out) {
		out = strings.ToValidUTF8(out, "?")
	}
	return out
}

func lower(w string) string {
	for k := 0; k < len(w); k++ {
		if 'A' <= w[k] && w[k] <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

func isAlnum(c byte) bool { return alnum[c] }

// alnum marks the ASCII letters and digits.
var alnum = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isLetter(byte(c)) || isDigit(byte(c))
	}
	return t
}()

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isWordByte approximates a word character for quotation marks: an ASCII
// letter or digit, or any byte of a non-ASCII character.
func isWordByte(c byte) bool { return isAlnum(c) || c >= utf8.RuneSelf }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
