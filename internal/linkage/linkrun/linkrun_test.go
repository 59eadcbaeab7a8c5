package linkrun

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/linkage/linkbench"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

var ctx = context.Background()

// synthStore generates a synthetic national data set and ingests it.
func synthStore(t *testing.T, s *store.Store, people int, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Out: dir, Seed: seed, People: people}); err != nil {
		t.Fatal(err)
	}
	if err := ingest.IngestSet(ctx, s, dir, ingest.Options{LoadedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// truth reads truth/mentions.csv: (source file, record id) -> person.
func truth(t *testing.T, dir string) map[[2]string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "truth", "mentions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]string{}
	for _, row := range rows[1:] {
		out[[2]string{row[0], row[1]}] = row[2]
	}
	return out
}

// score compares the store's entities with the truth, over the records the
// store holds (planted defects keep a few out).
func score(t *testing.T, s *store.Store, dir string) linkbench.Scores {
	t.Helper()
	d, err := Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	members, err := s.EntityMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := truth(t, dir)
	var want []string
	var got []string
	for _, r := range d.Records {
		p, ok := tr[[2]string{r.Source, r.ID}]
		if !ok {
			t.Fatalf("record %s %s is not in the truth file", r.Source, r.ID)
		}
		want = append(want, p)
		got = append(got, members[r.Key])
		if members[r.Key] == "" {
			t.Fatalf("record %s %s has no entity", r.Source, r.ID)
		}
	}
	return linkbench.PairwiseScores(want, got)
}

func TestSyntheticNationalDataLinksToTheTruth(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		dir := synthStore(t, s, 3000, 11)
		rep, err := Run(ctx, s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		sc := score(t, s, dir)
		t.Logf("%d records, %d entities: %v; EM converged %v; associates %+v", rep.Records, rep.Entities, sc, rep.Training.Converged, rep.Training.Associates)
		if sc.F1 < 0.97 {
			t.Errorf("F1 %.4f, want at least 0.97", sc.F1)
		}
		// The people recorded in the same cases weigh in, learnt from
		// the first pass.
		if a := rep.Training.Associates; a == nil || !a.Estimated {
			t.Errorf("associates not estimated: %+v", a)
		}
	})
}

// TestLinkageHoldsItsAccuracyAsThePopulationGrows links a synthetic
// national data set of CASELINK_BENCH_LINK_PEOPLE people (skipped when
// unset; 265,000 take about a minute): a large population brings many
// different people who share a name, which a small one does not test.
func TestLinkageHoldsItsAccuracyAsThePopulationGrows(t *testing.T) {
	people, _ := strconv.Atoi(os.Getenv("CASELINK_BENCH_LINK_PEOPLE"))
	if people == 0 {
		t.Skip("set CASELINK_BENCH_LINK_PEOPLE to the number of people")
	}
	s := storetest.SQLite(t)
	dir := synthStore(t, s, people, 11)
	rep, err := Run(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := score(t, s, dir)
	t.Logf("%d people, %d records, %d entities: %v", people, rep.Records, rep.Entities, sc)
	if sc.F1 < 0.97 {
		t.Errorf("F1 %.4f, want at least 0.97", sc.F1)
	}
}

func TestEntityIDsSurviveARerun(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		synthStore(t, s, 800, 3)
		if _, err := Run(ctx, s, Options{}); err != nil {
			t.Fatal(err)
		}
		before, _ := s.EntityMembers(ctx)
		rep, err := Run(ctx, s, Options{Full: true})
		if err != nil {
			t.Fatal(err)
		}
		after, _ := s.EntityMembers(ctx)
		for m, e := range before {
			if after[m] != e {
				t.Fatalf("mention %s moved from %s to %s on a re-run of the same data", m, e, after[m])
			}
		}
		if rep.Trained {
			t.Error("a second run retrained although a model was saved")
		}
		if rep.Merged+rep.Split+rep.Created+rep.Joined != 0 {
			t.Errorf("a re-run of unchanged data changed entities: %+v", rep)
		}
	})
}

func TestNewRecordsJoinExistingEntitiesWithoutRenamingThem(t *testing.T) {
	s := storetest.SQLite(t)
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Out: dir, Seed: 21, People: 1500}); err != nil {
		t.Fatal(err)
	}
	// Load every force but West Yorkshire, link, then load it and link
	// again: only the new records move.
	profiles, _ := filepath.Glob(filepath.Join(dir, "profiles", "*.toml"))
	held := filepath.Join(t.TempDir(), "held")
	for _, sub := range []string{"profiles", "exports"} {
		os.MkdirAll(filepath.Join(held, sub), 0o755)
	}
	for _, p := range profiles {
		if strings.Contains(filepath.Base(p), "west-yorkshire") {
			os.Rename(p, filepath.Join(held, "profiles", filepath.Base(p)))
		}
	}
	os.Rename(filepath.Join(dir, "exports", "west-yorkshire"), filepath.Join(held, "exports", "west-yorkshire"))
	if err := ingest.IngestSet(ctx, s, dir, ingest.Options{LoadedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, s, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.EntityMembers(ctx)
	if err := ingest.IngestSet(ctx, s, held, ingest.Options{LoadedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Full || rep.NewRecords == 0 {
		t.Fatalf("second run: full=%v new=%d, want an incremental run over the new force", rep.Full, rep.NewRecords)
	}
	after, _ := s.EntityMembers(ctx)
	// An existing record keeps its entity unless new evidence merged its
	// entity into another, and then the merge is recorded.
	moved := 0
	for m, e := range before {
		if after[m] == e {
			continue
		}
		moved++
		changes, _ := s.FindEntityChanges(ctx, after[m])
		recorded := false
		for _, c := range changes {
			if c.Kind == "merge" && c.OtherID == e && slices.Contains(c.Mentions, m) {
				recorded = true
			}
		}
		if !recorded {
			t.Fatalf("existing mention %s moved from %s to %s with no merge recorded", m, e, after[m])
		}
	}
	if moved > len(before)/100 {
		t.Errorf("%d of %d existing records moved when one force's records arrived", moved, len(before))
	}
	if rep.Joined == 0 {
		t.Error("no new record joined an existing entity, though the new force shares people with the others")
	}
	// Restore the full set so the truth covers it, and score.
	os.Rename(filepath.Join(held, "exports", "west-yorkshire"), filepath.Join(dir, "exports", "west-yorkshire"))
	if sc := score(t, s, dir); sc.F1 < 0.95 {
		t.Errorf("F1 after an incremental run %.4f", sc.F1)
	}
}

// mergedPair finds a stored entity with at least two mentions and returns
// two of them.
func mergedPair(t *testing.T, s *store.Store) (string, string, string) {
	t.Helper()
	members, _ := s.EntityMembers(ctx)
	byEntity := map[string][]string{}
	for m, e := range members {
		byEntity[e] = append(byEntity[e], m)
	}
	for e, ms := range byEntity {
		if len(ms) == 2 {
			return e, ms[0], ms[1]
		}
	}
	t.Fatal("no entity with two mentions")
	return "", "", ""
}

func TestAJudgementOfDifferentSurvivesEveryRerun(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		synthStore(t, s, 800, 4)
		if _, err := Run(ctx, s, Options{}); err != nil {
			t.Fatal(err)
		}
		_, a, b := mergedPair(t, s)
		if err := s.SaveJudgement(ctx, &store.Judgement{A: a, B: b, Decision: "different", MadeBy: "reviewer"}); err != nil {
			t.Fatal(err)
		}
		for run := 0; run < 2; run++ {
			if _, err := Run(ctx, s, Options{Full: true}); err != nil {
				t.Fatal(err)
			}
			ea, _ := s.EntityOfMention(ctx, a)
			eb, _ := s.EntityOfMention(ctx, b)
			if ea == eb {
				t.Fatalf("run %d: records judged different are one entity %s", run, ea)
			}
		}
	})
}

func TestUnmergeRestoresTheEntitiesAsTheyWere(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		synthStore(t, s, 800, 5)
		if _, err := Run(ctx, s, Options{}); err != nil {
			t.Fatal(err)
		}
		_, a, b := mergedPair(t, s)
		// Split b off by a judgement, then say they are the same after all,
		// which merges them back; undoing that merge must restore the split.
		if err := s.SaveJudgement(ctx, &store.Judgement{A: a, B: b, Decision: "different", MadeBy: "reviewer"}); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(ctx, s, Options{Full: true}); err != nil {
			t.Fatal(err)
		}
		splitA, _ := s.EntityOfMention(ctx, a)
		splitB, _ := s.EntityOfMention(ctx, b)
		if err := s.SaveJudgement(ctx, &store.Judgement{A: a, B: b, Decision: "same", MadeBy: "reviewer"}); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(ctx, s, Options{Full: true}); err != nil {
			t.Fatal(err)
		}
		merged, _ := s.EntityOfMention(ctx, a)
		if got, _ := s.EntityOfMention(ctx, b); got != merged {
			t.Fatal("records judged the same are not one entity")
		}
		changes, _ := s.FindEntityChanges(ctx, merged)
		var merge *store.EntityChange
		for _, c := range changes {
			if c.Kind == "merge" && c.UndoneBy == "" {
				merge = c
			}
		}
		if merge == nil {
			t.Fatalf("no merge recorded for %s: %+v", merged, changes)
		}
		if _, err := Unmerge(ctx, s, merge.ID, "reviewer", time.Now()); err != nil {
			t.Fatal(err)
		}
		gotA, _ := s.EntityOfMention(ctx, a)
		gotB, _ := s.EntityOfMention(ctx, b)
		pairs, _ := s.FindLinkPairs(ctx, b)
		for _, p := range pairs {
			if p.Band == "link" {
				if ea, _ := s.EntityOfMention(ctx, p.A); ea != gotB {
					t.Errorf("a link from %s to %s outlived the unmerge", p.A, p.B)
				}
			}
		}
		if gotA != splitA || gotB != splitB {
			t.Fatalf("after unmerge a in %s, b in %s; before the merge they were %s and %s", gotA, gotB, splitA, splitB)
		}
		// And a re-run keeps them apart.
		if _, err := Run(ctx, s, Options{Full: true}); err != nil {
			t.Fatal(err)
		}
		gotA, _ = s.EntityOfMention(ctx, a)
		gotB, _ = s.EntityOfMention(ctx, b)
		if gotA == gotB {
			t.Fatal("a re-run merged again what was unmerged")
		}
		if _, err := Unmerge(ctx, s, merge.ID, "reviewer", time.Now()); err == nil {
			t.Fatal("undoing the same merge twice succeeded")
		}
	})
}

func TestARecordChangedByANewerExportIsLinkedAgain(t *testing.T) {
	s := storetest.SQLite(t)
	synthStore(t, s, 800, 6)
	if _, err := Run(ctx, s, Options{}); err != nil {
		t.Fatal(err)
	}
	entity, a, b := mergedPair(t, s)
	m, err := s.FindMentionByID(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	// The export now says this record is someone else altogether.
	m.Forename, m.MiddleNames, m.Surname, m.NameAsWritten, m.Aliases = "Zebedee", "", "Quarrington", "", nil
	m.DOB, m.Phones, m.Vehicles, m.Addresses = pole.Date(1931, 2, 3), nil, nil, nil
	if err := s.UpdateMention(ctx, m); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Full || rep.NewRecords != 1 {
		t.Fatalf("run after one change: full=%v new and changed=%d, want an incremental run over one record", rep.Full, rep.NewRecords)
	}
	ea, _ := s.EntityOfMention(ctx, a)
	eb, _ := s.EntityOfMention(ctx, b)
	if ea != entity || eb == entity {
		t.Fatalf("after the change: a in %s, b in %s; want a to stay in %s and b to leave it", ea, eb, entity)
	}
	changes, _ := s.FindEntityChanges(ctx, entity)
	split := false
	for _, c := range changes {
		if c.Kind == "split" && slices.Contains(c.Mentions, b) {
			split = true
		}
	}
	if !split {
		t.Fatalf("no split recorded for the changed record: %+v", changes)
	}
}
