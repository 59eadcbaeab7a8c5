package linkrun

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

// benchStore opens the benchmark's database: CASELINK_BENCH_DB (sqlite:PATH
// or a PostgreSQL URL), with the key file its victims' identities are
// sealed with (CASELINK_KEY_FILE or CASELINK_KEYS, as the CLI takes it), or
// else a new SQLite file sealed with the test keys.
func benchStore(b *testing.B) *store.Store {
	dsn := os.Getenv("CASELINK_BENCH_DB")
	if dsn == "" {
		return storetest.SQLite(b)
	}
	ring, err := keyring.Open("", os.Getenv)
	if err != nil {
		b.Fatalf("CASELINK_BENCH_DB needs the key file its victims are sealed with: %v", err)
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.SetSealer(identity.NewSealer(ring))
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkLinkRun times a whole first run (load from the store, block,
// compare, estimate, cluster, write back) over the synthetic national data
// set. CASELINK_BENCH_PEOPLE sets its size (default 20,000 people, about
// 28,000 person records); CASELINK_BENCH_DB reuses an ingested database
// (see benchStore) so that large sizes are generated and ingested once.
func BenchmarkLinkRun(b *testing.B) {
	people := 20_000
	if v := os.Getenv("CASELINK_BENCH_PEOPLE"); v != "" {
		people, _ = strconv.Atoi(v)
	}
	s := benchStore(b)
	members, err := s.EntityMembers(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if len(members) == 0 {
		d, err := Load(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Records) == 0 {
			dir := b.TempDir()
			if _, err := synth.Generate(ctx, synth.Config{Out: dir, Seed: 9, People: people}); err != nil {
				b.Fatal(err)
			}
			if err := ingest.IngestSet(ctx, s, dir, ingest.Options{LoadedBy: "bench"}, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	// As 'caselink link' does: a soft limit on the heap, so that the
	// collector works harder rather than let the heap double.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	var rep *Report
	for b.Loop() {
		// Every iteration is a first run: full, retrained.
		rep, err = Run(ctx, s, Options{Full: true, Retrain: true})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rep.Records), "records")
	b.ReportMetric(float64(rep.Stats.CandidatePairs), "pairs")
	b.Logf("timings %v, link %v", rep.Timings, rep.Stats.Timings)
}

// BenchmarkLinkNewRecords times linking 10,000 new records against the
// entities of the rest held in a linkage.Index (prepared once, as a
// service holding linkage in memory keeps them): adding the records and
// linking them. It needs CASELINK_BENCH_DB holding a linked data set.
func BenchmarkLinkNewRecords(b *testing.B) {
	if os.Getenv("CASELINK_BENCH_DB") == "" {
		b.Skip("set CASELINK_BENCH_DB to a linked database (run BenchmarkLinkRun on it first)")
	}
	s := benchStore(b)
	d, err := Load(ctx, s)
	if err != nil {
		b.Fatal(err)
	}
	members, err := s.EntityMembers(ctx)
	if err != nil {
		b.Fatal(err)
	}
	model, err := s.LatestLinkModel(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var m linkage.Model
	if err := json.Unmarshal(model.Params, &m); err != nil {
		b.Fatal(err)
	}
	// Every 100th record is new, so the new ones come from every source.
	const fresh = 10_000
	step := max(1, len(d.Records)/fresh)
	var old, added []linkage.Record
	for i, r := range d.Records {
		if i%step == 0 && len(added) < fresh {
			added = append(added, r)
		} else {
			old = append(old, r)
		}
	}
	existing := entityNumbers(len(old)+len(added), func(i int) string {
		if i < len(old) {
			return members[old[i].Key]
		}
		return "" // new
	})
	var res *linkage.Result
	var spent time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		x := linkage.NewIndex(old)
		runtime.GC()
		b.StartTimer()
		t0 := time.Now()
		x.Add(added)
		t1 := time.Now()
		if res, err = x.Link(linkage.Options{Model: &m, Existing: existing}); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(t0)
		b.Logf("add %v, link %v", t1.Sub(t0), time.Since(t1))
	}
	// Measured around the work itself: the collector's work on the index
	// built between iterations otherwise lands in ns/op.
	b.ReportMetric(spent.Seconds()/float64(b.N), "s/add+link")
	b.ReportMetric(float64(len(added)), "new")
	b.ReportMetric(float64(res.Stats.CandidatePairs), "pairs")
	b.Logf("timings %v", res.Stats.Timings)
}
