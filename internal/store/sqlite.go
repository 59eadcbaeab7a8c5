package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"

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

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, pole.Invalid("db", "the SQLite path %q must not contain ? or #", path)
	}
	// busy_timeout covers other processes holding the lock; writers in this
	// process queue on the single connection instead.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	w, err := sql.Open("sqlite", path+"?"+common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-131072)&_txlock=immediate")
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
	r, err := sql.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	readers := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return &Store{eng: sqliteEngine{}, w: w, r: r}, nil
}

func (sqliteEngine) name() string                            { return "sqlite" }
func (sqliteEngine) dialect() goose.Dialect                  { return goose.DialectSQLite3 }
func (sqliteEngine) providerOptions() []goose.ProviderOption { return nil }
func (sqliteEngine) rebind(q string) string                  { return q }
func (sqliteEngine) close() error                            { return nil }

func (sqliteEngine) jsonArrayHas(col string) string {
	return "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value = ?)"
}

func (sqliteEngine) constraint(err error) constraintKind {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return noConstraint
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return uniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return foreignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return checkViolation
	}
	return noConstraint
}

// bulkInsert batches rows into multi-row INSERTs inside one transaction, so a
// failure at any row leaves nothing behind.
func (sqliteEngine) bulkInsert(ctx context.Context, s *Store, table string, columns []string, next func() ([]any, error)) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		full, err := tx.PrepareContext(ctx, multiRowInsert(table, columns, rowsPerInsert))
		if err != nil {
			return err
		}
		defer full.Close()
		args := make([]any, 0, rowsPerInsert*len(columns))
		for {
			row, err := next()
			if err != nil {
				return err
			}
			if row == nil {
				break
			}
			args = append(args, row...)
			if len(args) == cap(args) {
				if _, err := full.ExecContext(ctx, args...); err != nil {
					return err
				}
				n += rowsPerInsert
				args = args[:0]
			}
		}
		if len(args) > 0 {
			k := len(args) / len(columns)
			if _, err := tx.ExecContext(ctx, multiRowInsert(table, columns, k), args...); err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func multiRowInsert(table string, columns []string, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}
