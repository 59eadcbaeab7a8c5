package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

var caseColumns = []string{
	"id", "force", "crime_ref", "offence_codes", "offence_from", "offence_to", "recorded",
	"outcome_type", "outcome_date", "decision_maker", "closure_rationale", "narrative", "flags",
	"source_id", "source_row", "version", "created_at", "updated_at",
}

var caseSelect = "SELECT " + strings.Join(caseColumns, ", ") + " FROM cases"

func caseValues(c *pole.Case, createdAt, updatedAt any) []any {
	return []any{
		c.ID, c.Force, c.CrimeRef, jsonStrings(c.OffenceCodes), c.OffenceFrom.String(), c.OffenceTo.String(), c.Recorded.String(),
		c.OutcomeType, c.OutcomeDate.String(), c.DecisionMaker, c.ClosureRationale, c.Narrative, jsonStrings(c.Flags),
		c.SourceID, c.SourceRow, c.Version, createdAt, updatedAt,
	}
}

func scanCase(r scanner) (*pole.Case, error) {
	var (
		c                               pole.Case
		codes, flags                    []byte
		from, to, recorded, outcomeDate string
	)
	err := r.Scan(&c.ID, &c.Force, &c.CrimeRef, &codes, &from, &to, &recorded,
		&c.OutcomeType, &outcomeDate, &c.DecisionMaker, &c.ClosureRationale, &c.Narrative, &flags,
		&c.SourceID, &c.SourceRow, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	for _, d := range []struct {
		col string
		raw string
		dst *pole.PartialDate
	}{{"offence_from", from, &c.OffenceFrom}, {"offence_to", to, &c.OffenceTo}, {"recorded", recorded, &c.Recorded}, {"outcome_date", outcomeDate, &c.OutcomeDate}} {
		if *d.dst, err = parseDate(d.col, d.raw); err != nil {
			return nil, err
		}
	}
	if err := decodeJSON("offence_codes", codes, &c.OffenceCodes); err != nil {
		return nil, err
	}
	if err := decodeJSON("flags", flags, &c.Flags); err != nil {
		return nil, err
	}
	c.OffenceCodes, c.Flags = emptyNil(c.OffenceCodes), emptyNil(c.Flags)
	return &c, nil
}

// caseValues gives a new case of a load its id, version and times,
// validates it, and returns its row.
func (l *load) caseValues(c *pole.Case) ([]any, error) {
	if c.ID == "" {
		id, err := newID()
		if err != nil {
			return nil, err
		}
		c.ID = id
	}
	c.Version, c.CreatedAt, c.UpdatedAt = 1, l.now, l.now
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return caseValues(c, l.nowArg, l.nowArg), nil
}

// CreateCase stores c, giving it an id if it has none. A force's crime
// reference is stored once: a second case with it is ECONFLICT.
func (s *Store) CreateCase(ctx context.Context, c *pole.Case) error {
	const op = "store.CreateCase"
	vals, err := s.newLoad(ctx).caseValues(c)
	if err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mustExist(ctx, tx, "source_id", "sources", c.SourceID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("cases", caseColumns)), vals...)
		return s.classify(err, "case "+c.CrimeRef+" of force "+c.Force+" is already stored")
	}))
}

// FindCaseByID returns the case with the given id, or ENOTFOUND.
func (s *Store) FindCaseByID(ctx context.Context, id string) (*pole.Case, error) {
	const op = "store.FindCaseByID"
	if err := notFoundUnlessID("case", id); err != nil {
		return nil, pole.E(op, err)
	}
	row, err := s.readRow(ctx, s.eng.rebind(caseSelect+" WHERE id = ?"), id)
	if err != nil {
		return nil, pole.E(op, err)
	}
	c, err := scanCase(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no case with id %s", id))
	}
	return c, pole.E(op, err)
}

// FindCases returns the cases that match f in force and crime reference
// order, and how many match in all.
func (s *Store) FindCases(ctx context.Context, f pole.CaseFilter) ([]*pole.Case, int, error) {
	const op = "store.FindCases"
	var w where
	if f.Force != "" {
		w.add("force = ?", f.Force)
	}
	w.reach(f.Reach, "force", "id")
	if f.SourceID != "" {
		if err := idArg("source_id", f.SourceID); err != nil {
			return nil, 0, pole.E(op, err)
		}
		w.add("source_id = ?", f.SourceID)
	}
	if f.CrimeRef != "" {
		w.add("crime_ref = ?", f.CrimeRef)
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		// A substring of the narrative or the closure rationale, ignoring
		// case; % and _ in the text are themselves.
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(t)) + "%"
		w.add(`(lower(narrative) LIKE ? ESCAPE '\' OR lower(closure_rationale) LIKE ? ESCAPE '\')`, like, like)
	}
	if len(f.OutcomeTypes) > 0 {
		args := make([]any, len(f.OutcomeTypes))
		for i, o := range f.OutcomeTypes {
			args[i] = o
		}
		w.add("outcome_type IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
	}
	if f.Flag != "" {
		w.add(s.eng.jsonArrayHas("flags"), f.Flag)
	}
	// Partial dates sort as text, and a date known only to the year or month
	// falls in a range if any day of it could.
	if !f.RecordedFrom.IsZero() {
		w.add("recorded <> '' AND recorded >= substr(?, 1, length(recorded))", f.RecordedFrom.String())
	}
	if !f.RecordedTo.IsZero() {
		w.add("recorded <> '' AND substr(recorded, 1, ?) <= ?", len(f.RecordedTo.String()), f.RecordedTo.String())
	}
	q, err := page(caseSelect+w.String()+" ORDER BY force, crime_ref", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanCase)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	n, err := s.count(ctx, "cases", &w)
	return list, n, pole.E(op, err)
}

// UpdateCase replaces a stored case with c. c.Version must be the version
// that was read: if someone else changed the case since, the update is
// ECONFLICT and nothing changes. A case stays with its force. On success c
// holds the new version.
func (s *Store) UpdateCase(ctx context.Context, c *pole.Case) error {
	const op = "store.UpdateCase"
	if err := notFoundUnlessID("case", c.ID); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanCase(tx.QueryRowContext(ctx, s.eng.rebind(caseSelect+" WHERE id = ?"), c.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no case with id %s", c.ID)
		}
		if err != nil {
			return err
		}
		if c.Force != old.Force {
			return pole.Invalid("force", "a case stays with its force (stored %s, given %s)", old.Force, c.Force)
		}
		next := *c
		next.Version, next.CreatedAt, next.UpdatedAt = c.Version+1, old.CreatedAt, s.now()
		if err := next.Validate(); err != nil {
			return err
		}
		if err := s.mustExist(ctx, tx, "source_id", "sources", next.SourceID); err != nil {
			return err
		}
		vals := caseValues(&next, s.eng.timeValue(next.CreatedAt), s.eng.timeValue(next.UpdatedAt))
		res, err := tx.ExecContext(ctx, s.eng.rebind(updateSQL("cases", caseColumns)), append(vals[1:], next.ID, c.Version)...)
		if err != nil {
			return s.classify(err, "case "+next.CrimeRef+" of force "+next.Force+" is already stored")
		}
		if err := changedOne(res, "case", c.ID, c.Version); err != nil {
			return err
		}
		*c = next
		return nil
	}))
}

// changedOne turns an update that matched no row (the version moved on)
// into ECONFLICT.
func changedOne(res sql.Result, kind, id string, version int) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return pole.Errorf(pole.ECONFLICT, "%s %s was changed by someone else since version %d: read it again", kind, id, version)
	}
	return nil
}
