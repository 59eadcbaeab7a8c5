// Package reviewtest puts referred cases in any state of the review,
// through the store alone, so that a test can try one step of the
// workflow without walking every step before it.
package reviewtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Checklist answers every item of the checklist.
func Checklist() map[string]pole.ChecklistAnswer {
	out := map[string]pole.ChecklistAnswer{}
	for _, item := range pole.ChecklistItems {
		out[item] = pole.ChecklistAnswer{Answer: pole.CheckNotDone}
	}
	return out
}

// InState refers case caseID and moves its review to state. A review with
// the force carries a victim update (for each victim of the case) decided
// at now, due a day later.
func InState(t testing.TB, st *store.Store, caseID string, state pole.ReviewState, now time.Time) *pole.Review {
	t.Helper()
	ctx := context.Background()
	r := &pole.Review{CaseID: caseID, ReferredBy: "fixture"}
	if err := st.CreateReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	if state == pole.ReviewReferred {
		return r
	}
	var ch store.ReviewChange
	if state != pole.ReviewTriaged {
		r.Checklist = Checklist()
	}
	switch state {
	case pole.ReviewWithForce:
		r.Decision, r.DecisionReasons = pole.DecisionReinvestigate, "fixture"
		victims, _, err := st.FindMentions(ctx, pole.MentionFilter{CaseID: caseID, Role: pole.RoleVictim})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range victims {
			ch.VictimUpdates = append(ch.VictimUpdates, &pole.VictimUpdate{MentionID: v.ID, Force: v.Force, Decision: "panel: reinvestigate",
				DecidedAt: now, Enhanced: true, Deadline: now.Add(24 * time.Hour)})
		}
	case pole.ReviewNFAConfirmed:
		r.Decision, r.DecisionReasons = pole.DecisionNFAConfirmed, "fixture"
	}
	r.State, r.UpdatedBy = state, "fixture"
	if err := st.UpdateReview(ctx, r, ch); err != nil {
		t.Fatal(err)
	}
	return r
}

// ActionIn refers case caseID, sends it to its force, raises an action on
// it and moves the action to state.
func ActionIn(t testing.TB, st *store.Store, caseID string, state pole.ActionState, now time.Time) *pole.Action {
	t.Helper()
	r := InState(t, st, caseID, pole.ReviewWithForce, now)
	a := &pole.Action{ReviewID: r.ID, Force: r.Force, Title: "trace the car", Due: pole.Date(2027, 1, 8), RaisedBy: "fixture"}
	if err := st.CreateAction(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	switch state {
	case pole.ActionAllocated:
		a.State, a.Owner = state, "someone"
	case pole.ActionResulted, pole.ActionFiled:
		a.State, a.Owner, a.Result = state, "someone", "traced"
	default:
		return a
	}
	if err := st.UpdateAction(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

var seq atomic.Int64

// Case is a closed case stored for a test, with its victim and suspect.
type Case struct {
	C               *pole.Case
	Victim, Suspect *pole.Mention
}

// CaseOptions shape a test case; the zero value is a rape of a girl under
// 16 (19D) closed on outcome 16, the victim born 2000-05-06.
type CaseOptions struct {
	Offence   string
	Outcome   int
	VictimDOB pole.PartialDate
	Vuln      []string
}

// NewCase stores a closed case of force, from an export of its own, with a
// victim and a suspect.
func NewCase(t testing.TB, st *store.Store, force string, opt CaseOptions) Case {
	t.Helper()
	if opt.Offence == "" {
		opt.Offence = "19D"
	}
	if opt.Outcome == 0 {
		opt.Outcome = 16
	}
	if opt.VictimDOB.IsZero() {
		opt.VictimDOB = pole.Date(2000, 5, 6)
	}
	n := seq.Add(1)
	src := &pole.Source{ID: uuid.Must(uuid.NewV7()).String(), Force: force, System: "Niche", FileName: fmt.Sprintf("%s-%d.csv", force, n), Profile: force,
		ReceivedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), SHA256: fmt.Sprintf("%032x%032x", n, time.Now().UnixNano()), RowCount: 2}
	c := &pole.Case{ID: uuid.Must(uuid.NewV7()).String(), Force: force, CrimeRef: fmt.Sprintf("13/TEST/%d", n), OffenceCodes: []string{opt.Offence},
		OffenceFrom: pole.Date(2013, 3, 1), Recorded: pole.Date(2013, 4, 1), OutcomeType: opt.Outcome, OutcomeDate: pole.Date(2013, 9, 1),
		ClosureRationale: "Victim does not support further action.", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}
	mk := func(rec string, role pole.Role, surname string, dob pole.PartialDate) *pole.Mention {
		return &pole.Mention{ID: uuid.Must(uuid.NewV7()).String(), CaseID: c.ID, RecordID: rec, Role: role, Forename: "Sam", Surname: surname,
			DOB: dob, Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}
	}
	v, s := mk("V1", pole.RoleVictim, "Oakhanger", opt.VictimDOB), mk("S1", pole.RoleSuspect, "Brightwater", pole.Date(1980, 1, 2))
	v.Vulnerabilities = opt.Vuln
	if _, err := st.LoadExport(context.Background(), store.Export{Source: src, Cases: one(c), Mentions: one(v, s)}); err != nil {
		t.Fatal(err)
	}
	return Case{C: c, Victim: v, Suspect: s}
}

func one[T any](items ...*T) func(func(*T, error) bool) {
	return func(yield func(*T, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}
