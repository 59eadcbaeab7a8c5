package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

var ctx = context.Background()

// keys makes an audit key pair, as the key file will hold.
func keys(t testing.TB, name string) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return signer, verifier
}

// db is a migrated store and, beside it, a raw connection to its database
// with which the tests play someone who has the database and wants the log
// to say something else.
type db struct {
	st     *store.Store
	raw    *sql.DB
	engine string
}

func forEachEngine(t *testing.T, test func(t *testing.T, d *db)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, open(t, storetest.SQLiteDSN(t))) })
	t.Run("postgres", func(t *testing.T) { test(t, open(t, storetest.PostgresDSN(t))) })
}

func open(t *testing.T, dsn string) *db {
	t.Helper()
	d := &db{st: storetest.Open(t, dsn), engine: "postgres"}
	driver, source := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, source, d.engine = "sqlite", path+"?_pragma=busy_timeout(10000)", "sqlite"
	}
	raw, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	d.raw = raw
	return d
}

// tamper runs stmts past the append-only triggers, as an attacker with the
// database would: on SQLite by dropping them, on PostgreSQL in a session
// that fires no triggers. Statements take ? placeholders.
func (d *db) tamper(t *testing.T, stmts ...string) {
	t.Helper()
	d.tamperWith(t, stmts, nil)
}

func (d *db) tamperWith(t *testing.T, stmts []string, args [][]any) {
	t.Helper()
	conn, err := d.raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	setup := []string{
		"DROP TRIGGER IF EXISTS audit_entries_no_update", "DROP TRIGGER IF EXISTS audit_entries_no_delete",
		"DROP TRIGGER IF EXISTS audit_checkpoints_no_update", "DROP TRIGGER IF EXISTS audit_checkpoints_no_delete",
	}
	if d.engine == "postgres" {
		setup = []string{"SET session_replication_role = replica"}
		defer conn.ExecContext(ctx, "RESET session_replication_role")
	}
	for _, q := range setup {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i, q := range stmts {
		var a []any
		if i < len(args) {
			a = args[i]
		}
		if _, err := conn.ExecContext(ctx, d.rebind(q), a...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func (d *db) rebind(q string) string {
	if d.engine != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// consultation is an audited read of person records, varied by i.
func consultation(i int) Entry {
	return Entry{
		Actor: "0193f1f2-0000-7000-8000-00000000000" + strconv.Itoa(i%7), ActorLogin: "pc" + strconv.Itoa(1000+i%7),
		Action: Consultation, RecordKind: "mention", RecordIDs: []string{fmt.Sprintf("0193f1f2-1111-7000-8000-%012d", i)},
		Purpose: "Op Sentinel: series 4 review", Origin: "10.0.0." + strconv.Itoa(i%250),
		Detail: "entry " + strconv.Itoa(i),
	}
}

// record writes n entries through a Log that checkpoints every `every`, and
// closes it (which checkpoints the rest).
func record(t *testing.T, st *store.Store, signer note.Signer, n, every int) {
	t.Helper()
	l := New(st, signer, Options{CheckpointEvery: every})
	for i := range n {
		if err := l.Record(ctx, consultation(i)); err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func rows(t *testing.T, st *store.Store) []store.AuditRow {
	t.Helper()
	var out []store.AuditRow
	for r, err := range st.ScanAudit(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestVerifyPassesAnUntouchedLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, verifier := keys(t, "caselink-audit")
		record(t, d.st, signer, 25, 10)
		rep, err := Verify(ctx, d.st, verifier)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		want := Report{Entries: 25, Checkpoints: 3, Signed: 25, BadSeq: -1, BadCheckpoint: -1}
		if diff := cmp.Diff(want, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		if !rep.OK() {
			t.Error("OK: got false, want true")
		}
	})
}

func TestVerifyPassesAnEmptyLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		_, verifier := keys(t, "caselink-audit")
		rep, err := Verify(ctx, d.st, verifier)
		if err != nil || !rep.OK() || rep.Entries != 0 {
			t.Fatalf("Verify: got %+v, %v; want an OK report of 0 entries", rep, err)
		}
	})
}

// TestVerifyNamesTheFirstBadEntry tampers with a log of 20 entries,
// checkpointed at 10 and 20, in each way someone with the database could.
func TestVerifyNamesTheFirstBadEntry(t *testing.T) {
	cases := []struct {
		name          string
		tamper        func(t *testing.T, d *db)
		seq, cpSize   int64
		reasonMention string
	}{
		{
			name: "one field of one entry changed",
			tamper: func(t *testing.T, d *db) {
				d.tamper(t, "UPDATE audit_entries SET purpose = 'routine check' WHERE seq = 7")
			},
			seq: 7, cpSize: -1, reasonMention: "changed",
		},
		{
			name: "a record id changed",
			tamper: func(t *testing.T, d *db) {
				d.tamper(t, `UPDATE audit_entries SET record_ids = '["someone-else"]' WHERE seq = 12`)
			},
			seq: 12, cpSize: -1, reasonMention: "changed",
		},
		{
			name:   "the time moved by a microsecond",
			tamper: func(t *testing.T, d *db) { d.moveTime(t, 3, time.Microsecond) },
			seq:    3, cpSize: -1, reasonMention: "changed",
		},
		{
			name:   "an entry in the middle deleted",
			tamper: func(t *testing.T, d *db) { d.tamper(t, "DELETE FROM audit_entries WHERE seq = 7") },
			seq:    7, cpSize: -1, reasonMention: "missing",
		},
		{
			name: "an entry deleted and the rest renumbered",
			tamper: func(t *testing.T, d *db) {
				d.tamper(t, "DELETE FROM audit_entries WHERE seq = 7",
					"UPDATE audit_entries SET seq = seq + 1000000 WHERE seq > 7",
					"UPDATE audit_entries SET seq = seq - 1000001 WHERE seq >= 1000000")
			},
			seq: 7, cpSize: -1, reasonMention: "does not follow",
		},
		{
			name:   "the last entry deleted after a checkpoint",
			tamper: func(t *testing.T, d *db) { d.tamper(t, "DELETE FROM audit_entries WHERE seq = 19") },
			seq:    19, cpSize: 20, reasonMention: "missing",
		},
		{
			name: "two entries swapped",
			tamper: func(t *testing.T, d *db) {
				d.tamper(t, "UPDATE audit_entries SET seq = 1000000 WHERE seq = 7",
					"UPDATE audit_entries SET seq = 7 WHERE seq = 8",
					"UPDATE audit_entries SET seq = 8 WHERE seq = 1000000")
			},
			seq: 7, cpSize: -1, reasonMention: "does not follow",
		},
		{
			name:   "a forged entry inserted, linked to the one before",
			tamper: func(t *testing.T, d *db) { d.insertForged(t, 7) },
			seq:    7, cpSize: -1, reasonMention: "inserted",
		},
		{
			name:   "a forged entry inserted at the start",
			tamper: func(t *testing.T, d *db) { d.insertForged(t, 0) },
			seq:    0, cpSize: -1, reasonMention: "inserted",
		},
		{
			name: "an entry relinked to the entry before its predecessor",
			tamper: func(t *testing.T, d *db) {
				d.tamper(t, "UPDATE audit_entries SET prev_hash = (SELECT a.prev_hash FROM audit_entries a WHERE a.seq = 6) WHERE seq = 7")
			},
			seq: 7, cpSize: -1, reasonMention: "does not follow",
		},
		{
			name: "an entry duplicated",
			tamper: func(t *testing.T, d *db) {
				d.tamper(t, "UPDATE audit_entries SET seq = seq + 1000000 WHERE seq >= 8",
					"UPDATE audit_entries SET seq = seq - 999999 WHERE seq >= 1000000",
					"INSERT INTO audit_entries SELECT 8, at, actor, actor_login, action, record_kind, record_ids, purpose, origin, recipient, outcome, detail, prev_hash, hash FROM audit_entries WHERE seq = 7")
			},
			seq: 8, cpSize: -1, reasonMention: "does not follow",
		},
		{
			name:   "an entry changed and the chain after it rewritten",
			tamper: func(t *testing.T, d *db) { d.rewriteFrom(t, 15) },
			seq:    10, cpSize: 20, reasonMention: "rewritten",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, d *db) {
				signer, verifier := keys(t, "caselink-audit")
				record(t, d.st, signer, 20, 10)
				c.tamper(t, d)
				rep, err := Verify(ctx, d.st, verifier)
				if pole.ErrorCode(err) != pole.EINVALID {
					t.Fatalf("Verify error: got %v, want EINVALID", err)
				}
				if rep.BadSeq != c.seq || rep.BadCheckpoint != c.cpSize {
					t.Errorf("bad entry and checkpoint: got %d and %d (%s), want %d and %d", rep.BadSeq, rep.BadCheckpoint, rep.Reason, c.seq, c.cpSize)
				}
				if !strings.Contains(rep.Reason, c.reasonMention) || !strings.Contains(err.Error(), rep.Reason) {
					t.Errorf("reason: got %q (error %v), want it to say %q", rep.Reason, err, c.reasonMention)
				}
				if rep.OK() {
					t.Error("OK: got true, want false")
				}
			})
		})
	}
}

// moveTime shifts entry seq's time by d, writing it the way the store does.
func (d *db) moveTime(t *testing.T, seq int64, by time.Duration) {
	t.Helper()
	var at any
	for r, err := range d.st.ScanAudit(ctx, seq) {
		if err != nil {
			t.Fatal(err)
		}
		at = r.At.Add(by)
		if d.engine == "sqlite" {
			at = r.At.Add(by).Format("2006-01-02 15:04:05.999999-07:00")
		}
		break
	}
	d.tamperWith(t, []string{"UPDATE audit_entries SET at = ? WHERE seq = ?"}, [][]any{{at, seq}})
}

// insertForged moves the entries from seq on one place along and puts a
// forged entry at seq, properly linked to the entry before it.
func (d *db) insertForged(t *testing.T, seq int64) {
	t.Helper()
	prev := genesis[:]
	if seq > 0 {
		prev = rows(t, d.st)[seq-1].Hash
	}
	forged := consultation(99)
	forged.Outcome, forged.Seq, forged.At, forged.PrevHash = Allowed, seq, time.Now().UTC().Truncate(time.Microsecond), prev
	r := forged.row()
	var h hasher
	sum := chain(prev, h.leaf(&r))
	at := any(r.At)
	if d.engine == "sqlite" {
		at = r.At.Format("2006-01-02 15:04:05.999999-07:00")
	}
	d.tamperWith(t, []string{
		"UPDATE audit_entries SET seq = seq + 1000000 WHERE seq >= ?",
		"UPDATE audit_entries SET seq = seq - 999999 WHERE seq >= 1000000",
		"INSERT INTO audit_entries (seq, at, actor, actor_login, action, record_kind, record_ids, purpose, origin, recipient, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	}, [][]any{{seq}, nil, {
		r.Seq, at, r.Actor, r.ActorLogin, r.Action, r.RecordKind, `["` + r.RecordIDs[0] + `"]`,
		r.Purpose, r.Origin, r.Recipient, r.Outcome, r.Detail, r.PrevHash, sum[:],
	}})
}

// rewriteFrom changes entry seq and recomputes the chain from there to the
// end, so that every link holds: only a checkpoint can tell.
func (d *db) rewriteFrom(t *testing.T, seq int64) {
	t.Helper()
	all := rows(t, d.st)
	var (
		stmts []string
		args  [][]any
		h     hasher
	)
	prev := all[seq-1].Hash
	for i := seq; i < int64(len(all)); i++ {
		r := all[i]
		if i == seq {
			r.Purpose = "routine check"
		}
		sum := chain(prev, h.leaf(&r))
		stmts = append(stmts, "UPDATE audit_entries SET purpose = ?, prev_hash = ?, hash = ? WHERE seq = ?")
		args = append(args, []any{r.Purpose, prev, sum[:], i})
		prev = sum[:]
	}
	d.tamperWith(t, stmts, args)
}

func TestVerifyRefusesACheckpointSignedWithAnotherKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, verifier := keys(t, "caselink-audit")
		record(t, d.st, signer, 10, -1)
		// Someone with the database, but not the audit key, covers entries
		// they add with a checkpoint of their own.
		other, _ := keys(t, "caselink-audit")
		l := New(d.st, other, Options{CheckpointEvery: -1})
		if err := l.Record(ctx, consultation(10)); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(ctx, d.st, verifier)
		if pole.ErrorCode(err) != pole.EINVALID {
			t.Fatalf("Verify error: got %v, want EINVALID", err)
		}
		if rep.BadCheckpoint != 11 || rep.BadSeq != -1 || rep.Checkpoints != 1 || !strings.Contains(rep.Reason, "not signed by the audit key") {
			t.Errorf("report: got %+v, want checkpoint 11 refused as not signed by the audit key", rep)
		}
	})
}

func TestVerifyAcceptsCheckpointsOfARotatedKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		oldSigner, oldVerifier := keys(t, "caselink-audit")
		newSigner, newVerifier := keys(t, "caselink-audit")
		record(t, d.st, oldSigner, 10, -1)
		record(t, d.st, newSigner, 5, -1)
		rep, err := Verify(ctx, d.st, oldVerifier, newVerifier)
		if err != nil || rep.Checkpoints != 2 || rep.Signed != 15 {
			t.Fatalf("Verify with both keys: got %+v, %v; want 2 checkpoints covering 15 entries", rep, err)
		}
		rep, err = Verify(ctx, d.st, newVerifier)
		if pole.ErrorCode(err) != pole.EINVALID || rep.BadCheckpoint != 10 {
			t.Fatalf("Verify with the new key alone: got %+v, %v; want checkpoint 10 refused", rep, err)
		}
		if _, err := Verify(ctx, d.st); pole.ErrorCode(err) != pole.EINVALID {
			t.Fatalf("Verify with no key: got %v, want EINVALID", err)
		}
	})
}

func TestVerifyRefusesACheckpointWhoseRootWasEdited(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, verifier := keys(t, "caselink-audit")
		record(t, d.st, signer, 10, -1)
		d.tamper(t, "UPDATE audit_checkpoints SET root_hash = (SELECT hash FROM audit_entries WHERE seq = 0)")
		rep, err := Verify(ctx, d.st, verifier)
		if pole.ErrorCode(err) != pole.EINVALID || rep.BadCheckpoint != 10 || !strings.Contains(rep.Reason, "altered") {
			t.Errorf("Verify: got %+v, %v; want checkpoint 10 found altered", rep, err)
		}
	})
}

func TestConcurrentRecordsMakeAGaplessVerifiedChain(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, verifier := keys(t, "caselink-audit")
		l := New(d.st, signer, Options{CheckpointEvery: 100})
		const workers, each = 32, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					errs <- l.Record(ctx, consultation(w*each+i))
				}
			})
		}
		wg.Wait()
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := Verify(ctx, d.st, verifier)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if rep.Entries != workers*each || rep.Signed != workers*each {
			t.Errorf("report: got %+v, want %d entries, all signed", rep, workers*each)
		}
		seen := map[string]bool{}
		for _, r := range rows(t, d.st) {
			seen[r.Detail] = true
		}
		if len(seen) != workers*each {
			t.Errorf("distinct entries: got %d, want %d", len(seen), workers*each)
		}
	})
}

func TestRecordReturnsOnlyOnceTheEntryIsStored(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, _ := keys(t, "caselink-audit")
		now := time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
		l := New(d.st, signer, Options{Now: func() time.Time { return now }})
		defer l.Close()
		for i := range 3 {
			e := consultation(i)
			if err := l.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
			got := rows(t, d.st)
			if len(got) != i+1 {
				t.Fatalf("after Record %d: got %d entries, want %d", i, len(got), i+1)
			}
			want := e.row()
			want.Seq, want.At, want.Outcome = int64(i), now.Truncate(time.Microsecond), string(Allowed)
			last := got[i]
			last.PrevHash, last.Hash = nil, nil
			if diff := cmp.Diff(want, last); diff != "" {
				t.Errorf("entry %d (-want +got):\n%s", i, diff)
			}
		}
	})
}

func TestRecordRefusesAnIncompleteEntry(t *testing.T) {
	signer, _ := keys(t, "caselink-audit")
	l := New(storetest.SQLite(t), signer, Options{})
	defer l.Close()
	for _, c := range []struct {
		field string
		spoil func(e *Entry)
	}{
		{"actor", func(e *Entry) { e.Actor = "" }},
		{"action", func(e *Entry) { e.Action = "Looked At" }},
		{"outcome", func(e *Entry) { e.Outcome = "maybe" }},
		{"purpose", func(e *Entry) { e.Purpose = "" }},
		{"record_ids", func(e *Entry) { e.RecordIDs = nil }},
		{"record_ids", func(e *Entry) { e.RecordIDs = []string{""} }},
		{"record_kind", func(e *Entry) { e.RecordKind = "" }},
		{"recipient", func(e *Entry) { e.Action = Disclosure }},
		{"detail", func(e *Entry) { e.Detail = "a\x00b" }},
		{"origin", func(e *Entry) { e.Origin = "\xff" }},
	} {
		e := consultation(1)
		c.spoil(&e)
		err := l.Record(ctx, e)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != c.field {
			t.Errorf("%s: got %v, want EINVALID naming %s", c.field, err, c.field)
		}
	}
	// A security event names no records and needs no purpose.
	if err := l.Record(ctx, Entry{Actor: System, Action: LoginFailed, Outcome: Denied, Origin: "10.0.0.9", Detail: "login pc9999"}); err != nil {
		t.Errorf("login_failed: %v", err)
	}
}

func TestRecordAfterCloseFails(t *testing.T) {
	signer, _ := keys(t, "caselink-audit")
	l := New(storetest.SQLite(t), signer, Options{})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(ctx, consultation(0)); err == nil {
		t.Fatal("Record after Close: got nil, want an error")
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestCheckpointSignsOnlyNewEntries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, verifier := keys(t, "caselink-audit")
		l := New(d.st, signer, Options{CheckpointEvery: -1})
		defer l.Close()
		head, err := l.Checkpoint(ctx)
		if err != nil || head.N != 0 {
			t.Fatalf("Checkpoint of an empty log: got %v, %v; want size 0", head, err)
		}
		for i := range 5 {
			if err := l.Record(ctx, consultation(i)); err != nil {
				t.Fatal(err)
			}
		}
		first, err := l.Checkpoint(ctx)
		if err != nil || first.N != 5 {
			t.Fatalf("Checkpoint: got %v, %v; want size 5", first, err)
		}
		again, err := l.Checkpoint(ctx)
		if err != nil || again != first {
			t.Fatalf("Checkpoint with nothing new: got %v, %v; want %v", again, err, first)
		}
		cps, err := d.st.AuditCheckpoints(ctx)
		if err != nil || len(cps) != 1 {
			t.Fatalf("checkpoints: got %d (%v), want 1", len(cps), err)
		}
		n, err := note.Open(cps[0].SignedNote, note.VerifierList(verifier))
		if err != nil {
			t.Fatalf("the stored note does not open with the audit key: %v", err)
		}
		if got, err := tlog.ParseTree([]byte(n.Text)); err != nil || got != first {
			t.Errorf("signed tree: got %v, %v; want %v", got, err, first)
		}
	})
}

func TestCheckpointRefusesToSignATamperedTail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, _ := keys(t, "caselink-audit")
		record(t, d.st, signer, 10, -1)
		l := New(d.st, signer, Options{CheckpointEvery: -1})
		for i := range 5 {
			if err := l.Record(ctx, consultation(10+i)); err != nil {
				t.Fatal(err)
			}
		}
		d.tamper(t, "UPDATE audit_entries SET actor_login = 'pc0000' WHERE seq = 12")
		if _, err := l.Checkpoint(ctx); pole.ErrorCode(err) != pole.EINVALID || !strings.Contains(err.Error(), "entry 12") {
			t.Fatalf("Checkpoint: got %v, want EINVALID naming entry 12", err)
		}
		if err := l.Close(); pole.ErrorCode(err) != pole.EINVALID {
			t.Fatalf("Close: got %v, want the checkpoint's EINVALID", err)
		}
		latest, err := d.st.LatestAuditCheckpoint(ctx)
		if err != nil || latest.TreeSize != 10 {
			t.Fatalf("latest checkpoint: got %+v, %v; want size 10", latest, err)
		}
	})
}

func TestExportWritesTheEntriesInRangeAsJSONLines(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, _ := keys(t, "caselink-audit")
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		now := t0
		l := New(d.st, signer, Options{Now: func() time.Time { return now }})
		for i := range 6 {
			now = t0.Add(time.Duration(i) * time.Hour)
			if err := l.Record(ctx, consultation(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		n, err := Export(ctx, d.st, t0.Add(2*time.Hour), t0.Add(5*time.Hour), &buf)
		if err != nil || n != 3 {
			t.Fatalf("Export: got %d, %v; want 3 entries", n, err)
		}
		stored := rows(t, d.st)
		sc := bufio.NewScanner(&buf)
		var got []Entry
		for sc.Scan() {
			var e Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			got = append(got, e)
		}
		var want []Entry
		for i := 2; i < 5; i++ {
			want = append(want, entryOf(&stored[i]))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("exported entries (-want +got):\n%s", diff)
		}
		if _, err := Export(ctx, d.st, t0, t0, &buf); pole.ErrorCode(err) != pole.EINVALID {
			t.Errorf("Export of an empty range: got %v, want EINVALID", err)
		}
	})
}

func TestTreeHeadIsRFC6962(t *testing.T) {
	// tlog computes the same head from the hashes it would store.
	var (
		tr     tree
		stored []tlog.Hash
	)
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for n := range int64(300) {
		data := []byte("record " + strconv.FormatInt(n, 10))
		hs, err := tlog.StoredHashes(n, data, reader)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
		tr.add(tlog.RecordHash(data))
		want, err := tlog.TreeHash(n+1, reader)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.root(); got != want {
			t.Fatalf("head of %d leaves: got %v, want %v", n+1, got, want)
		}
		back, err := treeAt(&store.AuditCheckpoint{TreeSize: tr.size, RootHash: want[:], Frontier: tr.frontier()})
		if err != nil || back.root() != want {
			t.Fatalf("tree of %d leaves from its frontier: got %v, %v", n+1, back.root(), err)
		}
	}
}

func TestEncodingTellsFieldsApart(t *testing.T) {
	e := consultation(1)
	base := e.row()
	variants := map[string]func(r *store.AuditRow){
		"actor's last letter moved to login": func(r *store.AuditRow) {
			r.ActorLogin = r.Actor[len(r.Actor)-1:] + r.ActorLogin
			r.Actor = r.Actor[:len(r.Actor)-1]
		},
		"record ids joined":     func(r *store.AuditRow) { r.RecordIDs = []string{"a", "b"} },
		"record ids one string": func(r *store.AuditRow) { r.RecordIDs = []string{"ab"} },
		"purpose as detail":     func(r *store.AuditRow) { r.Detail, r.Purpose = r.Purpose, r.Detail },
		"seq":                   func(r *store.AuditRow) { r.Seq++ },
		"microsecond":           func(r *store.AuditRow) { r.At = r.At.Add(time.Microsecond) },
	}
	var h hasher
	seen := map[tlog.Hash]string{h.leaf(&base): "base"}
	for name, change := range variants {
		r := base
		r.RecordIDs = append([]string(nil), base.RecordIDs...)
		change(&r)
		leaf := h.leaf(&r)
		if other, ok := seen[leaf]; ok {
			t.Errorf("%s hashes as %s does", name, other)
		}
		seen[leaf] = name
	}
}

func TestQueuedEntriesAreAllCommittedByCloseInOrderAndVerify(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *db) {
		signer, verifier := keys(t, "caselink-audit")
		l := New(d.st, signer, Options{CheckpointEvery: 100})
		for i := range 250 {
			if err := l.Queue(ctx, consultation(i)); err != nil {
				t.Fatalf("Queue %d: %v", i, err)
			}
		}
		if err := l.Record(ctx, consultation(250)); err != nil {
			t.Fatalf("Record after queued entries: %v", err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		got := rows(t, d.st)
		if len(got) != 251 {
			t.Fatalf("%d entries stored, want 251", len(got))
		}
		for i, r := range got {
			if want := "entry " + strconv.Itoa(i); r.Detail != want {
				t.Fatalf("entry %d is %q, want %q: queued entries keep their order", i, r.Detail, want)
			}
		}
		if rep, err := Verify(ctx, d.st, verifier); err != nil || rep.Entries != 251 {
			t.Fatalf("Verify: %+v (%v)", rep, err)
		}
	})
}

func TestQueueRefusesOnceAnAppendOfQueuedEntriesFailed(t *testing.T) {
	st := storetest.SQLite(t)
	signer, _ := keys(t, "caselink-audit")
	l := New(st, signer, Options{})
	defer l.Close()
	if err := l.Queue(ctx, consultation(0)); err != nil {
		t.Fatal(err)
	}
	st.Close() // the database goes away under the log
	// The failed append is noticed by the appender; once it is, reads must
	// stop rather than go unrecorded.
	deadline := time.Now().Add(30 * time.Second)
	for i := 1; ; i++ {
		err := l.Queue(ctx, consultation(i))
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Queue still accepts entries after the store closed")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestQueuedReadsOfOneUserShareAnEntryButWaitedEntriesStandAlone(t *testing.T) {
	read := func(id string, wait bool) *request {
		r := &request{row: store.AuditRow{Actor: "u1", ActorLogin: "pc1", Action: "consultation", RecordKind: "mention",
			RecordIDs: []string{id}, Purpose: "review", Origin: "10.0.0.1", Outcome: "allowed"}}
		if wait {
			r.done = make(chan error, 1)
		}
		return r
	}
	other := read("m9", false)
	other.row.Actor, other.row.ActorLogin = "u2", "pc2"
	batch := []*request{read("m1", false), read("m2", false), read("m1", false), read("m3", true), read("m4", false), read("m5", false), other, read("m6", false)}
	rows := coalesce(batch)
	var got []string
	for _, r := range rows {
		got = append(got, r.ActorLogin+":"+strings.Join(r.RecordIDs, ","))
	}
	want := []string{"pc1:m1,m2", "pc1:m3", "pc1:m4,m5", "pc2:m9", "pc1:m6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("coalesced rows (-want +got):\n%s", diff)
	}
}
