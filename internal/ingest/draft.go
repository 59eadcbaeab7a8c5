package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// draftSample is how many data rows a draft looks at.
const draftSample = 500

// synonyms name, for each field a profile can map, the header names forces
// use for it, folded to lower-case letters and digits.
var synonyms = []struct {
	key   string
	names []string
}{
	{"case.crime_ref", []string{"crimeref", "crimenumber", "crimeno", "occurrenceref", "occurrencenumber", "urn", "caseref", "crimereference"}},
	{"case.recorded", []string{"recorded", "recordeddate", "datereported", "reportedon", "reported", "reporteddate", "daterecorded"}},
	{"case.offence_from", []string{"offencefrom", "offencefromdate", "committedfrom", "offencestart", "from", "datefrom"}},
	{"case.offence_to", []string{"offenceto", "offencetodate", "committedto", "offenceend", "to", "dateto"}},
	{"case.offence_codes", []string{"hooffencecodes", "hocodes", "offencecodes", "offenceclassification", "hooffencecode", "offencecode"}},
	{"case.outcome", []string{"outcome", "outcomecode", "outcometype", "disposal", "finalisation"}},
	{"case.outcome_date", []string{"outcomedate", "disposaldate", "finalisationdate"}},
	{"case.decision_maker", []string{"decisionmaker", "decidedby", "decisionby", "oic"}},
	{"case.flags", []string{"flags", "crimeflags", "cseflag"}},
	{"case.closure_rationale", []string{"closurerationale", "closurereason", "rationale", "reasonforclosure"}},
	{"case.narrative", []string{"narrative", "summary", "motext", "mo", "circumstances"}},
	{"person.record_id", []string{"personref", "personid", "nominalid", "nominalref", "involvementid", "personreference", "nominalnumber"}},
	{"person.role", []string{"role", "involvement", "involvementtype", "persontype"}},
	{"person.surname", []string{"surname", "familyname", "lastname"}},
	{"person.forename", []string{"forename", "firstname", "givenname"}},
	{"person.middle_names", []string{"middlenames", "middlename", "middle"}},
	{"person.forenames", []string{"forenames", "givennames", "firstnames"}},
	{"person.name", []string{"name", "fullname", "personname"}},
	{"person.aliases", []string{"aliases", "alias", "aka", "alsoknownas", "nicknames"}},
	{"person.dob", []string{"dob", "dateofbirth", "birthdate", "born"}},
	{"person.sex", []string{"sex", "gender"}},
	{"person.ethnicity_self", []string{"selfdefinedethnicity", "sde", "sdecode", "ethnicitysde", "ethnicity"}},
	{"person.ethnicity_observed", []string{"observedethnicity", "ic", "iccode", "ethnicityofficer", "officerdefinedethnicity"}},
	{"person.nationality", []string{"nationality"}},
	{"person.address", []string{"address", "homeaddress"}},
	{"person.postcode", []string{"postcode"}},
	{"person.premises", []string{"premises", "premisestype"}},
	{"person.phones", []string{"phones", "phone", "telephone", "mobile", "phonenumber"}},
	{"person.vehicles", []string{"vehicles", "vehicle", "vrm", "registration"}},
	{"person.vulnerabilities", []string{"vulnerabilities", "markers", "warningmarkers", "vulnerability"}},
}

// dateCandidates are the date layouts a draft tries on date columns, most
// specific first.
var dateCandidates = []string{"yyyy-mm-dd", "dd/mm/yyyy", "dd-mm-yyyy", "dd.mm.yyyy", "dd Month yyyy", "dd Mon yyyy",
	"dd-Mon-yy", "dd-Mon-yyyy", "dd/mm/yy", "dd-mm-yy", "d/m/yyyy", "yyyy-mm", "mm/yyyy", "mm-yyyy", "Month yyyy", "yyyy"}

func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Draft proposes a profile for a delimited export nobody has seen before,
// from its header and first rows: delimiter, encoding, lines before the
// header, which column is which field, the date layouts that read every
// sampled date, and the labels that need a code. A person reviews it and
// runs profile check before any ingest.
func Draft(file, force string) (string, error) {
	const op = "ingest.Draft"
	// Enough of the file to meet a non-ASCII name, which tells the encoding.
	head, err := readHead(file, 4<<20)
	if err != nil {
		return "", pole.E(op, err)
	}
	encoding := "utf-8"
	if !utf8.Valid(trimPartialRune(head)) {
		encoding = "windows-1252"
		if head, err = charmap.Windows1252.NewDecoder().Bytes(head); err != nil {
			return "", pole.E(op, err)
		}
	}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	if bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")) {
		text, err := draftJSON(file, force, encoding, lines)
		if err != nil {
			return "", pole.E(op, err)
		}
		return text, nil
	}
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut short
	}
	delim, skip := guessDelimiter(lines)
	if delim == 0 {
		return "", pole.E(op, pole.Invalid("file", "%s: no delimiter (comma, semicolon, tab or bar) splits its lines evenly", file))
	}
	header, rows, err := parseSample(lines[skip:], delim)
	if err != nil {
		return "", pole.E(op, pole.Invalid("file", "%s: %v", file, err))
	}
	fields := map[string]string{} // profile key -> column
	var unmapped []string
	for _, h := range header {
		key := ""
		for _, s := range synonyms {
			if slices.Contains(s.names, fold(h)) {
				if _, taken := fields[s.key]; !taken {
					key = s.key
				}
				break
			}
		}
		if key == "" {
			unmapped = append(unmapped, h)
			continue
		}
		fields[key] = h
	}
	layout := draftLayout(fields, len(header))
	column := func(name string) []string {
		i := slices.Index(header, name)
		if i < 0 {
			return nil
		}
		var out []string
		for _, r := range rows {
			if i < len(r) && strings.TrimSpace(r[i]) != "" {
				out = append(out, strings.TrimSpace(r[i]))
			}
		}
		return out
	}
	var dateValues []string
	for _, k := range []string{"case.recorded", "case.offence_from", "case.offence_to", "case.outcome_date", "person.dob"} {
		if c, ok := fields[k]; ok {
			dateValues = append(dateValues, column(c)...)
		}
	}
	dates, pivot := guessDates(dateValues)

	var b strings.Builder
	fmt.Fprintf(&b, "# Drafted by caselink profile draft from %s.\n# Check every line, then run: caselink profile check --profile THIS %s\n", filepath.Base(file), filepath.Base(file))
	fmt.Fprintf(&b, "force = %q\nsystem = %q\nlayout = %q\nfiles = %q\n\n[format]\n", force, "", layout, filepath.Base(file))
	fmt.Fprintf(&b, "delimiter = %q\nencoding = %q\nskip_lines = %d\n", string(delim), encoding, skip)
	fmt.Fprintf(&b, "dates = [%s]\n", quoteList(dates))
	if pivot {
		b.WriteString("# Two-digit years: check the pivot against the oldest and youngest dates of birth.\ntwo_digit_year_pivot = 30\n")
	}
	for _, section := range []string{"case", "person"} {
		var keys []string
		for _, s := range synonyms {
			c, ok := fields[s.key]
			if !ok || !strings.HasPrefix(s.key, section+".") || !wanted(layout, section) {
				continue
			}
			if s.key == "person.name" {
				style := "forenames_then_surname"
				if slices.ContainsFunc(column(c), func(v string) bool { return strings.Contains(v, ",") }) {
					style = "surname_comma_forenames"
				}
				keys = append(keys, fmt.Sprintf("name = { column = %q, style = %q }", c, style))
				continue
			}
			if sep := listSeparator(s.key, column(c)); sep != "" {
				keys = append(keys, fmt.Sprintf("%s = { column = %q, split = %q }", strings.TrimPrefix(s.key, section+"."), c, sep))
				continue
			}
			keys = append(keys, fmt.Sprintf("%s = %q", strings.TrimPrefix(s.key, section+"."), c))
		}
		if len(keys) > 0 {
			fmt.Fprintf(&b, "\n[%s]\n%s\n", section, strings.Join(keys, "\n"))
		}
	}
	if layout == LinkTable {
		fmt.Fprintf(&b, "\n[link]\ncrime_ref = %q\nrecord_id = %q\nrole = %q\n", fields["case.crime_ref"], fields["person.record_id"], fields["person.role"])
	}
	writeLabels(&b, "role", column(fields["person.role"]), func(v string) bool { return slices.Contains(pole.Roles, pole.Role(strings.ToLower(v))) })
	writeLabels(&b, "sex", column(fields["person.sex"]), func(v string) bool { return slices.Contains(pole.Sexes, strings.ToUpper(v)) })
	writeLabels(&b, "ethnicity_self", column(fields["person.ethnicity_self"]), func(v string) bool { _, ok := pole.SelfDefinedEthnicity(strings.ToUpper(v)); return ok })
	writeLabels(&b, "ethnicity_observed", column(fields["person.ethnicity_observed"]), func(v string) bool { _, ok := pole.ObservedEthnicity(strings.ToUpper(v)); return ok })
	writeLabels(&b, "outcome", column(fields["case.outcome"]), func(v string) bool {
		var n int
		_, err := fmt.Sscanf(v, "%d", &n)
		_, ok := pole.OutcomeByCode(n)
		return err == nil && ok && fmt.Sprint(n) == v
	})
	if len(unmapped) > 0 {
		fmt.Fprintf(&b, "\n# Columns not mapped (name them above if they hold a field): %s\n", strings.Join(unmapped, ", "))
	}
	return b.String(), nil
}

// listFields are the fields that may hold several values in one column.
var listFields = []string{"case.offence_codes", "case.flags", "person.aliases", "person.phones", "person.vehicles", "person.vulnerabilities"}

// listSeparator finds how a list field's sample values are separated.
func listSeparator(key string, values []string) string {
	if !slices.Contains(listFields, key) {
		return ""
	}
	for _, sep := range []string{";", "|", "/", ","} {
		if slices.ContainsFunc(values, func(v string) bool { return strings.Contains(v, sep) }) {
			return sep
		}
	}
	// Codes and flags run together with spaces ("19D 22B").
	if (key == "case.offence_codes" || key == "case.flags") && slices.ContainsFunc(values, func(v string) bool { return strings.Contains(v, " ") }) {
		return " "
	}
	return ""
}

func wanted(layout Layout, section string) bool {
	switch layout {
	case NominalIndex:
		return section == "person"
	case CaseList:
		return section == "case"
	case LinkTable:
		return false
	}
	return true
}

func draftLayout(fields map[string]string, columns int) Layout {
	_, ref := fields["case.crime_ref"]
	_, rec := fields["person.record_id"]
	_, role := fields["person.role"]
	switch {
	case ref && rec && role && columns <= 4:
		return LinkTable
	case ref && rec:
		return PersonRows
	case rec:
		return NominalIndex
	default:
		return CaseList
	}
}

// writeLabels lists the values seen that are not caselink codes, for a
// person to map.
func writeLabels(b *strings.Builder, table string, values []string, valid func(string) bool) {
	var labels []string
	for _, v := range values {
		if !valid(v) && !slices.Contains(labels, v) {
			labels = append(labels, v)
		}
	}
	if len(labels) == 0 {
		return
	}
	slices.Sort(labels)
	fmt.Fprintf(b, "\n# Labels seen in the sample that are not caselink codes: map each, or delete the line.\n[codes.%s]\n", table)
	for _, l := range labels {
		fmt.Fprintf(b, "# %q = \"\"\n", l)
	}
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// guessDelimiter finds the delimiter, and the number of lines before the
// header, that read the most rows with as many fields as the header has
// (quoted fields may hold the delimiter, so lines are parsed, not counted).
func guessDelimiter(lines []string) (rune, int) {
	best, bestScore, bestSkip := rune(0), 0, 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		for skip := 0; skip < min(5, len(lines)); skip++ {
			r := csv.NewReader(strings.NewReader(strings.Join(lines[skip:], "\n")))
			r.Comma, r.FieldsPerRecord, r.LazyQuotes = d, -1, true
			header, err := r.Read()
			if err != nil || len(header) < 2 {
				continue
			}
			score := 0
			for {
				rec, err := r.Read()
				if err == io.EOF {
					break
				}
				if err == nil && len(rec) == len(header) {
					score++
				}
			}
			if score > bestScore {
				best, bestScore, bestSkip = d, score, skip
			}
			break
		}
	}
	return best, bestSkip
}

func parseSample(lines []string, delim rune) ([]string, [][]string, error) {
	r := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = delim, -1, true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read a header: %v", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	var rows [][]string
	for len(rows) < draftSample {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			continue
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

// guessDates picks the layouts that read the sampled dates, in the order
// of the candidates, and says whether any has a two-digit year.
func guessDates(values []string) ([]string, bool) {
	var chosen []string
	left := slices.Clone(values)
	for _, l := range dateCandidates {
		if len(left) == 0 {
			break
		}
		pivot := 0
		if strings.Contains(strings.ReplaceAll(l, "yyyy", ""), "yy") {
			pivot = 30
		}
		p, err := normalise.CompileDateLayouts([]string{l}, pivot)
		if err != nil {
			continue
		}
		var rest []string
		for _, v := range left {
			if _, err := p.Parse(v); err != nil {
				rest = append(rest, v)
			}
		}
		if len(rest) < len(left) {
			chosen = append(chosen, l)
			left = rest
		}
	}
	if len(chosen) == 0 {
		chosen = []string{"yyyy-mm-dd", "yyyy-mm", "yyyy"}
	}
	two := slices.ContainsFunc(chosen, func(l string) bool { return strings.Contains(strings.ReplaceAll(l, "yyyy", ""), "yy") })
	return chosen, two
}

func readHead(file string, n int) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, pole.Errorf(pole.ENOTFOUND, "%v", err)
	}
	defer f.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(bufio.NewReader(f), buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return buf[:k], nil
}

// trimPartialRune drops a rune cut in half at the end of a sample.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}
