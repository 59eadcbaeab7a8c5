package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/synth"
)

// demoPeople is the size of the demo's synthetic national data set: enough
// for groups across forces, small enough to take a moment.
const demoPeople = 5_000

// runDemo runs every stage caselink has on built-in synthetic data. It grows
// with each capability: today it writes a synthetic national data set, then
// creates the database, stores a small synthetic sample of cases, people and
// events, and reports what it holds.
func runDemo(ctx context.Context, m *Main, args []string) error {
	fs := m.flags("demo")
	db := m.dbFlag(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	dsn := *db
	dir, err := os.MkdirTemp("", "caselink-demo-")
	if err != nil {
		return err
	}
	if !flagSet(fs, "db") && m.getenv("CASELINK_DB") == "" {
		// The demo never mixes its synthetic records into a working database.
		dsn = "sqlite:" + filepath.Join(dir, "demo.db")
	}
	fmt.Fprintf(m.stdout, "caselink demo: all data here is synthetic\ndatabase: %s\n\n", store.Redact(dsn))

	sum, err := synth.Generate(ctx, synth.Config{Out: filepath.Join(dir, "synth"), Seed: 1, People: demoPeople})
	if err != nil {
		return err
	}
	printSynthSummary(m, filepath.Join(dir, "synth"), sum)
	fmt.Fprintln(m.stdout, "\nLoading these exports needs their mapping profiles, which ingest will bring; until then the\ndatabase holds a small built-in sample.")
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	loaded, err := loadDemoSample(ctx, s)
	if err != nil {
		return err
	}
	if loaded == 0 {
		fmt.Fprintln(m.stdout, "sample already stored; nothing loaded")
	}
	return reportHoldings(ctx, m, s)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// reportHoldings prints what the store holds, force by force.
func reportHoldings(ctx context.Context, m *Main, s *store.Store) error {
	sources, _, err := s.FindSources(ctx, pole.SourceFilter{})
	if err != nil {
		return err
	}
	forces := map[string]bool{}
	for _, src := range sources {
		forces[src.Force] = true
	}
	codes := make([]string, 0, len(forces))
	for f := range forces {
		codes = append(codes, f)
	}
	slices.Sort(codes)
	fmt.Fprintf(m.stdout, "\n%-26s %6s %8s %8s %7s\n", "force", "cases", "victims", "suspects", "events")
	for _, code := range codes {
		force, _ := pole.ForceByCode(code)
		cases, nc, err := s.FindCases(ctx, pole.CaseFilter{Force: code})
		if err != nil {
			return err
		}
		_, nv, err := s.FindMentions(ctx, pole.MentionFilter{Force: code, Role: pole.RoleVictim})
		if err != nil {
			return err
		}
		_, ns, err := s.FindMentions(ctx, pole.MentionFilter{Force: code, Role: pole.RoleSuspect})
		if err != nil {
			return err
		}
		events := 0
		for _, c := range cases {
			_, n, err := s.FindEvents(ctx, pole.EventFilter{CaseID: c.ID})
			if err != nil {
				return err
			}
			events += n
		}
		fmt.Fprintf(m.stdout, "%-26s %6d %8d %8d %7d\n", force.Name, nc, nv, ns, events)
	}
	nfa, n, err := s.FindCases(ctx, pole.CaseFilter{OutcomeTypes: []int{14, 15, 16, 18, 21}})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "\n%d cases closed with no further action (outcomes 14, 15, 16, 18, 21):\n", n)
	for _, c := range nfa {
		o, _ := pole.OutcomeByCode(c.OutcomeType)
		fmt.Fprintf(m.stdout, "  %-20s %-16s outcome %2d  %s\n", c.Force, c.CrimeRef, c.OutcomeType, o.Name)
	}
	return nil
}

// loadDemoSample stores the built-in sample once, each force's export in one
// transaction; it reports how many cases it stored (0 when the sample was
// already there).
func loadDemoSample(ctx context.Context, s *store.Store) (int, error) {
	stored := 0
	for _, df := range demoSample() {
		sum := sha256.Sum256([]byte("caselink demo sample v1 " + df.force))
		hash := hex.EncodeToString(sum[:])
		if _, n, err := s.FindSources(ctx, pole.SourceFilter{Force: df.force, SHA256: hash}); err != nil {
			return 0, err
		} else if n > 0 {
			continue
		}
		src := &pole.Source{
			Force: df.force, System: df.system, FileName: df.force + "-demo.csv", Profile: "demo",
			ReceivedAt: time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC), SHA256: hash, RowCount: len(df.cases),
		}
		// Ids are assigned here rather than by the store so that people and
		// events can name their case before anything is written.
		var cases []*pole.Case
		var mentions []*pole.Mention
		var events []*pole.Event
		for i, dc := range df.cases {
			c := dc.c
			c.ID = demoID(df.force, i)
			c.Force, c.Provenance = df.force, pole.Provenance{SourceID: src.ID, SourceRow: i + 1}
			cases = append(cases, &c)
			for _, p := range dc.people {
				p.CaseID, p.Provenance = c.ID, c.Provenance
				mentions = append(mentions, &p)
			}
			for _, e := range dc.events {
				e.CaseID, e.Provenance = c.ID, c.Provenance
				events = append(events, &e)
			}
		}
		src.ID = demoID(df.force, -1)
		for _, c := range cases {
			c.SourceID = src.ID
		}
		for _, m := range mentions {
			m.SourceID = src.ID
		}
		for _, e := range events {
			e.SourceID = src.ID
		}
		n, err := s.LoadExport(ctx, store.Export{Source: src, Cases: each(cases), Mentions: each(mentions), Events: each(events)})
		if err != nil {
			return 0, err
		}
		stored += n.Cases
	}
	return stored, nil
}

// demoID is a fixed, valid UUID for the nth record of a force's sample, so
// that every run of the demo stores the same ids.
func demoID(force string, n int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("caselink demo %s %d", force, n)))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-7" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

// each yields each element with a nil error, as the Load methods take.
func each[T any](list []*T) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for _, v := range list {
			if !yield(v, nil) {
				return
			}
		}
	}
}
