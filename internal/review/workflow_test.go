package review

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// deskStep is one operation of the review desk, tried as a role on a
// force's data.
type deskStep struct {
	name   string
	action access.Action
	// reach: "one" for a step on one force's record, "some" for a list
	// the policy narrows to the forces it reaches, "all" for a step that
	// needs every force.
	reach string
	run   func(t *testing.T, o *office, rq access.Request, force string) error
}

var deskSteps = []deskStep{
	{"refer", access.ReferralCreate, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.Refer(context.Background(), rq, o.newCase(t, force, caseOptions{}).C.ID, "test")
		return err
	}},
	{"refer closed", access.ReferralCreate, "some", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.ReferClosed(context.Background(), rq, "", "test")
		return err
	}},
	{"triage", access.TriageRun, "all", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.Triage(context.Background(), rq, nil)
		return err
	}},
	{"queue", access.ReviewRead, "some", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, _, err := o.desk.Queue(context.Background(), rq, pole.ReviewFilter{ByScore: true})
		return err
	}},
	{"find", access.ReviewRead, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.Find(context.Background(), rq, o.reviewIn(t, force, pole.ReviewTriaged).ID)
		return err
	}},
	{"start", access.ReviewWork, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewTriaged)
		_, err := o.desk.Start(context.Background(), rq, r.ID, r.Version)
		return err
	}},
	{"answer", access.ReviewWork, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewUnderReview)
		_, err := o.desk.Answer(context.Background(), rq, r.ID, r.Version, map[string]pole.ChecklistAnswer{"suspect_interviewed": {Answer: pole.CheckNotDone}})
		return err
	}},
	{"submit", access.ReviewWork, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewUnderReview)
		_, err := o.desk.Submit(context.Background(), rq, r.ID, r.Version, "")
		return err
	}},
	{"decide", access.ReviewDecide, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewAtPanel)
		_, err := o.desk.Decide(context.Background(), rq, r.ID, r.Version, PanelDecision{Decision: pole.DecisionReinvestigate, Reasons: "lines not followed",
			Actions: []*pole.Action{{Title: "interview the suspect", Due: pole.Date(2027, 2, 1)}}})
		return err
	}},
	{"send back", access.ReviewDecide, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewAtPanel)
		_, err := o.desk.SendBack(context.Background(), rq, r.ID, r.Version, "look again at the phones")
		return err
	}},
	{"conclude", access.ReviewConclude, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		_, err := o.desk.Conclude(context.Background(), rq, r.ID, r.Version, pole.OutcomeCharge, "")
		return err
	}},
	{"raise", access.ActionRaise, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		return o.desk.Raise(context.Background(), rq, r.ID, &pole.Action{Title: "trace the phone", Due: pole.Date(2027, 1, 15)})
	}},
	{"allocate", access.ActionAllocate, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		a := o.actionIn(t, force, pole.ActionRaised)
		_, err := o.desk.Allocate(context.Background(), rq, a.ID, a.Version, "dc-smith")
		return err
	}},
	{"result", access.ActionResult, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		a := o.actionIn(t, force, pole.ActionAllocated)
		_, err := o.desk.Result(context.Background(), rq, a.ID, a.Version, "phone traced to the suspect")
		return err
	}},
	{"file", access.ActionFile, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		a := o.actionIn(t, force, pole.ActionResulted)
		_, err := o.desk.File(context.Background(), rq, a.ID, a.Version)
		return err
	}},
	{"actions", access.ReviewRead, "some", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.Actions(context.Background(), rq, pole.ActionFilter{OverdueOn: pole.Date(2030, 1, 1)})
		return err
	}},
	{"victim dates", access.VictimContact, "some", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.VictimDates(context.Background(), rq, pole.VictimUpdateFilter{Untold: true})
		return err
	}},
	{"victim told", access.VictimContact, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		r := o.reviewIn(t, force, pole.ReviewWithForce)
		list, err := o.st.FindVictimUpdates(context.Background(), pole.VictimUpdateFilter{ReviewID: r.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("the fixture's victim update: %v (%v)", list, err)
		}
		_, err = o.desk.Told(context.Background(), rq, list[0].ID, time.Time{}, "phone")
		return err
	}},
	{"victim contact", access.VictimContact, "one", func(t *testing.T, o *office, rq access.Request, force string) error {
		hc := o.newCase(t, force, caseOptions{})
		return o.desk.SetContact(context.Background(), rq, &pole.VictimContact{MentionID: hc.Victim.ID, Method: "phone", NamedContact: "DC Ash"})
	}},
	{"register interest", access.InterestRegister, "some", func(t *testing.T, o *office, rq access.Request, force string) error {
		_, err := o.desk.Register(context.Background(), rq, "phone", "07700 900"+pad3(phoneSeq.Add(1)), "test")
		return err
	}},
}

var phoneSeq atomic.Int64

func pad3(n int64) string { return fmt.Sprintf("%03d", n%1000) }

// TestEveryDeskStepFollowsTheWrittenTable tries every step of the review
// desk as every role, on West Yorkshire's data (the force users' own) and
// on Lancashire's, and checks allow or deny against the policy table
// (access.Reaches, held to docs/security.md by the access tests).
func TestEveryDeskStepFollowsTheWrittenTable(t *testing.T) {
	o := newOffice(t, storetest.SQLite(t))
	for _, step := range deskSteps {
		for _, role := range pole.AccessRoles {
			reach := access.Reaches(role, step.action)
			for _, side := range []string{"west-yorkshire", "lancashire"} {
				if step.reach != "one" && side == "lancashire" {
					continue
				}
				var want bool
				switch step.reach {
				case "one":
					want = reach == access.AnyForce || reach == access.OwnForce && side == "west-yorkshire"
				case "some":
					want = reach != access.Denied
				case "all":
					want = reach == access.AnyForce
				}
				err := step.run(t, o, o.as(role), side)
				refused := pole.ErrorCode(err) == pole.EFORBIDDEN
				switch {
				case want && err != nil:
					t.Errorf("%s as %s on %s: %v; the table allows it (%s)", step.name, role, side, err, reach)
				case !want && !refused:
					t.Errorf("%s as %s on %s: got %v, want a refusal (the table says %s)", step.name, role, side, err, reach)
				}
			}
		}
	}
}

func TestAReviewWalksFromReferralToOutcome(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		o := newOffice(t, st)
		hc := o.newCase(t, "west-yorkshire", caseOptions{})
		sup := o.as(pole.RoleForceSupervisor)
		r, err := o.desk.Refer(ctx, sup, hc.C.ID, "closed on outcome 16; victim was 13")
		if err != nil || r.State != pole.ReviewReferred {
			t.Fatalf("refer: %+v (%v)", r, err)
		}
		if _, err := o.desk.Refer(ctx, sup, hc.C.ID, "again"); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("a second referral of the same case: got %v, want ECONFLICT", err)
		}
		if _, err := o.desk.Triage(ctx, o.as(pole.RoleNationalAnalyst), nil); err != nil {
			t.Fatal(err)
		}
		reviewer, panel := o.as(pole.RoleNationalReviewer), o.as(pole.RolePanelMember)
		d, err := o.desk.Find(ctx, reviewer, r.ID)
		if err != nil || d.Review.State != pole.ReviewTriaged || d.Triage == nil || d.Triage.Score == 0 {
			t.Fatalf("after triage: %+v (%v)", d, err)
		}
		r = d.Review
		// Steps out of order are refused, and change nothing.
		if _, err := o.desk.Submit(ctx, reviewer, r.ID, r.Version, ""); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("submit before review: got %v, want ECONFLICT", err)
		}
		if r, err = o.desk.Start(ctx, reviewer, r.ID, r.Version); err != nil || r.State != pole.ReviewUnderReview || r.Reviewer != reviewer.Login {
			t.Fatalf("start: %+v (%v)", r, err)
		}
		if _, err := o.desk.Submit(ctx, reviewer, r.ID, r.Version, ""); pole.ErrorField(err) != "checklist" {
			t.Fatalf("submit with the checklist unanswered: got %v, want EINVALID on checklist", err)
		}
		if r, err = o.desk.Answer(ctx, reviewer, r.ID, r.Version, fullChecklist()); err != nil {
			t.Fatal(err)
		}
		if r, err = o.desk.Submit(ctx, reviewer, r.ID, r.Version, "ready"); err != nil || r.State != pole.ReviewAtPanel {
			t.Fatalf("submit: %+v (%v)", r, err)
		}
		if r, err = o.desk.SendBack(ctx, panel, r.ID, r.Version, "check the phone records"); err != nil || r.State != pole.ReviewUnderReview {
			t.Fatalf("send back: %+v (%v)", r, err)
		}
		if r, err = o.desk.Submit(ctx, reviewer, r.ID, r.Version, "phones checked"); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Decide(ctx, panel, r.ID, r.Version, PanelDecision{Decision: pole.DecisionReinvestigate, Reasons: "suspect never interviewed"}); pole.ErrorField(err) != "actions" {
			t.Fatalf("reinvestigate without actions: got %v, want EINVALID on actions", err)
		}
		r, err = o.desk.Decide(ctx, panel, r.ID, r.Version, PanelDecision{Decision: pole.DecisionReinvestigate, Reasons: "suspect never interviewed",
			Actions: []*pole.Action{{Title: "interview the suspect under caution", Due: pole.Date(2027, 1, 29)}}})
		if err != nil || r.State != pole.ReviewWithForce {
			t.Fatalf("decide: %+v (%v)", r, err)
		}
		d, err = o.desk.Find(ctx, sup, r.ID)
		if err != nil || len(d.Actions) != 1 || len(d.VictimDates) != 1 {
			t.Fatalf("after the decision: %+v (%v)", d, err)
		}
		a := d.Actions[0]
		if a.Force != "west-yorkshire" || a.State != pole.ActionRaised {
			t.Fatalf("the action: %+v", a)
		}
		if _, err := o.desk.Conclude(ctx, sup, r.ID, r.Version, pole.OutcomeCharge, ""); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("conclude with an action open: got %v, want ECONFLICT", err)
		}
		inv := o.as(pole.RoleForceInvestigator)
		if a, err = o.desk.Allocate(ctx, sup, a.ID, a.Version, inv.Login); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.File(ctx, sup, a.ID, a.Version); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("filing an action not resulted: got %v, want ECONFLICT", err)
		}
		if a, err = o.desk.Result(ctx, inv, a.ID, a.Version, "interviewed; no comment"); err != nil {
			t.Fatal(err)
		}
		if a, err = o.desk.File(ctx, sup, a.ID, a.Version); err != nil || a.State != pole.ActionFiled {
			t.Fatalf("file: %+v (%v)", a, err)
		}
		if _, err := o.desk.Conclude(ctx, sup, r.ID, r.Version, pole.OutcomeNFA, ""); pole.ErrorField(err) != "reasons" {
			t.Fatalf("no further action again without reasons: got %v, want EINVALID on reasons", err)
		}
		if r, err = o.desk.Conclude(ctx, sup, r.ID, r.Version, pole.OutcomeCharge, "charged with rape of a child under 13"); err != nil || r.State != pole.ReviewConcluded {
			t.Fatalf("conclude: %+v (%v)", r, err)
		}
		d, err = o.desk.Find(ctx, reviewer, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var path []pole.ReviewState
		for _, tr := range d.History {
			path = append(path, tr.To)
		}
		want := []pole.ReviewState{pole.ReviewReferred, pole.ReviewTriaged, pole.ReviewUnderReview, pole.ReviewAtPanel, pole.ReviewUnderReview,
			pole.ReviewAtPanel, pole.ReviewWithForce, pole.ReviewConcluded}
		if !slices.Equal(path, want) {
			t.Fatalf("history %v, want %v", path, want)
		}
		if len(d.VictimDates) != 2 {
			t.Fatalf("victim updates %d, want one for the panel's decision and one for the outcome", len(d.VictimDates))
		}
	})
}

func TestTwoPeopleEditingOneReviewAtOnceCannotOverwriteEachOther(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		o := newOffice(t, st)
		r := o.reviewIn(t, "west-yorkshire", pole.ReviewUnderReview)
		a, b := o.as(pole.RoleNationalReviewer), access.Request{Principal: o.user(t, pole.RoleNationalReviewer, pole.NationalTeam), Purpose: "test"}
		// Both read version r.Version; both answer at once.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, rq := range []access.Request{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answer := pole.CheckDone
				if i == 1 {
					answer = pole.CheckNotDone
				}
				_, errs[i] = o.desk.Answer(ctx, rq, r.ID, r.Version, map[string]pole.ChecklistAnswer{"suspect_interviewed": {Answer: answer, Note: rq.Login}})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case pole.ErrorCode(err) != pole.ECONFLICT:
				t.Fatalf("the loser: got %v, want ECONFLICT", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of two edits of the same version went through, want exactly one: %v", won, errs)
		}
		got, err := st.FindReviewByID(ctx, r.ID)
		if err != nil || got.Version != r.Version+1 {
			t.Fatalf("after both: version %d (%v), want %d", got.Version, err, r.Version+1)
		}
		// A stale version is refused however long after.
		if _, err := o.desk.Answer(ctx, a, r.ID, r.Version, fullChecklist()); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("an edit of a stale version: got %v, want ECONFLICT", err)
		}
	})
}

func TestVictimsDeadlinesCountWorkingDaysAcrossWeekendsAndBankHolidays(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	london := func(y int, m time.Month, d, h, min int) time.Time {
		loc, _ := time.LoadLocation("Europe/London")
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	for _, tc := range []struct {
		name    string
		opt     caseOptions
		decided time.Time
		want    time.Time // the last instant the victim may be told
		enh     bool
	}{
		{"a child sexual offence on Christmas Eve, over Christmas and the Boxing Day substitute", caseOptions{},
			london(2026, 12, 24, 15, 0), london(2026, 12, 29, 23, 59), true},
		{"a sexual offence on the Thursday before Easter", caseOptions{},
			london(2026, 4, 2, 11, 0), london(2026, 4, 7, 23, 59), true},
		{"an adult victim of a non-sexual offence, five working days over a weekend", caseOptions{Offence: "28E", VictimDOB: pole.Date(1970, 1, 1)},
			london(2026, 11, 26, 10, 0), london(2026, 12, 3, 23, 59), false},
		{"an adult victim of a non-sexual offence over the spring bank holiday", caseOptions{Offence: "28E", VictimDOB: pole.Date(1970, 1, 1)},
			london(2026, 5, 22, 10, 0), london(2026, 6, 1, 23, 59), false},
		{"a vulnerable adult victim of a non-sexual offence", caseOptions{Offence: "28E", VictimDOB: pole.Date(1970, 1, 1), Vuln: []string{"learning_disability"}},
			london(2026, 11, 27, 10, 0), london(2026, 11, 30, 23, 59), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o.clock.set(tc.decided)
			hc := o.newCase(t, "west-yorkshire", tc.opt)
			r := &pole.Review{CaseID: hc.C.ID, ReferredBy: "fixture"}
			if err := o.st.CreateReview(ctx, r); err != nil {
				t.Fatal(err)
			}
			r.State, r.Checklist, r.UpdatedBy = pole.ReviewAtPanel, fullChecklist(), "fixture"
			if err := o.st.UpdateReview(ctx, r, store.ReviewChange{}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.desk.Decide(ctx, o.as(pole.RolePanelMember), r.ID, r.Version, PanelDecision{Decision: pole.DecisionNFAConfirmed, Reasons: "no realistic prospect"}); err != nil {
				t.Fatal(err)
			}
			list, err := o.st.FindVictimUpdates(ctx, pole.VictimUpdateFilter{ReviewID: r.ID})
			if err != nil || len(list) != 1 {
				t.Fatalf("victim updates: %v (%v)", list, err)
			}
			u := list[0]
			if got := u.Deadline.In(tc.want.Location()).Truncate(time.Minute); !got.Equal(tc.want) || u.Enhanced != tc.enh {
				t.Fatalf("deadline %s enhanced %v (%s), want %s enhanced %v", got, u.Enhanced, u.Why, tc.want, tc.enh)
			}
			// Overdue the moment the deadline passes, and not before.
			sup := o.as(pole.RoleForceSupervisor)
			for _, at := range []struct {
				t       time.Time
				overdue bool
			}{{u.Deadline.Add(-time.Minute), false}, {u.Deadline.Add(time.Minute), true}} {
				due, err := o.desk.VictimDates(ctx, sup, pole.VictimUpdateFilter{OverdueAt: at.t})
				if err != nil {
					t.Fatal(err)
				}
				found := slices.ContainsFunc(due, func(x *pole.VictimUpdate) bool { return x.ID == u.ID })
				if found != at.overdue {
					t.Fatalf("at %s: overdue %v, want %v", at.t, found, at.overdue)
				}
			}
			o.clock.set(u.Deadline.Add(time.Hour))
			told, err := o.desk.Told(ctx, sup, u.ID, time.Time{}, "phone")
			if err != nil || told.ToldAt.IsZero() {
				t.Fatalf("told: %+v (%v)", told, err)
			}
			if _, err := o.desk.Told(ctx, sup, u.ID, time.Time{}, "phone"); pole.ErrorCode(err) != pole.ECONFLICT {
				t.Fatalf("told twice: got %v, want ECONFLICT", err)
			}
			due, err := o.desk.VictimDates(ctx, sup, pole.VictimUpdateFilter{OverdueAt: u.Deadline.Add(time.Hour)})
			if err != nil || slices.ContainsFunc(due, func(x *pole.VictimUpdate) bool { return x.ID == u.ID }) {
				t.Fatalf("a victim told is still overdue: %v (%v)", due, err)
			}
		})
	}
}

func TestAVictimWhoOptedOutIsNotGivenADeadline(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	r := o.reviewIn(t, "west-yorkshire", pole.ReviewAtPanel)
	full, err := o.st.FindReviewByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	victims, _, err := o.st.FindMentions(ctx, pole.MentionFilter{CaseID: full.CaseID, Role: pole.RoleVictim})
	if err != nil || len(victims) != 1 {
		t.Fatal(victims, err)
	}
	sup := o.as(pole.RoleForceSupervisor)
	if err := o.desk.SetContact(ctx, sup, &pole.VictimContact{MentionID: victims[0].ID, Method: "via_isva", NamedContact: "ISVA Rowe", OptedOut: true}); err != nil {
		t.Fatal(err)
	}
	if err := o.desk.SetContact(ctx, sup, &pole.VictimContact{MentionID: victims[0].ID, Method: "pigeon"}); pole.ErrorField(err) != "method" {
		t.Fatalf("an unknown contact method: got %v, want EINVALID on method", err)
	}
	if _, err := o.desk.Decide(ctx, o.as(pole.RolePanelMember), r.ID, r.Version, PanelDecision{Decision: pole.DecisionNFAConfirmed, Reasons: "r"}); err != nil {
		t.Fatal(err)
	}
	list, err := o.st.FindVictimUpdates(ctx, pole.VictimUpdateFilter{ReviewID: r.ID})
	if err != nil || len(list) != 0 {
		t.Fatalf("victim updates for a victim who opted out: %v (%v)", list, err)
	}
}

func TestInterestsOfTwoForcesInTheSamePhoneAlertBothOwners(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	wy := o.as(pole.RoleForceInvestigator)
	lancs := access.Request{Principal: o.user(t, pole.RoleForceInvestigator, "lancashire"), Purpose: "test"}
	held, err := o.desk.Register(ctx, wy, "phone", "07700 900123", "Operation Oak")
	if err != nil || len(held) != 0 {
		t.Fatalf("the first interest: %v (%v)", held, err)
	}
	// The same number written another way meets the first.
	held, err = o.desk.Register(ctx, lancs, "phone", "+44 7700 900123", "Operation Elm")
	if err != nil || len(held) != 1 || held[0].Force != "west-yorkshire" || held[0].Contacts[0] != wy.Login {
		t.Fatalf("the second interest: %v (%v)", held, err)
	}
	if _, err := o.desk.Register(ctx, lancs, "phone", "07700900123", "again"); pole.ErrorCode(err) != pole.ECONFLICT {
		t.Fatalf("the same force again: got %v, want ECONFLICT", err)
	}
	for _, side := range []struct {
		rq   access.Request
		from string
	}{{wy, "lancashire"}, {lancs, "west-yorkshire"}} {
		notices, err := o.guard.Notices(ctx, side.rq, 0)
		if err != nil || len(notices) != 1 || notices[0].FromForce != side.from || notices[0].RecordKind != "interest:phone" {
			t.Fatalf("%s's notices: %+v (%v)", side.rq.Force, notices, err)
		}
	}
	if _, err := o.desk.Register(ctx, wy, "vehicle", "not a plate!", ""); pole.ErrorField(err) != "vehicle" {
		t.Fatalf("a bad registration: got %v, want EINVALID on vehicle", err)
	}
}
