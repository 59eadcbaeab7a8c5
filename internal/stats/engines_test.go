package stats

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

// TestTheReportIsTheSameOnSQLiteAndPostgreSQL loads and links one data set
// into each engine and compares what the two reports publish.
func TestTheReportIsTheSameOnSQLiteAndPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("links a synthetic data set on each engine")
	}
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Out: dir, Seed: 3, People: 600}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	published := map[string]string{}
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		if err := ingest.IngestSet(ctx, st, dir, ingest.Options{LoadedBy: "test"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := linkrun.Run(ctx, st, linkrun.Options{}); err != nil {
			t.Fatal(err)
		}
		rep, err := Produce(ctx, st, Options{Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Sources) == 0 || rep.Headlines[0].Value.Value == 0 {
			t.Fatalf("%s: nothing counted: %+v", st.Engine(), rep.Headlines)
		}
		// The run's id is the engine's own; the rest must agree.
		rep.Linkage.RunID = ""
		rep.Methods = nil
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		published[st.Engine()] = string(b)
	})
	if len(published) == 2 && published["sqlite"] != published["postgres"] {
		t.Errorf("the engines publish different reports:\nsqlite   %.3000s\npostgres %.3000s", published["sqlite"], published["postgres"])
	}
}
