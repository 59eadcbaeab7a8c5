package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
)

// queuePage is the review queue as the user filtered it.
type queuePage struct {
	Reviews []*pole.Review
	Total   int
	State   string
	Order   string
	States  []pole.ReviewState
	Offset  int
	Next    string
}

// reviews is GET /reviews: the queue within reach, by state, by triage
// score or in order of referral.
func (a *api) reviews(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "state", "order", "offset")
	p := queuePage{
		State:  q.oneOf("state", "", reviewStates()...),
		Order:  q.oneOf("order", "score", "score", "referred"),
		Offset: q.integer("offset", 0, 1<<31-1),
		States: pole.ReviewStates,
	}
	if q.err != nil {
		return nil, q.err
	}
	list, total, err := a.desk.Queue(r.Context(), rq, pole.ReviewFilter{ByScore: p.Order == "score", State: pole.ReviewState(p.State), Limit: defaultLimit, Offset: p.Offset})
	if err != nil {
		return nil, err
	}
	p.Reviews, p.Total = list, total
	if p.Offset+len(list) < total {
		p.Next = fmt.Sprintf("/reviews?state=%s&order=%s&offset=%d", url.QueryEscape(p.State), p.Order, p.Offset+len(list))
	}
	return &view{Page: "reviews", Title: "Reviews", Data: p}, nil
}

// reviewPage is one review with what the user may do next.
type reviewPage struct {
	D        *review.Detail
	Case     *pole.Case
	Items    []string
	Answers  []string
	Can      map[string]bool
	Done     string
	Outcomes []string
	Methods  []string
}

// reviewDetail is GET /reviews/{id}: the case, its triage with reasons,
// the checklist, the history, the actions and the victims' deadlines, with
// a form for each step the user's roles may take from here.
func (a *api) reviewDetail(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "done")
	done := q.str("done")
	if q.err != nil {
		return nil, q.err
	}
	ctx := r.Context()
	d, err := a.desk.Find(ctx, rq, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	c, err := a.guard.FindCase(ctx, rq, d.Review.CaseID)
	if err != nil {
		return nil, err
	}
	p := reviewPage{D: d, Case: c, Items: pole.ChecklistItems, Done: done,
		Answers:  []string{pole.CheckDone, pole.CheckNotDone, pole.CheckUnknown, "n/a"},
		Outcomes: []string{pole.OutcomeCharge, pole.OutcomeCaution, pole.OutcomeNFA}, Methods: pole.ContactMethods}
	res := access.Resource{Kind: "review", ID: d.Review.ID, Force: d.Review.Force}
	can := func(act access.Action) bool { return access.Decide(rq.Principal, act, res).Allowed }
	st := d.Review.State
	p.Can = map[string]bool{
		"start":    st == pole.ReviewTriaged && can(access.ReviewWork),
		"answer":   st == pole.ReviewUnderReview && can(access.ReviewWork),
		"submit":   st == pole.ReviewUnderReview && can(access.ReviewWork),
		"decide":   st == pole.ReviewAtPanel && can(access.ReviewDecide),
		"conclude": st == pole.ReviewWithForce && can(access.ReviewConclude),
		"raise":    st == pole.ReviewWithForce && can(access.ActionRaise),
		"allocate": can(access.ActionAllocate),
		"result":   can(access.ActionResult),
		"file":     can(access.ActionFile),
		"told":     can(access.VictimContact),
	}
	return &view{Page: "review", Title: "Review of " + d.Review.CrimeRef, Data: p}, nil
}

// reviewStepForm is POST /reviews/{id}/{step}: one step of the workflow
// from its form. The form carries the version the page showed, so that two
// people acting on one review cannot overwrite each other: the second is
// told to reload. The browser is sent back to the review.
func (a *api) reviewStepForm(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r, "version", "note", "decision", "reasons", "outcome", "title", "due", "owner", "action_title", "action_due",
		"answer_"+strings.Join(pole.ChecklistItems, " answer_"), "note_"+strings.Join(pole.ChecklistItems, " note_")); err != nil {
		return nil, err
	}
	ctx := r.Context()
	id, step := r.PathValue("id"), r.PathValue("step")
	f := r.PostForm
	ver, err := formVersion(f)
	if err != nil && step != "actions" {
		return nil, err
	}
	switch step {
	case "start":
		_, err = a.desk.Start(ctx, rq, id, ver)
	case "answers":
		answers := map[string]pole.ChecklistAnswer{}
		for _, item := range pole.ChecklistItems {
			if ans := strings.TrimSpace(f.Get("answer_" + item)); ans != "" {
				answers[item] = pole.ChecklistAnswer{Answer: ans, Note: strings.TrimSpace(f.Get("note_" + item))}
			}
		}
		if len(answers) == 0 {
			return nil, pole.Invalid("answers", "answer at least one item")
		}
		_, err = a.desk.Answer(ctx, rq, id, ver, answers)
	case "submit":
		_, err = a.desk.Submit(ctx, rq, id, ver, f.Get("note"))
	case "decision":
		pd := review.PanelDecision{Decision: strings.TrimSpace(f.Get("decision")), Reasons: f.Get("reasons")}
		if title := strings.TrimSpace(f.Get("action_title")); title != "" {
			due, derr := pole.ParsePartialDate(strings.TrimSpace(f.Get("action_due")))
			if derr != nil {
				return nil, pole.Invalid("action_due", "%v", derr)
			}
			pd.Actions = append(pd.Actions, &pole.Action{Title: title, Due: due})
		}
		_, err = a.desk.Decide(ctx, rq, id, ver, pd)
	case "send-back":
		_, err = a.desk.SendBack(ctx, rq, id, ver, f.Get("note"))
	case "conclusion":
		_, err = a.desk.Conclude(ctx, rq, id, ver, strings.TrimSpace(f.Get("outcome")), f.Get("reasons"))
	case "actions":
		due, derr := pole.ParsePartialDate(strings.TrimSpace(f.Get("due")))
		if derr != nil {
			return nil, pole.Invalid("due", "%v", derr)
		}
		err = a.desk.Raise(ctx, rq, id, &pole.Action{Title: strings.TrimSpace(f.Get("title")), Due: due, Owner: strings.TrimSpace(f.Get("owner"))})
	default:
		return nil, &requestError{status: http.StatusNotFound, code: pole.ENOTFOUND, msg: "no such step: " + step}
	}
	if err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/reviews/"+id+"?done="+url.QueryEscape(step), http.StatusSeeOther)
	return nil, nil
}

// actionStepForm is POST /actions/{id}/{step}: allocate, result or file an
// action from the review page, back to the review.
func (a *api) actionStepForm(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r, "version", "owner", "result", "review"); err != nil {
		return nil, err
	}
	ctx := r.Context()
	id, step, f := r.PathValue("id"), r.PathValue("step"), r.PostForm
	ver, err := formVersion(f)
	if err != nil {
		return nil, err
	}
	var act *pole.Action
	switch step {
	case "allocate":
		act, err = a.desk.Allocate(ctx, rq, id, ver, strings.TrimSpace(f.Get("owner")))
	case "result":
		act, err = a.desk.Result(ctx, rq, id, ver, strings.TrimSpace(f.Get("result")))
	case "file":
		act, err = a.desk.File(ctx, rq, id, ver)
	default:
		return nil, &requestError{status: http.StatusNotFound, code: pole.ENOTFOUND, msg: "no such step: " + step}
	}
	if err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/reviews/"+act.ReviewID+"?done="+url.QueryEscape(step)+"#actions", http.StatusSeeOther)
	return nil, nil
}

// toldForm is POST /victim-updates/{id}/told: the victim told of a
// decision, now, and how.
func (a *api) toldForm(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r, "method"); err != nil {
		return nil, err
	}
	u, err := a.desk.Told(r.Context(), rq, r.PathValue("id"), a.now(), strings.TrimSpace(r.PostForm.Get("method")))
	if err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/reviews/"+u.ReviewID+"?done=told#victims", http.StatusSeeOther)
	return nil, nil
}

// formVersion is the version a form says it read.
func formVersion(f url.Values) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(f.Get("version")))
	if err != nil || v < 1 {
		return 0, pole.Invalid("version", "the form does not say which version it read: reload the page")
	}
	return v, nil
}

// readForm reads a form-encoded body of at most maxFormBytes, refusing a
// field the page does not send (names may be given space-separated).
func readForm(w http.ResponseWriter, r *http.Request, allowed ...string) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: "send the form as application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("", "the form could not be read: %v", err)
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		for _, name := range strings.Fields(a) {
			ok[name] = true
		}
	}
	for name := range r.PostForm {
		if !ok[name] {
			return badRequest(name, "this form has no field %q", name)
		}
	}
	return nil
}
