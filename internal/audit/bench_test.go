package audit

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// benchEntries is the size of the log BenchmarkVerify checks:
// CASELINK_BENCH_AUDIT_ENTRIES, or 10,000.
func benchEntries(b *testing.B) int {
	n := 10_000
	if v := os.Getenv("CASELINK_BENCH_AUDIT_ENTRIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("CASELINK_BENCH_AUDIT_ENTRIES=%q is not a positive number", v)
		}
	}
	return n
}

// BenchmarkVerify verifies a log of benchEntries entries on SQLite,
// checkpointed every 1,000 as a Log does by default.
func BenchmarkVerify(b *testing.B) {
	n := benchEntries(b)
	st := storetest.SQLite(b)
	signer, verifier := keys(b, "caselink-audit")
	const batch = 1000
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for done := 0; done < n; done += batch {
		err := st.AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
			rows := make([]store.AuditRow, min(batch, n-done))
			for i := range rows {
				e := consultation(done + i)
				e.At, e.Outcome = at.Add(time.Duration(done+i)*time.Millisecond), Allowed
				rows[i] = e.row()
			}
			link(rows, next, prev)
			return rows, nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Checkpoint(ctx, st, signer); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := Verify(ctx, st, verifier)
		if err != nil || rep.Entries != int64(n) {
			b.Fatalf("Verify: got %+v, %v; want %d good entries", rep, err, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
}

// BenchmarkRecord measures an audited action's cost to its caller: one
// caller at a time, and many at once, whose entries share commits.
func BenchmarkRecord(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			signer, _ := keys(b, "caselink-audit")
			b.Run("sequential", func(b *testing.B) {
				l := New(eng.open(b), signer, Options{})
				defer l.Close()
				i := 0
				for b.Loop() {
					if err := l.Record(ctx, consultation(i)); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("parallel", func(b *testing.B) {
				l := New(eng.open(b), signer, Options{})
				defer l.Close()
				b.SetParallelism(16)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for i := 0; pb.Next(); i++ {
						if err := l.Record(ctx, consultation(i)); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// BenchmarkQueue measures what a queued entry costs all told: queuing, and
// its share of the appends and checkpoints, timed until Close has
// committed every entry.
func BenchmarkQueue(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			signer, _ := keys(b, "caselink-audit")
			l := New(eng.open(b), signer, Options{})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := l.Queue(ctx, consultation(i)); err != nil {
					b.Fatal(err)
				}
			}
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
