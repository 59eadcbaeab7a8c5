package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
)

const caseUsage = `Usage: caselink case restrict (--team TEAM | --lift) [--db DSN] CASE_ID

Keep a case to a case team: then only the team's members read it, or find
it or its people in a search, whatever their role. --lift ends that. A
national reviewer, or a supervisor of the case's force, does it; a case
kept to a team is changed only by someone in the team.`

func runCase(ctx context.Context, m *Main, args []string) (err error) {
	if len(args) == 0 || args[0] != "restrict" {
		fmt.Fprintln(m.stdout, caseUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return nil
		}
		return pole.Invalid("command", "case needs a subcommand: restrict")
	}
	fs := m.flags("case")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), caseUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	team := fs.String("team", "", "the case team to keep the case to")
	lift := fs.Bool("lift", false, "end the case's restriction")
	ids, err := m.parseWithArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		fs.Usage()
		return pole.Invalid("arguments", "case restrict takes one case id, got %d", len(ids))
	}
	*team = strings.TrimSpace(*team)
	if (*team == "") == !*lift {
		return pole.Invalid("team", "give either --team TEAM or --lift")
	}
	x, err := m.openStoreWithKeys(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	if err := x.signIn(ctx, m.getenv(EnvToken)); err != nil {
		return err
	}
	c, err := x.st.FindCaseByID(ctx, ids[0])
	if err != nil {
		return err
	}
	current, err := x.st.CaseTeam(ctx, c.ID)
	if err != nil {
		return err
	}
	if err := x.allow(ctx, access.CaseRestrict, access.Resource{Kind: "case", ID: c.ID, Force: c.Force, Team: current}); err != nil {
		return err
	}
	detail := "kept to case team " + *team
	if *lift {
		if current == "" {
			fmt.Fprintf(m.stdout, "case %s (%s, %s) is not restricted: nothing changed\n", c.CrimeRef, c.Force, c.ID)
			return nil
		}
		detail = "restriction to case team " + current + " lifted"
	}
	if err := x.record(ctx, audit.Entry{Action: audit.Alteration, RecordKind: "case", RecordIDs: []string{c.ID}, Detail: detail}); err != nil {
		return err
	}
	if err := x.st.RestrictCase(ctx, c.ID, *team, x.who.Login); err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "case %s (%s, %s): %s\n", c.CrimeRef, c.Force, c.ID, detail)
	return nil
}
