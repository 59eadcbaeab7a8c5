package access

import (
	"context"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// BenchmarkRead compares reading one person record straight from the
// store with reading it through the Guard, which decides and audits it:
// the issue asks that the audited read cost at most 10% more.
func BenchmarkRead(b *testing.B) {
	engines := map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			st := engines[engine](b)
			w := newWorld(b, st)
			ctx := context.Background()
			id := w.own.suspect.ID
			rq := w.request(pole.RoleForceInvestigator)
			b.Run("unaudited", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.FindMentionByID(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("audited", func(b *testing.B) {
				for b.Loop() {
					if _, err := w.guard.FindMention(ctx, rq, id); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("unaudited-parallel", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := st.FindMentionByID(ctx, id); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
			b.Run("audited-parallel", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := w.guard.FindMention(ctx, rq, id); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		})
	}
}
