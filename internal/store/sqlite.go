package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/caselink/caselink/internal/pole"
)

// sqliteEngine is the embedded default: one file, WAL mode, one writer
// connection whose transactions BEGIN IMMEDIATE (so a transaction never
// fails half-way for want of the write lock) and a pool of read-only readers
// that WAL lets run beside the writer.
type sqliteEngine struct{}

// rowsPerInsert is how many rows one bulk INSERT statement carries: enough to
// spread the statement's fixed cost, well under SQLite's 32766 variables.
const rowsPerInsert = 256

// sqliteTime is how timestamps are stored: UTC to the microsecond, in the
// first layout the driver reads back as a time. Formatting it ourselves is
// several times cheaper than letting the driver do it on the bulk path.
const sqliteTime = "2006-01-02 15:04:05.999999-07:00"

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, pole.Invalid("db", "the SQLite path %q must not contain ? or #", path)
	}
	// busy_timeout covers other processes holding the lock; writers in this
	// process queue on the single connection instead.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	// secure_delete: a record sealed after it was stored in the clear (a
	// nominal record found to be a victim's) leaves no old bytes in freed
	// space.
	w, err := sql.Open("sqlite", path+"?"+common+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-131072)&_pragma=temp_store(MEMORY)&_pragma=secure_delete(1)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)&_pragma=cache_size(-65536)&_pragma=mmap_size(4294967296)")
	if err != nil {
		w.Close()
		return nil, err
	}
	readers := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return &Store{eng: sqliteEngine{}, w: w, r: r}, nil
}

func (sqliteEngine) name() string                                     { return "sqlite" }
func (sqliteEngine) dialect() goose.Dialect                           { return goose.DialectSQLite3 }
func (sqliteEngine) providerOptions() ([]goose.ProviderOption, error) { return nil, nil }
func (sqliteEngine) rebind(q string) string                           { return q }
func (sqliteEngine) close() error                                     { return nil }

func (sqliteEngine) timeValue(t time.Time) any { return t.UTC().Format(sqliteTime) }

// forUpdate is empty: every SQLite write transaction holds the database's
// write lock from its start.
func (sqliteEngine) forUpdate() string { return "" }

func (sqliteEngine) jsonArrayHas(col string) string {
	return "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value = ?)"
}

// constraint classifies SQLite's extended result codes. SQLite does not say
// which foreign key failed; bulk loads name the row instead.
func (sqliteEngine) constraint(err error) violation {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return violation{}
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return violation{kind: uniqueViolation}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return violation{kind: foreignKeyViolation}
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return violation{kind: checkViolation}
	}
	return violation{}
}

type sqliteBulk struct {
	eng sqliteEngine
	tx  *sql.Tx
}

func (e sqliteEngine) beginBulk(ctx context.Context, s *Store) (bulkTx, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &sqliteBulk{eng: e, tx: tx}, nil
}

func (b *sqliteBulk) commit(context.Context) error { return b.tx.Commit() }

func (b *sqliteBulk) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := b.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
func (b *sqliteBulk) rollback(context.Context) error { return ignoreDone(b.tx.Rollback()) }

// batch is rowsPerInsert rows (fewer at the end) of bound values.
type batch struct {
	args  []any
	first int // the number of its first row, from 1
	rows  int
}

func (b *sqliteBulk) insert(ctx context.Context, table string, columns []string, next func() ([]any, error)) (int, error) {
	return b.write(ctx, table, columns, "", next)
}

func (b *sqliteBulk) upsert(ctx context.Context, table string, columns []string, onConflict string, next func() ([]any, error)) (int, error) {
	return b.write(ctx, table, columns, " "+onConflict, next)
}

// write batches rows into multi-row INSERTs, each ending with suffix. Rows
// are gathered on another goroutine, so that validating and encoding the
// next batch overlaps SQLite writing this one.
func (b *sqliteBulk) write(ctx context.Context, table string, columns []string, suffix string, next func() ([]any, error)) (int, error) {
	full, err := b.tx.PrepareContext(ctx, multiRowInsert(table, columns, rowsPerInsert)+suffix)
	if err != nil {
		return 0, err
	}
	defer full.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 2)
	free := make(chan []any, 3)
	for range 3 {
		free <- make([]any, 0, rowsPerInsert*len(columns))
	}
	var produceErr error
	go func() {
		defer close(batches)
		produceErr = produceBatches(ctx, columns, next, batches, free)
	}()

	n := 0
	var execErr error
	for bt := range batches {
		if execErr == nil {
			if bt.rows == rowsPerInsert {
				_, execErr = full.ExecContext(ctx, bt.args...)
			} else {
				_, execErr = b.tx.ExecContext(ctx, multiRowInsert(table, columns, bt.rows)+suffix, bt.args...)
			}
			if execErr != nil {
				execErr = b.locate(ctx, insertSQL(table, columns)+suffix, len(columns), bt, execErr)
				cancel() // stop the producer; drain what it already sent
			}
			n += bt.rows
		}
		free <- bt.args[:0]
	}
	// batches is closed only after the producer has returned.
	if execErr != nil {
		return 0, execErr
	}
	if produceErr != nil {
		return 0, produceErr
	}
	return n, nil
}

func produceBatches(ctx context.Context, columns []string, next func() ([]any, error), out chan<- batch, free <-chan []any) error {
	row := 0
	var args []any
	for {
		if args == nil {
			select {
			case args = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		vals, err := next()
		if err != nil {
			return err
		}
		if vals == nil {
			break
		}
		if len(vals) != len(columns) {
			return fmt.Errorf("row %d has %d values for %d columns", row+1, len(vals), len(columns))
		}
		row++
		args = append(args, vals...)
		if len(args) == rowsPerInsert*len(columns) {
			select {
			case out <- batch{args: args, first: row - rowsPerInsert + 1, rows: rowsPerInsert}:
			case <-ctx.Done():
				return ctx.Err()
			}
			args = nil
		}
	}
	if len(args) > 0 {
		k := len(args) / len(columns)
		select {
		case out <- batch{args: args, first: row - k + 1, rows: k}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// locate finds which row of a failed batch broke a constraint by inserting
// the rows one at a time; the failed statement left nothing behind, and the
// transaction is rolled back after anyway. Only runs on failure.
func (b *sqliteBulk) locate(ctx context.Context, one string, columns int, bt batch, err error) error {
	if b.eng.constraint(err).kind == noConstraint {
		return err
	}
	for i := range bt.rows {
		if _, rerr := b.tx.ExecContext(ctx, one, bt.args[i*columns:(i+1)*columns]...); rerr != nil {
			return &rowError{row: bt.first + i, err: rerr}
		}
	}
	return err
}

func multiRowInsert(table string, columns []string, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}
