package web

import (
	"net/http"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
)

// casePage is one case with its people, and its review if it has one.
type casePage struct {
	C        *pole.Case
	People   []casePerson
	Review   *pole.Review
	CanShow  bool // the user may reveal a victim's identity here
	Revealed string
}

type casePerson struct {
	M      *pole.Mention
	Role   pole.Role
	Entity string
}

// caseDetail is GET /cases/{id}: the case, the people in it (victims by
// pseudonym), and its review.
func (a *api) caseDetail(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if q := readQuery(r); q.err != nil {
		return nil, q.err
	}
	p, err := a.casePage(r, rq)
	if err != nil {
		return nil, err
	}
	return &view{Page: "case", Title: "Case " + p.C.CrimeRef, Data: p}, nil
}

func (a *api) casePage(r *http.Request, rq access.Request) (*casePage, error) {
	ctx := r.Context()
	c, people, roles, err := a.guard.CasePeople(ctx, rq, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := &casePage{C: c}
	ids := make([]string, len(people))
	for i, m := range people {
		ids[i] = m.ID
	}
	entities := map[string]string{}
	for len(ids) > 0 {
		n := min(len(ids), pole.MaxFilterIDs)
		got, err := a.st.EntitiesOfMentions(ctx, ids[:n])
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			entities[k] = v
		}
		ids = ids[n:]
	}
	for _, m := range people {
		role := m.Role
		if rr, ok := roles[m.ID]; ok {
			role = rr
		}
		p.People = append(p.People, casePerson{M: m, Role: role, Entity: entities[m.ID]})
	}
	res := access.Resource{Kind: "victim", Force: c.Force}
	p.CanShow = access.Decide(rq.Principal, access.VictimReveal, res).Allowed
	if access.Decide(rq.Principal, access.ReviewRead, access.Resource{Kind: "review", Force: c.Force}).Allowed {
		list, _, err := a.desk.Queue(ctx, rq, pole.ReviewFilter{CaseID: c.ID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(list) > 0 {
			p.Review = list[0]
		}
	}
	return p, nil
}

// reveal is POST /cases/{id}/reveal: one victim's identity shown on the
// case page, once, for the purpose the user states; the reveal is
// recorded before anything is shown, and nothing of it is kept.
func (a *api) reveal(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r, "mention", "purpose"); err != nil {
		return nil, err
	}
	purpose := strings.TrimSpace(r.PostForm.Get("purpose"))
	if purpose == "" {
		return nil, pole.Invalid("purpose", "say why you need this victim's identity; the reason is recorded")
	}
	p, err := a.casePage(r, rq)
	if err != nil {
		return nil, err
	}
	id := r.PostForm.Get("mention")
	var in bool
	for _, cp := range p.People {
		in = in || cp.M.ID == id
	}
	if !in {
		return nil, pole.Invalid("mention", "that person is not in this case")
	}
	rq.Purpose = purpose
	m, err := a.guard.RevealVictim(r.Context(), rq, id)
	if err != nil {
		return nil, err
	}
	for i := range p.People {
		if p.People[i].M.ID == id {
			p.People[i].M = m
		}
	}
	p.Revealed = id
	return &view{Page: "case", Title: "Case " + p.C.CrimeRef, Data: p}, nil
}
