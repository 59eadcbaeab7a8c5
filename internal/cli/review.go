package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/web"
)

// reviewPurpose is the purpose recorded for the review's own work when a
// command is given none: the operation's reason for the records.
const reviewPurpose = "historic case review"

// desk opens a session for the holder of CASELINK_TOKEN and a review desk
// over it.
func (m *Main) desk(ctx context.Context, f *dbFlags) (*session, *review.Desk, error) {
	x, err := m.openStoreWithKeys(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	if err := x.signIn(ctx, m.getenv(EnvToken)); err != nil {
		x.Close()
		return nil, nil, err
	}
	return x, review.NewDesk(x.st, x.guard, nil), nil
}

func reviewPurposeFlag(fs *flag.FlagSet) *string {
	return fs.String("purpose", reviewPurpose, "why; the audit log keeps it")
}

const referUsage = `Usage: caselink refer [--db DSN] [--reason TEXT] CASE_ID...
       caselink refer --closed [--force FORCE] [--db DSN] [--reason TEXT]
       caselink refer --form FILE [--db DSN]

Refer closed cases for review: the cases named, or with --closed every case
within your reach closed without a charge and not yet referred (of one force
with --force), or with --form a case no export holds, from a referral form
(JSON: force, crime_ref, offence_codes, offence_from, recorded, outcome_type,
outcome_date, decision_maker, closure_rationale, narrative, flags, reason, and
people, each with role, forename, surname, aliases, dob, sex, phones,
vehicles, vulnerabilities and events of type and date). A case referred twice
is refused; a case whose victim is linked to a victim in a case another force
referred is marked as such, and that force is told.`

func runRefer(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("refer")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), referUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := reviewPurposeFlag(fs)
	reason := fs.String("reason", "", "why the case is referred")
	closed := fs.Bool("closed", false, "refer every case within reach closed without a charge")
	force := fs.String("force", "", "with --closed: one force's cases only")
	formFile := fs.String("form", "", "refer the case on this referral form (JSON)")
	ids, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	ways := 0
	for _, given := range []bool{*closed, len(ids) > 0, *formFile != ""} {
		if given {
			ways++
		}
	}
	if ways != 1 {
		fs.Usage()
		return pole.Invalid("arguments", "give case ids, --closed or --form: one of them")
	}
	var form review.Form
	if *formFile != "" {
		if form, err = readForm(*formFile); err != nil {
			return err
		}
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	rq := x.request(*purpose)
	if *formFile != "" {
		r, err := desk.ReferForm(ctx, rq, form)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "referred case %s (%s) from the form: review %s\n", r.CrimeRef, r.Force, r.ID)
		if r.DuplicateOf != "" {
			fmt.Fprintf(m.stdout, "  %s (referral %s); that force has been told\n", r.DuplicateWhy, r.DuplicateOf)
		}
		return nil
	}
	if *closed {
		n, err := desk.ReferClosed(ctx, rq, *force, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "referred %d closed cases\n", n)
		return nil
	}
	for _, id := range ids {
		r, err := desk.Refer(ctx, rq, id, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "referred case %s (%s): review %s\n", r.CrimeRef, r.Force, r.ID)
		if r.DuplicateOf != "" {
			fmt.Fprintf(m.stdout, "  %s (referral %s); that force has been told\n", r.DuplicateWhy, r.DuplicateOf)
		}
	}
	return nil
}

const triageUsage = `Usage: caselink triage [--db DSN] [--rules FILE] [--write-rules FILE]

Score every referred case by the triage rules, with the reasons rule by rule,
and move referred cases to triaged. Scores are computed from the current
linkage; 'caselink link' scores again when it changes. --rules reads a rule
set (TOML: a version and the weights to change) and makes it the one in use;
without it, the rule set last used scores (the default at first).
--write-rules writes the default rule set to edit. National analysts and reviewers only: triage
reads every force's records.`

func runTriage(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("triage")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), triageUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := reviewPurposeFlag(fs)
	rulesFile := fs.String("rules", "", "a rule set in TOML (default: the rules caselink ships)")
	writeRules := fs.String("write-rules", "", "write the default rule set to this file and stop")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *writeRules != "" {
		if err := review.WriteDefaultRules(*writeRules); err != nil {
			return pole.Invalid("write-rules", "%v", err)
		}
		fmt.Fprintf(m.stdout, "wrote the default rule set to %s\n", *writeRules)
		return nil
	}
	var rules *review.Rules
	if *rulesFile != "" {
		r, err := review.LoadRules(*rulesFile)
		if err != nil {
			return err
		}
		rules = &r
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	batchMemory(review.BatchGCPercent)
	sum, err := desk.Triage(ctx, x.request(*purpose), rules)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "scored %d referred cases (%d newly triaged) with rules %s\n", sum.Scored, sum.Promoted, sum.Rules)
	return nil
}

const reviewUsage = `Usage: caselink review SUBCOMMAND [flags]

The review of referred cases. Steps that change a review name the version
they read (--version, as 'review show' prints it): if someone else changed
it since, the step is refused and nothing changes.

Subcommands:
  list [--order score|referred] [--state S] [--force F] [--format table|csv|json] [--limit N]
            the queue within your reach
  show ID [--json]          a review: triage score with reasons, checklist,
                            history, actions, victims' deadlines
  start ID --version N      take a triaged case into review (national reviewer)
  answer ID --version N ITEM=ANSWER[:NOTE]...
                            answer checklist items: done, not_done, unknown, n/a
  submit ID --version N [--note T]
                            put the review to the panel (every item answered)
  decide ID --version N --decision nfa_confirmed|reinvestigate --reasons T
            [--action "TITLE|YYYY-MM-DD"]...   the panel's decision
  send-back ID --version N --note T            the panel returns it to review
  conclude ID --version N --outcome charge|caution|nfa [--reasons T]
                            the reinvestigation's outcome`

func runReview(ctx context.Context, m *Main, args []string) error {
	sub, err := m.subcommand("review", reviewUsage, args, "list", "show", "start", "answer", "submit", "decide", "send-back", "conclude")
	if sub == "" {
		return err
	}
	if sub == "list" {
		return runReviewList(ctx, m, args[1:])
	}
	return runReviewStep(ctx, m, sub, args[1:])
}

func runReviewList(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("review")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), reviewUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := reviewPurposeFlag(fs)
	order := fs.String("order", "score", "score (highest first) or referred (oldest first)")
	state := fs.String("state", "", "only reviews in this state")
	force := fs.String("force", "", "only this force's reviews")
	format := fs.String("format", "table", "table, csv or json")
	limit := fs.Int("limit", 0, "at most this many (0: all)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	f := pole.ReviewFilter{Force: *force, State: pole.ReviewState(*state), Limit: *limit}
	switch *order {
	case "score":
		f.ByScore = true
	case "referred":
	default:
		return pole.Invalid("order", "%q is not score or referred", *order)
	}
	if *state != "" && !isReviewState(*state) {
		return pole.Invalid("state", "unknown state %q", *state)
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return pole.Invalid("format", "%q is not table, csv or json", *format)
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	list, total, err := desk.Queue(ctx, x.request(*purpose), f)
	if err != nil {
		return err
	}
	return writeQueue(m.stdout, *format, list, total)
}

func isReviewState(s string) bool {
	for _, st := range pole.ReviewStates {
		if string(st) == s {
			return true
		}
	}
	return false
}

func writeQueue(w io.Writer, format string, list []*pole.Review, total int) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"review_id", "case_ref", "force", "state", "score", "referred_at", "same_victim_as"})
		for _, r := range list {
			cw.Write([]string{r.ID, r.CrimeRef, r.Force, string(r.State), strconv.Itoa(r.Score), r.ReferredAt.Format(time.RFC3339), r.DuplicateOf})
		}
		cw.Flush()
		return cw.Error()
	case "json":
		return writeJSON(w, web.QueueView(list, total))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tFORCE\tCASE\tSTATE\tREVIEW\tVERSION")
	for _, r := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", r.Score, r.Force, r.CrimeRef, r.State, r.ID, r.Version)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d reviews\n", len(list), total)
	return err
}

// repeated is a flag that may be given many times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ", ") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func runReviewStep(ctx context.Context, m *Main, sub string, args []string) (err error) {
	fs := m.flags("review")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), reviewUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	purpose := reviewPurposeFlag(fs)
	version := fs.Int("version", 0, "the version of the review you read (required for a change)")
	asJSON := fs.Bool("json", false, "show: print JSON")
	note := fs.String("note", "", "submit, send-back: a note for the record")
	decision := fs.String("decision", "", "decide: nfa_confirmed or reinvestigate")
	reasons := fs.String("reasons", "", "decide, conclude: the reasons")
	outcome := fs.String("outcome", "", "conclude: charge, caution or nfa")
	var actions repeated
	fs.Var(&actions, "action", `decide: an action for the force, "TITLE|YYYY-MM-DD" (repeat for more)`)
	pos, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return pole.Invalid("arguments", "review %s needs a review id", sub)
	}
	id, rest := pos[0], pos[1:]
	if sub != "answer" && len(rest) > 0 {
		return pole.Invalid("arguments", "unexpected arguments %q", rest)
	}
	if sub != "show" && *version < 1 {
		return pole.Invalid("version", "give --version, the version of the review you read ('caselink review show %s')", id)
	}
	x, desk, err := m.desk(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	rq := x.request(*purpose)
	var r *pole.Review
	switch sub {
	case "show":
		d, err := desk.Find(ctx, rq, id)
		if err != nil {
			return err
		}
		return writeDetail(m.stdout, d, *asJSON)
	case "start":
		r, err = desk.Start(ctx, rq, id, *version)
	case "answer":
		answers, perr := parseAnswers(rest)
		if perr != nil {
			return perr
		}
		r, err = desk.Answer(ctx, rq, id, *version, answers)
	case "submit":
		r, err = desk.Submit(ctx, rq, id, *version, *note)
	case "decide":
		pd := review.PanelDecision{Decision: *decision, Reasons: *reasons}
		for _, a := range actions {
			act, perr := parseAction(a)
			if perr != nil {
				return perr
			}
			pd.Actions = append(pd.Actions, act)
		}
		r, err = desk.Decide(ctx, rq, id, *version, pd)
	case "send-back":
		r, err = desk.SendBack(ctx, rq, id, *version, *note)
	case "conclude":
		r, err = desk.Conclude(ctx, rq, id, *version, *outcome, *reasons)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "review %s (%s %s) is %s, version %d\n", r.ID, r.Force, r.CrimeRef, r.State, r.Version)
	return nil
}

// parseAnswers reads ITEM=ANSWER[:NOTE] arguments.
func parseAnswers(args []string) (map[string]pole.ChecklistAnswer, error) {
	if len(args) == 0 {
		return nil, pole.Invalid("arguments", "give answers as ITEM=ANSWER[:NOTE]; items: %s", strings.Join(pole.ChecklistItems, ", "))
	}
	out := map[string]pole.ChecklistAnswer{}
	for _, a := range args {
		item, rest, ok := strings.Cut(a, "=")
		if !ok {
			return nil, pole.Invalid("arguments", "%q is not ITEM=ANSWER[:NOTE]", a)
		}
		answer, note, _ := strings.Cut(rest, ":")
		out[strings.TrimSpace(item)] = pole.ChecklistAnswer{Answer: strings.TrimSpace(answer), Note: strings.TrimSpace(note)}
	}
	return out, pole.ValidateChecklist(out)
}

// parseAction reads "TITLE|YYYY-MM-DD".
func parseAction(s string) (*pole.Action, error) {
	title, due, ok := strings.Cut(s, "|")
	if !ok {
		return nil, pole.Invalid("action", "%q is not \"TITLE|YYYY-MM-DD\"", s)
	}
	d, err := pole.ParsePartialDate(strings.TrimSpace(due))
	if err != nil {
		return nil, pole.Invalid("action", "%q: %v", s, err)
	}
	a := &pole.Action{Title: strings.TrimSpace(title), Due: d}
	return a, a.Validate()
}

func writeDetail(w io.Writer, d *review.Detail, asJSON bool) error {
	if asJSON {
		return writeJSON(w, web.DetailView(d))
	}
	r := d.Review
	fmt.Fprintf(w, "review %s, version %d\ncase %s of %s (%s)\nstate %s", r.ID, r.Version, r.CrimeRef, r.Force, r.CaseID, r.State)
	if r.Reviewer != "" {
		fmt.Fprintf(w, ", reviewer %s", r.Reviewer)
	}
	fmt.Fprintf(w, "\nreferred by %s on %s", r.ReferredBy, r.ReferredAt.Format("2006-01-02"))
	if r.Reason != "" {
		fmt.Fprintf(w, ": %s", r.Reason)
	}
	fmt.Fprintln(w)
	if r.DuplicateOf != "" {
		fmt.Fprintf(w, "%s (referral %s)\n", r.DuplicateWhy, r.DuplicateOf)
	}
	if d.Triage != nil {
		fmt.Fprintf(w, "\ntriage score %d (rules %s)\n", d.Triage.Score, d.Rules)
		for _, rs := range d.Triage.Reasons {
			fmt.Fprintf(w, "  +%-3d %s: %s\n", rs.Weight, rs.Rule, rs.Says)
			for _, e := range rs.Evidence {
				where := e.Kind
				if e.Field != "" {
					where += " " + e.Field
				}
				if e.ID != "" {
					where += " " + e.ID
				}
				fmt.Fprintf(w, "        [%s] %s\n", where, e.Text)
			}
		}
	}
	if len(r.Checklist) > 0 {
		fmt.Fprintln(w, "\nchecklist")
		for _, item := range pole.ChecklistItems {
			if a, ok := r.Checklist[item]; ok {
				fmt.Fprintf(w, "  %-32s %s %s\n", item, a.Answer, a.Note)
			}
		}
	}
	if r.Decision != "" {
		fmt.Fprintf(w, "\npanel: %s: %s\n", r.Decision, r.DecisionReasons)
	}
	if r.Outcome != "" {
		fmt.Fprintf(w, "outcome: %s: %s\n", r.Outcome, r.OutcomeReasons)
	}
	if len(d.Actions) > 0 {
		fmt.Fprintln(w, "\nactions")
		for _, a := range d.Actions {
			fmt.Fprintf(w, "  %s %-9s due %s owner %s: %s (version %d)\n", a.ID, a.State, a.Due, orDash(a.Owner), a.Title, a.Version)
		}
	}
	if len(d.VictimDates) > 0 {
		fmt.Fprintln(w, "\nvictims to be told")
		for _, u := range d.VictimDates {
			told := "not yet told"
			if !u.ToldAt.IsZero() {
				told = "told " + u.ToldAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "  %s %s: %s by %s; %s\n", u.ID, u.Pseudonym, u.Decision, u.Deadline.Format("2006-01-02 15:04 MST"), told)
		}
	}
	fmt.Fprintln(w, "\nhistory")
	for _, t := range d.History {
		fmt.Fprintf(w, "  %s %s → %s by %s %s\n", t.At.Format(time.RFC3339), orDash(string(t.From)), t.To, t.By, t.Note)
	}
	return nil
}

// batchMemory lets a command that holds a whole data set in memory collect
// less often (GOGC gc), under the memory limit linkage runs with, unless
// GOGC or GOMEMLIMIT were given.
func batchMemory(gc int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gc)
	}
	if limit := debug.SetMemoryLimit(-1); limit == math.MaxInt64 {
		debug.SetMemoryLimit(linkrun.MemoryLimit)
	}
}

// readForm reads a referral form, refusing fields it does not know.
func readForm(path string) (review.Form, error) {
	var f review.Form
	file, err := os.Open(path)
	if err != nil {
		return f, pole.Invalid("form", "%v", err)
	}
	defer file.Close()
	dec := json.NewDecoder(io.LimitReader(file, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, pole.Invalid("form", "%s: %v", path, err)
	}
	return f, nil
}
