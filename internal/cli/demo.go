package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/stats"
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
	db := m.dbFlags(fs)
	addr := fs.String("addr", "", "after the demo, serve the web interface on HOST:PORT (a loopback address; 127.0.0.1:0 picks a free port) with an account for each role")
	people := fs.Int("people", demoPeople, "how many people the synthetic national data set has")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *people < 10 || *people > 2_000_000 {
		return pole.Invalid("people", "%d: give between 10 and 2000000", *people)
	}
	if *addr != "" {
		host, _, err := net.SplitHostPort(*addr)
		if err != nil {
			return pole.Invalid("addr", "%q is not HOST:PORT: %v", *addr, err)
		}
		if !loopback(host) {
			return pole.Invalid("addr", "%s is not a loopback address: the demo serves plain HTTP, so only to this machine", *addr)
		}
	}
	dsn := *db.dsn
	dir, err := os.MkdirTemp("", "caselink-demo-")
	if err != nil {
		return err
	}
	if !flagSet(fs, "db") && m.getenv("CASELINK_DB") == "" {
		// The demo never mixes its synthetic records into a working database.
		dsn = "sqlite:" + filepath.Join(dir, "demo.db")
	}
	ring, err := m.keys(db)
	if pole.ErrorField(err) == "key-file" {
		// No key file given: the demo keeps its own beside its data, and
		// finds it there when run again on the same database.
		keyPath := filepath.Join(dir, "keys.json")
		if file, ok := strings.CutPrefix(dsn, "sqlite:"); ok && flagSet(fs, "db") {
			keyPath = file + ".keys.json"
		}
		*db.keyFile = keyPath
		if ring, err = keyring.Load(keyPath); pole.ErrorCode(err) == pole.ENOTFOUND {
			if ring, err = keyring.Generate(); err == nil {
				err = ring.SaveNew(keyPath)
			}
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "caselink demo: all data here is synthetic\ndatabase: %s\nkey file: %s\n\n", store.Redact(dsn), orEnv(*db.keyFile))

	set := filepath.Join(dir, "synth")
	sum, err := synth.Generate(ctx, synth.Config{Out: set, Seed: 1, People: *people})
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
	s.SetSealer(identity.NewSealer(ring))
	signer, err := ring.AuditSigner()
	if err != nil {
		return err
	}
	log := audit.New(s, signer, audit.Options{})
	defer log.Close()
	fmt.Fprintln(m.stdout, "2. ingest, each file through its force's profile (victims' identities sealed):")
	if err := ingestSet(ctx, m, s, log, set); err != nil {
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
	err = log.Record(ctx, audit.Entry{Actor: audit.System, ActorLogin: "caselink demo", Action: audit.Combination, RecordKind: "link_run",
		RecordIDs: []string{rep.RunID}, Purpose: "demo", Origin: cliOrigin(m)})
	if err != nil {
		return err
	}
	printLinkReport(m.stdout, rep)
	if err := demoReview(ctx, m, s, log); err != nil {
		return err
	}
	if err := demoReport(ctx, m, s, log, filepath.Join(dir, "report")); err != nil {
		return err
	}
	if err := log.Close(); err != nil {
		return err
	}
	verifier, err := ring.AuditVerifier()
	if err != nil {
		return err
	}
	audited, err := audit.Verify(ctx, s, verifier)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "\n7. the audit log holds %d entries under %d signed checkpoints, and verifies whole\n", audited.Entries, audited.Checkpoints)
	if *addr == "" {
		return nil
	}
	return demoServe(ctx, m, &dbFlags{dsn: &dsn, keyFile: db.keyFile}, *addr)
}

// demoServe serves the demo's database on addr, with a demo account for
// each role, until interrupted.
func demoServe(ctx context.Context, m *Main, db *dbFlags, addr string) (err error) {
	x, err := m.openStoreWithKeys(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	force, err := busiestForce(ctx, x.st)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "\n8. demo accounts (force roles in %s):\n", force)
	for _, role := range pole.AccessRoles {
		u := &pole.User{Login: "demo-" + strings.ReplaceAll(string(role), "_", "-"), Name: "Demo " + strings.ReplaceAll(string(role), "_", " "),
			Force: force, Roles: []pole.AccessRole{role}}
		if pole.NationalRole(role) || role == pole.RoleAuditor || role == pole.RoleAdministrator {
			u.Force = pole.NationalTeam
		}
		password := rand.Text()
		switch err := x.auth.AddUser(ctx, u, password); {
		case pole.ErrorCode(err) == pole.ECONFLICT:
			fmt.Fprintf(m.stdout, "   %-28s (kept from an earlier run, with the password it printed)\n", u.Login)
		case err != nil:
			return err
		default:
			fmt.Fprintf(m.stdout, "   %-28s password %s\n", u.Login, password)
		}
	}
	fmt.Fprintln(m.stdout, "   (all data here is synthetic; stop the server with Ctrl-C)")
	return serveWeb(ctx, m, x, addr, nil, nil)
}

// busiestForce is the force that has sent the most rows: where the demo's
// force accounts work.
func busiestForce(ctx context.Context, st *store.Store) (string, error) {
	tallies, err := st.TallySources(ctx)
	if err != nil {
		return "", err
	}
	best, rows := "", -1
	for _, t := range tallies {
		if t.Rows > rows {
			best, rows = t.Force, t.Rows
		}
	}
	if best == "" {
		return "", pole.Errorf(pole.ENOTFOUND, "the demo database holds no force's data")
	}
	return best, nil
}

// orEnv names where the keys came from when no file was named.
func orEnv(path string) string {
	if path == "" {
		return "from the environment"
	}
	return path
}

func forceDirs(set string) []string {
	dirs, _ := filepath.Glob(filepath.Join(set, "exports", "*"))
	return dirs
}

// ingestSet loads every export of a synthetic data set, saying what each
// file held.
func ingestSet(ctx context.Context, m *Main, s *store.Store, log *audit.Log, set string) error {
	var failed error
	err := ingest.IngestSet(ctx, s, set, ingest.Options{LoadedBy: "caselink demo"}, func(name string, rep *ingest.Report) {
		if rep.AlreadyLoaded {
			fmt.Fprintf(m.stdout, "   %-56s already loaded\n", name)
			return
		}
		if failed == nil {
			failed = log.Record(ctx, audit.Entry{Actor: audit.System, ActorLogin: "caselink demo", Action: audit.Collection,
				RecordKind: "source", RecordIDs: []string{rep.Source.ID}, Purpose: "demo", Origin: cliOrigin(m), Detail: name})
		}
		c := rep.Counts
		fmt.Fprintf(m.stdout, "   %-56s %6d rows: %5d cases %6d people %6d events %5d links, %d quarantined\n",
			name, rep.Rows, c.Cases, c.Mentions, c.Events, c.Involvements, rep.Quarantined)
	})
	return errors.Join(err, failed)
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

// demoReview refers every case closed without a charge, triages them and
// shows the top of the review queue with the reasons for each score. The
// demo acts as the system, with the national team's review roles.
func demoReview(ctx context.Context, m *Main, s *store.Store, log *audit.Log) error {
	rq := access.Request{Principal: access.Principal{UserID: audit.System, Login: "caselink demo", Force: pole.NationalTeam,
		Roles: []pole.AccessRole{pole.RoleNationalReviewer, pole.RoleNationalAnalyst}}, Purpose: "demo", Origin: cliOrigin(m)}
	desk := review.NewDesk(s, access.NewGuard(s, log), nil)
	n, err := desk.ReferClosed(ctx, rq, "", "closed without a charge")
	if err != nil {
		return err
	}
	sum, err := desk.Triage(ctx, rq, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "\n5. review: %d cases closed without a charge referred, %d scored by the triage rules (%s); the top of the queue:\n",
		n, sum.Scored, sum.Rules)
	top, _, err := desk.Queue(ctx, rq, pole.ReviewFilter{ByScore: true, Limit: 5})
	if err != nil {
		return err
	}
	for _, r := range top {
		d, err := desk.Find(ctx, rq, r.ID)
		if err != nil {
			return err
		}
		var why []string
		if d.Triage != nil {
			for _, rs := range d.Triage.Reasons {
				why = append(why, rs.Rule)
			}
		}
		fmt.Fprintf(m.stdout, "   %3d  %-18s %-22s %s\n", r.Score, r.Force, r.CrimeRef, strings.Join(why, ", "))
	}
	return nil
}

// demoReport writes the nature-and-scale report beside the database and
// shows its headline figures, as the national analyst.
func demoReport(ctx context.Context, m *Main, s *store.Store, log *audit.Log, dir string) error {
	rq := access.Request{Principal: access.Principal{UserID: audit.System, Login: "caselink demo", Force: pole.NationalTeam,
		Roles: []pole.AccessRole{pole.RoleNationalAnalyst}}, Purpose: "demo", Origin: cliOrigin(m)}
	rep, err := stats.NatureAndScale(ctx, s, access.NewGuard(s, log), rq, stats.Options{})
	if err != nil {
		return err
	}
	if err := rep.WriteDir(dir); err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "\n6. nature and scale, counted once across forces (small counts suppressed, the rest rounded to 5): %s\n",
		filepath.Join(dir, "report.html"))
	for _, h := range rep.Headlines {
		fmt.Fprintf(m.stdout, "   %-22s %s\n", h.Label, stats.FormatHeadline(h))
	}
	return nil
}
