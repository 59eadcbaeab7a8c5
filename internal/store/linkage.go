package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// LinkModel is one set of linkage parameters, as estimated. Params and Stats
// are the linkage package's JSON; the store keeps them byte for byte.
type LinkModel struct {
	ID            string
	Version       int
	CreatedAt     time.Time
	Params, Stats []byte
}

// LinkRun is one run of linkage with a model.
type LinkRun struct {
	ID, ModelID           string
	StartedAt, FinishedAt time.Time
	Stats                 []byte
}

// Entity is what mentions resolve to: a person, or a phone, vehicle or place
// that people share. Key is the normalised key of a phone (E.164), vehicle
// (registration mark) or place ("POSTCODE|PREMISES"), and empty for a person.
// A retired entity has no members left; MergedInto names the one that took
// them, if one did.
type Entity struct {
	ID, Kind, Key string
	CreatedAt     time.Time
	CreatedByRun  string
	RetiredAt     time.Time
	MergedInto    string
}

// Membership puts a mention in an entity.
type Membership struct{ MentionID, EntityID string }

// EntityChange records one thing that happened to an entity, so that it can
// be explained and undone: OtherID is the entity merged in or split off, and
// Mentions the mentions moved. UndoneBy is the id of the change that undid it.
type EntityChange struct {
	ID, RunID               string
	Seq                     int
	At                      time.Time
	Kind, EntityID, OtherID string
	Mentions                []string
	Reason, UndoneBy        string
}

// LinkPair is a scored pair of mentions, A < B. Levels are the comparison
// levels that produced the weight, as linkage writes them.
type LinkPair struct {
	A, B                string
	Weight, Probability float64
	Levels, Band        string
}

// LinkResult is what one run changes.
type LinkResult struct {
	Entities []Entity     // new entities to create
	Retired  []Entity     // stored entities now empty: their RetiredAt and MergedInto are set
	Members  []Membership // memberships that are new or changed
	Changes  []EntityChange
	// PairsFor names the mentions whose stored pairs are replaced: every
	// stored pair touching one of them is deleted before Pairs are written.
	// ReplaceAllPairs deletes every stored pair instead. A pair in Pairs
	// that is still stored is ECONFLICT.
	PairsFor        []string
	ReplaceAllPairs bool
	Pairs           []LinkPair
}

// Judgement is a person's decision on whether two mentions are the same
// person: "same", "different" or "unsure".
type Judgement struct {
	A, B, Decision, MadeBy, Note string
	MadeAt                       time.Time
}

// JudgementVersion is a judgement that a later one on the same pair replaced.
type JudgementVersion struct {
	Judgement
	ReplacedAt time.Time
}

var (
	linkModelColumns = []string{"id", "version", "created_at", "params", "stats"}
	linkRunColumns   = []string{"id", "model_id", "started_at", "finished_at", "stats"}
	entityColumns    = []string{"id", "kind", "key", "created_at", "created_by_run", "retired_at", "merged_into"}
	memberColumns    = []string{"mention_id", "entity_id", "run_id"}
	changeColumns    = []string{"id", "run_id", "seq", "at", "kind", "entity_id", "other_id", "mentions", "reason", "undone_by"}
	pairColumns      = []string{"mention_a", "mention_b", "weight", "probability", "levels", "band", "run_id"}
	judgementColumns = []string{"mention_a", "mention_b", "decision", "made_by", "note", "made_at"}

	entityKinds = []string{"person", "phone", "vehicle", "place"}
	changeKinds = []string{"create", "join", "merge", "split", "unmerge", "retire"}
	decisions   = []string{"same", "different", "unsure"}
	bands       = []string{"link", "review"}
)

var (
	entitySelect = "SELECT " + strings.Join(entityColumns, ", ") + " FROM entities"
	changeSelect = "SELECT " + strings.Join(changeColumns, ", ") + " FROM entity_changes"
	pairSelect   = "SELECT " + strings.Join(pairColumns[:6], ", ") + " FROM link_pairs"
)

// jsonDoc checks a JSON document the store keeps as given; empty is "{}".
func jsonDoc(field string, doc []byte) (string, error) {
	if len(doc) == 0 {
		return "{}", nil
	}
	if !json.Valid(doc) {
		return "", pole.Invalid(field, "is not valid JSON")
	}
	return string(doc), nil
}

// storedTime is a caller's time as the store keeps it, or now if zero.
func storedTime(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC().Truncate(time.Microsecond)
}

// SaveLinkModel stores m as the newest model: it is given an id if it has
// none, the next version (1, 2, 3, ...) and its creation time.
func (s *Store) SaveLinkModel(ctx context.Context, m *LinkModel) error {
	const op = "store.SaveLinkModel"
	next := *m
	if err := assignID(&next.ID); err != nil {
		return pole.E(op, err)
	}
	if len(next.Params) == 0 {
		return pole.E(op, pole.Invalid("params", "a model needs its parameters"))
	}
	params, err := jsonDoc("params", next.Params)
	if err != nil {
		return pole.E(op, err)
	}
	stats, err := jsonDoc("stats", next.Stats)
	if err != nil {
		return pole.E(op, err)
	}
	next.CreatedAt = s.now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) + 1 FROM link_models").Scan(&next.Version); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("link_models", linkModelColumns)),
			next.ID, next.Version, s.eng.timeValue(next.CreatedAt), params, stats)
		return s.classify(err, fmt.Sprintf("model %s or version %d is already stored: save it again", next.ID, next.Version))
	})
	if err != nil {
		return pole.E(op, err)
	}
	*m = next
	return nil
}

// LatestLinkModel returns the model with the highest version, or ENOTFOUND
// if none is stored.
func (s *Store) LatestLinkModel(ctx context.Context) (*LinkModel, error) {
	const op = "store.LatestLinkModel"
	var m LinkModel
	err := s.r.QueryRowContext(ctx, "SELECT "+strings.Join(linkModelColumns, ", ")+" FROM link_models ORDER BY version DESC LIMIT 1").
		Scan(&m.ID, &m.Version, &m.CreatedAt, &m.Params, &m.Stats)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no link model is stored"))
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// LatestLinkRun returns the last run that was stored (by its start), or
// ENOTFOUND when linkage has never run.
func (s *Store) LatestLinkRun(ctx context.Context) (*LinkRun, error) {
	const op = "store.LatestLinkRun"
	var r LinkRun
	var model sql.NullString
	err := s.r.QueryRowContext(ctx, "SELECT "+strings.Join(linkRunColumns, ", ")+" FROM link_runs ORDER BY started_at DESC LIMIT 1").
		Scan(&r.ID, &model, &r.StartedAt, &r.FinishedAt, &r.Stats)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "linkage has not run"))
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	r.ModelID, r.StartedAt, r.FinishedAt = model.String, r.StartedAt.UTC(), r.FinishedAt.UTC()
	return &r, nil
}

// SaveLinkRun stores a run and everything it changed in one transaction:
// all of it, or, at the first bad record, none. The ids, times and sequence
// numbers the store assigns are written into run and into res's entities
// and changes. The first run over a million mentions writes a million
// memberships, so every list goes through the bulk path.
func (s *Store) SaveLinkRun(ctx context.Context, run *LinkRun, res LinkResult) error {
	const op = "store.SaveLinkRun"
	now := s.now()
	nowArg := s.eng.timeValue(now)
	r := *run
	if err := assignID(&r.ID); err != nil {
		return pole.E(op, err)
	}
	if err := idArg("model_id", r.ModelID); err != nil {
		return pole.E(op, err)
	}
	r.StartedAt, r.FinishedAt = storedTime(r.StartedAt, now), storedTime(r.FinishedAt, now)
	stats, err := jsonDoc("stats", r.Stats)
	if err != nil {
		return pole.E(op, err)
	}
	if err := s.mustExistAs(ctx, s.r, "model_id", "link_models", "link model", r.ModelID); err != nil {
		return pole.E(op, err)
	}
	memberOrder := keyOrder(len(res.Members), func(i int) (string, string) { return res.Members[i].MentionID, "" })
	if err := distinctMentions(res.Members, memberOrder); err != nil {
		return pole.E(op, err)
	}
	for i, id := range res.PairsFor {
		if !pole.IsID(id) {
			return pole.E(op, pole.Invalid("pairs_for", "entry %d, %q, is not an id", i+1, id))
		}
	}

	err = s.bulk(ctx, func(bt bulkTx) error {
		_, err := bt.exec(ctx, s.eng.rebind(insertSQL("link_runs", linkRunColumns)),
			r.ID, r.ModelID, s.eng.timeValue(r.StartedAt), s.eng.timeValue(r.FinishedAt), stats)
		if err != nil {
			return s.classify(err, "run "+r.ID+" is already stored")
		}
		err = s.writeRows(ctx, bt, rowSet{
			table: "entities", columns: entityColumns, n: len(res.Entities),
			name:      func(i int) string { return fmt.Sprintf("entity %d", i+1) },
			duplicate: "is already stored, or its key is",
			row: func(i int) ([]any, error) {
				e := &res.Entities[i]
				if err := assignID(&e.ID); err != nil {
					return nil, err
				}
				e.CreatedAt = now
				if e.CreatedByRun == "" {
					e.CreatedByRun = r.ID
				}
				if err := checkEntity(e); err != nil {
					return nil, err
				}
				return []any{e.ID, e.Kind, e.Key, nowArg, e.CreatedByRun, s.nullTime(e.RetiredAt), nullable(e.MergedInto)}, nil
			},
		})
		if err != nil {
			return err
		}
		err = s.writeRows(ctx, bt, rowSet{
			table: "entity_members", columns: memberColumns, n: len(res.Members),
			order:      memberOrder,
			onConflict: "ON CONFLICT (mention_id) DO UPDATE SET entity_id = excluded.entity_id, run_id = excluded.run_id",
			name: func(i int) string {
				return fmt.Sprintf("membership %d (mention %s in entity %s)", i+1, res.Members[i].MentionID, res.Members[i].EntityID)
			},
			row: func(i int) ([]any, error) {
				m := res.Members[i]
				if !pole.IsID(m.MentionID) {
					return nil, pole.Invalid("mention_id", "%q is not an id", m.MentionID)
				}
				if !pole.IsID(m.EntityID) {
					return nil, pole.Invalid("entity_id", "%q is not an id", m.EntityID)
				}
				return []any{m.MentionID, m.EntityID, r.ID}, nil
			},
		})
		if err != nil {
			return err
		}
		if err := s.retire(ctx, bt, res.Retired, now); err != nil {
			return err
		}
		err = s.writeRows(ctx, bt, rowSet{
			table: "entity_changes", columns: changeColumns, n: len(res.Changes),
			name:      func(i int) string { return fmt.Sprintf("change %d", i+1) },
			duplicate: "is already stored",
			row: func(i int) ([]any, error) {
				c := &res.Changes[i]
				if err := assignID(&c.ID); err != nil {
					return nil, err
				}
				if c.RunID == "" {
					c.RunID = r.ID
				}
				c.Seq, c.At = i+1, storedTime(c.At, now)
				if err := checkChange(c); err != nil {
					return nil, err
				}
				return s.changeValues(c), nil
			},
		})
		if err != nil {
			return err
		}
		return s.replacePairs(ctx, bt, r.ID, res)
	})
	if err != nil {
		return pole.E(op, err)
	}
	*run = r
	return nil
}

// distinctMentions rejects a result that puts one mention in two entities,
// which the engines would otherwise settle differently. In mention order,
// the two are side by side.
func distinctMentions(members []Membership, order []int32) error {
	for k := 1; k < len(order); k++ {
		i, j := order[k-1], order[k]
		if members[i].MentionID == members[j].MentionID {
			return pole.E(fmt.Sprintf("membership %d", max(i, j)+1),
				pole.Invalid("mention_id", "mention %s is given an entity twice, also in membership %d", members[j].MentionID, min(i, j)+1))
		}
	}
	return nil
}

// retire marks entities that lost their last member. One that is not
// stored, is retired already, or still has members is EINVALID.
func (s *Store) retire(ctx context.Context, bt bulkTx, list []Entity, now time.Time) error {
	q := s.eng.rebind(`UPDATE entities SET retired_at = ?, merged_into = ?
		WHERE id = ? AND retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM entity_members WHERE entity_id = ?)`)
	for i := range list {
		e := &list[i]
		e.RetiredAt = storedTime(e.RetiredAt, now)
		name := fmt.Sprintf("retired entity %d", i+1)
		if !pole.IsID(e.ID) {
			return pole.E(name, pole.Invalid("id", "%q is not an id", e.ID))
		}
		if e.MergedInto != "" && !pole.IsID(e.MergedInto) {
			return pole.E(name, pole.Invalid("merged_into", "%q is not an id", e.MergedInto))
		}
		n, err := bt.exec(ctx, q, s.eng.timeValue(e.RetiredAt), nullable(e.MergedInto), e.ID, e.ID)
		if err != nil {
			return pole.E(name, s.classify(err, ""))
		}
		if n != 1 {
			return pole.E(name, pole.Invalid("id", "entity %s cannot be retired: it is not stored, is retired already, or still has members", e.ID))
		}
	}
	return nil
}

// replacePairs deletes the stored pairs the result replaces and writes its
// pairs.
func (s *Store) replacePairs(ctx context.Context, bt bulkTx, runID string, res LinkResult) error {
	if res.ReplaceAllPairs {
		if _, err := bt.exec(ctx, "DELETE FROM link_pairs"); err != nil {
			return err
		}
	} else {
		const chunk = 500
		for start := 0; start < len(res.PairsFor); start += chunk {
			part := res.PairsFor[start:min(len(res.PairsFor), start+chunk)]
			in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ") + ")"
			args := make([]any, 0, 2*len(part))
			for range 2 {
				for _, id := range part {
					args = append(args, id)
				}
			}
			if _, err := bt.exec(ctx, s.eng.rebind("DELETE FROM link_pairs WHERE mention_a IN "+in+" OR mention_b IN "+in), args...); err != nil {
				return err
			}
		}
	}
	return s.writeRows(ctx, bt, rowSet{
		table: "link_pairs", columns: pairColumns, n: len(res.Pairs),
		order: keyOrder(len(res.Pairs), func(i int) (string, string) {
			p := &res.Pairs[i]
			return min(p.A, p.B), max(p.A, p.B)
		}),
		name: func(i int) string {
			return fmt.Sprintf("pair %d (mentions %s and %s)", i+1, res.Pairs[i].A, res.Pairs[i].B)
		},
		duplicate: "is stored already, or given twice: a stored pair is replaced only if PairsFor names one of its mentions",
		row: func(i int) ([]any, error) {
			p := res.Pairs[i]
			if err := checkPair(&p); err != nil {
				return nil, err
			}
			return []any{p.A, p.B, p.Weight, p.Probability, p.Levels, p.Band, runID}, nil
		},
	})
}

// rowSet is one list of a result, written through the bulk path.
type rowSet struct {
	table      string
	columns    []string
	onConflict string // for rows that may be stored already; empty to insert
	n          int
	// order, if set, is the order to write the rows in: their positions
	// sorted by primary key.
	order     []int32
	row       func(i int) ([]any, error) // the values of row i, from 0
	name      func(i int) string         // how an error names row i
	duplicate string                     // what a unique violation means
}

// writeRows writes a rowSet. A bad row is named by rs.name, whether the
// store or the database found it; a constraint the database checks only at
// the end (a foreign key after PostgreSQL's COPY) is named by its key.
func (s *Store) writeRows(ctx context.Context, bt bulkTx, rs rowSet) error {
	at := func(k int) int {
		if rs.order == nil {
			return k
		}
		return int(rs.order[k])
	}
	k := 0
	var rowErr error
	next := func() ([]any, error) {
		if k == rs.n {
			return nil, nil
		}
		i := at(k)
		k++
		vals, err := rs.row(i)
		if err != nil {
			rowErr = pole.E(rs.name(i), err)
			return nil, rowErr
		}
		return vals, nil
	}
	var err error
	if rs.onConflict == "" {
		_, err = bt.insert(ctx, rs.table, rs.columns, next)
	} else {
		_, err = bt.upsert(ctx, rs.table, rs.columns, rs.onConflict, next)
	}
	var re *rowError
	switch {
	case err == nil:
		return nil
	case rowErr != nil:
		return rowErr
	case errors.As(err, &re) && re.row >= 1 && re.row <= rs.n:
		return pole.E(rs.name(at(re.row-1)), s.classify(re.err, rs.duplicate))
	}
	return pole.E(rs.table, s.classify(err, rs.duplicate))
}

// keyOrder returns the positions 0..n-1 sorted by the ids that key gives
// (a second id breaks ties of the first). Rows written in primary-key
// order are appended to the key's B-tree instead of scattered over it.
// The sort compares the first 64 bits of each id, held beside its
// position, and reads the strings only on a tie: comparing the strings
// themselves jumps about memory and took ten times as long on a million.
func keyOrder(n int, key func(i int) (string, string)) []int32 {
	type entry struct {
		prefix uint64
		pos    int32
	}
	entries := make([]entry, n)
	for i := range entries {
		a, _ := key(i)
		entries[i] = entry{idPrefix(a), int32(i)}
	}
	slices.SortFunc(entries, func(x, y entry) int {
		if c := cmp.Compare(x.prefix, y.prefix); c != 0 {
			return c
		}
		xa, xb := key(int(x.pos))
		ya, yb := key(int(y.pos))
		return cmp.Or(strings.Compare(xa, ya), strings.Compare(xb, yb))
	})
	order := make([]int32, n)
	for i, e := range entries {
		order[i] = e.pos
	}
	return order
}

// idPrefix is the first 16 hex digits of an id as a number, which orders
// ids as their text does; anything else is 0, and sorts by its text.
func idPrefix(id string) uint64 {
	if !pole.IsID(id) {
		return 0
	}
	var v uint64
	for i := 0; i < 18; i++ {
		c := id[i]
		switch {
		case c == '-':
			continue
		case c <= '9':
			c -= '0'
		default:
			c -= 'a' - 10
		}
		v = v<<4 | uint64(c)
	}
	return v
}

func (s *Store) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.eng.timeValue(t)
}

// mustExistAs is mustExist for a table whose rows have a longer name.
func (s *Store) mustExistAs(ctx context.Context, q querier, field, table, what, id string) error {
	ok, err := s.exists(ctx, q, table, id)
	if err != nil {
		return err
	}
	if !ok {
		return pole.Invalid(field, "no %s with id %s is stored", what, id)
	}
	return nil
}

func checkEntity(e *Entity) error {
	if !pole.IsID(e.ID) {
		return pole.Invalid("id", "%q is not an id", e.ID)
	}
	if !slices.Contains(entityKinds, e.Kind) {
		return pole.Invalid("kind", "an entity is a person, phone, vehicle or place, not %q", e.Kind)
	}
	if (e.Kind == "person") != (e.Key == "") {
		return pole.Invalid("key", "a person entity has no key, and a %s entity needs one", e.Kind)
	}
	for _, id := range []struct{ field, v string }{{"created_by_run", e.CreatedByRun}, {"merged_into", e.MergedInto}} {
		if id.v != "" && !pole.IsID(id.v) {
			return pole.Invalid(id.field, "%q is not an id", id.v)
		}
	}
	return nil
}

func checkChange(c *EntityChange) error {
	if !slices.Contains(changeKinds, c.Kind) {
		return pole.Invalid("kind", "unknown change %q", c.Kind)
	}
	if !pole.IsID(c.EntityID) {
		return pole.Invalid("entity_id", "%q is not an id", c.EntityID)
	}
	if c.OtherID != "" && !pole.IsID(c.OtherID) {
		return pole.Invalid("other_id", "%q is not an id", c.OtherID)
	}
	if c.RunID != "" && !pole.IsID(c.RunID) {
		return pole.Invalid("run_id", "%q is not an id", c.RunID)
	}
	for _, m := range c.Mentions {
		if !pole.IsID(m) {
			return pole.Invalid("mentions", "%q is not an id", m)
		}
	}
	return nil
}

// checkPair validates p and puts its mentions in order.
func checkPair(p *LinkPair) error {
	if p.A > p.B {
		p.A, p.B = p.B, p.A
	}
	switch {
	case !pole.IsID(p.A):
		return pole.Invalid("mention_a", "%q is not an id", p.A)
	case !pole.IsID(p.B):
		return pole.Invalid("mention_b", "%q is not an id", p.B)
	case p.A == p.B:
		return pole.Invalid("mention_b", "a pair needs two mentions")
	case !slices.Contains(bands, p.Band):
		return pole.Invalid("band", "a pair is in the link or the review band, not %q", p.Band)
	case !(p.Probability >= 0 && p.Probability <= 1):
		return pole.Invalid("probability", "must be from 0 to 1, got %v", p.Probability)
	case math.IsNaN(p.Weight) || math.IsInf(p.Weight, 0):
		return pole.Invalid("weight", "must be a number, got %v", p.Weight)
	}
	return nil
}

func (s *Store) changeValues(c *EntityChange) []any {
	return []any{c.ID, nullable(c.RunID), c.Seq, s.eng.timeValue(c.At), c.Kind, c.EntityID, c.OtherID,
		jsonStrings(c.Mentions), c.Reason, c.UndoneBy}
}

func scanEntity(r scanner) (*Entity, error) {
	var (
		e           Entity
		run, merged sql.NullString
		retired     sql.NullTime
	)
	if err := r.Scan(&e.ID, &e.Kind, &e.Key, &e.CreatedAt, &run, &retired, &merged); err != nil {
		return nil, err
	}
	e.CreatedAt, e.CreatedByRun, e.MergedInto = e.CreatedAt.UTC(), run.String, merged.String
	if retired.Valid {
		e.RetiredAt = retired.Time.UTC()
	}
	return &e, nil
}

func scanChange(r scanner) (*EntityChange, error) {
	var (
		c        EntityChange
		run      sql.NullString
		mentions []byte
	)
	err := r.Scan(&c.ID, &run, &c.Seq, &c.At, &c.Kind, &c.EntityID, &c.OtherID, &mentions, &c.Reason, &c.UndoneBy)
	if err != nil {
		return nil, err
	}
	c.RunID, c.At = run.String, c.At.UTC()
	if err := decodeJSON("mentions", mentions, &c.Mentions); err != nil {
		return nil, err
	}
	c.Mentions = emptyNil(c.Mentions)
	return &c, nil
}

func scanPair(r scanner) (*LinkPair, error) {
	var p LinkPair
	return &p, r.Scan(&p.A, &p.B, &p.Weight, &p.Probability, &p.Levels, &p.Band)
}

// EntityMembers maps every mention that belongs to an entity to its
// entity's id. It reads a million memberships in a couple of seconds: rows
// stream, and each entity's id is one string however many mentions it has.
func (s *Store) EntityMembers(ctx context.Context) (map[string]string, error) {
	const op = "store.EntityMembers"
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM entity_members").Scan(&n); err != nil {
		return nil, pole.E(op, err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT mention_id, entity_id FROM entity_members")
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	out := make(map[string]string, n)
	entities := make(map[string]string, n/2)
	var mention, entity sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&mention, &entity); err != nil {
			return nil, pole.E(op, err)
		}
		id, ok := entities[string(entity)]
		if !ok {
			id = string(entity)
			entities[id] = id
		}
		out[string(mention)] = id
	}
	return out, pole.E(op, rows.Err())
}

// FindEntity returns the entity with the given id, or ENOTFOUND.
func (s *Store) FindEntity(ctx context.Context, id string) (*Entity, error) {
	const op = "store.FindEntity"
	if err := notFoundUnlessID("entity", id); err != nil {
		return nil, pole.E(op, err)
	}
	e, err := scanEntity(s.r.QueryRowContext(ctx, s.eng.rebind(entitySelect+" WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no entity with id %s", id))
	}
	return e, pole.E(op, err)
}

// EntityMentions returns the ids of an entity's mentions in order; none for
// a retired entity, and ENOTFOUND for one that is not stored.
func (s *Store) EntityMentions(ctx context.Context, entityID string) ([]string, error) {
	const op = "store.EntityMentions"
	if err := notFoundUnlessID("entity", entityID); err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind("SELECT mention_id FROM entity_members WHERE entity_id = ? ORDER BY mention_id"), []any{entityID},
		func(r scanner) (*string, error) {
			var id string
			return &id, r.Scan(&id)
		})
	if err != nil {
		return nil, pole.E(op, err)
	}
	if len(list) == 0 {
		ok, err := s.exists(ctx, s.r, "entities", entityID)
		if err != nil {
			return nil, pole.E(op, err)
		}
		if !ok {
			return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no entity with id %s", entityID))
		}
		return nil, nil
	}
	ids := make([]string, len(list))
	for i, id := range list {
		ids[i] = *id
	}
	return ids, nil
}

// EntityOfMention returns the id of the entity a mention belongs to, or
// ENOTFOUND if it belongs to none.
func (s *Store) EntityOfMention(ctx context.Context, mentionID string) (string, error) {
	const op = "store.EntityOfMention"
	if err := notFoundUnlessID("mention", mentionID); err != nil {
		return "", pole.E(op, err)
	}
	var id string
	err := s.r.QueryRowContext(ctx, s.eng.rebind("SELECT entity_id FROM entity_members WHERE mention_id = ?"), mentionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", pole.E(op, pole.Errorf(pole.ENOTFOUND, "mention %s belongs to no entity", mentionID))
	}
	return id, pole.E(op, err)
}

// EntitiesOfMentions maps each of ids that belongs to an entity to that
// entity's id; at most pole.MaxFilterIDs ids.
func (s *Store) EntitiesOfMentions(ctx context.Context, ids []string) (map[string]string, error) {
	const op = "store.EntitiesOfMentions"
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > pole.MaxFilterIDs {
		return nil, pole.E(op, pole.Invalid("ids", "%d ids; at most %d", len(ids), pole.MaxFilterIDs))
	}
	var w where
	w.in("mention_id", ids)
	rows, err := s.r.QueryContext(ctx, s.eng.rebind("SELECT mention_id, entity_id FROM entity_members"+w.String()), w.args...)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var m, e string
		if err := rows.Scan(&m, &e); err != nil {
			return nil, pole.E(op, err)
		}
		out[m] = e
	}
	return out, pole.E(op, rows.Err())
}

// FindEntityChanges returns the changes to an entity, and those that merged
// it into another or split it off, in the order they were made.
func (s *Store) FindEntityChanges(ctx context.Context, entityID string) ([]*EntityChange, error) {
	const op = "store.FindEntityChanges"
	if err := idArg("entity_id", entityID); err != nil {
		return nil, pole.E(op, err)
	}
	q := changeSelect + " WHERE entity_id = ? OR (other_id = ? AND other_id <> '') ORDER BY at, seq, id"
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), []any{entityID, entityID}, scanChange)
	return list, pole.E(op, err)
}

// FindEntityChange returns the change with the given id, or ENOTFOUND.
func (s *Store) FindEntityChange(ctx context.Context, id string) (*EntityChange, error) {
	const op = "store.FindEntityChange"
	if err := notFoundUnlessID("entity change", id); err != nil {
		return nil, pole.E(op, err)
	}
	c, err := scanChange(s.r.QueryRowContext(ctx, s.eng.rebind(changeSelect+" WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no entity change with id %s", id))
	}
	return c, pole.E(op, err)
}

// ApplyUnmerge undoes a change: it moves the given mentions out of entity
// from into entity to (a new person entity if to is not stored, and a
// retired one brought back if it is), records an "unmerge" change, marks the
// undone change as undone by it, and saves the judgements given as
// "different", made by who. It is one transaction. A change undone already
// is ECONFLICT; a mention not in from is EINVALID. If from is left empty it
// is retired, merged into to.
func (s *Store) ApplyUnmerge(ctx context.Context, undo string, from string, to Entity, mentions []string, who string, judgements []Judgement, at time.Time) (*EntityChange, error) {
	const op = "store.ApplyUnmerge"
	if err := notFoundUnlessID("entity change", undo); err != nil {
		return nil, pole.E(op, err)
	}
	if err := idArg("from", from); err != nil {
		return nil, pole.E(op, err)
	}
	if who == "" {
		return nil, pole.E(op, pole.Invalid("made_by", "an unmerge needs the name of who made it"))
	}
	if len(mentions) == 0 {
		return nil, pole.E(op, pole.Invalid("mentions", "an unmerge moves at least one mention"))
	}
	for _, m := range mentions {
		if !pole.IsID(m) {
			return nil, pole.E(op, pole.Invalid("mentions", "%q is not an id", m))
		}
	}
	if err := assignID(&to.ID); err != nil {
		return nil, pole.E(op, err)
	}
	if to.ID == from {
		return nil, pole.E(op, pole.Invalid("to", "mentions cannot be moved into the entity they leave"))
	}
	if to.Kind == "" {
		to.Kind = "person"
	}
	now := s.now()
	at = storedTime(at, now)
	ch := &EntityChange{Seq: 1, At: at, Kind: "unmerge", EntityID: from, OtherID: to.ID, Mentions: slices.Clone(mentions)}
	if err := assignID(&ch.ID); err != nil {
		return nil, pole.E(op, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		undone, err := scanChange(tx.QueryRowContext(ctx, s.eng.rebind(changeSelect+" WHERE id = ?"+s.eng.forUpdate()), undo))
		if errors.Is(err, sql.ErrNoRows) {
			return pole.Errorf(pole.ENOTFOUND, "no entity change with id %s", undo)
		}
		if err != nil {
			return err
		}
		if undone.UndoneBy != "" {
			return pole.Errorf(pole.ECONFLICT, "change %s was undone already, by change %s", undo, undone.UndoneBy)
		}
		ch.Reason = fmt.Sprintf("%s undid %s %s", who, undone.Kind, undo)
		if err := s.mustExistAs(ctx, tx, "from", "entities", "entity", from); err != nil {
			return err
		}
		if err := s.restoreEntity(ctx, tx, &to, now); err != nil {
			return err
		}
		move := s.eng.rebind("UPDATE entity_members SET entity_id = ?, run_id = NULL WHERE mention_id = ? AND entity_id = ?")
		for _, m := range mentions {
			res, err := tx.ExecContext(ctx, move, to.ID, m, from)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return errors.Join(err, pole.Invalid("mentions", "mention %s is not in entity %s", m, from))
			}
		}
		// The links that joined the moved records to the entity are
		// evidence no longer: they go back to the review band.
		demote := s.eng.rebind("UPDATE link_pairs SET band = 'review' WHERE band = 'link' AND (mention_a = ? OR mention_b = ?)")
		for _, m := range mentions {
			if _, err := tx.ExecContext(ctx, demote, m, m); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("entity_changes", changeColumns)), s.changeValues(ch)...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.eng.rebind("UPDATE entity_changes SET undone_by = ? WHERE id = ?"), ch.ID, undo); err != nil {
			return err
		}
		if err := s.retireIfEmpty(ctx, tx, from, to.ID, at); err != nil {
			return err
		}
		for i, j := range judgements {
			j.Decision, j.MadeBy, j.MadeAt = "different", who, at
			if err := s.saveJudgement(ctx, tx, &j, now); err != nil {
				return pole.E(fmt.Sprintf("judgement %d", i+1), err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, pole.E(op, err)
	}
	return ch, nil
}

// restoreEntity makes e a live entity: stored as new if it is not stored,
// brought back if it was retired.
func (s *Store) restoreEntity(ctx context.Context, tx *sql.Tx, e *Entity, now time.Time) error {
	res, err := tx.ExecContext(ctx, s.eng.rebind("UPDATE entities SET retired_at = NULL, merged_into = NULL WHERE id = ?"), e.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	e.CreatedAt, e.RetiredAt, e.MergedInto = now, time.Time{}, ""
	if err := checkEntity(e); err != nil {
		return pole.E("to", err)
	}
	_, err = tx.ExecContext(ctx, s.eng.rebind(insertSQL("entities", entityColumns)),
		e.ID, e.Kind, e.Key, s.eng.timeValue(now), nullable(e.CreatedByRun), nil, nil)
	return s.classify(err, "an entity with key "+e.Key+" is already stored")
}

// retireIfEmpty retires an entity left with no members, recording why.
func (s *Store) retireIfEmpty(ctx context.Context, tx *sql.Tx, id, into string, at time.Time) error {
	res, err := tx.ExecContext(ctx, s.eng.rebind(`UPDATE entities SET retired_at = ?, merged_into = ?
		WHERE id = ? AND NOT EXISTS (SELECT 1 FROM entity_members WHERE entity_id = ?)`), s.eng.timeValue(at), into, id, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	c := &EntityChange{Seq: 2, At: at, Kind: "retire", EntityID: id, OtherID: into, Reason: "every mention was moved out"}
	if err := assignID(&c.ID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.eng.rebind(insertSQL("entity_changes", changeColumns)), s.changeValues(c)...)
	return err
}

// SaveJudgement stores a person's decision on a pair of mentions, in the
// order A < B whichever way it was given. A judgement on a pair judged
// before replaces it, and the one replaced is kept in the pair's history.
func (s *Store) SaveJudgement(ctx context.Context, j *Judgement) error {
	const op = "store.SaveJudgement"
	next := *j
	err := s.inTx(ctx, func(tx *sql.Tx) error { return s.saveJudgement(ctx, tx, &next, s.now()) })
	if err != nil {
		return pole.E(op, err)
	}
	*j = next
	return nil
}

// SaveJudgements stores many judgements, as SaveJudgement does, in one
// transaction: all of them or none.
func (s *Store) SaveJudgements(ctx context.Context, js []Judgement) error {
	const op = "store.SaveJudgements"
	now := s.now()
	return pole.E(op, s.inTx(ctx, func(tx *sql.Tx) error {
		for i := range js {
			if err := s.saveJudgement(ctx, tx, &js[i], now); err != nil {
				return pole.E(fmt.Sprintf("judgement %d", i+1), err)
			}
		}
		return nil
	}))
}

func (s *Store) saveJudgement(ctx context.Context, tx *sql.Tx, j *Judgement, now time.Time) error {
	switch {
	case !slices.Contains(decisions, j.Decision):
		return pole.Invalid("decision", "a judgement is same, different or unsure, not %q", j.Decision)
	case j.MadeBy == "":
		return pole.Invalid("made_by", "a judgement needs the name of who made it")
	case j.A == j.B:
		return pole.Invalid("mention_b", "a judgement needs two different mentions")
	}
	for _, m := range []struct{ field, id string }{{"mention_a", j.A}, {"mention_b", j.B}} {
		if !pole.IsID(m.id) {
			return pole.Invalid(m.field, "%q is not an id", m.id)
		}
		if err := s.mustExist(ctx, tx, m.field, "mentions", m.id); err != nil {
			return err
		}
	}
	if j.A > j.B {
		j.A, j.B = j.B, j.A
	}
	j.MadeAt = storedTime(j.MadeAt, now)
	// The pair's row is locked while read, so that of two judgements made
	// at once on one pair, the later keeps the earlier in its history. The
	// first judgement on a pair has no row to lock: if another transaction
	// stores one first, the insert does nothing and the loop reads it.
	sel := s.eng.rebind("SELECT " + strings.Join(judgementColumns, ", ") + " FROM link_judgements WHERE mention_a = ? AND mention_b = ?" + s.eng.forUpdate())
	for range 2 {
		old, err := scanJudgement(tx.QueryRowContext(ctx, sel, j.A, j.B))
		if errors.Is(err, sql.ErrNoRows) {
			res, err := tx.ExecContext(ctx, s.eng.rebind(insertSQL("link_judgements", judgementColumns)+" ON CONFLICT (mention_a, mention_b) DO NOTHING"),
				j.A, j.B, j.Decision, j.MadeBy, j.Note, s.eng.timeValue(j.MadeAt))
			if err != nil {
				return s.classify(err, "")
			}
			if n, err := res.RowsAffected(); err != nil || n == 1 {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.eng.rebind(insertSQL("link_judgement_history", append(judgementColumns[:6:6], "replaced_at"))),
			old.A, old.B, old.Decision, old.MadeBy, old.Note, s.eng.timeValue(old.MadeAt), s.eng.timeValue(now))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.eng.rebind("UPDATE link_judgements SET decision = ?, made_by = ?, note = ?, made_at = ? WHERE mention_a = ? AND mention_b = ?"),
			j.Decision, j.MadeBy, j.Note, s.eng.timeValue(j.MadeAt), j.A, j.B)
		return err
	}
	return pole.Errorf(pole.ECONFLICT, "the judgement on mentions %s and %s changed while it was saved: save it again", j.A, j.B)
}

func scanJudgement(r scanner) (*Judgement, error) {
	var j Judgement
	err := r.Scan(&j.A, &j.B, &j.Decision, &j.MadeBy, &j.Note, &j.MadeAt)
	j.MadeAt = j.MadeAt.UTC()
	return &j, err
}

// FindJudgements returns every current judgement, by pair.
func (s *Store) FindJudgements(ctx context.Context) ([]Judgement, error) {
	const op = "store.FindJudgements"
	list, err := queryAll(ctx, s.r, "SELECT "+strings.Join(judgementColumns, ", ")+" FROM link_judgements ORDER BY mention_a, mention_b", nil, scanJudgement)
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := make([]Judgement, len(list))
	for i, j := range list {
		out[i] = *j
	}
	return out, nil
}

// FindJudgementHistory returns the judgements on a pair of mentions that
// later ones replaced, oldest first.
func (s *Store) FindJudgementHistory(ctx context.Context, a, b string) ([]JudgementVersion, error) {
	const op = "store.FindJudgementHistory"
	if err := idArg("mention_a", a); err != nil {
		return nil, pole.E(op, err)
	}
	if err := idArg("mention_b", b); err != nil {
		return nil, pole.E(op, err)
	}
	if a > b {
		a, b = b, a
	}
	q := "SELECT " + strings.Join(judgementColumns, ", ") + ", replaced_at FROM link_judgement_history WHERE mention_a = ? AND mention_b = ? ORDER BY replaced_at, made_at"
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), []any{a, b}, func(r scanner) (*JudgementVersion, error) {
		var v JudgementVersion
		err := r.Scan(&v.A, &v.B, &v.Decision, &v.MadeBy, &v.Note, &v.MadeAt, &v.ReplacedAt)
		v.MadeAt, v.ReplacedAt = v.MadeAt.UTC(), v.ReplacedAt.UTC()
		return &v, err
	})
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := make([]JudgementVersion, len(list))
	for i, v := range list {
		out[i] = *v
	}
	return out, nil
}

// FindLinkPairs returns the stored pairs that touch a mention, most
// probable first.
func (s *Store) FindLinkPairs(ctx context.Context, mentionID string) ([]LinkPair, error) {
	const op = "store.FindLinkPairs"
	if err := idArg("mention_id", mentionID); err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(pairSelect+" WHERE mention_a = ? OR mention_b = ? ORDER BY probability DESC, mention_a, mention_b"),
		[]any{mentionID, mentionID}, scanPair)
	return pairs(list), pole.E(op, err)
}

// FindLinkPair returns the stored pair of two mentions, given in either
// order, or ENOTFOUND.
func (s *Store) FindLinkPair(ctx context.Context, a, b string) (*LinkPair, error) {
	const op = "store.FindLinkPair"
	if a > b {
		a, b = b, a
	}
	if !pole.IsID(a) || !pole.IsID(b) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no pair of %q and %q", a, b))
	}
	p, err := scanPair(s.r.QueryRowContext(ctx, s.eng.rebind(pairSelect+" WHERE mention_a = ? AND mention_b = ?"), a, b))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pole.E(op, pole.Errorf(pole.ENOTFOUND, "no pair of mentions %s and %s is stored", a, b))
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	return p, nil
}

// ReviewPairs returns up to limit pairs of the review band that nobody has
// judged, the most uncertain (probability nearest 0.5) first; a zero limit
// returns them all. A non-nil reach keeps to pairs whose records are both
// within it.
func (s *Store) ReviewPairs(ctx context.Context, limit int, reach *pole.Reach) ([]LinkPair, error) {
	const op = "store.ReviewPairs"
	var w where
	from := "link_pairs p"
	if reach != nil {
		// Both records of a pair must be within reach: the access filter,
		// inside the query. Joined rather than tested against a list of
		// every record within reach, so that the pairs are read in order
		// of uncertainty and the query stops at the limit.
		from += " JOIN mentions ma ON ma.id = p.mention_a JOIN sources sa ON sa.id = ma.source_id" +
			" JOIN mentions mb ON mb.id = p.mention_b JOIN sources sb ON sb.id = mb.source_id"
		w.reach(reach, "sa.force", "ma.case_id")
		w.reach(reach, "sb.force", "mb.case_id")
	}
	cond := ""
	for _, c := range w.conds {
		cond += " AND " + c
	}
	cols := make([]string, 6)
	for i, c := range pairColumns[:6] {
		cols[i] = "p." + c
	}
	// abs(probability - 0.5) is spelled as in the index link_pairs_review.
	q, err := page("SELECT "+strings.Join(cols, ", ")+" FROM "+from+` WHERE p.band = 'review'
		AND NOT EXISTS (SELECT 1 FROM link_judgements j WHERE j.mention_a = p.mention_a AND j.mention_b = p.mention_b)`+cond+`
		ORDER BY abs(p.probability - 0.5), p.mention_a, p.mention_b`, 0, limit)
	if err != nil {
		return nil, pole.E(op, err)
	}
	list, err := queryAll(ctx, s.r, s.eng.rebind(q), w.args, scanPair)
	return pairs(list), pole.E(op, err)
}

func pairs(list []*LinkPair) []LinkPair {
	out := make([]LinkPair, len(list))
	for i, p := range list {
		out[i] = *p
	}
	return out
}

// UpsertObjectEntities returns the id of the entity of each key of a kind
// ("phone", "vehicle" or "place"), storing an entity for each key not seen
// before. A key always gets the same id.
func (s *Store) UpsertObjectEntities(ctx context.Context, kind string, keys []string) (map[string]string, error) {
	const op = "store.UpsertObjectEntities"
	if kind == "person" || !slices.Contains(entityKinds, kind) {
		return nil, pole.E(op, pole.Invalid("kind", "objects are phones, vehicles or places, not %q", kind))
	}
	distinct := make([]string, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for i, k := range keys {
		if k == "" {
			return nil, pole.E(op, pole.Invalid("key", "key %d is empty", i+1))
		}
		if !seen[k] {
			seen[k] = true
			distinct = append(distinct, k)
		}
	}
	if _, err := s.ensureObjects(ctx, kind, distinct); err != nil {
		return nil, pole.E(op, err)
	}
	// Another writer may have stored some of the same keys first: read the
	// ids back rather than trust the ones generated here.
	stored, err := s.objectIDs(ctx, kind)
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := make(map[string]string, len(distinct))
	for _, k := range distinct {
		out[k] = stored[k]
	}
	return out, nil
}

// EnsureObjectEntities gives every key of an object kind an entity, as
// UpsertObjectEntities does, and returns how many it created, without
// reading the ids back: for a whole run's phones, vehicles and places.
func (s *Store) EnsureObjectEntities(ctx context.Context, kind string, keys []string) (int, error) {
	const op = "store.EnsureObjectEntities"
	if kind == "person" || !slices.Contains(entityKinds, kind) {
		return 0, pole.E(op, pole.Invalid("kind", "objects are phones, vehicles or places, not %q", kind))
	}
	for i, k := range keys {
		if k == "" {
			return 0, pole.E(op, pole.Invalid("key", "key %d is empty", i+1))
		}
	}
	n, err := s.ensureObjects(ctx, kind, keys)
	return n, pole.E(op, err)
}

// ensureObjects stores an entity for each of keys (distinct, not empty)
// that has none, in one transaction.
func (s *Store) ensureObjects(ctx context.Context, kind string, keys []string) (int, error) {
	stored, err := s.objectIDs(ctx, kind)
	if err != nil {
		return 0, err
	}
	var missing []string
	seen := map[string]bool{}
	for _, k := range keys {
		if _, ok := stored[k]; !ok && !seen[k] {
			seen[k] = true
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	now := s.eng.timeValue(s.now())
	err = s.bulk(ctx, func(bt bulkTx) error {
		return s.writeRows(ctx, bt, rowSet{
			table: "entities", columns: entityColumns[:4], n: len(missing),
			onConflict: "ON CONFLICT (kind, key) WHERE kind <> 'person' DO NOTHING",
			name:       func(i int) string { return fmt.Sprintf("%s %s", kind, missing[i]) },
			row: func(i int) ([]any, error) {
				id, err := newID()
				return []any{id, kind, missing[i], now}, err
			},
		})
	})
	return len(missing), err
}

// objectIDs reads every entity of an object kind, key to id, in one scan.
func (s *Store) objectIDs(ctx context.Context, kind string) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, s.eng.rebind("SELECT key, id FROM entities WHERE kind = ?"), kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, id string
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, rows.Err()
}

// MentionSources labels every source "force/file_name", by source id: how a
// record's source is named in exports.
func (s *Store) MentionSources(ctx context.Context) (map[string]string, error) {
	const op = "store.MentionSources"
	rows, err := s.r.QueryContext(ctx, "SELECT id, force, file_name FROM sources")
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, force, file string
		if err := rows.Scan(&id, &force, &file); err != nil {
			return nil, pole.E(op, err)
		}
		out[id] = force + "/" + file
	}
	return out, pole.E(op, rows.Err())
}

// ScanMentions streams every mention in id order, for linkage, victims'
// identities opened (linkage is the system's own work). It reads
// through the read pool, so the caller may write to the store meanwhile.
func (s *Store) ScanMentions(ctx context.Context) iter.Seq2[*pole.Mention, error] {
	return s.scanMentions(ctx, "store.ScanMentions", "")
}

// linkageSelect reads the columns of a mention that linkage compares, and
// its sealed identity if it is a victim's.
const linkageSelect = `SELECT m.id, m.record_id, m.source_id, coalesce(CAST(m.case_id AS TEXT), ''), m.forename, m.middle_names, m.surname, m.name_as_written,
	m.aliases, m.dob, m.sex, m.addresses, m.phones, m.vehicles, m.version, m.updated_at, vi.key_id, vi.sealed
	FROM mentions m LEFT JOIN victim_identities vi ON vi.mention_id = m.id AND vi.version = m.version`

// ScanLinkageFieldsInParts reads every mention for linkage: only its ID,
// RecordID, SourceID, CaseID, names (Forename, MiddleNames, Surname, NameAsWritten,
// Aliases), DOB, Sex, Addresses, Phones, Vehicles, Version and UpdatedAt,
// victims' identities opened; the rest is left empty (reading the fewer
// columns, without the force, is a quarter quicker over a million
// mentions). It reads in up to parts pieces side by side: on SQLite, ranges
// of the table in the order it is stored, each read by a goroutine of its
// own that hands its mentions to each with its part's number (below parts),
// in storage order; elsewhere in one part, in id order. each may be called
// from several goroutines at once, never twice at once for one part. The
// first error stops every part.
func (s *Store) ScanLinkageFieldsInParts(ctx context.Context, parts int, each func(part int, m *pole.Mention) error) error {
	const op = "store.ScanLinkageFieldsInParts"
	return pole.E(op, s.scanLinkageInParts(ctx, parts, each))
}

// scanLinkageInParts is ScanLinkageFieldsInParts without naming its
// operation on errors.
func (s *Store) scanLinkageInParts(ctx context.Context, parts int, each func(part int, m *pole.Mention) error) error {
	ranges, err := s.mentionRanges(ctx, parts)
	if err != nil {
		return err
	}
	if ranges == nil {
		for m, err := range s.scanLinkageFields(ctx, "", " ORDER BY m.id") {
			if err == nil {
				err = each(0, m)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	// The first error is the one returned: the others are the parts it
	// stopped.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for k, r := range ranges {
		wg.Go(func() {
			for m, err := range s.scanLinkageFields(ctx, " WHERE m.rowid > ? AND m.rowid <= ?", "", r[0], r[1]) {
				if err == nil {
					err = each(k, m)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// scanLinkageFields streams the linkage fields of the mentions where
// selects, ordered as order says. Its caller names the operation.
func (s *Store) scanLinkageFields(ctx context.Context, where, order string, args ...any) iter.Seq2[*pole.Mention, error] {
	return func(yield func(*pole.Mention, error) bool) {
		rows, err := s.r.QueryContext(ctx, s.eng.rebind(linkageSelect+where+order), args...)
		if err != nil {
			yield(nil, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var (
				m                                   pole.Mention
				updated                             sql.NullTime
				dob                                 string
				aliases, addresses, phones, vehicle []byte
				keyID                               sql.NullString
				sealed                              []byte
			)
			err := rows.Scan(&m.ID, &m.RecordID, &m.SourceID, &m.CaseID, &m.Forename, &m.MiddleNames, &m.Surname, &m.NameAsWritten,
				&aliases, &dob, &m.Sex, &addresses, &phones, &vehicle, &m.Version, &updated, &keyID, &sealed)
			if err == nil {
				err = decodeLinkageFields(&m, updated, dob, aliases, addresses, phones, vehicle)
			}
			if err == nil && keyID.Valid {
				err = s.openVictim(&m, keyID.String, sealed)
			}
			if err != nil {
				yield(nil, fmt.Errorf("mention %s: %w", m.ID, err))
				return
			}
			if !yield(&m, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// mentionRanges splits the mentions table into parts ranges of rowids
// (above the first, up to the second), the order SQLite stores it in, for
// readers side by side. It is nil, one part, on PostgreSQL or when fewer
// than two parts are asked for.
func (s *Store) mentionRanges(ctx context.Context, parts int) ([][2]int64, error) {
	if s.eng.name() != "sqlite" || parts < 2 {
		return nil, nil
	}
	var last int64
	if err := s.r.QueryRowContext(ctx, "SELECT coalesce(max(rowid), 0) FROM mentions").Scan(&last); err != nil {
		return nil, err
	}
	out := make([][2]int64, parts)
	for k := range out {
		out[k] = [2]int64{last * int64(k) / int64(parts), last * int64(k+1) / int64(parts)}
	}
	return out, nil
}

// ScanMentionsChangedSince streams, in id order, the mentions stored or
// updated after t: those of sources stored after t, and those updated after.
func (s *Store) ScanMentionsChangedSince(ctx context.Context, t time.Time) iter.Seq2[*pole.Mention, error] {
	tv := s.eng.timeValue(t.UTC())
	// Spelled as a union so that each half has an index to use: with an
	// OR, SQLite reads every mention.
	return s.scanMentions(ctx, "store.ScanMentionsChangedSince", ` WHERE m.id IN (
		SELECT id FROM mentions WHERE source_id IN (SELECT id FROM sources WHERE created_at > ?)
		UNION ALL SELECT id FROM mentions WHERE updated_at > ?)`, tv, tv)
}

func (s *Store) scanMentions(ctx context.Context, op, where string, args ...any) iter.Seq2[*pole.Mention, error] {
	return s.scanMentionsOrdered(ctx, op, where, " ORDER BY m.id", args...)
}

// scanMentionsOrdered streams the mentions where selects, ordered as
// order says (empty: as stored), with victims' identities opened.
func (s *Store) scanMentionsOrdered(ctx context.Context, op, where, order string, args ...any) iter.Seq2[*pole.Mention, error] {
	return func(yield func(*pole.Mention, error) bool) {
		rows, err := s.r.QueryContext(ctx, s.eng.rebind(mentionSelectWithIdentity+where+order), args...)
		if err != nil {
			yield(nil, pole.E(op, err))
			return
		}
		defer rows.Close()
		var (
			keyID  sql.NullString
			sealed []byte
		)
		for rows.Next() {
			m, err := scanMention(extraScan{rows, []any{&keyID, &sealed}})
			if err == nil && keyID.Valid {
				err = s.openVictim(m, keyID.String, sealed)
			}
			if err != nil {
				yield(nil, pole.E(op, err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, pole.E(op, err))
		}
	}
}
