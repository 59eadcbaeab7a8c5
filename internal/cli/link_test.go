package cli_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store/storetest"
)

// linkedDB writes a small synthetic data set, ingests it and links it
// through the CLI as a national analyst, returning the database, the data
// set's folder and the analyst's environment.
func linkedDB(t *testing.T) (db, set string, env map[string]string) {
	t.Helper()
	dir := t.TempDir()
	set = filepath.Join(dir, "synth")
	db = "sqlite:" + filepath.Join(dir, "c.db")
	if _, _, err := run(t, nil, "synth", "--out", set, "--people", "800", "--quiet"); err != nil {
		t.Fatal(err)
	}
	s := storetest.Open(t, db)
	if err := ingest.IngestSet(context.Background(), s, set, ingest.Options{LoadedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	env = actingAs(t, db, pole.RoleNationalAnalyst, "")
	out, _, err := run(t, env, "link", "--db", db)
	if err != nil {
		t.Fatalf("link: %v", err)
	}
	for _, want := range []string{"newly trained", "EM converged: true", "associates (a person in common across cases) estimated", "surname sound + forename initial + birth year", "candidate pairs"} {
		if !strings.Contains(out, want) {
			t.Errorf("link output lacks %q:\n%s", want, out)
		}
	}
	return db, set, env
}

func TestLinkExportWritesEveryPersonRecordWithItsEntity(t *testing.T) {
	db, _, env := linkedDB(t)
	file := filepath.Join(t.TempDir(), "entities.csv")
	if _, _, err := run(t, env, "link", "export", "--db", db, "--out", file, "--purpose", "test"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "source,record_id,entity_id" {
		t.Fatalf("header %q", rows[0])
	}
	sources := map[string]bool{}
	for _, r := range rows[1:] {
		if r[0] == "" || r[1] == "" || !pole.IsID(r[2]) {
			t.Fatalf("row %q: want a source, a record id and an entity id", r)
		}
		sources[r[0]] = true
	}
	if !sources["south-yorkshire/sy_nominal_index.csv"] {
		t.Errorf("no records of the nominal-index source in %v", sources)
	}
	again, _, err := run(t, env, "link", "--db", db)
	if err != nil || !strings.Contains(again, "0 new") {
		t.Fatalf("second link: %v\n%s", err, again)
	}
}

func TestLinkExplainShowsEachFieldsLevelAndWeight(t *testing.T) {
	db, _, env := linkedDB(t)
	file := filepath.Join(t.TempDir(), "entities.csv")
	if _, _, err := run(t, env, "link", "export", "--db", db, "--out", file, "--purpose", "test"); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(file)
	rows, _ := csv.NewReader(f).ReadAll()
	f.Close()
	// Two records of one entity.
	first := map[string][]string{}
	var a, b []string
	for _, r := range rows[1:] {
		if prev, ok := first[r[2]]; ok {
			a, b = prev, r
			break
		}
		first[r[2]] = r
	}
	if a == nil {
		t.Fatal("no entity with two records")
	}
	out, _, err := run(t, env, "link", "explain", "--db", db, "--purpose", "test", a[0]+":"+a[1], b[0]+":"+b[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"forename", "surname", "dob", "bits", "match probability", "both are person " + a[2]} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := run(t, env, "link", "explain", "--db", db, "--purpose", "test", "nosuch:1", b[0]+":"+b[1]); pole.ErrorCode(err) != pole.ENOTFOUND {
		t.Errorf("explain of an unknown record: %v, want ENOTFOUND", err)
	}
}

func TestLinkReviewExportsPairsAndImportsJudgements(t *testing.T) {
	db, _, env := linkedDB(t)
	dir := t.TempDir()
	queue := filepath.Join(dir, "queue.csv")
	if _, _, err := run(t, env, "link", "review", "--db", db, "--export", queue, "--purpose", "test"); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(queue)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "unique_id_l,source_dataset_l,unique_id_r,source_dataset_r,clerical_match_score" {
		t.Fatalf("header %q", rows[0])
	}
	if len(rows) < 2 {
		t.Fatal("no pairs awaiting review: the test needs a review band to act on")
	}
	// A reviewer says the first pair differs and the second is the same.
	rows[1][4] = "0"
	if len(rows) > 2 {
		rows[2][4] = "1.0"
	}
	reviewed := filepath.Join(dir, "reviewed.csv")
	w, _ := os.Create(reviewed)
	csv.NewWriter(w).WriteAll(rows)
	w.Close()
	out, _, err := run(t, env, "link", "review", "--db", db, "--import", reviewed)
	if err != nil || !strings.Contains(out, "imported") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// A bad score is refused, naming the line and field, and nothing is imported.
	rows[1][4] = "maybe"
	w, _ = os.Create(reviewed)
	csv.NewWriter(w).WriteAll(rows)
	w.Close()
	_, _, err = run(t, env, "link", "review", "--db", db, "--import", reviewed)
	if pole.ErrorCode(err) != pole.EINVALID || !strings.Contains(err.Error(), "line 2, clerical_match_score") {
		t.Fatalf("bad score: %v, want EINVALID naming line 2 and the field", err)
	}
	if _, _, err := run(t, env, "link", "--db", db, "--full"); err != nil {
		t.Fatal(err)
	}
}
