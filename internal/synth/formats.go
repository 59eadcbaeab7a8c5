package synth

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/caselink/caselink/internal/pole"
)

// exporter writes one force's export files.
type exporter interface {
	writeCase(c *caseRec) error
	close() error
}

func newExporter(out string, seed uint64, fi int, f forceSpec, g *generator) (exporter, error) {
	dir := path.Join("exports", f.code)
	file := strings.ToLower(f.prefix)
	switch f.layout {
	case layoutNominal:
		return newNominalExporter(out, seed, dir, file, g)
	case layoutJSONLines:
		s, err := newSink(out, path.Join(dir, file+"_occurrences.jsonl"), 0, false)
		if err != nil {
			return nil, err
		}
		g.sum.Files = append(g.sum.Files, s.rel)
		return &jsonExporter{s: s, g: g}, s.line(`{"_synthetic":true,"_note":"` + banner(seed) + `"}`)
	default:
		return newRowExporter(out, seed, dir, file, f.layout, g)
	}
}

// eventColumns are the dated happenings that row layouts give a column
// each; several dates in one column are separated by ";".
var eventColumns = []string{"missing_episode", "victim_account", "arrest", "suspect_interview", "charge", "victim_arrest", "victim_caution", "victim_conviction"}

// rowExporter writes the layouts with one row per person in a case, the
// case's own fields repeated on each.
type rowExporter struct {
	g      *generator
	layout layout
	s      *sink
	cols   []string
}

func newRowExporter(out string, seed uint64, dir, file string, l layout, g *generator) (*rowExporter, error) {
	e := &rowExporter{g: g, layout: l}
	var err error
	switch l {
	case layoutNicheCSV:
		e.s, err = newSink(out, path.Join(dir, file+"_occurrence_nominals.csv"), ',', false)
		e.cols = []string{"OccurrenceRef", "RecordedDate", "OffenceFromDate", "OffenceToDate", "HOOffenceCodes", "OutcomeCode", "OutcomeDate",
			"DecisionMaker", "Flags", "ClosureRationale", "Narrative", "PersonRef", "Role", "Surname", "Forename", "MiddleNames", "Aliases",
			"DOB", "Sex", "SelfDefinedEthnicity", "ObservedEthnicity", "Nationality", "Address", "Postcode", "PremisesType", "Phones",
			"Vehicles", "Vulnerabilities", "MissingEpisodeDates", "VictimAccountDate", "ArrestDate", "InterviewDate", "ChargeDate",
			"VictimArrestDate", "VictimCautionDate", "VictimConvictionDate"}
	case layoutAthenaSemi:
		e.s, err = newSink(out, path.Join(dir, file+"_crime_export.csv"), ';', true)
		e.cols = []string{"Crime Number", "Nominal Id", "Involvement", "Name", "Date of Birth", "Gender", "Ethnicity (SDE)",
			"Ethnicity (Officer)", "Nationality", "Home Address", "Post Code", "Telephone", "VRM", "Also Known As", "Warning Markers",
			"Date Reported", "Committed From", "Committed To", "Offence Classification", "Outcome", "Outcome Date", "OIC",
			"Flags", "Closure Reason", "Summary", "Missing From Home", "ABE Interview", "Arrested", "Interviewed", "Charged",
			"Victim Arrested", "Victim Cautioned", "Victim Convicted"}
	case layoutConnectTab:
		e.s, err = newSink(out, path.Join(dir, file+"_connect_extract.tsv"), '\t', false)
		e.cols = []string{"INVOLVEMENT_ID", "CRIME_REF", "ROLE", "FAMILY_NAME", "GIVEN_NAMES", "AKA", "BIRTH_DATE", "SEX", "SDE_CODE",
			"IC_CODE", "NATIONALITY", "ADDRESS", "POSTCODE", "PREMISES", "PHONE", "VEHICLE", "MARKERS", "REPORTED_ON",
			"OFFENCE_START", "OFFENCE_END", "HO_CODES", "DISPOSAL", "DISPOSAL_DATE", "DECIDED_BY", "FLAGS", "RATIONALE", "MO_TEXT",
			"MISSING_EPISODES", "ABE_DATE", "ARREST_DATE", "INTERVIEW_DATE", "CHARGE_DATE", "VICTIM_ARREST", "VICTIM_CAUTION",
			"VICTIM_CONVICTION"}
	}
	if err != nil {
		return nil, err
	}
	g.sum.Files = append(g.sum.Files, e.s.rel)
	if err := e.s.line(banner(seed)); err != nil {
		return nil, err
	}
	return e, e.s.header(e.cols...)
}

func (e *rowExporter) close() error { return e.s.close() }

func (e *rowExporter) writeCase(c *caseRec) error {
	for _, m := range c.people {
		var row []string
		switch e.layout {
		case layoutNicheCSV:
			row = e.niche(c, m)
		case layoutAthenaSemi:
			row = e.athena(c, m)
		default:
			row = e.connect(c, m)
		}
		n, err := e.s.row(row)
		if err != nil {
			return err
		}
		if err := e.g.truth.mention(e.s.rel, m.recordID, m.p.id); err != nil {
			return err
		}
		if m.defect != "" {
			if err := e.g.truth.defect(e.s.rel, n, e.defectColumn(m.defect), m.defectWhy); err != nil {
				return err
			}
		}
	}
	return nil
}

// defectColumns name, per layout, the columns of date of birth and
// self-defined ethnicity, where defects are planted.
var defectColumns = map[layout][2]string{
	layoutNicheCSV:   {"DOB", "SelfDefinedEthnicity"},
	layoutAthenaSemi: {"Date of Birth", "Ethnicity (SDE)"},
	layoutConnectTab: {"BIRTH_DATE", "SDE_CODE"},
}

func (e *rowExporter) defectColumn(field string) string {
	if field == "dob" {
		return defectColumns[e.layout][0]
	}
	return defectColumns[e.layout][1]
}

var (
	connectRole = map[pole.Role]string{pole.RoleVictim: "VIC", pole.RoleSuspect: "SUS", pole.RoleWitness: "WIT", pole.RoleOther: "OTH"}
	nominalRole = map[pole.Role]string{pole.RoleVictim: "V", pole.RoleSuspect: "S", pole.RoleWitness: "W", pole.RoleOther: "O"}
	athenaSex   = map[string]string{"M": "Male", "F": "Female"}
	nominalSex  = map[string]string{"M": "1", "F": "2"}
)

func eventDates(m *mentionRec, typ string, format func(pole.PartialDate) string) string {
	var out []string
	for _, ev := range m.events {
		if ev.typ == typ {
			out = append(out, format(ev.date))
		}
	}
	return strings.Join(out, ";")
}

func (e *rowExporter) niche(c *caseRec, m *mentionRec) []string {
	iso := func(d pole.PartialDate) string { return d.String() }
	dob, sde := iso(m.dob), m.sde
	if m.defect == "dob" {
		dob = fmt.Sprintf("%04d-02-30", m.p.dob.Year)
	} else if m.defect == "ethnicity" {
		sde = "X7"
	}
	addr, pc, prem := addressParts(m.addr)
	row := []string{c.ref, iso(c.recorded), iso(c.from), iso(c.to), strings.Join(c.offenceCodes, "|"), strconv.Itoa(c.outcome), iso(c.outcomeDate),
		c.decisionMaker, strings.Join(c.flags, "|"), c.rationale, c.narrative, m.recordID, strings.ToUpper(string(m.role)),
		m.surname, m.forename, m.middle, strings.Join(m.aliases, "; "), dob, m.sex, sde, m.ic, m.national, addr, pc, prem,
		strings.Join(mapStrings(m.phones, phoneNational), "; "), strings.Join(m.vehicles, "; "), strings.Join(m.vuln, "; ")}
	for _, t := range eventColumns {
		row = append(row, eventDates(m, t, iso))
	}
	return row
}

func (e *rowExporter) athena(c *caseRec, m *mentionRec) []string {
	dob := dmy(m.dob)
	if m.defect == "dob" {
		dob = fmt.Sprintf("31/04/%04d", m.p.dob.Year)
	}
	sde := sdeLabel(m.sde)
	if m.defect == "ethnicity" {
		sde = "Unknown Code 77"
	}
	name := upper(m.surname) + ", " + strings.TrimSpace(m.forename+" "+m.middle)
	addr, pc, _ := addressParts(m.addr)
	o, _ := pole.OutcomeByCode(c.outcome)
	sex := athenaSex[m.sex]
	row := []string{c.ref, m.recordID, titleCase(string(m.role)), name, dob, sex, sde, icLabel(m.ic), m.national, addr,
		strings.ReplaceAll(pc, " ", ""), strings.Join(mapStrings(m.phones, phoneSpaced), " / "), strings.Join(mapStrings(m.vehicles, vrmSpaced), " / "),
		strings.Join(m.aliases, " / "), strings.Join(mapStrings(m.vuln, markerLabel), "; "),
		dmy(c.recorded), dmy(c.from), dmy(c.to), strings.Join(c.offenceCodes, ", "), o.Name, dmy(c.outcomeDate), c.decisionMaker,
		strings.Join(c.flags, ", "), c.rationale, c.narrative}
	for _, t := range eventColumns {
		row = append(row, eventDates(m, t, dmy))
	}
	for i, v := range row {
		row[i] = fold1252(v)
	}
	return row
}

func (e *rowExporter) connect(c *caseRec, m *mentionRec) []string {
	dob := longDate(m.dob)
	if m.defect == "dob" {
		dob = fmt.Sprintf("30 February %04d", m.p.dob.Year)
	}
	sde := m.sde
	if m.defect == "ethnicity" {
		sde = "Z1"
	}
	addr, pc, prem := addressParts(m.addr)
	row := []string{m.recordID, c.ref, connectRole[m.role],
		upper(m.surname), strings.TrimSpace(m.forename + " " + m.middle), strings.Join(m.aliases, "|"), dob, m.sex, sde, m.ic, m.national,
		addr, strings.ToLower(pc), strings.ToUpper(prem), strings.Join(m.phones, "|"), strings.Join(m.vehicles, "|"),
		strings.Join(mapStrings(m.vuln, markerCode), ","), longDate(c.recorded), longDate(c.from), longDate(c.to),
		strings.Join(c.offenceCodes, " "), connectOutcome[c.outcome], longDate(c.outcomeDate), c.decisionMaker,
		strings.Join(c.flags, " "), c.rationale, c.narrative}
	for _, t := range eventColumns {
		row = append(row, eventDates(m, t, longDate))
	}
	return row
}

// connectOutcome is the local disposal wording of the tab-separated system:
// text only, so ingest must map it to the Home Office outcome types.
var connectOutcome = map[int]string{
	1: "CHARGED/SUMMONSED", 2: "YOUTH CAUTION", 3: "ADULT CAUTION", 8: "COMMUNITY RESOLUTION",
	9: "NFA - CPS PUBLIC INTEREST", 10: "NFA - POLICE PUBLIC INTEREST", 14: "NFA - NO SUSPECT - VICTIM DECLINES",
	15: "NFA - EVID DIFF - VICTIM SUPPORTS", 16: "NFA - EVID DIFF - VICTIM DECLINES", 17: "NFA - TIME LIMIT EXPIRED",
	18: "FILED - NO SUSPECT IDENTIFIED", 20: "REFERRED TO OTHER AGENCY", 21: "NFA - FURTHER INVESTIGATION NOT IN PUBLIC INTEREST",
	22: "DIVERSIONARY ACTIVITY",
}

func addressParts(a *address) (text, postcode, premises string) {
	if a == nil {
		return "", "", ""
	}
	return a.text, a.postcode, a.premises
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// phoneNational writes +447700912345 as 07700912345.
func phoneNational(e164 string) string { return "0" + strings.TrimPrefix(e164, "+44") }

// phoneSpaced writes +447700912345 as 07700 912345.
func phoneSpaced(e164 string) string {
	n := phoneNational(e164)
	if len(n) == 11 {
		return n[:5] + " " + n[5:]
	}
	return n
}

func vrmSpaced(v string) string {
	if len(v) == 7 {
		return v[:4] + " " + v[4:]
	}
	return v
}

var markerLabels = map[string][2]string{
	"looked_after": {"Looked After Child", "LAC"}, "out_of_area_placement": {"Out of Area Placement", "OOA"},
	"missing_episodes": {"Missing Person", "MFH"}, "disability": {"Disability", "DIS"},
	"learning_disability": {"Learning Disability", "LD"}, "mental_health": {"Mental Health", "MH"},
	"substance_misuse": {"Substance Misuse", "DRG"}, "child_protection": {"Child Protection Plan", "CPP"},
	"pregnancy": {"Pregnant", "PRG"},
}

func markerLabel(v string) string { return markerLabels[v][0] }
func markerCode(v string) string  { return markerLabels[v][1] }

func sdeLabel(code string) string {
	if e, ok := pole.SelfDefinedEthnicity(code); ok {
		return e.Label
	}
	return code
}

func icLabel(code string) string {
	if e, ok := pole.ObservedEthnicity(code); ok {
		return e.Label
	}
	return code
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dmy writes 05/01/1985, 01/1985 or 1985.
func dmy(d pole.PartialDate) string {
	switch d.Precision() {
	case pole.PrecisionDay:
		return pad(d.Day, 2) + "/" + pad(d.Month, 2) + "/" + strconv.Itoa(d.Year)
	case pole.PrecisionMonth:
		return pad(d.Month, 2) + "/" + strconv.Itoa(d.Year)
	case pole.PrecisionYear:
		return strconv.Itoa(d.Year)
	}
	return ""
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// longDate writes 03 March 1989, March 1989 or 1989.
func longDate(d pole.PartialDate) string {
	switch d.Precision() {
	case pole.PrecisionDay:
		return pad(d.Day, 2) + " " + monthNames[d.Month-1] + " " + strconv.Itoa(d.Year)
	case pole.PrecisionMonth:
		return monthNames[d.Month-1] + " " + strconv.Itoa(d.Year)
	case pole.PrecisionYear:
		return strconv.Itoa(d.Year)
	}
	return ""
}

// shortDate writes 05-01-85 (two-digit year), 01-1985 or 1985.
func shortDate(d pole.PartialDate) string {
	if d.Precision() == pole.PrecisionDay {
		return pad(d.Day, 2) + "-" + pad(d.Month, 2) + "-" + pad(d.Year%100, 2)
	}
	return strings.ReplaceAll(dmy(d), "/", "-")
}

// fold1252 writes what a Windows-1252 system can hold: letters outside it
// lose their accents (Ł to L, ș to s), as such systems stored them.
func fold1252(s string) string {
	if isCP1252(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if _, ok := charmap.Windows1252.EncodeRune(r); ok {
			b.WriteRune(r)
			continue
		}
		// Letters with no decomposition to a base letter.
		switch r {
		case 'Ł':
			b.WriteRune('L')
			continue
		case 'ł':
			b.WriteRune('l')
			continue
		case 'İ':
			b.WriteRune('I')
			continue
		case 'ı':
			b.WriteRune('i')
			continue
		}
		wrote := false
		for _, d := range norm.NFD.String(string(r)) {
			if _, ok := charmap.Windows1252.EncodeRune(d); ok && !unicode.Is(unicode.Mn, d) {
				b.WriteRune(d)
				wrote = true
			}
		}
		if !wrote {
			b.WriteRune('?')
		}
	}
	return b.String()
}

func isCP1252(s string) bool {
	for _, r := range s {
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			return false
		}
	}
	return true
}
