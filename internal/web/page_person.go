package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// profilePage is one person as linkage resolved them: every record of
// theirs within the user's reach, and who holds the rest.
type profilePage struct {
	EntityID string
	Names    []string
	Aliases  []string
	Records  []profileRecord
	Held     []access.Held
	Timeline []timelineItem
	Phones   []string
	Vehicles []string
	Places   []string
	Links    []linkRow
	CanJudge bool
	// CanNetwork: the user's roles see the national network.
	CanNetwork bool
	// Judged is the judgement just recorded, to say so.
	Judged string
	// History is what linkage did to this person: records joined, people
	// merged in or split off, merges undone.
	History []*store.EntityChange
}

// profileRecord is one person record with its case, if the user may read
// the case.
type profileRecord struct {
	M    *pole.Mention
	Case *pole.Case
}

// timelineItem is one dated thing in the person's history.
type timelineItem struct {
	Date   pole.PartialDate
	What   string
	CaseID string
	Force  string
}

// linkRow is the linkage's evidence on two of the person's records: the
// pair's probability, band and each field's comparison level.
type linkRow struct {
	A, B   *pole.Mention
	Pair   store.LinkPair
	Levels []fieldLevel
}

// fieldLevel is one comparison's level and the weight it added.
type fieldLevel struct {
	Field  string `json:"field"`
	Level  string `json:"level"`
	Weight string `json:"weight_bits,omitempty"`
}

// maxProfileRecords bounds a profile: a person with more records than
// this is a linkage fault to be split, not a page to draw.
const maxProfileRecords = pole.MaxFilterIDs

// person is GET /people/{id}: the profile of a linked person.
func (a *api) person(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "judged")
	if q.err != nil {
		return nil, q.err
	}
	judged := q.oneOf("judged", "", "same", "different", "unsure", "unmerged")
	if q.err != nil {
		return nil, q.err
	}
	ctx := r.Context()
	id := r.PathValue("id")
	ids, err := a.st.EntityMentions(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, pole.Errorf(pole.ENOTFOUND, "no person with id %s", id)
	}
	if len(ids) > maxProfileRecords {
		ids = ids[:maxProfileRecords]
	}
	res, err := a.guard.FindPeople(ctx, rq, access.PersonRead, ids, "person profile")
	if err != nil {
		return nil, err
	}
	if len(res.Mentions) == 0 && len(res.Held) == 0 {
		// Every record is kept to case teams the user is not in: as far
		// as they may know, there is no such person.
		return nil, pole.Errorf(pole.ENOTFOUND, "no person with id %s", id)
	}
	p := &profilePage{EntityID: id, Held: res.Held, Judged: judged}
	names, aliases, phones, vehicles, places := set{}, set{}, set{}, set{}, set{}
	visible := map[string]*pole.Mention{}
	cases := map[string]*pole.Case{}
	for _, m := range res.Mentions {
		visible[m.ID] = m
		rec := profileRecord{M: m}
		if m.CaseID != "" {
			c, ok := cases[m.CaseID]
			if !ok {
				c, err = a.guard.FindCase(ctx, rq, m.CaseID)
				if err != nil && pole.ErrorCode(err) != pole.EFORBIDDEN {
					return nil, err
				}
				cases[m.CaseID] = c
			}
			rec.Case = c
		}
		p.Records = append(p.Records, rec)
		if m.Pseudonym != "" {
			names.add(m.Pseudonym)
			continue
		}
		names.add(strings.TrimSpace(strings.Join([]string{m.Forename, m.MiddleNames, m.Surname}, " ")))
		aliases.add(m.Aliases...)
		phones.add(m.Phones...)
		vehicles.add(m.Vehicles...)
		for _, ad := range m.Addresses {
			places.add(strings.TrimSpace(strings.Join([]string{ad.Text, ad.Postcode}, " ")))
		}
	}
	p.Names, p.Aliases, p.Phones, p.Vehicles, p.Places = names.list(), aliases.list(), phones.list(), vehicles.list(), places.list()
	for _, c := range cases {
		if c == nil {
			continue
		}
		p.Timeline = append(p.Timeline, timelineItem{Date: c.Recorded, What: "case " + c.CrimeRef + " recorded", CaseID: c.ID, Force: c.Force})
		if c.OutcomeType != 0 {
			p.Timeline = append(p.Timeline, timelineItem{Date: c.OutcomeDate, What: "case " + c.CrimeRef + " closed, outcome " + strconv.Itoa(c.OutcomeType), CaseID: c.ID, Force: c.Force})
		}
	}
	for _, m := range res.Mentions {
		if m.CaseID == "" || cases[m.CaseID] == nil {
			continue
		}
		events, _, err := a.st.FindEvents(ctx, pole.EventFilter{MentionID: m.ID})
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			p.Timeline = append(p.Timeline, timelineItem{Date: e.Date, What: strings.ReplaceAll(e.Type, "_", " "), CaseID: e.CaseID, Force: m.Force})
		}
	}
	slices.SortStableFunc(p.Timeline, func(x, y timelineItem) int { return cmp.Compare(x.Date.String(), y.Date.String()) })
	model, err := a.linkModel(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[[2]string]bool{}
	for _, m := range res.Mentions {
		pairs, err := a.st.FindLinkPairs(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, pr := range pairs {
			ma, mb := visible[pr.A], visible[pr.B]
			if ma == nil || mb == nil || seen[[2]string{pr.A, pr.B}] {
				continue
			}
			seen[[2]string{pr.A, pr.B}] = true
			p.Links = append(p.Links, linkRow{A: ma, B: mb, Pair: pr, Levels: levelsOf(pr.Levels, model)})
		}
	}
	slices.SortFunc(p.Links, func(x, y linkRow) int { return cmp.Compare(x.Pair.Probability, y.Pair.Probability) })
	if p.History, err = a.st.FindEntityChanges(ctx, id); err != nil {
		return nil, err
	}
	p.CanNetwork = access.Decide(rq.Principal, access.NetworkRead, access.Resource{Kind: "network"}).AllForces
	p.CanJudge = reaches(rq.Principal, access.LinkJudge)
	return &view{Page: "person", Title: "Person " + shortID(id), Data: p}, nil
}

// levelsOf reads the levels linkage stores with a pair (each comparison's
// level, in the model's order) into each field's level and weight in bits,
// log2(m/u), under the model of the latest run; a victim's values stay
// sealed, but the evidence shows.
func levelsOf(s string, model *linkage.Model) []fieldLevel {
	var out []fieldLevel
	for k, f := range strings.Split(s, ",") {
		lv, err := strconv.Atoi(f)
		if err != nil || model == nil || k >= len(model.Comparisons) {
			out = append(out, fieldLevel{Field: "comparison " + strconv.Itoa(k+1), Level: f})
			continue
		}
		c := model.Comparisons[k]
		if lv < 0 || lv >= len(c.Levels) {
			out = append(out, fieldLevel{Field: c.Name, Level: f})
			continue
		}
		fl := fieldLevel{Field: c.Name, Level: c.Levels[lv]}
		if lv > 0 && c.M[lv] > 0 && c.U[lv] > 0 {
			fl.Weight = fmt.Sprintf("%+.1f", math.Log2(c.M[lv]/c.U[lv]))
		}
		out = append(out, fl)
	}
	return out
}

// linkModel is the model of the latest link run, or nil before the first.
func (a *api) linkModel(ctx context.Context) (*linkage.Model, error) {
	lm, err := a.st.LatestLinkModel(ctx)
	if pole.ErrorCode(err) == pole.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m linkage.Model
	if err := json.Unmarshal(lm.Params, &m); err != nil {
		return nil, fmt.Errorf("link model version %d: %w", lm.Version, err)
	}
	return &m, nil
}

// judge is POST /people/{id}/judgements: the user's judgement on two of the
// person's records, same, not the same or unsure, kept for every later
// link run; the page comes back with it.
func (a *api) judge(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	decision, err := a.judgeFromForm(w, r, rq)
	if err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/people/"+r.PathValue("id")+"?judged="+decision+"#links", http.StatusSeeOther)
	return nil, nil
}

// judgeFromForm records the judgement a form posts (a, b, decision, note)
// and returns its decision.
func (a *api) judgeFromForm(w http.ResponseWriter, r *http.Request, rq access.Request) (string, error) {
	if err := readForm(w, r, "a", "b", "decision", "note"); err != nil {
		return "", err
	}
	rq.Purpose = "clerical review of links"
	f := r.PostForm
	j := store.Judgement{A: f.Get("a"), B: f.Get("b"), Decision: f.Get("decision"), Note: strings.TrimSpace(f.Get("note"))}
	return j.Decision, a.guard.Judge(r.Context(), rq, j)
}

// unmerge is POST /people/{id}/unmerge: a merge undone, its records back
// with the person they came from, and kept apart in every later run.
// Every record the merge moved must be within the user's reach.
func (a *api) unmerge(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if err := readForm(w, r, "change"); err != nil {
		return nil, err
	}
	ctx := r.Context()
	rq.Purpose = "undo a merge"
	change, err := a.st.FindEntityChange(ctx, strings.TrimSpace(r.PostForm.Get("change")))
	if err != nil {
		return nil, err
	}
	if change.Kind != "merge" {
		return nil, pole.Invalid("change", "change %s is a %s, not a merge", change.ID, change.Kind)
	}
	if err := a.guard.AlterRecords(ctx, rq, access.LinkJudge, change.Mentions, "entity_change", change.ID, "unmerge"); err != nil {
		return nil, err
	}
	if _, err := linkrun.Unmerge(ctx, a.st, change.ID, rq.Login, a.now().UTC()); err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/people/"+r.PathValue("id")+"?judged=unmerged#history", http.StatusSeeOther)
	return nil, nil
}

// set collects distinct non-empty strings in the order first seen.
type set struct {
	seen map[string]bool
	l    []string
}

func (s *set) add(vs ...string) {
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v == "" || s.seen[v] {
			continue
		}
		if s.seen == nil {
			s.seen = map[string]bool{}
		}
		s.seen[v] = true
		s.l = append(s.l, v)
	}
}

func (s *set) list() []string { return s.l }

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
