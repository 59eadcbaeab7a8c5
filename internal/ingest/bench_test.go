package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

// BenchmarkIngestPersonRows loads one force's person-row export, end to
// end, into a fresh SQLite database each time. CASELINK_BENCH_PEOPLE sets
// the size of the synthetic data set it is taken from (default 100,000).
func BenchmarkIngestPersonRows(b *testing.B) {
	people := 100_000
	if v := os.Getenv("CASELINK_BENCH_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		people = n
	}
	out := b.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Out: out, Seed: 5, People: people}); err != nil {
		b.Fatal(err)
	}
	p, err := LoadProfile(filepath.Join(out, "profiles", "west-yorkshire.toml"))
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(out, "exports", "west-yorkshire", "wy_occurrence_nominals.csv")
	rows := 0
	for b.Loop() {
		b.StopTimer()
		s := storetest.SQLite(b)
		b.StartTimer()
		rep, err := Ingest(context.Background(), s, p, file, Options{LoadedBy: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		rows += rep.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
