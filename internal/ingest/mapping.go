package ingest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// Problem is a value that could not be taken: it keeps its row out of the
// store and in quarantine, with a reason a person can act on.
type Problem struct {
	Row    int
	Field  string // the column (or JSON path) as the file names it
	Value  string
	Reason string
}

// Repair is a value that was changed to read correctly: text that had been
// decoded twice ("Hereâ€™s" back to "Here’s").
type Repair struct {
	Row    int
	Field  string
	Before string
	After  string
}

// Person is a person record and the case it is in, by crime reference.
type Person struct {
	*pole.Mention
	CaseRef string
}

// Event is an event of a person record in a case, by reference.
type Event struct {
	pole.Event
	CaseRef  string
	RecordID string
}

// Link says that a person record (by nominal reference) is in a case.
type Link struct {
	CaseRef  string
	RecordID string
	Role     pole.Role
}

// Mapped is what one row (or JSON line) of an export says. Problems keep
// the row out; Warnings are contact details (postcode, phone, vehicle) that
// could not be read: the row is kept without them, and the warning keeps
// the value as written.
type Mapped struct {
	Row      int
	Case     *pole.Case
	People   []Person
	Events   []Event
	Link     *Link
	Problems []Problem
	Warnings []Problem
	Repairs  []Repair
}

// mapper maps one record; it gathers problems instead of stopping at the
// first, so that a person fixing a file sees everything wrong with a row.
type mapper struct {
	p   *Profile
	rec record
	out *Mapped
	// prefix and who place a problem inside a JSON case: people[2].dob,
	// of person record GM-P00025122.
	prefix, who string
}

// Map turns one record of the file into domain records.
func (p *Profile) mapRecord(rec record, row int) *Mapped {
	m := &mapper{p: p, rec: rec, out: &Mapped{Row: row}}
	switch p.Layout {
	case PersonRows:
		c := m.mapCase()
		person := m.mapPerson(rec, p.Person, pole.Role(""))
		m.out.Case = c
		if person != nil {
			m.out.People = []Person{{Mention: person, CaseRef: c.CrimeRef}}
			m.mapRowEvents(rec, c.CrimeRef, person.RecordID)
		}
	case JSONCases:
		c := m.mapCase()
		m.out.Case = c
		people := rec.children(p.Person.Path)
		if len(people) == 0 {
			m.problem(Field{Column: p.Person.Path}, "", "the case has no people at %q", p.Person.Path)
		}
		for i, child := range people {
			m.prefix = fmt.Sprintf("%s[%d].", p.Person.Path, i)
			if person := m.mapPerson(child, p.Person, ""); person != nil {
				m.out.People = append(m.out.People, Person{Mention: person, CaseRef: c.CrimeRef})
			}
			m.prefix, m.who = "", ""
		}
		if p.Event.Path != "" {
			for _, child := range rec.children(p.Event.Path) {
				m.mapListedEvent(child, c.CrimeRef)
			}
		}
	case NominalIndex:
		// A nominal index entry has no case; its roles in cases come from
		// the link table.
		if person := m.mapPerson(rec, p.Person, pole.RoleOther); person != nil {
			m.out.People = []Person{{Mention: person}}
		}
	case CaseList:
		m.out.Case = m.mapCase()
	case LinkTable:
		m.out.Link = &Link{
			CaseRef:  m.required(rec, "link.crime_ref", p.Link.CrimeRef),
			RecordID: m.required(rec, "link.record_id", p.Link.RecordID),
			Role:     m.role(rec, p.Link.Role),
		}
	case PersonEvents:
		m.mapListedEvent(rec, "")
	}
	return m.out
}

func (m *mapper) problem(f Field, value, format string, args ...any) {
	m.out.Problems = append(m.out.Problems, m.note(f, value, format, args...))
}

func (m *mapper) warn(f Field, value, format string, args ...any) {
	m.out.Warnings = append(m.out.Warnings, m.note(f, value, format, args...))
}

func (m *mapper) note(f Field, value, format string, args ...any) Problem {
	reason := fmt.Sprintf(format, args...)
	if m.who != "" {
		reason += " (person record " + m.who + ")"
	}
	return Problem{Row: m.out.Row, Field: m.prefix + f.Column, Value: value, Reason: reason}
}

// text reads a field as clean text, repairing double-decoded text.
func (m *mapper) text(rec record, f Field) string {
	if !f.set() {
		return ""
	}
	raw := rec.get(f.Column)
	if fixed, changed := normalise.RepairMojibake(raw); changed {
		m.out.Repairs = append(m.out.Repairs, Repair{Row: m.out.Row, Field: f.Column, Before: raw, After: fixed})
		raw = fixed
	}
	return normalise.Text(strings.ReplaceAll(raw, listSep, " "))
}

// list reads a field holding several values.
func (m *mapper) list(rec record, f Field) []string {
	if !f.set() {
		return nil
	}
	raw := rec.get(f.Column)
	var parts []string
	switch {
	case strings.Contains(raw, listSep):
		parts = strings.Split(raw, listSep)
	case f.Split != "":
		parts = strings.Split(raw, f.Split)
	default:
		parts = []string{raw}
	}
	out := parts[:0]
	for _, s := range parts {
		if fixed, changed := normalise.RepairMojibake(s); changed {
			m.out.Repairs = append(m.out.Repairs, Repair{Row: m.out.Row, Field: f.Column, Before: s, After: fixed})
			s = fixed
		}
		if s = normalise.Text(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (m *mapper) required(rec record, key string, f Field) string {
	v := m.text(rec, f)
	if v == "" {
		m.problem(f, "", "is empty: %s is required", key)
	}
	return v
}

func (m *mapper) date(rec record, f Field, what string) pole.PartialDate {
	v := m.text(rec, f)
	d, err := m.p.dates.Parse(v)
	if err != nil {
		m.problem(f, v, "%s %q is not a real date in the profile's formats (%s)", what, v, strings.Join(m.p.Format.Dates, ", "))
	}
	return d
}

// code translates a label through the profile's code table, or takes the
// value as caselink's own code when the table does not have it.
func (m *mapper) code(table, v string) (any, bool) {
	c, ok := m.p.codes[table][strings.ToLower(v)]
	return c, ok
}

func (m *mapper) codeString(table, v string, canonical func(string) string) string {
	if v == "" {
		return ""
	}
	if c, ok := m.code(table, v); ok {
		return c.(string)
	}
	return canonical(v)
}

func (m *mapper) role(rec record, f Field) pole.Role {
	v := m.text(rec, f)
	r := pole.Role(m.codeString("role", v, strings.ToLower))
	switch {
	case v == "":
		m.problem(f, v, "is empty: every person needs a role")
	case !slices.Contains(pole.Roles, r):
		m.problem(f, v, "role %q is not victim, suspect, witness or other, nor a label in the profile's codes.role", v)
	}
	return r
}

func (m *mapper) mapCase() *pole.Case {
	cf, rec := m.p.Case, m.rec
	c := &pole.Case{
		Force:            m.p.Force,
		CrimeRef:         m.required(rec, "case.crime_ref", cf.CrimeRef),
		Recorded:         m.date(rec, cf.Recorded, "recorded date"),
		OffenceFrom:      m.date(rec, cf.OffenceFrom, "offence start"),
		OffenceTo:        m.date(rec, cf.OffenceTo, "offence end"),
		OutcomeDate:      m.date(rec, cf.OutcomeDate, "outcome date"),
		DecisionMaker:    m.text(rec, cf.DecisionMaker),
		ClosureRationale: m.text(rec, cf.ClosureRationale),
		Narrative:        m.text(rec, cf.Narrative),
	}
	for _, code := range m.list(rec, cf.OffenceCodes) {
		c.OffenceCodes = append(c.OffenceCodes, strings.ToUpper(code))
	}
	for _, fl := range m.list(rec, cf.Flags) {
		c.Flags = append(c.Flags, m.codeString("flag", fl, strings.ToUpper))
	}
	if v := m.text(rec, cf.Outcome); v != "" {
		if code, ok := m.code("outcome", v); ok {
			c.OutcomeType = int(code.(int64))
		} else if n, err := strconv.Atoi(v); err == nil {
			c.OutcomeType = n
		} else {
			m.problem(cf.Outcome, v, "outcome %q is neither a Home Office outcome type nor a label in the profile's codes.outcome", v)
			c.OutcomeType = 0
		}
	}
	// Validate with stand-ins for what the store assigns, and name the
	// column of whatever the domain rejects.
	probe := *c
	probe.ID, probe.Provenance = "00000000-0000-7000-8000-000000000000", pole.Provenance{SourceID: "00000000-0000-7000-8000-000000000000", SourceRow: 1}
	if err := probe.Validate(); err != nil {
		columns := map[string]Field{"crime_ref": cf.CrimeRef, "offence_codes": cf.OffenceCodes, "offence_from": cf.OffenceFrom,
			"offence_to": cf.OffenceTo, "recorded": cf.Recorded, "outcome_type": cf.Outcome, "outcome_date": cf.OutcomeDate, "flags": cf.Flags}
		if f, ok := columns[pole.ErrorField(err)]; ok && !m.has(f) {
			m.problem(f, m.rec.get(f.Column), "%s", pole.ErrorMessage(err))
		}
	}
	return c
}

// has reports whether a problem is already recorded for the field.
func (m *mapper) has(f Field) bool {
	for _, p := range m.out.Problems {
		if p.Field == m.prefix+f.Column {
			return true
		}
	}
	return false
}

// mapPerson maps a person record; role, when given, is fixed by the layout.
func (m *mapper) mapPerson(rec record, pf PersonFields, role pole.Role) *pole.Mention {
	p := &pole.Mention{Force: m.p.Force, Role: role}
	p.RecordID = m.required(rec, "person.record_id", pf.RecordID)
	if role == "" {
		p.Role = m.role(rec, pf.Role)
	}
	switch {
	case pf.Name.set():
		if v := m.text(rec, pf.Name); v != "" {
			style := normalise.SurnameCommaForenames
			if pf.Name.Style == "forenames_then_surname" {
				style = normalise.ForenamesThenSurname
			}
			n, err := normalise.SplitName(v, style)
			if err != nil {
				m.problem(pf.Name, v, "%s", pole.ErrorMessage(err))
			}
			p.Forename, p.MiddleNames, p.Surname, p.NameAsWritten = n.Forename, n.Middle, n.Surname, v
		}
	default:
		surname, forename, middle := m.text(rec, pf.Surname), m.text(rec, pf.Forename), m.text(rec, pf.MiddleNames)
		if pf.Forenames.set() {
			names := strings.Fields(m.text(rec, pf.Forenames))
			if len(names) > 0 {
				forename, middle = names[0], strings.Join(names[1:], " ")
			}
		}
		p.Surname, p.Forename, p.MiddleNames = normalise.TitleCase(surname), normalise.TitleCase(forename), normalise.TitleCase(middle)
		p.NameAsWritten = strings.Join(nonEmpty(forename, middle, surname), " ")
		if surname != "" && (forename != "" || middle != "") {
			p.NameAsWritten = surname + ", " + strings.Join(nonEmpty(forename, middle), " ")
		}
	}
	if p.RecordID != "" {
		m.who = p.RecordID
	}
	p.Aliases = m.list(rec, pf.Aliases)
	p.DOB = m.date(rec, pf.DOB, "date of birth")
	// Coded values are checked one by one, so that a row shows every
	// wrong code at once rather than the first.
	p.Sex = m.coded(rec, pf.Sex, "sex", "sex", func(c string) bool { return slices.Contains(pole.Sexes, c) })
	p.EthnicitySelf = m.coded(rec, pf.EthnicitySelf, "ethnicity_self", "self-defined ethnicity", func(c string) bool { _, ok := pole.SelfDefinedEthnicity(c); return ok })
	p.EthnicityObserved = m.coded(rec, pf.EthnicityObserved, "ethnicity_observed", "officer-observed ethnicity", func(c string) bool { _, ok := pole.ObservedEthnicity(c); return ok })
	p.Nationality = strings.ToUpper(m.text(rec, pf.Nationality))
	if p.Nationality != "" && !pole.IsNationality(p.Nationality) {
		m.problem(pf.Nationality, p.Nationality, "nationality %q is not an ISO 3166-1 alpha-3 code such as GBR", p.Nationality)
	}
	addr := pole.Address{Text: m.text(rec, pf.Address), Premises: m.codeString("premises", m.text(rec, pf.Premises), strings.ToLower)}
	if v := m.text(rec, pf.Postcode); v != "" {
		if pc, err := normalise.ParsePostcode(v); err != nil {
			m.warn(pf.Postcode, v, "%q is not a whole UK postcode; the person is kept without it", v)
		} else {
			addr.Postcode = pc.Full
		}
	}
	if addr.Text != "" || addr.Postcode != "" {
		p.Addresses = []pole.Address{addr}
	}
	p.Phones = m.contacts(rec, pf.Phones, normalise.Phone, "a phone number")
	p.Vehicles = m.contacts(rec, pf.Vehicles, normalise.VRM, "a vehicle registration mark")
	for _, v := range m.list(rec, pf.Vulnerabilities) {
		c := m.codeString("vulnerability", v, strings.ToLower)
		if !slices.Contains(pole.Vulnerabilities, c) {
			m.problem(pf.Vulnerabilities, v, "marker %q is not one caselink knows, nor a label in the profile's codes.vulnerability", v)
			continue
		}
		p.Vulnerabilities = append(p.Vulnerabilities, c)
	}
	probe := *p
	probe.ID, probe.Provenance = "00000000-0000-7000-8000-000000000000", pole.Provenance{SourceID: "00000000-0000-7000-8000-000000000000", SourceRow: 1}
	if err := probe.Validate(); err != nil {
		columns := map[string]Field{"record_id": pf.RecordID, "role": pf.Role, "surname": pf.Surname, "dob": pf.DOB, "sex": pf.Sex,
			"ethnicity_self": pf.EthnicitySelf, "ethnicity_observed": pf.EthnicityObserved, "nationality": pf.Nationality,
			"addresses": pf.Premises, "vulnerabilities": pf.Vulnerabilities}
		if pf.Name.set() {
			columns["surname"] = pf.Name
		}
		if f, ok := columns[pole.ErrorField(err)]; ok && !m.has(f) {
			m.problem(f, rec.get(f.Column), "%s", pole.ErrorMessage(err))
		}
	}
	return p
}

// contacts reads a list of contact details through their normaliser; one
// that cannot be read is a warning, and the person is kept without it.
func (m *mapper) contacts(rec record, f Field, norm func(string) (string, error), what string) []string {
	var out []string
	for _, v := range m.list(rec, f) {
		c, err := norm(v)
		if err != nil {
			m.warn(f, v, "%q is not %s; the person is kept without it", v, what)
			continue
		}
		out = append(out, c)
	}
	return out
}

// coded reads a coded field through its code table and checks the code.
func (m *mapper) coded(rec record, f Field, table, what string, valid func(string) bool) string {
	v := m.text(rec, f)
	if v == "" {
		return ""
	}
	c := m.codeString(table, v, strings.ToUpper)
	if !valid(c) {
		m.problem(f, v, "unknown %s code %q: not a code caselink knows, nor a label in the profile's codes.%s", what, v, table)
	}
	return c
}

func nonEmpty(parts ...string) []string {
	out := parts[:0]
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// mapRowEvents reads the event columns of a person row.
func (m *mapper) mapRowEvents(rec record, caseRef, recordID string) {
	for _, typ := range pole.EventTypes {
		f, ok := m.p.Events[typ]
		if !ok {
			continue
		}
		for _, v := range m.list(rec, f) {
			d, err := m.p.dates.Parse(v)
			if err != nil {
				m.problem(f, v, "%s date %q is not a real date in the profile's formats (%s)", typ, v, strings.Join(m.p.Format.Dates, ", "))
				continue
			}
			m.out.Events = append(m.out.Events, Event{Event: pole.Event{Type: typ, Date: d}, CaseRef: caseRef, RecordID: recordID})
		}
	}
}

// mapListedEvent reads an event given as a record of its own.
func (m *mapper) mapListedEvent(rec record, caseRef string) {
	ef := m.p.Event
	e := Event{CaseRef: caseRef, RecordID: m.required(rec, "event.record_id", ef.RecordID)}
	if ef.CrimeRef.set() {
		e.CaseRef = m.required(rec, "event.crime_ref", ef.CrimeRef)
	}
	typ := m.text(rec, ef.Type)
	e.Type = m.codeString("event", typ, strings.ToLower)
	e.Date = m.date(rec, ef.Date, "event date")
	probe := e.Event
	probe.ID, probe.CaseID = "00000000-0000-7000-8000-000000000000", "00000000-0000-7000-8000-000000000000"
	probe.Provenance = pole.Provenance{SourceID: probe.ID, SourceRow: 1}
	if err := probe.Validate(); err != nil && pole.ErrorField(err) == "type" {
		m.problem(ef.Type, typ, "%s", pole.ErrorMessage(err))
	}
	m.out.Events = append(m.out.Events, e)
}
