package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

var eventColumns = []string{"id", "case_id", "mention_id", "type", "date", "detail", "source_id", "source_row", "created_at"}

var eventSelect = "SELECT " + strings.Join(eventColumns, ", ") + " FROM events"

func eventValues(e *pole.Event, createdAt any) []any {
	return []any{e.ID, nullable(e.CaseID), nullable(e.MentionID), e.Type, e.Date.String(), e.Detail, e.SourceID, e.SourceRow, createdAt}
}

func scanEvent(r scanner) (*pole.Event, error) {
	var (
		e                 pole.Event
		caseID, mentionID sql.NullString
		date              string
	)
	err := r.Scan(&e.ID, &caseID, &mentionID, &e.Type, &date, &e.Detail, &e.SourceID, &e.SourceRow, &e.CreatedAt)
	if err != nil {
		return nil, err
	}
	e.CaseID, e.MentionID, e.CreatedAt = caseID.String, mentionID.String, e.CreatedAt.UTC()
	if e.Date, err = parseDate("date", date); err != nil {
		return nil, err
	}
	return &e, nil
}

// eventValues gives a new event of a load its id and time, validates it, and
// returns its row.
func (l *load) eventValues(e *pole.Event) ([]any, error) {
	if e.ID == "" {
		id, err := newID()
		if err != nil {
			return nil, err
		}
		e.ID = id
	}
	e.CreatedAt = l.now
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return eventValues(e, l.nowArg), nil
}

func (s *Store) eventRefsExist(ctx context.Context, tx *sql.Tx, e *pole.Event) error {
	if err := s.mustExist(ctx, tx, "source_id", "sources", e.SourceID); err != nil {
		return err
	}
	if err := s.mustExist(ctx, tx, "case_id", "cases", e.CaseID); err != nil {
		return err
	}
	return s.mustExist(ctx, tx, "mention_id", "mentions", e.MentionID)
}

// CreateEvent stores e, giving it an id if it has none.
func (s *Store) CreateEvent(ctx context.Context, e *pole.Event) error {
	const op = "store.CreateEvent"
	vals, err := s.newLoad(ctx).eventValues(e)
	if err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.eventRefsExist(ctx, tx, e); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("events", eventColumns)), vals...)
		return s.classify(err, "event "+e.ID+" is already stored")
	}))
}

// FindEventByID returns the event with the given id, or ENOTFOUND.
func (s *Store) FindEventByID(ctx context.Context, id string) (*pole.Event, error) {
	const op = "store.FindEventByID"
	if err := notFoundUnlessID("event", id); err != nil {
		return nil, pole.E(op, err)
	}
	e, err := scanEvent(s.r.QueryRowContext(ctx, s.eng.rebind(eventSelect+" WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no event with id %s", id))
	}
	return e, pole.E(op, err)
}

// FindEvents returns the events that match f in date order, and how many
// match in all.
func (s *Store) FindEvents(ctx context.Context, f pole.EventFilter) ([]*pole.Event, int, error) {
	const op = "store.FindEvents"
	var w where
	for _, id := range []struct{ field, v string }{{"case_id", f.CaseID}, {"mention_id", f.MentionID}} {
		if id.v == "" {
			continue
		}
		if err := idArg(id.field, id.v); err != nil {
			return nil, 0, pole.E(op, err)
		}
		w.add(id.field+" = ?", id.v)
	}
	if f.Type != "" {
		w.add("type = ?", f.Type)
	}
	q, err := page(eventSelect+w.String()+" ORDER BY date, id", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanEvent)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	n, err := s.count(ctx, "events", &w)
	return list, n, pole.E(op, err)
}

// UpdateEvent replaces a stored event's fields with e's.
func (s *Store) UpdateEvent(ctx context.Context, e *pole.Event) error {
	const op = "store.UpdateEvent"
	if err := notFoundUnlessID("event", e.ID); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanEvent(tx.QueryRowContext(ctx, s.eng.rebind(eventSelect+" WHERE id = ?"), e.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no event with id %s", e.ID)
		}
		if err != nil {
			return err
		}
		next := *e
		next.CreatedAt = old.CreatedAt
		if err := next.Validate(); err != nil {
			return err
		}
		if err := s.eventRefsExist(ctx, tx, &next); err != nil {
			return err
		}
		vals := eventValues(&next, s.eng.timeValue(next.CreatedAt))
		q := "UPDATE events SET case_id = ?, mention_id = ?, type = ?, date = ?, detail = ?, source_id = ?, source_row = ? WHERE id = ?"
		if _, err := tx.ExecContext(ctx, s.eng.rebind(q), append(vals[1:8], next.ID)...); err != nil {
			return s.classify(err, "event "+next.ID+" is already stored")
		}
		*e = next
		return nil
	}))
}
