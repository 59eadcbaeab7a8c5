package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review/reviewtest"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// scoresOf yields scores for SaveTriage.
func scoresOf(list ...store.TriageScore) func(func(store.TriageScore, error) bool) {
	return func(yield func(store.TriageScore, error) bool) {
		for _, t := range list {
			if !yield(t, nil) {
				return
			}
		}
	}
}

func TestACaseIsReferredOnceAndAReviewUpdateNamesTheVersionItRead(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		hc := reviewtest.NewCase(t, s, "west-yorkshire", reviewtest.CaseOptions{})
		r := &pole.Review{CaseID: hc.C.ID, ReferredBy: "sup"}
		if err := s.CreateReview(ctx, r); err != nil || r.State != pole.ReviewReferred || r.Version != 1 || r.Force != "west-yorkshire" {
			t.Fatalf("create: %+v (%v)", r, err)
		}
		if err := s.CreateReview(ctx, &pole.Review{CaseID: hc.C.ID, ReferredBy: "sup"}); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("a second referral: got %v, want ECONFLICT", err)
		}
		if err := s.CreateReview(ctx, &pole.Review{CaseID: newID(t), ReferredBy: "sup"}); pole.ErrorField(err) != "case_id" {
			t.Fatalf("a case not stored: got %v, want EINVALID on case_id", err)
		}
		stale := *r
		r.State, r.Checklist = pole.ReviewTriaged, map[string]pole.ChecklistAnswer{"suspect_interviewed": {Answer: pole.CheckNotDone, Note: "none on file"}}
		if err := s.UpdateReview(ctx, r, store.ReviewChange{Transition: &pole.Transition{From: pole.ReviewReferred, To: pole.ReviewTriaged, By: "rev"}}); err != nil || r.Version != 2 {
			t.Fatalf("update: %+v (%v)", r, err)
		}
		stale.State = pole.ReviewUnderReview
		if err := s.UpdateReview(ctx, &stale, store.ReviewChange{}); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("an update of version 1 after version 2: got %v, want ECONFLICT", err)
		}
		if err := s.UpdateReview(ctx, &pole.Review{ID: newID(t), Version: 1}, store.ReviewChange{}); pole.ErrorCode(err) != pole.ENOTFOUND {
			t.Fatalf("an update of no review: got %v, want ENOTFOUND", err)
		}
		got, err := s.FindReviewByID(ctx, r.ID)
		if err != nil || got.State != pole.ReviewTriaged || got.Checklist["suspect_interviewed"].Note != "none on file" || got.CrimeRef != hc.C.CrimeRef {
			t.Fatalf("read back: %+v (%v)", got, err)
		}
		hist, err := s.FindTransitions(ctx, r.ID)
		if err != nil || len(hist) != 2 || hist[0].To != pole.ReviewReferred || hist[1].To != pole.ReviewTriaged {
			t.Fatalf("history: %+v (%v)", hist, err)
		}
	})
}

func TestSaveTriageMovesReferredReviewsAndWritesOnlyChangedScores(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		var cases []string
		for range 3 {
			cases = append(cases, reviewtest.NewCase(t, s, "west-yorkshire", reviewtest.CaseOptions{}).C.ID)
		}
		ids, err := s.CreateReviews(ctx, cases, "sup", "bulk")
		if err != nil || len(ids) != 3 {
			t.Fatalf("refer: %v (%v)", ids, err)
		}
		if again, err := s.CreateReviews(ctx, cases, "sup", "bulk"); err != nil || len(again) != 0 {
			t.Fatalf("refer again: %v (%v), want none", again, err)
		}
		reasons, _ := json.Marshal([]map[string]any{{"rule": "child_victim", "weight": 4}})
		var list []store.TriageScore
		for i, id := range ids {
			list = append(list, store.TriageScore{ReviewID: id, Score: 10 * i, RulesVersion: "v1", Reasons: reasons})
		}
		scored, promoted, err := s.SaveTriage(ctx, ids, scoresOf(list...), "analyst")
		if err != nil || scored != 3 || promoted != 3 {
			t.Fatalf("first triage: %d scored, %d moved (%v)", scored, promoted, err)
		}
		first, err := s.FindTriage(ctx, ids[2])
		if err != nil || first.Score != 20 {
			t.Fatalf("score: %+v (%v)", first, err)
		}
		before, _ := s.FindTriage(ctx, ids[0])
		time.Sleep(2 * time.Millisecond)
		// The same scores again write nothing; a changed one is written.
		list[2].Score = 25
		if scored, promoted, err := s.SaveTriage(ctx, ids, scoresOf(list...), "analyst"); err != nil || scored != 3 || promoted != 0 {
			t.Fatalf("second triage: %d scored, %d moved (%v)", scored, promoted, err)
		}
		unchanged, _ := s.FindTriage(ctx, ids[0])
		changed, _ := s.FindTriage(ctx, ids[2])
		if changed.Score != 25 || !unchanged.ScoredAt.Equal(before.ScoredAt) || !changed.ScoredAt.After(before.ScoredAt) {
			t.Fatalf("after the second triage: %+v, %+v", unchanged, changed)
		}
		ranked, n, err := s.FindReviews(ctx, pole.ReviewFilter{ByScore: true})
		if err != nil || n != 3 || ranked[0].ID != ids[2] || ranked[0].Score != 25 || ranked[0].State != pole.ReviewTriaged {
			t.Fatalf("by score: %+v (%v)", ranked, err)
		}
		hist, _ := s.FindTransitions(ctx, ids[1])
		if len(hist) != 2 || hist[1].By != "analyst" || !pole.IsID(hist[1].ID) || hist[1].ID == hist[0].ID {
			t.Fatalf("history: %+v", hist)
		}
		// A bad score undoes the whole run.
		bad := append(slices.Clone(list), store.TriageScore{ReviewID: "nope", RulesVersion: "v2"})
		bad[0].Score = 99
		if _, _, err := s.SaveTriage(ctx, ids, scoresOf(bad...), "analyst"); pole.ErrorField(err) != "review_id" {
			t.Fatalf("a bad id: got %v, want EINVALID on review_id", err)
		}
		if kept, _ := s.FindTriage(ctx, ids[0]); kept.Score != 0 {
			t.Fatalf("a failed run changed a score to %d", kept.Score)
		}
	})
}

func TestTheQueueKeepsToTheReachInsideTheQuery(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		wy := reviewtest.InState(t, s, reviewtest.NewCase(t, s, "west-yorkshire", reviewtest.CaseOptions{}).C.ID, pole.ReviewTriaged, time.Now())
		reviewtest.InState(t, s, reviewtest.NewCase(t, s, "lancashire", reviewtest.CaseOptions{}).C.ID, pole.ReviewTriaged, time.Now())
		kept := reviewtest.InState(t, s, reviewtest.NewCase(t, s, "west-yorkshire", reviewtest.CaseOptions{}).C.ID, pole.ReviewTriaged, time.Now())
		if err := s.RestrictCase(ctx, kept.CaseID, "op-oak", "sup"); err != nil {
			t.Fatal(err)
		}
		list, n, err := s.FindReviews(ctx, pole.ReviewFilter{Reach: &pole.Reach{Forces: []string{"west-yorkshire"}}})
		if err != nil || n != 1 || list[0].ID != wy.ID {
			t.Fatalf("a West Yorkshire reader outside op-oak: %d %+v (%v)", n, list, err)
		}
		_, n, err = s.FindReviews(ctx, pole.ReviewFilter{Reach: &pole.Reach{Forces: []string{"west-yorkshire"}, Teams: []string{"op-oak"}}})
		if err != nil || n != 2 {
			t.Fatalf("a West Yorkshire reader in op-oak: %d (%v), want 2", n, err)
		}
	})
}

func TestActionsVictimUpdatesAndInterestsKeepTheirRules(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		a := reviewtest.ActionIn(t, s, reviewtest.NewCase(t, s, "west-yorkshire", reviewtest.CaseOptions{}).C.ID, pole.ActionRaised, now)
		if err := s.CreateAction(ctx, &pole.Action{ReviewID: a.ReviewID, Force: "west-yorkshire", Title: "x", Due: pole.YearOnly(2027)}); pole.ErrorField(err) != "due" {
			t.Fatalf("an action due in a year, not a day: got %v, want EINVALID on due", err)
		}
		stale := *a
		a.State, a.Owner = pole.ActionAllocated, "dc-ash"
		if err := s.UpdateAction(ctx, a); err != nil {
			t.Fatal(err)
		}
		stale.State = pole.ActionFiled
		if err := s.UpdateAction(ctx, &stale); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("a stale action update: got %v, want ECONFLICT", err)
		}
		overdue, err := s.FindActions(ctx, pole.ActionFilter{OverdueOn: pole.Date(2027, 1, 9)})
		if err != nil || len(overdue) != 1 || overdue[0].ID != a.ID {
			t.Fatalf("overdue on 2027-01-09: %+v (%v)", overdue, err)
		}
		if early, _ := s.FindActions(ctx, pole.ActionFilter{OverdueOn: pole.Date(2027, 1, 8)}); len(early) != 0 {
			t.Fatalf("overdue on its due day: %+v", early)
		}
		updates, err := s.FindVictimUpdates(ctx, pole.VictimUpdateFilter{ReviewID: a.ReviewID})
		if err != nil || len(updates) != 1 || updates[0].Pseudonym == "" {
			t.Fatalf("victim updates: %+v (%v)", updates, err)
		}
		u := updates[0]
		if late, _ := s.FindVictimUpdates(ctx, pole.VictimUpdateFilter{OverdueAt: u.Deadline.Add(time.Second)}); len(late) != 1 {
			t.Fatalf("overdue after the deadline: %+v", late)
		}
		if err := s.MarkVictimTold(ctx, u.ID, now.Add(time.Hour), "dc-ash", "phone"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkVictimTold(ctx, u.ID, now.Add(2*time.Hour), "dc-ash", "phone"); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("told twice: got %v, want ECONFLICT", err)
		}
		if err := s.MarkVictimTold(ctx, newID(t), now, "dc-ash", "phone"); pole.ErrorCode(err) != pole.ENOTFOUND {
			t.Fatalf("an update not stored: got %v, want ENOTFOUND", err)
		}
		in := &pole.Interest{Kind: "phone", Key: "+447700900123", Force: "west-yorkshire", UserID: newID(t), Login: "dc-ash"}
		if others, err := s.CreateInterest(ctx, in); err != nil || len(others) != 0 {
			t.Fatalf("the first interest: %v (%v)", others, err)
		}
		if _, err := s.CreateInterest(ctx, &pole.Interest{Kind: "phone", Key: "+447700900123", Force: "west-yorkshire", UserID: newID(t), Login: "dc-oak"}); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("the same force again: got %v, want ECONFLICT", err)
		}
		others, err := s.CreateInterest(ctx, &pole.Interest{Kind: "phone", Key: "+447700900123", Force: "national", UserID: newID(t), Login: "na"})
		if err != nil || len(others) != 1 || others[0].Force != "west-yorkshire" {
			t.Fatalf("the national team's interest: %v (%v)", others, err)
		}
		if err := s.SaveTriageRules(ctx, "v1", map[string]int{"a": 1}, "x"); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveTriageRules(ctx, "v1", map[string]int{"a": 2}, "x"); pole.ErrorCode(err) != pole.ECONFLICT {
			t.Fatalf("other weights under a saved version: got %v, want ECONFLICT", err)
		}
		if v, w, err := s.LatestTriageRules(ctx); err != nil || v != "v1" || w["a"] != 1 {
			t.Fatalf("latest rules: %s %v (%v)", v, w, err)
		}
	})
}
