package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Form is a closed case referred by hand: one that no force export holds
// (a paper file, a case from a system not yet exported). It is stored as
// a source of its own, so that every value in it traces back to the form,
// who sent it and when, as an export's values trace back to their file.
type Form struct {
	// Force is the force that holds the case; a force's user refers only
	// their own force's cases and may leave it empty.
	Force         string           `json:"force"`
	CrimeRef      string           `json:"crime_ref"`
	OffenceCodes  []string         `json:"offence_codes"`
	OffenceFrom   pole.PartialDate `json:"offence_from"`
	OffenceTo     pole.PartialDate `json:"offence_to"`
	Recorded      pole.PartialDate `json:"recorded"`
	OutcomeType   int              `json:"outcome_type"`
	OutcomeDate   pole.PartialDate `json:"outcome_date"`
	DecisionMaker string           `json:"decision_maker"`
	Rationale     string           `json:"closure_rationale"`
	Narrative     string           `json:"narrative"`
	Flags         []string         `json:"flags"`
	People        []FormPerson     `json:"people"`
	Reason        string           `json:"reason"`
}

// FormPerson is a person named on a referral form.
type FormPerson struct {
	Role            pole.Role        `json:"role"`
	Forename        string           `json:"forename"`
	Surname         string           `json:"surname"`
	Aliases         []string         `json:"aliases"`
	DOB             pole.PartialDate `json:"dob"`
	Sex             string           `json:"sex"`
	Phones          []string         `json:"phones"`
	Vehicles        []string         `json:"vehicles"`
	Vulnerabilities []string         `json:"vulnerabilities"`
	Events          []FormEvent      `json:"events"`
}

// FormEvent is something done in the case, as the form records it: an
// interview, an account taken, a missing episode.
type FormEvent struct {
	Type string           `json:"type"`
	Date pole.PartialDate `json:"date"`
}

// ReferForm stores a case from a referral form and refers it. The victim's
// identity is sealed as an export's is; a second form for the same crime
// reference of the force is ECONFLICT.
func (d *Desk) ReferForm(ctx context.Context, rq access.Request, f Form) (*pole.Review, error) {
	const op = "review.ReferForm"
	if f.Force == "" && rq.Force != pole.NationalTeam {
		f.Force = rq.Force
	}
	if _, ok := pole.ForceByCode(f.Force); !ok {
		return nil, pole.E(op, pole.Invalid("force", "name the force that holds the case (a force code such as west-yorkshire), got %q", f.Force))
	}
	if err := d.guard.Authorize(ctx, rq, access.ReferralCreate, access.Resource{Kind: "case", Force: f.Force}); err != nil {
		return nil, pole.E(op, err)
	}
	if !closedWithoutCharge(f.OutcomeType) {
		return nil, pole.E(op, pole.Invalid("outcome_type", "outcome %d: the review takes cases closed without a charge", f.OutcomeType))
	}
	exp, err := f.export(rq.Login, d.now())
	if err != nil {
		return nil, pole.E(op, err)
	}
	if _, err := d.st.LoadExport(ctx, exp.Export); err != nil {
		return nil, pole.E(op, err)
	}
	ids := append([]string{exp.caseID}, exp.mentionIDs...)
	if err := d.guard.Note(ctx, rq, audit.Collection, "case", ids, "referral form "+exp.Source.ID); err != nil {
		return nil, pole.E(op, err)
	}
	r := &pole.Review{CaseID: exp.caseID, ReferredBy: rq.Login, Reason: strings.TrimSpace(f.Reason)}
	if err := d.st.CreateReview(ctx, r); err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Note(ctx, rq, audit.Collection, "review", []string{r.ID}, "referral of case "+exp.caseID+" by form"); err != nil {
		return nil, pole.E(op, err)
	}
	if r.DuplicateOf != "" {
		if err := d.tellOfSameVictim(ctx, rq, r); err != nil {
			return nil, pole.E(op, err)
		}
	}
	return r, nil
}

// formExport is a form as an export of one row.
type formExport struct {
	store.Export
	caseID     string
	mentionIDs []string
}

// export turns the form into what a load stores, checking each value as
// ingest would and naming the field at fault.
func (f Form) export(by string, now time.Time) (formExport, error) {
	var out formExport
	body, err := json.Marshal(f)
	if err != nil {
		return out, err
	}
	// The form's digest names it as a file's names an export: the same
	// form sent twice is the same source.
	sum := sha256.Sum256(body)
	src := &pole.Source{ID: newID(), Force: f.Force, System: "referral form", FileName: "referral form " + strings.TrimSpace(f.CrimeRef),
		Profile: "form", ReceivedAt: now.UTC(), SHA256: hex.EncodeToString(sum[:]), RowCount: 1, LoadedBy: by}
	prov := pole.Provenance{SourceID: src.ID, SourceRow: 1}
	c := &pole.Case{ID: newID(), Force: f.Force, CrimeRef: strings.TrimSpace(f.CrimeRef), OffenceCodes: upper(f.OffenceCodes),
		OffenceFrom: f.OffenceFrom, OffenceTo: f.OffenceTo, Recorded: f.Recorded, OutcomeType: f.OutcomeType, OutcomeDate: f.OutcomeDate,
		DecisionMaker: strings.TrimSpace(f.DecisionMaker), ClosureRationale: strings.TrimSpace(f.Rationale), Narrative: strings.TrimSpace(f.Narrative),
		Flags: upper(f.Flags), Provenance: prov}
	if err := c.Validate(); err != nil {
		return out, err
	}
	victims := 0
	var mentions []*pole.Mention
	var events []*pole.Event
	for i, p := range f.People {
		field := "people[" + strconv.Itoa(i) + "]"
		m := &pole.Mention{ID: newID(), Force: f.Force, CaseID: c.ID, RecordID: "F" + strconv.Itoa(i+1), Role: p.Role,
			Forename: strings.TrimSpace(p.Forename), Surname: strings.TrimSpace(p.Surname), Aliases: p.Aliases, DOB: p.DOB, Sex: p.Sex,
			Vulnerabilities: p.Vulnerabilities, Provenance: prov}
		m.NameAsWritten = strings.TrimSpace(m.Forename + " " + m.Surname)
		for _, ph := range p.Phones {
			e164, err := normalise.Phone(ph)
			if err != nil {
				return out, pole.Invalid(field+".phones", "%v", err)
			}
			m.Phones = append(m.Phones, e164)
		}
		for _, v := range p.Vehicles {
			vrm, err := normalise.VRM(v)
			if err != nil {
				return out, pole.Invalid(field+".vehicles", "%v", err)
			}
			m.Vehicles = append(m.Vehicles, vrm)
		}
		if err := m.Validate(); err != nil {
			var pe *pole.Error
			if errors.As(err, &pe) && pe.Field != "" {
				pe.Field = field + "." + pe.Field
			}
			return out, err
		}
		if p.Role == pole.RoleVictim {
			victims++
		}
		for j, ev := range p.Events {
			e := &pole.Event{ID: newID(), CaseID: c.ID, MentionID: m.ID, Type: ev.Type, Date: ev.Date, Provenance: prov}
			if err := e.Validate(); err != nil {
				return out, pole.Invalid(field+".events["+strconv.Itoa(j)+"]", "%v", err)
			}
			events = append(events, e)
		}
		mentions = append(mentions, m)
		out.mentionIDs = append(out.mentionIDs, m.ID)
	}
	if victims == 0 {
		return out, pole.Invalid("people", "name the victim (role victim): the review is of what was done for them")
	}
	out.Export = store.Export{Source: src, Cases: one(c), Mentions: one(mentions...), Events: one(events...)}
	out.caseID = c.ID
	return out, nil
}

func upper(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToUpper(strings.TrimSpace(s))
	}
	return out
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// one streams items to a load.
func one[T any](items ...*T) func(func(*T, error) bool) {
	return func(yield func(*T, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}
