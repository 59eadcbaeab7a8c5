package store_test

import (
	"fmt"
	"iter"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// benchRows is how many mentions one load carries: the figure is for
// a million, set CASELINK_BENCH_ROWS=1000000 to measure it.
func benchRows(b *testing.B) int {
	if v := os.Getenv("CASELINK_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("CASELINK_BENCH_ROWS: %v", err)
		}
		return n
	}
	return 100_000
}

// benchMentions varies names, dates and record ids as real loads do, so that
// indexes see realistic keys; each case has four people in it, as the
// foreign key and the case index would see in a real export.
func benchMentions(src *pole.Source, caseIDs []string, n int) iter.Seq2[*pole.Mention, error] {
	forenames := []string{"Mohammed", "Jack", "Olivia", "Imran", "Aleksander", "Siobhan", "Abdi", "Chloe"}
	surnames := []string{"Hussain", "Smith", "Khan", "Jones", "Kowalski", "Murphy", "Ahmed", "Evans"}
	return func(yield func(*pole.Mention, error) bool) {
		var m pole.Mention
		for i := 1; i <= n; i++ {
			m = pole.Mention{
				Force:         src.Force,
				CaseID:        caseIDs[(i-1)/4],
				RecordID:      "P" + strconv.Itoa(i),
				Role:          pole.Roles[i%4],
				Forename:      forenames[i%len(forenames)],
				Surname:       surnames[(i/8)%len(surnames)],
				NameAsWritten: surnames[(i/8)%len(surnames)] + ", " + forenames[i%len(forenames)],
				DOB:           pole.Date(1960+i%45, 1+i%12, 1+i%28),
				Sex:           "M",
				EthnicitySelf: []string{"", "A3", "W1"}[i%3],
				Phones:        []string{"+4477009" + fmt.Sprintf("%05d", i%100000)},
				Provenance:    pole.Provenance{SourceID: src.ID, SourceRow: i},
			}
			if i%5 == 0 {
				m.Aliases = []string{"Mo"}
			}
			if !yield(&m, nil) {
				return
			}
		}
	}
}

func benchmarkLoadMentions(b *testing.B, open func(testing.TB) *store.Store) {
	n := benchRows(b)
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		src, caseIDs := benchSourceAndCases(b, s, n)
		b.StartTimer()
		got, err := s.LoadMentions(ctx, benchMentions(src, caseIDs, n))
		if err != nil || got != n {
			b.Fatalf("LoadMentions: %d (%v), want %d", got, err, n)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchSourceAndCases stores a source and a case for every four of n
// mentions to come, and returns the source and the case ids.
func benchSourceAndCases(b *testing.B, s *store.Store, n int) (*pole.Source, []string) {
	b.Helper()
	src := &pole.Source{Force: "west-yorkshire", FileName: "bench.csv", ReceivedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), SHA256: fmt.Sprintf("%064d", 1), RowCount: n}
	if err := s.CreateSource(ctx, src); err != nil {
		b.Fatal(err)
	}
	caseIDs := make([]string, 0, (n+3)/4)
	if _, err := s.LoadCases(ctx, func(yield func(*pole.Case, error) bool) {
		for i := range (n + 3) / 4 {
			c := &pole.Case{Force: src.Force, CrimeRef: "C" + strconv.Itoa(i), Provenance: pole.Provenance{SourceID: src.ID, SourceRow: i + 1}}
			if !yield(c, nil) {
				return
			}
			caseIDs = append(caseIDs, c.ID)
		}
	}); err != nil {
		b.Fatal(err)
	}
	return src, caseIDs
}

func BenchmarkLoadMentionsSQLite(b *testing.B)   { benchmarkLoadMentions(b, openSQLite) }
func BenchmarkLoadMentionsPostgres(b *testing.B) { benchmarkLoadMentions(b, openPostgres) }
