package ingest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

var ctx = context.Background()

// loadOrder is the order a force's layouts must be loaded in: people and
// cases before the links and events that name them.
var loadOrder = []string{"", "-nominal_index", "-case_list", "-link_table", "-person_events"}

// ingestForce loads every export of one synthetic force.
func ingestForce(t *testing.T, s *store.Store, out, force string) []*Report {
	t.Helper()
	var reps []*Report
	for _, suffix := range loadOrder {
		prof := filepath.Join(out, "profiles", force+suffix+".toml")
		if _, err := os.Stat(prof); err != nil {
			continue
		}
		p, err := LoadProfile(prof)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(out, "exports", force, "*"))
		for _, f := range files {
			if !p.Matches(f) {
				continue
			}
			rep, err := Ingest(ctx, s, p, f, Options{LoadedBy: "test"})
			if err != nil {
				t.Fatalf("ingest %s: %v", f, err)
			}
			reps = append(reps, rep)
		}
	}
	return reps
}

func TestIngestStoresEveryForceAndQuarantinesOnlyThePlantedDefects(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	defects := map[string]int{}
	for k := range plantedDefects(t, out) {
		defects[k.file]++
	}
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		for _, force := range []string{"west-yorkshire", "lancashire", "west-midlands", "greater-manchester", "south-yorkshire"} {
			// People of a nominal index kept out for their defects: the
			// links and events that name them cannot be taken either.
			keptOut := map[string]bool{}
			for _, rep := range ingestForce(t, s, out, force) {
				rel := force + "/" + filepath.Base(rep.File)
				q, err := s.FindQuarantine(ctx, rep.Source.ID)
				if err != nil {
					t.Fatal(err)
				}
				followOn := 0
				for _, row := range q {
					if strings.HasSuffix(rel, "_nominal_index.csv") {
						ref, _, _ := strings.Cut(row.Raw, ",")
						keptOut[ref] = true
					}
					if strings.Contains(row.Reason, "is not stored") {
						if !keptOut[row.Value] {
							t.Errorf("%s row %d: %s, though that person was never kept out", rel, row.SourceRow, row.Reason)
						}
						followOn++
					}
				}
				if rep.Quarantined != defects[rel]+followOn {
					t.Errorf("%s: %d rows quarantined, want the %d planted and %d that name them", rel, rep.Quarantined, defects[rel], followOn)
				}
				if rep.Warnings+rep.Repairs != 0 {
					t.Errorf("%s: %d warnings and %d repairs in clean data", rel, rep.Warnings, rep.Repairs)
				}
				for _, row := range q {
					if row.Raw == "" || row.Reason == "" || row.Field == "" {
						t.Errorf("%s row %d: quarantined without its raw row, field or reason: %+v", rel, row.SourceRow, row)
					}
				}
				_, people, _ := s.FindMentions(ctx, pole.MentionFilter{SourceID: rep.Source.ID, Limit: 1})
				if strings.HasSuffix(rel, ".csv") || strings.HasSuffix(rel, ".tsv") {
					if rep.Counts.Mentions > 0 && people != rep.Rows-rep.Quarantined {
						t.Errorf("%s: %d people stored from %d rows with %d quarantined", rel, people, rep.Rows, rep.Quarantined)
					}
				}
			}
		}
		// Every link of the nominal force found its case and its person.
		_, cases, _ := s.FindCases(ctx, pole.CaseFilter{Force: "south-yorkshire", Limit: 1})
		if cases == 0 {
			t.Fatal("no South Yorkshire cases stored")
		}
	})
}

func TestIngestOfTheSameFileTwiceChangesNothing(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		first := ingestForce(t, s, out, "west-midlands")
		_, before, _ := s.FindMentions(ctx, pole.MentionFilter{Limit: 1})
		again := ingestForce(t, s, out, "west-midlands")
		_, after, _ := s.FindMentions(ctx, pole.MentionFilter{Limit: 1})
		if !again[0].AlreadyLoaded || again[0].Source.ID != first[0].Source.ID || before != after {
			t.Fatalf("second ingest: already loaded %v, source %s (first %s), people %d then %d",
				again[0].AlreadyLoaded, again[0].Source.ID, first[0].Source.ID, before, after)
		}
	})
}

func TestANewerExportUpdatesWhatChangedKeepsHistoryAndDuplicatesNothing(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		first := ingestForce(t, s, out, "west-yorkshire")[0]
		_, cases, _ := s.FindCases(ctx, pole.CaseFilter{Limit: 1})
		_, people, _ := s.FindMentions(ctx, pole.MentionFilter{Limit: 1})
		_, events, _ := s.FindEvents(ctx, pole.EventFilter{Limit: 1})

		// The newer export: one case's outcome changed on every row of it,
		// and one person's surname corrected.
		src := filepath.Join(out, "exports", "west-yorkshire", "wy_occurrence_nominals.csv")
		b, _ := os.ReadFile(src)
		banner, body, _ := strings.Cut(string(b), "\n")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := func(name string) int { return slices.Index(rows[0], name) }
		ref, outcome, surname, personRef := col("OccurrenceRef"), col("OutcomeCode"), col("Surname"), col("PersonRef")
		target, changed := rows[1][ref], "21"
		if rows[1][outcome] == changed {
			changed = "16"
		}
		for _, r := range rows[1:] {
			if r[ref] == target {
				r[outcome] = changed
			}
		}
		// A suspect's or witness's: a victim's surname is sealed.
		role := col("Role")
		fix := slices.IndexFunc(rows[1:], func(r []string) bool { return r[ref] != target && r[role] != "VICTIM" }) + 1
		rows[fix][surname] = rows[fix][surname] + "-Corrected"
		var buf strings.Builder
		buf.WriteString(banner + "\n")
		w := csv.NewWriter(&buf)
		w.WriteAll(rows)
		newer := filepath.Join(t.TempDir(), "wy_occurrence_nominals.csv")
		if err := os.WriteFile(newer, []byte(buf.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		p, _ := LoadProfile(filepath.Join(out, "profiles", "west-yorkshire.toml"))
		rep, err := Ingest(ctx, s, p, newer, Options{LoadedBy: "test"})
		if err != nil {
			t.Fatal(err)
		}
		c := rep.Counts
		if c.Cases != 0 || c.Mentions != 0 || c.Events != 0 || c.CasesUpdated != 1 || c.MentionsUpdated != 1 {
			t.Fatalf("newer export: %+v, want one case and one person updated and nothing new", c)
		}
		if rep.UnchangedCases == 0 || rep.UnchangedPeople == 0 {
			t.Fatalf("newer export: %d cases and %d people unchanged, want the rest", rep.UnchangedCases, rep.UnchangedPeople)
		}
		_, cases2, _ := s.FindCases(ctx, pole.CaseFilter{Limit: 1})
		_, people2, _ := s.FindMentions(ctx, pole.MentionFilter{Limit: 1})
		_, events2, _ := s.FindEvents(ctx, pole.EventFilter{Limit: 1})
		if cases2 != cases || people2 != people || events2 != events {
			t.Fatalf("counts went from %d/%d/%d to %d/%d/%d: something was duplicated", cases, people, events, cases2, people2, events2)
		}
		list, _, _ := s.FindCases(ctx, pole.CaseFilter{Force: "west-yorkshire", CrimeRef: target})
		now := list[0]
		if fmt.Sprint(now.OutcomeType) != changed || now.Version != 2 || now.SourceID != rep.Source.ID {
			t.Fatalf("updated case: outcome %d version %d source %s", now.OutcomeType, now.Version, now.SourceID)
		}
		hist, err := s.FindHistory(ctx, "case", now.ID)
		if err != nil || len(hist) != 1 || hist[0].Version != 1 || hist[0].SourceID != first.Source.ID || hist[0].ReplacedBy != rep.Source.ID {
			t.Fatalf("history: %+v (%v)", hist, err)
		}
		var was pole.Case
		if err := json.Unmarshal([]byte(hist[0].Data), &was); err != nil || fmt.Sprint(was.OutcomeType) == changed {
			t.Fatalf("the kept version says outcome %d (%v), want the earlier one", was.OutcomeType, err)
		}
		moved, _, _ := s.FindMentions(ctx, pole.MentionFilter{RecordID: rows[fix][personRef]})
		if len(moved) != 1 || !strings.HasSuffix(moved[0].Surname, "-Corrected") || moved[0].Version != 2 {
			t.Fatalf("updated person: %+v", moved)
		}
	})
}
