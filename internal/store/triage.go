package store

import (
	"context"
	"database/sql"
	"iter"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// ScanPeopleForTriage streams every person record with only what triage
// reads: id, case, role, force, record id, names, date of birth,
// vulnerabilities and pseudonym. A sealed record's date of birth is opened
// (to work out the age at the offence); its names stay sealed.
func (s *Store) ScanPeopleForTriage(ctx context.Context) iter.Seq2[*pole.Mention, error] {
	const op = "store.ScanPeopleForTriage"
	return func(yield func(*pole.Mention, error) bool) {
		rows, err := s.r.QueryContext(ctx, `SELECT m.id, m.case_id, m.record_id, m.role, m.forename, m.surname, m.name_as_written, m.dob,
			m.vulnerabilities, m.pseudonym, m.version, s.force, vi.key_id, vi.sealed
			FROM mentions m JOIN sources s ON s.id = m.source_id
			LEFT JOIN victim_identities vi ON vi.mention_id = m.id AND vi.version = m.version`)
		if err != nil {
			yield(nil, pole.E(op, err))
			return
		}
		defer rows.Close()
		var (
			caseID, keyID sql.NullString
			role, dob     string
			vuln, sealed  []byte
		)
		for rows.Next() {
			var m pole.Mention
			err := rows.Scan(&m.ID, &caseID, &m.RecordID, &role, &m.Forename, &m.Surname, &m.NameAsWritten, &dob,
				&vuln, &m.Pseudonym, &m.Version, &m.Force, &keyID, &sealed)
			if err == nil {
				m.CaseID, m.Role = caseID.String, pole.Role(role)
				m.DOB, err = parseDate("dob", dob)
			}
			if err == nil {
				m.Vulnerabilities, err = decodeStrings("vulnerabilities", vuln)
			}
			if err == nil && keyID.Valid {
				if s.sealer == nil {
					err = errNoKey("a victim's date of birth")
				} else {
					dob, oerr := s.sealer.OpenDOB(identityRow(m.ID, m.Version), keyID.String, sealed)
					if oerr != nil {
						err = pole.Errorf(pole.EINTERNAL, "the sealed identity of mention %s version %d does not open: %v", m.ID, m.Version, oerr)
					}
					m.DOB = dob
				}
			}
			if err != nil {
				yield(nil, pole.E(op, err))
				return
			}
			if !yield(&m, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, pole.E(op, err))
		}
	}
}

// EventMark is an event as triage reads it: what happened, when, in which
// case and to whom.
type EventMark struct {
	ID, CaseID, MentionID, Type string
	Date                        pole.PartialDate
}

// FindEventMarks returns every event of the given types as an EventMark.
func (s *Store) FindEventMarks(ctx context.Context, types []string) ([]EventMark, error) {
	const op = "store.FindEventMarks"
	var w where
	w.in("type", types)
	rows, err := s.r.QueryContext(ctx, s.eng.rebind("SELECT id, case_id, mention_id, type, date FROM events"+w.String()), w.args...)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	var out []EventMark
	var caseID, mentionID sql.NullString
	var date string
	for rows.Next() {
		var e EventMark
		if err := rows.Scan(&e.ID, &caseID, &mentionID, &e.Type, &date); err != nil {
			return nil, pole.E(op, err)
		}
		e.CaseID, e.MentionID = caseID.String, mentionID.String
		if e.Date, err = parseDate("date", date); err != nil {
			return nil, pole.E(op, err)
		}
		out = append(out, e)
	}
	return out, pole.E(op, rows.Err())
}

// FindReferredCases returns the cases referred for review, and every
// case's force by case id, in one pass over the cases.
func (s *Store) FindReferredCases(ctx context.Context) ([]*pole.Case, map[string]string, error) {
	const op = "store.FindReferredCases"
	q := "SELECT c." + strings.Join(caseColumns, ", c.") + ", r.id FROM cases c LEFT JOIN reviews r ON r.case_id = c.id"
	rows, err := s.r.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, pole.E(op, err)
	}
	defer rows.Close()
	var referred []*pole.Case
	forces := map[string]string{}
	var review sql.NullString
	for rows.Next() {
		c, err := scanCase(extraScan{rows, []any{&review}})
		if err != nil {
			return nil, nil, pole.E(op, err)
		}
		forces[c.ID] = c.Force
		if review.Valid {
			referred = append(referred, c)
		}
	}
	return referred, forces, pole.E(op, rows.Err())
}
