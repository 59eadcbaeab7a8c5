package store_test

import (
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func newID(t testing.TB) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// storeMentions stores n person records of one source and returns their ids
// in id order.
func storeMentions(t *testing.T, s *store.Store, n int) []string {
	t.Helper()
	src := addSource(t, s, "west-yorkshire")
	ids := make([]string, n)
	for i := range n {
		m := sampleMention(src, nil, fmt.Sprintf("L%04d", i), pole.RoleSuspect)
		m.ID = newID(t)
		if err := s.CreateMention(ctx, m); err != nil {
			t.Fatal(err)
		}
		ids[i] = m.ID
	}
	slices.Sort(ids)
	return ids
}

func saveModel(t testing.TB, s *store.Store) *store.LinkModel {
	t.Helper()
	m := &store.LinkModel{Params: []byte(`{"m":[0.9,0.1],"u":[0.01,0.99]}`)}
	if err := s.SaveLinkModel(ctx, m); err != nil {
		t.Fatalf("SaveLinkModel: %v", err)
	}
	return m
}

func saveRun(t *testing.T, s *store.Store, model *store.LinkModel, res store.LinkResult) *store.LinkRun {
	t.Helper()
	run := &store.LinkRun{ModelID: model.ID}
	if err := s.SaveLinkRun(ctx, run, res); err != nil {
		t.Fatalf("SaveLinkRun: %v", err)
	}
	return run
}

func person(t *testing.T) store.Entity { return store.Entity{ID: newID(t), Kind: "person"} }

func members(entity string, mentions ...string) []store.Membership {
	var out []store.Membership
	for _, m := range mentions {
		out = append(out, store.Membership{MentionID: m, EntityID: entity})
	}
	return out
}

func entityOf(t *testing.T, s *store.Store, mention string) string {
	t.Helper()
	id, err := s.EntityOfMention(ctx, mention)
	if err != nil {
		t.Fatalf("EntityOfMention(%s): %v", mention, err)
	}
	return id
}

func TestLinkModelVersionsIncreaseAndTheLatestIsTheNewest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		_, err := s.LatestLinkModel(ctx)
		wantCode(t, err, pole.ENOTFOUND, "")
		var saved []*store.LinkModel
		for i := range 3 {
			m := &store.LinkModel{Params: fmt.Appendf(nil, `{"threshold": 0.%d, "fields": ["surname", "dob"]}`, 9-i)}
			if i == 2 {
				m.Stats = []byte(`{"pairs":1200,"iterations":14}`)
			}
			if err := s.SaveLinkModel(ctx, m); err != nil {
				t.Fatal(err)
			}
			if m.Version != i+1 || m.ID == "" || m.CreatedAt.IsZero() {
				t.Fatalf("model %d: got version %d, id %q, created %v; want version %d with an id and a time", i, m.Version, m.ID, m.CreatedAt, i+1)
			}
			saved = append(saved, m)
		}
		got, err := s.LatestLinkModel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(saved[2], got); diff != "" {
			t.Fatalf("latest model differs (-want +got):\n%s", diff)
		}
		first := &store.LinkModel{Params: []byte(`{"a":1}`)}
		_ = s.SaveLinkModel(ctx, first)
		if got, _ := s.LatestLinkModel(ctx); got.Version != 4 || string(got.Stats) != "{}" {
			t.Fatalf("model without stats: got version %d stats %s, want 4 and {}", got.Version, got.Stats)
		}
		wantCode(t, s.SaveLinkModel(ctx, &store.LinkModel{Params: []byte(`{"a":`)}), pole.EINVALID, "params")
		wantCode(t, s.SaveLinkModel(ctx, &store.LinkModel{}), pole.EINVALID, "params")
		wantCode(t, s.SaveLinkModel(ctx, &store.LinkModel{Params: []byte(`{}`), Stats: []byte("x")}), pole.EINVALID, "stats")
	})
}

func TestSaveLinkRunStoresEntitiesMembershipsChangesAndPairs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 4)
		model := saveModel(t, s)
		e1, e2 := person(t), person(t)
		res := store.LinkResult{
			Entities: []store.Entity{e1, e2},
			Members:  append(members(e1.ID, m[0], m[1]), members(e2.ID, m[2], m[3])...),
			Changes: []store.EntityChange{
				{Kind: "create", EntityID: e1.ID, Mentions: []string{m[0], m[1]}, Reason: "weight 14.2 above 9"},
				{Kind: "create", EntityID: e2.ID, Mentions: []string{m[2], m[3]}},
			},
			ReplaceAllPairs: true,
			Pairs: []store.LinkPair{
				{A: m[0], B: m[1], Weight: 14.2, Probability: 0.999, Levels: "3,2,0,1", Band: "link"},
				{A: m[2], B: m[1], Weight: -0.4, Probability: 0.43, Levels: "1,0,0,0", Band: "review"},
			},
		}
		start := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		run := &store.LinkRun{ModelID: model.ID, StartedAt: start, Stats: []byte(`{"pairs":2}`)}
		if err := s.SaveLinkRun(ctx, run, res); err != nil {
			t.Fatal(err)
		}
		if run.ID == "" || !run.StartedAt.Equal(start) || run.FinishedAt.IsZero() {
			t.Fatalf("run: got id %q started %v finished %v", run.ID, run.StartedAt, run.FinishedAt)
		}
		got, err := s.FindEntity(ctx, e1.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := &store.Entity{ID: e1.ID, Kind: "person", CreatedAt: res.Entities[0].CreatedAt, CreatedByRun: run.ID}
		if diff := cmp.Diff(want, got); diff != "" || got.CreatedAt.IsZero() {
			t.Fatalf("entity differs (-want +got):\n%s", diff)
		}
		if ids, err := s.EntityMentions(ctx, e2.ID); err != nil || !slices.Equal(ids, []string{m[2], m[3]}) {
			t.Fatalf("EntityMentions: got %v (%v), want %v", ids, err, m[2:])
		}
		if id := entityOf(t, s, m[1]); id != e1.ID {
			t.Fatalf("EntityOfMention: got %s, want %s", id, e1.ID)
		}
		all, err := s.EntityMembers(ctx)
		wantAll := map[string]string{m[0]: e1.ID, m[1]: e1.ID, m[2]: e2.ID, m[3]: e2.ID}
		if err != nil || !cmp.Equal(all, wantAll) {
			t.Fatalf("EntityMembers: got %v (%v), want %v", all, err, wantAll)
		}
		changes, err := s.FindEntityChanges(ctx, e1.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantChanges := []*store.EntityChange{{ID: res.Changes[0].ID, RunID: run.ID, Seq: 1, At: res.Changes[0].At,
			Kind: "create", EntityID: e1.ID, Mentions: []string{m[0], m[1]}, Reason: "weight 14.2 above 9"}}
		if diff := cmp.Diff(wantChanges, changes); diff != "" {
			t.Fatalf("changes differ (-want +got):\n%s", diff)
		}
		if c, err := s.FindEntityChange(ctx, res.Changes[1].ID); err != nil || c.Seq != 2 || c.EntityID != e2.ID {
			t.Fatalf("FindEntityChange: got %+v (%v), want the second change, of %s", c, err, e2.ID)
		}
		pair, err := s.FindLinkPair(ctx, m[2], m[1])
		wantPair := &store.LinkPair{A: m[1], B: m[2], Weight: -0.4, Probability: 0.43, Levels: "1,0,0,0", Band: "review"}
		if err != nil || !cmp.Equal(pair, wantPair) {
			t.Fatalf("FindLinkPair: got %+v (%v), want %+v, in order", pair, err, wantPair)
		}
		pairs, err := s.FindLinkPairs(ctx, m[1])
		if err != nil || len(pairs) != 2 || pairs[0].Probability != 0.999 || pairs[1].B != m[2] {
			t.Fatalf("FindLinkPairs: got %+v (%v), want both pairs, most probable first", pairs, err)
		}
	})
}

func TestSaveLinkRunWritesNothingWhenOneRecordIsBad(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 3)
		model := saveModel(t, s)
		missing := newID(t)
		e1 := person(t)
		result := func() store.LinkResult {
			return store.LinkResult{
				Entities:        []store.Entity{e1},
				Members:         members(e1.ID, m[0], m[1], m[2]),
				Changes:         []store.EntityChange{{Kind: "create", EntityID: e1.ID, Mentions: m}},
				ReplaceAllPairs: true,
				Pairs:           []store.LinkPair{{A: m[0], B: m[1], Weight: 9, Probability: 0.99, Band: "link"}},
			}
		}
		runID := newID(t)
		for _, tc := range []struct {
			name, field, record string
			spoil               func(r *store.LinkResult)
		}{
			{"membership of a mention not stored", "", missing, func(r *store.LinkResult) {
				r.Members = append(r.Members, store.Membership{MentionID: missing, EntityID: e1.ID})
			}},
			{"membership in an entity not stored", "", missing, func(r *store.LinkResult) {
				r.Members[1].EntityID = missing
			}},
			{"mention given two entities", "mention_id", "membership 4", func(r *store.LinkResult) {
				r.Members = append(r.Members, store.Membership{MentionID: m[1], EntityID: e1.ID})
			}},
			{"entity of no known kind", "kind", "entity 2", func(r *store.LinkResult) {
				r.Entities = append(r.Entities, store.Entity{ID: newID(t), Kind: "organisation"})
			}},
			{"change of no known kind", "kind", "change 1", func(r *store.LinkResult) { r.Changes[0].Kind = "rename" }},
			{"pair written last in no band", "band", "pair 2", func(r *store.LinkResult) {
				r.Pairs = append(r.Pairs, store.LinkPair{A: m[1], B: m[2], Probability: 0.5, Band: "maybe"})
			}},
			{"pair given twice", "", "pair 2", func(r *store.LinkResult) { r.Pairs = append(r.Pairs, r.Pairs[0]) }},
			{"retiring an entity not stored", "id", "retired entity 1", func(r *store.LinkResult) {
				r.Retired = []store.Entity{{ID: missing}}
			}},
		} {
			res := result()
			tc.spoil(&res)
			err := s.SaveLinkRun(ctx, &store.LinkRun{ID: runID, ModelID: model.ID}, res)
			code := pole.EINVALID
			if tc.name == "pair given twice" {
				code = pole.ECONFLICT
			}
			wantCode(t, err, code, tc.field)
			if !strings.Contains(err.Error(), tc.record) {
				t.Errorf("%s: error %q does not name %s", tc.name, err, tc.record)
			}
			_, err = s.FindEntity(ctx, e1.ID)
			wantCode(t, err, pole.ENOTFOUND, "")
			if all, _ := s.EntityMembers(ctx); len(all) != 0 {
				t.Fatalf("%s: memberships stored: %v", tc.name, all)
			}
			if pairs, _ := s.FindLinkPairs(ctx, m[0]); len(pairs) != 0 {
				t.Fatalf("%s: pairs stored: %v", tc.name, pairs)
			}
			if changes, _ := s.FindEntityChanges(ctx, e1.ID); len(changes) != 0 {
				t.Fatalf("%s: changes stored: %v", tc.name, changes)
			}
		}
		// The run itself was not kept either: its id is free.
		if err := s.SaveLinkRun(ctx, &store.LinkRun{ID: runID, ModelID: model.ID}, result()); err != nil {
			t.Fatalf("the good run after the bad ones: %v", err)
		}
		wantCode(t, s.SaveLinkRun(ctx, &store.LinkRun{ModelID: missing}, store.LinkResult{}), pole.EINVALID, "model_id")
	})
}

func TestSaveLinkRunFindsAMentionGivenTwoEntitiesAnywhereInTheList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 60)
		model := saveModel(t, s)
		e1, e2 := person(t), person(t)
		var ms []store.Membership
		for i, id := range m {
			ms = append(ms, store.Membership{MentionID: id, EntityID: []string{e1.ID, e2.ID}[i%2]})
		}
		rand.New(rand.NewPCG(7, 7)).Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		ms = slices.Insert(ms, 5, store.Membership{MentionID: ms[50].MentionID, EntityID: e1.ID})
		err := s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, store.LinkResult{Entities: []store.Entity{e1, e2}, Members: ms})
		wantCode(t, err, pole.EINVALID, "mention_id")
		if want := "membership 52: mention_id: mention " + ms[5].MentionID + " is given an entity twice, also in membership 6"; !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
		if err := s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, store.LinkResult{Entities: []store.Entity{e1, e2}, Members: slices.Delete(ms, 5, 6)}); err != nil {
			t.Fatal(err)
		}
		if all, _ := s.EntityMembers(ctx); len(all) != 60 {
			t.Fatalf("memberships: got %d, want 60", len(all))
		}
	})
}

func TestSaveLinkRunMovesMembershipsAndRetiresEmptiedEntities(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 3)
		model := saveModel(t, s)
		e1, e2 := person(t), person(t)
		saveRun(t, s, model, store.LinkResult{
			Entities: []store.Entity{e1, e2},
			Members:  append(members(e1.ID, m[0], m[1]), members(e2.ID, m[2])...),
			Changes:  []store.EntityChange{{Kind: "create", EntityID: e1.ID}, {Kind: "create", EntityID: e2.ID}},
		})
		wantCode(t, s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, store.LinkResult{Retired: []store.Entity{{ID: e1.ID}}}), pole.EINVALID, "id")

		run := saveRun(t, s, model, store.LinkResult{
			Members: members(e1.ID, m[2]),
			Retired: []store.Entity{{ID: e2.ID, MergedInto: e1.ID}},
			Changes: []store.EntityChange{{Kind: "merge", EntityID: e1.ID, OtherID: e2.ID, Mentions: []string{m[2]}}},
		})
		if id := entityOf(t, s, m[2]); id != e1.ID {
			t.Fatalf("moved mention: in %s, want %s", id, e1.ID)
		}
		if all, _ := s.EntityMembers(ctx); len(all) != 3 || all[m[0]] != e1.ID || all[m[2]] != e1.ID {
			t.Fatalf("EntityMembers: got %v, want all three in %s", all, e1.ID)
		}
		retired, err := s.FindEntity(ctx, e2.ID)
		if err != nil || retired.RetiredAt.IsZero() || retired.MergedInto != e1.ID {
			t.Fatalf("retired entity: got %+v (%v), want retired into %s", retired, err, e1.ID)
		}
		if ids, err := s.EntityMentions(ctx, e2.ID); err != nil || len(ids) != 0 {
			t.Fatalf("mentions of a retired entity: got %v (%v), want none", ids, err)
		}
		changes, err := s.FindEntityChanges(ctx, e2.ID)
		if err != nil || len(changes) != 2 || changes[0].Kind != "create" || changes[1].Kind != "merge" || changes[1].RunID != run.ID {
			t.Fatalf("changes of the merged entity: got %+v (%v), want its create, then the merge into %s", changes, err, e1.ID)
		}
		err = s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, store.LinkResult{Retired: []store.Entity{{ID: e2.ID}}})
		wantCode(t, err, pole.EINVALID, "id")
	})
}

func TestSaveLinkRunReplacesPairsOnlyForTheGivenMentions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 4)
		model := saveModel(t, s)
		pair := func(a, b string, p float64) store.LinkPair {
			return store.LinkPair{A: a, B: b, Weight: p * 10, Probability: p, Levels: "2,2", Band: "link"}
		}
		saveRun(t, s, model, store.LinkResult{ReplaceAllPairs: true,
			Pairs: []store.LinkPair{pair(m[0], m[1], 0.9), pair(m[1], m[2], 0.8), pair(m[2], m[3], 0.7)}})
		saveRun(t, s, model, store.LinkResult{PairsFor: []string{m[1]}, Pairs: []store.LinkPair{pair(m[1], m[0], 0.95)}})
		for _, tc := range []struct {
			a, b string
			want float64 // 0 for no pair
		}{{m[0], m[1], 0.95}, {m[1], m[2], 0}, {m[2], m[3], 0.7}} {
			p, err := s.FindLinkPair(ctx, tc.a, tc.b)
			switch {
			case tc.want == 0:
				wantCode(t, err, pole.ENOTFOUND, "")
			case err != nil || p.Probability != tc.want:
				t.Fatalf("pair %s %s: got %+v (%v), want probability %v", tc.a, tc.b, p, err, tc.want)
			}
		}
		err := s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, store.LinkResult{Pairs: []store.LinkPair{pair(m[2], m[3], 0.6)}})
		wantCode(t, err, pole.ECONFLICT, "")
		if p, _ := s.FindLinkPair(ctx, m[2], m[3]); p == nil || p.Probability != 0.7 {
			t.Fatalf("a pair not named in PairsFor changed: %+v", p)
		}
		saveRun(t, s, model, store.LinkResult{ReplaceAllPairs: true})
		for _, id := range m {
			if pairs, err := s.FindLinkPairs(ctx, id); err != nil || len(pairs) != 0 {
				t.Fatalf("pairs after replacing all with none: got %v (%v)", pairs, err)
			}
		}
	})
}

func TestSaveJudgementReplacesTheEarlierAndKeepsItInHistory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 3)
		first := &store.Judgement{A: m[1], B: m[0], Decision: "same", MadeBy: "DC Patel", Note: "same DOB and phone", MadeAt: sampleTime}
		if err := s.SaveJudgement(ctx, first); err != nil {
			t.Fatal(err)
		}
		if first.A != m[0] || first.B != m[1] {
			t.Fatalf("judgement order: got %s, %s; want the lower id first", first.A, first.B)
		}
		second := &store.Judgement{A: m[0], B: m[1], Decision: "different", MadeBy: "DS Okafor", Note: "twins"}
		if err := s.SaveJudgement(ctx, second); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindJudgements(ctx)
		if err != nil || len(got) != 1 || !cmp.Equal(got[0], *second) {
			t.Fatalf("FindJudgements: got %+v (%v), want only %+v", got, err, *second)
		}
		history, err := s.FindJudgementHistory(ctx, m[1], m[0])
		if err != nil || len(history) != 1 || !cmp.Equal(history[0].Judgement, *first) || history[0].ReplacedAt.IsZero() {
			t.Fatalf("history: got %+v (%v), want the first judgement with when it was replaced", history, err)
		}
		for _, tc := range []struct {
			field string
			j     store.Judgement
		}{
			{"decision", store.Judgement{A: m[0], B: m[2], Decision: "maybe", MadeBy: "DC Patel"}},
			{"made_by", store.Judgement{A: m[0], B: m[2], Decision: "same"}},
			{"mention_b", store.Judgement{A: m[0], B: newID(t), Decision: "same", MadeBy: "DC Patel"}},
			{"mention_a", store.Judgement{A: "M-1", B: m[2], Decision: "same", MadeBy: "DC Patel"}},
			{"mention_b", store.Judgement{A: m[2], B: m[2], Decision: "same", MadeBy: "DC Patel"}},
		} {
			wantCode(t, s.SaveJudgement(ctx, &tc.j), pole.EINVALID, tc.field)
		}
	})
}

func TestSaveJudgementsStoresAllOrNone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 3)
		js := []store.Judgement{
			{A: m[0], B: m[1], Decision: "same", MadeBy: "import"},
			{A: m[1], B: m[2], Decision: "unsure", MadeBy: "import"},
			{A: m[0], B: m[2], Decision: "perhaps", MadeBy: "import"},
		}
		err := s.SaveJudgements(ctx, js)
		wantCode(t, err, pole.EINVALID, "decision")
		if !strings.Contains(err.Error(), "judgement 3") {
			t.Fatalf("error %q does not name judgement 3", err)
		}
		if got, _ := s.FindJudgements(ctx); len(got) != 0 {
			t.Fatalf("judgements after a bad import: got %v, want none", got)
		}
		js[2].Decision = "different"
		if err := s.SaveJudgements(ctx, js); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindJudgements(ctx); len(got) != 3 {
			t.Fatalf("judgements: got %d, want 3", len(got))
		}
	})
}

func TestApplyUnmergeRestoresTheMergedEntityAndConflictsOnASecondUndo(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 5)
		model := saveModel(t, s)
		e1, e2 := person(t), person(t)
		first := store.LinkResult{
			Entities: []store.Entity{e1, e2},
			Members:  append(members(e1.ID, m[0], m[1], m[4]), members(e2.ID, m[2], m[3])...),
			Changes:  []store.EntityChange{{Kind: "create", EntityID: e1.ID}, {Kind: "create", EntityID: e2.ID}},
		}
		saveRun(t, s, model, first)
		merge := store.LinkResult{
			Members: members(e1.ID, m[2], m[3]),
			Retired: []store.Entity{{ID: e2.ID, MergedInto: e1.ID}},
			Changes: []store.EntityChange{{Kind: "merge", EntityID: e1.ID, OtherID: e2.ID, Mentions: []string{m[2], m[3]}}},
		}
		saveRun(t, s, model, merge)
		mergeID := merge.Changes[0].ID

		at := time.Now().UTC().Truncate(time.Microsecond)
		wantCode(t, firstErr(s.ApplyUnmerge(ctx, mergeID, e1.ID, store.Entity{ID: e2.ID}, []string{m[2], newID(t)}, "DS Okafor", nil, at)), pole.EINVALID, "mentions")
		if id := entityOf(t, s, m[2]); id != e1.ID {
			t.Fatalf("a failed unmerge moved a mention: %s is in %s", m[2], id)
		}
		judgement := []store.Judgement{{A: m[2], B: m[1], Note: "different fathers named"}}
		ch, err := s.ApplyUnmerge(ctx, mergeID, e1.ID, store.Entity{ID: e2.ID}, []string{m[2], m[3]}, "DS Okafor", judgement, at)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind != "unmerge" || ch.EntityID != e1.ID || ch.OtherID != e2.ID || !ch.At.Equal(at) || !slices.Equal(ch.Mentions, []string{m[2], m[3]}) {
			t.Fatalf("unmerge change: got %+v", ch)
		}
		for _, id := range m[2:4] {
			if got := entityOf(t, s, id); got != e2.ID {
				t.Fatalf("mention %s: in %s, want it back in %s", id, got, e2.ID)
			}
		}
		if e, err := s.FindEntity(ctx, e2.ID); err != nil || !e.RetiredAt.IsZero() || e.MergedInto != "" {
			t.Fatalf("restored entity: got %+v (%v), want it live again", e, err)
		}
		if undone, err := s.FindEntityChange(ctx, mergeID); err != nil || undone.UndoneBy != ch.ID {
			t.Fatalf("undone change: got %+v (%v), want undone by %s", undone, err, ch.ID)
		}
		js, err := s.FindJudgements(ctx)
		want := store.Judgement{A: min(m[1], m[2]), B: max(m[1], m[2]), Decision: "different", MadeBy: "DS Okafor", Note: "different fathers named", MadeAt: at}
		if err != nil || len(js) != 1 || !cmp.Equal(js[0], want) {
			t.Fatalf("judgements: got %+v (%v), want %+v", js, err, want)
		}
		changes, _ := s.FindEntityChanges(ctx, e1.ID)
		var kinds []string
		for _, c := range changes {
			kinds = append(kinds, c.Kind)
		}
		if !slices.Equal(kinds, []string{"create", "merge", "unmerge"}) {
			t.Fatalf("changes of %s: got %v, want create, merge, unmerge", e1.ID, kinds)
		}

		_, err = s.ApplyUnmerge(ctx, mergeID, e1.ID, store.Entity{ID: e2.ID}, []string{m[0]}, "DC Patel", nil, at)
		wantCode(t, err, pole.ECONFLICT, "")
		if id := entityOf(t, s, m[0]); id != e1.ID {
			t.Fatalf("a second undo moved a mention: %s is in %s", m[0], id)
		}

		// Moving every mention out into a new entity retires the old one.
		split, err := s.ApplyUnmerge(ctx, first.Changes[0].ID, e1.ID, store.Entity{}, []string{m[0], m[1], m[4]}, "DC Patel", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := s.FindEntity(ctx, split.OtherID)
		if err != nil || fresh.Kind != "person" || fresh.CreatedByRun != "" {
			t.Fatalf("new entity: got %+v (%v), want a person made by no run", fresh, err)
		}
		if ids, _ := s.EntityMentions(ctx, split.OtherID); !slices.Equal(ids, []string{m[0], m[1], m[4]}) {
			t.Fatalf("mentions of the new entity: got %v", ids)
		}
		if old, _ := s.FindEntity(ctx, e1.ID); old.RetiredAt.IsZero() || old.MergedInto != split.OtherID {
			t.Fatalf("emptied entity: got %+v, want retired into %s", old, split.OtherID)
		}
		_, err = s.ApplyUnmerge(ctx, newID(t), e1.ID, store.Entity{}, []string{m[0]}, "DC Patel", nil, at)
		wantCode(t, err, pole.ENOTFOUND, "")
	})
}

func firstErr[T any](_ T, err error) error { return err }

func TestUpsertObjectEntitiesGivesAKeyTheSameIDEveryTime(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		first, err := s.UpsertObjectEntities(ctx, "phone", []string{"+447700900123", "+447700900456", "+447700900123"})
		if err != nil || len(first) != 2 {
			t.Fatalf("first upsert: got %v (%v), want two ids", first, err)
		}
		second, err := s.UpsertObjectEntities(ctx, "phone", []string{"+447700900456", "+447700900789"})
		if err != nil || len(second) != 2 {
			t.Fatalf("second upsert: got %v (%v), want two ids", second, err)
		}
		if second["+447700900456"] != first["+447700900456"] {
			t.Fatalf("a key got a new id: %s then %s", first["+447700900456"], second["+447700900456"])
		}
		if second["+447700900789"] == "" || second["+447700900789"] == first["+447700900123"] {
			t.Fatalf("a new key got id %q", second["+447700900789"])
		}
		car, err := s.UpsertObjectEntities(ctx, "vehicle", []string{"+447700900123"})
		if err != nil || car["+447700900123"] == first["+447700900123"] {
			t.Fatalf("the same key of another kind: got %v (%v), want an entity of its own", car, err)
		}
		e, err := s.FindEntity(ctx, first["+447700900123"])
		if err != nil || e.Kind != "phone" || e.Key != "+447700900123" {
			t.Fatalf("FindEntity: got %+v (%v)", e, err)
		}
		_, err = s.UpsertObjectEntities(ctx, "person", []string{"x"})
		wantCode(t, err, pole.EINVALID, "kind")
		_, err = s.UpsertObjectEntities(ctx, "place", []string{"BD1 1AA|12", ""})
		wantCode(t, err, pole.EINVALID, "key")
	})
}

func TestReviewPairsPutsTheMostUncertainFirstAndSkipsJudgedPairs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		m := storeMentions(t, s, 4)
		model := saveModel(t, s)
		review := func(a, b string, p float64) store.LinkPair {
			return store.LinkPair{A: a, B: b, Probability: p, Band: "review"}
		}
		link := review(m[0], m[2], 0.5)
		link.Band = "link"
		saveRun(t, s, model, store.LinkResult{ReplaceAllPairs: true, Pairs: []store.LinkPair{
			review(m[0], m[3], 0.9), review(m[1], m[2], 0.3), review(m[0], m[1], 0.5), review(m[2], m[3], 0.65), review(m[1], m[3], 0.1), link,
		}})
		if err := s.SaveJudgement(ctx, &store.Judgement{A: m[2], B: m[3], Decision: "unsure", MadeBy: "DC Patel"}); err != nil {
			t.Fatal(err)
		}
		all, err := s.ReviewPairs(ctx, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		for _, p := range all {
			got = append(got, p.Probability)
		}
		if want := []float64{0.5, 0.3, 0.9, 0.1}; !slices.Equal(got, want) {
			t.Fatalf("review queue: got probabilities %v, want %v", got, want)
		}
		top, err := s.ReviewPairs(ctx, 2, nil)
		if err != nil || len(top) != 2 || top[0] != all[0] || top[1] != all[1] {
			t.Fatalf("first two: got %v (%v), want %v", top, err, all[:2])
		}
	})
}

func TestScanMentionsReturnsEveryMentionInIDOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		if _, err := s.LoadMentions(ctx, mentionsOf(src, 700, nil)); err != nil {
			t.Fatal(err)
		}
		odd := sampleMention(src, nil, "N-ODD", pole.RoleWitness)
		odd.Aliases = []string{`O"Brien`, "a, b] [c", "Zoë 'Z'", `back\slash`, "tab\there", ""}
		odd.Vulnerabilities = []string{"looked_after", "missing_episodes"}
		if err := s.CreateMention(ctx, odd); err != nil {
			t.Fatal(err)
		}
		stored, n, err := s.FindMentions(ctx, pole.MentionFilter{})
		if err != nil || n != 701 {
			t.Fatalf("FindMentions: %d (%v)", n, err)
		}
		scanned := collect(t, s.ScanMentions(ctx))
		if diff := cmp.Diff(stored, scanned); diff != "" {
			t.Fatalf("scanned mentions differ (-stored +scanned):\n%s", diff)
		}
		if i := slices.IndexFunc(scanned, func(m *pole.Mention) bool { return m.ID == odd.ID }); i < 0 || !cmp.Equal(scanned[i], odd) {
			t.Fatalf("a mention with quotes, brackets and escapes in its lists differs:\n%s", cmp.Diff(odd, scanned[i]))
		}

		since := time.Now()
		if got := collect(t, s.ScanMentionsChangedSince(ctx, since)); len(got) != 0 {
			t.Fatalf("changed since now: got %d mentions, want none", len(got))
		}
		changed := stored[123]
		if changed.ID == odd.ID {
			changed = stored[124]
		}
		changed.Forename = "Mo"
		if err := s.UpdateMention(ctx, changed); err != nil {
			t.Fatal(err)
		}
		later := addSource(t, s, "west-yorkshire")
		added := sampleMention(later, nil, "N-900", pole.RoleVictim)
		if err := s.CreateMention(ctx, added); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range collect(t, s.ScanMentionsChangedSince(ctx, since)) {
			ids = append(ids, m.ID)
		}
		want := []string{changed.ID, added.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("changed since: got %v, want the updated and the added mention %v", ids, want)
		}
	})
}

func collect(t *testing.T, seq iter.Seq2[*pole.Mention, error]) []*pole.Mention {
	t.Helper()
	var out []*pole.Mention
	for m, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestMentionSourcesLabelsEachSourceByForceAndFile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		a := addSource(t, s, "west-yorkshire")
		b := addSource(t, s, "lancashire")
		got, err := s.MentionSources(ctx)
		want := map[string]string{a.ID: "west-yorkshire/west-yorkshire-cases.csv", b.ID: "lancashire/lancashire-cases.csv"}
		if err != nil || !cmp.Equal(got, want) {
			t.Fatalf("MentionSources: got %v (%v), want %v", got, err, want)
		}
	})
}

func TestLinkageLookupsOfUnknownIDsAreNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		for _, id := range []string{"", "42", newID(t)} {
			_, err := s.FindEntity(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.EntityMentions(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.EntityOfMention(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.FindEntityChange(ctx, id)
			wantCode(t, err, pole.ENOTFOUND, "")
			_, err = s.FindLinkPair(ctx, id, newID(t))
			wantCode(t, err, pole.ENOTFOUND, "")
		}
		_, err := s.FindEntityChanges(ctx, "42")
		wantCode(t, err, pole.EINVALID, "entity_id")
		_, err = s.FindLinkPairs(ctx, "42")
		wantCode(t, err, pole.EINVALID, "mention_id")
	})
}

// loadBenchMentions stores n mentions, four to a case, and returns their ids.
func loadBenchMentions(b *testing.B, s *store.Store, n int) []string {
	b.Helper()
	src, caseIDs := benchSourceAndCases(b, s, n)
	ids := make([]string, 0, n)
	if _, err := s.LoadMentions(ctx, func(yield func(*pole.Mention, error) bool) {
		for m, err := range benchMentions(src, caseIDs, n) {
			m.ID = newID(b)
			ids = append(ids, m.ID)
			if !yield(m, err) {
				return
			}
		}
	}); err != nil {
		b.Fatal(err)
	}
	return ids
}

// firstRun is what linkage's first run over the mentions writes: people of
// three mentions each, drawn from anywhere in the store, each with its
// create change and two scored pairs.
func firstRun(b *testing.B, mentions []string) store.LinkResult {
	shuffled := slices.Clone(mentions)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	res := store.LinkResult{ReplaceAllPairs: true}
	for start := 0; start < len(shuffled); start += 3 {
		group := shuffled[start:min(len(shuffled), start+3)]
		e := store.Entity{ID: newID(b), Kind: "person"}
		res.Entities = append(res.Entities, e)
		res.Members = append(res.Members, members(e.ID, group...)...)
		res.Changes = append(res.Changes, store.EntityChange{Kind: "create", EntityID: e.ID, Mentions: group, Reason: "cluster"})
		for i := 1; i < len(group); i++ {
			res.Pairs = append(res.Pairs, store.LinkPair{A: group[i-1], B: group[i], Weight: 12.5, Probability: 0.998, Levels: "3,3,2,0,1", Band: "link"})
		}
	}
	return res
}

func benchmarkSaveLinkRun(b *testing.B, open func(testing.TB) *store.Store) {
	n := benchRows(b)
	var rows int
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		res := firstRun(b, loadBenchMentions(b, s, n))
		rows = len(res.Entities) + len(res.Members) + len(res.Changes) + len(res.Pairs)
		model := &store.LinkModel{Params: []byte(`{}`)}
		if err := s.SaveLinkModel(ctx, model); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, res); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSaveLinkRun* time a first run over benchRows mentions: a
// membership for each, an entity and a create change for each three, and
// two pairs for each entity; rows/s counts all four.
func BenchmarkSaveLinkRunSQLite(b *testing.B)   { benchmarkSaveLinkRun(b, openSQLite) }
func BenchmarkSaveLinkRunPostgres(b *testing.B) { benchmarkSaveLinkRun(b, openPostgres) }

func benchmarkScanMentions(b *testing.B, open func(testing.TB) *store.Store) {
	n := benchRows(b)
	s := open(b)
	loadBenchMentions(b, s, n)
	for b.Loop() {
		got := 0
		for _, err := range s.ScanMentions(ctx) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatalf("scanned %d mentions, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkScanMentionsSQLite(b *testing.B)   { benchmarkScanMentions(b, openSQLite) }
func BenchmarkScanMentionsPostgres(b *testing.B) { benchmarkScanMentions(b, openPostgres) }

func benchmarkEntityMembers(b *testing.B, open func(testing.TB) *store.Store) {
	n := benchRows(b)
	s := open(b)
	res := firstRun(b, loadBenchMentions(b, s, n))
	res.Changes, res.Pairs = nil, nil
	model := &store.LinkModel{Params: []byte(`{}`)}
	if err := s.SaveLinkModel(ctx, model); err != nil {
		b.Fatal(err)
	}
	if err := s.SaveLinkRun(ctx, &store.LinkRun{ModelID: model.ID}, res); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		got, err := s.EntityMembers(ctx)
		if err != nil || len(got) != n {
			b.Fatalf("EntityMembers: %d (%v), want %d", len(got), err, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkEntityMembersSQLite(b *testing.B)   { benchmarkEntityMembers(b, openSQLite) }
func BenchmarkEntityMembersPostgres(b *testing.B) { benchmarkEntityMembers(b, openPostgres) }

func TestEnsureObjectEntitiesCreatesOnlyKeysNotYetStored(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		n, err := s.EnsureObjectEntities(ctx, "place", []string{"BD11 1HA|12", "LS6 3NG|"})
		if err != nil || n != 2 {
			t.Fatalf("first: created %d (%v), want 2", n, err)
		}
		n, err = s.EnsureObjectEntities(ctx, "place", []string{"BD11 1HA|12", "LS6 3NG|", "S40 1AA|3"})
		if err != nil || n != 1 {
			t.Fatalf("second: created %d (%v), want only the new key", n, err)
		}
		ids, err := s.UpsertObjectEntities(ctx, "place", []string{"S40 1AA|3"})
		if err != nil || ids["S40 1AA|3"] == "" {
			t.Fatalf("the ensured key has no entity: %v (%v)", ids, err)
		}
		_, err = s.EnsureObjectEntities(ctx, "place", []string{""})
		wantCode(t, err, pole.EINVALID, "key")
	})
}

func TestScanLinkageFieldsInPartsReturnsEveryMentionOnceWithVictimsOpened(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		if _, err := s.LoadMentions(ctx, mentionsOf(src, 900, nil)); err != nil {
			t.Fatal(err)
		}
		c := sampleCase(src, "WY-CASE-1")
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		victim := secretVictim(src, c, "V-1")
		if err := s.CreateMention(ctx, victim); err != nil {
			t.Fatal(err)
		}
		want := collect(t, s.ScanMentions(ctx))
		const parts = 3
		var mu sync.Mutex
		got := map[string]*pole.Mention{}
		used := map[int]bool{}
		err := s.ScanLinkageFieldsInParts(ctx, parts, func(k int, m *pole.Mention) error {
			mu.Lock()
			defer mu.Unlock()
			if k < 0 || k >= parts {
				t.Errorf("part %d of %d", k, parts)
			}
			if _, dup := got[m.ID]; dup {
				t.Errorf("mention %s given twice", m.ID)
			}
			got[m.ID], used[k] = m, true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d mentions, want %d", len(got), len(want))
		}
		for _, m := range want {
			// The fields linkage reads, and only those.
			fields := pole.Mention{ID: m.ID, RecordID: m.RecordID, CaseID: m.CaseID, Provenance: pole.Provenance{SourceID: m.SourceID},
				Forename: m.Forename, MiddleNames: m.MiddleNames, Surname: m.Surname, NameAsWritten: m.NameAsWritten,
				Aliases: m.Aliases, DOB: m.DOB, Sex: m.Sex, Addresses: m.Addresses, Phones: m.Phones, Vehicles: m.Vehicles,
				Version: m.Version, UpdatedAt: m.UpdatedAt}
			if !cmp.Equal(got[m.ID], &fields) {
				t.Fatalf("mention %s differs from ScanMentions':\n%s", m.ID, cmp.Diff(&fields, got[m.ID]))
			}
		}
		if v := got[victim.ID]; v == nil || v.Surname != "Vantablackstone" || v.CaseID != c.ID {
			t.Errorf("the victim's identity is not opened, or its case not read: %+v", v)
		}
		if s.Engine() == "sqlite" && len(used) != parts {
			t.Errorf("SQLite read %d parts, want %d", len(used), parts)
		}

		stop := errors.New("stop here")
		if err := s.ScanLinkageFieldsInParts(ctx, parts, func(int, *pole.Mention) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("a callback's error: got %v, want it returned", err)
		}
	})
}
