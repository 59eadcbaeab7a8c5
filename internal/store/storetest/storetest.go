// Package storetest opens real, migrated stores for tests: SQLite in the
// test's temporary directory always, and PostgreSQL in a schema of the
// test's own when CASELINK_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for the schema set-up

	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/store"
)

var (
	keysOnce sync.Once
	keys     *keyring.Ring
	keysErr  error
)

// Keys is the key ring every test store of this process seals victims'
// identities with, so that a test may open one database twice.
func Keys(t testing.TB) *keyring.Ring {
	t.Helper()
	keysOnce.Do(func() { keys, keysErr = keyring.Generate() })
	if keysErr != nil {
		t.Fatalf("generate test keys: %v", keysErr)
	}
	return keys
}

// ForEachEngine runs test against a fresh, migrated store on SQLite, and on
// PostgreSQL when CASELINK_TEST_POSTGRES is set (CI always sets it).
func ForEachEngine(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, Postgres(t)) })
}

// SQLite opens a migrated store in a new file.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, SQLiteDSN(t))
}

// SQLiteDSN names a new SQLite file in the test's temporary directory.
func SQLiteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "caselink.db")
}

// Postgres opens a migrated store in a schema of the test's own, dropped
// when the test ends; it skips the test when no server is configured.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, PostgresDSN(t))
}

// PostgresDSN makes a schema of the test's own on the test server and
// returns a URL that uses it; the schema is dropped when the test ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("CASELINK_TEST_POSTGRES")
	if base == "" {
		t.Skip("CASELINK_TEST_POSTGRES is not set")
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("CASELINK_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates the store at dsn, closed when the test ends.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", store.Redact(dsn), err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetSealer(identity.NewSealer(Keys(t)))
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}
