package store

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

var mentionColumns = []string{
	"id", "force", "case_id", "record_id", "role",
	"forename", "middle_names", "surname", "name_as_written", "aliases",
	"dob", "sex", "ethnicity_self", "ethnicity_observed", "nationality",
	"addresses", "phones", "vehicles", "vulnerabilities",
	"source_id", "source_row", "version", "created_at", "updated_at",
}

var mentionSelect = "SELECT " + strings.Join(mentionColumns, ", ") + " FROM mentions"

func mentionValues(m *pole.Mention) []any {
	return []any{
		m.ID, m.Force, nullable(m.CaseID), m.RecordID, string(m.Role),
		m.Forename, m.MiddleNames, m.Surname, m.NameAsWritten, jsonStrings(m.Aliases),
		m.DOB.String(), m.Sex, m.EthnicitySelf, m.EthnicityObserved, m.Nationality,
		jsonAddresses(m.Addresses), jsonStrings(m.Phones), jsonStrings(m.Vehicles), jsonStrings(m.Vulnerabilities),
		m.SourceID, m.SourceRow, m.Version, m.CreatedAt, m.UpdatedAt,
	}
}

func scanMention(r scanner) (*pole.Mention, error) {
	var (
		m                                              pole.Mention
		caseID                                         sql.NullString
		role, dob                                      string
		aliases, addresses, phones, vehicles, vulnerab []byte
	)
	err := r.Scan(&m.ID, &m.Force, &caseID, &m.RecordID, &role,
		&m.Forename, &m.MiddleNames, &m.Surname, &m.NameAsWritten, &aliases,
		&dob, &m.Sex, &m.EthnicitySelf, &m.EthnicityObserved, &m.Nationality,
		&addresses, &phones, &vehicles, &vulnerab,
		&m.SourceID, &m.SourceRow, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return nil, err
	}
	m.CaseID, m.Role = caseID.String, pole.Role(role)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	if m.DOB, err = parseDate("dob", dob); err != nil {
		return nil, err
	}
	for _, j := range []struct {
		col string
		raw []byte
		v   any
	}{
		{"aliases", aliases, &m.Aliases}, {"addresses", addresses, &m.Addresses}, {"phones", phones, &m.Phones},
		{"vehicles", vehicles, &m.Vehicles}, {"vulnerabilities", vulnerab, &m.Vulnerabilities},
	} {
		if err := decodeJSON(j.col, j.raw, j.v); err != nil {
			return nil, err
		}
	}
	m.Aliases, m.Addresses, m.Phones = emptyNil(m.Aliases), emptyNil(m.Addresses), emptyNil(m.Phones)
	m.Vehicles, m.Vulnerabilities = emptyNil(m.Vehicles), emptyNil(m.Vulnerabilities)
	return &m, nil
}

func (s *Store) prepareMention(m *pole.Mention) error {
	if m.ID == "" {
		id, err := newID()
		if err != nil {
			return err
		}
		m.ID = id
	}
	m.Version = 1
	m.CreatedAt = s.now()
	m.UpdatedAt = m.CreatedAt
	return m.Validate()
}

// CreateMention stores m, giving it an id if it has none. A record id is
// stored once per source: a second mention with it is ECONFLICT.
func (s *Store) CreateMention(ctx context.Context, m *pole.Mention) error {
	const op = "store.CreateMention"
	if err := s.prepareMention(m); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mentionRefsExist(ctx, tx, m); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("mentions", mentionColumns)), mentionValues(m)...)
		return s.classify(err, "record "+m.RecordID+" of source "+m.SourceID+" is already stored")
	}))
}

func (s *Store) mentionRefsExist(ctx context.Context, tx *sql.Tx, m *pole.Mention) error {
	if err := s.mustExist(ctx, tx, "source_id", "sources", m.SourceID); err != nil {
		return err
	}
	return s.mustExist(ctx, tx, "case_id", "cases", m.CaseID)
}

// FindMentionByID returns the mention with the given id, or ENOTFOUND.
func (s *Store) FindMentionByID(ctx context.Context, id string) (*pole.Mention, error) {
	const op = "store.FindMentionByID"
	m, err := scanMention(s.r.QueryRowContext(ctx, s.eng.rebind(mentionSelect+" WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no mention with id %s", id))
	}
	return m, pole.E(op, err)
}

// FindMentions returns the mentions that match f in the order they were
// stored, and how many match in all.
func (s *Store) FindMentions(ctx context.Context, f pole.MentionFilter) ([]*pole.Mention, int, error) {
	const op = "store.FindMentions"
	var w where
	if f.Force != "" {
		w.add("force = ?", f.Force)
	}
	if f.SourceID != "" {
		w.add("source_id = ?", f.SourceID)
	}
	if f.CaseID != "" {
		w.add("case_id = ?", f.CaseID)
	}
	if f.RecordID != "" {
		w.add("record_id = ?", f.RecordID)
	}
	if f.Role != "" {
		w.add("role = ?", string(f.Role))
	}
	if f.Surname != "" {
		w.add("lower(surname) = lower(?)", f.Surname)
	}
	q, err := page(mentionSelect+w.String()+" ORDER BY id", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanMention)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	n, err := s.count(ctx, "mentions", &w)
	return list, n, pole.E(op, err)
}

// UpdateMention replaces a stored mention with m. m.Version must be the
// version that was read, or the update is ECONFLICT and nothing changes.
func (s *Store) UpdateMention(ctx context.Context, m *pole.Mention) error {
	const op = "store.UpdateMention"
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanMention(tx.QueryRowContext(ctx, s.eng.rebind(mentionSelect+" WHERE id = ?"), m.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no mention with id %s", m.ID)
		}
		if err != nil {
			return err
		}
		if old.Version != m.Version {
			return pole.Errorf(pole.ECONFLICT, "mention %s was changed by someone else (version %d, yours %d): read it again", m.ID, old.Version, m.Version)
		}
		next := *m
		next.Version, next.CreatedAt, next.UpdatedAt = old.Version+1, old.CreatedAt, s.now()
		if err := next.Validate(); err != nil {
			return err
		}
		if err := s.mentionRefsExist(ctx, tx, &next); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.eng.rebind(updateSQL("mentions", mentionColumns)), append(mentionValues(&next)[1:], next.ID)...); err != nil {
			return s.classify(err, "record "+next.RecordID+" of source "+next.SourceID+" is already stored")
		}
		*m = next
		return nil
	}))
}

// LoadMentions writes many mentions in one transaction: all of them or, at
// the first bad one, none. This is the path for large loads.
func (s *Store) LoadMentions(ctx context.Context, mentions iter.Seq2[*pole.Mention, error]) (int, error) {
	return load(ctx, s, "store.LoadMentions", "mentions", mentionColumns, mentions, func(m *pole.Mention) ([]any, error) {
		if err := s.prepareMention(m); err != nil {
			return nil, err
		}
		return mentionValues(m), nil
	})
}
