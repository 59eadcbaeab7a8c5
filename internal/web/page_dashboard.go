package web

import (
	"net/http"
	"slices"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// dashboardPage is what a user sees first: each part only if their roles
// reach it, so that the dashboard itself never draws a refusal.
type dashboardPage struct {
	Reviews        bool
	States         []stateCount
	Top            []*pole.Review
	Overdue        []*pole.Action
	Actions        bool
	VictimsOverdue []*pole.VictimUpdate
	Victims        bool
	Notices        []*store.InterestNotice
	Deconfliction  bool
	Loaded         []store.SourceTally
	Holdings       bool
}

type stateCount struct {
	State pole.ReviewState
	N     int
}

// dashboardLimit is how many of each list the dashboard shows.
const dashboardLimit = 10

// dashboard is GET /: the review queue by state and by score, overdue
// actions and victims' updates, new deconfliction notices, and what each
// force has loaded.
func (a *api) dashboard(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if q := readQuery(r); q.err != nil {
		return nil, q.err
	}
	ctx := r.Context()
	var d dashboardPage
	if reaches(rq.Principal, access.ReviewRead) {
		d.Reviews = true
		for _, s := range pole.ReviewStates {
			_, n, err := a.desk.Queue(ctx, rq, pole.ReviewFilter{State: s, Limit: 1})
			if err != nil {
				return nil, err
			}
			d.States = append(d.States, stateCount{s, n})
		}
		top, _, err := a.desk.Queue(ctx, rq, pole.ReviewFilter{ByScore: true, State: pole.ReviewTriaged, Limit: dashboardLimit})
		if err != nil {
			return nil, err
		}
		d.Top = top
		d.Actions = true
		f := pole.ActionFilter{OverdueOn: a.today(), Limit: dashboardLimit}
		if d.Overdue, err = a.desk.Actions(ctx, rq, f); err != nil {
			return nil, err
		}
	}
	if reaches(rq.Principal, access.VictimContact) {
		d.Victims = true
		list, err := a.desk.VictimDates(ctx, rq, pole.VictimUpdateFilter{OverdueAt: a.now(), Untold: true, Limit: dashboardLimit})
		if err != nil {
			return nil, err
		}
		d.VictimsOverdue = list
	}
	if reaches(rq.Principal, access.InterestRegister) {
		d.Deconfliction = true
		list, err := a.guard.Notices(ctx, access.Request{Principal: rq.Principal, Purpose: DeconflictionPurpose, Origin: rq.Origin}, dashboardLimit)
		if err != nil {
			return nil, err
		}
		d.Notices = list
	}
	if dec := access.Decide(rq.Principal, access.CaseList, access.Resource{Kind: "case"}); dec.Allowed {
		// Counts of files and rows, no record: within the forces the
		// user may list cases of.
		tallies, err := a.st.TallySources(ctx)
		if err != nil {
			return nil, err
		}
		d.Holdings = true
		for _, t := range tallies {
			if dec.AllForces || slices.Contains(dec.Forces, t.Force) {
				d.Loaded = append(d.Loaded, t)
			}
		}
	}
	return &view{Page: "dashboard", Title: "Dashboard", Data: d}, nil
}
