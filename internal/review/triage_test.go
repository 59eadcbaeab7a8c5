package review

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

func facts(c pole.Case, victim, suspect *Person) *Facts {
	if c.ID == "" {
		c.ID = "c1"
	}
	if c.OffenceFrom.IsZero() {
		c.OffenceFrom = pole.Date(2013, 3, 1)
	}
	if c.Recorded.IsZero() {
		c.Recorded = pole.Date(2013, 4, 1)
	}
	f := &Facts{Case: &c}
	for _, p := range []*Person{victim, suspect} {
		if p != nil {
			f.People = append(f.People, *p)
		}
	}
	return f
}

func victim(events ...string) *Person {
	p := &Person{Role: pole.RoleVictim, Mention: &pole.Mention{ID: "v1", Pseudonym: "V-TEST-00001", DOB: pole.Date(1999, 6, 1)}}
	for i, e := range events {
		p.Events = append(p.Events, store.EventMark{ID: "e" + string(rune('a'+i)), Type: e, Date: pole.Date(2013, 5, 1)})
	}
	return p
}

func suspect(events ...string) *Person {
	p := &Person{Role: pole.RoleSuspect, Entity: "E1", Mention: &pole.Mention{ID: "s1", Forename: "Imran", Surname: "Hussain"}}
	for _, e := range events {
		p.Events = append(p.Events, store.EventMark{ID: "x", Type: e, Date: pole.Date(2013, 5, 1)})
	}
	return p
}

func rules(res Result) []string {
	var out []string
	for _, r := range res.Reasons {
		out = append(out, r.Rule)
	}
	return out
}

func TestEachTriageRuleFiresOnItsSignalAndNotOnItsLookAlike(t *testing.T) {
	sound := func(c pole.Case) *Facts {
		return facts(c, victim("victim_account"), suspect("arrest", "suspect_interview"))
	}
	for _, tc := range []struct {
		name  string
		f     *Facts
		rule  string
		fires bool
	}{
		{"outcome 21 on a child rape", sound(pole.Case{OutcomeType: 21, OffenceCodes: []string{"19D"}}), RuleOutcome21Child, true},
		{"outcome 21 on an adult's offence", facts(pole.Case{OutcomeType: 21, OffenceCodes: []string{"19C"}},
			&Person{Role: pole.RoleVictim, Mention: &pole.Mention{ID: "v", DOB: pole.Date(1980, 1, 1)}, Events: []store.EventMark{{Type: "victim_account"}}}, nil), RuleOutcome21Child, false},
		{"outcome 18 with a suspect record", facts(pole.Case{OutcomeType: 18, OffenceCodes: []string{"19D"}}, victim("victim_account"), suspect("suspect_interview")), RuleNamedSuspect18, true},
		{"outcome 18 with a registration in the narrative", facts(pole.Case{OutcomeType: 18, OffenceCodes: []string{"19D"}, Narrative: "She gave the registration KX12 ABC of the car."}, victim("victim_account"), nil), RuleNamedSuspect18, true},
		{"outcome 18 with a phone number in the narrative", facts(pole.Case{OutcomeType: 18, Narrative: "She gave the number 07700 900123 used to contact her."}, victim("victim_account"), nil), RuleNamedSuspect18, true},
		{"outcome 18 with a nickname in the narrative", facts(pole.Case{OutcomeType: 18, Narrative: "She named a man known as 'Bully'."}, victim("victim_account"), nil), RuleNamedSuspect18, true},
		{"outcome 18 and nobody described", facts(pole.Case{OutcomeType: 18, Narrative: "She could not describe the men."}, victim("victim_account"), nil), RuleNamedSuspect18, false},
		{"a suspect never interviewed", facts(pole.Case{OutcomeType: 16}, victim("victim_account"), suspect("arrest")), RuleSuspectNotInterview, true},
		{"a suspect interviewed", sound(pole.Case{OutcomeType: 16}), RuleSuspectNotInterview, false},
		{"no suspect named", facts(pole.Case{OutcomeType: 14}, victim("victim_account"), nil), RuleSuspectNotInterview, false},
		{"no victim account", facts(pole.Case{OutcomeType: 16}, victim(), suspect("suspect_interview")), RuleNoVictimAccount, true},
		{"a victim account", sound(pole.Case{OutcomeType: 16}), RuleNoVictimAccount, false},
		{"rape reclassified as sexual activity", sound(pole.Case{OutcomeType: 16, OffenceCodes: []string{"19D", "22B"}}), RuleRapeDowngraded, true},
		{"sexual activity as first recorded", sound(pole.Case{OutcomeType: 16, OffenceCodes: []string{"22B"}}), RuleRapeDowngraded, false},
		{"rape reclassified as another rape", sound(pole.Case{OutcomeType: 16, OffenceCodes: []string{"19C", "19D"}}), RuleRapeDowngraded, false},
		{"blaming in the rationale", sound(pole.Case{OutcomeType: 16, ClosureRationale: "Evidential difficulties. Victim is streetwise."}), RuleVictimBlaming, true},
		{"a negated look-alike", sound(pole.Case{OutcomeType: 16, ClosureRationale: "Evidential difficulties. Victim described as not streetwise; safeguarding plan in place."}), RuleVictimBlaming, false},
		{"a quoted look-alike", sound(pole.Case{OutcomeType: 1, ClosureRationale: "Officer challenged the term 'lifestyle choice' used by a partner agency."}), RuleVictimBlaming, false},
		{"no record of the victim treated as an offender", sound(pole.Case{OutcomeType: 16}), RuleVictimCriminalised, false},
		{"the victim cautioned as a child", facts(pole.Case{OutcomeType: 16}, &Person{Role: pole.RoleVictim, Mention: &pole.Mention{ID: "v", DOB: pole.Date(1999, 6, 1)},
			Events: []store.EventMark{{Type: "victim_account"}, {ID: "ev", Type: "victim_caution", Date: pole.Date(2013, 8, 2)}}}, suspect("suspect_interview")), RuleVictimCriminalised, true},
		{"the victim arrested as an adult years on", facts(pole.Case{OutcomeType: 16}, &Person{Role: pole.RoleVictim, Mention: &pole.Mention{ID: "v", DOB: pole.Date(1999, 6, 1)},
			Events: []store.EventMark{{Type: "victim_account"}, {ID: "ev", Type: "victim_arrest", Date: pole.Date(2019, 8, 2)}}}, suspect("suspect_interview")), RuleVictimCriminalised, false},
		{"a child victim", sound(pole.Case{OutcomeType: 16}), RuleChildVictim, true},
		{"a victim missing again and again", facts(pole.Case{OutcomeType: 16}, victim("victim_account", "missing_episode", "missing_episode"), nil), RuleMissingEpisodes, true},
		{"a victim missing once", facts(pole.Case{OutcomeType: 16}, victim("victim_account", "missing_episode"), nil), RuleMissingEpisodes, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Score(tc.f, DefaultRules())
			if got := slices.Contains(rules(res), tc.rule); got != tc.fires {
				t.Fatalf("%s fired %v, want %v; reasons %v", tc.rule, got, tc.fires, rules(res))
			}
			for _, r := range res.Reasons {
				if r.Weight != DefaultRules().Weights[r.Rule] || r.Says == "" {
					t.Fatalf("reason %+v: weight or words missing", r)
				}
				if r.Rule == tc.rule && len(r.Evidence) == 0 {
					t.Fatalf("%s fired with no evidence", r.Rule)
				}
			}
		})
	}
}

func TestTheChildsAgeShowsItsUncertainty(t *testing.T) {
	v := &Person{Role: pole.RoleVictim, Mention: &pole.Mention{ID: "v", DOB: pole.YearOnly(1998)}, Events: []store.EventMark{{Type: "victim_account"}}}
	res := Score(facts(pole.Case{OutcomeType: 16, OffenceFrom: pole.YearOnly(2016)}, v, nil), DefaultRules())
	i := slices.IndexFunc(res.Reasons, func(r Reason) bool { return r.Rule == RuleChildVictim })
	if i < 0 || !strings.Contains(res.Reasons[i].Says, "aged 17–18") || !strings.Contains(res.Reasons[i].Says, "may have been") {
		t.Fatalf("the child's age: %+v", res.Reasons)
	}
}

func TestASuspectLinkedElsewhereAndInAGroupRaisesTheScore(t *testing.T) {
	alone := Score(facts(pole.Case{OutcomeType: 16}, victim("victim_account"), suspect("suspect_interview")), DefaultRules())
	s := suspect("suspect_interview")
	s.Elsewhere = Elsewhere{Cases: 3, Victims: 2, Forces: []string{"lancashire"}, Associates: 2}
	linked := Score(facts(pole.Case{OutcomeType: 16}, victim("victim_account"), s), DefaultRules())
	w := DefaultRules().Weights
	if linked.Score != alone.Score+w[RuleSuspectLinked]+w[RuleGroupMember] {
		t.Fatalf("linked %d, alone %d: want the two network rules' weights between them; %v", linked.Score, alone.Score, rules(linked))
	}
}

func TestAnyCaseWithAPlantedSignalOutranksEveryCaseWithout(t *testing.T) {
	w := DefaultRules().Weights
	context, weakest := 0, 1<<30
	for _, r := range RuleNames() {
		if slices.Contains(plantedSignals, r) {
			weakest = min(weakest, w[r])
		} else {
			context += w[r]
		}
	}
	if context >= weakest {
		t.Fatalf("the rules of what is at stake sum to %d, as much as the weakest sign of a case closed too early (%d)", context, weakest)
	}
}

func TestRuleSetsLoadWithAVersionAndKnownRulesOnly(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r, err := LoadRules(write("ok.toml", "version = \"local-2\"\n[weights]\ngroup_member = 10\n"))
	if err != nil || r.Version != "local-2" || r.Weights[RuleGroupMember] != 10 || r.Weights[RuleOutcome21Child] != 40 {
		t.Fatalf("a good rule set: %+v (%v)", r, err)
	}
	for name, body := range map[string]string{
		"noversion.toml": "[weights]\ngroup_member = 10\n",
		"unknown.toml":   "version = \"x\"\n[weights]\nstar_sign = 10\n",
		"negative.toml":  "version = \"x\"\n[weights]\ngroup_member = -1\n",
		"typo.toml":      "version = \"x\"\nweight = 3\n",
	} {
		if _, err := LoadRules(write(name, body)); pole.ErrorField(err) != "rules" {
			t.Errorf("%s: got %v, want EINVALID on rules", name, err)
		}
	}
	out := filepath.Join(dir, "default.toml")
	if err := WriteDefaultRules(out); err != nil {
		t.Fatal(err)
	}
	back, err := LoadRules(out)
	if err != nil || back.Version != DefaultRules().Version || len(back.Weights) != len(RuleNames()) {
		t.Fatalf("the default rule set read back: %+v (%v)", back, err)
	}
}

func TestARuleSetVersionNamesOneSetOfWeights(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	o.reviewIn(t, "west-yorkshire", pole.ReviewReferred)
	analyst := o.as(pole.RoleNationalAnalyst)
	changed := DefaultRules()
	changed.Weights = map[string]int{}
	for k, v := range DefaultRules().Weights {
		changed.Weights[k] = v
	}
	changed.Weights[RuleChildVictim] = 9
	if _, err := o.desk.Triage(ctx, analyst, &changed); pole.ErrorCode(err) != pole.ECONFLICT {
		t.Fatalf("new weights under the shipped version: got %v, want ECONFLICT", err)
	}
	changed.Version = "local-1"
	if _, err := o.desk.Triage(ctx, analyst, &changed); err != nil {
		t.Fatal(err)
	}
	// With no rules given, the set in use scores.
	sum, err := o.desk.Triage(ctx, analyst, nil)
	if err != nil || !strings.HasPrefix(sum.Rules, "local-1+") {
		t.Fatalf("triage with no rules given used %q (%v), want local-1", sum.Rules, err)
	}
}

// link puts mentions in one person entity, as a linkage run would.
func link(t *testing.T, st *store.Store, mentions ...string) {
	t.Helper()
	ctx := context.Background()
	m := &store.LinkModel{Params: []byte(`{}`)}
	if err := st.SaveLinkModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	e := store.Entity{ID: uuid.Must(uuid.NewV7()).String(), Kind: "person"}
	res := store.LinkResult{Entities: []store.Entity{e}}
	for _, id := range mentions {
		res.Members = append(res.Members, store.Membership{MentionID: id, EntityID: e.ID})
	}
	if err := st.SaveLinkRun(ctx, &store.LinkRun{ModelID: m.ID}, res); err != nil {
		t.Fatal(err)
	}
}

func TestAScoreFollowsNewLinkageEvidence(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	wy := o.newCase(t, "west-yorkshire", caseOptions{})
	lancs := o.newCase(t, "lancashire", caseOptions{})
	r := &pole.Review{CaseID: wy.C.ID, ReferredBy: "fixture"}
	if err := o.st.CreateReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	analyst := o.as(pole.RoleNationalAnalyst)
	if _, err := o.desk.Triage(ctx, analyst, nil); err != nil {
		t.Fatal(err)
	}
	before, err := o.st.FindTriage(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Linkage now holds the two forces' suspects to be one man.
	link(t, o.st, wy.Suspect.ID, lancs.Suspect.ID)
	if _, err := o.desk.Triage(ctx, analyst, nil); err != nil {
		t.Fatal(err)
	}
	after, err := o.st.FindTriage(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	w := DefaultRules().Weights
	if after.Score != before.Score+w[RuleSuspectLinked] || !strings.Contains(string(after.Reasons), "lancashire") {
		t.Fatalf("score %d → %d, want +%d with the other force named; %s", before.Score, after.Score, w[RuleSuspectLinked], after.Reasons)
	}
	got, err := o.st.FindReviewByID(ctx, r.ID)
	if err != nil || got.State != pole.ReviewTriaged {
		t.Fatalf("a re-score keeps the review where it is: %+v (%v)", got, err)
	}
}

func TestReferralsOfTheSameVictimByTwoForcesAreRecognised(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	wy := o.newCase(t, "west-yorkshire", caseOptions{})
	lancs := o.newCase(t, "lancashire", caseOptions{})
	link(t, o.st, wy.Victim.ID, lancs.Victim.ID)
	first, err := o.desk.Refer(ctx, o.as(pole.RoleForceSupervisor), wy.C.ID, "")
	if err != nil || first.DuplicateOf != "" {
		t.Fatalf("the first referral: %+v (%v)", first, err)
	}
	lancsSup := access.Request{Principal: o.user(t, pole.RoleForceSupervisor, "lancashire"), Purpose: "test"}
	second, err := o.desk.Refer(ctx, lancsSup, lancs.C.ID, "")
	if err != nil || second.DuplicateOf != first.ID || !strings.Contains(second.DuplicateWhy, "west-yorkshire") {
		t.Fatalf("the second referral: %+v (%v)", second, err)
	}
	notices, err := o.guard.Notices(ctx, o.as(pole.RoleForceSupervisor), 0)
	if err != nil || len(notices) != 1 || notices[0].FromForce != "lancashire" || notices[0].RecordID != first.ID {
		t.Fatalf("West Yorkshire's notices: %+v (%v)", notices, err)
	}
	// A victim in cases of one force is not a duplicate referral.
	again := o.newCase(t, "west-yorkshire", caseOptions{})
	link(t, o.st, again.Victim.ID)
	third, err := o.desk.Refer(ctx, o.as(pole.RoleForceSupervisor), again.C.ID, "")
	if err != nil || third.DuplicateOf != "" {
		t.Fatalf("a referral of another victim: %+v (%v)", third, err)
	}
}

func TestOnlyCasesClosedWithoutAChargeAreReferred(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	sup := o.as(pole.RoleForceSupervisor)
	for _, outcome := range []int{1, 4} {
		hc := o.newCase(t, "west-yorkshire", caseOptions{Outcome: outcome})
		if _, err := o.desk.Refer(ctx, sup, hc.C.ID, ""); pole.ErrorField(err) != "case" {
			t.Errorf("a case with outcome %d: got %v, want EINVALID on case", outcome, err)
		}
	}
	if _, err := o.desk.Refer(ctx, sup, uuid.Must(uuid.NewV7()).String(), ""); pole.ErrorCode(err) != pole.ENOTFOUND {
		t.Errorf("a case not stored: got %v, want ENOTFOUND", err)
	}
	o.newCase(t, "west-yorkshire", caseOptions{Outcome: 16})
	o.newCase(t, "lancashire", caseOptions{Outcome: 16})
	n, err := o.desk.ReferClosed(ctx, sup, "", "")
	if err != nil || n != 1 {
		t.Fatalf("a supervisor's bulk referral: %d (%v), want their own force's one case", n, err)
	}
	n, err = o.desk.ReferClosed(ctx, sup, "", "")
	if err != nil || n != 0 {
		t.Fatalf("a second bulk referral: %d (%v), want none", n, err)
	}
}

func TestReasonsWrittenByHandReadBackAsEncodingJSONReadsThem(t *testing.T) {
	rs := []Reason{
		{Rule: RuleVictimBlaming, Weight: 30, Says: "victim-blaming \"language\" in\tthe police's own words\n", Evidence: []Evidence{
			{Kind: "text", Field: "rationale", Text: "Victim is ‘streetwise’ \\ wayward \x01 <b>&</b> \u2028 end"},
			{Kind: "record", ID: "01a21e24-3f4e-7508-90e2-601a85efca67"},
		}},
		{Rule: RuleNFAOutcome, Weight: 2, Says: "bad \xff byte"},
	}
	var got []Reason
	if err := json.Unmarshal(appendReasons(nil, rs), &got); err != nil {
		t.Fatalf("the hand-written JSON does not parse: %v\n%s", err, appendReasons(nil, rs))
	}
	want := slices.Clone(rs)
	want[1].Says = "bad \ufffd byte"
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	if string(appendReasons(nil, nil)) != "[]" {
		t.Fatalf("no reasons: %s", appendReasons(nil, nil))
	}
}

func TestACaseNoExportHoldsIsReferredByFormWithItsVictimSealed(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, storetest.SQLite(t))
	form := Form{CrimeRef: "13/PAPER/1", OffenceCodes: []string{"19d"}, OffenceFrom: pole.YearOnly(2009), Recorded: pole.Date(2009, 6, 1),
		OutcomeType: 18, OutcomeDate: pole.Date(2009, 9, 1), Rationale: "No suspect identified.", Narrative: "She gave the registration KX09 ABC.",
		Reason: "found in a paper file", People: []FormPerson{
			{Role: pole.RoleVictim, Forename: "Amy", Surname: "Oakhanger", DOB: pole.Date(1995, 2, 3), Vulnerabilities: []string{"looked_after"},
				Events: []FormEvent{{Type: "victim_account", Date: pole.Date(2009, 6, 2)}}},
			{Role: pole.RoleSuspect, Forename: "Imran", Surname: "Brightwater", Phones: []string{"07700 900123"}, Vehicles: []string{"kx09 abc"}},
		}}
	sup := o.as(pole.RoleForceSupervisor)
	r, err := o.desk.ReferForm(ctx, sup, form)
	if err != nil || r.Force != "west-yorkshire" || r.CrimeRef != "13/PAPER/1" || r.State != pole.ReviewReferred {
		t.Fatalf("refer by form: %+v (%v)", r, err)
	}
	victims, _, err := o.st.FindMentions(ctx, pole.MentionFilter{CaseID: r.CaseID, Role: pole.RoleVictim})
	if err != nil || len(victims) != 1 || victims[0].Surname != "" || victims[0].Pseudonym == "" {
		t.Fatalf("the form's victim is not sealed: %+v (%v)", victims, err)
	}
	suspects, _, _ := o.st.FindMentions(ctx, pole.MentionFilter{CaseID: r.CaseID, Role: pole.RoleSuspect})
	if len(suspects) != 1 || suspects[0].Phones[0] != "+447700900123" || suspects[0].Vehicles[0] != "KX09ABC" {
		t.Fatalf("the form's suspect: %+v", suspects)
	}
	src, err := o.st.FindSourceByID(ctx, suspects[0].SourceID)
	if err != nil || src.System != "referral form" || src.LoadedBy != sup.Login {
		t.Fatalf("the form's source: %+v (%v)", src, err)
	}
	if _, err := o.desk.Triage(ctx, o.as(pole.RoleNationalAnalyst), nil); err != nil {
		t.Fatal(err)
	}
	d, err := o.desk.Find(ctx, o.as(pole.RoleNationalReviewer), r.ID)
	if err != nil || !slices.ContainsFunc(d.Triage.Reasons, func(x Reason) bool { return x.Rule == RuleNamedSuspect18 }) {
		t.Fatalf("the form's case triaged: %+v (%v)", d, err)
	}
	// The same form again, a charged case, a form naming no victim, a bad
	// date, and another force's case are all refused.
	if _, err := o.desk.ReferForm(ctx, sup, form); pole.ErrorCode(err) != pole.ECONFLICT {
		t.Errorf("the same form again: got %v, want ECONFLICT", err)
	}
	charged := form
	charged.CrimeRef, charged.OutcomeType = "13/PAPER/2", 1
	if _, err := o.desk.ReferForm(ctx, sup, charged); pole.ErrorField(err) != "outcome_type" {
		t.Errorf("a charged case: got %v, want EINVALID on outcome_type", err)
	}
	novictim := form
	novictim.CrimeRef, novictim.People = "13/PAPER/3", form.People[1:]
	if _, err := o.desk.ReferForm(ctx, sup, novictim); pole.ErrorField(err) != "people" {
		t.Errorf("no victim: got %v, want EINVALID on people", err)
	}
	badphone := form
	badphone.CrimeRef = "13/PAPER/4"
	badphone.People = []FormPerson{form.People[0], {Role: pole.RoleSuspect, Phones: []string{"not a number"}}}
	if _, err := o.desk.ReferForm(ctx, sup, badphone); pole.ErrorField(err) != "people[1].phones" {
		t.Errorf("a bad phone: got %v, want EINVALID on people[1].phones", err)
	}
	other := form
	other.CrimeRef, other.Force = "13/PAPER/5", "lancashire"
	if _, err := o.desk.ReferForm(ctx, sup, other); pole.ErrorCode(err) != pole.EFORBIDDEN {
		t.Errorf("another force's case: got %v, want EFORBIDDEN", err)
	}
}
