package store_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// forEachEngineDSN is forEachEngine for tests that need a second connection
// to the same database.
func forEachEngineDSN(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, storetest.SQLiteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, storetest.PostgresDSN(t)) })
}

// rawDB opens a plain database/sql connection with the store's DSN: the
// application's own credentials, without the store in between.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, source := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, source = "sqlite", path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var auditT0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// auditRows makes n rows that continue a log whose last hash is prev. The
// store does not judge the hashes, only that each row links to the one
// before, so any 32 bytes do.
func auditRows(next int64, prev []byte, n int) []store.AuditRow {
	if prev == nil {
		prev = make([]byte, 32)
	}
	rows := make([]store.AuditRow, n)
	for i := range rows {
		seq := next + int64(i)
		sum := sha256.Sum256(fmt.Appendf(nil, "%x/%d", prev, seq))
		rows[i] = store.AuditRow{
			Seq: seq, At: auditT0.Add(time.Duration(seq)*time.Minute + time.Duration(seq*370)*time.Microsecond), Actor: "0193f1f2-0000-7000-8000-000000000001",
			ActorLogin: "pc1234", Action: "consultation", RecordKind: "mention",
			RecordIDs: []string{fmt.Sprintf("m-%d", seq), "m-x"}, Purpose: "Op Sentinel: review of series 4",
			Origin: "10.0.0.7", Outcome: "allowed", Detail: `{"page":"person"}`,
			PrevHash: prev, Hash: sum[:],
		}
		prev = rows[i].Hash
	}
	return rows
}

func appendRows(t *testing.T, s *store.Store, n int) []store.AuditRow {
	t.Helper()
	var rows []store.AuditRow
	err := s.AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
		rows = auditRows(next, prev, n)
		return rows, nil
	})
	if err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	return rows
}

func collectAudit(t *testing.T, seq func(yield func(store.AuditRow, error) bool)) []store.AuditRow {
	t.Helper()
	var out []store.AuditRow
	for r, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestAppendAuditNumbersFromZeroAndReadsBackInOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		var tails []int64
		err := s.AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
			if prev != nil {
				t.Errorf("prevHash of an empty log: got %x, want nil", prev)
			}
			tails = append(tails, next)
			return auditRows(next, prev, 3), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := auditRows(0, nil, 3)
		err = s.AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
			if !bytes.Equal(prev, want[2].Hash) {
				t.Errorf("prevHash: got %x, want %x", prev, want[2].Hash)
			}
			tails = append(tails, next)
			return auditRows(next, prev, 2), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{0, 3}, tails); diff != "" {
			t.Errorf("next (-want +got):\n%s", diff)
		}
		want = auditRows(0, nil, 5)
		if diff := cmp.Diff(want, collectAudit(t, s.ScanAudit(ctx, 0))); diff != "" {
			t.Errorf("ScanAudit(0) (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[3:], collectAudit(t, s.ScanAudit(ctx, 3))); diff != "" {
			t.Errorf("ScanAudit(3) (-want +got):\n%s", diff)
		}
	})
}

func TestAppendAuditRefusesRowsThatDoNotContinueTheLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		appendRows(t, s, 2)
		for _, c := range []struct {
			name, field string
			spoil       func(rows []store.AuditRow)
		}{
			{"gap", "seq", func(rows []store.AuditRow) { rows[1].Seq++ }},
			{"reused seq", "seq", func(rows []store.AuditRow) { rows[0].Seq-- }},
			{"broken link to the tail", "prev_hash", func(rows []store.AuditRow) { rows[0].PrevHash = make([]byte, 32) }},
			{"broken link within", "prev_hash", func(rows []store.AuditRow) { rows[1].PrevHash = rows[0].PrevHash }},
			{"short hash", "hash", func(rows []store.AuditRow) { rows[1].Hash = rows[1].Hash[:16] }},
			{"time finer than a microsecond", "at", func(rows []store.AuditRow) { rows[0].At = rows[0].At.Add(time.Nanosecond) }},
			{"bad outcome", "", func(rows []store.AuditRow) { rows[1].Outcome = "maybe" }},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := s.AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
					rows := auditRows(next, prev, 2)
					c.spoil(rows)
					return rows, nil
				})
				wantCode(t, err, pole.EINVALID, c.field)
			})
		}
		if got := len(collectAudit(t, s.ScanAudit(ctx, 0))); got != 2 {
			t.Fatalf("entries after refused appends: got %d, want 2", got)
		}
	})
}

func TestAppendAuditSerialisesAppendersAcrossStores(t *testing.T) {
	forEachEngineDSN(t, func(t *testing.T, dsn string) {
		// Two Stores on one database stand for two processes.
		stores := []*store.Store{storetest.Open(t, dsn), storetest.Open(t, dsn)}
		const workers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for range each {
					errs <- stores[w%2].AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
						return auditRows(next, prev, 3), nil
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rows := collectAudit(t, stores[0].ScanAudit(ctx, 0))
		if len(rows) != workers*each*3 {
			t.Fatalf("entries: got %d, want %d", len(rows), workers*each*3)
		}
		prev := make([]byte, 32)
		for i, r := range rows {
			if r.Seq != int64(i) || !bytes.Equal(r.PrevHash, prev) {
				t.Fatalf("entry %d: seq %d, links to %x, want %x", i, r.Seq, r.PrevHash, prev)
			}
			prev = r.Hash
		}
	})
}

func TestFindAuditSelectsByTime(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		rows := appendRows(t, s, 6) // a minute apart, to the microsecond
		for _, c := range []struct {
			name     string
			from, to time.Time
			want     []store.AuditRow
		}{
			{"everything", time.Time{}, time.Time{}, rows},
			{"from, inclusive", rows[2].At, time.Time{}, rows[2:]},
			{"to, exclusive", time.Time{}, rows[2].At, rows[:2]},
			{"a microsecond either side", rows[2].At.Add(-time.Microsecond), rows[4].At.Add(time.Microsecond), rows[2:5]},
			{"in another zone", rows[3].At.In(time.FixedZone("BST", 3600)), time.Time{}, rows[3:]},
		} {
			t.Run(c.name, func(t *testing.T) {
				got := collectAudit(t, s.FindAudit(ctx, c.from, c.to))
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestAuditCheckpointsRoundTripAndAreChecked(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		_, err := s.LatestAuditCheckpoint(ctx)
		wantCode(t, err, pole.ENOTFOUND, "")
		appendRows(t, s, 5)
		checkpoint := func(size int64) *store.AuditCheckpoint {
			root := sha256.Sum256(fmt.Appendf(nil, "root %d", size))
			return &store.AuditCheckpoint{
				TreeSize: size, RootHash: root[:], Frontier: bytes.Repeat(root[:], 2),
				SignedNote: fmt.Appendf(nil, "go.sum database tree\n%d\nroot\n\n— test sig\n", size),
			}
		}
		for _, size := range []int64{5, 3} {
			if err := s.SaveAuditCheckpoint(ctx, checkpoint(size)); err != nil {
				t.Fatalf("SaveAuditCheckpoint(%d): %v", size, err)
			}
		}
		wantCode(t, s.SaveAuditCheckpoint(ctx, checkpoint(3)), pole.ECONFLICT, "")
		wantCode(t, s.SaveAuditCheckpoint(ctx, checkpoint(6)), pole.EINVALID, "tree_size")
		wantCode(t, s.SaveAuditCheckpoint(ctx, checkpoint(0)), pole.EINVALID, "tree_size")
		noFrontier := checkpoint(4)
		noFrontier.Frontier = nil
		wantCode(t, s.SaveAuditCheckpoint(ctx, noFrontier), pole.EINVALID, "frontier")

		latest, err := s.LatestAuditCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if latest.CreatedAt.IsZero() {
			t.Error("CreatedAt was not set")
		}
		latest.CreatedAt = time.Time{}
		if diff := cmp.Diff(checkpoint(5), latest); diff != "" {
			t.Errorf("LatestAuditCheckpoint (-want +got):\n%s", diff)
		}
		all, err := s.AuditCheckpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var sizes []int64
		for _, cp := range all {
			sizes = append(sizes, cp.TreeSize)
		}
		if diff := cmp.Diff([]int64{3, 5}, sizes); diff != "" {
			t.Errorf("AuditCheckpoints sizes (-want +got):\n%s", diff)
		}
	})
}

func TestAuditTablesRefuseUpdateAndDelete(t *testing.T) {
	forEachEngineDSN(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		rows := appendRows(t, s, 3)
		root := sha256.Sum256([]byte("root"))
		if err := s.SaveAuditCheckpoint(ctx, &store.AuditCheckpoint{TreeSize: 3, RootHash: root[:], Frontier: root[:], SignedNote: []byte("note")}); err != nil {
			t.Fatal(err)
		}
		db := rawDB(t, dsn)
		stmts := []string{
			"UPDATE audit_entries SET purpose = 'none' WHERE seq = 1",
			"UPDATE audit_entries SET seq = seq + 10",
			"DELETE FROM audit_entries WHERE seq = 2",
			"DELETE FROM audit_entries",
			"UPDATE audit_checkpoints SET signed_note = 'forged'",
			"DELETE FROM audit_checkpoints",
		}
		if s.Engine() == "postgres" {
			stmts = append(stmts, "TRUNCATE audit_entries CASCADE", "TRUNCATE audit_checkpoints",
				// A statement that touches no row is refused as well.
				"DELETE FROM audit_entries WHERE seq < 0")
		}
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: got error %v, want one saying the table is append-only", q, err)
			}
		}
		if diff := cmp.Diff(rows, collectAudit(t, s.ScanAudit(ctx, 0))); diff != "" {
			t.Errorf("entries after refused changes (-want +got):\n%s", diff)
		}
		if cps, err := s.AuditCheckpoints(ctx); err != nil || len(cps) != 1 {
			t.Errorf("checkpoints after refused changes: got %d (%v), want 1", len(cps), err)
		}
	})
}
