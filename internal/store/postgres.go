package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/caselink/caselink/internal/pole"
)

// uuidColumns are the columns of type uuid in the PostgreSQL schema that
// bulk loads write.
var uuidColumns = map[string]bool{
	"id": true, "source_id": true, "case_id": true, "mention_id": true,
	"entity_id": true, "run_id": true, "created_by_run": true, "merged_into": true,
	"mention_a": true, "mention_b": true,
}

// postgresEngine is the production engine: one pgx pool, used through
// database/sql for queries and directly for COPY.
type postgresEngine struct {
	pool *pgxpool.Pool
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, pole.Invalid("db", "bad PostgreSQL URL %s: %v", Redact(dsn), err)
	}
	cfg.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", Redact(dsn), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", Redact(dsn), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	return &Store{eng: postgresEngine{pool: pool}, w: db, r: db}, nil
}

func (postgresEngine) name() string              { return "postgres" }
func (postgresEngine) dialect() goose.Dialect    { return goose.DialectPostgres }
func (postgresEngine) timeValue(t time.Time) any { return t }
func (postgresEngine) forUpdate() string         { return " FOR UPDATE" }

// close runs after the database/sql handle is closed, which does not close
// the pool beneath it.
func (e postgresEngine) close() error {
	e.pool.Close()
	return nil
}

func (postgresEngine) providerOptions() ([]goose.ProviderOption, error) {
	// A session lock makes concurrent migrations from several servers wait
	// for each other rather than race.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}

// rebind numbers the placeholders: ? becomes $1, $2, ... The shared SQL holds
// no ? inside string literals or as an operator.
func (postgresEngine) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (postgresEngine) jsonArrayHas(col string) string {
	return col + " @> jsonb_build_array(?::text)"
}

// fkeyName reads the column out of PostgreSQL's default foreign key
// constraint names, TABLE_COLUMN_fkey, where the table is one word; fkeyKey
// reads it from the detail, "Key (COLUMN)=(...) is not present ...", where
// the table's name has words of its own.
var (
	fkeyName = regexp.MustCompile(`^[a-z]+s_([a-z_]+)_fkey$`)
	fkeyKey  = regexp.MustCompile(`^Key \(([a-z_]+)\)=`)
)

// constraint classifies PostgreSQL's SQLSTATEs. A foreign key checked at the
// end of a COPY names no line, so the column and key say what was wrong.
func (postgresEngine) constraint(err error) violation {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return violation{}
	}
	switch pe.Code {
	case "23505":
		return violation{kind: uniqueViolation, detail: pe.Detail}
	case "23503":
		v := violation{kind: foreignKeyViolation, detail: pe.Detail}
		if m := fkeyName.FindStringSubmatch(pe.ConstraintName); m != nil {
			v.field = m[1]
		} else if m := fkeyKey.FindStringSubmatch(pe.Detail); m != nil {
			v.field = m[1]
		}
		return v
	case "23514", "23502":
		return violation{kind: checkViolation, field: pe.ColumnName}
	}
	return violation{}
}

type postgresBulk struct {
	tx pgx.Tx
}

func (e postgresEngine) beginBulk(ctx context.Context, _ *Store) (bulkTx, error) {
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &postgresBulk{tx: tx}, nil
}

func (b *postgresBulk) commit(ctx context.Context) error { return b.tx.Commit(ctx) }

func (b *postgresBulk) exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := b.tx.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (b *postgresBulk) rollback(ctx context.Context) error {
	if err := b.tx.Rollback(ctx); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		return err
	}
	return nil
}

// upsert copies the rows into a temporary table shaped like table, then
// moves them across in one INSERT ... SELECT with the ON CONFLICT clause,
// which COPY itself cannot have.
func (b *postgresBulk) upsert(ctx context.Context, table string, columns []string, onConflict string, next func() ([]any, error)) (int, error) {
	staging := "staging_" + table
	if _, err := b.tx.Exec(ctx, "CREATE TEMPORARY TABLE "+staging+" (LIKE "+table+") ON COMMIT DROP"); err != nil {
		return 0, err
	}
	n, err := b.insert(ctx, staging, columns, next)
	if err != nil {
		return 0, err
	}
	cols := strings.Join(columns, ", ")
	if _, err := b.tx.Exec(ctx, "INSERT INTO "+table+" ("+cols+") SELECT "+cols+" FROM "+staging+" "+onConflict); err != nil {
		return 0, err
	}
	_, err = b.tx.Exec(ctx, "DROP TABLE "+staging)
	return n, err
}

// copyLine finds the row PostgreSQL blames in a failed COPY: its context
// reads "COPY mentions, line 250".
var copyLine = regexp.MustCompile(`COPY \w+, line (\d+)`)

// insert streams rows through COPY.
func (b *postgresBulk) insert(ctx context.Context, table string, columns []string, next func() ([]any, error)) (int, error) {
	var uuids []int
	for i, c := range columns {
		if uuidColumns[c] {
			uuids = append(uuids, i)
		}
	}
	// COPY reports a failed producer as its own error; keep the producer's,
	// which names the record and field.
	var producerErr error
	produce := func() ([]any, error) {
		row, err := next()
		if err != nil {
			producerErr = err
			return nil, err
		}
		if row == nil {
			return nil, nil
		}
		// COPY's binary format takes a UUID as 16 bytes; a string would be
		// parsed through pgx's slow fallback for every row.
		for _, i := range uuids {
			if id, ok := row[i].(string); ok {
				u, err := uuid.Parse(id)
				if err != nil {
					producerErr = pole.Invalid(columns[i], "%q is not a UUID", id)
					return nil, producerErr
				}
				row[i] = [16]byte(u) // not uuid.UUID: its driver.Valuer turns it back into a string
			}
		}
		return row, nil
	}
	n, err := b.tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(produce))
	if producerErr != nil {
		return 0, producerErr
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
				row, _ := strconv.Atoi(m[1])
				return 0, &rowError{row: row, err: err}
			}
		}
		return 0, err
	}
	return int(n), nil
}
