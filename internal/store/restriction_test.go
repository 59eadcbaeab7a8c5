package store_test

import (
	"slices"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

func TestACaseKeptToATeamIsLeftOutOfOtherReadersQueries(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		src := addSource(t, s, "west-yorkshire")
		open, kept := sampleCase(src, "13/1/11"), sampleCase(src, "13/2/11")
		for _, c := range []*pole.Case{open, kept} {
			if err := s.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		suspect := sampleMention(src, kept, "S-KEPT", pole.RoleSuspect)
		if err := s.CreateMention(ctx, suspect); err != nil {
			t.Fatal(err)
		}
		if err := s.RestrictCase(ctx, kept.ID, "op-oak", "sup"); err != nil {
			t.Fatal(err)
		}
		if team, err := s.CaseTeam(ctx, kept.ID); err != nil || team != "op-oak" {
			t.Fatalf("CaseTeam: %q (%v)", team, err)
		}
		ids := func(r *pole.Reach) []string {
			list, n, err := s.FindCases(ctx, pole.CaseFilter{Reach: r})
			if err != nil || n != len(list) {
				t.Fatalf("FindCases: %d of %d (%v)", len(list), n, err)
			}
			var out []string
			for _, c := range list {
				out = append(out, c.CrimeRef)
			}
			return out
		}
		if got := ids(&pole.Reach{}); !slices.Equal(got, []string{"13/1/11"}) {
			t.Errorf("a reader in no team sees %v, want only the open case", got)
		}
		if got := ids(&pole.Reach{Teams: []string{"op-elm", "op-oak"}}); len(got) != 2 {
			t.Errorf("a member of op-oak sees %v, want both", got)
		}
		if got := ids(&pole.Reach{Forces: []string{"lancashire"}, Teams: []string{"op-oak"}}); len(got) != 0 {
			t.Errorf("another force's member of op-oak sees %v, want none", got)
		}
		if got := ids(nil); len(got) != 2 {
			t.Errorf("the system's own query sees %v, want both", got)
		}
		people, _, err := s.FindMentions(ctx, pole.MentionFilter{Surname: "Hussain", Reach: &pole.Reach{Teams: []string{"op-elm"}}})
		if err != nil || len(people) != 0 {
			t.Errorf("a search outside the team found %d people of the kept case (%v)", len(people), err)
		}
		hidden, err := s.RestrictedMentions(ctx, []string{"op-elm"})
		if err != nil || !hidden[suspect.ID] || len(hidden) != 1 {
			t.Errorf("RestrictedMentions: %v (%v), want the kept case's suspect", hidden, err)
		}
		if hidden, _ := s.RestrictedMentions(ctx, []string{"op-oak"}); len(hidden) != 0 {
			t.Errorf("RestrictedMentions for the team: %v, want none", hidden)
		}
		if err := s.RestrictCase(ctx, kept.ID, "", "sup"); err != nil {
			t.Fatal(err)
		}
		if got := ids(&pole.Reach{}); len(got) != 2 {
			t.Errorf("after the restriction is lifted a reader sees %v, want both", got)
		}
		wantCode(t, s.RestrictCase(ctx, "01a21d8d-0000-7000-8000-000000000000", "op-oak", "sup"), pole.EINVALID, "case_id")
	})
}
