package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// mentionInsertColumns are written when a mention is created; version takes
// its default of 1 and updated_at stays NULL until the first update.
var mentionInsertColumns = []string{
	"id", "case_id", "record_id", "role",
	"forename", "middle_names", "surname", "name_as_written", "aliases",
	"dob", "sex", "ethnicity_self", "ethnicity_observed", "nationality",
	"addresses", "phones", "vehicles", "vulnerabilities", "pseudonym",
	"source_id", "source_row",
}

// mentionUpdateColumns are rewritten by an update: all but the id.
var mentionUpdateColumns = append(append([]string(nil), mentionInsertColumns...), "version", "updated_at")

// A mention's force is its source's.
const mentionFrom = "mentions m JOIN sources s ON s.id = m.source_id"

var mentionSelect = "SELECT m." + strings.Join(mentionInsertColumns, ", m.") + ", m.version, m.updated_at, s.force FROM " + mentionFrom

func mentionValues(m *pole.Mention) []any {
	return []any{
		m.ID, nullable(m.CaseID), m.RecordID, string(m.Role),
		m.Forename, m.MiddleNames, m.Surname, m.NameAsWritten, jsonStrings(m.Aliases),
		m.DOB.String(), m.Sex, m.EthnicitySelf, m.EthnicityObserved, m.Nationality,
		jsonAddresses(m.Addresses), jsonStrings(m.Phones), jsonStrings(m.Vehicles), jsonStrings(m.Vulnerabilities), m.Pseudonym,
		m.SourceID, m.SourceRow,
	}
}

func scanMention(r scanner) (*pole.Mention, error) {
	var (
		m                                              pole.Mention
		caseID                                         sql.NullString
		updated                                        sql.NullTime
		role, dob                                      string
		aliases, addresses, phones, vehicles, vulnerab []byte
	)
	err := r.Scan(&m.ID, &caseID, &m.RecordID, &role,
		&m.Forename, &m.MiddleNames, &m.Surname, &m.NameAsWritten, &aliases,
		&dob, &m.Sex, &m.EthnicitySelf, &m.EthnicityObserved, &m.Nationality,
		&addresses, &phones, &vehicles, &vulnerab, &m.Pseudonym,
		&m.SourceID, &m.SourceRow, &m.Version, &updated, &m.Force)
	if err != nil {
		return nil, err
	}
	m.CaseID, m.Role = caseID.String, pole.Role(role)
	if err := decodeLinkageFields(&m, updated, dob, aliases, addresses, phones, vehicles); err != nil {
		return nil, err
	}
	if m.Vulnerabilities, err = decodeStrings("vulnerabilities", vulnerab); err != nil {
		return nil, err
	}
	return &m, nil
}

// decodeLinkageFields decodes the columns of a mention that linkage reads
// and that are not stored as they are held.
func decodeLinkageFields(m *pole.Mention, updated sql.NullTime, dob string, aliases, addresses, phones, vehicles []byte) error {
	if updated.Valid {
		m.UpdatedAt = updated.Time.UTC()
	}
	var err error
	if m.DOB, err = parseDate("dob", dob); err != nil {
		return err
	}
	if m.Aliases, err = decodeStrings("aliases", aliases); err != nil {
		return err
	}
	if m.Phones, err = decodeStrings("phones", phones); err != nil {
		return err
	}
	if m.Vehicles, err = decodeStrings("vehicles", vehicles); err != nil {
		return err
	}
	m.Addresses, err = decodeAddresses("addresses", addresses)
	return err
}

// mentionValues gives a new mention of a load its id, version and its
// source's force, validates it, and returns its row.
func (l *load) mentionValues(m *pole.Mention) ([]any, error) {
	if m.ID == "" {
		id, err := newID()
		if err != nil {
			return nil, err
		}
		m.ID = id
	}
	m.Version, m.UpdatedAt = 1, time.Time{}
	force, err := l.sourceForce(m.SourceID)
	if err != nil {
		return nil, err
	}
	if m.Force == "" {
		m.Force = force
	} else if m.Force != force {
		return nil, pole.Invalid("force", "the mention says %s but its source is from %s", m.Force, force)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	m.Pseudonym = ""
	row, sv, err := l.s.sealVictim(m)
	if err != nil {
		return nil, err
	}
	if sv != nil {
		l.victims = append(l.victims, sv)
	}
	if unknownPart(m) {
		l.nominal = append(l.nominal, m.ID)
	}
	return row, nil
}

// CreateMention stores m, giving it an id if it has none. A record id is
// stored once per source: a second mention with it is ECONFLICT.
func (s *Store) CreateMention(ctx context.Context, m *pole.Mention) error {
	const op = "store.CreateMention"
	l := s.newLoad(ctx)
	vals, err := l.mentionValues(m)
	if err != nil {
		return pole.E(op, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mentionCaseFits(ctx, tx, m); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("mentions", mentionInsertColumns)), vals...)
		if err != nil {
			return s.classify(err, "record "+m.RecordID+" of source "+m.SourceID+" is already stored")
		}
		for _, sv := range l.victims {
			if err := s.storeVictim(ctx, txExec(tx), m.ID, sv); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = s.settleNominal(ctx, l.nominal)
	}
	return pole.E(op, err)
}

// mentionCaseFits checks that a mention's case is stored and held by the
// mention's force.
func (s *Store) mentionCaseFits(ctx context.Context, tx *sql.Tx, m *pole.Mention) error {
	if m.CaseID == "" {
		return nil
	}
	var force string
	err := tx.QueryRowContext(ctx, s.eng.rebind("SELECT force FROM cases WHERE id = ?"), m.CaseID).Scan(&force)
	if errors.Is(err, sql.ErrNoRows) {
		return pole.Invalid("case_id", "no case with id %s is stored", m.CaseID)
	}
	if err != nil {
		return err
	}
	if force != m.Force {
		return pole.Invalid("case_id", "case %s is held by %s, not by the mention's force %s", m.CaseID, force, m.Force)
	}
	return nil
}

// FindMentionByID returns the mention with the given id, or ENOTFOUND.
func (s *Store) FindMentionByID(ctx context.Context, id string) (*pole.Mention, error) {
	const op = "store.FindMentionByID"
	if err := notFoundUnlessID("mention", id); err != nil {
		return nil, pole.E(op, err)
	}
	row, err := s.readRow(ctx, s.eng.rebind(mentionSelect+" WHERE m.id = ?"), id)
	if err != nil {
		return nil, pole.E(op, err)
	}
	m, err := scanMention(row)
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
		w.add("s.force = ?", f.Force)
	}
	w.reach(f.Reach, "s.force", "m.case_id")
	for _, id := range []struct{ field, col, v string }{{"source_id", "m.source_id", f.SourceID}, {"case_id", "m.case_id", f.CaseID}} {
		if id.v == "" {
			continue
		}
		if err := idArg(id.field, id.v); err != nil {
			return nil, 0, pole.E(op, err)
		}
		w.add(id.col+" = ?", id.v)
	}
	if f.RecordID != "" {
		w.add("m.record_id = ?", f.RecordID)
	}
	if f.Role != "" {
		w.add("m.role = ?", string(f.Role))
	}
	if f.Surname != "" {
		w.add("lower(m.surname) = lower(?)", f.Surname)
	}
	if f.IDs != nil {
		if len(f.IDs) > pole.MaxFilterIDs {
			return nil, 0, pole.E(op, pole.Invalid("ids", "%d ids; a filter lists at most %d", len(f.IDs), pole.MaxFilterIDs))
		}
		for _, id := range f.IDs {
			if err := idArg("ids", id); err != nil {
				return nil, 0, pole.E(op, err)
			}
		}
		w.in("m.id", f.IDs)
	}
	q, err := page(mentionSelect+w.String()+" ORDER BY m.id", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanMention)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	if f.IDs != nil && f.Offset == 0 && (f.Limit == 0 || len(list) < f.Limit || f.Limit >= len(f.IDs)) {
		// Every match is in hand: no need to count them again.
		return list, len(list), nil
	}
	n, err := s.count(ctx, mentionFrom, &w)
	return list, n, pole.E(op, err)
}

// UpdateMention replaces a stored mention with m. m.Version must be the
// version that was read, or the update is ECONFLICT and nothing changes. A
// sealed record (one with a pseudonym) is to be given whole, as
// FindMentionWithIdentity reads it: as FindMentionByID reads it, its
// identity is blank, and that is what would be stored.
func (s *Store) UpdateMention(ctx context.Context, m *pole.Mention) error {
	const op = "store.UpdateMention"
	if err := notFoundUnlessID("mention", m.ID); err != nil {
		return pole.E(op, err)
	}
	var nominal []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanMention(tx.QueryRowContext(ctx, s.eng.rebind(mentionSelect+" WHERE m.id = ?"), m.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no mention with id %s", m.ID)
		}
		if err != nil {
			return err
		}
		next := *m
		next.Version, next.UpdatedAt = m.Version+1, s.now()
		if next.Pseudonym == "" {
			next.Pseudonym = old.Pseudonym // a sealed record stays sealed
		}
		l := s.newLoad(ctx)
		l.forces[old.SourceID] = old.Force
		force, err := l.sourceForce(next.SourceID)
		if err != nil {
			return err
		}
		if force != old.Force {
			return pole.Invalid("source_id", "a mention stays with its force: source %s is from %s, not %s", next.SourceID, force, old.Force)
		}
		next.Force = force
		if err := next.Validate(); err != nil {
			return err
		}
		if err := s.mentionCaseFits(ctx, tx, &next); err != nil {
			return err
		}
		row, sv, err := s.sealVictim(&next)
		if err != nil {
			return err
		}
		vals := append(row, next.Version, s.eng.timeValue(next.UpdatedAt))
		res, err := tx.ExecContext(ctx, s.eng.rebind(updateSQL("mentions", mentionUpdateColumns)), append(vals[1:], next.ID, m.Version)...)
		if err != nil {
			return s.classify(err, "record "+next.RecordID+" of source "+next.SourceID+" is already stored")
		}
		if err := changedOne(res, "mention", m.ID, m.Version); err != nil {
			return err
		}
		if err := s.storeVictim(ctx, txExec(tx), next.ID, sv); err != nil {
			return err
		}
		if unknownPart(&next) {
			nominal = []string{next.ID}
		}
		*m = next
		return nil
	})
	if err == nil {
		err = s.settleNominal(ctx, nominal)
	}
	return pole.E(op, err)
}
