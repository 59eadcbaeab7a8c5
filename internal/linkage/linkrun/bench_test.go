package linkrun

import (
	"os"
	"strconv"
	"testing"

	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/synth"
)

// BenchmarkLinkRun times a whole first run (load from the store, block,
// compare, estimate, cluster, write back) over the synthetic national data
// set. CASELINK_BENCH_PEOPLE sets its size (default 20,000 people, about
// 28,000 person records); CASELINK_BENCH_DB reuses an ingested database
// (sqlite:PATH) so that large sizes are generated and ingested once.
func BenchmarkLinkRun(b *testing.B) {
	people := 20_000
	if v := os.Getenv("CASELINK_BENCH_PEOPLE"); v != "" {
		people, _ = strconv.Atoi(v)
	}
	dsn := os.Getenv("CASELINK_BENCH_DB")
	if dsn == "" {
		dsn = "sqlite:" + b.TempDir() + "/bench.db"
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if n, _ := s.EntityMembers(ctx); len(n) == 0 {
		d, _ := Load(ctx, s)
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
