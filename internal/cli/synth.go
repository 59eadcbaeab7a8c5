package cli

import (
	"context"
	"fmt"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/synth"
)

func runSynth(ctx context.Context, m *Main, args []string) error {
	fs := m.flags("synth")
	out := fs.String("out", "", "directory to write exports/, profiles/, truth/ and README.txt into (required; must not hold them already)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same bytes")
	people := fs.Int("people", 10_000, "how many people to create (about 1.4 person records each)")
	quiet := fs.Bool("quiet", false, "print no progress")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return pole.Invalid("out", "--out is required")
	}
	cfg := synth.Config{Out: *out, Seed: *seed, People: *people}
	if !*quiet {
		cfg.Progress = m.stderr
	}
	sum, err := synth.Generate(ctx, cfg)
	if err != nil {
		return err
	}
	printSynthSummary(m, *out, sum)
	return nil
}

func printSynthSummary(m *Main, out string, sum synth.Summary) {
	fmt.Fprintf(m.stdout, "synthetic data set in %s (%.1fs): %d people in %d groups and alone, %d cases (%d planted as closed too early), %d person records, %d planted defects\n",
		out, sum.Elapsed.Seconds(), sum.People, sum.Groups, sum.Cases, sum.ClosedTooEarly, sum.Mentions, sum.Defects)
	for _, f := range sum.Files {
		fmt.Fprintf(m.stdout, "  %s\n", f)
	}
}
