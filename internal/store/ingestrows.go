package store

import (
	"context"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

var (
	quarantineColumns  = []string{"id", "source_id", "source_row", "field", "reason", "key_id", "sealed"}
	noteColumns        = []string{"id", "source_id", "source_row", "kind", "field", "key_id", "sealed"}
	involvementColumns = []string{"id", "case_id", "mention_id", "role", "source_id", "source_row", "created_at"}
)

func (l *load) quarantineValues(q *pole.QuarantinedRow) ([]any, error) {
	if err := assignID(&q.ID); err != nil {
		return nil, err
	}
	if q.Reason == "" {
		return nil, pole.Invalid("reason", "a quarantined row needs a reason")
	}
	if err := l.provenance(q.Provenance); err != nil {
		return nil, err
	}
	keyID, sealed, err := l.s.sealText("quarantine/"+q.ID, map[string]string{"value": q.Value, "raw": q.Raw})
	if err != nil {
		return nil, err
	}
	return []any{q.ID, q.SourceID, q.SourceRow, q.Field, q.Reason, keyID, sealed}, nil
}

func (l *load) noteValues(n *pole.IngestNote) ([]any, error) {
	if err := assignID(&n.ID); err != nil {
		return nil, err
	}
	if n.Kind != "warning" && n.Kind != "repair" {
		return nil, pole.Invalid("kind", "a note is a warning or a repair, not %q", n.Kind)
	}
	if err := l.provenance(n.Provenance); err != nil {
		return nil, err
	}
	keyID, sealed, err := l.s.sealText("note/"+n.ID, map[string]string{"value": n.Value, "detail": n.Detail})
	if err != nil {
		return nil, err
	}
	return []any{n.ID, n.SourceID, n.SourceRow, n.Kind, n.Field, keyID, sealed}, nil
}

func (l *load) involvementValues(v *pole.Involvement) ([]any, error) {
	if err := assignID(&v.ID); err != nil {
		return nil, err
	}
	if !pole.IsID(v.CaseID) {
		return nil, pole.Invalid("case_id", "%q is not an id", v.CaseID)
	}
	if !pole.IsID(v.MentionID) {
		return nil, pole.Invalid("mention_id", "%q is not an id", v.MentionID)
	}
	switch v.Role {
	case pole.RoleVictim, pole.RoleSuspect, pole.RoleWitness, pole.RoleOther:
	default:
		return nil, pole.Invalid("role", "unknown role %q", v.Role)
	}
	if err := l.provenance(v.Provenance); err != nil {
		return nil, err
	}
	v.CreatedAt = l.now
	l.nominal = append(l.nominal, v.MentionID)
	return []any{v.ID, v.CaseID, v.MentionID, string(v.Role), v.SourceID, v.SourceRow, l.nowArg}, nil
}

// assignID gives a new record an id if it has none.
func assignID(id *string) error {
	if *id != "" {
		return nil
	}
	v, err := newID()
	*id = v
	return err
}

func (l *load) provenance(p pole.Provenance) error {
	if !pole.IsID(p.SourceID) {
		return pole.Invalid("source_id", "%q is not an id", p.SourceID)
	}
	if p.SourceRow < 1 {
		return pole.Invalid("source_row", "must be 1 or more, got %d", p.SourceRow)
	}
	return nil
}

// FindQuarantine returns the rows of a source that were kept out, in row
// order.
func (s *Store) FindQuarantine(ctx context.Context, sourceID string) ([]*pole.QuarantinedRow, error) {
	const op = "store.FindQuarantine"
	if err := idArg("source_id", sourceID); err != nil {
		return nil, pole.E(op, err)
	}
	q := "SELECT " + strings.Join(quarantineColumns, ", ") + " FROM quarantine WHERE source_id = ? ORDER BY source_row, field"
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), []any{sourceID}, func(r scanner) (*pole.QuarantinedRow, error) {
		var v pole.QuarantinedRow
		var keyID string
		var sealed []byte
		if err := r.Scan(&v.ID, &v.SourceID, &v.SourceRow, &v.Field, &v.Reason, &keyID, &sealed); err != nil {
			return nil, err
		}
		fields, err := s.openText("quarantine/"+v.ID, keyID, sealed)
		v.Value, v.Raw = fields["value"], fields["raw"]
		return &v, err
	})
	return list, pole.E(op, err)
}

// FindIngestNotes returns the warnings and repairs of a source, in row order.
func (s *Store) FindIngestNotes(ctx context.Context, sourceID string) ([]*pole.IngestNote, error) {
	const op = "store.FindIngestNotes"
	if err := idArg("source_id", sourceID); err != nil {
		return nil, pole.E(op, err)
	}
	q := "SELECT " + strings.Join(noteColumns, ", ") + " FROM ingest_notes WHERE source_id = ? ORDER BY source_row, field"
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), []any{sourceID}, func(r scanner) (*pole.IngestNote, error) {
		var v pole.IngestNote
		var keyID string
		var sealed []byte
		if err := r.Scan(&v.ID, &v.SourceID, &v.SourceRow, &v.Kind, &v.Field, &keyID, &sealed); err != nil {
			return nil, err
		}
		fields, err := s.openText("note/"+v.ID, keyID, sealed)
		v.Value, v.Detail = fields["value"], fields["detail"]
		return &v, err
	})
	return list, pole.E(op, err)
}

// FindInvolvements returns the parts a person record plays in cases (by
// mention) or the people in a case (by case), whichever is given.
func (s *Store) FindInvolvements(ctx context.Context, caseID, mentionID string) ([]*pole.Involvement, error) {
	const op = "store.FindInvolvements"
	var w where
	for _, id := range []struct{ field, v string }{{"case_id", caseID}, {"mention_id", mentionID}} {
		if id.v == "" {
			continue
		}
		if err := idArg(id.field, id.v); err != nil {
			return nil, pole.E(op, err)
		}
		w.add(id.field+" = ?", id.v)
	}
	q := "SELECT " + strings.Join(involvementColumns, ", ") + " FROM involvements" + w.String() + " ORDER BY source_id, source_row"
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, func(r scanner) (*pole.Involvement, error) {
		var v pole.Involvement
		var role string
		err := r.Scan(&v.ID, &v.CaseID, &v.MentionID, &role, &v.SourceID, &v.SourceRow, &v.CreatedAt)
		v.Role, v.CreatedAt = pole.Role(role), v.CreatedAt.UTC()
		return &v, err
	})
	return list, pole.E(op, err)
}

// CaseIDsByRef maps the given crime references of a force to the ids of
// their stored cases; references not stored are absent.
func (s *Store) CaseIDsByRef(ctx context.Context, force string, refs []string) (map[string]string, error) {
	return s.idsByKey(ctx, "store.CaseIDsByRef", "SELECT crime_ref, id FROM cases WHERE force = ? AND crime_ref IN ", []any{force}, refs)
}

// MentionIDsByRecord maps record ids to the ids of the stored mentions of
// one records system of a force: record ids are unique within a system,
// not across a force's systems or other bodies' data sets.
func (s *Store) MentionIDsByRecord(ctx context.Context, force, system string, records []string) (map[string]string, error) {
	return s.idsByKey(ctx, "store.MentionIDsByRecord",
		"SELECT m.record_id, m.id FROM "+mentionFrom+" WHERE s.force = ? AND s.system = ? AND m.record_id IN ", []any{force, system}, records)
}

// idsByKey looks keys up a chunk at a time, within the limits of bound
// variables on both engines.
func (s *Store) idsByKey(ctx context.Context, op, prefix string, scope []any, keys []string) (map[string]string, error) {
	const chunk = 500
	out := make(map[string]string, len(keys))
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(len(keys), start+chunk)]
		args := make([]any, 0, len(part)+len(scope))
		args = append(args, scope...)
		for _, k := range part {
			args = append(args, k)
		}
		q := prefix + "(" + strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ") + ")"
		rows, err := s.r.QueryContext(ctx, s.eng.rebind(q), args...)
		if err != nil {
			return nil, pole.E(op, err)
		}
		for rows.Next() {
			var k, id string
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, pole.E(op, err)
			}
			out[k] = id
		}
		if err := rows.Close(); err != nil {
			return nil, pole.E(op, err)
		}
	}
	return out, nil
}

// CountRoles counts the appearances of people in a force's cases by role:
// person records that name their case, and the links of a nominal index's
// people to cases.
func (s *Store) CountRoles(ctx context.Context, force string) (map[pole.Role]int, error) {
	const op = "store.CountRoles"
	q := `SELECT role, count(*) FROM (
		SELECT m.role FROM ` + mentionFrom + ` WHERE s.force = ? AND m.case_id IS NOT NULL
		UNION ALL
		SELECT i.role FROM involvements i JOIN cases c ON c.id = i.case_id WHERE c.force = ?
	) appearances GROUP BY role`
	rows, err := s.r.QueryContext(ctx, s.eng.rebind(q), force, force)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	out := map[pole.Role]int{}
	for rows.Next() {
		var role string
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			return nil, pole.E(op, err)
		}
		out[pole.Role(role)] = n
	}
	return out, pole.E(op, rows.Err())
}
