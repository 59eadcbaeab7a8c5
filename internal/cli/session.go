package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// EnvToken names the API token a command acts with.
const EnvToken = "CASELINK_TOKEN"

// dbFlags are where a command's data and keys are.
type dbFlags struct {
	dsn     *string
	keyFile *string
}

// dbFlags adds --db and --key-file to fs.
func (m *Main) dbFlags(fs *flag.FlagSet) *dbFlags {
	return &dbFlags{
		dsn:     m.dbFlag(fs),
		keyFile: fs.String("key-file", "", "key file that seals victims' identities and signs the audit log (env "+keyring.EnvKeyFile+" or "+keyring.EnvKeys+")"),
	}
}

// keys loads the key ring named by the flag or the environment.
func (m *Main) keys(f *dbFlags) (*keyring.Ring, error) {
	ring, err := keyring.Open(*f.keyFile, m.getenv)
	if pole.ErrorCode(err) == pole.ENOTFOUND && *f.keyFile == "" {
		return nil, pole.Invalid("key-file", "caselink seals victims' identities and signs its audit log with a key file: give --key-file, %s or %s", keyring.EnvKeyFile, keyring.EnvKeys)
	}
	return ring, err
}

// session is what a command that reads or changes personal data works
// with: the store with its keys, the audit log, who is acting, and where
// from. Close it to drain the log.
type session struct {
	st    *store.Store
	keys  *keyring.Ring
	log   *audit.Log
	auth  *access.Authenticator
	guard *access.Guard
	who   access.Principal
	// scope is the policy's decision for the command's action: for an
	// action over many records, the forces it may cover.
	scope  access.Decision
	origin string
}

// openSession opens the store and the keys, and says who is acting: the
// holder of the API token in CASELINK_TOKEN. It then asks the access
// policy whether they may do a to r, and records a refusal.
func (m *Main) openSession(ctx context.Context, f *dbFlags, a access.Action, r access.Resource) (*session, error) {
	x, err := m.openStoreWithKeys(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := x.signIn(ctx, m.getenv(EnvToken)); err != nil {
		x.Close()
		return nil, err
	}
	if err := x.allow(ctx, a, r); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// openStoreWithKeys opens the store, its keys and the audit log, with no
// one yet acting.
func (m *Main) openStoreWithKeys(ctx context.Context, f *dbFlags) (*session, error) {
	ring, err := m.keys(f)
	if err != nil {
		return nil, err
	}
	st, err := open(ctx, *f.dsn)
	if err != nil {
		return nil, err
	}
	st.SetSealer(identity.NewSealer(ring))
	signer, err := ring.AuditSigner()
	if err != nil {
		st.Close()
		return nil, err
	}
	auth, err := access.NewAuthenticator(st, access.Config{})
	if err != nil {
		st.Close()
		return nil, err
	}
	log := audit.New(st, signer, audit.Options{})
	return &session{st: st, keys: ring, log: log, auth: auth, guard: access.NewGuard(st, log), origin: cliOrigin(m)}, nil
}

// signIn makes the holder of token the one acting.
func (x *session) signIn(ctx context.Context, token string) error {
	if token == "" {
		return pole.Errorf(pole.EUNAUTHORIZED, "this command reads or changes personal data: set %s to your API token (issue yourself one with 'caselink user token YOUR_LOGIN')", EnvToken)
	}
	u, scopes, err := x.auth.Token(ctx, token)
	if err != nil {
		if rerr := x.log.Record(ctx, audit.Entry{Actor: "anonymous", Action: audit.LoginFailed, Origin: x.origin, Outcome: audit.Denied, Detail: "API token refused"}); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	x.who = access.PrincipalOf(u)
	x.who.Token, x.who.Scopes = true, scopes
	return nil
}

// allow asks the policy whether the one acting may do a to r, and records
// a refusal in the audit log.
func (x *session) allow(ctx context.Context, a access.Action, r access.Resource) error {
	d := access.Decide(x.who, a, r)
	if d.Allowed {
		x.scope = d
		return nil
	}
	return x.refuse(ctx, a, r, d.Reason)
}

// refuse records a refusal of a on r and returns the error to show.
func (x *session) refuse(ctx context.Context, a access.Action, r access.Resource, reason string) error {
	ids := []string{}
	if r.ID != "" {
		ids = []string{r.ID}
	}
	err := x.log.Record(ctx, audit.Entry{Actor: x.who.UserID, ActorLogin: x.who.Login, Action: audit.AccessDenied,
		RecordKind: r.Kind, RecordIDs: ids, Origin: x.origin, Outcome: audit.Denied, Detail: string(a) + ": " + reason})
	return errors.Join(pole.Errorf(pole.EFORBIDDEN, "%s", reason), err)
}

// needAllForces refuses, and records the refusal, unless the command's
// scope covers every force: for what cannot be limited to some (a linkage
// run, an export of every record).
func (x *session) needAllForces(ctx context.Context, a access.Action) error {
	if x.scope.AllForces {
		return nil
	}
	reason := fmt.Sprintf("%s works on every force's records; %s's roles reach %s only", a, x.who.Login, strings.Join(x.scope.Forces, ", "))
	err := x.log.Record(ctx, audit.Entry{Actor: x.who.UserID, ActorLogin: x.who.Login, Action: audit.AccessDenied,
		RecordKind: "all_forces", RecordIDs: []string{}, Origin: x.origin, Outcome: audit.Denied, Detail: string(a) + ": " + reason})
	return errors.Join(pole.Errorf(pole.EFORBIDDEN, "%s", reason), err)
}

// reaches reports whether the command's scope covers force.
func (x *session) reaches(force string) bool {
	return x.scope.AllForces || slices.Contains(x.scope.Forces, force)
}

// reach is the scope as a query filter: the forces it covers (nil for
// every force) and the case teams of the one acting.
func (x *session) reach() *pole.Reach {
	r := &pole.Reach{Teams: x.who.Teams}
	if !x.scope.AllForces {
		r.Forces = x.scope.Forces
	}
	return r
}

// reachesMention reports whether a person record is within the command's
// scope: its force reached, and its case not kept to a team the one acting
// is not in. It returns the record's force.
func (x *session) reachesMention(ctx context.Context, id string) (bool, string, error) {
	m, err := x.st.FindMentionByID(ctx, id)
	if err != nil {
		return false, "", err
	}
	if !x.reaches(m.Force) {
		return false, m.Force, nil
	}
	if m.CaseID != "" {
		team, err := x.st.CaseTeam(ctx, m.CaseID)
		if err != nil {
			return false, m.Force, err
		}
		if team != "" && !slices.Contains(x.who.Teams, team) {
			return false, m.Force, nil
		}
	}
	return true, m.Force, nil
}

// record writes one entry for the one acting; it returns once the entry is
// durable, so call it before showing or writing out what it covers.
func (x *session) record(ctx context.Context, e audit.Entry) error {
	e.Actor, e.ActorLogin, e.Origin = x.who.UserID, x.who.Login, x.origin
	if e.Actor == "" {
		e.Actor = audit.System
	}
	if e.Action.PersonalData() && len(e.RecordIDs) == 0 {
		e.Action = audit.Search // it found nothing to consult or disclose; the look is still recorded
	}
	return x.log.Record(ctx, e)
}

// request is the access request of the one acting, with a purpose.
func (x *session) request(purpose string) access.Request {
	return access.Request{Principal: x.who, Purpose: purpose, Origin: x.origin}
}

// Close drains the audit log and closes the store.
func (x *session) Close() error {
	return errors.Join(x.log.Close(), x.st.Close())
}

// cliOrigin says where a command ran from, as the audit log's "from
// where": the operating-system user and the host.
func cliOrigin(m *Main) string {
	host, _ := os.Hostname()
	who := whoami(m)
	if who == "" {
		who = "unknown"
	}
	return "cli:" + who + "@" + host
}

// closeSession closes x and adds the failure, if any, to *err: a
// checkpoint the audit log could not make at the end is not to pass
// unseen.
func closeSession(x *session, err *error) {
	*err = errors.Join(*err, x.Close())
}
