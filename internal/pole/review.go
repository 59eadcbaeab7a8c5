package pole

import (
	"slices"
	"strings"
	"time"
)

// ReviewState is where a referred case stands in the historic-case review.
type ReviewState string

// The states of a review, in the order a case moves through them.
const (
	ReviewReferred     ReviewState = "referred"      // a force referred the closed case
	ReviewTriaged      ReviewState = "triaged"       // scored by the triage rules
	ReviewUnderReview  ReviewState = "under_review"  // a reviewer works the checklist
	ReviewAtPanel      ReviewState = "at_panel"      // the review is done; the panel decides
	ReviewNFAConfirmed ReviewState = "nfa_confirmed" // the panel confirmed no further action
	ReviewWithForce    ReviewState = "with_force"    // sent back for reinvestigation, supervised nationally
	ReviewConcluded    ReviewState = "concluded"     // the reinvestigation's outcome is recorded
)

// ReviewStates lists every state in workflow order.
var ReviewStates = []ReviewState{
	ReviewReferred, ReviewTriaged, ReviewUnderReview, ReviewAtPanel, ReviewNFAConfirmed, ReviewWithForce, ReviewConcluded,
}

// Panel decisions and reinvestigation outcomes.
const (
	DecisionNFAConfirmed  = "nfa_confirmed"
	DecisionReinvestigate = "reinvestigate"

	OutcomeCharge  = "charge"
	OutcomeCaution = "caution"
	OutcomeNFA     = "nfa"
)

// ChecklistItems are what a reviewer asks of the original investigation:
// the Beaconport and IICSA findings of what closed-too-early cases lacked
// (reference/domain.md §2.5).
var ChecklistItems = []string{
	"victim_account_taken",          // a statement or ABE interview
	"suspect_arrested",              //
	"suspect_interviewed",           //
	"lines_of_enquiry_actioned",     // or a rationale recorded for each not followed
	"forensic_and_digital_evidence", // phones, CCTV, medical, scene
	"alternative_offences_considered",
	"nfa_supervisor_reviewed", // the decision reviewed by a supervisor or DDM
	"victim_told_of_decision",
	"right_to_review_offered",
	"safeguarding_referral", // to children's social care
	"return_home_interviews",
	"cse_flag_recorded",
}

// Checklist answers.
const (
	CheckDone    = "done"
	CheckNotDone = "not_done"
	CheckUnknown = "unknown" // the record does not say
	CheckNA      = "n/a"
)

// ChecklistAnswer is the reviewer's answer to one item, with a note.
type ChecklistAnswer struct {
	Answer string `json:"answer"`
	Note   string `json:"note,omitempty"`
}

// Review is one referred case's way through the review, from referral to
// outcome. Version guards against two people overwriting each other: an
// update names the version it read.
type Review struct {
	ID       string
	CaseID   string
	Force    string // the force that holds the case
	CrimeRef string // the case's reference, for lists

	ReferredBy string // login
	ReferredAt time.Time
	Reason     string // why the force referred it
	// DuplicateOf is the earlier referral of the same victim (a linked
	// person) from any force, with why it is held the same.
	DuplicateOf  string
	DuplicateWhy string

	State     ReviewState
	Reviewer  string // login of the reviewer who took it
	Checklist map[string]ChecklistAnswer

	Decision        string // DecisionNFAConfirmed or DecisionReinvestigate
	DecisionReasons string
	Outcome         string // OutcomeCharge, OutcomeCaution or OutcomeNFA
	OutcomeReasons  string

	// Score and ScoredAt are the latest triage, zero until triaged.
	Score    int
	ScoredAt time.Time

	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// ValidateChecklist checks that every answer is to a known item and is a
// known answer.
func ValidateChecklist(c map[string]ChecklistAnswer) error {
	for item, a := range c {
		if !slices.Contains(ChecklistItems, item) {
			return Invalid("checklist", "unknown item %q (known: %s)", item, strings.Join(ChecklistItems, ", "))
		}
		switch a.Answer {
		case CheckDone, CheckNotDone, CheckUnknown, CheckNA:
		default:
			return Invalid("checklist", "item %s: answer %q is not done, not_done, unknown or n/a", item, a.Answer)
		}
		if len(a.Note) > 4000 {
			return Invalid("checklist", "item %s: the note is longer than 4000 characters", item)
		}
	}
	return nil
}

// Transition is one move of a review from one state to another, as
// recorded.
type Transition struct {
	ID       string
	ReviewID string
	From, To ReviewState
	By       string // login
	At       time.Time
	Note     string
}

// ReviewFilter selects reviews; zero fields match everything.
type ReviewFilter struct {
	// Reach, when not nil, is the access policy's filter, applied inside
	// the query.
	Reach  *Reach
	Force  string
	State  ReviewState
	CaseID string
	// ByScore orders by triage score, highest first; otherwise by referral.
	ByScore bool
	Offset  int
	Limit   int
}

// ActionState is where an action stands in the major incident room
// lifecycle.
type ActionState string

const (
	ActionRaised    ActionState = "raised"
	ActionAllocated ActionState = "allocated"
	ActionResulted  ActionState = "resulted"
	ActionFiled     ActionState = "filed"
)

// Action is one line of enquiry to be done, as a major incident room runs
// them: raised, allocated to an owner, resulted, filed.
type Action struct {
	ID        string
	ReviewID  string
	Force     string // the force that is to do it
	Title     string
	State     ActionState
	Owner     string      // login of whom it is allocated to
	Due       PartialDate // a full date
	Result    string
	RaisedBy  string
	RaisedAt  time.Time
	Version   int
	UpdatedAt time.Time
}

// Validate checks a new action.
func (a *Action) Validate() error {
	if strings.TrimSpace(a.Title) == "" {
		return Invalid("title", "say what is to be done")
	}
	if len(a.Title) > 2000 {
		return Invalid("title", "longer than 2000 characters")
	}
	if a.Due.IsZero() || a.Due.Precision() != PrecisionDay {
		return Invalid("due", "give the day it is due (YYYY-MM-DD)")
	}
	return validateDate("due", a.Due)
}

// ActionFilter selects actions.
type ActionFilter struct {
	Reach    *Reach
	ReviewID string
	Force    string
	Owner    string
	// OverdueOn, when set, keeps the actions not yet resulted whose due
	// day is before it.
	OverdueOn PartialDate
	Limit     int
}

// VictimUpdate is a decision a victim must be told of, and whether and
// when they were: the Victims' Code deadline.
type VictimUpdate struct {
	ID        string
	ReviewID  string
	MentionID string // the victim's record
	Pseudonym string
	Force     string
	Decision  string // what was decided, e.g. "panel: reinvestigate"
	DecidedAt time.Time
	Enhanced  bool   // enhanced rights: one working day, not five
	Why       string // why enhanced, or not
	Deadline  time.Time
	ToldAt    time.Time // zero until told
	ToldBy    string
	Method    string
}

// VictimUpdateFilter selects victim updates.
type VictimUpdateFilter struct {
	Reach    *Reach
	ReviewID string
	// OverdueAt, when set, keeps those not told whose deadline passed.
	OverdueAt time.Time
	// Untold keeps those not yet told.
	Untold bool
	Limit  int
}

// Contact methods a victim may prefer.
var ContactMethods = []string{"phone", "email", "letter", "in_person", "via_isva", "via_parent_or_carer"}

// VictimContact is how a victim wishes to be kept informed, and by whom.
type VictimContact struct {
	MentionID    string
	Force        string
	Method       string // from ContactMethods
	NamedContact string // the officer or ISVA who keeps them informed
	Enhanced     bool   // recorded as entitled to enhanced rights
	OptedOut     bool   // asked not to be told of decisions
	UpdatedBy    string
	UpdatedAt    time.Time
}

// Validate checks a contact record.
func (c *VictimContact) Validate() error {
	if !IsID(c.MentionID) {
		return Invalid("mention_id", "must be a victim's record id")
	}
	if c.Method != "" && !slices.Contains(ContactMethods, c.Method) {
		return Invalid("method", "unknown contact method %q (known: %s)", c.Method, strings.Join(ContactMethods, ", "))
	}
	if len(c.NamedContact) > 200 {
		return Invalid("named_contact", "longer than 200 characters")
	}
	return nil
}

// InterestKinds are what a force may register interest in.
var InterestKinds = []string{"person", "vehicle", "phone", "venue"}

// Interest is a force's registered interest in a person, vehicle, phone or
// venue, so that it learns when another force works the same one.
type Interest struct {
	ID        string
	Kind      string // from InterestKinds
	Key       string // entity id, registration, E.164 number, or postcode and house
	Force     string // the force (or national team) that holds the interest
	UserID    string
	Login     string
	Reason    string
	CreatedAt time.Time
}
