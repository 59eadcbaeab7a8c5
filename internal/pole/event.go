package pole

import (
	"slices"
	"time"
)

// EventTypes are the dated things that happen to people in a case. Reviewers
// look for the ones that are missing (no suspect interview, no victim account)
// as much as for the ones present.
var EventTypes = []string{
	"missing_episode",
	"return_home_interview",
	"arrest",
	"suspect_interview",
	"victim_account",    // statement or visually recorded (ABE) interview
	"victim_arrest",     // the victim treated as an offender
	"victim_caution",    //
	"victim_conviction", //
	"abduction_warning", // child abduction warning notice
	"charge",
	"caution",
	"conviction",
	"other",
}

// Event is one dated happening in a case, to a person or to the case itself.
type Event struct {
	ID        string
	CaseID    string // at least one of CaseID and MentionID
	MentionID string
	Type      string // from EventTypes
	Date      PartialDate
	Detail    string
	Provenance
	CreatedAt time.Time
}

// Validate checks that e can be stored, naming the first field at fault.
func (e *Event) Validate() error {
	if err := validateID(e.ID); err != nil {
		return err
	}
	if e.CaseID == "" && e.MentionID == "" {
		return Invalid("case_id", "an event belongs to a case, a mention or both")
	}
	if err := validateOptionalID("case_id", e.CaseID); err != nil {
		return err
	}
	if err := validateOptionalID("mention_id", e.MentionID); err != nil {
		return err
	}
	if !slices.Contains(EventTypes, e.Type) {
		return Invalid("type", "unknown event type %q", e.Type)
	}
	if err := validateDate("date", e.Date); err != nil {
		return err
	}
	return e.Provenance.validate()
}

// EventFilter selects events; zero fields match everything.
type EventFilter struct {
	CaseID    string
	MentionID string
	Type      string
	Offset    int
	Limit     int
}
