// Package ingest reads forces' export files through mapping profiles into
// caselink's domain records, validating and normalising every value and
// naming the file, row, field and value of every problem.
package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// Layout is what one export file holds.
type Layout string

const (
	// PersonRows: one row per person in a case, the case's fields repeated.
	PersonRows Layout = "person_rows"
	// JSONCases: JSON Lines, one case a line with its people and events.
	JSONCases Layout = "json_cases"
	// NominalIndex: a force's list of people, apart from its cases.
	NominalIndex Layout = "nominal_index"
	// CaseList: cases alone, one a row.
	CaseList Layout = "case_list"
	// LinkTable: which person (by nominal reference) is in which case, and how.
	LinkTable Layout = "link_table"
	// PersonEvents: dated events of people in cases, one a row.
	PersonEvents Layout = "person_events"
)

var layouts = []Layout{PersonRows, JSONCases, NominalIndex, CaseList, LinkTable, PersonEvents}

// Profile maps one force's export format to the domain model. It is read
// from a TOML file that people edit; see docs/profiles.md.
type Profile struct {
	Path   string `toml:"-"` // where it was read from
	Force  string `toml:"force"`
	System string `toml:"system"`
	Layout Layout `toml:"layout"`
	// Files is a glob on the file name that says which files the profile
	// is for, so one force's several layouts each find their own.
	Files  string       `toml:"files"`
	Format Format       `toml:"format"`
	Case   CaseFields   `toml:"case"`
	Person PersonFields `toml:"person"`
	// Events maps an event type to the column holding its dates (person
	// rows): several dates in one column are split.
	Events map[string]Field `toml:"events"`
	Event  EventFields      `toml:"event"`
	Link   LinkFields       `toml:"link"`
	// Codes translate a force's own labels: codes.outcome maps labels to
	// Home Office outcome types; codes.role, codes.sex, codes.ethnicity_self,
	// codes.ethnicity_observed, codes.vulnerability, codes.premises,
	// codes.flag and codes.event map labels to caselink's codes.
	Codes map[string]map[string]any `toml:"codes"`

	dates *normalise.DateParser
	src   []byte
	// codes holds each code table with its labels folded to lower case,
	// so that a label matches however the file capitalises it.
	codes map[string]map[string]any
}

// Format is how the file is written.
type Format struct {
	Delimiter string   `toml:"delimiter"` // ",", ";" or "\t"; empty for JSON Lines
	Encoding  string   `toml:"encoding"`  // "utf-8" (default) or "windows-1252"
	SkipLines int      `toml:"skip_lines"`
	Dates     []string `toml:"dates"` // date layouts, tried in order
	// TwoDigitYearPivot: yy at or above it is 19yy, below it 20yy.
	TwoDigitYearPivot int `toml:"two_digit_year_pivot"`
}

// Field names where a value is: a column (or a JSON path), and how a list
// in one field is separated, or how a whole name is written.
type Field struct {
	Column string
	Split  string
	Style  string // for name: surname_comma_forenames or forenames_then_surname
}

// UnmarshalTOML takes either "Column" or { column = "...", split = "...", style = "..." }.
func (f *Field) UnmarshalTOML(v any) error {
	switch t := v.(type) {
	case string:
		f.Column = t
		return nil
	case map[string]any:
		for k, val := range t {
			s, ok := val.(string)
			if !ok {
				return fmt.Errorf("%s must be a string", k)
			}
			switch k {
			case "column":
				f.Column = s
			case "split":
				f.Split = s
			case "style":
				f.Style = s
			default:
				return fmt.Errorf("unknown key %q in a field (column, split, style)", k)
			}
		}
		if f.Column == "" {
			return errors.New("a field needs a column")
		}
		return nil
	}
	return fmt.Errorf("a field is a column name or { column = ..., split = ... }, not %T", v)
}

func (f Field) set() bool { return f.Column != "" }

// CaseFields say where a case's values are.
type CaseFields struct {
	CrimeRef         Field `toml:"crime_ref"`
	Recorded         Field `toml:"recorded"`
	OffenceFrom      Field `toml:"offence_from"`
	OffenceTo        Field `toml:"offence_to"`
	OffenceCodes     Field `toml:"offence_codes"`
	Outcome          Field `toml:"outcome"`
	OutcomeDate      Field `toml:"outcome_date"`
	DecisionMaker    Field `toml:"decision_maker"`
	Flags            Field `toml:"flags"`
	ClosureRationale Field `toml:"closure_rationale"`
	Narrative        Field `toml:"narrative"`
}

// PersonFields say where a person record's values are. Path is, for JSON
// cases, the array of people in each case.
type PersonFields struct {
	Path              string `toml:"path"`
	RecordID          Field  `toml:"record_id"`
	Role              Field  `toml:"role"`
	Name              Field  `toml:"name"` // the whole name in one field, with a style
	Forename          Field  `toml:"forename"`
	MiddleNames       Field  `toml:"middle_names"`
	Forenames         Field  `toml:"forenames"` // forename and middle names in one field
	Surname           Field  `toml:"surname"`
	Aliases           Field  `toml:"aliases"`
	DOB               Field  `toml:"dob"`
	Sex               Field  `toml:"sex"`
	EthnicitySelf     Field  `toml:"ethnicity_self"`
	EthnicityObserved Field  `toml:"ethnicity_observed"`
	Nationality       Field  `toml:"nationality"`
	Address           Field  `toml:"address"`
	Postcode          Field  `toml:"postcode"`
	Premises          Field  `toml:"premises"`
	Phones            Field  `toml:"phones"`
	Vehicles          Field  `toml:"vehicles"`
	Vulnerabilities   Field  `toml:"vulnerabilities"`
}

// EventFields say where a listed event's values are: in a person events
// file, or in each JSON case's array at Path.
type EventFields struct {
	Path     string `toml:"path"`
	CrimeRef Field  `toml:"crime_ref"`
	RecordID Field  `toml:"record_id"`
	Type     Field  `toml:"type"`
	Date     Field  `toml:"date"`
}

// LinkFields say where a link table's values are.
type LinkFields struct {
	CrimeRef Field `toml:"crime_ref"`
	RecordID Field `toml:"record_id"`
	Role     Field `toml:"role"`
}

// ProfileError is a problem in a profile, at a line of its file.
type ProfileError struct {
	Path string
	Line int // 0 when no line can be named
	Key  string
	Msg  string
}

func (e *ProfileError) Error() string {
	loc := e.Path
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Key != "" {
		return loc + ": " + e.Key + ": " + e.Msg
	}
	return loc + ": " + e.Msg
}

// LoadProfile reads and checks the profile at path.
func LoadProfile(path string) (*Profile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, pole.E("ingest.LoadProfile", pole.Errorf(pole.ENOTFOUND, "profile %s: %v", path, err))
	}
	p, err := ParseProfile(path, src)
	if err != nil {
		return nil, pole.E("ingest.LoadProfile", err)
	}
	return p, nil
}

// ParseProfile reads a profile from src; path names it in errors.
func ParseProfile(path string, src []byte) (*Profile, error) {
	p := &Profile{Path: path, src: src}
	md, err := toml.NewDecoder(bytes.NewReader(src)).Decode(p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, invalid(&ProfileError{Path: path, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message})
		}
		return nil, invalid(&ProfileError{Path: path, Msg: err.Error()})
	}
	for _, k := range md.Undecoded() {
		key := k.String()
		if strings.HasPrefix(key, "codes.") {
			continue
		}
		return nil, p.errorAt(key, "unknown setting")
	}
	if err := p.check(md.IsDefined("format", "two_digit_year_pivot")); err != nil {
		return nil, err
	}
	return p, nil
}

func invalid(pe *ProfileError) error {
	return &pole.Error{Code: pole.EINVALID, Field: "profile", Message: pe.Error()}
}

// errorAt makes an EINVALID naming the line where key is set.
func (p *Profile) errorAt(key, format string, args ...any) error {
	return invalid(&ProfileError{Path: p.Path, Line: locate(p.src, key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

var (
	tableHeader = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_."\- ]+?)\s*\]`)
	keyLine     = regexp.MustCompile(`^\s*(?:"([^"]*)"|([A-Za-z0-9_\-]+))\s*=`)
)

// locate finds the line that sets a dotted key such as person.role, so that
// errors found after parsing can still say where to look. 0 if not found.
func locate(src []byte, key string) int {
	table, leaf := "", key
	if i := strings.LastIndex(key, "."); i >= 0 {
		table, leaf = key[:i], key[i+1:]
	}
	return locateIn(src, table, leaf)
}

// locateIn finds the line that sets leaf in table; a label may hold dots.
func locateIn(src []byte, table, leaf string) int {
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if m := tableHeader.FindStringSubmatch(text); m != nil {
			current = strings.ReplaceAll(m[1], " ", "")
			continue
		}
		if m := keyLine.FindStringSubmatch(text); m != nil && current == table && m[1]+m[2] == leaf {
			return line
		}
	}
	if table != "" {
		return locate(src, table)
	}
	return 0
}

// errorAtCode makes an EINVALID naming the line of a label in a code table.
func (p *Profile) errorAtCode(table, label, format string, args ...any) error {
	return invalid(&ProfileError{Path: p.Path, Line: locateIn(p.src, table, label), Key: table + "." + label, Msg: fmt.Sprintf(format, args...)})
}

// check validates the profile as a whole.
func (p *Profile) check(pivotSet bool) error {
	if _, ok := pole.ForceByCode(p.Force); !ok {
		return p.errorAt("force", "unknown force code %q", p.Force)
	}
	if !slices.Contains(layouts, p.Layout) {
		return p.errorAt("layout", "unknown layout %q (one of %v)", p.Layout, layouts)
	}
	if p.Files == "" {
		return p.errorAt("files", "is required: a pattern for the file names this profile reads, such as \"*_nominals.csv\"")
	}
	if _, err := path.Match(p.Files, ""); err != nil {
		return p.errorAt("files", "bad pattern %q: %v", p.Files, err)
	}
	f := &p.Format
	switch {
	case p.Layout == JSONCases && f.Delimiter != "":
		return p.errorAt("format.delimiter", "JSON Lines have no delimiter")
	case p.Layout != JSONCases && len([]rune(f.Delimiter)) != 1:
		return p.errorAt("format.delimiter", "must be one character such as \",\", \";\" or \"\\t\", got %q", f.Delimiter)
	}
	switch strings.ToLower(f.Encoding) {
	case "", "utf-8", "utf8":
		f.Encoding = "utf-8"
	case "windows-1252", "cp1252":
		f.Encoding = "windows-1252"
	default:
		return p.errorAt("format.encoding", "unknown encoding %q (utf-8 or windows-1252)", f.Encoding)
	}
	if f.SkipLines < 0 {
		return p.errorAt("format.skip_lines", "must not be negative")
	}
	if f.TwoDigitYearPivot < 0 || f.TwoDigitYearPivot > 99 {
		return p.errorAt("format.two_digit_year_pivot", "must be 0-99, got %d", f.TwoDigitYearPivot)
	}
	if len(f.Dates) == 0 {
		f.Dates = []string{"yyyy-mm-dd", "yyyy-mm", "yyyy"}
	}
	for _, l := range f.Dates {
		// A two-digit year is a guess at the century: the profile must say
		// where its guess turns.
		if strings.Contains(strings.ReplaceAll(l, "yyyy", ""), "yy") && !pivotSet {
			return p.errorAt("format.dates", "layout %q has a two-digit year: set format.two_digit_year_pivot (yy at or above it is 19yy, below it 20yy)", l)
		}
	}
	var err error
	if p.dates, err = normalise.CompileDateLayouts(f.Dates, f.TwoDigitYearPivot); err != nil {
		return p.errorAt("format.dates", "%v", pole.ErrorMessage(err))
	}
	for typ := range p.Events {
		if !slices.Contains(pole.EventTypes, typ) {
			return p.errorAt("events."+typ, "unknown event type (one of %v)", pole.EventTypes)
		}
	}
	p.codes = map[string]map[string]any{}
	for name, table := range p.Codes {
		if err := p.checkCodes(name, table); err != nil {
			return err
		}
		folded := make(map[string]any, len(table))
		for label, v := range table {
			key := strings.ToLower(strings.TrimSpace(label))
			if prev, dup := folded[key]; dup && prev != v {
				return p.errorAtCode("codes."+name, label, "differs only in capitals from another label that maps elsewhere")
			}
			folded[key] = v
		}
		p.codes[name] = folded
	}
	return p.checkRequired()
}

// checkRequired names the fields each layout cannot do without.
func (p *Profile) checkRequired() error {
	need := func(key string, f Field) error {
		if !f.set() {
			return p.errorAt(key, "is required for layout %s", p.Layout)
		}
		return nil
	}
	var err error
	switch p.Layout {
	case PersonRows, JSONCases:
		err = errors.Join(need("case.crime_ref", p.Case.CrimeRef), need("person.record_id", p.Person.RecordID), need("person.role", p.Person.Role))
		if err == nil && p.Layout == JSONCases && p.Person.Path == "" {
			err = p.errorAt("person.path", "is required for layout json_cases: the array of people in each case")
		}
	case NominalIndex:
		err = need("person.record_id", p.Person.RecordID)
	case CaseList:
		err = need("case.crime_ref", p.Case.CrimeRef)
	case LinkTable:
		err = errors.Join(need("link.crime_ref", p.Link.CrimeRef), need("link.record_id", p.Link.RecordID), need("link.role", p.Link.Role))
	case PersonEvents:
		err = errors.Join(need("event.crime_ref", p.Event.CrimeRef), need("event.record_id", p.Event.RecordID), need("event.type", p.Event.Type), need("event.date", p.Event.Date))
	}
	if err != nil {
		return err
	}
	if p.Person.Name.set() {
		switch p.Person.Name.Style {
		case "surname_comma_forenames", "forenames_then_surname":
		default:
			return p.errorAt("person.name", "style must be surname_comma_forenames or forenames_then_surname, got %q", p.Person.Name.Style)
		}
	}
	return nil
}

// checkCodes checks that a code table translates into codes caselink knows.
func (p *Profile) checkCodes(name string, table map[string]any) error {
	key := "codes." + name
	for label, v := range table {
		var ok bool
		switch name {
		case "outcome":
			n, isInt := v.(int64)
			_, ok = pole.OutcomeByCode(int(n))
			ok = ok && isInt
		default:
			s, isString := v.(string)
			if !isString {
				return p.errorAtCode(key, label, "must map to a string code")
			}
			switch name {
			case "role":
				ok = slices.Contains(pole.Roles, pole.Role(s))
			case "sex":
				ok = s == "" || slices.Contains(pole.Sexes, s)
			case "ethnicity_self":
				_, ok = pole.SelfDefinedEthnicity(s)
				ok = ok || s == ""
			case "ethnicity_observed":
				_, ok = pole.ObservedEthnicity(s)
				ok = ok || s == ""
			case "vulnerability":
				ok = slices.Contains(pole.Vulnerabilities, s)
			case "premises":
				ok = slices.Contains(pole.PremisesTypes, s)
			case "flag":
				ok = slices.Contains(pole.CaseFlags, s)
			case "event":
				ok = slices.Contains(pole.EventTypes, s)
			default:
				return p.errorAt(key, "unknown code table (outcome, role, sex, ethnicity_self, ethnicity_observed, vulnerability, premises, flag, event)")
			}
		}
		if !ok {
			return p.errorAtCode(key, label, "maps to %v, which is not a valid %s code", v, name)
		}
	}
	return nil
}

// Matches reports whether the profile is for the named file.
func (p *Profile) Matches(fileName string) bool {
	ok, _ := path.Match(p.Files, path.Base(fileName))
	return ok
}

// loadRank orders layouts so that what a file names is stored before it:
// people and cases before the links and events between them.
func (l Layout) loadRank() int {
	switch l {
	case NominalIndex:
		return 0
	case CaseList:
		return 1
	case PersonRows, JSONCases:
		return 2
	case LinkTable:
		return 3
	default:
		return 4
	}
}

// SortForLoading orders profiles by force, and within a force so that each
// file's references are stored before it is loaded.
func SortForLoading(profiles []*Profile) {
	slices.SortStableFunc(profiles, func(a, b *Profile) int {
		if c := strings.Compare(a.Force, b.Force); c != 0 {
			return c
		}
		if c := a.Layout.loadRank() - b.Layout.loadRank(); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
}
