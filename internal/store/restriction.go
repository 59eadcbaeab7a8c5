package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// RestrictCase keeps a case to a case team's members; an empty team lifts
// the restriction. by says who did it.
func (s *Store) RestrictCase(ctx context.Context, caseID, team, by string) error {
	const op = "store.RestrictCase"
	if err := idArg("case_id", caseID); err != nil {
		return pole.E(op, err)
	}
	if strings.TrimSpace(by) == "" {
		return pole.E(op, pole.Invalid("by", "say who restricts the case"))
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mustExistAs(ctx, tx, "case_id", "cases", "case", caseID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.eng.rebind("DELETE FROM case_restrictions WHERE case_id = ?"), caseID); err != nil {
			return err
		}
		if team == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind("INSERT INTO case_restrictions (case_id, team, restricted_by, restricted_at) VALUES (?, ?, ?, ?)"),
			caseID, team, by, s.eng.timeValue(s.now()))
		return err
	}))
}

// CaseTeam returns the team a case is restricted to, or "" if none.
func (s *Store) CaseTeam(ctx context.Context, caseID string) (string, error) {
	const op = "store.CaseTeam"
	var team string
	err := s.r.QueryRowContext(ctx, s.eng.rebind("SELECT team FROM case_restrictions WHERE case_id = ?"), caseID).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return team, pole.E(op, err)
}

// reach adds the access policy's filter to a query: the record's force
// (forceCol) among r's forces, and the record's case (caseCol) not
// restricted to a team outside r's teams. A nil r adds nothing.
func (w *where) reach(r *pole.Reach, forceCol, caseCol string) {
	if r == nil {
		return
	}
	if r.Forces != nil {
		w.in(forceCol, r.Forces)
	}
	restricted := "SELECT 1 FROM case_restrictions cr WHERE cr.case_id = " + caseCol
	if len(r.Teams) == 0 {
		w.add("NOT EXISTS (" + restricted + ")")
		return
	}
	var teams where
	teams.in("cr.team", r.Teams)
	w.add("NOT EXISTS ("+restricted+" AND NOT "+teams.conds[0]+")", teams.args...)
}

// RestrictedMentions returns the ids of the person records in cases
// restricted to a team that is not one of teams: what a reader in those
// teams may not see.
func (s *Store) RestrictedMentions(ctx context.Context, teams []string) (map[string]bool, error) {
	const op = "store.RestrictedMentions"
	var w where
	if len(teams) > 0 {
		w.add("NOT "+inList("cr.team", len(teams)), anyStrings(teams)...)
	}
	rows, err := s.r.QueryContext(ctx, s.eng.rebind("SELECT m.id FROM mentions m JOIN case_restrictions cr ON cr.case_id = m.case_id"+w.String()), w.args...)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, pole.E(op, err)
		}
		out[id] = true
	}
	return out, pole.E(op, rows.Err())
}

func inList(col string, n int) string {
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

func anyStrings(list []string) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}

// FindCaseAndTeam returns a case and the team it is kept to ("" if none)
// in one query: what the access policy needs to decide a read of it.
func (s *Store) FindCaseAndTeam(ctx context.Context, id string) (*pole.Case, string, error) {
	const op = "store.FindCaseAndTeam"
	if err := notFoundUnlessID("case", id); err != nil {
		return nil, "", pole.E(op, err)
	}
	q := strings.Replace(caseSelect, " FROM cases", ", cr.team FROM cases LEFT JOIN case_restrictions cr ON cr.case_id = cases.id", 1)
	var team sql.NullString
	row, err := s.readRow(ctx, s.eng.rebind(q+" WHERE cases.id = ?"), id)
	if err != nil {
		return nil, "", pole.E(op, err)
	}
	c, err := scanCase(extraScan{row, []any{&team}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", pole.E(op, pole.Errorf(pole.ENOTFOUND, "no case with id %s", id))
	}
	return c, team.String, pole.E(op, err)
}

// FindMentionAndTeam returns a person record as FindMentionByID does and
// the team its case is kept to ("" if none), in one query.
func (s *Store) FindMentionAndTeam(ctx context.Context, id string) (*pole.Mention, string, error) {
	const op = "store.FindMentionAndTeam"
	if err := notFoundUnlessID("mention", id); err != nil {
		return nil, "", pole.E(op, err)
	}
	q := strings.Replace(mentionSelect, " FROM ", ", cr.team FROM ", 1) + " LEFT JOIN case_restrictions cr ON cr.case_id = m.case_id"
	var team sql.NullString
	row, err := s.readRow(ctx, s.eng.rebind(q+" WHERE m.id = ?"), id)
	if err != nil {
		return nil, "", pole.E(op, err)
	}
	m, err := scanMention(extraScan{row, []any{&team}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", pole.E(op, pole.Errorf(pole.ENOTFOUND, "no mention with id %s", id))
	}
	return m, team.String, pole.E(op, err)
}
