package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// AuditRow is one entry of the audit log as stored. The audit package gives
// it its meaning and its hashes; the store keeps the rows in order, gapless,
// and never changes one.
type AuditRow struct {
	Seq        int64
	At         time.Time
	Actor      string
	ActorLogin string
	Action     string
	RecordKind string
	RecordIDs  []string
	Purpose    string
	Origin     string
	Recipient  string
	Outcome    string
	Detail     string
	PrevHash   []byte
	Hash       []byte
}

// AuditCheckpoint is a signed head of the Merkle tree over the first
// TreeSize entries. Frontier is the roots of the perfect subtrees that make
// up that tree, largest first, from which the next head is computed without
// reading the entries before TreeSize again.
type AuditCheckpoint struct {
	TreeSize   int64
	RootHash   []byte
	Frontier   []byte
	SignedNote []byte
	CreatedAt  time.Time
}

var (
	auditColumns      = []string{"seq", "at", "actor", "actor_login", "action", "record_kind", "record_ids", "purpose", "origin", "recipient", "outcome", "detail", "prev_hash", "hash"}
	checkpointColumns = []string{"tree_size", "root_hash", "frontier", "signed_note", "created_at"}

	auditSelect      = "SELECT " + strings.Join(auditColumns, ", ") + " FROM audit_entries"
	checkpointSelect = "SELECT " + strings.Join(checkpointColumns, ", ") + " FROM audit_checkpoints"
)

// auditLockKey names the PostgreSQL advisory lock that appenders to the
// audit log hold until they commit ("caseaudt" in ASCII).
const auditLockKey = 0x6361736561756474

// auditHashSize is the length of every hash the log keeps (SHA-256).
const auditHashSize = 32

// AppendAudit adds entries to the end of the audit log in one transaction.
// build is called inside it with the sequence number the first new entry
// must have and the hash of the last stored entry (nil when the log is
// empty), and returns the rows to insert: seq next, next+1, ..., each
// PrevHash the Hash of the row before. Appenders in every process are
// serialised from reading the tail to commit, so build sees the true tail:
// SQLite's write transactions hold the database lock from their start, and
// on PostgreSQL an advisory lock is taken first.
func (s *Store) AppendAudit(ctx context.Context, build func(next int64, prevHash []byte) ([]AuditRow, error)) error {
	const op = "store.AppendAudit"
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		if _, ok := s.eng.(postgresEngine); ok {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock("+strconv.FormatInt(auditLockKey, 10)+")"); err != nil {
				return err
			}
		}
		next, prev := int64(0), []byte(nil)
		err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1").Scan(&next, &prev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			next++
		}
		rows, err := build(next, prev)
		if err != nil {
			return err
		}
		if err := checkAuditRows(rows, next, prev); err != nil {
			return err
		}
		return s.insertAuditRows(ctx, tx, rows)
	}))
}

// checkAuditRows makes sure rows continue the log whose last entry is
// next-1 with hash prev: the store cannot judge the hashes, but it can keep
// the sequence gapless and every link pointing at the row before.
func checkAuditRows(rows []AuditRow, next int64, prev []byte) error {
	for i := range rows {
		r := &rows[i]
		if r.Seq != next+int64(i) {
			return pole.Invalid("seq", "entry %d of %d has seq %d, want %d", i+1, len(rows), r.Seq, next+int64(i))
		}
		if r.At.IsZero() || !r.At.Equal(r.At.Truncate(time.Microsecond)) {
			return pole.Invalid("at", "entry %d: the time must be set, to the microsecond", r.Seq)
		}
		if len(r.PrevHash) != auditHashSize || len(r.Hash) != auditHashSize {
			return pole.Invalid("hash", "entry %d: hashes must be %d bytes", r.Seq, auditHashSize)
		}
		want := prev
		if i > 0 {
			want = rows[i-1].Hash
		}
		if want != nil && !bytes.Equal(r.PrevHash, want) {
			return pole.Invalid("prev_hash", "entry %d does not follow the entry before it", r.Seq)
		}
	}
	return nil
}

func (s *Store) insertAuditRows(ctx context.Context, tx *sql.Tx, rows []AuditRow) error {
	for len(rows) > 0 {
		n := min(len(rows), rowsPerInsert)
		args := make([]any, 0, n*len(auditColumns))
		for i := range rows[:n] {
			r := &rows[i]
			args = append(args, r.Seq, s.eng.timeValue(r.At), r.Actor, r.ActorLogin, r.Action, r.RecordKind,
				jsonStrings(r.RecordIDs), r.Purpose, r.Origin, r.Recipient, r.Outcome, r.Detail, r.PrevHash, r.Hash)
		}
		if _, err := tx.ExecContext(ctx, s.eng.rebind(multiRowInsert("audit_entries", auditColumns, n)), args...); err != nil {
			return s.classify(err, "an audit entry with that seq is stored already")
		}
		rows = rows[n:]
	}
	return nil
}

// ScanAudit streams the audit log in seq order from entry from. It reads
// through the read pool, so the log may grow meanwhile; the scan sees the
// entries committed when it began.
func (s *Store) ScanAudit(ctx context.Context, from int64) iter.Seq2[AuditRow, error] {
	return s.scanAudit(ctx, "store.ScanAudit", " WHERE seq >= ?", from)
}

// FindAudit streams, in seq order, the entries recorded at or after from and
// before to. A zero from means since the start, a zero to until now.
func (s *Store) FindAudit(ctx context.Context, from, to time.Time) iter.Seq2[AuditRow, error] {
	var w where
	if !from.IsZero() {
		w.add("at >= ?", s.eng.timeValue(from.UTC()))
	}
	if !to.IsZero() {
		w.add("at < ?", s.eng.timeValue(to.UTC()))
	}
	return s.scanAudit(ctx, "store.FindAudit", w.String(), w.args...)
}

func (s *Store) scanAudit(ctx context.Context, op, where string, args ...any) iter.Seq2[AuditRow, error] {
	return func(yield func(AuditRow, error) bool) {
		rows, err := s.r.QueryContext(ctx, s.eng.rebind(auditSelect+where+" ORDER BY seq"), args...)
		if err != nil {
			yield(AuditRow{}, pole.E(op, err))
			return
		}
		defer rows.Close()
		var ids, prev, hash sql.RawBytes
		for rows.Next() {
			var r AuditRow
			err := rows.Scan(&r.Seq, auditTime{&r.At}, &r.Actor, &r.ActorLogin, &r.Action, &r.RecordKind, &ids,
				&r.Purpose, &r.Origin, &r.Recipient, &r.Outcome, &r.Detail, &prev, &hash)
			if err == nil {
				r.RecordIDs, err = decodeStrings("record_ids", ids)
			}
			if err != nil {
				yield(AuditRow{}, pole.E(op, err))
				return
			}
			// One allocation for both hashes: verifying reads millions.
			both := make([]byte, len(prev)+len(hash))
			r.PrevHash, r.Hash = both[:copy(both, prev):len(prev)], both[len(prev):]
			copy(r.Hash, hash)
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(AuditRow{}, pole.E(op, err))
		}
	}
}

// auditTime scans audit_entries.at: a time from PostgreSQL, and from SQLite
// the text the store wrote, in UTC. SQLite keeps that column TEXT, not
// DATETIME, because the driver would try two layouts with time.Parse on
// every row, which was a fifth of the cost of verifying the log.
type auditTime struct{ t *time.Time }

func (a auditTime) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*a.t = v.UTC()
		return nil
	case string:
		return a.parse(v)
	case []byte:
		return a.parse(string(v))
	}
	return fmt.Errorf("column at holds %T, not a time", v)
}

// parse reads the layout sqliteTime by hand for the UTC times the store
// writes, and anything else with time.Parse.
func (a auditTime) parse(s string) error {
	if t, ok := parseUTC(s); ok {
		*a.t = t
		return nil
	}
	t, err := time.Parse(sqliteTime, s)
	if err != nil {
		return fmt.Errorf("column at: %w", err)
	}
	*a.t = t.UTC()
	return nil
}

// parseUTC reads "2006-01-02 15:04:05.999999+00:00"; ok is false for
// anything else, including a date that does not exist.
func parseUTC(s string) (t time.Time, ok bool) {
	const date = len("2006-01-02 15:04:05")
	if len(s) < date+6 || !strings.HasSuffix(s, "+00:00") ||
		s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(digits string) int {
		v := 0
		for _, c := range []byte(digits) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	ns := 0
	if frac := s[date : len(s)-6]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		ns = num(frac[1:])
		for range 10 - len(frac) {
			ns *= 10
		}
	}
	y, mo, d := num(s[0:4]), num(s[5:7]), num(s[8:10])
	h, mi, sec := num(s[11:13]), num(s[14:16]), num(s[17:19])
	if min(y, mo, d, h, mi, sec, ns) < 0 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t = time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	return t, t.Day() == d
}

// SaveAuditCheckpoint stores a signed tree head; its CreatedAt is set. It is
// EINVALID if the log holds fewer than TreeSize entries, and ECONFLICT if a
// checkpoint of that size is stored already.
func (s *Store) SaveAuditCheckpoint(ctx context.Context, cp *AuditCheckpoint) error {
	const op = "store.SaveAuditCheckpoint"
	if cp.TreeSize < 1 {
		return pole.E(op, pole.Invalid("tree_size", "a checkpoint covers at least one entry, got %d", cp.TreeSize))
	}
	if len(cp.RootHash) != auditHashSize {
		return pole.E(op, pole.Invalid("root_hash", "must be %d bytes", auditHashSize))
	}
	if len(cp.Frontier) == 0 || len(cp.Frontier)%auditHashSize != 0 {
		return pole.E(op, pole.Invalid("frontier", "must be one or more hashes of %d bytes", auditHashSize))
	}
	next := *cp
	next.CreatedAt = s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, s.eng.rebind("SELECT 1 FROM audit_entries WHERE seq = ?"), next.TreeSize-1).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Invalid("tree_size", "the audit log holds fewer than %d entries", next.TreeSize)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.eng.rebind(insertSQL("audit_checkpoints", checkpointColumns)),
			next.TreeSize, next.RootHash, next.Frontier, string(next.SignedNote), s.eng.timeValue(next.CreatedAt))
		return s.classify(err, fmt.Sprintf("a checkpoint of %d entries is stored already", next.TreeSize))
	})
	if err != nil {
		return pole.E(op, err)
	}
	*cp = next
	return nil
}

// LatestAuditCheckpoint returns the checkpoint that covers the most entries,
// or ENOTFOUND if none is stored.
func (s *Store) LatestAuditCheckpoint(ctx context.Context) (*AuditCheckpoint, error) {
	const op = "store.LatestAuditCheckpoint"
	cp, err := scanCheckpoint(s.r.QueryRowContext(ctx, checkpointSelect+" ORDER BY tree_size DESC LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no audit checkpoint is stored"))
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	return cp, nil
}

// AuditCheckpoints returns every checkpoint, smallest tree first.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]AuditCheckpoint, error) {
	const op = "store.AuditCheckpoints"
	list, err := queryAll(ctx, s.r, checkpointSelect+" ORDER BY tree_size", nil, scanCheckpoint)
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := make([]AuditCheckpoint, len(list))
	for i, cp := range list {
		out[i] = *cp
	}
	return out, nil
}

func scanCheckpoint(r scanner) (*AuditCheckpoint, error) {
	var (
		cp     AuditCheckpoint
		signed string
	)
	if err := r.Scan(&cp.TreeSize, &cp.RootHash, &cp.Frontier, &signed, &cp.CreatedAt); err != nil {
		return nil, err
	}
	cp.SignedNote, cp.CreatedAt = []byte(signed), cp.CreatedAt.UTC()
	return &cp, nil
}
