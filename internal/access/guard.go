package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Recorder is where the Guard writes what it allowed and refused; an
// *audit.Log. Record returns once the entry is committed; Queue once it is
// in the next commit, for routine consultations (see audit.Log.Queue).
type Recorder interface {
	Record(ctx context.Context, e audit.Entry) error
	Queue(ctx context.Context, e audit.Entry) error
}

// Guard is the way to personal data for people: every read passes Decide,
// a list or search carries the policy's filter into its query, and every
// read, reveal and refusal is recorded in the audit log before anything is
// shown. The store's own methods are for the system's work (ingest,
// linkage) and for the Guard; a handler or command acting for a person
// calls the Guard.
type Guard struct {
	st  *store.Store
	log Recorder
}

// NewGuard returns a Guard over st that records to log.
func NewGuard(st *store.Store, log Recorder) *Guard { return &Guard{st: st, log: log} }

// Request says who asks, why and from where. s62 asks for the purpose of
// every consultation and disclosure, so every read needs one.
type Request struct {
	Principal
	Purpose string
	Origin  string // the client's address, or "cli"
}

// Held is what a user learns of a record outside their reach: which force
// holds material, and whom there to contact. Never the material.
type Held struct {
	Force    string
	Contacts []string // the force's supervisors, by name
}

// HeldError is the refusal of a record another force holds. Its message
// names the force and whom to contact; the record stays unseen.
type HeldError struct{ Held Held }

func (e *HeldError) Error() string {
	msg := "held by " + e.Held.Force
	if len(e.Held.Contacts) > 0 {
		msg += ": contact " + strings.Join(e.Held.Contacts, ", ")
	}
	return msg
}

// FindCase returns a case the principal may read.
func (g *Guard) FindCase(ctx context.Context, rq Request, id string) (*pole.Case, error) {
	const op = "access.FindCase"
	c, team, err := g.st.FindCaseAndTeam(ctx, id)
	if err != nil {
		return nil, pole.E(op, g.refuseUnknown(ctx, rq, CaseRead, "case", id, err))
	}
	if err := g.allow(ctx, rq, CaseRead, Resource{Kind: "case", ID: id, Force: c.Force, Team: team}); err != nil {
		return nil, pole.E(op, err)
	}
	return c, nil
}

// CasePeople returns a case and the person records in it: those the case
// names, and the nominal index entries a link table places in it (with the
// role the table gives them in roles). The case is authorised as FindCase
// authorises it, and the people are read within the same reach and
// recorded as consulted. Victims' records come back sealed.
func (g *Guard) CasePeople(ctx context.Context, rq Request, caseID string) (*pole.Case, []*pole.Mention, map[string]pole.Role, error) {
	const op = "access.CasePeople"
	c, err := g.FindCase(ctx, rq, caseID)
	if err != nil {
		return nil, nil, nil, pole.E(op, err)
	}
	named, _, err := g.st.FindMentions(ctx, pole.MentionFilter{CaseID: c.ID})
	if err != nil {
		return nil, nil, nil, pole.E(op, err)
	}
	invs, err := g.st.FindInvolvements(ctx, c.ID, "")
	if err != nil {
		return nil, nil, nil, pole.E(op, err)
	}
	roles := map[string]pole.Role{}
	var ids []string
	for _, in := range invs {
		if _, seen := roles[in.MentionID]; !seen {
			ids = append(ids, in.MentionID)
		}
		roles[in.MentionID] = in.Role
	}
	people := named
	for len(ids) > 0 {
		n := min(len(ids), pole.MaxFilterIDs)
		list, _, err := g.st.FindMentions(ctx, pole.MentionFilter{IDs: ids[:n]})
		if err != nil {
			return nil, nil, nil, pole.E(op, err)
		}
		people = append(people, list...)
		ids = ids[n:]
	}
	read := make([]string, len(people))
	for i, m := range people {
		read[i] = m.ID
	}
	if err := g.record(ctx, rq, audit.Consultation, "mention", read, audit.Allowed, string(CaseRead)+" people of case "+c.ID); err != nil {
		return nil, nil, nil, pole.E(op, err)
	}
	return c, people, roles, nil
}

// FindCases returns the cases that match f within the principal's reach:
// the reach is part of the query, so a case out of reach is never read.
func (g *Guard) FindCases(ctx context.Context, rq Request, f pole.CaseFilter) ([]*pole.Case, int, error) {
	const op = "access.FindCases"
	d, err := g.decideList(ctx, rq, CaseList, "case")
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	f.Reach = reachOf(rq, d)
	list, n, err := g.st.FindCases(ctx, f)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	if err := g.record(ctx, rq, audit.Consultation, "case", ids, audit.Allowed, string(CaseList)); err != nil {
		return nil, 0, pole.E(op, err)
	}
	return list, n, nil
}

// FindMention returns a person record the principal may read; a victim's
// shows the pseudonym, never the identity.
func (g *Guard) FindMention(ctx context.Context, rq Request, id string) (*pole.Mention, error) {
	const op = "access.FindMention"
	m, team, err := g.st.FindMentionAndTeam(ctx, id)
	if err != nil {
		return nil, pole.E(op, g.refuseUnknown(ctx, rq, PersonRead, "mention", id, err))
	}
	if err := g.allow(ctx, rq, PersonRead, Resource{Kind: "mention", ID: m.ID, Force: m.Force, Team: team}); err != nil {
		return nil, pole.E(op, err)
	}
	return m, nil
}

// SearchResult is what a person search finds within reach, and which
// forces out of reach hold records that match.
type SearchResult struct {
	Mentions []*pole.Mention
	Total    int
	Held     []Held
}

// SearchPeople finds person records by surname (ignoring case) within the
// principal's reach, and names the forces beyond it that hold a match; each
// of those forces is told of the interest. Victims' surnames are sealed and
// are found only through FindVictims.
func (g *Guard) SearchPeople(ctx context.Context, rq Request, surname string, limit int) (*SearchResult, error) {
	const op = "access.SearchPeople"
	if strings.TrimSpace(surname) == "" {
		return nil, pole.E(op, pole.Invalid("surname", "required"))
	}
	d, err := g.decideList(ctx, rq, PersonSearch, "mention")
	if err != nil {
		return nil, pole.E(op, err)
	}
	f := pole.MentionFilter{Surname: surname, Limit: limit, Reach: reachOf(rq, d)}
	list, n, err := g.st.FindMentions(ctx, f)
	if err != nil {
		return nil, pole.E(op, err)
	}
	res := &SearchResult{Mentions: list, Total: n}
	ids := make([]string, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	if err := g.record(ctx, rq, audit.Consultation, "mention", ids, audit.Allowed, "person.search surname"); err != nil {
		return nil, pole.E(op, err)
	}
	if d.AllForces {
		return res, nil
	}
	holding, err := g.st.ForcesHoldingSurname(ctx, surname)
	if err != nil {
		return nil, pole.E(op, err)
	}
	for _, force := range holding {
		if slices.Contains(d.Forces, force) {
			continue
		}
		h, err := g.held(ctx, rq, force, "search", "surname search")
		if err != nil {
			return nil, pole.E(op, err)
		}
		res.Held = append(res.Held, h)
	}
	return res, nil
}

// FindPeople returns the person records among ids that the principal
// reaches, the policy's filter applied inside the query, in the order of
// ids, and records the consultation with why. It names the forces beyond
// reach that hold any of the others, telling each of the interest: so a
// search or a profile says "held by force X" and never shows the record.
// a is PersonSearch for a search's hits and PersonRead for a profile.
// Victims' records come back sealed.
func (g *Guard) FindPeople(ctx context.Context, rq Request, a Action, ids []string, why string) (*SearchResult, error) {
	const op = "access.FindPeople"
	if a != PersonSearch && a != PersonRead {
		return nil, pole.E(op, pole.Invalid("action", "%s is not a way to find people", a))
	}
	d, err := g.decideList(ctx, rq, a, "mention")
	if err != nil {
		return nil, pole.E(op, err)
	}
	if len(ids) == 0 {
		return &SearchResult{}, nil
	}
	list, _, err := g.st.FindMentions(ctx, pole.MentionFilter{IDs: ids, Reach: reachOf(rq, d), Limit: len(ids)})
	if err != nil {
		return nil, pole.E(op, err)
	}
	at := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := at[id]; !dup {
			at[id] = i
		}
	}
	slices.SortFunc(list, func(x, y *pole.Mention) int { return at[x.ID] - at[y.ID] })
	res := &SearchResult{Mentions: list, Total: len(list)}
	found := make([]string, len(list))
	for i, m := range list {
		found[i] = m.ID
	}
	if err := g.record(ctx, rq, audit.Consultation, "mention", found, audit.Allowed, string(a)+" "+why); err != nil {
		return nil, pole.E(op, err)
	}
	if len(found) == len(at) {
		return res, nil
	}
	var rest []string
	for _, id := range ids {
		if !slices.Contains(found, id) {
			rest = append(rest, id)
		}
	}
	holding, err := g.st.ForcesHoldingMentions(ctx, rest)
	if err != nil {
		return nil, pole.E(op, err)
	}
	for _, force := range holding {
		if d.AllForces || slices.Contains(d.Forces, force) {
			continue // the rest are kept to a case team here: no pointer names them
		}
		h, err := g.held(ctx, rq, force, "search", why)
		if err != nil {
			return nil, pole.E(op, err)
		}
		res.Held = append(res.Held, h)
	}
	return res, nil
}

// Judge records a person's judgement on whether two person records are
// the same person. Both records must be within reach for link.judge: a
// judgement changes both people. It is recorded as an alteration, and
// takes effect at the next link run, which every later run respects.
func (g *Guard) Judge(ctx context.Context, rq Request, j store.Judgement) error {
	const op = "access.Judge"
	switch j.Decision {
	case "same", "different", "unsure":
	default:
		return pole.E(op, pole.Invalid("decision", "%q: say same, different or unsure", j.Decision))
	}
	if j.A == j.B {
		return pole.E(op, pole.Invalid("b", "a record is always the same person as itself"))
	}
	if err := g.allowChange(ctx, rq, LinkJudge, []string{j.A, j.B}); err != nil {
		return pole.E(op, err)
	}
	j.MadeBy, j.MadeAt = rq.Login, time.Now().UTC()
	if j.A > j.B {
		j.A, j.B = j.B, j.A
	}
	if err := g.record(ctx, rq, audit.Alteration, "mention", []string{j.A, j.B}, audit.Allowed, "link.judge "+j.Decision); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, g.st.SaveJudgement(ctx, &j))
}

// AlterRecords authorises a change to the person records ids, such as
// undoing a merge that moved them: every one must be within reach for a,
// or the first beyond it is refused (and its force told, as any refusal
// of another force's record). The change is recorded as an alteration of
// kind's record id, with detail, before the caller makes it.
func (g *Guard) AlterRecords(ctx context.Context, rq Request, a Action, ids []string, kind, id, detail string) error {
	const op = "access.AlterRecords"
	if err := g.allowChange(ctx, rq, a, ids); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, g.record(ctx, rq, audit.Alteration, kind, []string{id}, audit.Allowed, string(a)+" "+detail))
}

// allowChange decides a change to the person records ids: every one must
// be within reach for a, or the first beyond it is refused (recorded, and
// its force told), and the change must give its purpose.
func (g *Guard) allowChange(ctx context.Context, rq Request, a Action, ids []string) error {
	for _, id := range ids {
		m, team, err := g.st.FindMentionAndTeam(ctx, id)
		if err != nil {
			return g.refuseUnknown(ctx, rq, a, "mention", id, err)
		}
		r := Resource{Kind: "mention", ID: m.ID, Force: m.Force, Team: team}
		if d := Decide(rq.Principal, a, r); !d.Allowed {
			return g.refuse(ctx, rq, a, r, d)
		}
	}
	if strings.TrimSpace(rq.Purpose) == "" {
		return pole.Invalid("purpose", "say why; s62 asks that every change give its purpose")
	}
	return nil
}

// RevealVictim returns a victim's person record with the identity opened.
// It needs the permission and a stated purpose every time, and the reveal
// is recorded before the identity is returned.
func (g *Guard) RevealVictim(ctx context.Context, rq Request, mentionID string) (*pole.Mention, error) {
	const op = "access.RevealVictim"
	if strings.TrimSpace(rq.Purpose) == "" {
		return nil, pole.E(op, pole.Invalid("purpose", "say why the identity is needed; the reason is recorded"))
	}
	m, team, err := g.st.FindMentionAndTeam(ctx, mentionID)
	if err != nil {
		return nil, pole.E(op, g.refuseUnknown(ctx, rq, VictimReveal, "mention", mentionID, err))
	}
	if m.Pseudonym == "" {
		return nil, pole.E(op, pole.Invalid("mention_id", "mention %s is not sealed: its identity shows as it is", mentionID))
	}
	r := Resource{Kind: "victim", ID: m.ID, Force: m.Force, Team: team}
	d := Decide(rq.Principal, VictimReveal, r)
	if !d.Allowed {
		return nil, pole.E(op, g.refuse(ctx, rq, VictimReveal, r, d))
	}
	if err := g.record(ctx, rq, audit.IdentityRevealed, "mention", []string{mentionID}, audit.Allowed, d.Reason); err != nil {
		return nil, pole.E(op, err)
	}
	full, err := g.st.FindMentionWithIdentity(ctx, mentionID)
	return full, pole.E(op, err)
}

// FindVictims finds victims by a blind index of their identity ("name",
// "surname", "dob", "postcode") within the forces whose victims the
// principal may reveal. A hit says that a victim exists, so it needs the
// reveal permission and a purpose, and is recorded.
func (g *Guard) FindVictims(ctx context.Context, rq Request, kind, value string) ([]string, error) {
	const op = "access.FindVictims"
	if strings.TrimSpace(rq.Purpose) == "" {
		return nil, pole.E(op, pole.Invalid("purpose", "say why; the reason is recorded"))
	}
	d, err := g.decideList(ctx, rq, VictimReveal, "victim")
	if err != nil {
		return nil, pole.E(op, err)
	}
	ids, err := g.st.FindVictimsByIndex(ctx, kind, value, reachOf(rq, d))
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := g.record(ctx, rq, audit.Consultation, "mention", ids, audit.Allowed, "victim search by "+kind); err != nil {
		return nil, pole.E(op, err)
	}
	return ids, nil
}

// Notices returns the deconfliction notices for the principal's force:
// who outside it reached for its records.
func (g *Guard) Notices(ctx context.Context, rq Request, limit int) ([]*store.InterestNotice, error) {
	const op = "access.Notices"
	d := Decide(rq.Principal, InterestRegister, Resource{Kind: "notice", Force: rq.Force})
	if !d.Allowed {
		return nil, pole.E(op, g.refuse(ctx, rq, InterestRegister, Resource{Kind: "notice", ID: rq.Force, Force: rq.Force}, d))
	}
	list, err := g.st.FindInterestNotices(ctx, rq.Force, limit)
	return list, pole.E(op, err)
}

// reachOf is the filter a list or search carries into its query: the
// forces the decision allows and the principal's case teams.
func reachOf(rq Request, d Decision) *pole.Reach {
	r := &pole.Reach{Teams: rq.Teams}
	if !d.AllForces {
		r.Forces = d.Forces
	}
	return r
}

// allow decides a single-record action and records the outcome; a refusal
// because another force holds the record says which force and tells it.
func (g *Guard) allow(ctx context.Context, rq Request, a Action, r Resource) error {
	d := Decide(rq.Principal, a, r)
	if !d.Allowed {
		return g.refuse(ctx, rq, a, r, d)
	}
	if strings.TrimSpace(rq.Purpose) == "" {
		return pole.Invalid("purpose", "say why; s62 asks that every consultation give its purpose")
	}
	return g.record(ctx, rq, audit.Consultation, r.Kind, []string{r.ID}, audit.Allowed, string(a))
}

// decideList decides a list or search and records a refusal.
func (g *Guard) decideList(ctx context.Context, rq Request, a Action, kind string) (Decision, error) {
	d := Decide(rq.Principal, a, Resource{Kind: kind})
	if !d.Allowed {
		return d, g.refuse(ctx, rq, a, Resource{Kind: kind}, d)
	}
	if strings.TrimSpace(rq.Purpose) == "" {
		return d, pole.Invalid("purpose", "say why; s62 asks that every consultation give its purpose")
	}
	return d, nil
}

// refuse records a refusal and returns the error the user sees. When the
// principal's role allows the action but the record is another force's,
// the user is told which force holds it, and that force is told of the
// interest: deconfliction without disclosure.
func (g *Guard) refuse(ctx context.Context, rq Request, a Action, r Resource, d Decision) error {
	ids := []string{}
	if r.ID != "" {
		ids = []string{r.ID}
	}
	if err := g.record(ctx, rq, audit.AccessDenied, r.Kind, ids, audit.Denied, string(a)+": "+d.Reason); err != nil {
		return err
	}
	// Deconfliction is about a record another force holds; a refusal that
	// names no record (a form for another force's case) points nowhere.
	outOfReach := r.Force != "" && r.ID != "" && r.Force != rq.Force && rq.UserID != "" && Decide(rq.Principal, a, Resource{Kind: r.Kind, ID: r.ID, Force: rq.Force}).Allowed
	if !outOfReach {
		return &pole.Error{Code: pole.EFORBIDDEN, Message: d.Reason}
	}
	h, err := g.held(ctx, rq, r.Force, r.Kind, r.ID)
	if err != nil {
		return err
	}
	return &pole.Error{Code: pole.EFORBIDDEN, Message: "not in your force's records", Err: &HeldError{Held: h}}
}

// refuseUnknown turns a failed lookup into the answer a user may see, and
// records the attempt: a record that does not exist is not found for
// anyone who could have read it.
func (g *Guard) refuseUnknown(ctx context.Context, rq Request, a Action, kind, id string, err error) error {
	if pole.ErrorCode(err) != pole.ENOTFOUND {
		return err
	}
	d := Decide(rq.Principal, a, Resource{Kind: kind})
	if !d.Allowed {
		return g.refuse(ctx, rq, a, Resource{Kind: kind, ID: id}, d)
	}
	return err
}

// held tells force of the principal's interest and returns whom there to
// contact.
func (g *Guard) held(ctx context.Context, rq Request, force, kind, id string) (Held, error) {
	n := &store.InterestNotice{OwnerForce: force, RecordKind: kind, RecordID: id,
		FromUser: rq.UserID, FromLogin: rq.Login, FromForce: rq.Force, Reason: rq.Purpose}
	if err := g.st.CreateInterestNotice(ctx, n); err != nil {
		return Held{}, err
	}
	sups, _, err := g.st.FindUsers(ctx, store.UserFilter{Force: force, Role: pole.RoleForceSupervisor})
	if err != nil {
		return Held{}, err
	}
	h := Held{Force: force}
	for _, u := range sups {
		if !u.Disabled {
			h.Contacts = append(h.Contacts, u.Name)
		}
	}
	return h, nil
}

func (g *Guard) record(ctx context.Context, rq Request, a audit.Action, kind string, ids []string, out audit.Outcome, detail string) error {
	actor := rq.UserID
	if actor == "" {
		actor = "anonymous"
	}
	if ids == nil {
		ids = []string{}
	}
	e := audit.Entry{Actor: actor, ActorLogin: rq.Login, Action: a, RecordKind: kind, RecordIDs: ids,
		Purpose: rq.Purpose, Origin: rq.Origin, Outcome: out, Detail: detail}
	if a == audit.Consultation && len(ids) == 0 {
		// A search that found nothing touched no record; it is still a
		// search, recorded as such.
		e.Action = audit.Search
	}
	// A routine consultation is queued, so that auditing it costs a read
	// little; a reveal or a refusal waits for its commit.
	write := g.log.Record
	if out == audit.Allowed && (e.Action == audit.Consultation || e.Action == audit.Search) {
		write = g.log.Queue
	}
	if err := write(ctx, e); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// Authorize decides an action on one record for a desk outside this
// package (the review desk). A refusal is recorded, and a refusal of
// another force's record says which force holds it and tells that force,
// as a read does. What is allowed the desk records with Note once it is
// done, so that the log never shows a change that did not happen.
func (g *Guard) Authorize(ctx context.Context, rq Request, a Action, r Resource) error {
	d := Decide(rq.Principal, a, r)
	if !d.Allowed {
		return g.refuse(ctx, rq, a, r, d)
	}
	if strings.TrimSpace(rq.Purpose) == "" {
		return pole.Invalid("purpose", "say why; s62 asks that every action on personal data give its purpose")
	}
	return nil
}

// AuthorizeList decides a list or search for a desk outside this package
// and returns the filter its query must carry.
func (g *Guard) AuthorizeList(ctx context.Context, rq Request, a Action, kind string) (*pole.Reach, error) {
	d, err := g.decideList(ctx, rq, a, kind)
	if err != nil {
		return nil, err
	}
	return reachOf(rq, d), nil
}

// Note records what a desk did once it is done: the records a list showed,
// or the records a step wrote beside the one it was authorised for.
func (g *Guard) Note(ctx context.Context, rq Request, what audit.Action, kind string, ids []string, detail string) error {
	return g.record(ctx, rq, what, kind, ids, audit.Allowed, detail)
}
