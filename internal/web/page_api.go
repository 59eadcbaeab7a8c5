package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
)

// Every page's data is also in the JSON API: the same handler reads the
// same query and asks the same desk and guard, and the API answers its
// data as JSON instead of the page.

// asJSON is the API route of a page: it runs the page's handler and
// answers conv of the page's data.
func asJSON[T any](h pageFunc, conv func(T) any) actingFunc {
	return func(w http.ResponseWriter, r *http.Request, rq access.Request) error {
		v, err := h(w, r, rq)
		if err != nil {
			return err
		}
		d, ok := v.Data.(T)
		if !ok {
			return fmt.Errorf("page %s: data %T, want %T", v.Page, v.Data, *new(T))
		}
		writeJSON(w, http.StatusOK, conv(d))
		return nil
	}
}

type mentionJSON struct {
	ID            string   `json:"id"`
	Force         string   `json:"force"`
	CaseID        string   `json:"case_id,omitempty"`
	RecordID      string   `json:"record_id"`
	SourceID      string   `json:"source_id"`
	SourceRow     int      `json:"source_row"`
	Role          string   `json:"role"`
	Pseudonym     string   `json:"pseudonym,omitempty"`
	Forename      string   `json:"forename,omitempty"`
	MiddleNames   string   `json:"middle_names,omitempty"`
	Surname       string   `json:"surname,omitempty"`
	NameAsWritten string   `json:"name_as_written,omitempty"`
	Aliases       []string `json:"aliases"`
	DOB           string   `json:"dob,omitempty"`
	Sex           string   `json:"sex,omitempty"`
	Phones        []string `json:"phones"`
	Vehicles      []string `json:"vehicles"`
	Postcodes     []string `json:"postcodes"`
}

// toMention is a person record as the API shows it: a victim's identity
// fields are empty (sealed) unless the record was revealed.
func toMention(m *pole.Mention) mentionJSON {
	j := mentionJSON{ID: m.ID, Force: m.Force, CaseID: m.CaseID, RecordID: m.RecordID, SourceID: m.SourceID, SourceRow: m.SourceRow,
		Role: string(m.Role), Pseudonym: m.Pseudonym, Forename: m.Forename, MiddleNames: m.MiddleNames, Surname: m.Surname,
		NameAsWritten: m.NameAsWritten, Aliases: orEmpty(m.Aliases), Sex: m.Sex, Phones: orEmpty(m.Phones), Vehicles: orEmpty(m.Vehicles),
		Postcodes: []string{}}
	if !m.DOB.IsZero() {
		j.DOB = m.DOB.String()
	}
	for _, a := range m.Addresses {
		if a.Postcode != "" {
			j.Postcodes = append(j.Postcodes, a.Postcode)
		}
	}
	return j
}

type caseJSON struct {
	ID               string   `json:"id"`
	Force            string   `json:"force"`
	CrimeRef         string   `json:"crime_ref"`
	OffenceCodes     []string `json:"offence_codes"`
	OffenceFrom      string   `json:"offence_from,omitempty"`
	OffenceTo        string   `json:"offence_to,omitempty"`
	Recorded         string   `json:"recorded,omitempty"`
	OutcomeType      int      `json:"outcome_type,omitempty"`
	OutcomeDate      string   `json:"outcome_date,omitempty"`
	DecisionMaker    string   `json:"decision_maker,omitempty"`
	ClosureRationale string   `json:"closure_rationale,omitempty"`
	Narrative        string   `json:"narrative,omitempty"`
	Flags            []string `json:"flags"`
}

func toCase(c *pole.Case) *caseJSON {
	if c == nil {
		return nil
	}
	return &caseJSON{ID: c.ID, Force: c.Force, CrimeRef: c.CrimeRef, OffenceCodes: orEmpty(c.OffenceCodes), OffenceFrom: dateText(c.OffenceFrom),
		OffenceTo: dateText(c.OffenceTo), Recorded: dateText(c.Recorded), OutcomeType: c.OutcomeType, OutcomeDate: dateText(c.OutcomeDate),
		DecisionMaker: c.DecisionMaker, ClosureRationale: c.ClosureRationale, Narrative: c.Narrative, Flags: orEmpty(c.Flags)}
}

func dateText(d pole.PartialDate) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func toHeldList(list []access.Held) []*heldJSON {
	out := []*heldJSON{}
	for _, h := range list {
		out = append(out, toHeld(h))
	}
	return out
}

func searchJSON(p *searchPage) any {
	type hit struct {
		mentionJSON
		EntityID string   `json:"entity_id,omitempty"`
		Score    float64  `json:"score"`
		Reasons  []string `json:"reasons"`
	}
	out := struct {
		People []hit       `json:"people"`
		Cases  []*caseJSON `json:"cases"`
		HeldBy []*heldJSON `json:"held_by"`
	}{People: []hit{}, Cases: []*caseJSON{}, HeldBy: toHeldList(p.Held)}
	for _, h := range p.People {
		out.People = append(out.People, hit{toMention(h.M), h.Entity, h.Score, orEmpty(h.Reasons)})
	}
	for _, c := range p.Cases {
		out.Cases = append(out.Cases, toCase(c))
	}
	return out
}

func profileJSON(p *profilePage) any {
	type record struct {
		mentionJSON
		Case *caseJSON `json:"case"`
	}
	type event struct {
		Date   string `json:"date,omitempty"`
		What   string `json:"what"`
		CaseID string `json:"case_id,omitempty"`
		Force  string `json:"force"`
	}
	type link struct {
		A           string       `json:"a"`
		B           string       `json:"b"`
		Probability float64      `json:"probability"`
		Band        string       `json:"band"`
		Levels      []fieldLevel `json:"levels"`
	}
	out := struct {
		ID       string      `json:"id"`
		Names    []string    `json:"names"`
		Aliases  []string    `json:"aliases"`
		Phones   []string    `json:"phones"`
		Vehicles []string    `json:"vehicles"`
		Places   []string    `json:"places"`
		Records  []record    `json:"records"`
		HeldBy   []*heldJSON `json:"held_by"`
		Timeline []event     `json:"timeline"`
		Links    []link      `json:"links"`
	}{ID: p.EntityID, Names: orEmpty(p.Names), Aliases: orEmpty(p.Aliases), Phones: orEmpty(p.Phones), Vehicles: orEmpty(p.Vehicles),
		Places: orEmpty(p.Places), Records: []record{}, HeldBy: toHeldList(p.Held), Timeline: []event{}, Links: []link{}}
	for _, r := range p.Records {
		out.Records = append(out.Records, record{toMention(r.M), toCase(r.Case)})
	}
	for _, e := range p.Timeline {
		out.Timeline = append(out.Timeline, event{dateText(e.Date), e.What, e.CaseID, e.Force})
	}
	for _, l := range p.Links {
		levels := l.Levels
		if levels == nil {
			levels = []fieldLevel{}
		}
		out.Links = append(out.Links, link{A: l.A.ID, B: l.B.ID, Probability: l.Pair.Probability, Band: l.Pair.Band, Levels: levels})
	}
	return out
}

func caseDetailJSON(p *casePage) any {
	type person struct {
		mentionJSON
		PartRole string `json:"part"`
		EntityID string `json:"entity_id,omitempty"`
	}
	out := struct {
		Case   *caseJSON   `json:"case"`
		People []person    `json:"people"`
		Review *reviewJSON `json:"review"`
	}{Case: toCase(p.C), People: []person{}}
	for _, cp := range p.People {
		out.People = append(out.People, person{toMention(cp.M), string(cp.Role), cp.Entity})
	}
	if p.Review != nil {
		rv := toReview(p.Review)
		out.Review = &rv
	}
	return out
}

func groupsJSON(p groupsPage) any {
	type group struct {
		N         int      `json:"n"`
		Offenders int      `json:"offenders"`
		Victims   int      `json:"victims"`
		Cases     int      `json:"cases"`
		Phones    int      `json:"phones"`
		Vehicles  int      `json:"vehicles"`
		Places    int      `json:"places"`
		Forces    []string `json:"forces"`
		First     string   `json:"first,omitempty"`
		Last      string   `json:"last,omitempty"`
		View      string   `json:"view"`
	}
	out := struct {
		Groups []group `json:"groups"`
		Total  int     `json:"total"`
		Offset int     `json:"offset"`
	}{Groups: []group{}, Total: p.Total, Offset: p.Offset}
	for _, g := range p.Groups {
		out.Groups = append(out.Groups, group{g.N, g.Offenders, g.Victims, g.Cases, g.Phones, g.Vehicles, g.Places, orEmpty(g.Forces),
			dateText(g.First), dateText(g.Last), "/api/network?" + string(g.Query)})
	}
	return out
}

func linkReviewJSON(p linkReviewPage) any {
	type pair struct {
		A           mentionJSON  `json:"a"`
		B           mentionJSON  `json:"b"`
		EntityA     string       `json:"entity_a,omitempty"`
		EntityB     string       `json:"entity_b,omitempty"`
		Probability float64      `json:"probability"`
		Levels      []fieldLevel `json:"levels"`
	}
	out := struct {
		Pair      *pair `json:"pair"`
		Remaining int   `json:"remaining"`
	}{Remaining: p.Remaining}
	if p.Pair != nil {
		levels := p.Levels
		if levels == nil {
			levels = []fieldLevel{}
		}
		out.Pair = &pair{A: toMention(p.A), B: toMention(p.B), EntityA: p.EA, EntityB: p.EB, Probability: p.Pair.Probability, Levels: levels}
	}
	return out
}

func auditJSON(p auditPage) any {
	type entry struct {
		Seq        int64     `json:"seq"`
		At         time.Time `json:"at"`
		Actor      string    `json:"actor"`
		ActorLogin string    `json:"actor_login,omitempty"`
		Action     string    `json:"action"`
		RecordKind string    `json:"record_kind,omitempty"`
		RecordIDs  []string  `json:"record_ids"`
		Purpose    string    `json:"purpose,omitempty"`
		Origin     string    `json:"origin,omitempty"`
		Recipient  string    `json:"recipient,omitempty"`
		Outcome    string    `json:"outcome,omitempty"`
		Detail     string    `json:"detail,omitempty"`
	}
	out := struct {
		Entries []entry `json:"entries"`
		More    bool    `json:"more"`
	}{Entries: []entry{}, More: p.More}
	for _, e := range p.Entries {
		out.Entries = append(out.Entries, entry{e.Seq, e.At, e.Actor, e.ActorLogin, e.Action, e.RecordKind, orEmpty(e.RecordIDs), e.Purpose,
			e.Origin, e.Recipient, e.Outcome, e.Detail})
	}
	return out
}

func usersJSON(p usersPage) any {
	type user struct {
		ID       string   `json:"id"`
		Login    string   `json:"login"`
		Name     string   `json:"name"`
		Force    string   `json:"force"`
		Roles    []string `json:"roles"`
		Teams    []string `json:"teams"`
		Disabled bool     `json:"disabled"`
	}
	out := struct {
		Users []user `json:"users"`
	}{Users: []user{}}
	for _, u := range p.Users {
		roles := []string{}
		for _, r := range u.Roles {
			roles = append(roles, string(r))
		}
		out.Users = append(out.Users, user{u.ID, u.Login, u.Name, u.Force, roles, orEmpty(u.Teams), u.Disabled})
	}
	return out
}

func dashboardJSON(d dashboardPage) any {
	out := map[string]any{}
	if d.Reviews {
		states := map[string]int{}
		for _, s := range d.States {
			states[string(s.State)] = s.N
		}
		out["reviews_by_state"] = states
		out["top_triaged"] = each(d.Top, toReview)
		out["overdue_actions"] = each(d.Overdue, toAction)
	}
	if d.Victims {
		out["victims_overdue"] = each(d.VictimsOverdue, toVictimUpdate)
	}
	if d.Deconfliction {
		out["notices"] = toNotices(d.Notices)
	}
	if d.Holdings {
		type tally struct {
			Force       string `json:"force"`
			Files       int    `json:"files"`
			Rows        int    `json:"rows"`
			Quarantined int    `json:"quarantined"`
		}
		list := []tally{}
		for _, t := range d.Loaded {
			list = append(list, tally{t.Force, len(t.SourceIDs), t.Rows, t.Quarantined})
		}
		out["loaded"] = list
	}
	return out
}

// orEmpty is s, or an empty list for nil: the API answers [] rather than
// null for a list with nothing in it.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
