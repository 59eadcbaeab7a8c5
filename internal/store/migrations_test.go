package store

import (
	"slices"
	"testing"
)

func TestBothEnginesHaveTheSameMigrations(t *testing.T) {
	sq, pg := migrationVersions("sqlite"), migrationVersions("postgres")
	if !slices.Equal(sq, pg) {
		t.Fatalf("migration versions differ: sqlite %v, postgres %v", sq, pg)
	}
	if got := SchemaTarget(); got != sq[len(sq)-1] {
		t.Fatalf("SchemaTarget: got %d, want %d", got, sq[len(sq)-1])
	}
}
