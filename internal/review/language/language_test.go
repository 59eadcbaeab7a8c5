package language

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// want is one expected hit.
type want struct {
	term    string
	flagged bool
	why     string
}

// checkHits compares Find(text) with ws and checks each hit's offsets and
// snippet.
func checkHits(t *testing.T, text string, ws ...want) {
	t.Helper()
	hits := Find(text)
	if len(hits) != len(ws) {
		t.Fatalf("Find(%q) = %d hits %+v, want %d %+v", text, len(hits), hits, len(ws), ws)
	}
	for n, h := range hits {
		w := ws[n]
		if h.Term != w.term || h.Flagged != w.flagged || h.Why != w.why {
			t.Errorf("Find(%q)[%d] = {Term %q, Flagged %v, Why %q}, want {%q, %v, %q}",
				text, n, h.Term, h.Flagged, h.Why, w.term, w.flagged, w.why)
		}
		checkHit(t, text, h)
	}
}

// checkHit checks that a hit's offsets point at its term and its snippet is
// valid UTF-8 around it.
func checkHit(t *testing.T, text string, h Hit) {
	t.Helper()
	if h.Start < 0 || h.End > len(text) || h.Start >= h.End {
		t.Fatalf("%q: hit %+v has offsets out of range", text, h)
	}
	got := strings.ToLower(text[h.Start:h.End])
	first, _, _ := strings.Cut(h.Term, " ")
	if !strings.HasPrefix(got, strings.TrimSuffix(first, "e")) {
		t.Errorf("%q: text[%d:%d] = %q does not begin with the term %q", text, h.Start, h.End, got, h.Term)
	}
	if !utf8.ValidString(h.Snippet) || len(h.Snippet) > maxSnippet {
		t.Errorf("%q: snippet %q is not valid UTF-8 of at most %d bytes", text, h.Snippet, maxSnippet)
	}
	if utf8.ValidString(text) && len(text[h.Start:h.End]) < maxSnippet && !strings.Contains(h.Snippet, text[h.Start:h.End]) {
		t.Errorf("%q: snippet %q does not contain the hit %q", text, h.Snippet, text[h.Start:h.End])
	}
}

func flag(term string) want { return want{term, true, ""} }

func TestFindFlagsThePlantedPhrases(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []want
	}{
		{"Victim appears to have consented", []want{flag("consent")}},
		{"Victim states she is in a relationship with the suspect", []want{flag("in a relationship")}},
		{"She describes him as her boyfriend", []want{flag("boyfriend")}},
		{"Lifestyle choice", []want{flag("lifestyle choice")}},
		{"Victim is promiscuous", []want{flag("promiscuous")}},
		{"She is putting herself at risk", []want{flag("put herself at risk")}},
		{"Victim is streetwise", []want{flag("streetwise")}},
		{"Victim is wayward and unreliable", []want{flag("wayward"), flag("unreliable")}},
		{"Victim not credible", []want{flag("not credible")}},
		{"Involved in child prostitution", []want{flag("child prostitution")}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want...) })
	}
}

func TestFindFlagsTheSameFramingInOtherWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []want
	}{
		{"she was willing", []want{flag("willing")}},
		{"she chose to go with them", []want{flag("chose to go")}},
		{"she engaged in risky behaviour", []want{flag("risky behaviour")}},
		{"making her own choices", []want{flag("own choice")}},
		{"she was his girlfriend", []want{flag("girlfriend")}},
		{"she had a boyfriend who was 24", []want{flag("boyfriend")}},
		{"the girl was sexually active", []want{flag("sexually active")}},
		{"she is a prostitute", []want{flag("prostitute")}},
		// More of our own.
		{"VICTIM IS STREETWISE", []want{flag("streetwise")}},
		{"Victim is street-wise.", []want{flag("street wise")}},
		{"Victim went willingly.", []want{flag("willing")}},
		{"Victim displays sexualised behaviour.", []want{flag("sexualised")}},
		{"She appears older than her years and dresses provocatively.", []want{flag("older than her years"), flag("provocative")}},
		{"Victim has been selling herself for drugs.", []want{flag("sell sex")}},
		{"She knew what she was doing.", []want{flag("knew what she was doing")}},
		{"NFA - victim chooses to return to the address.", []want{flag("choose to go")}},
		{"Victim wasn't considered credible.", []want{flag("wasn't credible")}},
		{"The jury did not find her credible.", []want{flag("not credible")}},
		{"Victim is in a sexual relationship with a 24 year old male.", []want{flag("in a relationship")}},
		{"Victim is in a relationship with a family friend.", []want{flag("in a relationship")}},
		{"They were in a relationship.", []want{flag("in a relationship")}},
		{"He is her boyfriend.", []want{flag("boyfriend")}},
		{"Suspect is in a relationship with the victim.", []want{flag("in a relationship")}},
		{"Victim is a liar and an attention seeker.", []want{flag("liar"), flag("attention seeking")}},
		{"Concerns about her chaotic lifestyle.", []want{flag("lifestyle")}},
		{"Victim is 'known to police' and streetwise.", []want{flag("streetwise")}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want...) })
	}
}

func TestFindDoesNotFlagNegatedTerms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want want
	}{
		{"there is no evidence she consented", want{"consent", false, `negated by "no evidence"`}},
		{"Victim was clear she did not consent; suspect charged", want{"consent", false, `negated by "did not"`}},
		{"Victim is not in a relationship with the suspect and never was", want{"in a relationship", false, `negated by "is not"`}},
		{"Victim described as not streetwise; safeguarding plan in place", want{"streetwise", false, `negated by "not"`}},
		{"she did not consent", want{"consent", false, `negated by "did not"`}},
		{"no suggestion that she was willing", want{"willing", false, `negated by "no suggestion"`}},
		{"the victim denies any relationship", want{"any relationship", false, `negated by "denies"`}},
		{"she was never in a relationship with him", want{"in a relationship", false, `negated by "never"`}},
		{"it is wrong to describe her as promiscuous", want{"promiscuous", false, `negated by "wrong to"`}},
		// More of our own.
		{"Victim doesn't consent.", want{"consent", false, `negated by "doesn't"`}},
		{"Victim doesn’t consent.", want{"consent", false, `negated by "doesn't"`}},
		{"Sex took place without her consent.", want{"consent", false, `negated by "without"`}},
		{"She is a child and cannot consent in law.", want{"consent", false, `negated by "cannot"`}},
		{"She has never had a boyfriend.", want{"boyfriend", false, `negated by "never"`}},
		{"She is not his girlfriend.", want{"girlfriend", false, `negated by "is not"`}},
		{"Victim was groomed, not in a relationship.", want{"in a relationship", false, `negated by "not"`}},
		{"Rather than a lifestyle choice, this is exploitation.", want{"lifestyle choice", false, `negated by "rather than"`}},
		{"There is nothing to suggest she is not credible.", want{"not credible", false, `negated by "nothing to suggest"`}},
		{"Officers challenged the description of her as streetwise.", want{"streetwise", false, `negated by "challenged"`}},
		{"There is no such thing as child prostitution.", want{"child prostitution", false, `negated by "no such thing"`}},
		{"Whether or not she consented is irrelevant.", want{"consent", false, `negated by "whether or not"`}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want) })
	}
}

func TestFindDoesNotFlagTermsRejectedAfterwards(t *testing.T) {
	for _, tc := range []struct {
		text string
		want want
	}{
		{"Consent is irrelevant as she was 13.", want{"consent", false, `negated afterwards by "irrelevant"`}},
		{"Consent was not given.", want{"consent", false, `negated afterwards by "not given"`}},
		{"She consented, which she denies.", want{"consent", false, `negated afterwards by "denies"`}},
		{"Victim consented; this was rejected.", want{"consent", false, `negated afterwards by "rejected"`}},
		{"It was said she consented but this was rejected.", want{"consent", false, `negated afterwards by "rejected"`}},
		{"The suggestion that she consented was rejected.", want{"consent", false, `negated afterwards by "rejected"`}},
		{"Any suggestion that she consented is wrong.", want{"consent", false, `negated afterwards by "wrong"`}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want) })
	}
}

func TestFindDoesNotFlagQuotedOrMentionedTerms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want want
	}{
		{"Officer challenged the term 'lifestyle choice' used by a partner agency", want{"lifestyle choice", false, "in quotation"}},
		{"Officer challenged the term ‘lifestyle choice’ used by a partner agency", want{"lifestyle choice", false, "in quotation"}},
		{"'boyfriend' is the suspect's word", want{"boyfriend", false, "in quotation"}},
		{`Victim does not support; "lifestyle" noted.`, want{"lifestyle", false, "in quotation"}},
		{"Victim said “he is my boyfriend”.", want{"boyfriend", false, "in quotation"}},
		{"Staff were told to avoid words such as streetwise.", want{"streetwise", false, `mentioned after "words"`}},
		{"The label child prostitute was used in 2009.", want{"child prostitute", false, `mentioned after "label"`}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want) })
	}
}

func TestFindDoesNotFlagWordsAttributedToTheSuspectOrDefence(t *testing.T) {
	for _, tc := range []struct {
		text string
		want want
	}{
		{"Suspect claimed she was his girlfriend; CPS rejected this and charged", want{"girlfriend", false, "attributed to the suspect"}},
		{"Defence suggested victim not credible; jury convicted", want{"not credible", false, "attributed to the defence"}},
		{"the defence alleged she consented but this was rejected", want{"consent", false, "attributed to the defence"}},
		{"The suspect's account is that she consented.", want{"consent", false, "attributed to the suspect"}},
		{"She consented, according to the suspect.", want{"consent", false, "attributed to the suspect"}},
		{"She was willing, he said.", want{"willing", false, "attributed to the suspect"}},
		{"In interview he stated she was willing.", want{"willing", false, "attributed to the suspect"}},
		{"Suspect was interviewed and claimed she consented.", want{"consent", false, "attributed to the suspect"}},
		{"His solicitor suggested she was promiscuous.", want{"promiscuous", false, "attributed to the defence"}},
		{"She was described as his girlfriend by the suspect.", want{"girlfriend", false, "attributed to the suspect"}},
		{"Suspect denies the offence and states the sex was consensual.", want{"consensual", false, "attributed to the suspect"}},
		{"Suspect admitted sex but said she was willing.", want{"willing", false, "attributed to the suspect"}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want) })
	}
}

func TestFindFlagsAThirdPartysWordsUnlessRejected(t *testing.T) {
	for _, tc := range []struct {
		text string
		want want
	}{
		{"Mother stated she has a boyfriend.", flag("boyfriend")},
		{"Victim's mother states she is in love with him.", flag("in love")},
		{"Social worker described her as streetwise.", flag("streetwise")},
		{"CPS advised victim unreliable.", flag("unreliable")},
		{"Mother stated she has a boyfriend; this was disproved.", want{"boyfriend", false, `attributed to "mother" and rejected ("disproved")`}},
		{"CPS advised victim unreliable; suspect later convicted.", want{"unreliable", false, `attributed to "cps" and rejected ("convicted")`}},
		{"Victim described as streetwise by the school.", want{"streetwise", false, `described as such by "school"`}},
		{"Victim is seen as promiscuous by a partner agency.", want{"promiscuous", false, `described as such by "partner agency"`}},
		{"Victim was described by her mother as streetwise.", want{"streetwise", false, `described as such by "mother"`}},
		{"Victim is described as streetwise by her social worker.", want{"streetwise", false, `described as such by "social worker"`}},
		{"The school said she was streetwise.", flag("streetwise")},
		{"CPS advice: NFA, victim would be seen as unreliable by a jury.", flag("unreliable")},
		{"Police spoke to her mother who said she was streetwise; this was disproved.", want{"streetwise", false, `attributed to "mother" and rejected ("disproved")`}},
		{"Social worker stated she was streetwise; this was disproved.", want{"streetwise", false, `attributed to "social worker" and rejected ("disproved")`}},
	} {
		t.Run(tc.text, func(t *testing.T) { checkHits(t, tc.text, tc.want) })
	}
}

func TestFindFlagsTheVictimsAndPolicesOwnFraming(t *testing.T) {
	for _, text := range []string{
		"Victim states she is in a relationship with the suspect",
		"She told officers he was her boyfriend.",
		"Officer believes she consented.",
		"In my view she is streetwise.",
		"Victim was interviewed and said she was willing.",
		"Victim retracted, stating the relationship was consensual.",
		"Victim was upset but said she was willing.",
	} {
		hits := Find(text)
		if len(hits) != 1 || !hits[0].Flagged {
			t.Errorf("Find(%q) = %+v, want one flagged hit", text, hits)
		}
	}
}

func TestFindDoesNotFlagTermsAboutTheSuspect(t *testing.T) {
	checkHits(t, "Suspect has a girlfriend and two children.", want{"girlfriend", false, "about the suspect"})
	checkHits(t, "He knew what he was doing.", want{"knew what she was doing", false, "about the suspect"})
	checkHits(t, "His girlfriend was present at the address.", want{"girlfriend", false, "about the suspect"})
	checkHits(t, "She was his girlfriend.", flag("girlfriend"))
	checkHits(t, "The suspect groomed her and she consented.", flag("consent"))
}

func TestFindEndsNegationScopeAtClauseBoundaries(t *testing.T) {
	for _, text := range []string{
		// The outcome name's "does not support" is in the sentence before.
		"Evidential difficulties: named suspect identified; victim does not support further action. Victim is streetwise.",
		"Evidential difficulties: named suspect identified; victim does not support (or withdraws support). Victim is streetwise.",
		"evidential difficulties: victim does not support further action. victim is streetwise",
		"Victim does not support further action\nVictim is streetwise",
		"Victim does not support further action; victim is streetwise",
		"Victim did not attend, she is streetwise.",
		"Victim, who is not in school, is streetwise.",
		"She does not attend school and is streetwise.",
		"She has not been seen since May but is streetwise.",
		"NFA as victim does not support because she is streetwise.",
		// Pseudo-triggers negate something else.
		"No further action as victim is streetwise.",
		"Victim does not support a prosecution, she is streetwise.",
		"Not in the public interest as victim is streetwise.",
		"Not only is she streetwise, she is older than she looks.",
		// A "not" later in the sentence does not reach back.
		"She is streetwise, not naive.",
		"Victim is not credible and streetwise.",
	} {
		hits := Flagged(text)
		if len(hits) == 0 || hits[len(hits)-1].Term != "streetwise" {
			t.Errorf("Flagged(%q) = %+v, want streetwise flagged", text, hits)
		}
	}
}

func TestFindTakesNotInsideATermAsTheTerm(t *testing.T) {
	checkHits(t, "Victim is not credible and unreliable.", flag("not credible"), flag("unreliable"))
	checkHits(t, "Victim is not credible.", flag("not credible"))
	checkHits(t, "Victim not considered credible by CPS.", flag("not credible"))
	checkHits(t, "No reason to think she is not credible.", want{"not credible", false, `negated by "no reason"`})
}

func TestFindDoesNotNegateAPossessedPartnerAcrossAPreposition(t *testing.T) {
	checkHits(t, "She has had no contact with her boyfriend since May.", flag("boyfriend"))
	checkHits(t, "She has no boyfriend.", want{"boyfriend", false, `negated by "no"`})
}

func TestFindSkipsNeutralUsesOfTheWords(t *testing.T) {
	for _, text := range []string{
		"Parental consent obtained for ABE interview.",
		"Victim consented to a medical examination.",
		"Victim consented to her phone being downloaded.",
		"Phone examined with her consent.",
		"Consent form signed.",
		"Victim is under the age of consent.",
		"Victim is willing to support a prosecution.",
		"Victim is willing to give a statement.",
		"Victim is willing to be interviewed.",
		"Victim is willing to be a witness.",
		"Victim has a good relationship with her social worker.",
		"Victim has a close relationship with her mother.",
		"Victim has a relationship with her foster carer.",
		"Sexualised images were found on his phone.",
		"She asked for it back.",
		"Victim reports being taken to premises (takeaway) at 12 High Street. She was given gifts and lifts.",
		"She named a man known as 'Taz'. She could not describe the men.",
	} {
		if hits := Find(text); len(hits) != 0 {
			t.Errorf("Find(%q) = %+v, want no hit", text, hits)
		}
	}
}

// outcomeNames are the Home Office outcome types a closure rationale begins
// with.
var outcomeNames = []string{
	"Charged/summonsed", "Caution - youths", "Caution - adults", "Taken into consideration",
	"Offender died", "Penalty Notice for Disorder", "Cannabis/Khat warning", "Community resolution",
	"Prosecution not in the public interest (CPS)", "Formal action not in the public interest (police)",
	"Prosecution prevented - suspect below age of criminal responsibility",
	"Prosecution prevented - suspect too ill", "Prosecution prevented - victim/key witness dead or too ill",
	"Evidential difficulties: suspect not identified; victim does not support further action",
	"Evidential difficulties: named suspect identified; victim supports action",
	"Evidential difficulties: named suspect identified; victim does not support (or withdraws support)",
	"Prosecution time limit expired", "Investigation complete - no suspect identified",
	"National Fraud Intelligence Bureau filed (no suspect)", "Further action to be taken by another body/agency",
	"Further investigation not in the public interest - police decision",
	"Diversionary/educational/intervention activity; not in public interest to take further action",
}

var (
	plantedPhrases = []string{
		"Victim appears to have consented", "Victim states she is in a relationship with the suspect",
		"She describes him as her boyfriend", "Lifestyle choice", "Victim is promiscuous",
		"She is putting herself at risk", "Victim is streetwise", "Victim is wayward and unreliable",
		"Victim not credible", "Involved in child prostitution",
	}
	innocentPhrases = []string{
		"Victim was clear she did not consent; suspect charged",
		"Suspect claimed she was his girlfriend; CPS rejected this and charged",
		"Defence suggested victim not credible; jury convicted",
		"Victim is not in a relationship with the suspect and never was",
		"Officer challenged the term 'lifestyle choice' used by a partner agency",
		"Victim described as not streetwise; safeguarding plan in place",
	}
)

func TestFindSeparatesPlantedFromInnocentPhrasesAfterEveryOutcome(t *testing.T) {
	for _, o := range outcomeNames {
		if hits := Find(o + "."); len(hits) != 0 {
			t.Errorf("outcome %q alone has hits %+v", o, hits)
		}
		for _, p := range plantedPhrases {
			text := o + ". " + p + "."
			hits := Find(text)
			if len(hits) == 0 {
				t.Errorf("Find(%q): no hit", text)
			}
			for _, h := range hits {
				if !h.Flagged {
					t.Errorf("Find(%q): %q not flagged (%s)", text, h.Term, h.Why)
				}
				checkHit(t, text, h)
			}
		}
		for _, p := range innocentPhrases {
			text := o + ". " + p + "."
			if hits := Flagged(text); len(hits) != 0 {
				t.Errorf("Flagged(%q) = %+v, want none", text, hits)
			}
			if hits := Find(text); len(hits) != 1 {
				t.Errorf("Find(%q) = %+v, want the one unflagged hit", text, hits)
			}
		}
	}
}

func TestFlaggedReturnsOnlyFlaggedHitsInTextOrder(t *testing.T) {
	text := "Victim did not consent. She is streetwise. 'Boyfriend' is his word. She is promiscuous."
	all := Find(text)
	if len(all) != 4 {
		t.Fatalf("Find = %+v, want 4 hits", all)
	}
	got := Flagged(text)
	if len(got) != 2 || got[0].Term != "streetwise" || got[1].Term != "promiscuous" {
		t.Fatalf("Flagged = %+v, want streetwise then promiscuous", got)
	}
	if !slices.IsSortedFunc(all, func(a, b Hit) int { return a.Start - b.Start }) {
		t.Errorf("hits out of order: %+v", all)
	}
}

func TestFindGivesTheSentenceAsSnippet(t *testing.T) {
	hits := Find("No further action.  Victim is streetwise.  Suspect named.")
	if len(hits) != 1 || hits[0].Snippet != "Victim is streetwise." {
		t.Fatalf("got %+v, want the snippet %q", hits, "Victim is streetwise.")
	}
}

func TestFindTrimsLongSnippetsOnRuneBoundaries(t *testing.T) {
	long := strings.Repeat("é ", 200) + "she is streetwise " + strings.Repeat("ü ", 200) + "."
	hits := Find(long)
	if len(hits) != 1 {
		t.Fatalf("got %d hits", len(hits))
	}
	h := hits[0]
	if len(h.Snippet) > maxSnippet || !utf8.ValidString(h.Snippet) || !strings.Contains(h.Snippet, "streetwise") {
		t.Errorf("snippet %q (%d bytes): want at most %d bytes of valid UTF-8 around the term", h.Snippet, len(h.Snippet), maxSnippet)
	}
	// Invalid UTF-8 in the text does not reach the snippet.
	hits = Find("Victim \xff\xfe is streetwise.")
	if len(hits) != 1 || !utf8.ValidString(hits[0].Snippet) || !hits[0].Flagged {
		t.Errorf("got %+v, want one flagged hit with a valid snippet", hits)
	}
}

func TestFindReturnsNothingForTextWithoutTerms(t *testing.T) {
	for _, text := range []string{"", " ", "...", "\xff", "Victim reports abuse at an address known to the suspect."} {
		if hits := Find(text); hits != nil {
			t.Errorf("Find(%q) = %+v, want nil", text, hits)
		}
	}
}

func TestFindIsSafeForConcurrentUse(t *testing.T) {
	text := "Victim is streetwise. She did not consent. Defence suggested she was promiscuous."
	want := Find(text)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := Find(text); !slices.Equal(got, want) {
					t.Errorf("concurrent Find = %+v, want %+v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestTermsListsEachTermOnceWithAPatternThatBeginsWithIt(t *testing.T) {
	terms := Terms()
	if len(terms) != len(lx.entries) {
		t.Fatalf("Terms() has %d terms, the matcher %d", len(terms), len(lx.entries))
	}
	seen := map[string]bool{}
	for n, term := range terms {
		if term == "" || seen[term] {
			t.Errorf("term %q empty or repeated", term)
		}
		seen[term] = true
		e := lx.entries[n]
		if e.pat[0].gap != 0 {
			t.Errorf("%q: a pattern must not begin with a gap", term)
		}
		first, _, _ := strings.Cut(term, " ")
		for _, id := range e.pat[0].ids {
			w := strings.ReplaceAll(lx.words[id], "’", "'")
			if !strings.HasPrefix(w, strings.TrimSuffix(first, "e")) {
				t.Errorf("%q: first word %q does not begin with %q", term, w, first)
			}
		}
		switch e.cat {
		case catConsent, catRelationship, catLifestyle, catSexualised, catCredibility, catRisk, catProstitution:
		default:
			t.Errorf("%q: unknown category %q", term, e.cat)
		}
	}
	// Terms returns a copy.
	terms[0] = "changed"
	if Terms()[0] == "changed" {
		t.Error("Terms() shares its slice")
	}
}
