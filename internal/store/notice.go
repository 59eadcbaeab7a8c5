package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// InterestNotice tells a force that someone outside it reached for a
// record it holds: deconfliction without disclosure.
type InterestNotice struct {
	ID         string
	OwnerForce string
	RecordKind string
	RecordID   string
	FromUser   string
	FromLogin  string
	FromForce  string
	Reason     string
	CreatedAt  time.Time
	SeenAt     time.Time
}

var noticeColumns = []string{"id", "owner_force", "record_kind", "record_id", "from_user", "from_login", "from_force", "reason", "created_at", "seen_at"}

// CreateInterestNotice stores n, giving it an id and its time.
func (s *Store) CreateInterestNotice(ctx context.Context, n *InterestNotice) error {
	const op = "store.CreateInterestNotice"
	if n.OwnerForce == "" || n.RecordKind == "" || n.RecordID == "" || n.FromUser == "" {
		return pole.E(op, pole.Invalid("notice", "a notice names the owning force, the record and who asked"))
	}
	if err := assignID(&n.ID); err != nil {
		return pole.E(op, err)
	}
	n.CreatedAt = s.now()
	_, err := s.w.ExecContext(ctx, s.eng.rebind(insertSQL("interest_notices", noticeColumns)),
		n.ID, n.OwnerForce, n.RecordKind, n.RecordID, n.FromUser, n.FromLogin, n.FromForce, n.Reason, s.eng.timeValue(n.CreatedAt), nil)
	return pole.E(op, err)
}

// FindInterestNotices returns the notices for a force, newest first.
func (s *Store) FindInterestNotices(ctx context.Context, force string, limit int) ([]*InterestNotice, error) {
	const op = "store.FindInterestNotices"
	q, err := page("SELECT "+strings.Join(noticeColumns, ", ")+" FROM interest_notices WHERE owner_force = ? ORDER BY created_at DESC, id DESC", 0, limit)
	if err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), []any{force}, func(r scanner) (*InterestNotice, error) {
		var n InterestNotice
		var seen sql.NullTime
		err := r.Scan(&n.ID, &n.OwnerForce, &n.RecordKind, &n.RecordID, &n.FromUser, &n.FromLogin, &n.FromForce, &n.Reason, &n.CreatedAt, &seen)
		n.CreatedAt = n.CreatedAt.UTC()
		if seen.Valid {
			n.SeenAt = seen.Time.UTC()
		}
		return &n, err
	})
	return list, pole.E(op, err)
}

// ForcesHoldingMentions lists the forces that hold any of the person
// records ids, in order: what deconfliction may tell a searcher about
// forces outside their reach.
func (s *Store) ForcesHoldingMentions(ctx context.Context, ids []string) ([]string, error) {
	const op = "store.ForcesHoldingMentions"
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > pole.MaxFilterIDs {
		return nil, pole.E(op, pole.Invalid("ids", "%d ids; at most %d", len(ids), pole.MaxFilterIDs))
	}
	var w where
	w.in("m.id", ids)
	list, err := s.forcesHolding(ctx, &w)
	return list, pole.E(op, err)
}

// ForcesHoldingSurname lists the forces that hold a person record with
// this surname (ignoring case), in order: what deconfliction may tell a
// searcher about forces outside their reach. Victims' surnames are sealed
// and so never match here.
func (s *Store) ForcesHoldingSurname(ctx context.Context, surname string) ([]string, error) {
	var w where
	w.add("lower(m.surname) = lower(?)", surname)
	list, err := s.forcesHolding(ctx, &w)
	return list, pole.E("store.ForcesHoldingSurname", err)
}

// forcesHolding lists, in order, the forces of the person records w
// selects.
func (s *Store) forcesHolding(ctx context.Context, w *where) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, s.eng.rebind("SELECT DISTINCT s.force FROM "+mentionFrom+w.String()+" ORDER BY s.force"), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var force string
		if err := rows.Scan(&force); err != nil {
			return nil, err
		}
		out = append(out, force)
	}
	return out, rows.Err()
}
