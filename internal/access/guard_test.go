package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// world is a store with two forces' records, a user of every role, and a
// Guard over them that records to a real audit log.
type world struct {
	st    *store.Store
	log   *audit.Log
	guard *Guard
	// own is west-yorkshire's, other is lancashire's.
	own, other holding
	users      map[pole.AccessRole]Principal
}

// holding is what one force holds in the world: a case with a victim and
// a suspect, and the force's supervisor.
type holding struct {
	force                         string
	caseID                        string
	victim, suspect               *pole.Mention
	victimSurname, suspectSurname string
	supervisorName                string
	supervisorUserID              string
}

var hashSeq atomic.Int64

func newWorld(t testing.TB, st *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: st, users: map[pole.AccessRole]Principal{}}
	signer, err := storetest.Keys(t).AuditSigner()
	if err != nil {
		t.Fatal(err)
	}
	w.log = audit.New(st, signer, audit.Options{})
	t.Cleanup(func() { w.log.Close() })
	w.guard = NewGuard(st, w.log)
	for _, side := range []struct {
		force, victim, suspect string
		holds                  *holding
	}{
		{"west-yorkshire", "Oakhanger", "Brightwater", &w.own},
		{"lancashire", "Quenby", "Brightwater", &w.other},
	} {
		src := &pole.Source{ID: uuid.Must(uuid.NewV7()).String(), Force: side.force, System: "Niche", FileName: side.force + ".csv", Profile: side.force,
			ReceivedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), SHA256: fmt.Sprintf("%064x", hashSeq.Add(1)), RowCount: 2}
		c := &pole.Case{ID: uuid.Must(uuid.NewV7()).String(), Force: side.force, CrimeRef: "13/" + side.force, Recorded: pole.Date(2012, 3, 1),
			Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}
		mk := func(rec string, role pole.Role, surname string) *pole.Mention {
			return &pole.Mention{ID: uuid.Must(uuid.NewV7()).String(), CaseID: c.ID, RecordID: rec, Role: role, Forename: "Sam", Surname: surname,
				DOB: pole.Date(1999, 5, 6), Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}
		}
		v, s := mk("V1", pole.RoleVictim, side.victim), mk("S1", pole.RoleSuspect, side.suspect)
		if _, err := st.LoadExport(ctx, store.Export{Source: src, Cases: seq(c), Mentions: seq(v, s)}); err != nil {
			t.Fatal(err)
		}
		side.holds.force, side.holds.caseID, side.holds.victim, side.holds.suspect = side.force, c.ID, v, s
		side.holds.victimSurname, side.holds.suspectSurname = side.victim, side.suspect
		sup := &pole.User{ID: uuid.Must(uuid.NewV7()).String(), Login: "sup-" + side.force, Name: "DS Supervisor of " + side.force, Force: side.force,
			Roles: []pole.AccessRole{pole.RoleForceSupervisor}, PasswordHash: "-"}
		if err := st.CreateUser(ctx, sup); err != nil {
			t.Fatal(err)
		}
		side.holds.supervisorName, side.holds.supervisorUserID = sup.Name, sup.ID
	}
	for _, role := range pole.AccessRoles {
		force := "west-yorkshire"
		if pole.NationalRole(role) {
			force = pole.NationalTeam
		}
		w.users[role] = Principal{UserID: uuid.Must(uuid.NewV7()).String(), Login: string(role), Force: force, Roles: []pole.AccessRole{role}}
	}
	return w
}

func seq[T any](items ...*T) func(func(*T, error) bool) {
	return func(yield func(*T, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

func (w *world) request(role pole.AccessRole) Request {
	return Request{Principal: w.users[role], Purpose: "test of the policy", Origin: "127.0.0.1"}
}

// operation is one guarded operation tried on one side's data: it reports
// whether the data came back.
type operation struct {
	action Action
	name   string
	try    func(ctx context.Context, w *world, rq Request, on string) (bool, error)
}

// side picks west-yorkshire's ("own") or lancashire's ("other") records.
func (w *world) side(on string) *holding {
	if on == "own" {
		return &w.own
	}
	return &w.other
}

var operations = []operation{
	{CaseRead, "FindCase", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		c, err := w.guard.FindCase(ctx, rq, w.side(on).caseID)
		return c != nil, err
	}},
	{CaseList, "FindCases", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		list, _, err := w.guard.FindCases(ctx, rq, pole.CaseFilter{})
		return slices.ContainsFunc(list, func(c *pole.Case) bool { return c.ID == w.side(on).caseID }), err
	}},
	{PersonRead, "FindMention", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		m, err := w.guard.FindMention(ctx, rq, w.side(on).suspect.ID)
		return m != nil, err
	}},
	{PersonSearch, "SearchPeople", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		res, err := w.guard.SearchPeople(ctx, rq, w.side(on).suspectSurname, 0)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(res.Mentions, func(m *pole.Mention) bool { return m.ID == w.side(on).suspect.ID }), nil
	}},
	{VictimReveal, "RevealVictim", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		m, err := w.guard.RevealVictim(ctx, rq, w.side(on).victim.ID)
		return m != nil && m.Surname == w.side(on).victimSurname, err
	}},
	{VictimReveal, "FindVictims", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		ids, err := w.guard.FindVictims(ctx, rq, "surname", w.side(on).victimSurname)
		return slices.Contains(ids, w.side(on).victim.ID), err
	}},
	{InterestRegister, "Notices", func(ctx context.Context, w *world, rq Request, on string) (bool, error) {
		// Notices are always the user's own force's: there is no other side.
		if on != "own" {
			return false, nil
		}
		_, err := w.guard.Notices(ctx, rq, 10)
		return err == nil, err
	}},
}

func TestEveryGuardedOperationFollowsTheWrittenTable(t *testing.T) {
	table := writtenPolicy(t)
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		for _, op := range operations {
			for _, role := range pole.AccessRoles {
				cell := table[op.action][role]
				for _, on := range []string{"own", "other"} {
					if op.name == "Notices" && on == "other" {
						continue
					}
					got, err := op.try(ctx, w, w.request(role), on)
					// A national user's "own" is any one force's data: the
					// table's own cell does not reach it.
					want := cell == "all" || (cell == "own" && on == "own" && !pole.NationalRole(role) && w.users[role].Force != pole.NationalTeam)
					if got != want {
						t.Errorf("%s as %s on %s data: got the data %v (err %v), the table says %q", op.name, role, on, got, err, cell)
					}
					if !want && err != nil && pole.ErrorCode(err) != pole.EFORBIDDEN {
						t.Errorf("%s as %s on %s data: refused with %v, want EFORBIDDEN", op.name, role, on, err)
					}
					if want && err != nil {
						t.Errorf("%s as %s on %s data: %v", op.name, role, on, err)
					}
				}
			}
		}
	})
}

func TestAForceUserReachingForAnotherForcesCaseLearnsOnlyWhoHoldsIt(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		c, err := w.guard.FindCase(ctx, w.request(pole.RoleForceInvestigator), w.other.caseID)
		if c != nil || pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("got %v, %v; want no case and EFORBIDDEN", c, err)
		}
		var held *HeldError
		if !errors.As(err, &held) || held.Held.Force != "lancashire" || !slices.Contains(held.Held.Contacts, w.other.supervisorName) {
			t.Fatalf("the refusal should name lancashire and its supervisor: %v", err)
		}
		notices, err := w.guard.Notices(ctx, Request{Principal: Principal{UserID: w.other.supervisorUserID, Login: "sup", Force: "lancashire",
			Roles: []pole.AccessRole{pole.RoleForceSupervisor}}, Purpose: "deconfliction", Origin: "test"}, 10)
		if err != nil || len(notices) != 1 || notices[0].RecordID != w.other.caseID || notices[0].FromForce != "west-yorkshire" {
			t.Fatalf("lancashire's notices: %+v (%v), want one naming the case and west-yorkshire", notices, err)
		}
	})
}

func TestASearchIsFilteredInsideTheQueryAndPointsToOtherHolders(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		// Both forces hold a suspect named Brightwater.
		res, err := w.guard.SearchPeople(ctx, w.request(pole.RoleForceInvestigator), "brightwater", 0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Mentions) != 1 || res.Mentions[0].ID != w.own.suspect.ID {
			t.Fatalf("an investigator's search found %d (%+v), want only west-yorkshire's suspect", res.Total, res.Mentions)
		}
		if len(res.Held) != 1 || res.Held[0].Force != "lancashire" {
			t.Fatalf("held elsewhere: %+v, want lancashire", res.Held)
		}
		res, err = w.guard.SearchPeople(ctx, w.request(pole.RoleNationalAnalyst), "brightwater", 0)
		if err != nil || res.Total != 2 || len(res.Held) != 0 {
			t.Fatalf("a national analyst's search: %+v (%v), want both and nothing held elsewhere", res, err)
		}
		// A victim's surname is sealed: a person search never finds it.
		res, _ = w.guard.SearchPeople(ctx, w.request(pole.RoleNationalAnalyst), "oakhanger", 0)
		if res.Total != 0 {
			t.Fatalf("a person search found a victim by surname: %+v", res.Mentions)
		}
	})
}

func TestEveryGuardedReadAndRefusalIsAuditedWithItsPurpose(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		if _, err := w.guard.RevealVictim(ctx, w.request(pole.RoleForceInvestigator), w.own.victim.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.guard.FindCase(ctx, w.request(pole.RoleAdministrator), w.own.caseID); pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("an administrator read a case: %v", err)
		}
		if err := w.log.Close(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for row, err := range st.ScanAudit(ctx, 0) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s %s %s %s %v", row.ActorLogin, row.Action, row.Outcome, row.Purpose, row.RecordIDs))
		}
		want := []string{
			fmt.Sprintf("force_investigator identity_revealed allowed test of the policy [%s]", w.own.victim.ID),
			fmt.Sprintf("administrator access_denied denied test of the policy [%s]", w.own.caseID),
		}
		if !slices.Equal(got, want) {
			t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestARevealNeedsAPurposeEveryTime(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	rq := w.request(pole.RoleNationalReviewer)
	rq.Purpose = " "
	if _, err := w.guard.RevealVictim(context.Background(), rq, w.own.victim.ID); pole.ErrorField(err) != "purpose" {
		t.Fatalf("a reveal with no purpose: %v, want EINVALID on purpose", err)
	}
	m, err := w.guard.FindMention(context.Background(), w.request(pole.RoleNationalReviewer), w.own.victim.ID)
	if err != nil || m.Surname != "" || !strings.HasPrefix(m.Pseudonym, "V-") {
		t.Fatalf("a plain read of a victim: %+v (%v), want the pseudonym only", m, err)
	}
}

func TestACaseKeptToATeamIsReadOnlyByTheTeamsMembers(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		if err := st.RestrictCase(ctx, w.own.caseID, "op-oak", "test"); err != nil {
			t.Fatal(err)
		}
		outsider := w.request(pole.RoleForceInvestigator)
		if c, err := w.guard.FindCase(ctx, outsider, w.own.caseID); c != nil || pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("an investigator outside op-oak read its case: %v, %v", c, err)
		}
		if m, err := w.guard.FindMention(ctx, outsider, w.own.suspect.ID); m != nil || pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("an investigator outside op-oak read its suspect: %v, %v", m, err)
		}
		list, _, err := w.guard.FindCases(ctx, outsider, pole.CaseFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("an investigator outside op-oak listed %d cases (%v), want none", len(list), err)
		}
		res, err := w.guard.SearchPeople(ctx, outsider, "brightwater", 0)
		if err != nil || res.Total != 0 {
			t.Fatalf("an investigator outside op-oak found %+v (%v)", res, err)
		}
		if m, err := w.guard.RevealVictim(ctx, w.request(pole.RoleNationalReviewer), w.own.victim.ID); m != nil || pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("a national reviewer outside op-oak revealed its victim: %v, %v", m, err)
		}
		member := outsider
		member.Teams = []string{"op-oak"}
		if _, err := w.guard.FindCase(ctx, member, w.own.caseID); err != nil {
			t.Fatalf("a member of op-oak: %v", err)
		}
		if res, err := w.guard.SearchPeople(ctx, member, "brightwater", 0); err != nil || res.Total != 1 {
			t.Fatalf("a member of op-oak searching: %+v (%v)", res, err)
		}
	})
}
