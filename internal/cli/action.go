package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/caselink/caselink/internal/calendar"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/web"
)

const actionUsage = `Usage: caselink action SUBCOMMAND [flags]

Actions, as a major incident room runs them: raised, allocated, resulted,
filed. A change names the version it read (--version).

Subcommands:
  raise REVIEW_ID --title T --due YYYY-MM-DD [--owner LOGIN]
  allocate ID --version N --owner LOGIN
  result ID --version N --result T
  file ID --version N
  list [--review ID] [--force F] [--owner LOGIN] [--overdue] [--json]`

func runAction(ctx context.Context, m *Main, args []string) (err error) {
	sub, err := m.subcommand("action", actionUsage, args, "raise", "allocate", "result", "file", "list")
	if sub == "" {
		return err
	}
	fs := m.flags("action")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), actionUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := reviewPurposeFlag(fs)
	version := fs.Int("version", 0, "the version of the action you read")
	title := fs.String("title", "", "raise: what is to be done")
	due := fs.String("due", "", "raise: the day it is due, YYYY-MM-DD")
	owner := fs.String("owner", "", "raise, allocate, list: whom it is allocated to")
	result := fs.String("result", "", "result: what the action found")
	reviewID := fs.String("review", "", "list: one review's actions")
	force := fs.String("force", "", "list: one force's actions")
	overdue := fs.Bool("overdue", false, "list: only those past their due day and not yet resulted")
	asJSON := fs.Bool("json", false, "list: print JSON")
	pos, err := m.parseWithArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if sub == "list" && len(pos) > 0 || sub != "list" && len(pos) != 1 {
		fs.Usage()
		return pole.Invalid("arguments", "action %s: unexpected arguments %q", sub, pos)
	}
	if sub != "list" && sub != "raise" && *version < 1 {
		return pole.Invalid("version", "give --version, the version of the action you read")
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	rq := x.request(*purpose)
	var a *pole.Action
	switch sub {
	case "list":
		f := pole.ActionFilter{ReviewID: *reviewID, Force: *force, Owner: *owner}
		if *overdue {
			now := time.Now().In(calendar.London)
			f.OverdueOn = pole.Date(now.Year(), int(now.Month()), now.Day())
		}
		list, err := desk.Actions(ctx, rq, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(m.stdout, web.ActionsView(list))
		}
		tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DUE\tSTATE\tFORCE\tOWNER\tACTION\tVERSION\tTITLE")
		for _, a := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", a.Due, a.State, a.Force, orDash(a.Owner), a.ID, a.Version, a.Title)
		}
		return tw.Flush()
	case "raise":
		d, perr := pole.ParsePartialDate(strings.TrimSpace(*due))
		if perr != nil {
			return pole.Invalid("due", "%v", perr)
		}
		a = &pole.Action{Title: strings.TrimSpace(*title), Due: d, Owner: strings.TrimSpace(*owner)}
		err = desk.Raise(ctx, rq, pos[0], a)
	case "allocate":
		a, err = desk.Allocate(ctx, rq, pos[0], *version, strings.TrimSpace(*owner))
	case "result":
		a, err = desk.Result(ctx, rq, pos[0], *version, *result)
	case "file":
		a, err = desk.File(ctx, rq, pos[0], *version)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "action %s is %s, version %d\n", a.ID, a.State, a.Version)
	return nil
}

const victimUsage = `Usage: caselink victim SUBCOMMAND [flags]

The Victims' Code: each decision a victim must be told of, by when (one
working day for enhanced-rights victims, five otherwise, counting England
and Wales bank holidays), and whether they were told. Victims appear by
pseudonym.

Subcommands:
  dates [--overdue] [--untold] [--json]
  told UPDATE_ID [--at RFC3339] [--method M]
  contact RECORD_ID [--method M] [--named-contact NAME] [--enhanced] [--opted-out]`

func runVictim(ctx context.Context, m *Main, args []string) (err error) {
	sub, err := m.subcommand("victim", victimUsage, args, "dates", "told", "contact")
	if sub == "" {
		return err
	}
	fs := m.flags("victim")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), victimUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := reviewPurposeFlag(fs)
	overdue := fs.Bool("overdue", false, "dates: only those past their deadline and not told")
	untold := fs.Bool("untold", false, "dates: only those not yet told")
	asJSON := fs.Bool("json", false, "dates: print JSON")
	at := fs.String("at", "", "told: when the victim was told (RFC 3339; default now)")
	method := fs.String("method", "", "told, contact: how ("+strings.Join(pole.ContactMethods, ", ")+")")
	named := fs.String("named-contact", "", "contact: the officer or ISVA who keeps the victim informed")
	enhanced := fs.Bool("enhanced", false, "contact: entitled to enhanced rights")
	optedOut := fs.Bool("opted-out", false, "contact: the victim asked not to be told of decisions")
	pos, err := m.parseWithArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if sub == "dates" && len(pos) > 0 || sub != "dates" && len(pos) != 1 {
		fs.Usage()
		return pole.Invalid("arguments", "victim %s: unexpected arguments %q", sub, pos)
	}
	var when time.Time
	if *at != "" {
		if when, err = time.Parse(time.RFC3339, *at); err != nil {
			return pole.Invalid("at", "%q is not an RFC 3339 time such as 2026-11-27T10:00:00Z", *at)
		}
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	rq := x.request(*purpose)
	switch sub {
	case "dates":
		f := pole.VictimUpdateFilter{Untold: *untold}
		if *overdue {
			f.OverdueAt = time.Now()
		}
		list, err := desk.VictimDates(ctx, rq, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(m.stdout, web.VictimUpdatesView(list))
		}
		tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DEADLINE\tVICTIM\tFORCE\tDECISION\tTOLD\tUPDATE")
		for _, u := range list {
			told := "-"
			if !u.ToldAt.IsZero() {
				told = u.ToldAt.In(calendar.London).Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Deadline.In(calendar.London).Format("2006-01-02 15:04"), u.Pseudonym, u.Force, u.Decision, told, u.ID)
		}
		return tw.Flush()
	case "told":
		u, err := desk.Told(ctx, rq, pos[0], when, *method)
		if err != nil {
			return err
		}
		late := ""
		if u.ToldAt.After(u.Deadline) {
			late = fmt.Sprintf(" (late: %d working days past the deadline)", calendar.WorkingDaysBetween(u.Deadline, u.ToldAt))
		}
		fmt.Fprintf(m.stdout, "%s told of %s at %s%s\n", u.Pseudonym, u.Decision, u.ToldAt.In(calendar.London).Format("2006-01-02 15:04"), late)
		return nil
	}
	c := &pole.VictimContact{MentionID: pos[0], Method: *method, NamedContact: strings.TrimSpace(*named), Enhanced: *enhanced, OptedOut: *optedOut}
	if err := desk.SetContact(ctx, rq, c); err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "contact preferences recorded for %s\n", c.MentionID)
	return nil
}

const interestUsage = `Usage: caselink interest SUBCOMMAND [flags]

Deconfliction: register your force's interest in a person (by one of their
records), a vehicle, a phone or a venue (POSTCODE|HOUSE). When another force
holds an interest in the same one, both are told whom to contact; neither
sees the other's material.

Subcommands:
  add --kind person|vehicle|phone|venue VALUE [--reason T]
  list        your force's interests
  notices     who outside your force reached for its records or shares its interests`

func runInterest(ctx context.Context, m *Main, args []string) (err error) {
	sub, err := m.subcommand("interest", interestUsage, args, "add", "list", "notices")
	if sub == "" {
		return err
	}
	fs := m.flags("interest")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), interestUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := fs.String("purpose", "deconfliction", "why; the audit log keeps it")
	kind := fs.String("kind", "", "add: person, vehicle, phone or venue")
	reason := fs.String("reason", "", "add: why your force is interested")
	pos, err := m.parseWithArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if sub == "add" && len(pos) != 1 || sub != "add" && len(pos) > 0 {
		fs.Usage()
		return pole.Invalid("arguments", "interest %s: unexpected arguments %q", sub, pos)
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	rq := x.request(*purpose)
	switch sub {
	case "add":
		held, err := desk.Register(ctx, rq, *kind, pos[0], *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "interest registered for %s\n", x.who.Force)
		for _, h := range held {
			fmt.Fprintf(m.stdout, "  %s also holds an interest: contact %s (they have been told of yours)\n", h.Force, strings.Join(h.Contacts, ", "))
		}
		return nil
	case "list":
		list, err := desk.Interests(ctx, rq)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "REGISTERED\tKIND\tKEY\tBY\tREASON")
		for _, in := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", in.CreatedAt.Format("2006-01-02"), in.Kind, in.Key, in.Login, in.Reason)
		}
		return tw.Flush()
	}
	list, err := x.guard.Notices(ctx, rq, 0)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tFROM FORCE\tCONTACT\tABOUT\tRECORD\tREASON")
	for _, n := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.CreatedAt.Format("2006-01-02 15:04"), n.FromForce, n.FromLogin, n.RecordKind, n.RecordID, n.Reason)
	}
	return tw.Flush()
}

// subcommand reads the subcommand a command with subcommands is given: with
// none, or --help, it prints usage and returns "" (an error for none); one
// not among known is EINVALID.
func (m *Main) subcommand(name, usage string, args []string, known ...string) (string, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(m.stdout, usage)
		if len(args) == 0 {
			return "", pole.Invalid("command", "%s needs a subcommand (%s)", name, strings.Join(known, ", "))
		}
		return "", nil
	}
	if !slices.Contains(known, args[0]) {
		return "", pole.Invalid("command", "unknown %s subcommand %q (%s)", name, args[0], strings.Join(known, ", "))
	}
	return args[0], nil
}
