package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/stats"
)

const reportUsage = `Usage: caselink report nature-and-scale --out DIR [--rules FILE] [--threshold N] [--round N] [--below-default-disclosure] [--purpose WHY]
       caselink report nature-and-scale --write-rules FILE

The nature-and-scale report: victims, suspected offenders, groups and
offences counted once across forces through person linkage, each headline
with the range the linkage scores allow; the data quality of each force's
records per field and year; and a methods section written from the counting
rules used. Counts under --threshold are suppressed (with further cells
where a total would give them away) and the rest rounded to --round; less
than the default (10 and 5) needs --below-default-disclosure.
DIR gets report.html (charts drawn as SVG, no external resources),
report.json, tables/*.csv and quality/*.csv. A national analyst's or
reviewer's token with the read scope.`

func runReport(ctx context.Context, m *Main, args []string) (err error) {
	sub, err := m.subcommand("report", reportUsage, args, "nature-and-scale")
	if sub == "" {
		return err
	}
	fs := m.flags("report")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), reportUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := fs.String("purpose", "nature and scale report", "why; the audit log keeps it")
	out := fs.String("out", "", "the directory to write the report to (required)")
	rulesFile := fs.String("rules", "", "counting rules in TOML (default: the rules caselink ships)")
	writeRules := fs.String("write-rules", "", "write the default counting rules to this file and stop")
	def := stats.DefaultDisclosure()
	threshold := fs.Int("threshold", def.Threshold, "suppress counts from 1 to N-1")
	round := fs.Int("round", def.Base, "round published counts to the nearest N (1: no rounding)")
	below := fs.Bool("below-default-disclosure", false, "allow a threshold under 10 or rounding under 5: small counts are then published")
	pos, err := m.parseWithArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return pole.Invalid("arguments", "report %s: unexpected arguments %q", sub, pos)
	}
	if *writeRules != "" {
		if err := os.WriteFile(*writeRules, stats.DefaultRulesFile(), 0o644); err != nil {
			return pole.Invalid("write-rules", "%v", err)
		}
		fmt.Fprintf(m.stdout, "wrote the default counting rules to %s\n", *writeRules)
		return nil
	}
	if *out == "" {
		fs.Usage()
		return pole.Invalid("out", "give the directory to write the report to")
	}
	opt := stats.Options{Disclosure: stats.Disclosure{Threshold: *threshold, Base: *round}}
	if err := opt.Disclosure.Validate(); err != nil {
		return err
	}
	// Less protection than the default publishes small counts: it must be
	// asked for in so many words (and the audit entry records the figures).
	if !*below && (*threshold < def.Threshold || *round < def.Base) {
		field := "threshold"
		if *threshold >= def.Threshold {
			field = "base"
		}
		return pole.Invalid(field, "a threshold under %d or rounding under %d publishes small counts; say so with --below-default-disclosure",
			def.Threshold, def.Base)
	}
	if *rulesFile != "" {
		if opt.Rules, err = stats.LoadRules(*rulesFile); err != nil {
			return err
		}
	}
	x, err := m.openStoreWithKeys(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	if err := x.signIn(ctx, m.getenv(EnvToken)); err != nil {
		return err
	}
	// Collect less often, as batch commands do; but no soft memory limit,
	// which a report holding a million records would keep the collector
	// running against.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(stats.BatchGCPercent)
	}
	rep, err := stats.NatureAndScale(ctx, x.st, x.guard, x.request(*purpose), opt)
	if err != nil {
		return err
	}
	if err := rep.WriteDir(*out); err != nil {
		return pole.Invalid("out", "%v", err)
	}
	fmt.Fprintf(m.stdout, "wrote %s (counting rules %q version %d)\n", filepath.Join(*out, "report.html"), rep.Rules.Name, rep.Rules.Version)
	for _, h := range rep.Headlines {
		fmt.Fprintf(m.stdout, "  %-22s %s\n", h.Label, stats.FormatHeadline(h))
	}
	return nil
}
