package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"iter"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

var reviewColumns = []string{"id", "case_id", "force", "referred_by", "referred_at", "reason", "duplicate_of", "duplicate_why",
	"state", "reviewer", "checklist", "decision", "decision_reasons", "outcome", "outcome_reasons", "version", "updated_by", "updated_at"}

// reviewSelect reads a review with its case's reference and its latest
// triage score.
const reviewSelect = `SELECT r.id, r.case_id, r.force, r.referred_by, r.referred_at, r.reason, r.duplicate_of, r.duplicate_why,
	r.state, r.reviewer, r.checklist, r.decision, r.decision_reasons, r.outcome, r.outcome_reasons, r.version, r.updated_by, r.updated_at,
	c.crime_ref, t.score, t.scored_at
	FROM reviews r JOIN cases c ON c.id = r.case_id LEFT JOIN triage_scores t ON t.review_id = r.id`

func scanReview(sc scanner) (*pole.Review, error) {
	var (
		r         pole.Review
		dup       sql.NullString
		checklist []byte
		score     sql.NullInt64
		scoredAt  sql.NullTime
		state     string
	)
	err := sc.Scan(&r.ID, &r.CaseID, &r.Force, &r.ReferredBy, &r.ReferredAt, &r.Reason, &dup, &r.DuplicateWhy,
		&state, &r.Reviewer, &checklist, &r.Decision, &r.DecisionReasons, &r.Outcome, &r.OutcomeReasons, &r.Version, &r.UpdatedBy, &r.UpdatedAt,
		&r.CrimeRef, &score, &scoredAt)
	if err != nil {
		return nil, err
	}
	r.State = pole.ReviewState(state)
	r.DuplicateOf = dup.String
	r.ReferredAt, r.UpdatedAt = r.ReferredAt.UTC(), r.UpdatedAt.UTC()
	r.Score = int(score.Int64)
	if scoredAt.Valid {
		r.ScoredAt = scoredAt.Time.UTC()
	}
	if err := json.Unmarshal(checklist, &r.Checklist); err != nil {
		return nil, pole.Errorf(pole.EINTERNAL, "review %s: the stored checklist is not JSON: %v", r.ID, err)
	}
	return &r, nil
}

func (s *Store) reviewValues(r *pole.Review) ([]any, error) {
	checklist := r.Checklist
	if checklist == nil {
		checklist = map[string]pole.ChecklistAnswer{}
	}
	b, err := json.Marshal(checklist)
	if err != nil {
		return nil, err
	}
	return []any{r.ID, r.CaseID, r.Force, r.ReferredBy, s.eng.timeValue(r.ReferredAt), r.Reason, nullable(r.DuplicateOf), r.DuplicateWhy,
		string(r.State), r.Reviewer, string(b), r.Decision, r.DecisionReasons, r.Outcome, r.OutcomeReasons, r.Version, r.UpdatedBy,
		s.eng.timeValue(r.UpdatedAt)}, nil
}

// CreateReview stores a referral: the review of a closed case, in state
// referred, with the transition that made it. A case is referred once:
// a second referral of it is ECONFLICT.
func (s *Store) CreateReview(ctx context.Context, r *pole.Review) error {
	const op = "store.CreateReview"
	if err := idArg("case_id", r.CaseID); err != nil {
		return pole.E(op, err)
	}
	if r.DuplicateOf != "" {
		if err := idArg("duplicate_of", r.DuplicateOf); err != nil {
			return pole.E(op, err)
		}
	}
	if err := assignID(&r.ID); err != nil {
		return pole.E(op, err)
	}
	now := s.now()
	r.State, r.Version, r.ReferredAt, r.UpdatedAt = pole.ReviewReferred, 1, now, now
	if r.UpdatedBy == "" {
		r.UpdatedBy = r.ReferredBy
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		var force, ref string
		err := tx.QueryRowContext(ctx, s.eng.rebind("SELECT force, crime_ref FROM cases WHERE id = ?"), r.CaseID).Scan(&force, &ref)
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Invalid("case_id", "no case with id %s is stored", r.CaseID)
		}
		if err != nil {
			return err
		}
		r.Force, r.CrimeRef = force, ref
		vals, err := s.reviewValues(r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("reviews", reviewColumns)), vals...); err != nil {
			return s.classify(err, "case "+ref+" of "+force+" is already referred")
		}
		if err := s.addTransition(ctx, tx, &pole.Transition{ReviewID: r.ID, From: "", To: pole.ReviewReferred, By: r.ReferredBy, At: now, Note: r.Reason}); err != nil {
			return err
		}
		if err := s.markSameVictim(ctx, tx, r.ID); err != nil {
			return err
		}
		var dup sql.NullString
		err = tx.QueryRowContext(ctx, s.eng.rebind("SELECT duplicate_of, duplicate_why FROM reviews WHERE id = ?"), r.ID).Scan(&dup, &r.DuplicateWhy)
		r.DuplicateOf = dup.String
		return err
	}))
}

func (s *Store) addTransition(ctx context.Context, tx *sql.Tx, t *pole.Transition) error {
	if err := assignID(&t.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.eng.rebind("INSERT INTO review_transitions (id, review_id, from_state, to_state, by_login, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		t.ID, t.ReviewID, string(t.From), string(t.To), t.By, s.eng.timeValue(t.At), t.Note)
	return err
}

// FindReviewByID returns one review.
func (s *Store) FindReviewByID(ctx context.Context, id string) (*pole.Review, error) {
	const op = "store.FindReviewByID"
	if err := notFoundUnlessID("review", id); err != nil {
		return nil, pole.E(op, err)
	}
	r, err := scanReview(s.r.QueryRowContext(ctx, s.eng.rebind(reviewSelect+" WHERE r.id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no review with id %s", id))
	}
	return r, pole.E(op, err)
}

// FindReviews returns the reviews f selects and how many there are in all;
// the access filter in f.Reach is part of the query.
func (s *Store) FindReviews(ctx context.Context, f pole.ReviewFilter) ([]*pole.Review, int, error) {
	const op = "store.FindReviews"
	var w where
	w.reach(f.Reach, "r.force", "r.case_id")
	if f.Force != "" {
		w.add("r.force = ?", f.Force)
	}
	if f.State != "" {
		w.add("r.state = ?", string(f.State))
	}
	if f.CaseID != "" {
		if err := idArg("case_id", f.CaseID); err != nil {
			return nil, 0, pole.E(op, err)
		}
		w.add("r.case_id = ?", f.CaseID)
	}
	order := " ORDER BY r.referred_at, r.id"
	if f.ByScore {
		order = " ORDER BY COALESCE(t.score, -1) DESC, c.force, c.crime_ref"
	}
	q, err := page(reviewSelect+w.String()+order, f.Offset, f.Limit)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanReview)
	if err != nil {
		return nil, 0, pole.E(op, err)
	}
	n, err := s.count(ctx, "reviews r JOIN cases c ON c.id = r.case_id LEFT JOIN triage_scores t ON t.review_id = r.id", &w)
	return list, n, pole.E(op, err)
}

// ReviewChange is what one step of a review writes beside the review
// itself, all in one transaction: the move of state, the actions raised,
// the decisions victims must be told of.
type ReviewChange struct {
	Transition    *pole.Transition
	Actions       []*pole.Action
	VictimUpdates []*pole.VictimUpdate
}

// UpdateReview writes r, which must carry the version that was read: if
// someone else changed the review since, it is ECONFLICT and nothing is
// written. On success r holds the new version.
func (s *Store) UpdateReview(ctx context.Context, r *pole.Review, ch ReviewChange) error {
	const op = "store.UpdateReview"
	if err := notFoundUnlessID("review", r.ID); err != nil {
		return pole.E(op, err)
	}
	if err := pole.ValidateChecklist(r.Checklist); err != nil {
		return pole.E(op, err)
	}
	next := *r
	next.Version, next.UpdatedAt = r.Version+1, s.now()
	vals, err := s.reviewValues(&next)
	if err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.eng.rebind(`UPDATE reviews SET state = ?, reviewer = ?, checklist = ?, decision = ?, decision_reasons = ?,
			outcome = ?, outcome_reasons = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?`),
			vals[8], vals[9], vals[10], vals[11], vals[12], vals[13], vals[14], vals[15], vals[16], vals[17], r.ID, r.Version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			if ok, err := s.exists(ctx, tx, "reviews", r.ID); err != nil {
				return err
			} else if !ok {
				return pole.Errorf(pole.ENOTFOUND, "no review with id %s", r.ID)
			}
			return pole.Errorf(pole.ECONFLICT, "review %s was changed by someone else since version %d: read it again", r.ID, r.Version)
		}
		if t := ch.Transition; t != nil {
			t.ReviewID, t.At = r.ID, next.UpdatedAt
			if err := s.addTransition(ctx, tx, t); err != nil {
				return err
			}
		}
		for _, a := range ch.Actions {
			if err := s.insertAction(ctx, tx, r.ID, a, next.UpdatedAt); err != nil {
				return err
			}
		}
		for _, u := range ch.VictimUpdates {
			if err := s.insertVictimUpdate(ctx, tx, r.ID, u); err != nil {
				return err
			}
		}
		*r = next
		return nil
	}))
}

// FindTransitions returns a review's history of states, oldest first.
func (s *Store) FindTransitions(ctx context.Context, reviewID string) ([]*pole.Transition, error) {
	const op = "store.FindTransitions"
	if err := idArg("review_id", reviewID); err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind("SELECT id, review_id, from_state, to_state, by_login, at, note FROM review_transitions WHERE review_id = ? ORDER BY at, id"),
		[]any{reviewID}, func(sc scanner) (*pole.Transition, error) {
			var t pole.Transition
			var from, to string
			err := sc.Scan(&t.ID, &t.ReviewID, &from, &to, &t.By, &t.At, &t.Note)
			t.From, t.To, t.At = pole.ReviewState(from), pole.ReviewState(to), t.At.UTC()
			return &t, err
		})
	return list, pole.E(op, err)
}

// TriageScore is one review's score from the triage rules, with the
// reasons as JSON.
type TriageScore struct {
	ReviewID     string
	Score        int
	RulesVersion string
	Reasons      []byte // JSON
	ScoredAt     time.Time
}

// SaveTriage moves the reviews named in promote that are still referred to
// triaged, recording each move (by by), and stores the scores scores
// yields, replacing earlier ones. It is one transaction, and it moves the
// reviews first: scores may still be computing while it writes, and an
// error they yield undoes everything. It returns how many scores it read
// and how many reviews it moved.
func (s *Store) SaveTriage(ctx context.Context, promote []string, scores iter.Seq2[TriageScore, error], by string) (scored, promoted int, err error) {
	const op = "store.SaveTriage"
	now := s.now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		const batch = 500
		for start := 0; start < len(promote); start += batch {
			n, err := s.promoteTriaged(ctx, tx, promote[start:min(start+batch, len(promote))], by, now)
			if err != nil {
				return err
			}
			promoted += n
		}
		// A score the same as the one stored is not written again.
		stored := map[string]string{}
		rows, err := tx.QueryContext(ctx, "SELECT review_id, digest FROM triage_scores")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, digest string
			if err := rows.Scan(&id, &digest); err != nil {
				rows.Close()
				return err
			}
			stored[id] = digest
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		var part []TriageScore
		var digests []string
		flush := func() error {
			err := s.writeTriage(ctx, tx, part, digests, now)
			part, digests = part[:0], digests[:0]
			return err
		}
		for t, err := range scores {
			if err != nil {
				return err
			}
			scored++
			if !pole.IsID(t.ReviewID) {
				return pole.Invalid("review_id", "%q is not an id", t.ReviewID)
			}
			d := triageDigest(t)
			if stored[t.ReviewID] == d {
				continue
			}
			part, digests = append(part, t), append(digests, d)
			if len(part) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if len(part) > 0 {
			return flush()
		}
		return nil
	})
	return scored, promoted, pole.E(op, err)
}

// writeTriage writes one batch of changed scores.
func (s *Store) writeTriage(ctx context.Context, tx *sql.Tx, part []TriageScore, digests []string, now time.Time) error {
	q := "INSERT INTO triage_scores (review_id, score, rules_version, reasons, digest, scored_at) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(part)), ", ") +
		" ON CONFLICT (review_id) DO UPDATE SET score = excluded.score, rules_version = excluded.rules_version, reasons = excluded.reasons," +
		" digest = excluded.digest, scored_at = excluded.scored_at"
	args := make([]any, 0, 6*len(part))
	for i, t := range part {
		args = append(args, t.ReviewID, t.Score, t.RulesVersion, string(t.Reasons), digests[i], s.eng.timeValue(now))
	}
	_, err := tx.ExecContext(ctx, s.eng.rebind(q), args...)
	return s.classify(err, "a triage score")
}

// promoteTriaged moves those of ids still referred to triaged: made, then
// recorded.
func (s *Store) promoteTriaged(ctx context.Context, tx *sql.Tx, ids []string, by string, now time.Time) (int, error) {
	for _, id := range ids {
		if !pole.IsID(id) {
			return 0, pole.Invalid("review_id", "%q is not an id", id)
		}
	}
	var u where
	u.add("state = ?", string(pole.ReviewReferred))
	u.in("id", ids)
	rows, err := tx.QueryContext(ctx, s.eng.rebind("UPDATE reviews SET state = ?, version = version + 1, updated_by = ?, updated_at = ?"+u.String()+" RETURNING id"),
		append([]any{string(pole.ReviewTriaged), by, s.eng.timeValue(now)}, u.args...)...)
	if err != nil {
		return 0, err
	}
	var moving []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		moving = append(moving, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	if len(moving) == 0 {
		return 0, nil
	}
	targs := make([]any, 0, 7*len(moving))
	for _, id := range moving {
		tid, err := newID()
		if err != nil {
			return 0, err
		}
		targs = append(targs, tid, id, string(pole.ReviewReferred), string(pole.ReviewTriaged), by, s.eng.timeValue(now), "scored by the triage rules")
	}
	_, err = tx.ExecContext(ctx, s.eng.rebind("INSERT INTO review_transitions (id, review_id, from_state, to_state, by_login, at, note) VALUES "+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", len(moving)), ", ")), targs...)
	return len(moving), err
}

// triageDigest names a score's content: its rules, score and reasons.
func triageDigest(t TriageScore) string {
	h := sha256.New()
	h.Write([]byte(t.RulesVersion))
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(t.Score)))
	h.Write([]byte{0})
	h.Write(t.Reasons)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// FindTriage returns a review's latest triage score and reasons.
func (s *Store) FindTriage(ctx context.Context, reviewID string) (*TriageScore, error) {
	const op = "store.FindTriage"
	if err := notFoundUnlessID("triage score", reviewID); err != nil {
		return nil, pole.E(op, err)
	}
	var t TriageScore
	err := s.r.QueryRowContext(ctx, s.eng.rebind("SELECT review_id, score, rules_version, reasons, scored_at FROM triage_scores WHERE review_id = ?"), reviewID).
		Scan(&t.ReviewID, &t.Score, &t.RulesVersion, &t.Reasons, &t.ScoredAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "review %s is not triaged yet", reviewID))
	}
	t.ScoredAt = t.ScoredAt.UTC()
	return &t, pole.E(op, err)
}

var actionColumns = []string{"id", "review_id", "force", "title", "state", "owner", "due", "result", "raised_by", "raised_at", "version", "updated_at"}

func (s *Store) insertAction(ctx context.Context, tx *sql.Tx, reviewID string, a *pole.Action, now time.Time) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := assignID(&a.ID); err != nil {
		return err
	}
	a.ReviewID, a.State, a.RaisedAt, a.UpdatedAt, a.Version = reviewID, pole.ActionRaised, now, now, 1
	if a.Owner != "" {
		a.State = pole.ActionAllocated
	}
	_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("review_actions", actionColumns)),
		a.ID, a.ReviewID, a.Force, a.Title, string(a.State), a.Owner, a.Due.String(), a.Result, a.RaisedBy,
		s.eng.timeValue(a.RaisedAt), a.Version, s.eng.timeValue(a.UpdatedAt))
	return s.classify(err, "action "+a.ID+" is already stored")
}

// CreateAction raises an action on a review.
func (s *Store) CreateAction(ctx context.Context, a *pole.Action) error {
	const op = "store.CreateAction"
	if err := idArg("review_id", a.ReviewID); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mustExist(ctx, tx, "review_id", "reviews", a.ReviewID); err != nil {
			return err
		}
		return s.insertAction(ctx, tx, a.ReviewID, a, s.now())
	}))
}

func scanAction(sc scanner) (*pole.Action, error) {
	var a pole.Action
	var state, due string
	err := sc.Scan(&a.ID, &a.ReviewID, &a.Force, &a.Title, &state, &a.Owner, &due, &a.Result, &a.RaisedBy, &a.RaisedAt, &a.Version, &a.UpdatedAt)
	if err != nil {
		return nil, err
	}
	a.State, a.RaisedAt, a.UpdatedAt = pole.ActionState(state), a.RaisedAt.UTC(), a.UpdatedAt.UTC()
	if a.Due, err = pole.ParsePartialDate(due); err != nil {
		return nil, pole.Errorf(pole.EINTERNAL, "action %s: the stored due date %q: %v", a.ID, due, err)
	}
	return &a, nil
}

// FindActionByID returns one action.
func (s *Store) FindActionByID(ctx context.Context, id string) (*pole.Action, error) {
	const op = "store.FindActionByID"
	if err := notFoundUnlessID("action", id); err != nil {
		return nil, pole.E(op, err)
	}
	a, err := scanAction(s.r.QueryRowContext(ctx, s.eng.rebind("SELECT "+strings.Join(actionColumns, ", ")+" FROM review_actions WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no action with id %s", id))
	}
	return a, pole.E(op, err)
}

// FindActions returns the actions f selects, by due date.
func (s *Store) FindActions(ctx context.Context, f pole.ActionFilter) ([]*pole.Action, error) {
	const op = "store.FindActions"
	var w where
	w.reach(f.Reach, "a.force", "(SELECT case_id FROM reviews rv WHERE rv.id = a.review_id)")
	if f.ReviewID != "" {
		if err := idArg("review_id", f.ReviewID); err != nil {
			return nil, pole.E(op, err)
		}
		w.add("a.review_id = ?", f.ReviewID)
	}
	if f.Force != "" {
		w.add("a.force = ?", f.Force)
	}
	if f.Owner != "" {
		w.add("a.owner = ?", f.Owner)
	}
	if !f.OverdueOn.IsZero() {
		w.add("a.state IN (?, ?) AND a.due < ?", string(pole.ActionRaised), string(pole.ActionAllocated), f.OverdueOn.String())
	}
	q, err := page("SELECT a."+strings.Join(actionColumns, ", a.")+" FROM review_actions a"+w.String()+" ORDER BY a.due, a.raised_at, a.id", 0, f.Limit)
	if err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanAction)
	return list, pole.E(op, err)
}

// UpdateAction writes a, which must carry the version that was read.
func (s *Store) UpdateAction(ctx context.Context, a *pole.Action) error {
	const op = "store.UpdateAction"
	if err := notFoundUnlessID("action", a.ID); err != nil {
		return pole.E(op, err)
	}
	now := s.now()
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.eng.rebind("UPDATE review_actions SET state = ?, owner = ?, due = ?, result = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?"),
			string(a.State), a.Owner, a.Due.String(), a.Result, a.Version+1, s.eng.timeValue(now), a.ID, a.Version)
		if err != nil {
			return err
		}
		if err := changedOne(res, "action", a.ID, a.Version); err != nil {
			return err
		}
		a.Version, a.UpdatedAt = a.Version+1, now
		return nil
	}))
}

var victimUpdateColumns = []string{"id", "review_id", "mention_id", "force", "decision", "decided_at", "enhanced", "why", "deadline", "told_at", "told_by", "method"}

func (s *Store) insertVictimUpdate(ctx context.Context, tx *sql.Tx, reviewID string, u *pole.VictimUpdate) error {
	if err := idArg("mention_id", u.MentionID); err != nil {
		return err
	}
	if err := assignID(&u.ID); err != nil {
		return err
	}
	u.ReviewID = reviewID
	_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("victim_updates", victimUpdateColumns)),
		u.ID, u.ReviewID, u.MentionID, u.Force, u.Decision, s.eng.timeValue(u.DecidedAt), u.Enhanced, u.Why, s.eng.timeValue(u.Deadline), nil, "", "")
	return s.classify(err, "victim update "+u.ID+" is already stored")
}

func scanVictimUpdate(sc scanner) (*pole.VictimUpdate, error) {
	var u pole.VictimUpdate
	var told sql.NullTime
	err := sc.Scan(&u.ID, &u.ReviewID, &u.MentionID, &u.Force, &u.Decision, &u.DecidedAt, &u.Enhanced, &u.Why, &u.Deadline, &told, &u.ToldBy, &u.Method, &u.Pseudonym)
	if err != nil {
		return nil, err
	}
	u.DecidedAt, u.Deadline = u.DecidedAt.UTC(), u.Deadline.UTC()
	if told.Valid {
		u.ToldAt = told.Time.UTC()
	}
	return &u, nil
}

const victimUpdateSelect = "SELECT u.id, u.review_id, u.mention_id, u.force, u.decision, u.decided_at, u.enhanced, u.why, u.deadline, u.told_at, u.told_by, u.method, m.pseudonym FROM victim_updates u JOIN mentions m ON m.id = u.mention_id"

// FindVictimUpdates returns the victim updates f selects, by deadline.
func (s *Store) FindVictimUpdates(ctx context.Context, f pole.VictimUpdateFilter) ([]*pole.VictimUpdate, error) {
	const op = "store.FindVictimUpdates"
	var w where
	w.reach(f.Reach, "u.force", "(SELECT case_id FROM reviews rv WHERE rv.id = u.review_id)")
	if f.ReviewID != "" {
		if err := idArg("review_id", f.ReviewID); err != nil {
			return nil, pole.E(op, err)
		}
		w.add("u.review_id = ?", f.ReviewID)
	}
	if f.Untold || !f.OverdueAt.IsZero() {
		w.add("u.told_at IS NULL")
	}
	if !f.OverdueAt.IsZero() {
		w.add("u.deadline < ?", s.eng.timeValue(f.OverdueAt))
	}
	q, err := page(victimUpdateSelect+w.String()+" ORDER BY u.deadline, u.id", 0, f.Limit)
	if err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanVictimUpdate)
	return list, pole.E(op, err)
}

// FindVictimUpdateByID returns one victim update.
func (s *Store) FindVictimUpdateByID(ctx context.Context, id string) (*pole.VictimUpdate, error) {
	const op = "store.FindVictimUpdateByID"
	if err := notFoundUnlessID("victim update", id); err != nil {
		return nil, pole.E(op, err)
	}
	u, err := scanVictimUpdate(s.r.QueryRowContext(ctx, s.eng.rebind(victimUpdateSelect+" WHERE u.id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no victim update with id %s", id))
	}
	return u, pole.E(op, err)
}

// MarkVictimTold records that the victim was told of the decision: when,
// by whom, how. Telling twice is ECONFLICT: the first record stands.
func (s *Store) MarkVictimTold(ctx context.Context, id string, at time.Time, by, method string) error {
	const op = "store.MarkVictimTold"
	if err := notFoundUnlessID("victim update", id); err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.eng.rebind("UPDATE victim_updates SET told_at = ?, told_by = ?, method = ? WHERE id = ? AND told_at IS NULL"),
			s.eng.timeValue(at), by, method, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		if ok, err := s.exists(ctx, tx, "victim_updates", id); err != nil {
			return err
		} else if !ok {
			return pole.Errorf(pole.ENOTFOUND, "no victim update with id %s", id)
		}
		return pole.Errorf(pole.ECONFLICT, "the victim was already recorded as told of this decision")
	}))
}

// SaveVictimContact stores how a victim wishes to be kept informed.
func (s *Store) SaveVictimContact(ctx context.Context, c *pole.VictimContact) error {
	const op = "store.SaveVictimContact"
	if err := c.Validate(); err != nil {
		return pole.E(op, err)
	}
	c.UpdatedAt = s.now()
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.eng.rebind(`INSERT INTO victim_contacts (mention_id, force, method, named_contact, enhanced, opted_out, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mention_id) DO UPDATE SET method = excluded.method, named_contact = excluded.named_contact,
			enhanced = excluded.enhanced, opted_out = excluded.opted_out, updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
			c.MentionID, c.Force, c.Method, c.NamedContact, c.Enhanced, c.OptedOut, c.UpdatedBy, s.eng.timeValue(c.UpdatedAt))
		return s.classify(err, "")
	}))
}

// FindVictimContact returns a victim's contact preferences, or ENOTFOUND.
func (s *Store) FindVictimContact(ctx context.Context, mentionID string) (*pole.VictimContact, error) {
	const op = "store.FindVictimContact"
	if err := notFoundUnlessID("victim contact", mentionID); err != nil {
		return nil, pole.E(op, err)
	}
	var c pole.VictimContact
	err := s.r.QueryRowContext(ctx, s.eng.rebind("SELECT mention_id, force, method, named_contact, enhanced, opted_out, updated_by, updated_at FROM victim_contacts WHERE mention_id = ?"), mentionID).
		Scan(&c.MentionID, &c.Force, &c.Method, &c.NamedContact, &c.Enhanced, &c.OptedOut, &c.UpdatedBy, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no contact preferences are recorded for %s", mentionID))
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	return &c, pole.E(op, err)
}

// CreateInterest registers a force's interest and returns the interests
// other forces (or the national team) already hold in the same thing, in
// one transaction. A force registering the same interest again is
// ECONFLICT.
func (s *Store) CreateInterest(ctx context.Context, in *pole.Interest) ([]*pole.Interest, error) {
	const op = "store.CreateInterest"
	if err := assignID(&in.ID); err != nil {
		return nil, pole.E(op, err)
	}
	in.CreatedAt = s.now()
	var others []*pole.Interest
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.eng.rebind("INSERT INTO interests (id, kind, entity_key, force, user_id, login, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
			in.ID, in.Kind, in.Key, in.Force, in.UserID, in.Login, in.Reason, s.eng.timeValue(in.CreatedAt))
		if err != nil {
			return s.classify(err, in.Force+" already holds an interest in this "+in.Kind)
		}
		others, err = queryAll(ctx, tx, s.eng.rebind(interestSelect+" WHERE kind = ? AND entity_key = ? AND force <> ? ORDER BY created_at, id"),
			[]any{in.Kind, in.Key, in.Force}, scanInterest)
		return err
	})
	return others, pole.E(op, err)
}

const interestSelect = "SELECT id, kind, entity_key, force, user_id, login, reason, created_at FROM interests"

func scanInterest(sc scanner) (*pole.Interest, error) {
	var in pole.Interest
	err := sc.Scan(&in.ID, &in.Kind, &in.Key, &in.Force, &in.UserID, &in.Login, &in.Reason, &in.CreatedAt)
	in.CreatedAt = in.CreatedAt.UTC()
	return &in, err
}

// FindInterests returns a force's registered interests, newest first.
func (s *Store) FindInterests(ctx context.Context, force string) ([]*pole.Interest, error) {
	const op = "store.FindInterests"
	list, err := queryAll(ctx, s.r, s.eng.rebind(interestSelect+" WHERE force = ? ORDER BY created_at DESC, id DESC"), []any{force}, scanInterest)
	return list, pole.E(op, err)
}

// Referral is a referred case's review, for triage to score.
type Referral struct {
	ReviewID string
	CaseID   string
}

// FindReferrals returns every referred case, in no set order.
func (s *Store) FindReferrals(ctx context.Context) ([]Referral, error) {
	const op = "store.FindReferrals"
	rows, err := s.r.QueryContext(ctx, "SELECT id, case_id FROM reviews")
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		var r Referral
		if err := rows.Scan(&r.ReviewID, &r.CaseID); err != nil {
			return nil, pole.E(op, err)
		}
		out = append(out, r)
	}
	return out, pole.E(op, rows.Err())
}

// CreateReviews refers many closed cases at once, by, for reason; a case
// already referred is left as it is. It returns the reviews' ids. One
// transaction.
func (s *Store) CreateReviews(ctx context.Context, caseIDs []string, by, reason string) ([]string, error) {
	const op = "store.CreateReviews"
	now := s.now()
	var created []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		const batch = 400
		for start := 0; start < len(caseIDs); start += batch {
			part := caseIDs[start:min(start+batch, len(caseIDs))]
			var w where
			w.in("c.id", part)
			w.add("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.case_id = c.id)")
			rows, err := tx.QueryContext(ctx, s.eng.rebind("SELECT c.id, c.force FROM cases c"+w.String()+" ORDER BY c.force, c.crime_ref"), w.args...)
			if err != nil {
				return err
			}
			var rargs, targs []any
			k := 0
			for rows.Next() {
				var caseID, force string
				if err := rows.Scan(&caseID, &force); err != nil {
					rows.Close()
					return err
				}
				rid, err := newID()
				if err != nil {
					rows.Close()
					return err
				}
				tid, err := newID()
				if err != nil {
					rows.Close()
					return err
				}
				created = append(created, rid)
				rargs = append(rargs, rid, caseID, force, by, s.eng.timeValue(now), reason, string(pole.ReviewReferred), by, s.eng.timeValue(now))
				targs = append(targs, tid, rid, "", string(pole.ReviewReferred), by, s.eng.timeValue(now), reason)
				k++
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil {
				return err
			}
			if k == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.eng.rebind("INSERT INTO reviews (id, case_id, force, referred_by, referred_at, reason, state, updated_by, updated_at) VALUES "+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?), ", k), ", ")), rargs...); err != nil {
				return s.classify(err, "a case is already referred")
			}
			if _, err := tx.ExecContext(ctx, s.eng.rebind("INSERT INTO review_transitions (id, review_id, from_state, to_state, by_login, at, note) VALUES "+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", k), ", ")), targs...); err != nil {
				return err
			}
		}
		return s.markSameVictim(ctx, tx, "")
	})
	if err != nil {
		return nil, pole.E(op, err)
	}
	return created, nil
}

// markSameVictim points each referral not yet marked at the earliest
// referral by another force of a case naming a victim linkage holds to be
// the same person.
func (s *Store) markSameVictim(ctx context.Context, tx *sql.Tx, only string) error {
	var w where
	w.add("duplicate_of IS NULL")
	if only != "" {
		w.add("id = ?", only)
	}
	_, err := tx.ExecContext(ctx, s.eng.rebind(`UPDATE reviews SET
		duplicate_of = (SELECT r2.id FROM mentions m1
			JOIN entity_members e1 ON e1.mention_id = m1.id
			JOIN entity_members e2 ON e2.entity_id = e1.entity_id
			JOIN mentions m2 ON m2.id = e2.mention_id
			JOIN reviews r2 ON r2.case_id = m2.case_id
			WHERE m1.case_id = reviews.case_id AND m1.role = 'victim' AND m2.role = 'victim' AND r2.force <> reviews.force
			  AND (r2.referred_at < reviews.referred_at OR r2.referred_at = reviews.referred_at AND r2.id < reviews.id)
			ORDER BY r2.referred_at, r2.id LIMIT 1)`+w.String()), w.args...)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE reviews SET duplicate_why = 'the same victim is in a case referred by ' || (SELECT r2.force FROM reviews r2 WHERE r2.id = reviews.duplicate_of)
		WHERE duplicate_of IS NOT NULL AND duplicate_why = ''`)
	return err
}

// SaveTriageRules keeps a rule set under its version. A version names one
// set of weights for good: saving other weights under a saved version is
// ECONFLICT; saving the same again only makes it the latest.
func (s *Store) SaveTriageRules(ctx context.Context, version string, weights map[string]int, by string) error {
	const op = "store.SaveTriageRules"
	b, err := json.Marshal(weights)
	if err != nil {
		return pole.E(op, err)
	}
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		var stored []byte
		err := tx.QueryRowContext(ctx, s.eng.rebind("SELECT weights FROM triage_rules WHERE version = ?"), version).Scan(&stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, s.eng.rebind("INSERT INTO triage_rules (version, weights, saved_by, saved_at) VALUES (?, ?, ?, ?)"),
				version, string(b), by, s.eng.timeValue(s.now()))
			return err
		case err != nil:
			return err
		}
		var old map[string]int
		if err := json.Unmarshal(stored, &old); err != nil {
			return err
		}
		if !maps.Equal(old, weights) {
			return pole.Errorf(pole.ECONFLICT, "rule set version %s is already saved with other weights: give the changed rules a new version", version)
		}
		_, err = tx.ExecContext(ctx, s.eng.rebind("UPDATE triage_rules SET saved_by = ?, saved_at = ? WHERE version = ?"), by, s.eng.timeValue(s.now()), version)
		return err
	}))
}

// LatestTriageRules returns the rule set saved last, or ENOTFOUND.
func (s *Store) LatestTriageRules(ctx context.Context) (string, map[string]int, error) {
	const op = "store.LatestTriageRules"
	var version string
	var b []byte
	err := s.r.QueryRowContext(ctx, "SELECT version, weights FROM triage_rules ORDER BY saved_at DESC, version DESC LIMIT 1").Scan(&version, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no triage rules are saved yet"))
	}
	if err != nil {
		return "", nil, pole.E(op, err)
	}
	var w map[string]int
	if err := json.Unmarshal(b, &w); err != nil {
		return "", nil, pole.E(op, err)
	}
	return version, w, nil
}
