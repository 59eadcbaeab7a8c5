package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// CaseUpdate brings a stored case up to date from a newer export: Old is
// the case as stored (its version is the one expected), New what the newer
// export says, with Old's id.
type CaseUpdate struct{ Old, New *pole.Case }

// MentionUpdate brings a stored person record up to date likewise.
type MentionUpdate struct{ Old, New *pole.Mention }

var historyColumns = []string{"id", "kind", "record_id", "version", "data", "source_id", "replaced_by", "replaced_at"}

// updateCases applies case updates inside a load, keeping each replaced
// version in record_history. A case changed by someone else since it was
// read is ECONFLICT, and the whole load with it.
func (s *Store) updateCases(ctx context.Context, bt bulkTx, l *load, replacedBy string, ups []CaseUpdate) error {
	q := s.eng.rebind(updateSQL("cases", caseColumns))
	for i, u := range ups {
		next := *u.New
		next.ID, next.Version, next.CreatedAt, next.UpdatedAt = u.Old.ID, u.Old.Version+1, u.Old.CreatedAt, l.now
		if err := next.Validate(); err != nil {
			return pole.E(fmt.Sprintf("case update %d", i+1), err)
		}
		vals := caseValues(&next, s.eng.timeValue(next.CreatedAt), l.nowArg)
		if err := s.replace(ctx, bt, l, q, append(vals[1:], next.ID, u.Old.Version), "case", u.Old.ID, u.Old.Version, u.Old.SourceID, replacedBy, u.Old); err != nil {
			return err
		}
		*u.New = next
	}
	return nil
}

func (s *Store) updateMentions(ctx context.Context, bt bulkTx, l *load, replacedBy string, ups []MentionUpdate) error {
	q := s.eng.rebind(updateSQL("mentions", mentionUpdateColumns))
	for i, u := range ups {
		next := *u.New
		next.ID, next.Version, next.UpdatedAt, next.Force = u.Old.ID, u.Old.Version+1, l.now, u.Old.Force
		next.Pseudonym = u.Old.Pseudonym // a sealed record stays sealed
		if err := next.Validate(); err != nil {
			return pole.E(fmt.Sprintf("person update %d", i+1), err)
		}
		row, sv, err := s.sealVictim(&next)
		if err != nil {
			return pole.E(fmt.Sprintf("person update %d", i+1), err)
		}
		vals := append(row, next.Version, l.nowArg)
		// A victim's earlier identity stays sealed under its own version;
		// the history row keeps only what is not identity.
		if err := s.replace(ctx, bt, l, q, append(vals[1:], next.ID, u.Old.Version), "mention", u.Old.ID, u.Old.Version, u.Old.SourceID, replacedBy, withoutIdentity(u.Old)); err != nil {
			return err
		}
		if err := s.storeVictim(ctx, bulkExec(bt), next.ID, sv); err != nil {
			return err
		}
		if unknownPart(&next) {
			l.nominal = append(l.nominal, next.ID)
		}
		*u.New = next
	}
	return nil
}

// replace runs one version-checked update and records the version it
// replaced.
func (s *Store) replace(ctx context.Context, bt bulkTx, l *load, update string, args []any, kind, id string, version int, from, by string, old any) error {
	n, err := bt.exec(ctx, update, args...)
	if err != nil {
		return s.classify(err, kind+" "+id+" would duplicate another")
	}
	if n != 1 {
		return pole.Errorf(pole.ECONFLICT, "%s %s was changed by someone else while this export was read: load it again", kind, id)
	}
	data, err := json.Marshal(old)
	if err != nil {
		return err
	}
	hid, err := newID()
	if err != nil {
		return err
	}
	_, err = bt.exec(ctx, s.eng.rebind(insertSQL("record_history", historyColumns)), hid, kind, id, version, string(data), from, by, l.nowArg)
	return err
}

// FindHistory returns the earlier versions of a case or person record,
// oldest first.
func (s *Store) FindHistory(ctx context.Context, kind, recordID string) ([]*pole.RecordVersion, error) {
	const op = "store.FindHistory"
	if err := idArg("record_id", recordID); err != nil {
		return nil, pole.E(op, err)
	}
	q := "SELECT " + strings.Join(historyColumns, ", ") + " FROM record_history WHERE kind = ? AND record_id = ? ORDER BY version"
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), []any{kind, recordID}, func(r scanner) (*pole.RecordVersion, error) {
		var v pole.RecordVersion
		var data []byte
		err := r.Scan(&v.ID, &v.Kind, &v.RecordID, &v.Version, &data, &v.SourceID, &v.ReplacedBy, &v.ReplacedAt)
		v.Data, v.ReplacedAt = string(data), v.ReplacedAt.UTC()
		return &v, err
	})
	return list, pole.E(op, err)
}
