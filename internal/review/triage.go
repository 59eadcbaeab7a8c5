package review

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review/language"
	"github.com/caselink/caselink/internal/store"
)

// The triage rules. The first seven are what went wrong in the original
// investigation (reference/domain.md §2.5, Beaconport, IICSA); the rest
// say how much is at stake, and weigh less, so that a case with something
// wrong in it ranks above one that is merely grave.
const (
	RuleOutcome21Child       = "outcome_21_child_abuse"
	RuleNamedSuspect18       = "named_suspect_outcome_18"
	RuleSuspectNotInterview  = "suspect_not_interviewed"
	RuleNoVictimAccount      = "no_victim_account"
	RuleRapeDowngraded       = "rape_downgraded"
	RuleVictimBlaming        = "victim_blaming_language"
	RuleVictimCriminalised   = "victim_criminalised"
	RuleChildVictim          = "child_victim"
	RuleRape                 = "rape_or_penetrative_offence"
	RuleNFAOutcome           = "nfa_outcome"
	RuleVictimNotSupporting  = "child_victim_not_supporting"
	RuleMissingEpisodes      = "repeated_missing_episodes"
	RuleLookedAfterDisabled  = "looked_after_or_disabled"
	RuleSuspectLinked        = "suspect_linked_elsewhere"
	RuleGroupMember          = "group_member"
	defaultRulesVersion      = "2026-11-1"
	maxExplanationTextLength = 200
)

// Rules is a versioned rule set: a weight for each rule (0 turns a rule
// off). The version is stored with every score, so a score says which
// rules made it.
type Rules struct {
	Version string         `toml:"version"`
	Weights map[string]int `toml:"weights"`
}

// DefaultRules is the rule set caselink ships.
func DefaultRules() Rules {
	return Rules{Version: defaultRulesVersion, Weights: map[string]int{
		RuleOutcome21Child: 40, RuleNamedSuspect18: 35, RuleRapeDowngraded: 35,
		RuleSuspectNotInterview: 30, RuleNoVictimAccount: 30, RuleVictimBlaming: 30, RuleVictimCriminalised: 30,
		RuleChildVictim: 4, RuleRape: 3, RuleNFAOutcome: 2, RuleVictimNotSupporting: 3,
		RuleMissingEpisodes: 3, RuleLookedAfterDisabled: 3, RuleSuspectLinked: 3, RuleGroupMember: 3,
	}}
}

// RuleNames lists every rule, strongest first.
func RuleNames() []string {
	return []string{RuleOutcome21Child, RuleNamedSuspect18, RuleRapeDowngraded, RuleSuspectNotInterview, RuleNoVictimAccount,
		RuleVictimBlaming, RuleVictimCriminalised, RuleChildVictim, RuleRape, RuleNFAOutcome, RuleVictimNotSupporting,
		RuleMissingEpisodes, RuleLookedAfterDisabled, RuleSuspectLinked, RuleGroupMember}
}

// LoadRules reads a rule set from a TOML file: a version and the weights to
// change; rules it does not name keep their default weight.
func LoadRules(path string) (Rules, error) {
	var file Rules
	md, err := toml.DecodeFile(path, &file)
	if err != nil {
		return Rules{}, pole.Invalid("rules", "%s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return Rules{}, pole.Invalid("rules", "%s: unknown setting %s", path, und[0])
	}
	if strings.TrimSpace(file.Version) == "" {
		return Rules{}, pole.Invalid("rules", "%s: give the rule set a version, so that every score says which rules made it", path)
	}
	r := DefaultRules()
	r.Version = file.Version
	for name, w := range file.Weights {
		if !slices.Contains(RuleNames(), name) {
			return Rules{}, pole.Invalid("rules", "%s: unknown rule %q (known: %s)", path, name, strings.Join(RuleNames(), ", "))
		}
		if w < 0 || w > 1000 {
			return Rules{}, pole.Invalid("rules", "%s: rule %s: weight %d is not 0-1000", path, name, w)
		}
		r.Weights[name] = w
	}
	return r, nil
}

// Stamp is the version stored with a score: the rule set's and the
// language detector's.
func (r Rules) Stamp() string { return r.Version + "+language-" + language.Version }

// WriteDefaultRules writes the default rule set as TOML, for a user to edit.
func WriteDefaultRules(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := toml.NewEncoder(f).Encode(DefaultRules()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Reason is one rule that fired, with its weight and its evidence.
type Reason struct {
	Rule     string     `json:"rule"`
	Weight   int        `json:"weight"`
	Says     string     `json:"says"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Evidence is what a rule saw: a snippet of the case's text, a record, an
// event, or a linked entity.
type Evidence struct {
	Kind  string `json:"kind"`            // text, record, event, case, entity
	Field string `json:"field,omitempty"` // for text: rationale or narrative
	ID    string `json:"id,omitempty"`
	Text  string `json:"text,omitempty"`
}

// Result is a case's triage: its score and the reasons, strongest first.
type Result struct {
	Score   int      `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// Person is a person's part in a case as triage sees it.
type Person struct {
	Mention *pole.Mention
	Role    pole.Role
	Events  []store.EventMark
	// Entity is the linked person; Elsewhere what linkage found of them
	// beyond this case.
	Entity    string
	Elsewhere Elsewhere
}

// Elsewhere is what linkage found of a suspect outside one case.
type Elsewhere struct {
	Cases   int      // other cases naming them as a suspect
	Victims int      // other victims (linked people) of those cases
	Forces  []string // forces other than the case's own
	// Associates are the other suspects they are suspected with, here or
	// through a shared victim: two or more make a group.
	Associates int
}

// Facts are what triage knows of one case.
type Facts struct {
	Case   *pole.Case
	People []Person
}

var (
	rapeCodes = map[string]bool{"19C": true, "19D": true, "19E": true, "19F": true, "19G": true, "19H": true}
	// childCodes are offences defined by the victim being a child: rape
	// and assault of a child under 13, sexual activity with a child under
	// 16, abuse of children through sexual exploitation.
	childCodes = map[string]bool{"19E": true, "19H": true, "20B": true, "21": true, "22B": true, "71": true}
	nfaCodes   = map[int]bool{9: true, 10: true, 14: true, 15: true, 16: true, 17: true, 18: true, 20: true, 21: true}
	vrmPattern = regexp.MustCompile(`\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b`)
	telPattern = regexp.MustCompile(`(?:\+44 ?|\b0)7[0-9]{3} ?[0-9]{3} ?[0-9]{3}\b`)
	namePhrase = regexp.MustCompile(`(?i)\b(?:known as|called|named|nicknamed)\b\s+['"‘“]?[A-Z]`)
)

// sexualOffence reports whether a Home Office code is a sexual offence
// (classes 17 to 27 and 70 to 74, and 88).
func sexualOffence(code string) bool {
	n := 0
	for i := 0; i < len(code) && code[i] >= '0' && code[i] <= '9'; i++ {
		n = n*10 + int(code[i]-'0')
	}
	return n >= 17 && n <= 27 || n >= 70 && n <= 74 || n == 88
}

// Score applies the rules to one case.
func Score(f *Facts, rules Rules) Result {
	var res Result
	add := func(rule, says string, ev ...Evidence) {
		w := rules.Weights[rule]
		if w == 0 {
			return
		}
		res.Score += w
		res.Reasons = append(res.Reasons, Reason{Rule: rule, Weight: w, Says: says, Evidence: ev})
	}
	c := f.Case
	var victims, suspects []*Person
	for i := range f.People {
		switch f.People[i].Role {
		case pole.RoleVictim:
			victims = append(victims, &f.People[i])
		case pole.RoleSuspect:
			suspects = append(suspects, &f.People[i])
		}
	}
	at := c.OffenceFrom
	if at.IsZero() {
		at = c.Recorded
	}
	// The youngest victim's age at the offence, as a range where dates are
	// partial.
	child, possiblyChild := false, false
	var ageNote string
	var ageEv []Evidence
	for _, v := range victims {
		lo, hi, ok := pole.AgeRange(v.Mention.DOB, at)
		if !ok {
			continue
		}
		if hi < 18 {
			child = true
		}
		if lo < 18 {
			possiblyChild = true
		}
		if ageNote == "" || lo < 18 {
			ageNote = describeAge(lo, hi)
			ageEv = []Evidence{{Kind: "record", ID: v.Mention.ID, Text: pseudonymOf(v.Mention) + " " + ageNote + " at " + at.String()}}
		}
	}
	sexual := slices.ContainsFunc(c.OffenceCodes, sexualOffence)
	// With no date of birth to go on, the record may still say a child:
	// a CSE or CSA flag, or an offence defined by a child's age.
	if ageNote == "" && (slices.Contains(c.Flags, "CSE") || slices.Contains(c.Flags, "CSA") || slices.ContainsFunc(c.OffenceCodes, func(code string) bool { return childCodes[code] })) {
		possiblyChild = true
		ageNote = "age unknown; the record marks a child"
		ageEv = []Evidence{{Kind: "case", ID: c.ID, Text: "flags " + strings.Join(c.Flags, ", ") + "; offence " + strings.Join(c.OffenceCodes, ", ")}}
	}
	outcome := fmt.Sprintf("outcome %d", c.OutcomeType)
	caseEv := func(text string) Evidence { return Evidence{Kind: "case", ID: c.ID, Text: text} }

	// What went wrong.
	if c.OutcomeType == 21 && possiblyChild && sexual {
		add(RuleOutcome21Child, "outcome 21 (further investigation not in the public interest) on a child sexual offence, against force guidance",
			append([]Evidence{caseEv(outcome + ", offence " + strings.Join(c.OffenceCodes, ", "))}, ageEv...)...)
	}
	if c.OutcomeType == 18 {
		var ev []Evidence
		for _, s := range suspects {
			ev = append(ev, Evidence{Kind: "record", ID: s.Mention.ID, Text: "suspect record: " + nameOf(s.Mention)})
		}
		for _, p := range []*regexp.Regexp{namePhrase, vrmPattern, telPattern} {
			if loc := p.FindStringIndex(c.Narrative); loc != nil {
				ev = append(ev, Evidence{Kind: "text", Field: "narrative", Text: snippetAround(c.Narrative, loc[0], loc[1])})
			}
		}
		if len(ev) > 0 {
			add(RuleNamedSuspect18, "closed as outcome 18 (no suspect identified), yet the case names a suspect or gives a way to find one", ev...)
		}
	}
	if len(suspects) > 0 {
		interviewed := false
		for _, s := range suspects {
			for _, e := range s.Events {
				if e.Type == "suspect_interview" {
					interviewed = true
				}
			}
		}
		if !interviewed {
			var ev []Evidence
			for _, s := range suspects {
				ev = append(ev, Evidence{Kind: "record", ID: s.Mention.ID, Text: nameOf(s.Mention) + ": no interview recorded"})
			}
			add(RuleSuspectNotInterview, "no named suspect was interviewed", ev...)
		}
	}
	if len(victims) > 0 {
		account := false
		for _, v := range victims {
			for _, e := range v.Events {
				if e.Type == "victim_account" {
					account = true
				}
			}
		}
		if !account {
			var ev []Evidence
			for _, v := range victims {
				ev = append(ev, Evidence{Kind: "record", ID: v.Mention.ID, Text: pseudonymOf(v.Mention) + ": no statement or ABE interview recorded"})
			}
			add(RuleNoVictimAccount, "no account was taken from the victim", ev...)
		}
	}
	if len(c.OffenceCodes) > 1 && rapeCodes[c.OffenceCodes[0]] {
		final := c.OffenceCodes[len(c.OffenceCodes)-1]
		if !rapeCodes[final] {
			says := "recorded as rape (" + c.OffenceCodes[0] + "), reclassified as " + final
			if ageNote != "" {
				says += "; victim " + ageNote
			}
			add(RuleRapeDowngraded, says, caseEv("offence codes "+strings.Join(c.OffenceCodes, " → ")))
		}
	}
	var blaming []Evidence
	for _, t := range []struct{ field, text string }{{"rationale", c.ClosureRationale}, {"narrative", c.Narrative}} {
		for _, h := range language.Flagged(t.text) {
			blaming = append(blaming, Evidence{Kind: "text", Field: t.field, Text: h.Snippet})
		}
	}
	if len(blaming) > 0 {
		add(RuleVictimBlaming, "victim-blaming language in the police's own words", blaming...)
	}
	if ev := criminalised(c, victims, at); len(ev) > 0 {
		add(RuleVictimCriminalised, "the victim was treated as an offender while a child or during the abuse", ev...)
	}

	// What is at stake.
	switch {
	case child:
		add(RuleChildVictim, "the victim was a child at the offence ("+ageNote+")", ageEv...)
	case possiblyChild && strings.HasPrefix(ageNote, "age unknown"):
		add(RuleChildVictim, "the victim was probably a child at the offence ("+ageNote+")", ageEv...)
	case possiblyChild:
		add(RuleChildVictim, "the victim may have been a child at the offence ("+ageNote+"; dates are partial)", ageEv...)
	}
	if slices.ContainsFunc(c.OffenceCodes, func(code string) bool { return rapeCodes[code] }) {
		add(RuleRape, "a rape allegation", caseEv("offence codes "+strings.Join(c.OffenceCodes, ", ")))
	}
	if nfaCodes[c.OutcomeType] {
		o, _ := pole.OutcomeByCode(c.OutcomeType)
		add(RuleNFAOutcome, "closed without further action: "+o.Name, caseEv(outcome))
	}
	vuln := func(v *Person, markers ...string) bool {
		return slices.ContainsFunc(v.Mention.Vulnerabilities, func(m string) bool { return slices.Contains(markers, m) })
	}
	if c.OutcomeType == 14 || c.OutcomeType == 16 {
		for _, v := range victims {
			if possiblyChild || vuln(v, "looked_after", "disability", "learning_disability") {
				add(RuleVictimNotSupporting, "closed because the victim did not support action, though a child or vulnerable victim",
					caseEv(outcome), Evidence{Kind: "record", ID: v.Mention.ID, Text: pseudonymOf(v.Mention)})
				break
			}
		}
	}
	for _, v := range victims {
		n := 0
		for _, e := range v.Events {
			if e.Type == "missing_episode" {
				n++
			}
		}
		if n >= 2 || vuln(v, "missing_episodes") {
			says := "the victim went missing repeatedly (" + strconv.Itoa(n) + " episodes recorded)"
			if n < 2 {
				says = "the victim is recorded as repeatedly missing"
			}
			add(RuleMissingEpisodes, says, Evidence{Kind: "record", ID: v.Mention.ID, Text: pseudonymOf(v.Mention)})
			break
		}
	}
	cared := []string{"looked_after", "out_of_area_placement", "disability", "learning_disability"}
	for _, v := range victims {
		if vuln(v, cared...) {
			var which []string
			for _, m := range v.Mention.Vulnerabilities {
				if slices.Contains(cared, m) {
					which = append(which, strings.ReplaceAll(m, "_", " "))
				}
			}
			add(RuleLookedAfterDisabled, "the victim was looked after or disabled: "+strings.Join(which, ", "),
				Evidence{Kind: "record", ID: v.Mention.ID, Text: pseudonymOf(v.Mention)})
			break
		}
	}
	var linked, grouped []Evidence
	for _, s := range suspects {
		e := s.Elsewhere
		if e.Cases > 0 || len(e.Forces) > 0 {
			text := fmt.Sprintf("%s: suspect in %d other case(s), with %d other victim(s)", nameOf(s.Mention), e.Cases, e.Victims)
			if len(e.Forces) > 0 {
				text += ", in " + strings.Join(e.Forces, ", ")
			}
			linked = append(linked, Evidence{Kind: "entity", ID: s.Entity, Text: text})
		}
		if e.Associates > 0 {
			grouped = append(grouped, Evidence{Kind: "entity", ID: s.Entity,
				Text: fmt.Sprintf("%s: associated with %d other suspect(s)", nameOf(s.Mention), e.Associates)})
		}
	}
	if len(linked) > 0 {
		add(RuleSuspectLinked, "a suspect is linked to other victims, cases or forces", linked...)
	}
	if len(grouped) > 0 {
		add(RuleGroupMember, "a suspect belongs to a group (two or more associated offenders)", grouped...)
	}
	return res
}

// criminalised finds a victim arrested, cautioned or convicted while a
// child or during the abuse: from a year before the offence to a year after
// it was recorded. An arrest as an adult, years on, is not a sign.
func criminalised(c *pole.Case, victims []*Person, at pole.PartialDate) []Evidence {
	last := c.Recorded
	if c.OffenceTo.Year > last.Year {
		last = c.OffenceTo
	}
	var ev []Evidence
	for _, v := range victims {
		for _, e := range v.Events {
			switch e.Type {
			case "victim_arrest", "victim_caution", "victim_conviction":
			default:
				continue
			}
			if e.Date.IsZero() {
				continue
			}
			_, hi, ok := pole.AgeRange(v.Mention.DOB, e.Date)
			during := !at.IsZero() && e.Date.Year >= at.Year-1 && (last.IsZero() || e.Date.Year <= last.Year+1)
			if during || ok && hi < 18 {
				ev = append(ev, Evidence{Kind: "event", ID: e.ID, Text: pseudonymOf(v.Mention) + ": " + strings.ReplaceAll(e.Type, "_", " ") + " " + e.Date.String()})
			}
		}
	}
	return ev
}

func describeAge(lo, hi int) string {
	if lo == hi {
		return "aged " + strconv.Itoa(lo)
	}
	return "aged " + strconv.Itoa(lo) + "–" + strconv.Itoa(hi)
}

func pseudonymOf(m *pole.Mention) string {
	if m.Pseudonym != "" {
		return m.Pseudonym
	}
	return "record " + m.RecordID
}

// nameOf names a suspect as recorded; victims never reach here.
func nameOf(m *pole.Mention) string {
	if m.Pseudonym != "" {
		return m.Pseudonym
	}
	name := strings.TrimSpace(m.Forename + " " + m.Surname)
	if name == "" {
		name = m.NameAsWritten
	}
	if name == "" {
		name = "record " + m.RecordID
	}
	return name
}

// snippetAround is the text around [start, end), short enough to show.
func snippetAround(text string, start, end int) string {
	from, to := max(0, start-60), min(len(text), end+60)
	for from > 0 && !utf8Start(text[from]) {
		from--
	}
	for to < len(text) && !utf8Start(text[to]) {
		to++
	}
	s := strings.TrimSpace(text[from:to])
	if len(s) > maxExplanationTextLength {
		s = s[:maxExplanationTextLength]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
