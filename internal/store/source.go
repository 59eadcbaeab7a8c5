package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

var sourceColumns = []string{"id", "force", "system", "file_name", "profile", "received_at", "sha256", "row_count", "loaded_by", "created_at"}

var sourceSelect = "SELECT " + strings.Join(sourceColumns, ", ") + " FROM sources"

func (s *Store) sourceValues(src *pole.Source) []any {
	return []any{src.ID, src.Force, src.System, src.FileName, src.Profile, s.eng.timeValue(src.ReceivedAt),
		src.SHA256, src.RowCount, src.LoadedBy, s.eng.timeValue(src.CreatedAt)}
}

func scanSource(r scanner) (*pole.Source, error) {
	var src pole.Source
	err := r.Scan(&src.ID, &src.Force, &src.System, &src.FileName, &src.Profile, &src.ReceivedAt, &src.SHA256, &src.RowCount, &src.LoadedBy, &src.CreatedAt)
	if err != nil {
		return nil, err
	}
	src.ReceivedAt, src.CreatedAt = src.ReceivedAt.UTC(), src.CreatedAt.UTC()
	return &src, nil
}

func (s *Store) prepareSource(src *pole.Source) error {
	if src.ID == "" {
		id, err := newID()
		if err != nil {
			return err
		}
		src.ID = id
	}
	src.ReceivedAt = src.ReceivedAt.UTC().Truncate(time.Microsecond)
	src.CreatedAt = s.now()
	return src.Validate()
}

// CreateSource stores src, giving it an id if it has none. The same file
// (force and SHA-256) is never stored twice: a second attempt is ECONFLICT.
func (s *Store) CreateSource(ctx context.Context, src *pole.Source) error {
	const op = "store.CreateSource"
	if err := s.prepareSource(src); err != nil {
		return pole.E(op, err)
	}
	_, err := s.w.ExecContext(ctx, s.eng.rebind(insertSQL("sources", sourceColumns)), s.sourceValues(src)...)
	if err != nil {
		return pole.E(op, s.classify(err, "file "+src.SHA256+" of force "+src.Force+" is already stored"))
	}
	return nil
}

// FindSourceByID returns the source with the given id, or ENOTFOUND.
func (s *Store) FindSourceByID(ctx context.Context, id string) (*pole.Source, error) {
	const op = "store.FindSourceByID"
	if err := notFoundUnlessID("source", id); err != nil {
		return nil, pole.E(op, err)
	}
	src, err := scanSource(s.r.QueryRowContext(ctx, s.eng.rebind(sourceSelect+" WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no source with id %s", id))
	}
	return src, pole.E(op, err)
}

// FindSources returns the sources that match f, newest received first, and
// how many match in all.
func (s *Store) FindSources(ctx context.Context, f pole.SourceFilter) ([]*pole.Source, int, error) {
	const op = "store.FindSources"
	var w where
	if f.Force != "" {
		w.add("force = ?", f.Force)
	}
	if f.SHA256 != "" {
		w.add("sha256 = ?", f.SHA256)
	}
	q, err := page(sourceSelect+w.String()+" ORDER BY received_at DESC, id", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanSource)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	n, err := s.count(ctx, "sources", &w)
	return list, n, pole.E(op, err)
}

// UpdateSource replaces the descriptive fields of a stored source: its system,
// file name, profile and row count. The force and the file's hash identify
// it and never change.
func (s *Store) UpdateSource(ctx context.Context, src *pole.Source) error {
	const op = "store.UpdateSource"
	if err := notFoundUnlessID("source", src.ID); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanSource(tx.QueryRowContext(ctx, s.eng.rebind(sourceSelect+" WHERE id = ?"), src.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no source with id %s", src.ID)
		}
		if err != nil {
			return err
		}
		if src.Force != old.Force {
			return pole.Invalid("force", "a source's force cannot change (stored %s, given %s)", old.Force, src.Force)
		}
		if src.SHA256 != old.SHA256 {
			return pole.Invalid("sha256", "a source's hash cannot change")
		}
		next := *src
		next.ReceivedAt, next.CreatedAt = old.ReceivedAt, old.CreatedAt
		if err := next.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.eng.rebind(`UPDATE sources SET system = ?, file_name = ?, profile = ?, row_count = ? WHERE id = ?`),
			next.System, next.FileName, next.Profile, next.RowCount, next.ID)
		if err != nil {
			return err
		}
		*src = next
		return nil
	}))
}

type scanner interface{ Scan(dest ...any) error }

// queryAll runs q and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, query string, args []any, scan func(scanner) (*T, error)) ([]*T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}
