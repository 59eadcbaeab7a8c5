package pole

import (
	"embed"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/caselink/caselink/internal/reftable"
)

// The code lists are compiled in so that every binary validates against the
// same public reference tables; codelists/SOURCES.md records where they came from.
//
//go:embed codelists/*.csv
var codeListFiles embed.FS

// Force is a police force or agency whose cases can enter the system.
type Force struct {
	// Code is the data.police.uk force id (e.g. "metropolitan", "btp");
	// "nca" is this project's own id, as the NCA does not publish there.
	Code string
	// Name is the force's current official name.
	Name string
	// PNCCode is the two-digit Police National Computer force code, kept as
	// text because the leading zero is significant (e.g. "01").
	PNCCode string
	// Country is "England" or "Wales" for territorial forces, and the
	// jurisdiction for the others ("Great Britain", "United Kingdom").
	Country string
	// Kind is "territorial", "transport" or "national".
	Kind string
}

// OutcomeType is a Home Office crime outcome type (HOCR Section H).
type OutcomeType struct {
	// Code is the outcome number, 1 to 22. Alternate-offence variants
	// (1A, 2A, 3A) are not separate codes and share 1, 2 and 3.
	Code int
	// Name is the short name of the outcome.
	Name string
	// Group is the Home Office outcome group used in published statistics;
	// empty for outcome 19, which the reference places in no group.
	Group string
}

// EthnicityCode is one code of a police ethnicity classification.
type EthnicityCode struct {
	// Scheme is "SDE 18+1" (self-defined) or "IC 6+1" (officer-observed).
	Scheme string
	// Code is the canonical code, e.g. "W1" or "IC1".
	Code string
	// Label is the human-readable description.
	Label string
}

const (
	kindTerritorial = "territorial"
	kindTransport   = "transport"
	kindNational    = "national"

	schemeSelfDefined = "SDE 18+1"
	schemeObserved    = "IC 6+1"

	firstOutcomeCode = 1
	lastOutcomeCode  = 22
)

// codeLists holds the parsed tables and their indexes.
type codeLists struct {
	forces        []Force // sorted by Name
	forceByCode   map[string]Force
	outcomes      []OutcomeType // sorted by Code
	outcomeByCode map[int]OutcomeType
	ethnicity     []EthnicityCode // file order: SDE first, then IC
	selfDefined   map[string]EthnicityCode
	observed      map[string]EthnicityCode
}

// loadedCodeLists parses the embedded tables on first use. They are fixed at
// build time, so a malformed row is a bug in this package and panics.
var loadedCodeLists = sync.OnceValue(func() *codeLists {
	c := &codeLists{}
	c.loadForces()
	c.loadOutcomes()
	c.loadEthnicity()
	return c
})

// Forces returns the 43 territorial forces of England and Wales, British
// Transport Police and the National Crime Agency, sorted by Name. The slice
// is a copy the caller may modify.
func Forces() []Force {
	return slices.Clone(loadedCodeLists().forces)
}

// ForceByCode returns the force with the given data.police.uk id. The match
// is exact: callers normalise case and spacing before looking up.
func ForceByCode(code string) (Force, bool) {
	f, ok := loadedCodeLists().forceByCode[code]
	return f, ok
}

// OutcomeTypes returns outcome types 1 to 22 sorted by Code. The slice is a
// copy the caller may modify.
func OutcomeTypes() []OutcomeType {
	return slices.Clone(loadedCodeLists().outcomes)
}

// OutcomeByCode returns the outcome type with the given number. Only 1 to 22
// exist; in particular 0, which Home Office tables use for "not yet
// assigned", is not an outcome and reports false.
func OutcomeByCode(code int) (OutcomeType, bool) {
	o, ok := loadedCodeLists().outcomeByCode[code]
	return o, ok
}

// EthnicityCodes returns every ethnicity code, the SDE 18+1 codes first and
// then the IC 6+1 codes. The slice is a copy the caller may modify.
func EthnicityCodes() []EthnicityCode {
	return slices.Clone(loadedCodeLists().ethnicity)
}

// SelfDefinedEthnicity returns the SDE 18+1 code (including "NS", not
// stated). The 2021 Census "White: Roma" category has no police code in the
// reference, so it is absent here; the reference advises recording it as W9.
func SelfDefinedEthnicity(code string) (EthnicityCode, bool) {
	e, ok := loadedCodeLists().selfDefined[code]
	return e, ok
}

// ObservedEthnicity returns the officer-observed IC code, IC1 to IC6 or IC9
// (unknown). Some forces write unknown as IC0 or IC7; those are local
// variants for ingest to map to IC9, so they are not accepted here.
func ObservedEthnicity(code string) (EthnicityCode, bool) {
	e, ok := loadedCodeLists().observed[code]
	return e, ok
}

func (c *codeLists) loadForces() {
	c.forceByCode = make(map[string]Force)
	pncSeen := make(map[string]bool)
	for _, row := range reftable.Read(codeListFiles, "pole", "codelists/forces.csv", "code", "name", "pnc_code", "country", "kind") {
		row.RequireValues(0, 1, 2, 3, 4)
		f := Force{
			Code:    row.Fields[0],
			Name:    row.Fields[1],
			PNCCode: row.Fields[2],
			Country: row.Fields[3],
			Kind:    row.Fields[4],
		}
		if !isTwoDigits(f.PNCCode) {
			row.Fail("pnc_code %q is not two digits", f.PNCCode)
		}
		switch f.Kind {
		case kindTerritorial, kindTransport, kindNational:
		default:
			row.Fail("unknown kind %q", f.Kind)
		}
		if _, dup := c.forceByCode[f.Code]; dup {
			row.Fail("duplicate code %q", f.Code)
		}
		if pncSeen[f.PNCCode] {
			row.Fail("duplicate pnc_code %q", f.PNCCode)
		}
		pncSeen[f.PNCCode] = true
		c.forceByCode[f.Code] = f
		c.forces = append(c.forces, f)
	}
	slices.SortFunc(c.forces, func(a, b Force) int { return strings.Compare(a.Name, b.Name) })
}

func (c *codeLists) loadOutcomes() {
	c.outcomeByCode = make(map[int]OutcomeType)
	for _, row := range reftable.Read(codeListFiles, "pole", "codelists/outcome_types.csv", "code", "name", "group") {
		row.RequireValues(0, 1)
		code, err := strconv.Atoi(row.Fields[0])
		if err != nil || code < firstOutcomeCode || code > lastOutcomeCode {
			row.Fail("code %q is not an outcome number from %d to %d", row.Fields[0], firstOutcomeCode, lastOutcomeCode)
		}
		if _, dup := c.outcomeByCode[code]; dup {
			row.Fail("duplicate code %d", code)
		}
		o := OutcomeType{Code: code, Name: row.Fields[1], Group: row.Fields[2]}
		c.outcomeByCode[code] = o
		c.outcomes = append(c.outcomes, o)
	}
	slices.SortFunc(c.outcomes, func(a, b OutcomeType) int { return a.Code - b.Code })
}

func (c *codeLists) loadEthnicity() {
	c.selfDefined = make(map[string]EthnicityCode)
	c.observed = make(map[string]EthnicityCode)
	for _, row := range reftable.Read(codeListFiles, "pole", "codelists/ethnicity_codes.csv", "scheme", "code", "label") {
		row.RequireValues(0, 1, 2)
		e := EthnicityCode{Scheme: row.Fields[0], Code: row.Fields[1], Label: row.Fields[2]}
		// An unknown scheme fails loudly so that whoever adds one decides
		// which lookup it belongs to instead of it silently matching neither.
		var index map[string]EthnicityCode
		switch e.Scheme {
		case schemeSelfDefined:
			index = c.selfDefined
		case schemeObserved:
			index = c.observed
		default:
			row.Fail("unknown scheme %q", e.Scheme)
		}
		if _, dup := index[e.Code]; dup {
			row.Fail("duplicate %s code %q", e.Scheme, e.Code)
		}
		index[e.Code] = e
		c.ethnicity = append(c.ethnicity, e)
	}
}

func isTwoDigits(s string) bool {
	return len(s) == 2 && '0' <= s[0] && s[0] <= '9' && '0' <= s[1] && s[1] <= '9'
}
