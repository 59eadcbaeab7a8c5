package review

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/calendar"
	"github.com/caselink/caselink/internal/pole"
)

// The Victims' Code (2020, in force April 2021), right 6: a victim with
// enhanced rights is told of a decision not to prosecute, or to end an
// investigation, within one working day; others within five.
const (
	enhancedDays = 1
	standardDays = 5
)

// victimUpdates makes, for each victim of r's case who has not opted out,
// the decision they must be told of and by when.
func (d *Desk) victimUpdates(ctx context.Context, r *pole.Review, decision string) ([]*pole.VictimUpdate, error) {
	c, err := d.st.FindCaseByID(ctx, r.CaseID)
	if err != nil {
		return nil, err
	}
	victims, _, err := d.st.FindMentions(ctx, pole.MentionFilter{CaseID: r.CaseID, Role: pole.RoleVictim})
	if err != nil {
		return nil, err
	}
	linked, err := d.st.FindInvolvements(ctx, r.CaseID, "")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(victims)+len(linked))
	for _, m := range victims {
		ids = append(ids, m.ID)
	}
	for _, v := range linked {
		if v.Role == pole.RoleVictim && !slices.Contains(ids, v.MentionID) {
			ids = append(ids, v.MentionID)
		}
	}
	now := d.now()
	var out []*pole.VictimUpdate
	for _, id := range ids {
		contact, err := d.st.FindVictimContact(ctx, id)
		if err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
			return nil, err
		}
		if contact != nil && contact.OptedOut {
			continue
		}
		// Working out the victim's age opens their date of birth inside
		// the system; it is not shown.
		m, err := d.st.FindMentionWithIdentity(ctx, id)
		if err != nil {
			return nil, err
		}
		enhanced, why := enhancedRights(c, m, contact, now)
		days := standardDays
		if enhanced {
			days = enhancedDays
		}
		out = append(out, &pole.VictimUpdate{MentionID: id, Pseudonym: m.Pseudonym, Force: m.Force, Decision: decision,
			DecidedAt: now, Enhanced: enhanced, Why: why, Deadline: calendar.Deadline(now, days)})
	}
	return out, nil
}

// enhancedRights says whether a victim is entitled to the Victims' Code's
// enhanced rights, and why: under 18, a victim of the most serious crime
// (sexual offences among them), vulnerable, or so recorded.
func enhancedRights(c *pole.Case, m *pole.Mention, contact *pole.VictimContact, now time.Time) (bool, string) {
	var why []string
	if _, hi, ok := pole.AgeRange(m.DOB, pole.Date(now.Year(), int(now.Month()), now.Day())); ok && hi < 18 {
		why = append(why, "under 18")
	}
	if slices.ContainsFunc(c.OffenceCodes, sexualOffence) {
		why = append(why, "victim of a sexual offence")
	}
	for _, v := range m.Vulnerabilities {
		switch v {
		case "disability", "learning_disability", "mental_health":
			why = append(why, "vulnerable ("+strings.ReplaceAll(v, "_", " ")+")")
		}
	}
	if contact != nil && contact.Enhanced {
		why = append(why, "recorded as entitled")
	}
	if len(why) == 0 {
		return false, "no ground for enhanced rights recorded"
	}
	return true, strings.Join(why, "; ")
}

// VictimDates lists victims' deadlines within the principal's reach: all,
// untold, or overdue at a time.
func (d *Desk) VictimDates(ctx context.Context, rq access.Request, f pole.VictimUpdateFilter) ([]*pole.VictimUpdate, error) {
	const op = "review.VictimDates"
	reach, err := d.guard.AuthorizeList(ctx, rq, access.VictimContact, "victim_update")
	if err != nil {
		return nil, pole.E(op, err)
	}
	f.Reach = reach
	list, err := d.st.FindVictimUpdates(ctx, f)
	if err != nil {
		return nil, pole.E(op, err)
	}
	ids := make([]string, len(list))
	for i, u := range list {
		ids[i] = u.MentionID
	}
	return list, pole.E(op, d.guard.Note(ctx, rq, audit.Consultation, "mention", ids, string(access.VictimContact)))
}

// Told records that a victim was told of a decision, when and how.
func (d *Desk) Told(ctx context.Context, rq access.Request, updateID string, at time.Time, method string) (*pole.VictimUpdate, error) {
	const op = "review.Told"
	u, err := d.st.FindVictimUpdateByID(ctx, updateID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	team, err := d.teamOfReview(ctx, u.ReviewID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Authorize(ctx, rq, access.VictimContact, access.Resource{Kind: "mention", ID: u.MentionID, Force: u.Force, Team: team}); err != nil {
		return nil, pole.E(op, err)
	}
	if method != "" && !slices.Contains(pole.ContactMethods, method) {
		return nil, pole.E(op, pole.Invalid("method", "unknown contact method %q (known: %s)", method, strings.Join(pole.ContactMethods, ", ")))
	}
	if at.IsZero() {
		at = d.now()
	}
	if at.After(d.now().Add(time.Minute)) {
		return nil, pole.E(op, pole.Invalid("at", "%s is in the future", at.Format(time.RFC3339)))
	}
	if at.Before(u.DecidedAt) {
		return nil, pole.E(op, pole.Invalid("at", "%s is before the decision (%s)", at.Format(time.RFC3339), u.DecidedAt.Format(time.RFC3339)))
	}
	if err := d.st.MarkVictimTold(ctx, u.ID, at, rq.Login, method); err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Note(ctx, rq, audit.Alteration, "mention", []string{u.MentionID}, "victim told: "+u.Decision); err != nil {
		return nil, pole.E(op, err)
	}
	u.ToldAt, u.ToldBy, u.Method = at.UTC(), rq.Login, method
	return u, nil
}

// SetContact records how a victim wishes to be kept informed and who
// keeps them informed.
func (d *Desk) SetContact(ctx context.Context, rq access.Request, c *pole.VictimContact) error {
	const op = "review.SetContact"
	m, team, err := d.st.FindMentionAndTeam(ctx, c.MentionID)
	if err != nil {
		return pole.E(op, err)
	}
	if err := d.guard.Authorize(ctx, rq, access.VictimContact, access.Resource{Kind: "mention", ID: m.ID, Force: m.Force, Team: team}); err != nil {
		return pole.E(op, err)
	}
	if m.Role != pole.RoleVictim && m.Pseudonym == "" {
		return pole.E(op, pole.Invalid("mention_id", "record %s is not a victim's", m.ID))
	}
	c.Force, c.UpdatedBy = m.Force, rq.Login
	if err := d.st.SaveVictimContact(ctx, c); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, d.guard.Note(ctx, rq, audit.Alteration, "mention", []string{m.ID}, "victim contact preferences"))
}

func (d *Desk) teamOfReview(ctx context.Context, reviewID string) (string, error) {
	r, err := d.st.FindReviewByID(ctx, reviewID)
	if err != nil {
		return "", err
	}
	return d.st.CaseTeam(ctx, r.CaseID)
}
