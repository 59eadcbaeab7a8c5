package stats

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

// national is a synthetic national data set written, loaded with victims
// sealed, and linked, shared by the tests that count it.
var national struct {
	once sync.Once
	dir  string
	st   *store.Store
	err  error
}

// nationalSet is the shared data set: by default 3,000 people written and
// linked here (CASELINK_BENCH_STATS_PEOPLE sets how many);
// CASELINK_BENCH_STATS_DB (sqlite:PATH of a linked database whose victims
// are sealed with the key file CASELINK_KEY_FILE) and
// CASELINK_BENCH_STATS_SET (the synth directory it was loaded from) name a
// larger one made with the CLI.
func nationalSet(t testing.TB) (*store.Store, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("links a synthetic data set of 3,000 people")
	}
	national.once.Do(func() {
		if dsn := os.Getenv("CASELINK_BENCH_STATS_DB"); dsn != "" {
			national.st, national.err = openLinked(dsn, os.Getenv("CASELINK_KEY_FILE"))
			national.dir = os.Getenv("CASELINK_BENCH_STATS_SET")
			return
		}
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "caselink-stats-")
		if err != nil {
			national.err = err
			return
		}
		national.dir = dir
		people := 3000
		if v := os.Getenv("CASELINK_BENCH_STATS_PEOPLE"); v != "" {
			if people, err = strconv.Atoi(v); err != nil {
				national.err = fmt.Errorf("CASELINK_BENCH_STATS_PEOPLE=%q: %v", v, err)
				return
			}
		}
		if _, err := synth.Generate(ctx, synth.Config{Out: dir, Seed: 11, People: people}); err != nil {
			national.err = err
			return
		}
		// Opened by hand: storetest.Open would close it with the first test.
		st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "caselink.db"))
		if err != nil {
			national.err = err
			return
		}
		national.st = st
		st.SetSealer(identity.NewSealer(storetest.Keys(t)))
		if _, err := st.Migrate(ctx); err != nil {
			national.err = err
			return
		}
		if err := ingest.IngestSet(ctx, st, dir, ingest.Options{LoadedBy: "test"}, nil); err != nil {
			national.err = err
			return
		}
		if _, err := linkrun.Run(ctx, st, linkrun.Options{}); err != nil {
			national.err = err
		}
	})
	if national.err != nil {
		t.Fatal(national.err)
	}
	return national.st, national.dir
}

func openLinked(dsn, keyFile string) (*store.Store, error) {
	ring, err := keyring.Load(keyFile)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		return nil, err
	}
	st.SetSealer(identity.NewSealer(ring))
	return st, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if national.dir != "" && os.Getenv("CASELINK_BENCH_STATS_DB") == "" {
		if national.st != nil {
			national.st.Close()
		}
		os.RemoveAll(national.dir)
	}
	os.Exit(code)
}

// readCSV reads a truth file, skipping its banner.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
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
	return rows[1:]
}

// truthPartition places each record of d with the person it really is.
func truthPartition(t *testing.T, st *store.Store, dir string, d *dataset) partition {
	t.Helper()
	ctx := context.Background()
	personOf := map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, "truth", "mentions.csv")) {
		personOf[r[0]+":"+r[1]] = r[2]
	}
	files, err := st.MentionSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mentions, _, err := st.FindMentions(ctx, pole.MentionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	record := map[string]string{}
	for _, m := range mentions {
		record[m.ID] = files[m.SourceID] + ":" + m.RecordID
	}
	index := map[string]int32{}
	pt := partition{of: make([]int32, len(d.people))}
	for i, p := range d.people {
		who, ok := personOf[record[p.ID]]
		if !ok {
			t.Fatalf("record %s is not in the truth", record[p.ID])
		}
		if _, ok := index[who]; !ok {
			index[who] = int32(len(index))
		}
		pt.of[i] = index[who]
	}
	pt.n = len(index)
	return pt
}

func TestCountsMatchTheSyntheticTruthWithinTheLinkageSpread(t *testing.T) {
	st, dir := nationalSet(t)
	ctx := context.Background()
	r := DefaultRules()
	rep, head, err := produce(ctx, st, Options{Disclosure: Disclosure{Threshold: 1, Base: 1}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := load(ctx, st, r)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := d.count(r, truthPartition(t, st, dir, d), newForceIndex(d))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"victims": truth.victims.people, "offenders": truth.offenders.people, "groups": len(truth.groups)}
	got := map[string]int{"victims": head.victims.people, "offenders": head.offenders.people, "groups": len(head.groups)}
	for _, h := range rep.Headlines {
		w, ok := want[h.ID]
		if !ok {
			continue
		}
		t.Logf("%s: counted %d (range %d to %d), truth %d", h.ID, got[h.ID], h.Low.Value, h.High.Value, w)
		if h.Value.Value != got[h.ID] {
			t.Errorf("%s: published %d with no disclosure control, counted %d", h.ID, h.Value.Value, got[h.ID])
		}
		if w < h.Low.Value || w > h.High.Value {
			t.Errorf("%s: truth %d is outside the stated range %d to %d", h.ID, w, h.Low.Value, h.High.Value)
		}
	}
	// Offences are records, not people: every planted case the exports
	// hold and ingest took is one.
	cases := readCSV(t, filepath.Join(dir, "truth", "cases.csv"))
	for _, h := range rep.Headlines {
		if h.ID == "offences" && (h.Value.Value > len(cases) || h.Value.Value < len(cases)*99/100) {
			t.Errorf("offences: counted %d, the truth holds %d cases", h.Value.Value, len(cases))
		}
	}
}

func TestCompletenessMatchesTheRatesTheGeneratorPlanted(t *testing.T) {
	st, dir := nationalSet(t)
	rep, err := Produce(context.Background(), st, Options{Disclosure: Disclosure{Threshold: 1, Base: 1}})
	if err != nil {
		t.Fatal(err)
	}
	measures := map[string]*Quality{}
	for _, q := range rep.Quality {
		measures[q.ID] = q
	}
	checked := 0
	for _, row := range readCSV(t, filepath.Join(dir, "truth", "quality.csv")) {
		force, field, role := row[0], row[1], row[2]
		planted, err := strconv.ParseFloat(row[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		id := role + "-" + map[string]string{"ethnicity_self": "ethnicity-self", "ethnicity_observed": "ethnicity-observed",
			"nationality": "nationality", "dob": "dob"}[field]
		q := measures[id]
		if q == nil {
			t.Fatalf("no measure %s for the planted rate of %s", id, field)
		}
		for _, f := range q.ByForce {
			if f.Force != force {
				continue
			}
			n := float64(f.Records.Value)
			got := float64(f.Recorded.Value) / n
			// Four standard errors of a binomial proportion, and a point
			// for the rows ingest quarantined.
			tol := 4*math.Sqrt(planted*(1-planted)/n) + 0.01
			if d := got - planted; d > tol || d < -tol {
				t.Errorf("%s %s of %ss: %.3f recorded over %d records, planted %.3f (tolerance %.3f)", force, field, role, got, int(n), planted, tol)
			}
			checked++
		}
	}
	t.Logf("%d planted rates checked against the measured completeness", checked)
	if checked < 60 {
		t.Errorf("checked %d force, field and role rates; want the 80 the generator plants, less any force without records", checked)
	}
}
