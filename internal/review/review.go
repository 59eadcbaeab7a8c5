// Package review runs the historic-case review: referral of closed cases,
// triage by versioned rules that explain themselves, the workflow from
// review to panel to reinvestigation, the actions it raises, the Victims'
// Code deadlines for telling victims of decisions, and the interests forces
// register so that they learn when another works the same person or thing.
//
// Every step goes through the access policy (access.Guard) and is written
// to the audit log once done.
package review

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Desk is where people do the review's work.
type Desk struct {
	st    *store.Store
	guard *access.Guard
	now   func() time.Time
}

// NewDesk returns a desk over st whose every step passes guard. now, when
// nil, is the clock.
func NewDesk(st *store.Store, guard *access.Guard, now func() time.Time) *Desk {
	if now == nil {
		now = time.Now
	}
	return &Desk{st: st, guard: guard, now: now}
}

// closedWithoutCharge reports whether an outcome closed a case without a
// charge: what the review takes (reference/domain.md §1.2). Outcome 0 is
// not closed; outcome 1 was charged, 4 taken into consideration.
func closedWithoutCharge(outcome int) bool { return outcome != 0 && outcome != 1 && outcome != 4 }

// Refer refers one closed case for review. A case is referred once; a
// case whose victim linkage holds to be a victim in a case another force
// referred is marked so, and that force is told.
func (d *Desk) Refer(ctx context.Context, rq access.Request, caseID, reason string) (*pole.Review, error) {
	const op = "review.Refer"
	c, err := d.guard.FindCase(ctx, rq, caseID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	team, err := d.st.CaseTeam(ctx, c.ID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Authorize(ctx, rq, access.ReferralCreate, access.Resource{Kind: "case", ID: c.ID, Force: c.Force, Team: team}); err != nil {
		return nil, pole.E(op, err)
	}
	if !closedWithoutCharge(c.OutcomeType) {
		return nil, pole.E(op, pole.Invalid("case", "case %s of %s has outcome %d: the review takes cases closed without a charge", c.CrimeRef, c.Force, c.OutcomeType))
	}
	r := &pole.Review{CaseID: c.ID, ReferredBy: rq.Login, Reason: strings.TrimSpace(reason)}
	if err := d.st.CreateReview(ctx, r); err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Note(ctx, rq, audit.Collection, "review", []string{r.ID}, "referral of case "+c.ID); err != nil {
		return nil, pole.E(op, err)
	}
	if r.DuplicateOf != "" {
		if err := d.tellOfSameVictim(ctx, rq, r); err != nil {
			return nil, pole.E(op, err)
		}
	}
	return r, nil
}

// tellOfSameVictim tells the force that referred the earlier case that
// another force referred one with the same victim: neither learns more
// than that the other holds a referral, and whom to ask.
func (d *Desk) tellOfSameVictim(ctx context.Context, rq access.Request, r *pole.Review) error {
	other, err := d.st.FindReviewByID(ctx, r.DuplicateOf)
	if err != nil {
		return err
	}
	return d.st.CreateInterestNotice(ctx, &store.InterestNotice{OwnerForce: other.Force, RecordKind: "review", RecordID: other.ID,
		FromUser: rq.UserID, FromLogin: rq.Login, FromForce: rq.Force, Reason: "referred a case with the same victim"})
}

// ReferClosed refers every case within the principal's reach that was
// closed without a charge and is not yet referred; force, when set, keeps
// to one force. It returns how many it referred.
func (d *Desk) ReferClosed(ctx context.Context, rq access.Request, force, reason string) (int, error) {
	const op = "review.ReferClosed"
	reach, err := d.guard.AuthorizeList(ctx, rq, access.ReferralCreate, "case")
	if err != nil {
		return 0, pole.E(op, err)
	}
	var outcomes []int
	for o := 2; o <= 22; o++ {
		if closedWithoutCharge(o) {
			outcomes = append(outcomes, o)
		}
	}
	cases, _, err := d.st.FindCases(ctx, pole.CaseFilter{Reach: reach, Force: force, OutcomeTypes: outcomes})
	if err != nil {
		return 0, pole.E(op, err)
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	created, err := d.st.CreateReviews(ctx, ids, rq.Login, reason)
	if err != nil || len(created) == 0 {
		return 0, pole.E(op, err)
	}
	detail := fmt.Sprintf("referral of %d cases closed without a charge", len(created))
	if force != "" {
		detail += " of " + force
	}
	return len(created), pole.E(op, d.guard.Note(ctx, rq, audit.Collection, "review", created, detail))
}

// BatchGCPercent is the garbage collector's GOGC for a command that runs
// triage over every referred case: triage holds the facts of every case at
// once and makes a score for each, and at the default of 100 the collector
// marks that whole heap again for every few megabytes scored. A command sets
// it together with a memory limit, so the heap grows further between
// collections but never past the limit.
const BatchGCPercent = 400

// TriageSummary says what a triage run did.
type TriageSummary struct {
	Scored   int
	Promoted int // moved from referred to triaged
	Rules    string
}

// Triage scores every referred case and stores the scores with their
// reasons, whatever state each review is in, so that a score follows new
// linkage evidence. rules, when given, become the rule set in use (saved
// under their version); when nil, the rule set last used scores, or the
// default if none was. It reads every force's records, so it is national.
func (d *Desk) Triage(ctx context.Context, rq access.Request, given *Rules) (TriageSummary, error) {
	const op = "review.Triage"
	reach, err := d.guard.AuthorizeList(ctx, rq, access.TriageRun, "case")
	if err != nil {
		return TriageSummary{}, pole.E(op, err)
	}
	if reach.Forces != nil {
		return TriageSummary{}, pole.E(op, pole.Errorf(pole.EFORBIDDEN, "triage reads every force's records; it is for the national team"))
	}
	rules := DefaultRules()
	switch {
	case given != nil:
		if given.Version == rules.Version && !maps.Equal(given.Weights, rules.Weights) {
			return TriageSummary{}, pole.E(op, pole.Errorf(pole.ECONFLICT, "rule set version %s is the one caselink ships: give changed rules a version of their own", rules.Version))
		}
		rules = *given
	default:
		version, weights, err := d.st.LatestTriageRules(ctx)
		if err == nil {
			rules = Rules{Version: version, Weights: weights}
		} else if pole.ErrorCode(err) != pole.ENOTFOUND {
			return TriageSummary{}, pole.E(op, err)
		}
	}
	if err := d.st.SaveTriageRules(ctx, rules.Version, rules.Weights, rq.Login); err != nil {
		return TriageSummary{}, pole.E(op, err)
	}
	referrals, err := d.st.FindReferrals(ctx)
	if err != nil {
		return TriageSummary{}, pole.E(op, err)
	}
	ids := make([]string, len(referrals))
	for i, r := range referrals {
		ids[i] = r.ReviewID
	}
	// The reviews move to triaged while the facts are read: the write
	// transaction and the reads overlap, and the scores follow into the
	// same transaction as they are made.
	type loaded struct {
		facts map[string]*Facts
		err   error
	}
	ready := make(chan loaded, 1)
	loadCtx, stopLoading := context.WithCancel(ctx) // a failed write stops the reads
	defer stopLoading()
	go func() {
		f, err := LoadFacts(loadCtx, d.st, referrals)
		ready <- loaded{f, err}
	}()
	scores := func(yield func(store.TriageScore, error) bool) {
		l := <-ready
		if l.err != nil {
			yield(store.TriageScore{}, l.err)
			return
		}
		for sc, err := range Scores(ctx, referrals, l.facts, rules) {
			if !yield(sc, err) {
				return
			}
		}
	}
	scored, promoted, err := d.st.SaveTriage(ctx, ids, scores, rq.Login)
	if err != nil {
		return TriageSummary{}, pole.E(op, err)
	}
	sum := TriageSummary{Scored: scored, Promoted: promoted, Rules: rules.Stamp()}
	if scored == 0 {
		return sum, nil
	}
	// The run combined every force's records about each referred case:
	// the entry names the reviews it scored.
	err = d.guard.Note(ctx, rq, audit.Combination, "review", ids, fmt.Sprintf("triage of %d referred cases, rules %s", sum.Scored, sum.Rules))
	return sum, pole.E(op, err)
}

// Scores scores each referral's case on every core, yielding the scores
// as they are made (in no set order), so that they can be written while
// the rest are scored.
func Scores(ctx context.Context, referrals []store.Referral, facts map[string]*Facts, rules Rules) iter.Seq2[store.TriageScore, error] {
	return func(yield func(store.TriageScore, error) bool) {
		const chunk = 256
		stamp := rules.Stamp()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type batch struct{ scores []store.TriageScore }
		out := make(chan batch, runtime.GOMAXPROCS(0))
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for {
					start := int(next.Add(chunk)) - chunk
					if start >= len(referrals) {
						return
					}
					b := batch{scores: make([]store.TriageScore, 0, chunk)}
					for _, r := range referrals[start:min(start+chunk, len(referrals))] {
						res := Score(facts[r.CaseID], rules)
						reasons := appendReasons(make([]byte, 0, 2048), res.Reasons)
						b.scores = append(b.scores, store.TriageScore{ReviewID: r.ReviewID, Score: res.Score, RulesVersion: stamp, Reasons: reasons})
					}
					select {
					case out <- b:
					case <-ctx.Done():
						return
					}
				}
			})
		}
		go func() { wg.Wait(); close(out) }()
		for b := range out {
			for _, sc := range b.scores {
				if !yield(sc, nil) {
					return
				}
			}
		}
		// Workers stop early only when the caller's context ends: what was
		// scored is then not all of it.
		if err := ctx.Err(); err != nil {
			yield(store.TriageScore{}, err)
		}
	}
}

// Queue is the review queue within the principal's reach, the access
// filter inside the query.
func (d *Desk) Queue(ctx context.Context, rq access.Request, f pole.ReviewFilter) ([]*pole.Review, int, error) {
	const op = "review.Queue"
	reach, err := d.guard.AuthorizeList(ctx, rq, access.ReviewRead, "review")
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	f.Reach = reach
	list, n, err := d.st.FindReviews(ctx, f)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	return list, n, pole.E(op, d.guard.Note(ctx, rq, audit.Consultation, "review", ids, string(access.ReviewRead)))
}

// Detail is one review with everything about it.
type Detail struct {
	Review      *pole.Review
	Triage      *Result // nil until triaged
	Rules       string
	History     []*pole.Transition
	Actions     []*pole.Action
	VictimDates []*pole.VictimUpdate // nil unless the principal has victim.contact here
}

// Find returns one review, its triage with reasons, its history and
// actions, and, for those who may keep its victims informed
// (victim.contact), the victims' deadlines.
func (d *Desk) Find(ctx context.Context, rq access.Request, id string) (*Detail, error) {
	const op = "review.Find"
	r, team, err := d.authorize(ctx, rq, access.ReviewRead, id)
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := &Detail{Review: r}
	if t, err := d.st.FindTriage(ctx, r.ID); err == nil {
		out.Triage = &Result{Score: t.Score}
		out.Rules = t.RulesVersion
		if err := json.Unmarshal(t.Reasons, &out.Triage.Reasons); err != nil {
			return nil, pole.E(op, pole.Errorf(pole.EINTERNAL, "review %s: the stored triage reasons are not JSON: %v", r.ID, err))
		}
	} else if pole.ErrorCode(err) != pole.ENOTFOUND {
		return nil, pole.E(op, err)
	}
	if out.History, err = d.st.FindTransitions(ctx, r.ID); err != nil {
		return nil, pole.E(op, err)
	}
	if out.Actions, err = d.st.FindActions(ctx, pole.ActionFilter{ReviewID: r.ID}); err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Note(ctx, rq, audit.Consultation, "review", []string{r.ID}, string(access.ReviewRead)); err != nil {
		return nil, pole.E(op, err)
	}
	// The victims' deadlines are for those who keep victims informed.
	if !access.Decide(rq.Principal, access.VictimContact, access.Resource{Kind: "victim_update", Force: r.Force, Team: team}).Allowed {
		return out, nil
	}
	if out.VictimDates, err = d.st.FindVictimUpdates(ctx, pole.VictimUpdateFilter{ReviewID: r.ID}); err != nil || len(out.VictimDates) == 0 {
		return out, pole.E(op, err)
	}
	ids := make([]string, len(out.VictimDates))
	for i, u := range out.VictimDates {
		ids[i] = u.MentionID
	}
	return out, pole.E(op, d.guard.Note(ctx, rq, audit.Consultation, "mention", ids, string(access.VictimContact)))
}

// authorize reads a review and decides action a on it; it returns the
// review and the case team its case is kept to ("" for none).
func (d *Desk) authorize(ctx context.Context, rq access.Request, a access.Action, id string) (*pole.Review, string, error) {
	r, err := d.st.FindReviewByID(ctx, id)
	if err != nil {
		if pole.ErrorCode(err) == pole.ENOTFOUND {
			// Not found for anyone, after the policy says whether they
			// could have asked at all.
			if _, derr := d.guard.AuthorizeList(ctx, rq, a, "review"); derr != nil {
				return nil, "", derr
			}
		}
		return nil, "", err
	}
	team, err := d.st.CaseTeam(ctx, r.CaseID)
	if err != nil {
		return nil, "", err
	}
	if err := d.guard.Authorize(ctx, rq, a, access.Resource{Kind: "review", ID: r.ID, Force: r.Force, Team: team}); err != nil {
		return nil, "", err
	}
	return r, team, nil
}

// step is one move of the workflow: it reads the review, decides a, checks
// the version the caller read and the state it is in, applies the change
// and writes it with what it brings, in one transaction, then records it.
func (d *Desk) step(ctx context.Context, rq access.Request, a access.Action, id string, version int, from []pole.ReviewState,
	apply func(r *pole.Review) (store.ReviewChange, error)) (*pole.Review, error) {
	r, _, err := d.authorize(ctx, rq, a, id)
	if err != nil {
		return nil, err
	}
	if version != r.Version {
		return nil, pole.Errorf(pole.ECONFLICT, "review %s was changed by someone else since version %d (it is at version %d): read it again", r.ID, version, r.Version)
	}
	if !slices.Contains(from, r.State) {
		return nil, pole.Errorf(pole.ECONFLICT, "review %s is %s; this step needs it %s", r.ID, r.State, joinStates(from))
	}
	was := r.State
	ch, err := apply(r)
	if err != nil {
		return nil, err
	}
	r.UpdatedBy = rq.Login
	if ch.Transition != nil {
		ch.Transition.From, ch.Transition.To, ch.Transition.By = was, r.State, rq.Login
	}
	if err := d.st.UpdateReview(ctx, r, ch); err != nil {
		return nil, err
	}
	detail := string(a)
	if was != r.State {
		detail += ": " + string(was) + " → " + string(r.State)
	}
	if err := d.guard.Note(ctx, rq, audit.Alteration, "review", []string{r.ID}, detail); err != nil {
		return nil, err
	}
	for _, act := range ch.Actions {
		if err := d.guard.Note(ctx, rq, audit.Collection, "action", []string{act.ID}, string(access.ActionRaise)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func joinStates(states []pole.ReviewState) string {
	s := make([]string, len(states))
	for i, st := range states {
		s[i] = string(st)
	}
	return strings.Join(s, " or ")
}

// Start takes a triaged case into review: the reviewer is the principal.
func (d *Desk) Start(ctx context.Context, rq access.Request, id string, version int) (*pole.Review, error) {
	r, err := d.step(ctx, rq, access.ReviewWork, id, version, []pole.ReviewState{pole.ReviewTriaged},
		func(r *pole.Review) (store.ReviewChange, error) {
			r.State, r.Reviewer = pole.ReviewUnderReview, rq.Login
			return store.ReviewChange{Transition: &pole.Transition{Note: "taken by " + rq.Login}}, nil
		})
	return r, pole.E("review.Start", err)
}

// Answer records answers to the checklist of what the original
// investigation did and did not do; answers not given stay as they were.
func (d *Desk) Answer(ctx context.Context, rq access.Request, id string, version int, answers map[string]pole.ChecklistAnswer) (*pole.Review, error) {
	if err := pole.ValidateChecklist(answers); err != nil {
		return nil, pole.E("review.Answer", err)
	}
	r, err := d.step(ctx, rq, access.ReviewWork, id, version, []pole.ReviewState{pole.ReviewUnderReview},
		func(r *pole.Review) (store.ReviewChange, error) {
			if r.Checklist == nil {
				r.Checklist = map[string]pole.ChecklistAnswer{}
			}
			for k, v := range answers {
				r.Checklist[k] = v
			}
			return store.ReviewChange{}, nil
		})
	return r, pole.E("review.Answer", err)
}

// Submit puts a reviewed case to the panel; every checklist item must be
// answered first.
func (d *Desk) Submit(ctx context.Context, rq access.Request, id string, version int, note string) (*pole.Review, error) {
	r, err := d.step(ctx, rq, access.ReviewWork, id, version, []pole.ReviewState{pole.ReviewUnderReview},
		func(r *pole.Review) (store.ReviewChange, error) {
			var missing []string
			for _, item := range pole.ChecklistItems {
				if _, ok := r.Checklist[item]; !ok {
					missing = append(missing, item)
				}
			}
			if len(missing) > 0 {
				return store.ReviewChange{}, pole.Invalid("checklist", "answer every item before the panel sees it; not answered: %s", strings.Join(missing, ", "))
			}
			r.State = pole.ReviewAtPanel
			return store.ReviewChange{Transition: &pole.Transition{Note: note}}, nil
		})
	return r, pole.E("review.Submit", err)
}

// PanelDecision is what the panel decides.
type PanelDecision struct {
	Decision string // pole.DecisionNFAConfirmed or pole.DecisionReinvestigate
	Reasons  string
	// Actions are what the force is to do; a reinvestigation needs one or
	// more.
	Actions []*pole.Action
}

// Decide records the panel's decision: no further action confirmed, with
// reasons; or reinvestigation by the owning force, with actions. Each
// victim of the case is then due to be told, by the Victims' Code
// deadline.
func (d *Desk) Decide(ctx context.Context, rq access.Request, id string, version int, pd PanelDecision) (*pole.Review, error) {
	const op = "review.Decide"
	if strings.TrimSpace(pd.Reasons) == "" {
		return nil, pole.E(op, pole.Invalid("reasons", "the panel gives its reasons"))
	}
	switch pd.Decision {
	case pole.DecisionNFAConfirmed:
		if len(pd.Actions) > 0 {
			return nil, pole.E(op, pole.Invalid("actions", "no further action raises no actions"))
		}
	case pole.DecisionReinvestigate:
		if len(pd.Actions) == 0 {
			return nil, pole.E(op, pole.Invalid("actions", "a reinvestigation needs at least one action for the force"))
		}
	default:
		return nil, pole.E(op, pole.Invalid("decision", "%q is not %s or %s", pd.Decision, pole.DecisionNFAConfirmed, pole.DecisionReinvestigate))
	}
	r, err := d.step(ctx, rq, access.ReviewDecide, id, version, []pole.ReviewState{pole.ReviewAtPanel},
		func(r *pole.Review) (store.ReviewChange, error) {
			r.Decision, r.DecisionReasons = pd.Decision, pd.Reasons
			r.State = pole.ReviewNFAConfirmed
			if pd.Decision == pole.DecisionReinvestigate {
				r.State = pole.ReviewWithForce
			}
			for _, a := range pd.Actions {
				a.Force, a.RaisedBy = r.Force, rq.Login
				if err := a.Validate(); err != nil {
					return store.ReviewChange{}, err
				}
			}
			updates, err := d.victimUpdates(ctx, r, "panel: "+strings.ReplaceAll(pd.Decision, "_", " "))
			if err != nil {
				return store.ReviewChange{}, err
			}
			return store.ReviewChange{Transition: &pole.Transition{Note: pd.Reasons}, Actions: pd.Actions, VictimUpdates: updates}, nil
		})
	return r, pole.E(op, err)
}

// SendBack returns a review from the panel to the reviewer.
func (d *Desk) SendBack(ctx context.Context, rq access.Request, id string, version int, note string) (*pole.Review, error) {
	if strings.TrimSpace(note) == "" {
		return nil, pole.E("review.SendBack", pole.Invalid("note", "say what the review is to look at again"))
	}
	r, err := d.step(ctx, rq, access.ReviewDecide, id, version, []pole.ReviewState{pole.ReviewAtPanel},
		func(r *pole.Review) (store.ReviewChange, error) {
			r.State = pole.ReviewUnderReview
			return store.ReviewChange{Transition: &pole.Transition{Note: note}}, nil
		})
	return r, pole.E("review.SendBack", err)
}

// Conclude records the reinvestigation's outcome once every action is
// resulted or filed: charge, caution, or no further action again with
// reasons. Each victim is then due to be told.
func (d *Desk) Conclude(ctx context.Context, rq access.Request, id string, version int, outcome, reasons string) (*pole.Review, error) {
	const op = "review.Conclude"
	switch outcome {
	case pole.OutcomeCharge, pole.OutcomeCaution:
	case pole.OutcomeNFA:
		if strings.TrimSpace(reasons) == "" {
			return nil, pole.E(op, pole.Invalid("reasons", "no further action again needs its reasons"))
		}
	default:
		return nil, pole.E(op, pole.Invalid("outcome", "%q is not charge, caution or nfa", outcome))
	}
	r, err := d.step(ctx, rq, access.ReviewConclude, id, version, []pole.ReviewState{pole.ReviewWithForce},
		func(r *pole.Review) (store.ReviewChange, error) {
			open, err := d.st.FindActions(ctx, pole.ActionFilter{ReviewID: r.ID})
			if err != nil {
				return store.ReviewChange{}, err
			}
			for _, a := range open {
				if a.State == pole.ActionRaised || a.State == pole.ActionAllocated {
					return store.ReviewChange{}, pole.Errorf(pole.ECONFLICT, "action %q is still %s: result it first", a.Title, a.State)
				}
			}
			r.State, r.Outcome, r.OutcomeReasons = pole.ReviewConcluded, outcome, reasons
			updates, err := d.victimUpdates(ctx, r, "outcome: "+outcome)
			if err != nil {
				return store.ReviewChange{}, err
			}
			return store.ReviewChange{Transition: &pole.Transition{Note: outcome + ": " + reasons}, VictimUpdates: updates}, nil
		})
	return r, pole.E(op, err)
}
