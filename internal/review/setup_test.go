package review

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/ingest"
	"github.com/caselink/caselink/internal/linkage/linkrun"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review/reviewtest"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

// linkedSet writes a synthetic national data set, loads it and links it.
func linkedSet(t testing.TB, people int, seed uint64) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Out: dir, Seed: seed, People: people}); err != nil {
		t.Fatal(err)
	}
	s := storetest.SQLite(t)
	if err := ingest.IngestSet(ctx, s, dir, ingest.Options{LoadedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := linkrun.Run(ctx, s, linkrun.Options{}); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// office is a desk over a store with a real audit log, and a user of each
// role for each side: "own" is West Yorkshire (the national team for
// national roles), "other" is Lancashire.
type office struct {
	st    *store.Store
	log   *audit.Log
	guard *access.Guard
	desk  *Desk
	clock *clock
	users map[pole.AccessRole]access.Principal
}

// clock is a settable time for deadlines.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) now() time.Time  { return *c.t.Load() }
func (c *clock) set(t time.Time) { c.t.Store(&t) }

func newOffice(t testing.TB, st *store.Store) *office {
	t.Helper()
	signer, err := storetest.Keys(t).AuditSigner()
	if err != nil {
		t.Fatal(err)
	}
	o := &office{st: st, clock: &clock{}, users: map[pole.AccessRole]access.Principal{}}
	o.clock.set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)) // a Thursday
	o.log = audit.New(st, signer, audit.Options{})
	t.Cleanup(func() { o.log.Close() })
	o.guard = access.NewGuard(st, o.log)
	o.desk = NewDesk(st, o.guard, o.clock.now)
	for _, role := range pole.AccessRoles {
		force := "west-yorkshire"
		if pole.NationalRole(role) {
			force = pole.NationalTeam
		}
		o.users[role] = o.user(t, role, force)
	}
	return o
}

var userSeq atomic.Int64

// user adds a user of role in force and returns them as a principal.
func (o *office) user(t testing.TB, role pole.AccessRole, force string) access.Principal {
	t.Helper()
	u := &pole.User{ID: uuid.Must(uuid.NewV7()).String(), Login: fmt.Sprintf("%s-%s-%d", role, force, userSeq.Add(1)), Name: string(role) + " of " + force,
		Force: force, Roles: []pole.AccessRole{role}, PasswordHash: "-"}
	if err := o.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return access.PrincipalOf(u)
}

func (o *office) as(role pole.AccessRole) access.Request {
	return access.Request{Principal: o.users[role], Purpose: "test", Origin: "test"}
}

// newCase stores a closed case of force with a victim and a suspect.
func (o *office) newCase(t testing.TB, force string, opt caseOptions) heldCase {
	t.Helper()
	return reviewtest.NewCase(t, o.st, force, opt)
}

type (
	heldCase    = reviewtest.Case
	caseOptions = reviewtest.CaseOptions
)

// reviewIn stores a referral of a new case of force and moves it, through
// the store alone, to state: the fixture for trying one step.
func (o *office) reviewIn(t testing.TB, force string, state pole.ReviewState) *pole.Review {
	t.Helper()
	return reviewtest.InState(t, o.st, o.newCase(t, force, caseOptions{}).C.ID, state, o.clock.now())
}

// actionIn raises an action on a new review with the force and moves it
// to state.
func (o *office) actionIn(t testing.TB, force string, state pole.ActionState) *pole.Action {
	t.Helper()
	return reviewtest.ActionIn(t, o.st, o.newCase(t, force, caseOptions{}).C.ID, state, o.clock.now())
}

func fullChecklist() map[string]pole.ChecklistAnswer { return reviewtest.Checklist() }
