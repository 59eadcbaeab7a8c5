package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/pole"
)

// runProfile dispatches the profile subcommands.
func runProfile(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(m.stdout, "Usage: caselink profile check --profile FILE [--rows N] EXPORT...\n\nWork with mapping profiles.\n\nSubcommands:\n  check   read exports through a profile and show how rows map and every problem, writing nothing\n  draft   propose a profile for a delimited export nobody has seen before")
		if len(args) == 0 {
			return pole.Invalid("command", "profile needs a subcommand")
		}
		return nil
	}
	switch args[0] {
	case "check":
		return runProfileCheck(ctx, m, args[1:])
	case "draft":
		return runProfileDraft(m, args[1:])
	}
	return pole.Invalid("command", "unknown profile subcommand %q (check or draft)", args[0])
}

func runProfileCheck(ctx context.Context, m *Main, args []string) error {
	fs := m.flags("profile")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: caselink profile check --profile FILE [--rows N] EXPORT...\n\nRead each export through the profile and show how its first rows map and every problem\nfound, writing nothing.\n\nFlags:")
		fs.PrintDefaults()
	}
	profile := fs.String("profile", "", "the mapping profile (required)")
	rows := fs.Int("rows", 3, "how many rows to show mapped")
	files, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if *profile == "" || len(files) == 0 {
		fs.Usage()
		return pole.Invalid("profile", "check needs --profile and at least one export file")
	}
	p, err := ingest.LoadProfile(*profile)
	if err != nil {
		return err
	}
	for _, f := range files {
		rep, err := ingest.Check(ctx, p, f, *rows)
		if err != nil {
			return err
		}
		printCheck(m.stdout, p, rep)
	}
	return nil
}

func runProfileDraft(m *Main, args []string) error {
	fs := m.flags("profile")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: caselink profile draft --force CODE EXPORT\n\nPropose a mapping profile from a delimited export's header and first rows, on\nstandard output, for a person to review before profile check.\n\nFlags:")
		fs.PrintDefaults()
	}
	force := fs.String("force", "", "the code of the force the export comes from (required)")
	files, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return pole.Invalid("arguments", "draft reads one export file")
	}
	if _, ok := pole.ForceByCode(*force); !ok {
		fs.Usage()
		return pole.Invalid("force", "unknown force code %q", *force)
	}
	text, err := ingest.Draft(files[0], *force)
	if err != nil {
		return err
	}
	fmt.Fprint(m.stdout, text)
	return nil
}

func printCheck(w io.Writer, p *ingest.Profile, rep *ingest.CheckReport) {
	fmt.Fprintf(w, "%s read through %s (%s, %s)\n\n", rep.File, p.Path, p.Force, p.Layout)
	for _, s := range rep.Samples {
		fmt.Fprintf(w, "  row %d\n", s.Row)
		if c := s.Case; c != nil {
			fmt.Fprintf(w, "    case %s  recorded %s  offence %s..%s  codes %s  outcome %d on %s  flags %s\n",
				c.CrimeRef, c.Recorded, c.OffenceFrom, c.OffenceTo, strings.Join(c.OffenceCodes, ","), c.OutcomeType, c.OutcomeDate, strings.Join(c.Flags, ","))
		}
		for _, pr := range s.People {
			role := string(pr.Role)
			if p.Layout == ingest.NominalIndex {
				role = "nominal" // its roles in cases come from the link table
			}
			fmt.Fprintf(w, "    %-8s %s  %s, %s %s  born %s  sex %s  ethnicity %s/%s  %s", role, pr.RecordID, pr.Surname, pr.Forename, pr.MiddleNames,
				orDash(pr.DOB.String()), orDash(pr.Sex), orDash(pr.EthnicitySelf), orDash(pr.EthnicityObserved), pr.Nationality)
			if len(pr.Aliases) > 0 {
				fmt.Fprintf(w, "  aka %s", strings.Join(pr.Aliases, ", "))
			}
			for _, a := range pr.Addresses {
				fmt.Fprintf(w, "  at %s %s", a.Text, a.Postcode)
			}
			if len(pr.Phones)+len(pr.Vehicles) > 0 {
				fmt.Fprintf(w, "  %s", strings.Join(append(append([]string{}, pr.Phones...), pr.Vehicles...), " "))
			}
			fmt.Fprintln(w)
		}
		for _, e := range s.Events {
			fmt.Fprintf(w, "    event %s %s of %s in %s\n", e.Type, e.Date, e.RecordID, e.CaseRef)
		}
		if l := s.Link; l != nil {
			fmt.Fprintf(w, "    link %s is %s in %s\n", l.RecordID, l.Role, l.CaseRef)
		}
		for _, pb := range s.Problems {
			fmt.Fprintf(w, "    problem: %s %q: %s\n", pb.Field, pb.Value, pb.Reason)
		}
	}
	fmt.Fprintf(w, "\n%d rows read; %d would load; %d would be quarantined.\n", rep.Rows, rep.Rows-rep.Quarantined, rep.Quarantined)
	printProblems(w, "Problems", rep.Problems, rep.More)
	printProblems(w, "Warnings, values left out of rows that load", rep.Warnings, rep.MoreWarn)
	if len(rep.Unfound) > 0 {
		fmt.Fprintf(w, "The profile's paths that matched nothing in any line (misspelt?): %s\n", strings.Join(rep.Unfound, ", "))
	}
	if len(rep.Repairs) > 0 {
		fmt.Fprintf(w, "Repairs (%d):\n", len(rep.Repairs)+rep.MoreRepairs)
		for _, r := range rep.Repairs {
			fmt.Fprintf(w, "  row %d  %s  %q -> %q\n", r.Row, r.Field, r.Before, r.After)
		}
	}
	fmt.Fprintln(w)
}

func printProblems(w io.Writer, title string, list []ingest.Problem, more int) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(w, "%s (%d):\n", title, len(list)+more)
	for _, pb := range list {
		fmt.Fprintf(w, "  row %d  %s  %q: %s\n", pb.Row, pb.Field, pb.Value, pb.Reason)
	}
	if more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
