package pole

import (
	"regexp"
	"slices"
	"time"
)

// Case is one recorded crime (an occurrence) as a force holds it.
type Case struct {
	ID       string
	Force    string // code from Forces()
	CrimeRef string // the force's own crime reference, unique within the force
	// OffenceCodes are Home Office offence classification codes (19D, 22B,
	// 88A, ...), first the offence as recorded, then any reclassification.
	OffenceCodes []string
	OffenceFrom  PartialDate
	OffenceTo    PartialDate
	Recorded     PartialDate
	// OutcomeType is the Home Office outcome type 1-22, or 0 while none is
	// assigned: outcome 0 is never an outcome.
	OutcomeType      int
	OutcomeDate      PartialDate
	DecisionMaker    string
	ClosureRationale string
	Narrative        string
	Flags            []string // from CaseFlags
	Provenance
	Version   int // bumped by every update; an update must name the version it read
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CaseFlags are the crime flags caselink keeps. CSE has been a mandatory flag in
// Home Office returns since April 2016 and CCE a separate one since July 2019.
var CaseFlags = []string{
	"CSE",    // child sexual exploitation
	"CSA",    // child sexual abuse
	"CCE",    // child criminal exploitation
	"DA",     // domestic abuse
	"MS",     // modern slavery and human trafficking
	"ONLINE", // online-enabled
	"HBA",    // honour-based abuse
}

// offenceCode admits the short codes (19D, 21, 88A) and the long ones (019/07).
var offenceCode = regexp.MustCompile(`^[0-9]{1,3}(?:[A-Z]{1,2}|/[0-9]{1,2})?$`)

// Validate checks that c can be stored, naming the first field at fault.
func (c *Case) Validate() error {
	if err := validateID(c.ID); err != nil {
		return err
	}
	if _, ok := ForceByCode(c.Force); !ok {
		return Invalid("force", "unknown force code %q", c.Force)
	}
	if c.CrimeRef == "" {
		return Invalid("crime_ref", "is required")
	}
	for _, code := range c.OffenceCodes {
		if !offenceCode.MatchString(code) {
			return Invalid("offence_codes", "%q is not a Home Office offence code such as 19D or 022/01", code)
		}
	}
	for _, f := range []struct {
		name string
		d    PartialDate
	}{{"offence_from", c.OffenceFrom}, {"offence_to", c.OffenceTo}, {"recorded", c.Recorded}, {"outcome_date", c.OutcomeDate}} {
		if err := validateDate(f.name, f.d); err != nil {
			return err
		}
	}
	if c.OffenceTo.Before(c.OffenceFrom) {
		return Invalid("offence_to", "%s is before offence_from %s", c.OffenceTo, c.OffenceFrom)
	}
	if c.OutcomeType != 0 {
		if _, ok := OutcomeByCode(c.OutcomeType); !ok {
			return Invalid("outcome_type", "unknown Home Office outcome type %d (1-22, or 0 for none yet)", c.OutcomeType)
		}
	}
	for _, fl := range c.Flags {
		if !slices.Contains(CaseFlags, fl) {
			return Invalid("flags", "unknown flag %q (known: %v)", fl, CaseFlags)
		}
	}
	return c.Provenance.validate()
}

// CaseFilter selects cases; zero fields match everything.
type CaseFilter struct {
	Force string
	// Reach, when not nil, is the access policy's filter, applied inside
	// the query.
	Reach    *Reach
	SourceID string
	CrimeRef string
	// Text is a phrase the narrative or the closure rationale holds,
	// ignoring case.
	Text         string
	OutcomeTypes []int
	Flag         string
	// RecordedFrom and RecordedTo bound the recorded date, inclusive.
	RecordedFrom PartialDate
	RecordedTo   PartialDate
	Offset       int
	Limit        int
}
