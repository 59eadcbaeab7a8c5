package ingest

import (
	"context"
	"os"
	"path/filepath"
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

func TestIngestRefusesANewerExportOfStoredCasesWritingNothing(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	s := storetest.SQLite(t)
	ingestForce(t, s, out, "west-yorkshire")
	// The same cases in a file with other bytes, as a newer export would be.
	src := filepath.Join(out, "exports", "west-yorkshire", "wy_occurrence_nominals.csv")
	b, _ := os.ReadFile(src)
	newer := filepath.Join(t.TempDir(), "wy_occurrence_nominals.csv")
	if err := os.WriteFile(newer, append(b, b[len(b)-1]), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _ := LoadProfile(filepath.Join(out, "profiles", "west-yorkshire.toml"))
	_, sources, _ := s.FindSources(ctx, pole.SourceFilter{})
	_, err = Ingest(ctx, s, p, newer, Options{LoadedBy: "test"})
	if pole.ErrorCode(err) != pole.ECONFLICT || !strings.Contains(err.Error(), "already stored from an earlier export") {
		t.Fatalf("got %v, want ECONFLICT naming the stored case", err)
	}
	if _, after, _ := s.FindSources(ctx, pole.SourceFilter{}); after != sources {
		t.Fatalf("sources went from %d to %d after a refused file", sources, after)
	}
}
