package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/caselink/caselink/internal/pole"
)

// uuidColumns are the columns of type uuid in the PostgreSQL schema.
var uuidColumns = map[string]bool{"id": true, "source_id": true, "case_id": true, "mention_id": true}

// postgresEngine is the production engine: one pool for reads and writes,
// COPY for bulk loads.
type postgresEngine struct{}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, pole.Invalid("db", "bad PostgreSQL URL %s: %v", redact(dsn), err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redact(dsn), err)
	}
	return &Store{eng: postgresEngine{}, w: db, r: db}, nil
}

func (postgresEngine) name() string           { return "postgres" }
func (postgresEngine) dialect() goose.Dialect { return goose.DialectPostgres }
func (postgresEngine) close() error           { return nil }

func (postgresEngine) providerOptions() []goose.ProviderOption {
	// A session lock makes concurrent migrations from several servers wait
	// for each other rather than race.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}
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

func (postgresEngine) constraint(err error) constraintKind {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return noConstraint
	}
	switch pe.Code {
	case "23505":
		return uniqueViolation
	case "23503":
		return foreignKeyViolation
	case "23514", "23502":
		return checkViolation
	}
	return noConstraint
}

// bulkInsert streams rows through COPY in one transaction.
func (postgresEngine) bulkInsert(ctx context.Context, s *Store, table string, columns []string, next func() ([]any, error)) (int, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	// COPY reports a failed producer as its own error; keep the producer's,
	// which names the record and field.
	var n int64
	var producerErr error
	var uuids []int
	for i, c := range columns {
		if uuidColumns[c] {
			uuids = append(uuids, i)
		}
	}
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
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		n, err = tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(produce))
		if err != nil {
			rollback := tx.Rollback(ctx)
			if producerErr != nil {
				return producerErr
			}
			return errors.Join(err, rollback)
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
