package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/calendar"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
)

// The routes. Each reads its request, hands it to the review desk (which
// asks the access policy and writes the audit log) and answers what the
// desk returns. They check what the command line checks, in the same
// words, so that the API and the CLI behave alike.

const (
	defaultLimit = 100
	maxLimit     = 1000
)

// listReviews is GET /api/reviews: the review queue within reach.
func (a *api) listReviews(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	q := readQuery(r, "order", "state", "force", "limit", "offset")
	f := pole.ReviewFilter{
		ByScore: q.oneOf("order", "score", "score", "referred") == "score",
		State:   pole.ReviewState(q.oneOf("state", "", reviewStates()...)),
		Force:   q.str("force"),
		Limit:   q.integer("limit", defaultLimit, maxLimit),
		Offset:  q.integer("offset", 0, 1<<31-1),
	}
	if f.Force != "" {
		if _, ok := pole.ForceByCode(f.Force); !ok {
			q.fail(badRequest("force", "%q is not a force code", f.Force))
		}
	}
	if q.err != nil {
		return q.err
	}
	list, total, err := a.desk.Queue(r.Context(), rq, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, QueueView(list, total))
	return nil
}

func reviewStates() []string {
	out := make([]string, len(pole.ReviewStates))
	for i, s := range pole.ReviewStates {
		out[i] = string(s)
	}
	return out
}

// showReview is GET /api/reviews/{id}: the review, its triage with reasons
// and evidence, its history, actions and victims' deadlines.
func (a *api) showReview(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	if q := readQuery(r); q.err != nil {
		return q.err
	}
	d, err := a.desk.Find(r.Context(), rq, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, DetailView(d))
	return nil
}

// refer is POST /api/referrals: one case by case_id (201 and the review),
// or with closed every case within reach closed without a charge and not
// yet referred, of one force with force (200 and how many).
func (a *api) refer(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		CaseID string       `json:"case_id"`
		Reason string       `json:"reason"`
		Closed bool         `json:"closed"`
		Force  string       `json:"force"`
		Form   *review.Form `json:"form"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	caseID := strings.TrimSpace(in.CaseID)
	ways := 0
	for _, given := range []bool{in.Closed, caseID != "", in.Form != nil} {
		if given {
			ways++
		}
	}
	switch {
	case ways != 1:
		return pole.Invalid("case_id", "give the case to refer (case_id), closed: true for every case closed without a charge, or a referral form: one of them")
	case !in.Closed && in.Force != "":
		return pole.Invalid("force", "force goes with closed: true (a form names its own)")
	}
	if in.Form != nil {
		rv, err := a.desk.ReferForm(r.Context(), rq, *in.Form)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, toReview(rv))
		return nil
	}
	if in.Closed {
		n, err := a.desk.ReferClosed(r.Context(), rq, strings.TrimSpace(in.Force), in.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, struct {
			Referred int `json:"referred"`
		}{n})
		return nil
	}
	rv, err := a.desk.Refer(r.Context(), rq, caseID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toReview(rv))
	return nil
}

// triage is POST /api/triage: scores every referred case with the rule set
// last used (the default at first). A custom rule set stays on the command
// line ('caselink triage --rules FILE'): making a rule set the one in use
// is an operator's change, reviewed as a file, not a request.
func (a *api) triage(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sum, err := a.desk.Triage(r.Context(), rq, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Scored   int    `json:"scored"`
		Promoted int    `json:"promoted"`
		Rules    string `json:"rules"`
	}{sum.Scored, sum.Promoted, sum.Rules})
	return nil
}

// version checks the version a change says it read.
func version(v int, what string) error {
	if v < 1 {
		return pole.Invalid("version", "give the version of the %s you read (GET it first)", what)
	}
	return nil
}

// reviewStep reads a workflow step's body into in, checks its version and
// answers the review the step returns.
func (a *api) reviewStep(w http.ResponseWriter, r *http.Request, in any, ver *int, step func() (*pole.Review, error)) error {
	if err := decode(w, r, in); err != nil {
		return err
	}
	if err := version(*ver, "review"); err != nil {
		return err
	}
	rv, err := step()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toReview(rv))
	return nil
}

// versioned is the body of a step that says only the version it read.
type versioned struct {
	Version int `json:"version"`
}

// start is POST /api/reviews/{id}/start: a triaged case taken into review
// by the caller.
func (a *api) start(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in versioned
	return a.reviewStep(w, r, &in, &in.Version, func() (*pole.Review, error) {
		return a.desk.Start(r.Context(), rq, r.PathValue("id"), in.Version)
	})
}

// answer is POST /api/reviews/{id}/answers: answers to checklist items;
// items not given stay as they were.
func (a *api) answer(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version int                   `json:"version"`
		Answers map[string]answerJSON `json:"answers"`
	}
	return a.reviewStep(w, r, &in, &in.Version, func() (*pole.Review, error) {
		if len(in.Answers) == 0 {
			return nil, pole.Invalid("answers", "give at least one answer; items: %s", strings.Join(pole.ChecklistItems, ", "))
		}
		answers := make(map[string]pole.ChecklistAnswer, len(in.Answers))
		for item, ans := range in.Answers {
			answers[strings.TrimSpace(item)] = pole.ChecklistAnswer{Answer: strings.TrimSpace(ans.Answer), Note: strings.TrimSpace(ans.Note)}
		}
		return a.desk.Answer(r.Context(), rq, r.PathValue("id"), in.Version, answers)
	})
}

// submit is POST /api/reviews/{id}/submit: the review put to the panel.
func (a *api) submit(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version int    `json:"version"`
		Note    string `json:"note"`
	}
	return a.reviewStep(w, r, &in, &in.Version, func() (*pole.Review, error) {
		return a.desk.Submit(r.Context(), rq, r.PathValue("id"), in.Version, in.Note)
	})
}

// decide is POST /api/reviews/{id}/decision: the panel's decision, with the
// actions of a reinvestigation.
func (a *api) decide(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version  int    `json:"version"`
		Decision string `json:"decision"`
		Reasons  string `json:"reasons"`
		Actions  []struct {
			Title string `json:"title"`
			Due   string `json:"due"`
		} `json:"actions"`
	}
	return a.reviewStep(w, r, &in, &in.Version, func() (*pole.Review, error) {
		pd := review.PanelDecision{Decision: strings.TrimSpace(in.Decision), Reasons: in.Reasons}
		for i, act := range in.Actions {
			due, err := pole.ParsePartialDate(strings.TrimSpace(act.Due))
			if err != nil {
				return nil, pole.Invalid(fmt.Sprintf("actions[%d].due", i), "%v", err)
			}
			pa := &pole.Action{Title: strings.TrimSpace(act.Title), Due: due}
			if err := pa.Validate(); err != nil {
				return nil, pole.Invalid(fmt.Sprintf("actions[%d].%s", i, pole.ErrorField(err)), "%s", messageOf(err))
			}
			pd.Actions = append(pd.Actions, pa)
		}
		return a.desk.Decide(r.Context(), rq, r.PathValue("id"), in.Version, pd)
	})
}

// sendBack is POST /api/reviews/{id}/send-back: the panel returns the
// review to the reviewer.
func (a *api) sendBack(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version int    `json:"version"`
		Note    string `json:"note"`
	}
	return a.reviewStep(w, r, &in, &in.Version, func() (*pole.Review, error) {
		return a.desk.SendBack(r.Context(), rq, r.PathValue("id"), in.Version, in.Note)
	})
}

// conclude is POST /api/reviews/{id}/conclusion: the reinvestigation's
// outcome.
func (a *api) conclude(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version int    `json:"version"`
		Outcome string `json:"outcome"`
		Reasons string `json:"reasons"`
	}
	return a.reviewStep(w, r, &in, &in.Version, func() (*pole.Review, error) {
		return a.desk.Conclude(r.Context(), rq, r.PathValue("id"), in.Version, strings.TrimSpace(in.Outcome), in.Reasons)
	})
}

// listActions is GET /api/actions: actions within reach, of a review, a
// force or an owner, or overdue (raised or allocated, due before today in
// London).
func (a *api) listActions(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	q := readQuery(r, "review", "force", "owner", "overdue")
	f := pole.ActionFilter{ReviewID: q.str("review"), Force: q.str("force"), Owner: q.str("owner")}
	if q.boolean("overdue") {
		f.OverdueOn = a.today()
	}
	if q.err != nil {
		return q.err
	}
	list, err := a.desk.Actions(r.Context(), rq, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ActionsView(list))
	return nil
}

// today is today's date in London, where the review's days are counted.
func (a *api) today() pole.PartialDate {
	t := a.now().In(calendar.London)
	return pole.Date(t.Year(), int(t.Month()), t.Day())
}

// raise is POST /api/reviews/{id}/actions: an action raised on the review
// for the force that holds the case; allocated at once when an owner is
// given.
func (a *api) raise(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Title string `json:"title"`
		Due   string `json:"due"`
		Owner string `json:"owner"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	due, err := pole.ParsePartialDate(strings.TrimSpace(in.Due))
	if err != nil {
		return pole.Invalid("due", "%v", err)
	}
	act := &pole.Action{Title: strings.TrimSpace(in.Title), Due: due, Owner: strings.TrimSpace(in.Owner)}
	if err := a.desk.Raise(r.Context(), rq, r.PathValue("id"), act); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAction(act))
	return nil
}

// actionStep reads an action step's body into in, checks its version and
// answers the action the step returns.
func (a *api) actionStep(w http.ResponseWriter, r *http.Request, in any, ver *int, step func() (*pole.Action, error)) error {
	if err := decode(w, r, in); err != nil {
		return err
	}
	if err := version(*ver, "action"); err != nil {
		return err
	}
	act, err := step()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAction(act))
	return nil
}

// allocate is POST /api/actions/{id}/allocate.
func (a *api) allocate(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version int    `json:"version"`
		Owner   string `json:"owner"`
	}
	return a.actionStep(w, r, &in, &in.Version, func() (*pole.Action, error) {
		return a.desk.Allocate(r.Context(), rq, r.PathValue("id"), in.Version, strings.TrimSpace(in.Owner))
	})
}

// result is POST /api/actions/{id}/result.
func (a *api) result(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Version int    `json:"version"`
		Result  string `json:"result"`
	}
	return a.actionStep(w, r, &in, &in.Version, func() (*pole.Action, error) {
		return a.desk.Result(r.Context(), rq, r.PathValue("id"), in.Version, in.Result)
	})
}

// file is POST /api/actions/{id}/file.
func (a *api) file(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in versioned
	return a.actionStep(w, r, &in, &in.Version, func() (*pole.Action, error) {
		return a.desk.File(r.Context(), rq, r.PathValue("id"), in.Version)
	})
}

// listVictimUpdates is GET /api/victim-updates: the decisions victims
// within reach are to be told of, all, untold, or overdue now.
func (a *api) listVictimUpdates(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	q := readQuery(r, "overdue", "untold")
	f := pole.VictimUpdateFilter{Untold: q.boolean("untold")}
	if q.boolean("overdue") {
		f.OverdueAt = a.now()
	}
	if q.err != nil {
		return q.err
	}
	list, err := a.desk.VictimDates(r.Context(), rq, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, VictimUpdatesView(list))
	return nil
}

// told is POST /api/victim-updates/{id}/told: the victim was told, at a
// time (now when not given) and by a method.
func (a *api) told(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		At     string `json:"at"`
		Method string `json:"method"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var at time.Time
	if s := strings.TrimSpace(in.At); s != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			return pole.Invalid("at", "%q is not an RFC 3339 time such as 2026-11-27T10:00:00Z", s)
		}
	}
	u, err := a.desk.Told(r.Context(), rq, r.PathValue("id"), at, strings.TrimSpace(in.Method))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toVictimUpdate(u))
	return nil
}

// contact is PUT /api/victims/{record_id}/contact: how a victim wishes to
// be kept informed. It replaces what was recorded: a field not given is
// empty or false.
func (a *api) contact(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Method       string `json:"method"`
		NamedContact string `json:"named_contact"`
		Enhanced     bool   `json:"enhanced"`
		OptedOut     bool   `json:"opted_out"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := &pole.VictimContact{MentionID: r.PathValue("record_id"), Method: strings.TrimSpace(in.Method),
		NamedContact: strings.TrimSpace(in.NamedContact), Enhanced: in.Enhanced, OptedOut: in.OptedOut}
	if err := a.desk.SetContact(r.Context(), rq, c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toContact(c))
	return nil
}

// registerInterest is POST /api/interests: the caller's force's interest in
// a person (by one of their records), vehicle, phone or venue
// (POSTCODE|HOUSE). held_by names the forces that already hold one, and
// whom to contact; they have been told of this one.
func (a *api) registerInterest(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	var in struct {
		Kind   string `json:"kind"`
		Value  string `json:"value"`
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	held, err := a.desk.Register(r.Context(), rq, strings.TrimSpace(in.Kind), in.Value, in.Reason)
	if err != nil {
		return err
	}
	out := struct {
		HeldBy []heldJSON `json:"held_by"`
	}{make([]heldJSON, len(held))}
	for i, h := range held {
		out.HeldBy[i] = *toHeld(h)
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// listInterests is GET /api/interests: the interests the caller's force
// holds.
func (a *api) listInterests(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	if q := readQuery(r); q.err != nil {
		return q.err
	}
	list, err := a.desk.Interests(r.Context(), rq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Interests []interestJSON `json:"interests"`
	}{toInterests(list)})
	return nil
}

// listNotices is GET /api/notices: who outside the caller's force reached
// for its records or shares its interests.
func (a *api) listNotices(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	q := readQuery(r, "limit")
	limit := q.integer("limit", 0, maxLimit)
	if q.err != nil {
		return q.err
	}
	list, err := a.guard.Notices(r.Context(), rq, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Notices []noticeJSON `json:"notices"`
	}{toNotices(list)})
	return nil
}
