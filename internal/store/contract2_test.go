package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func TestConcurrentUpdatesFromOneVersionLetOnlyOneWin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "avon-and-somerset")
		c := sampleCase(src, "AS/1")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		m := sampleMention(src, c, "AS-P1", pole.RoleSuspect)
		if err := s.CreateMention(ctx, m); err != nil {
			t.Fatal(err)
		}
		for round := range 10 {
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins, conflicts := 0, 0
			for w := range 4 {
				cc, mm := *c, *m
				cc.Narrative, mm.Forename = fmt.Sprintf("writer %d round %d", w, round), fmt.Sprintf("W%d", w)
				wg.Go(func() {
					errCase, errMention := s.UpdateCase(ctx, &cc), s.UpdateMention(ctx, &mm)
					mu.Lock()
					defer mu.Unlock()
					for _, err := range []error{errCase, errMention} {
						switch pole.ErrorCode(err) {
						case "":
							wins++
						case pole.ECONFLICT:
							conflicts++
						default:
							t.Errorf("update: %v", err)
						}
					}
				})
			}
			wg.Wait()
			if wins != 2 || conflicts != 6 {
				t.Fatalf("round %d: %d updates won and %d conflicted, want 2 and 6 (one per record)", round, wins, conflicts)
			}
			var err error
			if c, err = s.FindCaseByID(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if m, err = s.FindMentionByID(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			if c.Version != round+2 || m.Version != round+2 {
				t.Fatalf("round %d: versions %d and %d, want %d", round, c.Version, m.Version, round+2)
			}
		}
	})
}

func TestMalformedIDsBehaveTheSameOnBothEngines(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		for _, id := range []string{"", "42", "not-a-uuid", "0190A000-0000-7000-8000-000000000000"} {
			_, err := s.FindCaseByID(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.FindMentionByID(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.FindSourceByID(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.FindEventByID(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
		}
		_, _, err := s.FindMentions(ctx, pole.MentionFilter{CaseID: "42"})
		wantCode(t, err, pole.EINVALID, "case_id")
		_, _, err = s.FindCases(ctx, pole.CaseFilter{SourceID: "x"})
		wantCode(t, err, pole.EINVALID, "source_id")
		_, _, err = s.FindEvents(ctx, pole.EventFilter{MentionID: "x"})
		wantCode(t, err, pole.EINVALID, "mention_id")
	})
}

func TestLoadMentionsNamesTheDuplicateRecord(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		_, err := s.LoadMentions(ctx, mentionsOf(src, 3000, func(i int, m *pole.Mention) {
			if i == 2500 {
				m.RecordID = "R0000007" // the same as record 7
			}
		}))
		wantCode(t, err, pole.ECONFLICT, "")
		if !strings.Contains(err.Error(), "mention record 2500:") {
			t.Fatalf("error %q does not name mention record 2500", err)
		}
		_, err = s.LoadMentions(ctx, mentionsOf(src, 600, func(i int, m *pole.Mention) {
			if i == 333 {
				m.CaseID = "0190a000-0000-7000-8000-000000000000"
			}
		}))
		wantCode(t, err, pole.EINVALID, "")
		// SQLite names the row; PostgreSQL checks foreign keys at the end of
		// a COPY and names the column and the missing key instead.
		if !strings.Contains(err.Error(), "mention record 333:") &&
			!(pole.ErrorField(err) == "case_id" && strings.Contains(err.Error(), "0190a000-0000-7000-8000-000000000000")) {
			t.Fatalf("error %q names neither mention record 333 nor the missing case", err)
		}
		if _, n, _ := s.FindMentions(ctx, pole.MentionFilter{}); n != 0 {
			t.Fatalf("stored after failed loads: got %d, want 0", n)
		}
	})
}

func TestLoadExportStoresAllOrNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		export := func(badEvent bool) store.Export {
			src := &pole.Source{Force: "lancashire", FileName: "lancs.csv", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 2}
			src.ID = "0190a000-0000-7000-8000-0000000000aa"
			c := sampleCase(src, "LC/1")
			c.ID = "0190a000-0000-7000-8000-0000000000bb"
			v := sampleMention(src, c, "LC-V", pole.RoleVictim)
			ev := &pole.Event{CaseID: c.ID, Type: "missing_episode", Date: pole.Date(2012, 1, 1), Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 2}}
			if badEvent {
				ev.Type = "picnic"
			}
			return store.Export{Source: src, Cases: each(c), Mentions: each(v), Events: each(ev)}
		}
		_, err := s.LoadExport(ctx, export(true))
		wantCode(t, err, pole.EINVALID, "type")
		if !strings.Contains(err.Error(), "event record 1") {
			t.Fatalf("error %q does not name event record 1", err)
		}
		_, ns, _ := s.FindSources(ctx, pole.SourceFilter{})
		_, nc, _ := s.FindCases(ctx, pole.CaseFilter{})
		_, nm, _ := s.FindMentions(ctx, pole.MentionFilter{})
		if ns+nc+nm != 0 {
			t.Fatalf("a failed export left %d sources, %d cases, %d mentions", ns, nc, nm)
		}
		counts, err := s.LoadExport(ctx, export(false))
		if err != nil || counts != (store.LoadCounts{Cases: 1, Mentions: 1, Events: 1}) {
			t.Fatalf("LoadExport: got %+v (%v), want one of each", counts, err)
		}
		got, _, err := s.FindMentions(ctx, pole.MentionFilter{Force: "lancashire"})
		if err != nil || len(got) != 1 || got[0].Force != "lancashire" {
			t.Fatalf("mention of the export: got %v (%v)", got, err)
		}
	})
}

func TestMentionBelongsToItsSourcesForce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		wy := addSource(t, s, "west-yorkshire")
		sy := addSource(t, s, "south-yorkshire")
		m := sampleMention(wy, nil, "X1", pole.RoleWitness)
		m.Force = "south-yorkshire"
		wantCode(t, s.CreateMention(ctx, m), pole.EINVALID, "force")
		c := sampleCase(sy, "SY/1")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CreateMention(ctx, sampleMention(wy, c, "X2", pole.RoleWitness)), pole.EINVALID, "case_id")
		m = sampleMention(wy, nil, "X3", pole.RoleWitness)
		m.Force = ""
		if err := s.CreateMention(ctx, m); err != nil || m.Force != "west-yorkshire" {
			t.Fatalf("a mention without a force: got %q (%v), want its source's", m.Force, err)
		}
		m.SourceID = sy.ID
		wantCode(t, s.UpdateMention(ctx, m), pole.EINVALID, "source_id")
		u := sampleCase(wy, "WY/5")
		if err := s.CreateCase(ctx, u); err != nil {
			t.Fatal(err)
		}
		u.Force = "south-yorkshire"
		wantCode(t, s.UpdateCase(ctx, u), pole.EINVALID, "force")
	})
}

func each[T any](items ...*T) func(yield func(*T, error) bool) {
	return func(yield func(*T, error) bool) {
		for _, v := range items {
			if !yield(v, nil) {
				return
			}
		}
	}
}
