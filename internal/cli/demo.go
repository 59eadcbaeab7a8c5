package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/synth"
)

// demoPeople is the size of the demo's synthetic national data set: enough
// for groups across forces, small enough to take a moment.
const demoPeople = 5_000

// runDemo runs every stage caselink has on built-in synthetic data. It grows
// with each capability: today it writes the synthetic national data set,
// loads every force's exports through their profiles, and reports what the
// database holds.
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

	set := filepath.Join(dir, "synth")
	sum, err := synth.Generate(ctx, synth.Config{Out: set, Seed: 1, People: demoPeople})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "1. synthetic data set in %s: %d people, %d cases, %d person records in %d forces' exports\n\n",
		set, sum.People, sum.Cases, sum.Mentions, len(forceDirs(set)))

	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintln(m.stdout, "2. ingest, each file through its force's profile:")
	if err := ingestSet(ctx, m, s, set); err != nil {
		return err
	}
	if err := reportHoldings(ctx, m, s); err != nil {
		return err
	}
	fmt.Fprintln(m.stdout, "\n4. link the same people across forces:")
	rep, err := linkrun.Run(ctx, s, linkrun.Options{})
	if err != nil {
		return err
	}
	printLinkReport(m.stdout, rep)
	return nil
}

func forceDirs(set string) []string {
	dirs, _ := filepath.Glob(filepath.Join(set, "exports", "*"))
	return dirs
}

// ingestSet loads every export of a synthetic data set, saying what each
// file held.
func ingestSet(ctx context.Context, m *Main, s *store.Store, set string) error {
	return ingest.IngestSet(ctx, s, set, ingest.Options{LoadedBy: "caselink demo"}, func(name string, rep *ingest.Report) {
		if rep.AlreadyLoaded {
			fmt.Fprintf(m.stdout, "   %-56s already loaded\n", name)
			return
		}
		c := rep.Counts
		fmt.Fprintf(m.stdout, "   %-56s %6d rows: %5d cases %6d people %6d events %5d links, %d quarantined\n",
			name, rep.Rows, c.Cases, c.Mentions, c.Events, c.Involvements, rep.Quarantined)
	})
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// reportHoldings prints what the store holds, force by force, and the cases
// closed without further action that the review will start from.
func reportHoldings(ctx context.Context, m *Main, s *store.Store) error {
	fmt.Fprintf(m.stdout, "\n3. the database holds:\n   %-28s %7s %8s %8s %9s\n", "force", "cases", "victims", "suspects", "sources")
	for _, f := range pole.Forces() {
		_, nsrc, err := s.FindSources(ctx, pole.SourceFilter{Force: f.Code, Limit: 1})
		if err != nil {
			return err
		}
		if nsrc == 0 {
			continue
		}
		_, nc, err := s.FindCases(ctx, pole.CaseFilter{Force: f.Code, Limit: 1})
		if err != nil {
			return err
		}
		roles, err := s.CountRoles(ctx, f.Code)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "   %-28s %7d %8d %8d %9d\n", f.Name, nc, roles[pole.RoleVictim], roles[pole.RoleSuspect], nsrc)
	}
	fmt.Fprintln(m.stdout, "\n   cases closed with no further action, by outcome:")
	for _, code := range []int{14, 15, 16, 18, 21} {
		_, n, err := s.FindCases(ctx, pole.CaseFilter{OutcomeTypes: []int{code}, Limit: 1})
		if err != nil {
			return err
		}
		o, _ := pole.OutcomeByCode(code)
		fmt.Fprintf(m.stdout, "   %6d  outcome %d: %s\n", n, code, o.Name)
	}
	return nil
}
