package store_test

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

var ctx = context.Background()

// sourceSeq makes every test source's hash distinct.
var sourceSeq atomic.Int64

func addSource(t *testing.T, s *store.Store, force string) *pole.Source {
	t.Helper()
	src := &pole.Source{
		Force:      force,
		System:     "Niche",
		FileName:   force + "-cases.csv",
		Profile:    force,
		ReceivedAt: sampleTime,
		SHA256:     fmt.Sprintf("%064x", sourceSeq.Add(1)),
		RowCount:   3,
	}
	if err := s.CreateSource(ctx, src); err != nil {
		t.Fatalf("CreateSource: %v", err)
	}
	return src
}

func sampleCase(src *pole.Source, ref string) *pole.Case {
	return &pole.Case{
		Force:            src.Force,
		CrimeRef:         ref,
		OffenceCodes:     []string{"19D", "22B"},
		OffenceFrom:      pole.YearMonth(2011, 4),
		OffenceTo:        pole.Date(2012, 2, 29),
		Recorded:         pole.Date(2012, 3, 14),
		OutcomeType:      16,
		OutcomeDate:      pole.Date(2012, 9, 1),
		DecisionMaker:    "DS 4471",
		ClosureRationale: "Victim does not support; \"lifestyle\" noted.",
		Narrative:        "Synthetic narrative.\nSecond line with a tab\tand é.",
		Flags:            []string{"CSE"},
		Provenance:       pole.Provenance{SourceID: src.ID, SourceRow: 1},
	}
}

func sampleMention(src *pole.Source, c *pole.Case, rec string, role pole.Role) *pole.Mention {
	m := &pole.Mention{
		Force:             src.Force,
		RecordID:          rec,
		Role:              role,
		Forename:          "Mohammed",
		MiddleNames:       "Imran",
		Surname:           "Hussain",
		NameAsWritten:     "HUSSAIN, Mohammed Imran",
		Aliases:           []string{"Mo", "Immy"},
		DOB:               pole.Date(1981, 3, 12),
		Sex:               "M",
		EthnicitySelf:     "A3",
		EthnicityObserved: "IC4",
		Nationality:       "GBR",
		Addresses:         []pole.Address{{Text: "12 Example Street", Postcode: "BD1 1AA", Premises: "takeaway"}},
		Phones:            []string{"+447700900123"},
		Vehicles:          []string{"AB12CDE"},
		Provenance:        pole.Provenance{SourceID: src.ID, SourceRow: 2},
	}
	if c != nil {
		m.CaseID = c.ID
	}
	return m
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := pole.ErrorCode(err); got != code {
		t.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
	if field != "" {
		if got := pole.ErrorField(err); got != field {
			t.Fatalf("error field: got %q (%v), want %q", got, err, field)
		}
	}
}

func TestSourceRoundTripsAndIsStoredOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		got, err := s.FindSourceByID(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(src, got); diff != "" {
			t.Fatalf("source read back differs (-want +got):\n%s", diff)
		}
		again := *src
		again.ID = ""
		wantCode(t, s.CreateSource(ctx, &again), pole.ECONFLICT, "")
		_, n, err := s.FindSources(ctx, pole.SourceFilter{})
		if err != nil || n != 1 {
			t.Fatalf("sources after duplicate: got %d (%v), want 1", n, err)
		}
	})
}

func TestFindSourcesFiltersByForceAndHash(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		addSource(t, s, "west-yorkshire")
		addSource(t, s, "south-yorkshire")
		b := addSource(t, s, "west-yorkshire")
		list, n, err := s.FindSources(ctx, pole.SourceFilter{Force: "west-yorkshire"})
		if err != nil || n != 2 || len(list) != 2 {
			t.Fatalf("by force: got %d items, total %d (%v), want 2, 2", len(list), n, err)
		}
		list, n, err = s.FindSources(ctx, pole.SourceFilter{SHA256: b.SHA256})
		if err != nil || n != 1 || list[0].ID != b.ID {
			t.Fatalf("by hash: got total %d (%v), want only %s", n, err, b.ID)
		}
		list, n, err = s.FindSources(ctx, pole.SourceFilter{Limit: 1, Offset: 1})
		if err != nil || n != 3 || len(list) != 1 {
			t.Fatalf("paged: got %d items, total %d (%v), want 1, 3", len(list), n, err)
		}
	})
}

func TestUpdateSourceKeepsItsIdentity(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "lancashire")
		src.RowCount, src.Profile = 1200, "lancashire-v2"
		if err := s.UpdateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindSourceByID(ctx, src.ID)
		if got.RowCount != 1200 || got.Profile != "lancashire-v2" {
			t.Fatalf("got row count %d profile %q, want 1200 lancashire-v2", got.RowCount, got.Profile)
		}
		moved := *got
		moved.Force = "cumbria"
		wantCode(t, s.UpdateSource(ctx, &moved), pole.EINVALID, "force")
		missing := *got
		missing.ID = "0190a000-0000-7000-8000-000000000000"
		wantCode(t, s.UpdateSource(ctx, &missing), pole.ENOTFOUND, "")
	})
}

func TestCaseRoundTripsEveryField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "greater-manchester")
		c := sampleCase(src, "GM/12/3456")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindCaseByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("case read back differs (-want +got):\n%s", diff)
		}
		if got.Version != 1 {
			t.Fatalf("version: got %d, want 1", got.Version)
		}
	})
}

func TestCreateCaseRejectsBadInputNamingTheField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "greater-manchester")
		for _, tc := range []struct {
			field  string
			change func(c *pole.Case)
		}{
			{"force", func(c *pole.Case) { c.Force = "gotham" }},
			{"crime_ref", func(c *pole.Case) { c.CrimeRef = "" }},
			{"outcome_type", func(c *pole.Case) { c.OutcomeType = 23 }},
			{"offence_codes", func(c *pole.Case) { c.OffenceCodes = []string{"rape"} }},
			{"flags", func(c *pole.Case) { c.Flags = []string{"GROOMING"} }},
			{"recorded", func(c *pole.Case) { c.Recorded = pole.Date(2011, 2, 30) }},
			{"offence_to", func(c *pole.Case) { c.OffenceTo = pole.YearOnly(2010) }},
			{"source_id", func(c *pole.Case) { c.SourceID = "" }},
			{"source_id", func(c *pole.Case) { c.SourceID = "0190a000-0000-7000-8000-000000000000" }},
			{"source_row", func(c *pole.Case) { c.SourceRow = 0 }},
		} {
			c := sampleCase(src, "GM/1")
			tc.change(c)
			wantCode(t, s.CreateCase(ctx, c), pole.EINVALID, tc.field)
		}
		if _, n, _ := s.FindCases(ctx, pole.CaseFilter{}); n != 0 {
			t.Fatalf("cases after rejected input: got %d, want 0", n)
		}
	})
}

func TestCaseCrimeReferenceIsUniqueWithinAForce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		gm := addSource(t, s, "greater-manchester")
		wy := addSource(t, s, "west-yorkshire")
		if err := s.CreateCase(ctx, sampleCase(gm, "12/3456")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CreateCase(ctx, sampleCase(gm, "12/3456")), pole.ECONFLICT, "")
		if err := s.CreateCase(ctx, sampleCase(wy, "12/3456")); err != nil {
			t.Fatalf("same reference in another force: %v", err)
		}
	})
}

func TestFindCasesFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		gm := addSource(t, s, "greater-manchester")
		wy := addSource(t, s, "west-yorkshire")
		mk := func(src *pole.Source, ref string, outcome int, recorded pole.PartialDate, flags ...string) {
			c := sampleCase(src, ref)
			c.OutcomeType, c.Recorded, c.Flags = outcome, recorded, flags
			c.OffenceFrom, c.OffenceTo = pole.PartialDate{}, pole.PartialDate{}
			switch ref {
			case "A3":
				c.Narrative = "Met the suspects at the Takeaway on Mill St; 50% of nights"
			case "B1":
				c.ClosureRationale = "Suspect not interviewed: TAKEAWAY staff untraced"
			}
			if err := s.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		mk(gm, "A1", 16, pole.Date(2010, 5, 1), "CSE")
		mk(gm, "A2", 18, pole.YearOnly(2013))
		mk(gm, "A3", 1, pole.YearMonth(2015, 7), "CSE", "CCE")
		mk(wy, "B1", 21, pole.Date(2019, 1, 2), "CSA")
		mk(wy, "B2", 0, pole.PartialDate{})

		refs := func(f pole.CaseFilter) (string, int) {
			t.Helper()
			list, n, err := s.FindCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range list {
				out = append(out, c.CrimeRef)
			}
			return strings.Join(out, ","), n
		}
		for _, tc := range []struct {
			name  string
			f     pole.CaseFilter
			want  string
			total int
		}{
			{"all", pole.CaseFilter{}, "A1,A2,A3,B1,B2", 5},
			{"force", pole.CaseFilter{Force: "west-yorkshire"}, "B1,B2", 2},
			{"source", pole.CaseFilter{SourceID: gm.ID}, "A1,A2,A3", 3},
			{"crime ref", pole.CaseFilter{CrimeRef: "A2"}, "A2", 1},
			{"text in narrative or rationale, any case", pole.CaseFilter{Text: " takeaway "}, "A3,B1", 2},
			{"text with a percent sign taken as itself", pole.CaseFilter{Text: "50%"}, "A3", 1},
			{"text with an underscore taken as itself", pole.CaseFilter{Text: "mill_st"}, "", 0},
			{"outcomes", pole.CaseFilter{OutcomeTypes: []int{16, 18, 21}}, "A1,A2,B1", 3},
			{"flag", pole.CaseFilter{Flag: "CSE"}, "A1,A3", 2},
			{"recorded from", pole.CaseFilter{RecordedFrom: pole.Date(2013, 6, 1)}, "A2,A3,B1", 3},
			{"recorded to", pole.CaseFilter{RecordedTo: pole.YearOnly(2013)}, "A1,A2", 2},
			{"recorded between", pole.CaseFilter{RecordedFrom: pole.YearOnly(2011), RecordedTo: pole.Date(2015, 7, 31)}, "A2,A3", 2},
			{"paged", pole.CaseFilter{Offset: 1, Limit: 2}, "A2,A3", 5},
			{"offset only", pole.CaseFilter{Offset: 4}, "B2", 5},
		} {
			got, total := refs(tc.f)
			if got != tc.want || total != tc.total {
				t.Errorf("%s: got %s (total %d), want %s (total %d)", tc.name, got, total, tc.want, tc.total)
			}
		}
		_, _, err := s.FindCases(ctx, pole.CaseFilter{Limit: -1})
		wantCode(t, err, pole.EINVALID, "limit")
	})
}

func TestUpdateCaseNeedsTheVersionItRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "greater-manchester")
		c := sampleCase(src, "GM/77")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		stale := *c
		c.OutcomeType, c.Flags = 1, []string{"CSE", "CSA"}
		if err := s.UpdateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.Version != 2 {
			t.Fatalf("version after update: got %d, want 2", c.Version)
		}
		got, _ := s.FindCaseByID(ctx, c.ID)
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("updated case differs (-want +got):\n%s", diff)
		}
		stale.Narrative = "overwrite"
		wantCode(t, s.UpdateCase(ctx, &stale), pole.ECONFLICT, "")
		got, _ = s.FindCaseByID(ctx, c.ID)
		if got.Narrative == "overwrite" || got.Version != 2 {
			t.Fatalf("a stale update changed the case: version %d narrative %q", got.Version, got.Narrative)
		}
		bad := *got
		bad.OutcomeType = 99
		wantCode(t, s.UpdateCase(ctx, &bad), pole.EINVALID, "outcome_type")
		missing := *got
		missing.ID = "0190a000-0000-7000-8000-000000000000"
		wantCode(t, s.UpdateCase(ctx, &missing), pole.ENOTFOUND, "")
	})
}

func TestMentionRoundTripsEveryField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		c := sampleCase(src, "WY/1")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		m := sampleMention(src, c, "N-100", pole.RoleSuspect)
		if err := s.CreateMention(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindMentionByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Fatalf("mention read back differs (-want +got):\n%s", diff)
		}
		nominal := sampleMention(src, nil, "N-101", pole.RoleOther)
		nominal.Aliases, nominal.Addresses, nominal.DOB = nil, nil, pole.YearOnly(1979)
		if err := s.CreateMention(ctx, nominal); err != nil {
			t.Fatal(err)
		}
		// A nominal index entry names no role: it may be a victim's, so its
		// identity is sealed until its cases say otherwise.
		got, _ = s.FindMentionWithIdentity(ctx, nominal.ID)
		if diff := cmp.Diff(nominal, got); diff != "" || !strings.HasPrefix(got.Pseudonym, "V-") {
			t.Fatalf("nominal index mention differs (-want +got):\n%s", diff)
		}
		if shown, _ := s.FindMentionByID(ctx, nominal.ID); shown.Surname != "" {
			t.Fatalf("a nominal index entry of no known part shows its surname %q", shown.Surname)
		}
	})
}

func TestCreateMentionRejectsBadInputNamingTheField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		for _, tc := range []struct {
			field  string
			change func(m *pole.Mention)
		}{
			{"role", func(m *pole.Mention) { m.Role = "offender" }},
			{"record_id", func(m *pole.Mention) { m.RecordID = "" }},
			{"ethnicity_self", func(m *pole.Mention) { m.EthnicitySelf = "Z9" }},
			{"ethnicity_observed", func(m *pole.Mention) { m.EthnicityObserved = "IC8" }},
			{"phones", func(m *pole.Mention) { m.Phones = []string{"07700 900123"} }},
			{"addresses", func(m *pole.Mention) { m.Addresses = []pole.Address{{Postcode: "bd1 1aa"}} }},
			{"vehicles", func(m *pole.Mention) { m.Vehicles = []string{"ab12 cde"} }},
			{"dob", func(m *pole.Mention) { m.DOB = pole.PartialDate{Year: 1981, Day: 3} }},
			{"sex", func(m *pole.Mention) { m.Sex = "male" }},
			{"vulnerabilities", func(m *pole.Mention) { m.Vulnerabilities = []string{"naughty"} }},
			{"case_id", func(m *pole.Mention) { m.CaseID = "0190a000-0000-7000-8000-000000000000" }},
			{"surname", func(m *pole.Mention) { m.Forename, m.Surname, m.NameAsWritten, m.Aliases = "", "", "", nil }},
		} {
			m := sampleMention(src, nil, "N-1", pole.RoleVictim)
			tc.change(m)
			wantCode(t, s.CreateMention(ctx, m), pole.EINVALID, tc.field)
		}
		if _, n, _ := s.FindMentions(ctx, pole.MentionFilter{}); n != 0 {
			t.Fatalf("mentions after rejected input: got %d, want 0", n)
		}
		m := sampleMention(src, nil, "N-1", pole.RoleVictim)
		if err := s.CreateMention(ctx, m); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CreateMention(ctx, sampleMention(src, nil, "N-1", pole.RoleVictim)), pole.ECONFLICT, "")
	})
}

func TestFindMentionsFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		wy := addSource(t, s, "west-yorkshire")
		sy := addSource(t, s, "south-yorkshire")
		c := sampleCase(wy, "WY/9")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, m := range []*pole.Mention{
			sampleMention(wy, c, "W1", pole.RoleVictim),
			sampleMention(wy, c, "W2", pole.RoleSuspect),
			sampleMention(wy, nil, "W3", pole.RoleOther),
			sampleMention(sy, nil, "S1", pole.RoleSuspect),
		} {
			if m.RecordID == "W2" {
				m.Surname = "KHAN"
			}
			if err := s.CreateMention(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name string
			f    pole.MentionFilter
			want string
		}{
			{"all", pole.MentionFilter{}, "W1,W2,W3,S1"},
			{"force", pole.MentionFilter{Force: "south-yorkshire"}, "S1"},
			{"source", pole.MentionFilter{SourceID: wy.ID}, "W1,W2,W3"},
			{"case", pole.MentionFilter{CaseID: c.ID}, "W1,W2"},
			{"record", pole.MentionFilter{RecordID: "W3"}, "W3"},
			{"role", pole.MentionFilter{Role: pole.RoleSuspect}, "W2,S1"},
			{"surname ignores case", pole.MentionFilter{Surname: "khan"}, "W2"},
			{"paged", pole.MentionFilter{Limit: 2, Offset: 1}, "W2,W3"},
		} {
			list, _, err := s.FindMentions(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range list {
				got = append(got, m.RecordID)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("%s: got %v, want %s", tc.name, got, tc.want)
			}
		}
	})
}

func TestUpdateMentionNeedsTheVersionItRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		m := sampleMention(src, nil, "N-5", pole.RoleSuspect)
		if err := s.CreateMention(ctx, m); err != nil {
			t.Fatal(err)
		}
		stale := *m
		m.Aliases = append(m.Aliases, "Big Mo")
		m.EthnicitySelf = ""
		if err := s.UpdateMention(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindMentionByID(ctx, m.ID)
		if diff := cmp.Diff(m, got); diff != "" || got.Version != 2 {
			t.Fatalf("updated mention differs (version %d) (-want +got):\n%s", got.Version, diff)
		}
		wantCode(t, s.UpdateMention(ctx, &stale), pole.ECONFLICT, "")
		bad := *got
		bad.Phones = []string{"not a phone"}
		wantCode(t, s.UpdateMention(ctx, &bad), pole.EINVALID, "phones")
	})
}

func TestEventsRoundTripFilterAndUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-midlands")
		c := sampleCase(src, "WM/1")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		v := sampleMention(src, c, "V1", pole.RoleVictim)
		if err := s.CreateMention(ctx, v); err != nil {
			t.Fatal(err)
		}
		events := []*pole.Event{
			{CaseID: c.ID, MentionID: v.ID, Type: "missing_episode", Date: pole.Date(2011, 6, 3), Detail: "Missing overnight", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 4}},
			{MentionID: v.ID, Type: "missing_episode", Date: pole.YearMonth(2011, 5), Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 5}},
			{CaseID: c.ID, Type: "arrest", Date: pole.Date(2012, 1, 9), Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 6}},
		}
		for _, e := range events {
			if err := s.CreateEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.FindEventByID(ctx, events[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(events[0], got); diff != "" {
			t.Fatalf("event read back differs (-want +got):\n%s", diff)
		}
		list, n, err := s.FindEvents(ctx, pole.EventFilter{MentionID: v.ID, Type: "missing_episode"})
		if err != nil || n != 2 || list[0].ID != events[1].ID {
			t.Fatalf("missing episodes of the victim: got %d (%v), want 2 in date order", n, err)
		}
		if _, n, _ := s.FindEvents(ctx, pole.EventFilter{CaseID: c.ID}); n != 2 {
			t.Fatalf("events of the case: got %d, want 2", n)
		}
		got.Detail = "Missing overnight; found at a takeaway"
		if err := s.UpdateEvent(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := s.FindEventByID(ctx, got.ID)
		if again.Detail != got.Detail {
			t.Fatalf("detail after update: got %q, want %q", again.Detail, got.Detail)
		}
		wantCode(t, s.CreateEvent(ctx, &pole.Event{Type: "arrest", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}), pole.EINVALID, "case_id")
		wantCode(t, s.CreateEvent(ctx, &pole.Event{CaseID: c.ID, Type: "party", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}), pole.EINVALID, "type")
		wantCode(t, s.CreateEvent(ctx, &pole.Event{MentionID: c.ID, Type: "arrest", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}), pole.EINVALID, "mention_id")
	})
}

func TestFindByUnknownIDIsNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		const id = "0190a000-0000-7000-8000-000000000000"
		_, err := s.FindSourceByID(ctx, id)
		wantCode(t, err, pole.ENOTFOUND, "")
		_, err = s.FindCaseByID(ctx, id)
		wantCode(t, err, pole.ENOTFOUND, "")
		_, err = s.FindMentionByID(ctx, id)
		wantCode(t, err, pole.ENOTFOUND, "")
		_, err = s.FindEventByID(ctx, id)
		wantCode(t, err, pole.ENOTFOUND, "")
	})
}

func mentionsOf(src *pole.Source, n int, bad func(i int, m *pole.Mention)) iter.Seq2[*pole.Mention, error] {
	return func(yield func(*pole.Mention, error) bool) {
		for i := 1; i <= n; i++ {
			m := sampleMention(src, nil, fmt.Sprintf("R%07d", i), pole.RoleSuspect)
			m.SourceRow = i
			if bad != nil {
				bad(i, m)
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

func TestLoadMentionsWritesEveryRow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		n, err := s.LoadMentions(ctx, mentionsOf(src, 1000, nil))
		if err != nil || n != 1000 {
			t.Fatalf("LoadMentions: got %d (%v), want 1000", n, err)
		}
		list, total, err := s.FindMentions(ctx, pole.MentionFilter{RecordID: "R0000777"})
		if err != nil || total != 1 {
			t.Fatalf("row 777: got %d (%v)", total, err)
		}
		want := sampleMention(src, nil, "R0000777", pole.RoleSuspect)
		want.SourceRow = 777
		want.ID, want.Version = list[0].ID, 1
		if diff := cmp.Diff(want, list[0]); diff != "" {
			t.Fatalf("bulk-loaded mention differs (-want +got):\n%s", diff)
		}
		if _, total, _ := s.FindMentions(ctx, pole.MentionFilter{}); total != 1000 {
			t.Fatalf("stored: got %d, want 1000", total)
		}
	})
}

func TestLoadMentionsWritesNothingWhenOneRowIsBad(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		_, err := s.LoadMentions(ctx, mentionsOf(src, 500, func(i int, m *pole.Mention) {
			if i == 321 {
				m.EthnicitySelf = "ZZ"
			}
		}))
		wantCode(t, err, pole.EINVALID, "ethnicity_self")
		if !strings.Contains(err.Error(), "record 321") {
			t.Fatalf("error %q does not name record 321", err)
		}
		if _, total, _ := s.FindMentions(ctx, pole.MentionFilter{}); total != 0 {
			t.Fatalf("stored after a bad row: got %d, want 0", total)
		}
		_, err = s.LoadMentions(ctx, mentionsOf(src, 300, func(i int, m *pole.Mention) {
			if i == 250 {
				m.RecordID = "R0000001"
			}
		}))
		wantCode(t, err, pole.ECONFLICT, "")
		if _, total, _ := s.FindMentions(ctx, pole.MentionFilter{}); total != 0 {
			t.Fatalf("stored after a duplicate row: got %d, want 0", total)
		}
		_, err = s.LoadMentions(ctx, mentionsOf(src, 10, func(i int, m *pole.Mention) {
			if i == 3 {
				m.CaseID = "0190a000-0000-7000-8000-000000000000"
			}
		}))
		wantCode(t, err, pole.EINVALID, "")
		if _, total, _ := s.FindMentions(ctx, pole.MentionFilter{}); total != 0 {
			t.Fatalf("stored after a dangling case id: got %d, want 0", total)
		}
	})
}

func TestLoadCasesAndEventsInBulk(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "derbyshire")
		var ids []string
		n, err := s.LoadCases(ctx, func(yield func(*pole.Case, error) bool) {
			for i := range 150 {
				c := sampleCase(src, fmt.Sprintf("DY/%d", i))
				c.SourceRow = i + 1
				if !yield(c, nil) {
					return
				}
				ids = append(ids, c.ID)
			}
		})
		if err != nil || n != 150 {
			t.Fatalf("LoadCases: got %d (%v), want 150", n, err)
		}
		n, err = s.LoadEvents(ctx, func(yield func(*pole.Event, error) bool) {
			for i, id := range ids {
				if !yield(&pole.Event{CaseID: id, Type: "suspect_interview", Date: pole.Date(2013, 1, 1+i%28), Provenance: pole.Provenance{SourceID: src.ID, SourceRow: i + 1}}, nil) {
					return
				}
			}
		})
		if err != nil || n != 150 {
			t.Fatalf("LoadEvents: got %d (%v), want 150", n, err)
		}
		if _, total, _ := s.FindEvents(ctx, pole.EventFilter{CaseID: ids[42]}); total != 1 {
			t.Fatalf("events of one case: got %d, want 1", total)
		}
		_, err = s.LoadCases(ctx, func(yield func(*pole.Case, error) bool) {
			yield(sampleCase(src, "DY/new"), nil)
			yield(nil, fmt.Errorf("reader failed at row 2"))
		})
		if err == nil || !strings.Contains(err.Error(), "reader failed at row 2") {
			t.Fatalf("a failing producer: got %v, want its error", err)
		}
		if _, total, _ := s.FindCases(ctx, pole.CaseFilter{CrimeRef: "DY/new"}); total != 0 {
			t.Fatalf("a failed load left %d cases behind", total)
		}
	})
}

func TestConcurrentWritersLoseNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		const writers, each = 8, 40
		var wg sync.WaitGroup
		errs := make(chan error, writers*each*2)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					c := sampleCase(src, fmt.Sprintf("C/%d/%d", w, i))
					if err := s.CreateCase(ctx, c); err != nil {
						errs <- err
						continue
					}
					if err := s.CreateMention(ctx, sampleMention(src, c, fmt.Sprintf("M/%d/%d", w, i), pole.RoleVictim)); err != nil {
						errs <- err
					}
					if _, _, err := s.FindMentions(ctx, pole.MentionFilter{CaseID: c.ID}); err != nil {
						errs <- err
					}
				}
			})
		}
		// A bulk load alongside the single writers must neither fail nor be
		// failed by them.
		wg.Go(func() {
			if _, err := s.LoadMentions(ctx, mentionsOf(src, 2000, nil)); err != nil {
				errs <- err
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write: %v", err)
		}
		if _, n, _ := s.FindCases(ctx, pole.CaseFilter{}); n != writers*each {
			t.Fatalf("cases: got %d, want %d", n, writers*each)
		}
		if _, n, _ := s.FindMentions(ctx, pole.MentionFilter{}); n != writers*each+2000 {
			t.Fatalf("mentions: got %d, want %d", n, writers*each+2000)
		}
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate: applied %d (%v), want 0", n, err)
		}
		cur, target, err := s.SchemaVersion(ctx)
		if err != nil || cur != target || cur < 1 {
			t.Fatalf("schema version: got %d of %d (%v)", cur, target, err)
		}
	})
}

var sampleTime = time.Date(2026, 1, 5, 9, 30, 0, 123456000, time.UTC)
