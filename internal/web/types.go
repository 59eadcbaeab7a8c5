package web

import (
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/store"
)

// The API's answers, field by field: the domain types are never encoded
// as they are, so that renaming a Go field never changes the API. The
// command line's --json prints the same views (QueueView and the rest), so
// that a script reads one shape from either.

// each maps every element of list with f.
func each[T, U any](list []T, f func(T) U) []U {
	out := make([]U, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	return out
}

type queueJSON struct {
	Total   int          `json:"total"`
	Reviews []reviewJSON `json:"reviews"`
}

// QueueView is the review queue as the API answers it.
func QueueView(list []*pole.Review, total int) any {
	return queueJSON{Total: total, Reviews: each(list, toReview)}
}

// DetailView is one review with its triage, history, actions and victims'
// deadlines, as the API answers it.
func DetailView(d *review.Detail) any { return toDetail(d) }

type actionsJSON struct {
	Actions []actionJSON `json:"actions"`
}

// ActionsView is a list of actions as the API answers it.
func ActionsView(list []*pole.Action) any { return actionsJSON{each(list, toAction)} }

type victimUpdatesJSON struct {
	VictimUpdates []victimUpdateJSON `json:"victim_updates"`
}

// VictimUpdatesView is a list of victims' deadlines as the API answers it.
func VictimUpdatesView(list []*pole.VictimUpdate) any {
	return victimUpdatesJSON{each(list, toVictimUpdate)}
}

type reviewJSON struct {
	ID              string                `json:"id"`
	CaseID          string                `json:"case_id"`
	CaseRef         string                `json:"case_ref"`
	Force           string                `json:"force"`
	State           string                `json:"state"`
	Score           int                   `json:"score"`
	ScoredAt        *time.Time            `json:"scored_at,omitempty"`
	ReferredBy      string                `json:"referred_by"`
	ReferredAt      time.Time             `json:"referred_at"`
	Reason          string                `json:"reason,omitempty"`
	SameVictimAs    string                `json:"same_victim_as,omitempty"`
	SameVictimWhy   string                `json:"same_victim_why,omitempty"`
	Reviewer        string                `json:"reviewer,omitempty"`
	Checklist       map[string]answerJSON `json:"checklist"`
	Decision        string                `json:"decision,omitempty"`
	DecisionReasons string                `json:"decision_reasons,omitempty"`
	Outcome         string                `json:"outcome,omitempty"`
	OutcomeReasons  string                `json:"outcome_reasons,omitempty"`
	Version         int                   `json:"version"`
	UpdatedBy       string                `json:"updated_by"`
	UpdatedAt       time.Time             `json:"updated_at"`
}

type answerJSON struct {
	Answer string `json:"answer"`
	Note   string `json:"note,omitempty"`
}

func toReview(r *pole.Review) reviewJSON {
	out := reviewJSON{ID: r.ID, CaseID: r.CaseID, CaseRef: r.CrimeRef, Force: r.Force, State: string(r.State), Score: r.Score,
		ScoredAt: timeOrNil(r.ScoredAt), ReferredBy: r.ReferredBy, ReferredAt: r.ReferredAt.UTC(), Reason: r.Reason,
		SameVictimAs: r.DuplicateOf, SameVictimWhy: r.DuplicateWhy, Reviewer: r.Reviewer, Checklist: map[string]answerJSON{},
		Decision: r.Decision, DecisionReasons: r.DecisionReasons, Outcome: r.Outcome, OutcomeReasons: r.OutcomeReasons,
		Version: r.Version, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt.UTC()}
	for item, a := range r.Checklist {
		out.Checklist[item] = answerJSON{Answer: a.Answer, Note: a.Note}
	}
	return out
}

type detailJSON struct {
	Review        reviewJSON         `json:"review"`
	Triage        *triageJSON        `json:"triage"` // null until triaged
	History       []transitionJSON   `json:"history"`
	Actions       []actionJSON       `json:"actions"`
	VictimUpdates []victimUpdateJSON `json:"victim_updates"`
}

type triageJSON struct {
	Score   int          `json:"score"`
	Rules   string       `json:"rules"`
	Reasons []reasonJSON `json:"reasons"`
}

type reasonJSON struct {
	Rule     string         `json:"rule"`
	Weight   int            `json:"weight"`
	Says     string         `json:"says"`
	Evidence []evidenceJSON `json:"evidence"`
}

type evidenceJSON struct {
	Kind  string `json:"kind"`
	Field string `json:"field,omitempty"`
	ID    string `json:"id,omitempty"`
	Text  string `json:"text,omitempty"`
}

type transitionJSON struct {
	ID   string    `json:"id"`
	From string    `json:"from"` // "" for the referral
	To   string    `json:"to"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

func toDetail(d *review.Detail) detailJSON {
	out := detailJSON{Review: toReview(d.Review), History: make([]transitionJSON, len(d.History)),
		Actions: each(d.Actions, toAction), VictimUpdates: each(d.VictimDates, toVictimUpdate)}
	if d.Triage != nil {
		t := &triageJSON{Score: d.Triage.Score, Rules: d.Rules, Reasons: make([]reasonJSON, len(d.Triage.Reasons))}
		for i, rs := range d.Triage.Reasons {
			ev := make([]evidenceJSON, len(rs.Evidence))
			for j, e := range rs.Evidence {
				ev[j] = evidenceJSON{Kind: e.Kind, Field: e.Field, ID: e.ID, Text: e.Text}
			}
			t.Reasons[i] = reasonJSON{Rule: rs.Rule, Weight: rs.Weight, Says: rs.Says, Evidence: ev}
		}
		out.Triage = t
	}
	for i, tr := range d.History {
		out.History[i] = transitionJSON{ID: tr.ID, From: string(tr.From), To: string(tr.To), By: tr.By, At: tr.At.UTC(), Note: tr.Note}
	}
	return out
}

type actionJSON struct {
	ID        string    `json:"id"`
	ReviewID  string    `json:"review_id"`
	Force     string    `json:"force"`
	Title     string    `json:"title"`
	State     string    `json:"state"`
	Owner     string    `json:"owner,omitempty"`
	Due       string    `json:"due"` // YYYY-MM-DD
	Result    string    `json:"result,omitempty"`
	RaisedBy  string    `json:"raised_by"`
	RaisedAt  time.Time `json:"raised_at"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAction(a *pole.Action) actionJSON {
	return actionJSON{ID: a.ID, ReviewID: a.ReviewID, Force: a.Force, Title: a.Title, State: string(a.State), Owner: a.Owner,
		Due: a.Due.String(), Result: a.Result, RaisedBy: a.RaisedBy, RaisedAt: a.RaisedAt.UTC(), Version: a.Version, UpdatedAt: a.UpdatedAt.UTC()}
}

// victimUpdateJSON shows a victim by pseudonym; MentionID is their person
// record, the id PUT /api/victims/{record_id}/contact takes.
type victimUpdateJSON struct {
	ID        string     `json:"id"`
	ReviewID  string     `json:"review_id"`
	MentionID string     `json:"mention_id"`
	Pseudonym string     `json:"pseudonym"`
	Force     string     `json:"force"`
	Decision  string     `json:"decision"`
	DecidedAt time.Time  `json:"decided_at"`
	Enhanced  bool       `json:"enhanced"`
	Why       string     `json:"why"`
	Deadline  time.Time  `json:"deadline"`
	ToldAt    *time.Time `json:"told_at,omitempty"`
	ToldBy    string     `json:"told_by,omitempty"`
	Method    string     `json:"method,omitempty"`
}

func toVictimUpdate(u *pole.VictimUpdate) victimUpdateJSON {
	return victimUpdateJSON{ID: u.ID, ReviewID: u.ReviewID, MentionID: u.MentionID, Pseudonym: u.Pseudonym, Force: u.Force,
		Decision: u.Decision, DecidedAt: u.DecidedAt.UTC(), Enhanced: u.Enhanced, Why: u.Why, Deadline: u.Deadline.UTC(),
		ToldAt: timeOrNil(u.ToldAt), ToldBy: u.ToldBy, Method: u.Method}
}

type contactJSON struct {
	MentionID    string    `json:"mention_id"`
	Force        string    `json:"force"`
	Method       string    `json:"method"`
	NamedContact string    `json:"named_contact"`
	Enhanced     bool      `json:"enhanced"`
	OptedOut     bool      `json:"opted_out"`
	UpdatedBy    string    `json:"updated_by"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toContact(c *pole.VictimContact) contactJSON {
	return contactJSON{MentionID: c.MentionID, Force: c.Force, Method: c.Method, NamedContact: c.NamedContact,
		Enhanced: c.Enhanced, OptedOut: c.OptedOut, UpdatedBy: c.UpdatedBy, UpdatedAt: c.UpdatedAt.UTC()}
}

type interestJSON struct {
	ID           string    `json:"id"`
	Kind         string    `json:"kind"`
	Key          string    `json:"key"`
	Force        string    `json:"force"`
	RegisteredBy string    `json:"registered_by"`
	Reason       string    `json:"reason,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

func toInterests(list []*pole.Interest) []interestJSON {
	out := make([]interestJSON, len(list))
	for i, in := range list {
		out[i] = interestJSON{ID: in.ID, Kind: in.Kind, Key: in.Key, Force: in.Force, RegisteredBy: in.Login, Reason: in.Reason, CreatedAt: in.CreatedAt.UTC()}
	}
	return out
}

type noticeJSON struct {
	ID         string     `json:"id"`
	RecordKind string     `json:"record_kind"`
	RecordID   string     `json:"record_id"`
	FromForce  string     `json:"from_force"`
	FromLogin  string     `json:"from_login"`
	Reason     string     `json:"reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	SeenAt     *time.Time `json:"seen_at,omitempty"`
}

func toNotices(list []*store.InterestNotice) []noticeJSON {
	out := make([]noticeJSON, len(list))
	for i, n := range list {
		out[i] = noticeJSON{ID: n.ID, RecordKind: n.RecordKind, RecordID: n.RecordID, FromForce: n.FromForce, FromLogin: n.FromLogin,
			Reason: n.Reason, CreatedAt: n.CreatedAt.UTC(), SeenAt: timeOrNil(n.SeenAt)}
	}
	return out
}

// heldJSON is which force holds what the caller reached for, and whom
// there to contact: never the material.
type heldJSON struct {
	Force    string   `json:"force"`
	Contacts []string `json:"contacts"`
}

func toHeld(h access.Held) *heldJSON {
	out := &heldJSON{Force: h.Force, Contacts: h.Contacts}
	if out.Contacts == nil {
		out.Contacts = []string{}
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
