package synth

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// nominalExporter writes a force whose system keeps a nominal index of
// people apart from its occurrences: nominals, occurrences, the links
// between them, and the people's events.
type nominalExporter struct {
	g                            *generator
	nominals, occ, links, events *sink
}

func newNominalExporter(out string, seed uint64, dir, file string, g *generator) (*nominalExporter, error) {
	e := &nominalExporter{g: g}
	specs := []struct {
		dst  **sink
		name string
		cols []string
	}{
		{&e.nominals, "_nominal_index.csv", []string{"NOMINAL_REF", "SURNAME", "FORENAMES", "DOB", "SEX", "ETHNICITY", "NATIONALITY", "ADDRESS", "POSTCODE", "PHONE", "VRM", "ALIASES", "MARKERS"}},
		{&e.occ, "_occurrences.csv", []string{"URN", "REPORTED", "FROM", "TO", "HO_CODES", "OUTCOME", "OUTCOME_DATE", "DECISION_BY", "FLAGS", "RATIONALE", "NARRATIVE"}},
		{&e.links, "_occurrence_nominal_links.csv", []string{"URN", "NOMINAL_REF", "INVOLVEMENT"}},
		{&e.events, "_nominal_events.csv", []string{"URN", "NOMINAL_REF", "EVENT", "EVENT_DATE"}},
	}
	for _, sp := range specs {
		s, err := newSink(out, path.Join(dir, file+sp.name), ',', false)
		if err != nil {
			e.close()
			return nil, err
		}
		*sp.dst = s
		g.sum.Files = append(g.sum.Files, s.rel)
		if err := s.line(banner(seed)); err != nil {
			return nil, err
		}
		if err := s.header(sp.cols...); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (e *nominalExporter) close() error {
	var first error
	for _, s := range []*sink{e.nominals, e.occ, e.links, e.events} {
		if s == nil {
			continue
		}
		if err := s.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// nominalEthnicity is the index's own wording of the SDE categories.
var nominalEthnicity = map[string]string{
	"W1": "White British", "W2": "White Irish", "W3": "Gypsy/Traveller", "W9": "White Other", "M1": "Mixed W/B Caribbean",
	"M2": "Mixed W/B African", "M3": "Mixed W/Asian", "M9": "Mixed Other", "A1": "Asian Indian", "A2": "Asian Pakistani",
	"A3": "Asian Bangladeshi", "A4": "Chinese", "A9": "Asian Other", "B1": "Black Caribbean", "B2": "Black African",
	"B9": "Black Other", "O2": "Arab", "O9": "Other", "NS": "Not Stated",
}

func (e *nominalExporter) writeCase(c *caseRec) error {
	_, err := e.occ.row([]string{c.ref, shortDate(c.recorded), shortDate(c.from), shortDate(c.to), strings.Join(c.offenceCodes, "/"),
		"HO" + strconv.Itoa(c.outcome), shortDate(c.outcomeDate), c.decisionMaker, strings.Join(c.flags, ";"), c.rationale, c.narrative})
	if err != nil {
		return err
	}
	for _, m := range c.people {
		// A person's references live with the person, so the index is
		// written without remembering every reference ever issued.
		if !m.p.nominalWritten[m.recordID] {
			if err := e.writeNominal(m); err != nil {
				return err
			}
		}
		role := nominalRole[m.role]
		if _, err := e.links.row([]string{c.ref, m.recordID, role}); err != nil {
			return err
		}
		for _, ev := range m.events {
			if _, err := e.events.row([]string{c.ref, m.recordID, strings.ToUpper(ev.typ), shortDate(ev.date)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeNominal adds a person to the index the first time a reference is
// used; later cases link to the same reference.
func (e *nominalExporter) writeNominal(m *mentionRec) error {
	if m.p.nominalWritten == nil {
		m.p.nominalWritten = map[string]bool{}
	}
	m.p.nominalWritten[m.recordID] = true
	dob := shortDate(m.dob)
	if m.defect == "dob" {
		dob = fmt.Sprintf("29-02-%02d", (m.p.dob.Year|1)%100) // odd years have no 29 February
	}
	eth := nominalEthnicity[m.sde]
	if m.defect == "ethnicity" {
		eth = "Code 99"
	}
	sex := nominalSex[m.sex]
	addr, pc, _ := addressParts(m.addr)
	n, err := e.nominals.row([]string{m.recordID, upper(m.surname), strings.TrimSpace(m.forename + " " + m.middle), dob, sex, eth, m.national,
		addr, pc, strings.Join(m.phones, ";"), strings.Join(m.vehicles, ";"), strings.Join(m.aliases, ";"), strings.Join(mapStrings(m.vuln, markerCode), ";")})
	if err != nil {
		return err
	}
	if err := e.g.truth.mention(e.nominals.rel, m.recordID, m.p.id); err != nil {
		return err
	}
	if m.defect != "" {
		field := "DOB"
		if m.defect == "ethnicity" {
			field = "ETHNICITY"
		}
		return e.g.truth.defect(e.nominals.rel, n, field, m.defectWhy)
	}
	return nil
}
