package review

import (
	"context"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
)

// Raise raises an action on a review for the force that holds the case.
func (d *Desk) Raise(ctx context.Context, rq access.Request, reviewID string, a *pole.Action) error {
	const op = "review.Raise"
	r, _, err := d.authorize(ctx, rq, access.ActionRaise, reviewID)
	if err != nil {
		return pole.E(op, err)
	}
	switch r.State {
	case pole.ReviewUnderReview, pole.ReviewAtPanel, pole.ReviewWithForce:
	default:
		return pole.E(op, pole.Errorf(pole.ECONFLICT, "review %s is %s: actions are raised while it is under review, at the panel or with the force", r.ID, r.State))
	}
	a.ReviewID, a.Force, a.RaisedBy = r.ID, r.Force, rq.Login
	if err := d.st.CreateAction(ctx, a); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, d.guard.Note(ctx, rq, audit.Collection, "action", []string{a.ID}, string(access.ActionRaise)))
}

// Allocate gives a raised (or allocated) action to its owner.
func (d *Desk) Allocate(ctx context.Context, rq access.Request, id string, version int, owner string) (*pole.Action, error) {
	if strings.TrimSpace(owner) == "" {
		return nil, pole.E("review.Allocate", pole.Invalid("owner", "say whom the action is allocated to"))
	}
	a, err := d.actionStep(ctx, rq, access.ActionAllocate, id, version, []pole.ActionState{pole.ActionRaised, pole.ActionAllocated}, func(a *pole.Action) error {
		a.State, a.Owner = pole.ActionAllocated, owner
		return nil
	})
	return a, pole.E("review.Allocate", err)
}

// Result records what an allocated action found.
func (d *Desk) Result(ctx context.Context, rq access.Request, id string, version int, result string) (*pole.Action, error) {
	if strings.TrimSpace(result) == "" {
		return nil, pole.E("review.Result", pole.Invalid("result", "say what the action found"))
	}
	a, err := d.actionStep(ctx, rq, access.ActionResult, id, version, []pole.ActionState{pole.ActionAllocated}, func(a *pole.Action) error {
		a.State, a.Result = pole.ActionResulted, result
		return nil
	})
	return a, pole.E("review.Result", err)
}

// File files a resulted action.
func (d *Desk) File(ctx context.Context, rq access.Request, id string, version int) (*pole.Action, error) {
	a, err := d.actionStep(ctx, rq, access.ActionFile, id, version, []pole.ActionState{pole.ActionResulted}, func(a *pole.Action) error {
		a.State = pole.ActionFiled
		return nil
	})
	return a, pole.E("review.File", err)
}

func (d *Desk) actionStep(ctx context.Context, rq access.Request, act access.Action, id string, version int, from []pole.ActionState, apply func(*pole.Action) error) (*pole.Action, error) {
	a, err := d.st.FindActionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	team, err := d.teamOfReview(ctx, a.ReviewID)
	if err != nil {
		return nil, err
	}
	if err := d.guard.Authorize(ctx, rq, act, access.Resource{Kind: "action", ID: a.ID, Force: a.Force, Team: team}); err != nil {
		return nil, err
	}
	if version != a.Version {
		return nil, pole.Errorf(pole.ECONFLICT, "action %s was changed by someone else since version %d (it is at version %d): read it again", a.ID, version, a.Version)
	}
	ok := false
	for _, s := range from {
		ok = ok || a.State == s
	}
	if !ok {
		return nil, pole.Errorf(pole.ECONFLICT, "action %s is %s; it cannot be %s from there", a.ID, a.State, strings.TrimPrefix(string(act), "action."))
	}
	was := a.State
	if err := apply(a); err != nil {
		return nil, err
	}
	if err := d.st.UpdateAction(ctx, a); err != nil {
		return nil, err
	}
	return a, d.guard.Note(ctx, rq, audit.Alteration, "action", []string{a.ID}, string(act)+": "+string(was)+" → "+string(a.State))
}

// Actions lists actions within the principal's reach: of a review, a
// force, an owner, or those overdue on a day.
func (d *Desk) Actions(ctx context.Context, rq access.Request, f pole.ActionFilter) ([]*pole.Action, error) {
	const op = "review.Actions"
	reach, err := d.guard.AuthorizeList(ctx, rq, access.ReviewRead, "action")
	if err != nil {
		return nil, pole.E(op, err)
	}
	f.Reach = reach
	list, err := d.st.FindActions(ctx, f)
	if err != nil {
		return nil, pole.E(op, err)
	}
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	return list, pole.E(op, d.guard.Note(ctx, rq, audit.Consultation, "action", ids, string(access.ReviewRead)))
}
