package web

import (
	"net/http"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
)

// actionsPage lists actions within reach, all or overdue, with the step
// each may take next.
type actionsPage struct {
	Actions []*pole.Action
	Overdue bool
	Owner   string
	Can     map[string]bool
}

// actions is GET /actions: the actions of the reviews within reach, of an
// owner, or overdue (raised or allocated and due before today in London).
func (a *api) actions(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "overdue", "owner")
	p := actionsPage{Overdue: q.boolean("overdue"), Owner: q.str("owner")}
	if q.err != nil {
		return nil, q.err
	}
	f := pole.ActionFilter{Owner: p.Owner}
	if p.Overdue {
		f.OverdueOn = a.today()
	}
	list, err := a.desk.Actions(r.Context(), rq, f)
	if err != nil {
		return nil, err
	}
	p.Actions = list
	p.Can = map[string]bool{"allocate": reaches(rq.Principal, access.ActionAllocate), "result": reaches(rq.Principal, access.ActionResult),
		"file": reaches(rq.Principal, access.ActionFile)}
	return &view{Page: "actions", Title: "Actions", Data: p}, nil
}

// victimsPage lists the decisions victims must be told of.
type victimsPage struct {
	Updates []*pole.VictimUpdate
	Overdue bool
	Methods []string
}

// victims is GET /victims: the Victims' Code updates not yet given, or
// those past their deadline, within reach, soonest deadline first.
func (a *api) victims(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "overdue")
	p := victimsPage{Overdue: q.boolean("overdue"), Methods: pole.ContactMethods}
	if q.err != nil {
		return nil, q.err
	}
	f := pole.VictimUpdateFilter{Untold: true}
	if p.Overdue {
		f.OverdueAt = a.now()
	}
	list, err := a.desk.VictimDates(r.Context(), rq, f)
	if err != nil {
		return nil, err
	}
	p.Updates = list
	return &view{Page: "victims", Title: "Victims' updates", Data: p}, nil
}
