package synth

import (
	"encoding/json"

	"github.com/caselink/caselink/internal/pole"
)

// jsonExporter writes one case a line with its people and events nested,
// dates in ISO form at their precision.
type jsonExporter struct {
	g *generator
	s *sink
}

type jsonCase struct {
	Synthetic bool         `json:"_synthetic"`
	Ref       string       `json:"ref"`
	Recorded  string       `json:"recorded"`
	Offence   jsonOffence  `json:"offence"`
	Outcome   jsonOutcome  `json:"outcome"`
	Flags     []string     `json:"flags"`
	Narrative string       `json:"narrative"`
	People    []jsonPerson `json:"people"`
	Events    []jsonEvent  `json:"events"`
}

type jsonOffence struct {
	From  string   `json:"from,omitempty"`
	To    string   `json:"to,omitempty"`
	Codes []string `json:"codes"`
}

type jsonOutcome struct {
	Type      int    `json:"type"`
	Date      string `json:"date,omitempty"`
	By        string `json:"by"`
	Rationale string `json:"rationale"`
}

type jsonPerson struct {
	Ref         string         `json:"ref"`
	Role        string         `json:"role"`
	Name        jsonName       `json:"name"`
	Aliases     []string       `json:"aliases,omitempty"`
	DOB         string         `json:"dob,omitempty"`
	Sex         string         `json:"sex,omitempty"`
	Ethnicity   map[string]any `json:"ethnicity,omitempty"`
	Nationality string         `json:"nationality,omitempty"`
	Addresses   []jsonAddress  `json:"addresses,omitempty"`
	Phones      []string       `json:"phones,omitempty"`
	Vehicles    []string       `json:"vehicles,omitempty"`
	Markers     []string       `json:"markers,omitempty"`
}

type jsonName struct {
	Given  string `json:"given"`
	Middle string `json:"middle,omitempty"`
	Family string `json:"family"`
}

type jsonAddress struct {
	Text     string `json:"text"`
	Postcode string `json:"postcode,omitempty"`
	Type     string `json:"type,omitempty"`
}

type jsonEvent struct {
	Person string `json:"person"`
	Type   string `json:"type"`
	Date   string `json:"date"`
}

func (e *jsonExporter) close() error { return e.s.close() }

func (e *jsonExporter) writeCase(c *caseRec) error {
	jc := jsonCase{
		Synthetic: true, Ref: c.ref, Recorded: c.recorded.String(),
		Offence: jsonOffence{From: c.from.String(), To: c.to.String(), Codes: c.offenceCodes},
		Outcome: jsonOutcome{Type: c.outcome, Date: c.outcomeDate.String(), By: c.decisionMaker, Rationale: c.rationale},
		Flags:   c.flags, Narrative: c.narrative,
	}
	if jc.Flags == nil {
		jc.Flags = []string{}
	}
	for _, m := range c.people {
		p := jsonPerson{
			Ref: m.recordID, Role: string(m.role), Name: jsonName{Given: m.forename, Middle: m.middle, Family: m.surname},
			Aliases: m.aliases, DOB: m.dob.String(), Sex: m.sex, Nationality: m.national,
			Phones: mapStrings(m.phones, phoneSpaced), Vehicles: m.vehicles, Markers: m.vuln,
		}
		if m.defect == "dob" {
			p.DOB = pole.Date(m.p.dob.Year, 1, 1).String()[:5] + "13-45"
		}
		eth := map[string]any{}
		if m.sde != "" {
			eth["self"] = m.sde
		}
		if m.ic != "" {
			eth["observed"] = m.ic
		}
		if m.defect == "ethnicity" {
			eth["self"] = 77
		}
		if len(eth) > 0 {
			p.Ethnicity = eth
		}
		if m.addr != nil {
			p.Addresses = []jsonAddress{{Text: m.addr.text, Postcode: m.addr.postcode, Type: m.addr.premises}}
		}
		jc.People = append(jc.People, p)
		for _, ev := range m.events {
			jc.Events = append(jc.Events, jsonEvent{Person: m.recordID, Type: ev.typ, Date: ev.date.String()})
		}
	}
	if jc.Events == nil {
		jc.Events = []jsonEvent{}
	}
	b, err := json.Marshal(jc)
	if err != nil {
		return err
	}
	n, err := e.s.raw(append(b, '\n'))
	if err != nil {
		return err
	}
	for _, m := range c.people {
		if err := e.g.truth.mention(e.s.rel, m.recordID, m.p.id); err != nil {
			return err
		}
		if m.defect != "" {
			field := "people.dob"
			if m.defect == "ethnicity" {
				field = "people.ethnicity.self"
			}
			if err := e.g.truth.defect(e.s.rel, n, field+" of "+m.recordID, m.defectWhy); err != nil {
				return err
			}
		}
	}
	return nil
}
