package synth

import (
	"slices"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// Signals of a case closed too early, after reference/domain.md §2.5.
const (
	sigVictimBlaming     = "victim_blaming_language"
	sigNamedSuspect18    = "named_suspect_outcome_18"
	sigNotInterviewed    = "suspect_not_interviewed"
	sigNoVictimAccount   = "no_victim_account"
	sigRapeDowngraded    = "rape_downgraded"
	sigOutcome21Child    = "outcome_21_child_abuse"
	sigVictimCriminalise = "victim_criminalised"
)

var blamingPhrases = []string{
	"Victim appears to have consented", "Victim states she is in a relationship with the suspect",
	"She describes him as her boyfriend", "Lifestyle choice", "Victim is promiscuous",
	"She is putting herself at risk", "Victim is streetwise", "Victim is wayward and unreliable",
	"Victim not credible", "Involved in child prostitution",
}

// Words of the same kind in contexts that are no fault of the decision: a
// keyword search alone cannot tell these cases from the closed-too-early.
// The first set only fits a case that was charged.
var (
	innocentChargedPhrases = []string{
		"Victim was clear she did not consent; suspect charged",
		"Suspect claimed she was his girlfriend; CPS rejected this and charged",
		"Defence suggested victim not credible; jury convicted",
	}
	innocentPhrases = []string{
		"Victim is not in a relationship with the suspect and never was",
		"Officer challenged the term 'lifestyle choice' used by a partner agency",
		"Victim described as not streetwise; safeguarding plan in place",
	}
)

var nfaOutcomes = []int{14, 15, 16, 18, 9, 10, 17, 20}

// makeCase builds one case and writes it to its force's export.
func (g *generator) makeCase(gr *group, f, year int, victim *person, suspects []*person) {
	c := &caseRec{force: f}
	g.caseSeq[f]++
	c.ref = crimeRef(forceSpecs[f], year, g.caseSeq[f])

	month := 1 + g.r.IntN(12)
	c.from = pole.Date(year, month, 1+g.r.IntN(28))
	if g.r.Float64() < 0.3 {
		c.from = pole.YearMonth(year, month)
	}
	if g.r.Float64() < 0.6 {
		end := min(lastYear, year+g.r.IntN(2))
		c.to = pole.Date(end, 1+g.r.IntN(12), 1+g.r.IntN(28))
		if c.to.Before(c.from) || c.to.Year == c.from.Year && c.to.Month == c.from.Month {
			c.to = pole.PartialDate{}
		}
	}
	rec := c.from
	if !c.to.IsZero() {
		rec = c.to
	}
	c.recorded = addDays(pole.Date(rec.Year, max(rec.Month, 1), max(rec.Day, 1)), 1+g.r.IntN(400))
	if c.recorded.Year > lastYear {
		c.recorded = pole.Date(lastYear, 12, 1+g.r.IntN(28))
	}
	age := year - victim.dob.Year

	// The offence as recorded, by the victim's age and sex.
	switch {
	case age < 13:
		c.offenceCodes = []string{pick(g, "19E", "21", "19E")}
		if victim.sex == "M" {
			c.offenceCodes = []string{pick(g, "19H", "21")}
		}
	case age < 16:
		c.offenceCodes = []string{pick(g, "19D", "22B", "22B", "88A")}
		if victim.sex == "M" {
			c.offenceCodes = []string{pick(g, "19G", "22B")}
		}
	default:
		c.offenceCodes = []string{pick(g, "19C", "20A", "20A")}
		if victim.sex == "M" {
			c.offenceCodes = []string{pick(g, "19F", "17A")}
		}
	}
	// The CSE flag has been mandatory in Home Office returns since April
	// 2016; before, forces flagged inconsistently, and some used it for
	// criminal exploitation before the CCE flag of July 2019.
	switch {
	case year >= 2016 && g.r.Float64() < 0.85, year < 2016 && g.r.Float64() < 0.45:
		c.flags = append(c.flags, "CSE")
	}
	if year < 2019 && g.r.Float64() < 0.04 {
		c.flags = append(c.flags, "CCE")
	}
	if age < 16 && g.r.Float64() < 0.3 {
		c.flags = append(c.flags, "CSA")
	}

	// Outcome: most child sexual offence cases end without a charge.
	planted := false
	x := g.r.Float64()
	switch {
	case x < 0.13:
		c.outcome = 1
	case x < 0.15:
		c.outcome = pick(g, 2, 3, 8)
	default:
		c.outcome = nfaOutcomes[g.r.IntN(len(nfaOutcomes))]
		share := 0.45 // of group cases closed without charge, planted as closed too early
		if gr.id == "" {
			share = 0.25
		}
		planted = g.r.Float64() < share
	}
	c.decisionMaker = pick(g, "DC ", "DS ", "PS ", "DI ") + strconv.Itoa(1000+g.r.IntN(9000))
	if c.outcome == 9 {
		c.decisionMaker = "CPS"
	}

	// Plant the signals of a case closed too early, or the decoys.
	var sigs []string
	if planted {
		sigs = g.plantSignals(c, age, year)
	}
	c.signals, c.closedTooEarly = sigs, len(sigs) > 0
	c.rationale = g.rationale(c, sigs)

	// People as recorded.
	// Outcomes 14 and 18 mean no suspect was identified: the record names
	// none, unless this is the planted "named suspect, outcome 18" signal.
	named := (c.outcome != 18 && c.outcome != 14) || slices.Contains(sigs, sigNamedSuspect18)
	vm := g.record(c, victim, pole.RoleVictim)
	c.people = append(c.people, vm)
	var sms []*mentionRec
	if named {
		for _, s := range suspects {
			sm := g.record(c, s, pole.RoleSuspect)
			sms = append(sms, sm)
			c.people = append(c.people, sm)
		}
	}
	// Witnesses, and others such as the parent or carer who reported it,
	// appear in this case alone.
	if g.r.Float64() < 0.6 {
		w := g.newPerson(g.populationCommunity(), pick(g, "F", "M"), year-20-g.r.IntN(40), f, "")
		c.people = append(c.people, g.record(c, w, pole.RoleWitness))
	}
	if g.r.Float64() < 0.35 {
		o := g.newPerson(victim.comm, pick(g, "F", "M"), victim.dob.Year-22-g.r.IntN(15), victim.force, "")
		c.people = append(c.people, g.record(c, o, pole.RoleOther))
	}
	g.events(c, vm, sms, sigs, year)
	// The decision comes after the work it rests on: after the last
	// interview and account, then the charge on the day of it.
	last := c.recorded
	for _, m := range c.people {
		for _, e := range m.events {
			if last.Before(e.date) {
				last = e.date
			}
		}
	}
	c.outcomeDate = addDays(last, 14+g.r.IntN(300))
	if c.outcomeDate.Year > lastYear {
		c.outcomeDate = pole.Date(lastYear, 12, 31)
	}
	if c.outcome == 1 {
		for _, s := range sms {
			s.events = append(s.events, eventRec{"charge", c.outcomeDate})
		}
	}
	c.narrative = g.narrative(c, gr, suspects, sigs)

	if c.closedTooEarly {
		g.sum.ClosedTooEarly++
	}
	g.sum.Cases++
	g.fail(g.forces[f].writeCase(c))
	g.fail(g.truth.caseRow(forceSpecs[f].code, c))
}

func pick[T any](g *generator, options ...T) T { return options[g.r.IntN(len(options))] }

func (g *generator) plantSignals(c *caseRec, age, year int) []string {
	var sigs []string
	options := []string{sigVictimBlaming, sigNoVictimAccount, sigVictimCriminalise}
	// A suspect can go uninterviewed only where one is named: outcomes 14
	// and 18 name none (unless the outcome 18 named one after all).
	if c.outcome != 14 && c.outcome != 18 {
		options = append(options, sigNotInterviewed)
	}
	if c.outcome == 18 {
		options = append(options, sigNamedSuspect18, sigNamedSuspect18)
	}
	if age >= 13 && age < 16 {
		options = append(options, sigRapeDowngraded)
	}
	if year >= 2016 {
		options = append(options, sigOutcome21Child)
	}
	for n := 1 + g.r.IntN(3); len(sigs) < n; {
		s := options[g.r.IntN(len(options))]
		if !slices.Contains(sigs, s) {
			sigs = append(sigs, s)
		}
		if len(sigs) == len(options) {
			break
		}
	}
	// Outcome 21 replaces the outcome; it cannot sit beside "outcome 18
	// with a named suspect".
	if slices.Contains(sigs, sigOutcome21Child) {
		if c.outcome == 18 {
			sigs = slices.DeleteFunc(sigs, func(s string) bool { return s == sigNamedSuspect18 })
		}
		c.outcome = 21
	}
	if slices.Contains(sigs, sigRapeDowngraded) {
		rape := "19D"
		if c.offenceCodes[0] == "19G" {
			rape = "19G"
		}
		c.offenceCodes = []string{rape, "22B"}
	}
	slices.Sort(sigs)
	return sigs
}

func (g *generator) rationale(c *caseRec, sigs []string) string {
	o, _ := pole.OutcomeByCode(c.outcome)
	text := o.Name + "."
	if slices.Contains(sigs, sigVictimBlaming) {
		text += " " + blamingPhrases[g.r.IntN(len(blamingPhrases))] + "."
	} else if !c.closedTooEarly && g.r.Float64() < 0.12 {
		if c.outcome == 1 {
			text += " " + innocentChargedPhrases[g.r.IntN(len(innocentChargedPhrases))] + "."
		} else {
			text += " " + innocentPhrases[g.r.IntN(len(innocentPhrases))] + "."
		}
	}
	return text
}

// events records what was and was not done: the planted signals are
// absences (no interview, no account) as much as presences.
func (g *generator) events(c *caseRec, v *mentionRec, sms []*mentionRec, sigs []string, year int) {
	if slices.Contains(v.p.vuln, "missing_episodes") {
		for range 1 + g.r.IntN(5) {
			v.events = append(v.events, eventRec{"missing_episode", pole.Date(year, 1+g.r.IntN(12), 1+g.r.IntN(28))})
		}
	}
	// What a sound investigation does, it does in every case not planted
	// with its absence: an absence outside the planted cases would be a
	// signal the truth files do not name.
	if !slices.Contains(sigs, sigNoVictimAccount) {
		v.events = append(v.events, eventRec{"victim_account", addDays(c.recorded, g.r.IntN(30))})
	}
	if slices.Contains(sigs, sigVictimCriminalise) {
		v.events = append(v.events, eventRec{pick(g, "victim_arrest", "victim_caution", "victim_conviction"), pole.Date(year, 1+g.r.IntN(12), 1+g.r.IntN(28))})
	} else if adult := max(v.p.dob.Year+19, c.recorded.Year+2) + g.r.IntN(5); !c.closedTooEarly && adult <= lastYear && g.r.Float64() < 0.05 {
		// As an adult, long after the case: no sign of the child being
		// criminalised, though a search for arrests alone would say so.
		v.events = append(v.events, eventRec{"victim_arrest", pole.Date(adult, 1+g.r.IntN(12), 1+g.r.IntN(28))})
	}
	if slices.Contains(sigs, sigNotInterviewed) {
		return
	}
	for _, s := range sms {
		// Some are interviewed voluntarily rather than under arrest.
		if g.r.Float64() < 0.85 {
			s.events = append(s.events, eventRec{"arrest", addDays(c.recorded, g.r.IntN(60))})
		}
		s.events = append(s.events, eventRec{"suspect_interview", addDays(c.recorded, 1+g.r.IntN(60))})
	}
}

func (g *generator) narrative(c *caseRec, gr *group, suspects []*person, sigs []string) string {
	var b strings.Builder
	b.WriteString("Synthetic account. ")
	if len(gr.venues) > 0 {
		v := gr.venues[g.r.IntN(len(gr.venues))]
		b.WriteString("Victim reports being taken to premises (" + strings.ReplaceAll(v.premises, "_", " ") + ") at " + v.text + " " + v.postcode + ". ")
	} else {
		b.WriteString("Victim reports abuse at an address known to the suspect. ")
	}
	b.WriteString(pick(g, "Alcohol and cannabis were supplied. ", "She was given gifts and lifts. ", "She was moved between towns. ", ""))
	if slices.Contains(sigs, sigNamedSuspect18) {
		s := suspects[0]
		switch {
		case len(s.aliases) > 0:
			b.WriteString("She named a man known as '" + s.aliases[0] + "'. ")
		case len(s.vehicles) > 0:
			b.WriteString("She gave the registration " + s.vehicles[0] + " of the car used. ")
		case len(s.phones) > 0:
			b.WriteString("She gave the number " + "0" + strings.TrimPrefix(s.phones[0], "+44") + " used to contact her. ")
		default:
			b.WriteString("She named " + s.forename + " " + s.surname + ". ")
		}
	} else if c.outcome == 18 {
		b.WriteString("She could not describe the men. ")
	}
	return strings.TrimSpace(b.String())
}

// addDays moves a date on, no further than the last day the data set covers.
func addDays(d pole.PartialDate, days int) pole.PartialDate {
	t := dateTime(d).AddDate(0, 0, days)
	if t.Year() > lastYear {
		return pole.Date(lastYear, 12, 31)
	}
	return pole.Date(t.Year(), int(t.Month()), t.Day())
}

// crimeRef writes a crime reference in the owning force's system's style;
// the sequence keeps it unique within the force.
func crimeRef(f forceSpec, year, seq int) string {
	yy := pad(year%100, 2)
	switch f.layout {
	case layoutNicheCSV:
		return f.prefix + "/" + pad(seq, 6) + "/" + yy
	case layoutAthenaSemi:
		return f.prefix + "-" + strconv.Itoa(year) + "-" + pad(seq, 7)
	case layoutConnectTab:
		return f.prefix + yy + pad(seq, 7)
	case layoutJSONLines:
		return f.prefix + "P-OCC-" + strconv.Itoa(year) + "-" + pad(seq, 6)
	default:
		return yy + "/" + f.prefix + "/" + strconv.Itoa(seq)
	}
}
