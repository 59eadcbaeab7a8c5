// Package store keeps caselink's records in SQLite (the embedded default) or
// PostgreSQL (for many users at once). One Store type serves both: the SQL is
// shared, and what differs between the engines (connection pools, placeholders,
// JSON operators, bulk loading, error codes) lives behind the engine interface
// in sqlite.go and postgres.go. The contract tests run every behaviour against
// both engines.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"

	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/pole"
)

//go:embed migrations
var migrations embed.FS

// Store is caselink's storage. It is safe for concurrent use.
type Store struct {
	eng engine
	// w takes writes and the reads inside them; r takes plain reads. On
	// PostgreSQL they are the same pool; on SQLite w holds a single
	// connection so that writers queue in Go instead of failing busy.
	w, r   *sql.DB
	now    func() time.Time
	sealer *identity.Sealer
	// reads holds the prepared statements of the one-record reads, by
	// query: parsing is most of such a read's cost on SQLite.
	reads sync.Map
}

// engine is what differs between SQLite and PostgreSQL.
type engine interface {
	name() string
	dialect() goose.Dialect
	providerOptions() ([]goose.ProviderOption, error)
	// rebind turns the shared ?-placeholder SQL into the engine's own.
	rebind(query string) string
	// jsonArrayHas is a condition: the JSON array column col holds the
	// string bound to the next placeholder.
	jsonArrayHas(col string) string
	// timeValue is how a timestamp is bound.
	timeValue(t time.Time) any
	// forUpdate ends a SELECT inside a write transaction so that the rows it
	// reads stay as read until the transaction ends.
	forUpdate() string
	// constraint reports which constraint err violated, if any.
	constraint(err error) violation
	// beginBulk starts a transaction for bulk inserts.
	beginBulk(ctx context.Context, s *Store) (bulkTx, error)
	close() error
}

// bulkTx writes many rows into one or more tables in one transaction.
type bulkTx interface {
	// insert writes the rows that next yields into table until next returns
	// a nil row. A failure that can be pinned on one row is a *rowError.
	insert(ctx context.Context, table string, columns []string, next func() ([]any, error)) (int, error)
	// upsert is insert for rows that may be stored already: onConflict is
	// the ON CONFLICT clause that says what becomes of them.
	upsert(ctx context.Context, table string, columns []string, onConflict string, next func() ([]any, error)) (int, error)
	// exec runs one statement (already rebound) and reports rows affected.
	exec(ctx context.Context, query string, args ...any) (int64, error)
	commit(ctx context.Context) error
	rollback(ctx context.Context) error
}

// rowError pins a database error on the nth row (from 1) given to insert.
type rowError struct {
	row int
	err error
}

func (e *rowError) Error() string { return fmt.Sprintf("row %d: %v", e.row, e.err) }
func (e *rowError) Unwrap() error { return e.err }

type constraintKind int

// violation describes a broken constraint: its kind and, where the engine
// says, the column at fault and the offending value.
type violation struct {
	kind   constraintKind
	field  string
	detail string
}

const (
	noConstraint constraintKind = iota
	uniqueViolation
	foreignKeyViolation
	checkViolation
)

// Open connects to the database named by dsn: "sqlite:PATH" or a
// postgres:// URL. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	const op = "store.Open"
	var (
		s   *Store
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, pole.E(op, pole.Invalid("db", "sqlite: needs a file path, as in sqlite:caselink.db"))
		}
		s, err = openSQLite(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(ctx, dsn)
	default:
		return nil, pole.E(op, pole.Invalid("db", "%q is neither sqlite:PATH nor a postgres:// URL", Redact(dsn)))
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	s.now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
	return s, nil
}

// Redact hides the password in a connection string, so that it can be shown.
func Redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			creds := dsn[i+3 : at]
			if c := strings.Index(creds, ":"); c >= 0 {
				return dsn[:i+3] + creds[:c] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.eng.name() }

// Close releases the connections.
func (s *Store) Close() error {
	var err error
	s.reads.Range(func(_, v any) bool {
		err = errors.Join(err, v.(*sql.Stmt).Close())
		return true
	})
	err = errors.Join(err, s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return errors.Join(err, s.eng.close())
}

// Migrate brings the schema up to date with the migrations compiled into this
// binary. Concurrent calls are safe: on PostgreSQL a session lock serialises
// them, on SQLite the single writer does.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	const op = "store.Migrate"
	p, err := s.migrator()
	if err != nil {
		return 0, pole.E(op, err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), pole.E(op, err)
	}
	return len(res), nil
}

// SchemaVersion reports the schema version the database holds and the one
// this binary expects.
func (s *Store) SchemaVersion(ctx context.Context) (current, target int64, err error) {
	const op = "store.SchemaVersion"
	p, err := s.migrator()
	if err != nil {
		return 0, 0, pole.E(op, err)
	}
	current, target, err = p.GetVersions(ctx)
	return current, target, pole.E(op, err)
}

func (s *Store) migrator() (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+s.eng.name())
	if err != nil {
		return nil, err
	}
	opts, err := s.eng.providerOptions()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(s.eng.dialect(), s.w, dir, opts...)
}

// inTx runs fn in one write transaction, committed only if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return tx.Commit()
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// newID returns a time-ordered UUID (version 7), so that new rows append to
// the end of the primary key index on both engines.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// classify turns a unique violation into ECONFLICT with conflictMsg, and a
// foreign key or check violation into EINVALID; other errors pass through.
func (s *Store) classify(err error, conflictMsg string) error {
	v := s.eng.constraint(err)
	switch v.kind {
	case uniqueViolation:
		return &pole.Error{Code: pole.ECONFLICT, Message: conflictMsg}
	case foreignKeyViolation:
		msg := "refers to a record that is not stored"
		if v.detail != "" {
			msg += " (" + v.detail + ")"
		}
		return &pole.Error{Code: pole.EINVALID, Field: v.field, Message: msg}
	case checkViolation:
		return &pole.Error{Code: pole.EINVALID, Field: v.field, Message: "breaks a rule of the schema", Err: err}
	}
	return err
}

// exists reports whether table holds a row with the given id.
func (s *Store) exists(ctx context.Context, q querier, table, id string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, s.eng.rebind("SELECT 1 FROM "+table+" WHERE id = ?"), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// mustExist returns EINVALID naming field when id is set but names no row.
func (s *Store) mustExist(ctx context.Context, q querier, field, table, id string) error {
	if id == "" {
		return nil
	}
	ok, err := s.exists(ctx, q, table, id)
	if err != nil {
		return err
	}
	if !ok {
		return pole.Invalid(field, "no %s with id %s is stored", strings.TrimSuffix(table, "s"), id)
	}
	return nil
}

// where builds a WHERE clause from conditions, each holding one or more ?.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// readRow runs a one-row read; on SQLite through a statement prepared once
// on the read pool.
func (s *Store) readRow(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	if s.eng.name() != "sqlite" {
		// pgx keeps its own statement cache on each connection; a
		// database/sql statement over the pool would prepare again on every
		// connection it lands on.
		return s.r.QueryRowContext(ctx, query, args...), nil
	}
	if v, ok := s.reads.Load(query); ok {
		return v.(*sql.Stmt).QueryRowContext(ctx, args...), nil
	}
	st, err := s.r.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := s.reads.LoadOrStore(query, st); loaded {
		st.Close()
		st = v.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...), nil
}

// in adds "col IN (...)" over list; an empty list matches nothing.
func (w *where) in(col string, list []string) {
	if len(list) == 0 {
		w.conds = append(w.conds, "1 = 0")
		return
	}
	w.add(inList(col, len(list)), anyStrings(list)...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page appends LIMIT and OFFSET; a zero limit means every row.
func page(q string, offset, limit int) (string, error) {
	if offset < 0 {
		return "", pole.Invalid("offset", "must not be negative, got %d", offset)
	}
	if limit < 0 {
		return "", pole.Invalid("limit", "must not be negative, got %d", limit)
	}
	if limit == 0 && offset > 0 {
		limit = math.MaxInt32 // SQLite allows OFFSET only after a LIMIT
	}
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	if offset > 0 {
		q += fmt.Sprintf(" OFFSET %d", offset)
	}
	return q, nil
}

// count returns how many rows of from (a table or join) match w.
func (s *Store) count(ctx context.Context, from string, w *where) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, s.eng.rebind("SELECT count(*) FROM "+from+w.String()), w.args...).Scan(&n)
	return n, err
}

// idArg checks an id used to select rows: a malformed one is EINVALID on
// both engines, rather than a type error on PostgreSQL alone.
func idArg(field, id string) error {
	if !pole.IsID(id) {
		return pole.Invalid(field, "%q is not an id", id)
	}
	return nil
}

// notFoundUnlessID answers a lookup by a malformed id as not found, the same
// on both engines, without asking the database.
func notFoundUnlessID(kind, id string) error {
	if !pole.IsID(id) {
		return pole.Errorf(pole.ENOTFOUND, "no %s with id %q", kind, id)
	}
	return nil
}

func nullable(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// SchemaTarget is the schema version this binary's migrations reach. Both
// engines' folders hold the same versions (a test keeps them so).
func SchemaTarget() int64 {
	versions := migrationVersions("sqlite")
	return versions[len(versions)-1]
}

// migrationVersions lists the versions in one engine's migrations folder.
func migrationVersions(engine string) []int64 {
	entries, err := fs.ReadDir(migrations, "migrations/"+engine)
	if err != nil {
		panic(err) // the folder is compiled in; its absence is a build defect
	}
	var vs []int64
	for _, e := range entries {
		v, err := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		if err == nil {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	return vs
}
