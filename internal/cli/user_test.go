package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

const userTestPassword = "correct horse battery staple"

// runUserCommand runs "caselink user ARGS..." with stdin as its standard
// input and env as its environment.
func runUserCommand(env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	m := New(&out, &errb, func(k string) string { return env[k] })
	err = userCommand{m: m, stdin: strings.NewReader(stdin)}.run(context.Background(), args)
	return out.String(), errb.String(), err
}

// migrated returns dsn once its schema is up to date.
func migrated(t *testing.T, dsn string) string {
	storetest.Open(t, dsn)
	return dsn
}

// keysEnv writes the test key ring to a file and returns the environment
// that names it.
func keysEnv(t *testing.T) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := storetest.Keys(t).Save(path); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"CASELINK_KEY_FILE": path}
}

// with returns env with k set to v.
func with(env map[string]string, k, v string) map[string]string {
	out := maps.Clone(env)
	out[k] = v
	return out
}

// forEachUserDB runs test with the --db of a migrated database on each
// engine.
func forEachUserDB(t *testing.T, test func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, migrated(t, storetest.SQLiteDSN(t))) })
	t.Run("postgres", func(t *testing.T) { test(t, migrated(t, storetest.PostgresDSN(t))) })
}

// firstAdmin adds the first administrator at the console and returns the
// environment of a token they issued themselves.
func firstAdmin(t *testing.T, db string) map[string]string {
	t.Helper()
	env := keysEnv(t)
	if _, _, err := runUserCommand(env, userTestPassword+"\n", "add", "root", "--db", db, "--name", "Site Admin",
		"--force", pole.NationalTeam, "--role", "administrator", "--password-stdin"); err != nil {
		t.Fatalf("first administrator: %v", err)
	}
	out, _, err := runUserCommand(env, userTestPassword+"\n", "token", "root", "--db", db, "--name", "admin", "--scope", "admin", "--expires", "1h", "--password-stdin")
	if err != nil {
		t.Fatalf("administrator's token: %v", err)
	}
	return with(env, EnvToken, strings.TrimSpace(out))
}

func TestUserAddListTokenAndDisable(t *testing.T) {
	forEachUserDB(t, func(t *testing.T, db string) {
		admin := firstAdmin(t, db)
		out, _, err := runUserCommand(admin, userTestPassword+"\n", "add", "alice", "--db", db, "--name", "DC Alice Smith",
			"--force", "west-yorkshire", "--role", "force_investigator,force_supervisor", "--team", "op-alpha", "--password-stdin")
		if err != nil {
			t.Fatalf("user add: %v", err)
		}
		if !strings.Contains(out, "added alice (DC Alice Smith), west-yorkshire, roles force_investigator,force_supervisor") {
			t.Fatalf("user add printed %q", out)
		}

		out, _, err = runUserCommand(admin, "", "list", "--db", db)
		if err != nil || !strings.Contains(out, "alice") || !strings.Contains(out, "active") {
			t.Fatalf("user list: %q (%v)", out, err)
		}
		out, _, err = runUserCommand(admin, "", "list", "--db", db, "--json")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "argon2") || strings.Contains(out, "password") {
			t.Fatalf("user list --json shows a password hash:\n%s", out)
		}
		var listed []struct {
			Login string
			Roles []string
			Teams []string
		}
		if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed) != 2 || listed[0].Login != "alice" ||
			len(listed[0].Roles) != 2 || listed[0].Teams[0] != "op-alpha" {
			t.Fatalf("user list --json: %s (%v)", out, err)
		}

		// Alice signs in to have her token issued; no one else can.
		out, stderr, err := runUserCommand(admin, userTestPassword+"\n", "token", "alice", "--db", db, "--name", "nightly ingest", "--scope", "ingest,read", "--expires", "720h", "--password-stdin")
		if err != nil {
			t.Fatalf("user token: %v", err)
		}
		token := strings.TrimSpace(out)
		if !strings.HasPrefix(token, access.TokenPrefix) || !strings.Contains(stderr, "shown only this once") {
			t.Fatalf("user token printed %q and %q", out, stderr)
		}
		if _, _, err := runUserCommand(admin, "the wrong password!\n", "token", "alice", "--db", db, "--name", "x", "--scope", "read", "--expires", "1h", "--password-stdin"); pole.ErrorCode(err) != pole.EUNAUTHORIZED {
			t.Fatalf("a token with the wrong password: got %v, want EUNAUTHORIZED", err)
		}
		// Alice is not an administrator: her token lists no users.
		if _, _, err := runUserCommand(with(admin, EnvToken, token), "", "list", "--db", db); pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("a force user listing users: got %v, want EFORBIDDEN", err)
		}
		s := storetest.Open(t, db)
		a, err := access.NewAuthenticator(s, access.Config{})
		if err != nil {
			t.Fatal(err)
		}
		u, scopes, err := a.Token(context.Background(), token)
		if err != nil || u.Login != "alice" || len(scopes) != 2 {
			t.Fatalf("the printed token: %v %v (%v)", u, scopes, err)
		}
		if _, err := a.Login(context.Background(), access.LoginRequest{Login: "alice", Password: userTestPassword}); err != nil {
			t.Fatalf("alice signing in with the password given on stdin: %v", err)
		}

		out, _, err = runUserCommand(admin, "", "disable", "alice", "--db", db)
		if err != nil || !strings.Contains(out, "disabled alice: 1 session ended, 1 API token revoked") {
			t.Fatalf("user disable: %q (%v)", out, err)
		}
		if _, _, err := a.Token(context.Background(), token); pole.ErrorCode(err) != pole.EUNAUTHORIZED {
			t.Fatalf("the token after disable: got %v, want EUNAUTHORIZED", err)
		}
		out, _, _ = runUserCommand(admin, "", "list", "--db", db)
		if !strings.Contains(out, "disabled") {
			t.Fatalf("user list after disable: %q", out)
		}
		var actions []string
		for row, err := range s.ScanAudit(context.Background(), 0) {
			if err != nil {
				t.Fatal(err)
			}
			actions = append(actions, row.Action)
		}
		for _, want := range []string{"user_added", "token_issued", "login_failed", "access_denied", "user_disabled"} {
			if !slices.Contains(actions, want) {
				t.Errorf("the audit log lacks %s: %v", want, actions)
			}
		}
	})
}

func TestUserAddNeedsAnAdministratorOnceTheFirstUserExists(t *testing.T) {
	db := migrated(t, storetest.SQLiteDSN(t))
	env := keysEnv(t)
	_, _, err := runUserCommand(env, userTestPassword+"\n", "add", "bob", "--db", db, "--name", "Bob", "--force", "kent", "--role", "force_supervisor", "--password-stdin")
	if pole.ErrorField(err) != "role" {
		t.Fatalf("a first user who is no administrator: got %v, want EINVALID on role", err)
	}
	firstAdmin(t, db)
	_, _, err = runUserCommand(env, userTestPassword+"\n", "add", "bob", "--db", db, "--name", "Bob", "--force", "kent", "--role", "force_supervisor", "--password-stdin")
	if pole.ErrorCode(err) != pole.EUNAUTHORIZED {
		t.Fatalf("a second user added with no token: got %v, want EUNAUTHORIZED", err)
	}
}

func TestUserAddRefusesAShortPasswordAndStoresNothing(t *testing.T) {
	db := migrated(t, storetest.SQLiteDSN(t))
	_, _, err := runUserCommand(keysEnv(t), "too short\n", "add", "bob", "--db", db, "--name", "Bob", "--force", "kent", "--role", "force_supervisor", "--password-stdin")
	if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "password" {
		t.Fatalf("a short password: got %v, want EINVALID on password", err)
	}
	s := storetest.Open(t, db)
	if _, n, err := s.FindUsers(context.Background(), store.UserFilter{}); err != nil || n != 0 {
		t.Fatalf("users stored: %d (%v), want 0", n, err)
	}
}

func TestUserAddWithoutATerminalNeedsPasswordStdin(t *testing.T) {
	db := migrated(t, storetest.SQLiteDSN(t))
	_, _, err := runUserCommand(keysEnv(t), userTestPassword+"\n", "add", "bob", "--db", db, "--name", "Bob", "--force", "kent", "--role", "force_supervisor")
	if pole.ErrorField(err) != "password" || !strings.Contains(err.Error(), "--password-stdin") {
		t.Fatalf("no terminal and no --password-stdin: got %v", err)
	}
}

func TestUserAddNamesTheBadRoleOrForce(t *testing.T) {
	db := migrated(t, storetest.SQLiteDSN(t))
	for _, tc := range []struct{ force, role, field string }{
		{"gotham", "force_supervisor", "force"},
		{"kent", "chief_constable", "roles"},
		{"kent", "national_analyst", "roles"},
	} {
		_, _, err := runUserCommand(keysEnv(t), userTestPassword+"\n", "add", "bob", "--db", db, "--name", "Bob", "--force", tc.force, "--role", tc.role, "--password-stdin")
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != tc.field {
			t.Errorf("--force %s --role %s: got %v, want EINVALID on %s", tc.force, tc.role, err, tc.field)
		}
	}
	// The user is checked before a password is asked for.
	_, _, err := runUserCommand(keysEnv(t), "", "add", "bob", "--db", db, "--name", "Bob", "--force", "gotham", "--role", "force_supervisor")
	if pole.ErrorField(err) != "force" {
		t.Fatalf("a bad force with no password given: got %v, want EINVALID on force", err)
	}
}

func TestUserTokenNeedsAnExpiryAndKnownScopes(t *testing.T) {
	db := migrated(t, storetest.SQLiteDSN(t))
	env := firstAdmin(t, db)
	if _, _, err := runUserCommand(env, userTestPassword+"\n", "add", "carol", "--db", db, "--name", "Carol", "--force", pole.NationalTeam,
		"--role", "auditor", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		field string
	}{
		{[]string{"--name", "n", "--scope", "audit"}, "expires"},
		{[]string{"--name", "n", "--scope", "audit", "--expires", "9000h"}, "expires"},
		{[]string{"--name", "n", "--scope", "everything", "--expires", "1h"}, "scopes"},
		{[]string{"--scope", "audit", "--expires", "1h"}, "name"},
	} {
		out, _, err := runUserCommand(env, userTestPassword+"\n", append([]string{"token", "carol", "--db", db, "--password-stdin"}, tc.args...)...)
		if pole.ErrorField(err) != tc.field || out != "" {
			t.Errorf("token %v: got %v and %q, want EINVALID on %s and no token", tc.args, err, out, tc.field)
		}
	}
	_, _, err := runUserCommand(env, userTestPassword+"\n", "token", "nobody", "--db", db, "--name", "n", "--scope", "audit", "--expires", "1h", "--password-stdin")
	if pole.ErrorCode(err) != pole.EUNAUTHORIZED {
		t.Fatalf("a token for an unknown user: got %v, want EUNAUTHORIZED, as for a wrong password", err)
	}
}

func TestUserCommandIsRegisteredWithItsHelp(t *testing.T) {
	var out, errb bytes.Buffer
	m := New(&out, &errb, func(string) string { return "" })
	if err := m.Run(context.Background(), []string{"help", "user"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Usage: caselink user", "add LOGIN", "--password-stdin", "list [--json]", "disable LOGIN", "token LOGIN"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help user lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := m.Run(context.Background(), []string{"user", "token", "--help"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "-expires") || !strings.Contains(out.String(), "Usage: caselink user token") {
		t.Errorf("user token --help:\n%s", out.String())
	}
	if err := m.Run(context.Background(), []string{"user", "frobnicate"}); pole.ErrorCode(err) != pole.EINVALID {
		t.Errorf("an unknown subcommand: got %v, want EINVALID", err)
	}
}

func TestUserPasswdChangesTheUsersOwnPasswordGivenTheCurrentOne(t *testing.T) {
	db := migrated(t, storetest.SQLiteDSN(t))
	admin := firstAdmin(t, db)
	if _, _, err := runUserCommand(admin, userTestPassword+"\n", "add", "dana", "--db", db, "--name", "Dana", "--force", "kent",
		"--role", "force_investigator", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	const fresh = "a new password only Dana knows"
	if _, _, err := runUserCommand(keysEnv(t), "not the password at all\n"+fresh+"\n", "passwd", "dana", "--db", db, "--password-stdin"); pole.ErrorCode(err) != pole.EUNAUTHORIZED {
		t.Fatalf("passwd with a wrong current password: got %v, want EUNAUTHORIZED", err)
	}
	out, _, err := runUserCommand(keysEnv(t), userTestPassword+"\n"+fresh+"\n", "passwd", "dana", "--db", db, "--password-stdin")
	if err != nil || !strings.Contains(out, "password changed for dana") {
		t.Fatalf("passwd: %q (%v)", out, err)
	}
	s := storetest.Open(t, db)
	a, err := access.NewAuthenticator(s, access.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(context.Background(), access.LoginRequest{Login: "dana", Password: fresh, Origin: "127.0.0.1"}); err != nil {
		t.Fatalf("signing in with the new password: %v", err)
	}
	if _, err := a.Login(context.Background(), access.LoginRequest{Login: "dana", Password: userTestPassword, Origin: "127.0.0.1"}); pole.ErrorCode(err) != pole.EUNAUTHORIZED {
		t.Fatalf("the administrator's first password still works: %v", err)
	}
}
