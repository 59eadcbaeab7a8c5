package language

import (
	"fmt"
	"strconv"
	"strings"
)

// The categories a term belongs to.
const (
	catConsent      = "consent"
	catRelationship = "relationship"
	catLifestyle    = "lifestyle"
	catSexualised   = "sexualised"
	catCredibility  = "credibility"
	catRisk         = "risk"
	catProstitution = "prostitution"
)

// termSpec is one entry of the term list as written here. pat is the word
// sequence to match, lower case, one position per space:
//
//	word        that word exactly
//	word*       the word and its simple inflections (+s, +es, +d, +ed, +ing,
//	            +ly, +er, +ers; a final e dropped before -ing/-er; a final
//	            consonant doubled before -ing/-ed/-er)
//	a|b|c       any one of the alternatives (each may carry *)
//	~N          up to N words of any kind
//
// The first position never has a gap, and its alternatives all begin with
// the term's first word (less a final e), so that the text of a hit always
// begins with it. skip, when set, tells a neutral use of the words (a consent
// form, willing to give a statement) that is no hit at all.
type termSpec struct {
	term, cat, pat string
	skip           func(s *scan, i, j int) bool
}

// termSpecs is the term list, after the reference guidance on reviewing
// closed CSE cases ("consent/consented", "in a relationship", "boyfriend",
// "in love with", "lifestyle choice", "promiscuous", "putting herself at
// risk", "streetwise", "prostitute/child prostitution", "wayward",
// "unreliable", "not credible") and the same framings in other words. Where
// two terms match at one word the longer match wins; earlier in the list wins
// a tie. Bump Version when this list changes.
var termSpecs = []termSpec{
	// Consent: the child as a consenting party.
	{"consent", catConsent, "consent*", skipConsent},
	{"consensual", catConsent, "consensual*", nil},
	{"willing", catConsent, "willing*", skipWilling},
	{"agree to sex", catConsent, "agree* to ~1 sex|sexual|intercourse", nil},
	{"complicit", catConsent, "complicit", nil},
	{"ask for it", catConsent, "ask* for it", skipAskFor},
	{"knew what she was doing", catConsent, "knew what she|he|they was|were doing", nil},
	{"know what she is doing", catConsent, "know* what she|he|they is|are doing", nil},

	// Relationship: the abuser as a partner.
	{"in a relationship", catRelationship, "in a ~2 relationship*", skipNeutralRelationship},
	{"a relationship with", catRelationship, "a ~1 relationship* with", skipNeutralRelationship},
	{"any relationship", catRelationship, "any ~1 relationship*", nil},
	{"sexual relationship", catRelationship, "sexual relationship*", nil},
	{"romantic relationship", catRelationship, "romantic relationship*", nil},
	{"relationship with him", catRelationship, "relationship* with ~1 him|suspect|suspects|offender|offenders|male|man|defendant|perpetrator|abuser", nil},
	{"boyfriend", catRelationship, "boyfriend*", nil},
	{"girlfriend", catRelationship, "girlfriend*", nil},
	{"in love", catRelationship, "in love", nil},
	{"lover", catRelationship, "lover*", nil},
	{"sugar daddy", catRelationship, "sugar daddy|daddies", nil},

	// Lifestyle: abuse as the child's choice or conduct.
	{"lifestyle choice", catLifestyle, "lifestyle choice*", nil},
	{"lifestyle", catLifestyle, "lifestyle*", nil},
	{"own choice", catLifestyle, "own choice*|decision*", nil},
	{"own free will", catLifestyle, "own free will", nil},
	{"by choice", catLifestyle, "by choice", nil},
	{"chose to go", catLifestyle, "chose to " + goVerbs, nil},
	{"choose to go", catLifestyle, "choose* to " + goVerbs, nil},
	{"poor choices", catLifestyle, "poor choice*", nil},
	{"bad choices", catLifestyle, "bad choice*", nil},
	{"unwise choices", catLifestyle, "unwise choice*", nil},
	{"wayward", catLifestyle, "wayward", nil},
	{"out of control", catLifestyle, "out of control", nil},
	{"uncontrollable", catLifestyle, "uncontrollable", nil},
	{"beyond control", catLifestyle, "beyond ~1 control", nil},

	// Sexualised: the child described as sexual or adult.
	{"promiscuous", catSexualised, "promiscuous*", nil},
	{"promiscuity", catSexualised, "promiscuity", nil},
	{"sexually active", catSexualised, "sexually active|aware|experienced|mature|precocious|available", nil},
	{"sexualised", catSexualised, "sexualised", skipSexualisedMedia},
	{"sexualized", catSexualised, "sexualized", skipSexualisedMedia},
	{"precocious", catSexualised, "precocious", nil},
	{"provocative", catSexualised, "provocative*", skipSexualisedMedia},
	{"flirtatious", catSexualised, "flirtatious", nil},
	{"mature for her age", catSexualised, "mature for her|his|their age|years", nil},
	{"older than her years", catSexualised, "older than her|his|their ~1 years", nil},
	{"slut", catSexualised, "slut*", nil},
	{"slapper", catSexualised, "slapper*", nil},

	// Credibility: the child's account discounted.
	{"not credible", catCredibility, "not ~3 credible", nil},
	{"isn't credible", catCredibility, "isn't ~3 credible", nil},
	{"wasn't credible", catCredibility, "wasn't ~3 credible", nil},
	{"lack credibility", catCredibility, "lack* credibility", nil},
	{"credibility issues", catCredibility, "credibility issue*|concern*|problem*", nil},
	{"unreliable", catCredibility, "unreliable", nil},
	{"not reliable", catCredibility, "not ~3 reliable", nil},
	{"not believable", catCredibility, "not ~3 believable", nil},
	{"fantasist", catCredibility, "fantasist*", nil},
	{"attention seeking", catCredibility, "attention seek*", nil},
	{"liar", catCredibility, "liar*", nil},
	{"false allegation", catCredibility, "false allegation*|complaint*|claim*", nil},
	{"malicious allegation", catCredibility, "malicious allegation*|complaint*|claim*", nil},

	// Risk: the child as the author of her own risk.
	{"put herself at risk", catRisk, "put* " + selves + " ~2 " + dangers, nil},
	{"place herself at risk", catRisk, "place* " + selves + " ~2 " + dangers, nil},
	{"risky behaviour", catRisk, "risky ~1 behaviour*|behavior*|lifestyle*|choice*|situation*|activities|activity", nil},
	{"risk taking", catRisk, "risk taking|taker|takers", nil},
	{"streetwise", catRisk, "streetwise", nil},
	{"street wise", catRisk, "street wise|smart", nil},

	// Prostitution: abuse as sex work.
	{"child prostitution", catProstitution, "child prostitution", nil},
	{"child prostitute", catProstitution, "child prostitute*", nil},
	{"prostitution", catProstitution, "prostitution", nil},
	{"prostitute", catProstitution, "prostitute*", nil},
	{"sex work", catProstitution, "sex work*", nil},
	{"sell sex", catProstitution, "sell* sex|herself|himself|themselves", nil},
	{"sold sex", catProstitution, "sold sex|herself|himself|themselves", nil},
	{"sell her body", catProstitution, "sell* her|his|their body|bodies", nil},
	{"sold her body", catProstitution, "sold her|his|their body|bodies", nil},
	{"rent boy", catProstitution, "rent boy*", nil},
	{"on the game", catProstitution, "on the game", nil},
	{"working girl", catProstitution, "working girl*", nil},
}

const (
	goVerbs = "go|return|stay|meet|see|spend|leave|run|visit|be|get|remain|associate|live|drink|take|engage|keep|continue|put|have|sleep"
	selves  = "herself|himself|themselves|themself"
	dangers = "risk|danger|harm|jeopardy|peril"
)

// Negation triggers: words before a term, in its clause and at most
// negWindow words away, that cancel it. The longest phrase ending at a word
// names the negation.
var negationTriggers = []string{
	"not", "no", "never", "nor", "neither", "without", "cannot", "can't", "couldn't",
	"didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "aren't", "won't",
	"wouldn't", "hasn't", "haven't", "hadn't", "shouldn't", "mustn't", "nothing", "none",
	"nobody", "deny", "denies", "denied", "denying", "refute", "refutes", "refuted",
	"dispute", "disputes", "disputed", "reject", "rejects", "rejected", "rejecting",
	"challenge", "challenges", "challenged", "challenging", "unable", "incapable",
	"avoid", "avoids", "avoided", "avoiding", "lack", "lacks", "lacked", "lacking", "absence",
	"no evidence", "no suggestion", "no indication", "no reason", "no basis",
	"no information", "no intelligence", "no record", "no sign", "no such thing",
	"nothing to suggest", "nothing to indicate", "did not", "does not", "do not",
	"was not", "is not", "were not", "are not", "has not", "had not", "have not",
	"could not", "would not", "should not", "can not", "wrong to", "inappropriate to",
	"incorrect to", "unfair to", "rather than", "instead of", "as opposed to",
	"regardless of", "irrespective of", "even if", "too young", "absence of", "lack of",
	"whether or not", "far from",
}

// Pseudo-triggers: phrases that begin with a negation word and negate
// something else ("no further action", "does not support").
var pseudoTriggers = []string{
	"no further", "no doubt", "not only", "not just", "no longer", "not support",
	"not supportive", "not necessarily", "not in the public interest", "unable to support",
}

// Rejection cues: phrases after a term that reject it ("consent is
// irrelevant", "this was rejected", "which she denies").
var rejectionCues = []string{
	"rejected", "rejects", "denied", "denies", "disproved", "disproven", "refuted",
	"refutes", "disputed", "disputes", "untrue", "not true", "unfounded", "not accepted",
	"not correct", "incorrect", "wrong", "irrelevant", "not relevant", "no defence",
	"not a defence", "not an issue", "not given", "never given", "not freely given",
	"discredited", "challenged", "inappropriate", "not appropriate", "victim blaming",
	"unacceptable", "not the case", "false",
}

// Word roles.
const (
	rTerminator   uint64 = 1 << iota // ends a negation's scope
	rCondTerm                        // and, or, then: ends it when a clause starts next
	rAsTerm                          // as: ends it when a subject follows
	rClauseStart                     // a subject or verb that starts a clause after and/or
	rSubject                         // a subject after "as"
	rClauseWord                      // but, however: starts a new clause
	rSpeech                          // a speech or opinion word that introduces words
	rPassive                         // a participle that may be passive (described as)
	rAux                             // is, was: marks a passive participle
	rSkipSpeaker                     // passed over when looking for a speaker
	rSuspect                         // the suspect's side as a speaker
	rDefence                         // the defence as a speaker
	rVictim                          // the victim as a speaker
	rPolice                          // the police, the author, as a speaker
	rDeterminer                      // the, a, an
	rPossessive                      // her, his, their
	rMention                         // the term, the word
	rReferrer                        // this, which: refers back to a term
	rReferNoun                       // the claim, the suggestion: refers back to a term
	rReferObj                        // this, it: the object of "rejected"
	rPostGap                         // words between a term and its rejection
	rProcedural                      // consent to an interview, a medical
	rConsentQual                     // parental, informed consent
	rNeutralParty                    // a relationship with her mother
	rNeutralAdj                      // a good relationship
	rMedia                           // sexualised images
	rWillingProc                     // willing to give a statement
	rAttribReject                    // rejects what someone else said: convicted
	rAbbrev                          // Mr. Dr.: a full stop that ends no sentence
	rPreposition                     // with, to, from
	rModal                           // would, could: a forecast, not a report
)

var roleWords = []struct {
	role  uint64
	words string
}{
	{rTerminator, "because since due given so therefore thus hence which although though whereas whilst while but however unless until when after before where whereby"},
	{rCondTerm, "and or then plus"},
	{rAsTerm, "as"},
	{rClauseStart, "she he they it i we this that there victim suspect police officers is was were are has had have will would can could may might should must did does do appears appeared seems seemed states stated says said claims claimed describes described reports reported told tells also then continues continued remains remained"},
	{rSubject, "she he they it there the this we i victim police officers suspect"},
	{rClauseWord, "but however although though whereas whilst"},
	{rSpeech, "said says say saying stated states state stating claimed claims claim claiming suggested suggests suggest suggesting suggestion alleged alleges allege alleging allegation maintained maintains maintain insisted insists insist asserted asserts assert assertion argued argues argue argument described describes describe describing description told tells tell telling reported reports called calls referred refers labelled labeled branded admitted admits accepted accepts believed believes thought thinks felt feels considered considers regarded regards viewed perceived seen deemed account version case position view opinion belief statement advised advises according explained explains indicated indicates disclosed mentioned wrote writes recorded"},
	{rPassive, "described labelled labeled referred regarded seen viewed considered called branded perceived thought believed deemed alleged suggested claimed said reported stated known"},
	{rAux, "is was were are be been being am"},
	{rSkipSpeaker, "who whom the a an also then later had has have was is were been be any some every each such and or initially repeatedly clearly further subsequently previously consistently always again first in interview at court trial during openly would will did does only both all himself herself themselves now falsely allegedly own"},
	{rSuspect, "suspect suspects offender offenders defendant defendants accused perpetrator perpetrators abuser abusers he him his they them their male males man men nominal nominals groomer groomers"},
	{rDefence, "defence defense solicitor solicitors barrister barristers counsel lawyer lawyers representative representatives"},
	{rVictim, "victim victims she her complainant girl child ip aggrieved herself survivor"},
	{rPolice, "officer officers oic police pc dc ds di dci sgt i we my our me investigator investigators detective constable"},
	{rDeterminer, "the a an"},
	{rPossessive, "her his their its my our"},
	{rMention, "term terms word words phrase phrases label labels expression expressions language wording vocabulary terminology"},
	{rReferrer, "this that which such these"},
	{rReferNoun, "claim claims suggestion allegation assertion description label labelling labeling notion view characterisation characterization term account version idea"},
	{rReferObj, "this that it these them such"},
	{rPostGap, "is was were are be been being has have had entirely completely totally clearly also subsequently later strongly firmly always consistently then now simply plainly wholly therefore of course"},
	{rProcedural, "form forms share sharing shared medical examination examine examined interview interviews interviewed photograph photographs photo photos forensic forensics referral refer disclosure disclose search searched samples sample swab swabs video abe recording recorded record records information data treatment assessment statement phone download downloaded police officers investigation prosecution services images clothing seizure seized dna intimate access health release retention"},
	{rConsentQual, "parental parents parent informed written verbal signed mother father guardian carer"},
	{rNeutralParty, "mother father mum dad parent parents carer carers family social worker school teacher teachers staff police officer officers foster professional professionals services agency agencies sibling siblings sister brother grandmother grandfather nan aunt keyworker mentor counsellor therapist peers"},
	{rNeutralAdj, "good positive trusting trust professional working close supportive poor difficult strained family familial warm healthy"},
	{rMedia, "images image photos photographs photograph pictures picture messages message comments chat chats texts content videos video material language conversation conversations communications"},
	{rWillingProc, "witness support provide give assist attend engage speak talk cooperate co proceed pursue make disclose report help tell testify identify answer complete undergo participate"},
	{rAttribReject, "rejected rejects disproved disproven refuted untrue convicted charged guilty dismissed discredited disputed"},
	{rAbbrev, "mr mrs ms dr st sgt insp det pc dc ds di dci vs approx"},
	{rPreposition, "with to from of by about for towards"},
	{rModal, "would could might may will likely"},
}

// Words the rules name one by one.
var wTo, wFor, wAge, wOf, wBy, wAs, wBe, wBack, wWith, wReferred, wAccording, wHim, wThey, wHis uint16

// lexicon maps each lower-case word the rules know to an id; unknown words
// are id 0.
type lexicon struct {
	ids    map[string]uint16
	words  []string // by id
	roles  []uint64 // by id
	maxLen int      // longest word in bytes
	table  wordTable

	entries  []entry
	first    [][]int32 // by id: the entries whose first position may be that word
	negByEnd [][]phrase
	pseudo   [][]phrase // by first word
	cues     [][]phrase // by first word
}

type phrase struct {
	ids  []uint16
	text string
}

type entry struct {
	term, cat string
	pat       []position
	skip      func(s *scan, i, j int) bool
}

// position is one position of a term's pattern: one of ids, or a gap of up
// to gap words.
type position struct {
	ids []uint16
	gap int
}

var lx = buildLexicon()

func buildLexicon() *lexicon {
	l := &lexicon{ids: map[string]uint16{}, words: []string{""}, roles: []uint64{0}}
	for _, rw := range roleWords {
		for _, w := range strings.Fields(rw.words) {
			l.roles[l.id(w)] |= rw.role
		}
	}
	wTo, wFor, wAge, wOf, wBy = l.id("to"), l.id("for"), l.id("age"), l.id("of"), l.id("by")
	wAs, wBe, wBack, wWith = l.id("as"), l.id("be"), l.id("back"), l.id("with")
	wReferred, wAccording = l.id("referred"), l.id("according")
	wHim, wThey, wHis = l.id("him"), l.id("they"), l.id("his")

	for _, ts := range termSpecs {
		e := entry{term: ts.term, cat: ts.cat, skip: ts.skip}
		for n, f := range strings.Fields(ts.pat) {
			if f[0] == '~' {
				g, err := strconv.Atoi(f[1:])
				if err != nil || g < 1 || n == 0 {
					panic(fmt.Sprintf("language: bad gap %q in %q", f, ts.pat))
				}
				e.pat = append(e.pat, position{gap: g})
				continue
			}
			var p position
			for _, alt := range strings.Split(f, "|") {
				forms := []string{alt}
				if base, ok := strings.CutSuffix(alt, "*"); ok {
					forms = inflections(base)
				}
				for _, w := range forms {
					p.ids = append(p.ids, l.id(w))
				}
			}
			e.pat = append(e.pat, p)
		}
		l.entries = append(l.entries, e)
	}
	for _, list := range [][]string{negationTriggers, pseudoTriggers, rejectionCues} {
		for _, text := range list {
			for _, w := range strings.Fields(text) {
				l.id(w)
			}
		}
	}
	l.first = make([][]int32, len(l.words))
	for n, e := range l.entries {
		for _, id := range e.pat[0].ids {
			l.first[id] = append(l.first[id], int32(n))
		}
	}
	l.negByEnd = l.phrases(negationTriggers, true)
	l.pseudo = l.phrases(pseudoTriggers, false)
	l.cues = l.phrases(rejectionCues, false)
	l.table = newWordTable(l.ids)

	for w := range l.ids {
		l.maxLen = max(l.maxLen, len(w))
	}
	return l
}

// id returns the id of w, adding it (and its form with a typographic
// apostrophe) if new.
func (l *lexicon) id(w string) uint16 {
	if id, ok := l.ids[w]; ok {
		return id
	}
	id := uint16(len(l.words))
	l.words = append(l.words, w)
	l.roles = append(l.roles, 0)
	l.ids[w] = id
	if strings.Contains(w, "'") {
		l.ids[strings.ReplaceAll(w, "'", "’")] = id
	}
	return id
}

// phrases indexes phrases by their last word (byEnd) or their first, longest
// first.
func (l *lexicon) phrases(list []string, byEnd bool) [][]phrase {
	idx := make([][]phrase, len(l.words))
	for _, text := range list {
		p := phrase{text: text}
		for _, w := range strings.Fields(text) {
			p.ids = append(p.ids, l.ids[w]) // every word is known by now
		}
		k := p.ids[0]
		if byEnd {
			k = p.ids[len(p.ids)-1]
		}
		idx[k] = append(idx[k], p)
	}
	for _, ps := range idx {
		for a := 1; a < len(ps); a++ {
			for b := a; b > 0 && len(ps[b].ids) > len(ps[b-1].ids); b-- {
				ps[b], ps[b-1] = ps[b-1], ps[b]
			}
		}
	}
	return idx
}

// inflections returns base and its simple inflections.
func inflections(base string) []string {
	out := []string{base}
	for _, suf := range []string{"s", "es", "d", "ed", "ing", "ly", "er", "ers"} {
		out = append(out, base+suf)
	}
	last := base[len(base)-1]
	switch {
	case last == 'e':
		stem := base[:len(base)-1]
		out = append(out, stem+"ing", stem+"er", stem+"ers")
	case !strings.ContainsRune("aeiouwxy", rune(last)):
		out = append(out, base+string(last)+"ing", base+string(last)+"ed", base+string(last)+"er")
	}
	return out
}

// Terms returns the term list, each term as Hit.Term names it, in the order
// of the list. It is for documentation: the patterns behind each term (its
// inflections, alternatives and gaps) are in the package source.
func Terms() []string {
	out := make([]string, len(termSpecs))
	for n, ts := range termSpecs {
		out[n] = ts.term
	}
	return out
}

// sameClause reports whether token k exists and lies in weak clause wc.
func (s *scan) sameClause(k int, wc int32) bool {
	return k >= 0 && k < len(s.toks) && s.toks[k].wc == wc
}

// skipConsent passes over consent to a procedure ("consent form", "consented
// to a medical", "examined with her consent"), the legal concept ("age of
// consent") and another's consent ("parental consent", "her mother's
// consent").
func skipConsent(s *scan, i, j int) bool {
	toks, wc := s.toks, s.toks[i].wc
	if s.sameClause(i-2, wc) && toks[i-2].id == wAge && toks[i-1].id == wOf {
		return true
	}
	if s.sameClause(i-1, wc) && toks[i-1].role&rConsentQual != 0 {
		return true
	}
	k := i - 1
	if s.sameClause(k, wc) && toks[k].role&rPossessive != 0 {
		k--
	}
	if s.sameClause(k-1, wc) && toks[k].id == wWith && toks[k-1].role&rProcedural != 0 {
		return true
	}
	if !s.sameClause(j, wc) {
		return false
	}
	if toks[j].role&rProcedural != 0 {
		return true
	}
	if toks[j].id == wTo || toks[j].id == wFor {
		for k := j + 1; k <= j+3 && s.sameClause(k, wc); k++ {
			if toks[k].role&rProcedural != 0 {
				return true
			}
		}
	}
	return false
}

// skipWilling passes over willingness to take part in the process: "willing
// to give a statement", "willing to be interviewed".
func skipWilling(s *scan, i, j int) bool {
	toks, wc := s.toks, s.toks[i].wc
	if !s.sameClause(j+1, wc) || toks[j].id != wTo {
		return false
	}
	if toks[j+1].role&rWillingProc != 0 {
		return true
	}
	k := j + 2
	if toks[j+1].id != wBe || !s.sameClause(k, wc) {
		return false
	}
	if toks[k].role&rDeterminer != 0 && s.sameClause(k+1, wc) {
		k++
	}
	return toks[k].role&(rProcedural|rWillingProc) != 0
}

// skipAskFor passes over asking for a thing back.
func skipAskFor(s *scan, i, j int) bool {
	return s.sameClause(j, s.toks[i].wc) && s.toks[j].id == wBack
}

// skipSexualisedMedia passes over sexualised images, messages and the like:
// the suspect's material, not a description of the child.
func skipSexualisedMedia(s *scan, i, j int) bool {
	return s.sameClause(j, s.toks[i].wc) && s.toks[j].role&rMedia != 0
}

// skipNeutralRelationship passes over a relationship that is no one's
// framing of abuse: "a good relationship with", "a relationship with her
// mother", "in a trusting relationship with her social worker". A family
// friend is not neutral.
func skipNeutralRelationship(s *scan, i, j int) bool {
	toks, wc := s.toks, s.toks[i].wc
	for k := i; k < j; k++ {
		if toks[k].role&rNeutralAdj != 0 {
			return true
		}
	}
	k := j
	if toks[j-1].id != wWith {
		if !s.sameClause(k, wc) || toks[k].id != wWith {
			return false
		}
		k++
	}
	for s.sameClause(k, wc) && toks[k].role&(rDeterminer|rPossessive) != 0 {
		k++
	}
	if !s.sameClause(k, wc) {
		return false
	}
	if b := k + 1; s.sameClause(b, wc) && !toks[b].inTerm && toks[b].role&(functionRoles|speakerClasses) == 0 {
		return toks[b].role&rNeutralParty != 0
	}
	return toks[k].role&rNeutralParty != 0
}

// wordTable is an open-addressing hash table of the lexicon's words, looked
// up without lower-casing the text first: a Go map would need the word
// lower-cased into a buffer, and costs twice as much per word.
type wordTable struct {
	mask  uint32
	slots []wordSlot
}

type wordSlot struct {
	hash uint32
	id   uint16
	word string
}

func newWordTable(ids map[string]uint16) wordTable {
	size := 1
	for size < 4*len(ids) {
		size *= 2
	}
	t := wordTable{mask: uint32(size - 1), slots: make([]wordSlot, size)}
	for w, id := range ids {
		h := hashLower(w)
		k := h & t.mask
		for t.slots[k].id != 0 {
			k = (k + 1) & t.mask
		}
		t.slots[k] = wordSlot{h, id, w}
	}
	return t
}

// hashLower is FNV-1a over the ASCII-lower-cased bytes of w.
func hashLower(w string) uint32 {
	h := uint32(fnvOffset)
	for k := 0; k < len(w); k++ {
		h = (h ^ uint32(lowerByte(w[k]))) * fnvPrime
	}
	return h
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// find returns the id of w, whose hashLower is h, ignoring ASCII case, or 0.
func (t *wordTable) find(w string, h uint32) uint16 {
	for k := h & t.mask; ; k = (k + 1) & t.mask {
		sl := &t.slots[k]
		if sl.id == 0 {
			return 0
		}
		if sl.hash == h && equalLower(w, sl.word) {
			return sl.id
		}
	}
}

// equalLower reports whether w lower-cased (ASCII only) is lw.
func equalLower(w, lw string) bool {
	if len(w) != len(lw) {
		return false
	}
	for k := 0; k < len(w); k++ {
		if lowerByte(w[k]) != lw[k] {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
