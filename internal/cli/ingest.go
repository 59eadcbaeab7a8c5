package cli

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func runIngest(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("ingest")
	db := m.dbFlags(fs)
	profile := fs.String("profile", "", "the mapping profile of the files (required)")
	files, err := m.parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if *profile == "" || len(files) == 0 {
		fs.Usage()
		return pole.Invalid("profile", "ingest needs --profile and at least one export file")
	}
	p, err := ingest.LoadProfile(*profile)
	if err != nil {
		return err
	}
	x, err := m.openSession(ctx, db, access.SourceIngest, access.Resource{Kind: "source", Force: p.Force})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	for _, f := range files {
		prog := newProgress(m, f)
		rep, err := ingest.Ingest(ctx, x.st, p, f, ingest.Options{LoadedBy: x.who.Login, Progress: prog.show})
		prog.done()
		if err != nil {
			return err
		}
		if !rep.AlreadyLoaded {
			err := x.record(ctx, audit.Entry{Action: audit.Collection, RecordKind: "source", RecordIDs: []string{rep.Source.ID},
				Purpose: "ingest " + p.Force + " export", Detail: fmt.Sprintf("%s: %d cases, %d person records stored, %d updated", f, rep.Counts.Cases, rep.Counts.Mentions, rep.Counts.MentionsUpdated)})
			if err != nil {
				return err
			}
		}
		if rep.AlreadyLoaded {
			fmt.Fprintf(m.stdout, "%s: already loaded as source %s on %s; nothing changed\n", f, rep.Source.ID, rep.Source.CreatedAt.Format(time.DateTime))
			continue
		}
		c := rep.Counts
		fmt.Fprintf(m.stdout, "%s: %d rows in %.1fs (%.0f rows/s): %d cases, %d people, %d events, %d links stored; %d cases and %d people updated (earlier versions kept), %d and %d unchanged; %d rows quarantined; %d warnings, %d repairs (source %s)\n",
			f, rep.Rows, rep.Elapsed.Seconds(), float64(rep.Rows)/rep.Elapsed.Seconds(), c.Cases, c.Mentions, c.Events, c.Involvements,
			c.CasesUpdated, c.MentionsUpdated, rep.UnchangedCases, rep.UnchangedPeople, rep.Quarantined, rep.Warnings, rep.Repairs, rep.Source.ID)
	}
	return nil
}

func whoami(m *Main) string {
	if u := m.getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// open opens the store and checks that its schema is the one this binary
// expects, so that no command writes into a schema it does not know.
func open(ctx context.Context, dsn string) (*store.Store, error) {
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	cur, target, err := s.SchemaVersion(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if cur != target {
		s.Close()
		return nil, pole.Errorf(pole.ECONFLICT, "the database schema is at version %d, this caselink needs %d: run 'caselink migrate'", cur, target)
	}
	return s, nil
}

// progress shows how far a long file has got: a line redrawn in place on a
// terminal, a plain line every ten seconds otherwise.
type progress struct {
	m        *Main
	file     string
	tty      bool
	start    time.Time
	last     time.Time
	drawn    bool
	lastRows int
}

func newProgress(m *Main, file string) *progress {
	tty := false
	if f, ok := m.stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	now := time.Now()
	return &progress{m: m, file: file, tty: tty, start: now, last: now}
}

func (p *progress) show(pr ingest.Progress) {
	now := time.Now()
	every := 10 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if now.Sub(p.last) < every || pr.Rows == p.lastRows {
		return
	}
	p.last, p.lastRows = now, pr.Rows
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(pr.Rows) / elapsed
	left := "?"
	if pr.Bytes > 0 && pr.Size > pr.Bytes {
		left = fmt.Sprintf("%.0fs", elapsed*float64(pr.Size-pr.Bytes)/float64(pr.Bytes))
	}
	line := fmt.Sprintf("%s: %d rows, %.0f rows/s, %d%%, %s left", p.file, pr.Rows, rate, pr.Bytes*100/max(pr.Size, 1), left)
	if p.tty {
		fmt.Fprintf(p.m.stderr, "\r\033[K%s", line)
		p.drawn = true
	} else {
		fmt.Fprintln(p.m.stderr, line)
	}
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprint(p.m.stderr, "\r\033[K")
	}
}
