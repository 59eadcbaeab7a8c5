// Package cli is caselink's command line: it parses flags, opens what a
// command needs and runs it. The commands themselves are thin; the work is in
// the domain packages.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// DefaultDB is where caselink keeps its data when neither --db nor
// CASELINK_DB says otherwise.
const DefaultDB = "sqlite:caselink.db"

// Main runs caselink commands. The end-to-end tests build it as main does.
type Main struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	commands       []command
}

type command struct {
	name    string
	summary string
	usage   string // the arguments after the command name
	run     func(ctx context.Context, m *Main, args []string) error
}

// New returns a Main writing to stdout and stderr and reading the
// environment through getenv.
func New(stdout, stderr io.Writer, getenv func(string) string) *Main {
	m := &Main{stdout: stdout, stderr: stderr, getenv: getenv}
	m.commands = []command{
		{"demo", "run caselink end to end on built-in synthetic data, then serve it if asked", "[--db DSN] [--addr HOST:PORT] [--people N]", runDemo},
		{"ingest", "load force export files through their mapping profile", "--profile FILE [--db DSN] [--by NAME] EXPORT...", runIngest},
		{"link", "link person records across forces (link explain|export|review|unmerge)", "[--db DSN] [--full] [--retrain] [--json]", runLink},
		{"migrate", "bring the database schema up to date", "[--db DSN]", runMigrate},
		{"profile", "check a mapping profile against export files (profile check)", "check --profile FILE EXPORT...", runProfile},
		{"synth", "write the synthetic national data set with its ground truth", "--out DIR [--seed N] [--people N]", runSynth},
		{"user", "add, list and disable users; issue API tokens (user add|list|disable|token)", "add|list|disable|token [flags]", runUser},
		{"network", "groups, key people and paths in the linked network (network build|groups|path)", "build|groups|path --purpose WHY [flags]", runNetwork},
		{"case", "keep a case to a case team, or lift that (case restrict)", "restrict (--team TEAM | --lift) CASE_ID", runCase},
		{"refer", "refer closed cases for review", "[--closed [--force F]] [CASE_ID...]", runRefer},
		{"triage", "score every referred case by the triage rules, with reasons", "[--rules FILE]", runTriage},
		{"review", "the review queue and workflow (review list|show|start|answer|submit|decide|send-back|conclude)", "SUBCOMMAND [flags]", runReview},
		{"action", "actions: raise, allocate, result, file, list (overdue)", "SUBCOMMAND [flags]", runAction},
		{"victim", "Victims' Code deadlines and contact preferences (victim dates|told|contact)", "SUBCOMMAND [flags]", runVictim},
		{"interest", "deconfliction: register interest in a person, vehicle, phone or venue (interest add|list|notices)", "SUBCOMMAND [flags]", runInterest},
		{"report", "the nature-and-scale report: counts, data quality, methods (report nature-and-scale)", "nature-and-scale --out DIR [flags]", runReport},
		{"serve", "serve the review's JSON API over HTTP", "[--db DSN] [--key-file FILE] [--addr HOST:PORT]", runServe},
		{"audit", "verify or export the audit log (audit verify|export)", "verify|export [flags]", runAudit},
		{"key", "make or rotate the key file (key new|rotate)", "new|rotate [flags]", runKey},
		{"version", "print the version of caselink and of its schema", "", runVersion},
		{"help", "show help for a command", "[COMMAND]", runHelp},
	}
	return m
}

// errHelp is returned when help was asked for and printed: not a failure.
var errHelp = flag.ErrHelp

// Run runs the command named by args[0] with the rest of args.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		m.usage(m.stderr)
		return pole.Invalid("command", "no command given")
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		m.usage(m.stdout)
		return nil
	}
	i := slices.IndexFunc(m.commands, func(c command) bool { return c.name == name })
	if i < 0 {
		m.usage(m.stderr)
		return pole.Invalid("command", "unknown command %q", name)
	}
	err := m.commands[i].run(ctx, m, args[1:])
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "caselink links and reviews historic group-based child sexual exploitation cases across forces.")
	fmt.Fprintln(w, "\nUsage: caselink COMMAND [flags]\n\nCommands:")
	for _, c := range m.commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'caselink COMMAND --help' for a command's flags.")
}

// flags returns a flag set for the named command that prints its usage and
// reports errors as EINVALID instead of exiting.
func (m *Main) flags(name string) *flag.FlagSet {
	i := slices.IndexFunc(m.commands, func(c command) bool { return c.name == name })
	c := m.commands[i]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: caselink %s %s\n\n%s.\n", c.name, c.usage, strings.ToUpper(c.summary[:1])+c.summary[1:])
		var has bool
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses args into fs; --help prints usage to stdout and stops.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(m.stdout)
			fs.Usage()
			return errHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return pole.Invalid("flags", "%v", err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return pole.Invalid("arguments", "unexpected arguments %q", fs.Args())
	}
	return nil
}

// parseWithArgs parses flags that may come before or after positional
// arguments, and returns the positional ones.
func (m *Main) parseWithArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		for _, a := range args {
			if a == "-h" || a == "--help" || a == "-help" {
				fs.SetOutput(m.stdout)
				fs.Usage()
				return nil, errHelp
			}
		}
		if err := fs.Parse(args); err != nil {
			return nil, pole.Invalid("flags", "%v", err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// dbFlag adds --db, defaulting to CASELINK_DB and then DefaultDB.
func (m *Main) dbFlag(fs *flag.FlagSet) *string {
	def := m.getenv("CASELINK_DB")
	if def == "" {
		def = DefaultDB
	}
	return fs.String("db", def, "database: sqlite:PATH or a postgres:// URL (env CASELINK_DB)")
}
