package cli_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store/storetest"
)

// keyFile writes the test key ring to a file of the test's own and
// returns its path; every test store seals with the same ring.
func keyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := storetest.Keys(t).Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// actingAs adds a user with role in force to the (migrated) database db,
// issues them an API token with every scope, and returns the environment
// commands acting for them read: the key file and the token.
func actingAs(t *testing.T, db string, role pole.AccessRole, force string) map[string]string {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, db)
	auth, err := access.NewAuthenticator(s, access.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if force == "" {
		force = pole.NationalTeam
		if !pole.NationalRole(role) && role != pole.RoleAuditor && role != pole.RoleAdministrator {
			force = "west-yorkshire"
		}
	}
	u := &pole.User{Login: string(role) + "-" + force, Name: "Test " + string(role), Force: force, Roles: []pole.AccessRole{role}}
	if err := auth.AddUser(ctx, u, "a long enough test password"); err != nil {
		t.Fatalf("add %s: %v", u.Login, err)
	}
	tok, err := auth.IssueToken(ctx, u.ID, "test", access.Scopes, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"CASELINK_KEY_FILE": keyFile(t), "CASELINK_TOKEN": tok.Token}
}
