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
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/store"
)

// runLink dispatches "caselink link" and its subcommands.
func runLink(ctx context.Context, m *Main, args []string) (err error) {
	if len(args) > 0 {
		switch args[0] {
		case "explain":
			return runLinkExplain(ctx, m, args[1:])
		case "export":
			return runLinkExport(ctx, m, args[1:])
		case "review":
			return runLinkReview(ctx, m, args[1:])
		case "unmerge":
			return runLinkUnmerge(ctx, m, args[1:])
		}
	}
	fs := m.flags("link")
	db := m.dbFlags(fs)
	full := fs.Bool("full", false, "re-cluster every record, not only new and changed ones (entity ids carry over)")
	retrain := fs.Bool("retrain", false, "estimate a new model even if one is saved")
	asJSON := fs.Bool("json", false, "print the run's report as JSON")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	x, err := m.openSession(ctx, db, access.LinkRun, access.Resource{Kind: "link_run"})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	if err := x.needAllForces(ctx, access.LinkRun); err != nil {
		return err
	}
	s := x.st
	if limit := debug.SetMemoryLimit(-1); limit == math.MaxInt64 {
		// No GOMEMLIMIT given: keep the heap near what a million
		// mentions need rather than let it double.
		debug.SetMemoryLimit(linkrun.MemoryLimit)
	}
	rep, err := linkrun.Run(ctx, s, linkrun.Options{Full: *full, Retrain: *retrain})
	if err != nil {
		return err
	}
	err = x.record(ctx, audit.Entry{Action: audit.Combination, RecordKind: "link_run", RecordIDs: []string{rep.RunID},
		Purpose: "link person records across forces", Detail: fmt.Sprintf("%d records, %d people", rep.Records, rep.Entities)})
	if err != nil {
		return err
	}
	// New linkage is new evidence for triage: referred cases are scored
	// again, by the rule set in use.
	retriaged, err := retriage(ctx, x)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printLinkReport(m.stdout, rep)
	if retriaged > 0 {
		fmt.Fprintf(m.stdout, "  scored %d referred cases again on the new links\n", retriaged)
	}
	return nil
}

// retriage scores the referred cases again after a linkage run, if there
// are any.
func retriage(ctx context.Context, x *session) (int, error) {
	_, n, err := x.st.FindReviews(ctx, pole.ReviewFilter{Limit: 1})
	if err != nil || n == 0 {
		return 0, err
	}
	sum, err := review.NewDesk(x.st, x.guard, nil).Triage(ctx, x.request("score referred cases on new linkage"), nil)
	return sum.Scored, err
}

func printLinkReport(w io.Writer, rep *linkrun.Report) {
	mode := "new and changed records"
	if rep.Full {
		mode = "every record"
	}
	trained := "saved"
	if rep.Trained {
		trained = "newly trained"
	}
	fmt.Fprintf(w, "linked %s: %d records (%d new), model version %d (%s)\n", mode, rep.Records, rep.NewRecords, rep.ModelVersion, trained)
	if rep.Trained {
		t := rep.Training
		fmt.Fprintf(w, "  EM converged: %v after %d iterations (largest last change %.2g), %d training pairs, %d distinct patterns\n",
			t.Converged, t.Iterations, t.MaxChange, t.TrainingPairs, t.Patterns)
		if a := t.Associates; a != nil {
			state := "estimated"
			if !a.Estimated {
				state = "too few pairs to estimate: weighs nothing"
			}
			fmt.Fprintf(w, "  associates (a person in common across cases) %s from %d first-pass links and %d sampled candidate pairs\n",
				state, a.LinkedPairs, a.CandidatePairs)
		}
	}
	fmt.Fprintln(w, "  blocking rules (pairs each added):")
	for _, b := range rep.Blocking {
		over := ""
		if b.OversizedBlocks > 0 {
			noun := "blocks"
			if b.OversizedBlocks == 1 {
				noun = "block"
			}
			over = fmt.Sprintf(", %d %s over the size cap left to the other rules", b.OversizedBlocks, noun)
		}
		fmt.Fprintf(w, "    %-48s %10d%s\n", b.Rule, b.Pairs, over)
	}
	st := rep.Stats
	fmt.Fprintf(w, "  %d candidate pairs, %d linked, %d for review, %d merges refused by cluster evidence\n",
		st.CandidatePairs, st.LinkedPairs, st.ReviewPairs, st.RefusedMerges)
	fmt.Fprintf(w, "  %d people; this run created %d, joined records to %d, merged %d, split %d\n",
		rep.Entities, rep.Created, rep.Joined, rep.Merged, rep.Split)
	if len(rep.Objects) > 0 {
		fmt.Fprintf(w, "  objects and places: %d phones, %d vehicles, %d places\n", rep.Objects["phone"], rep.Objects["vehicle"], rep.Objects["place"])
	}
}

// openRecords opens a session for a and reads the person records as
// linkage sees them; the caller closes the session.
func (m *Main) openRecords(ctx context.Context, db *dbFlags, a access.Action) (*session, *linkrun.Data, error) {
	x, err := m.openSession(ctx, db, a, access.Resource{Kind: "mention"})
	if err != nil {
		return nil, nil, err
	}
	d, err := linkrun.Load(ctx, x.st)
	if err != nil {
		x.Close()
		return nil, nil, err
	}
	return x, d, nil
}

// recordRef finds a record by mention id or by SOURCE:RECORD_ID, where
// SOURCE is "force/file name" as link export writes it.
func recordRef(d *linkrun.Data, ref string) (int, error) {
	if i, ok := d.Index(ref); ok {
		return i, nil
	}
	if src, id, ok := strings.Cut(ref, ":"); ok {
		if i, ok := d.Find(src, id); ok {
			return i, nil
		}
	}
	return 0, pole.Errorf(pole.ENOTFOUND, "no person record %q: give a mention id or SOURCE:RECORD_ID as 'caselink link export' writes them", ref)
}

func savedModel(ctx context.Context, s *store.Store) (*linkage.Model, int, error) {
	lm, err := s.LatestLinkModel(ctx)
	if err != nil {
		if pole.ErrorCode(err) == pole.ENOTFOUND {
			return nil, 0, pole.Errorf(pole.ENOTFOUND, "no link model is saved: run 'caselink link' first")
		}
		return nil, 0, err
	}
	var model linkage.Model
	if err := json.Unmarshal(lm.Params, &model); err != nil {
		return nil, 0, fmt.Errorf("link model version %d: %w", lm.Version, err)
	}
	return &model, lm.Version, nil
}

func runLinkExplain(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("link")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: caselink link explain --purpose WHY [--db DSN] RECORD RECORD\n\nShow each field's comparison level and weight for two person records, given as mention ids or SOURCE:RECORD_ID.\nA victim's values stay sealed; the levels and weights still show.")
		fs.PrintDefaults()
	}
	db := m.dbFlags(fs)
	purpose := purposeFlag(fs)
	refs, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(refs) != 2 {
		fs.Usage()
		return pole.Invalid("arguments", "link explain takes two records, got %d", len(refs))
	}
	if err := needPurpose(*purpose); err != nil {
		return err
	}
	x, d, err := m.openRecords(ctx, db, access.LinkExplain)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	s := x.st
	model, version, err := savedModel(ctx, s)
	if err != nil {
		return err
	}
	i, err := recordRef(d, refs[0])
	if err != nil {
		return err
	}
	j, err := recordRef(d, refs[1])
	if err != nil {
		return err
	}
	a, b := d.Records[i], d.Records[j]
	// Each record is read through the guard: the policy decides, the read
	// is audited, and a victim comes back as a pseudonym.
	ma, err := x.guard.FindMention(ctx, x.request(*purpose), a.Key)
	if err != nil {
		return err
	}
	mb, err := x.guard.FindMention(ctx, x.request(*purpose), b.Key)
	if err != nil {
		return err
	}
	// Associates are read from the people as they are now linked.
	members, err := s.EntityMembers(ctx)
	if err != nil {
		return err
	}
	e, err := linkage.Explain(d.Records, model, d.Clusters(members), i, j)
	if err != nil {
		return err
	}
	if ma.Pseudonym != "" {
		for k := range e.Fields {
			e.Fields[k].A = "(sealed)"
		}
	}
	if mb.Pseudonym != "" {
		for k := range e.Fields {
			e.Fields[k].B = "(sealed)"
		}
	}
	fmt.Fprintf(m.stdout, "first:  %s:%s %s\nsecond: %s:%s %s\nmodel version %d\n\n", a.Source, a.ID, shownName(ma), b.Source, b.ID, shownName(mb), version)
	fmt.Fprint(m.stdout, e.String())
	ea, _ := s.EntityOfMention(ctx, a.Key)
	eb, _ := s.EntityOfMention(ctx, b.Key)
	switch {
	case ea == "" || eb == "":
		fmt.Fprintln(m.stdout, "not yet linked: run 'caselink link'")
	case ea == eb:
		fmt.Fprintf(m.stdout, "both are person %s\n", ea)
	default:
		fmt.Fprintf(m.stdout, "they are different people: %s and %s\n", ea, eb)
	}
	return nil
}

func runLinkExport(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("link")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: caselink link export --out FILE --purpose WHY [--db DSN]\n\nWrite source,record_id,entity_id for every person record.")
		fs.PrintDefaults()
	}
	db := m.dbFlags(fs)
	out := fs.String("out", "", "CSV file to write")
	purpose := purposeFlag(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return pole.Invalid("out", "link export needs --out FILE")
	}
	if err := needPurpose(*purpose); err != nil {
		return err
	}
	x, d, err := m.openRecords(ctx, db, access.LinkExport)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	if err := x.needAllForces(ctx, access.LinkExport); err != nil {
		return err
	}
	s := x.st
	members, err := s.EntityMembers(ctx)
	if err != nil {
		return err
	}
	// Records of cases kept to a team the analyst is not in stay out.
	hidden, err := s.RestrictedMentions(ctx, x.who.Teams)
	if err != nil {
		return err
	}
	run, err := s.LatestLinkRun(ctx)
	if err != nil {
		return err
	}
	err = x.record(ctx, audit.Entry{Action: audit.Disclosure, RecordKind: "link_run", RecordIDs: []string{run.ID}, Purpose: *purpose,
		Recipient: x.who.Login + " (file " + *out + ")", Detail: fmt.Sprintf("every person record's entity: %d rows", len(d.Records))})
	if err != nil {
		return err
	}
	return writeFileAtomic(*out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"source", "record_id", "entity_id"})
		for _, r := range d.Records {
			if !hidden[r.Key] {
				cw.Write([]string{r.Source, r.ID, members[r.Key]})
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// writeFileAtomic writes a file whole or not at all.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(dirOf(path), ".caselink-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	// What caselink writes out is personal data or about it: readable by
	// its owner alone, and on disk before it takes the name.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, os.PathSeparator); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// The labelled-pairs layout the review queue exports and imports, as
// Splink's labelling tools write it.
var labelHeader = []string{"unique_id_l", "source_dataset_l", "unique_id_r", "source_dataset_r", "clerical_match_score"}

func runLinkReview(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("link")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: caselink link review (--export FILE [--limit N] --purpose WHY | --import FILE) [--db DSN]\n\nExport the uncertain pairs for clerical review, or import reviewed pairs\n(clerical_match_score 1 = same, 0 = different, anything between = unsure).\nImported judgements are made by the holder of the API token.")
		fs.PrintDefaults()
	}
	db := m.dbFlags(fs)
	export := fs.String("export", "", "write the pairs awaiting review to this CSV file")
	limit := fs.Int("limit", 1000, "most pairs to export")
	imp := fs.String("import", "", "read reviewed pairs from this CSV file")
	purpose := purposeFlag(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if (*export == "") == (*imp == "") {
		return pole.Invalid("flags", "link review needs exactly one of --export FILE and --import FILE")
	}
	if *export != "" {
		if err := needPurpose(*purpose); err != nil {
			return err
		}
	}
	x, d, err := m.openRecords(ctx, db, access.LinkJudge)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	s := x.st
	if *export != "" {
		pairs, err := s.ReviewPairs(ctx, *limit, x.reach())
		if err != nil {
			return err
		}
		ids := []string{}
		for _, p := range pairs {
			ids = append(ids, p.A, p.B)
		}
		err = x.record(ctx, audit.Entry{Action: audit.Disclosure, RecordKind: "mention", RecordIDs: ids, Purpose: *purpose,
			Recipient: x.who.Login + " (file " + *export + ")", Detail: fmt.Sprintf("%d pairs for clerical review", len(pairs))})
		if err != nil {
			return err
		}
		err = writeFileAtomic(*export, func(w io.Writer) error {
			cw := csv.NewWriter(w)
			cw.Write(labelHeader)
			for _, p := range pairs {
				i, _ := d.Index(p.A)
				j, _ := d.Index(p.B)
				a, b := d.Records[i], d.Records[j]
				cw.Write([]string{a.ID, a.Source, b.ID, b.Source, ""})
			}
			cw.Flush()
			return cw.Error()
		})
		if err == nil {
			fmt.Fprintf(m.stdout, "wrote %d pairs for review to %s\n", len(pairs), *export)
		}
		return err
	}
	js, err := readLabels(*imp, d, x.who.Login)
	if err != nil {
		return err
	}
	// A judgement is a change to both records' people: both must be
	// within reach.
	for _, j := range js {
		for _, id := range []string{j.A, j.B} {
			ok, force, err := x.reachesMention(ctx, id)
			if err != nil {
				return err
			}
			if !ok {
				return x.refuse(ctx, access.LinkJudge, access.Resource{Kind: "mention", ID: id, Force: force},
					fmt.Sprintf("record %s (%s) is beyond your reach: another force's, or kept to a case team you are not in", id, force))
			}
		}
	}
	ids := []string{}
	for _, j := range js {
		ids = append(ids, j.A, j.B)
	}
	if len(js) > 0 {
		err = x.record(ctx, audit.Entry{Action: audit.Alteration, RecordKind: "mention", RecordIDs: ids, Purpose: "clerical review of links",
			Detail: fmt.Sprintf("%d judgements imported from %s", len(js), *imp)})
		if err != nil {
			return err
		}
	}
	if err := s.SaveJudgements(ctx, js); err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "imported %d judgements from %s; run 'caselink link --full' to apply them\n", len(js), *imp)
	return nil
}

// readLabels reads a labelled-pairs file, naming the line and field of any
// fault. Nothing is imported unless every line is good.
func readLabels(path string, d *linkrun.Data, by string) ([]store.Judgement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(labelHeader)
	head, err := r.Read()
	if err != nil {
		return nil, pole.Invalid("import", "%s line 1: %v", path, err)
	}
	for k, h := range labelHeader {
		if strings.TrimSpace(strings.TrimPrefix(head[k], "\ufeff")) != h {
			return nil, pole.Invalid("import", "%s line 1: column %d is %q, want %q (header %s)", path, k+1, head[k], h, strings.Join(labelHeader, ","))
		}
	}
	now := time.Now().UTC()
	var js []store.Judgement
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The csv package's errors name the line themselves.
			return nil, pole.Invalid("import", "%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		i, ok := d.Find(row[1], row[0])
		if !ok {
			return nil, pole.Invalid("import", "%s line %d, unique_id_l: no record %q in source %q", path, line, row[0], row[1])
		}
		j, ok := d.Find(row[3], row[2])
		if !ok {
			return nil, pole.Invalid("import", "%s line %d, unique_id_r: no record %q in source %q", path, line, row[2], row[3])
		}
		if i == j {
			return nil, pole.Invalid("import", "%s line %d: a record is paired with itself", path, line)
		}
		score := strings.TrimSpace(row[4])
		if score == "" {
			continue // not reviewed yet
		}
		v, err := strconv.ParseFloat(score, 64)
		if err != nil || !(v >= 0 && v <= 1) {
			return nil, pole.Invalid("import", "%s line %d, clerical_match_score: %q is not a number from 0 to 1", path, line, score)
		}
		decision := "unsure"
		switch v {
		case 1:
			decision = "same"
		case 0:
			decision = "different"
		}
		js = append(js, store.Judgement{A: d.Records[i].Key, B: d.Records[j].Key, Decision: decision, MadeBy: by, Note: "imported from " + path, MadeAt: now})
	}
	return js, nil
}

func runLinkUnmerge(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("link")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: caselink link unmerge [--db DSN] CHANGE_ID\n\nUndo a merge: its records go back to the person they came from, and stay apart in later runs.\nThe unmerge is made by the holder of the API token.")
		fs.PrintDefaults()
	}
	db := m.dbFlags(fs)
	ids, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return pole.Invalid("arguments", "link unmerge takes one change id")
	}
	x, err := m.openSession(ctx, db, access.LinkJudge, access.Resource{Kind: "entity_change", ID: ids[0]})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	s := x.st
	change, err := s.FindEntityChange(ctx, ids[0])
	if err != nil {
		return err
	}
	// Undoing a merge moves its records: every one must be within reach.
	for _, id := range change.Mentions {
		ok, force, err := x.reachesMention(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return x.refuse(ctx, access.LinkJudge, access.Resource{Kind: "mention", ID: id, Force: force},
				fmt.Sprintf("record %s (%s) is beyond your reach: another force's, or kept to a case team you are not in", id, force))
		}
	}
	err = x.record(ctx, audit.Entry{Action: audit.Alteration, RecordKind: "entity_change", RecordIDs: []string{ids[0]},
		Purpose: "undo a merge", Detail: "unmerge"})
	if err != nil {
		return err
	}
	c, err := linkrun.Unmerge(ctx, s, ids[0], x.who.Login, time.Now().UTC())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "undid merge %s: %d records moved back to person %s\n", ids[0], len(c.Mentions), c.OtherID)
	return nil
}

// purposeFlag adds --purpose: s62 asks that every consultation and
// disclosure of personal data give its justification.
func purposeFlag(fs *flag.FlagSet) *string {
	return fs.String("purpose", "", "why the records are needed; the audit log keeps it (required)")
}

func needPurpose(p string) error {
	if strings.TrimSpace(p) == "" {
		return pole.Invalid("purpose", "say why the records are needed with --purpose; the audit log keeps it")
	}
	return nil
}

// shownName is how a person record is named on screen: a sealed one (a
// victim's, or a nominal record that may be) by pseudonym, anyone else by
// name.
func shownName(m *pole.Mention) string {
	if m.Pseudonym != "" {
		return m.Pseudonym + " (identity sealed)"
	}
	return strings.TrimSpace(m.Forename + " " + m.Surname)
}
