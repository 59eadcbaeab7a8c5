package review

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
)

// BenchmarkTriage scores every referred case of a linked synthetic data
// set end to end: the facts read from the store, the rules applied, the
// scores and reasons written back. first-s is the first triage, which
// writes every score; ns/op a triage again, which writes what changed. CASELINK_BENCH_TRIAGE_PEOPLE sets the
// data set's size (default 3,000 people: about 1,200 referred cases;
// 260,000 people give about 100,000).
func BenchmarkTriage(b *testing.B) {
	people := 3000
	if v := os.Getenv("CASELINK_BENCH_TRIAGE_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("CASELINK_BENCH_TRIAGE_PEOPLE=%q: %v", v, err)
		}
		people = n
	}
	ctx := context.Background()
	st, _ := linkedSet(b, people, 5)
	o := newOffice(b, st)
	n, err := o.desk.ReferClosed(ctx, o.as(pole.RoleNationalReviewer), "", "benchmark")
	if err != nil {
		b.Fatal(err)
	}
	analyst := o.as(pole.RoleNationalAnalyst)
	// As 'caselink triage' runs.
	defer debug.SetGCPercent(debug.SetGCPercent(BatchGCPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(linkrun.MemoryLimit))
	// The first triage writes every score and moves every review; later
	// ones (what the loop times) write only the scores that changed.
	start := time.Now()
	if _, err := o.desk.Triage(ctx, analyst, nil); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	b.ResetTimer()
	for b.Loop() {
		if _, err := o.desk.Triage(ctx, analyst, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "cases")
	b.ReportMetric(first.Seconds(), "first-s")
}

// BenchmarkScore applies the rules to one case of a group with blaming
// language in its rationale: the part of triage that is pure computation.
func BenchmarkScore(b *testing.B) {
	s := suspect("arrest")
	s.Elsewhere = Elsewhere{Cases: 3, Victims: 2, Forces: []string{"lancashire"}, Associates: 4}
	f := facts(pole.Case{OutcomeType: 16, OffenceCodes: []string{"19D", "22B"}, Flags: []string{"CSE"},
		ClosureRationale: "Evidential difficulties: named suspect identified; victim does not support (or withdraws support). Victim is wayward and unreliable.",
		Narrative:        "Synthetic account. Victim reports being taken to premises (takeaway) at 12 Mill Lane, Rochdale OL11 1AA. She was given gifts and lifts. She named a man known as 'Bully'."},
		victim("missing_episode", "missing_episode", "victim_arrest"), s)
	rules := DefaultRules()
	for b.Loop() {
		Score(f, rules)
	}
}
