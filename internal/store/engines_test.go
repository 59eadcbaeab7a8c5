package store_test

import (
	"testing"

	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

func forEachEngine(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	storetest.ForEachEngine(t, test)
}

func openSQLite(t testing.TB) *store.Store   { return storetest.SQLite(t) }
func openPostgres(t testing.TB) *store.Store { return storetest.Postgres(t) }
