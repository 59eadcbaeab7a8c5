package stats

import (
	"context"
	"runtime/debug"
	"testing"
)

// BenchmarkNatureAndScale produces the whole report from the store: the
// records read, counted under three linkages, the quality measured and
// disclosure control applied. By default over 3,000 synthetic people; set
// CASELINK_BENCH_STATS_DB (see nationalSet) for a million records.
func BenchmarkNatureAndScale(b *testing.B) {
	st, _ := nationalSet(b)
	ctx := context.Background()
	// As 'caselink report' runs.
	defer debug.SetGCPercent(debug.SetGCPercent(BatchGCPercent))
	var rep *Report
	for b.Loop() {
		var err error
		if rep, err = Produce(ctx, st, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rep.Tables)), "tables")
}
