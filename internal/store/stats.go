package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"iter"
	"runtime"
	"slices"
	"sync"

	"github.com/caselink/caselink/internal/pole"
)

// StatsPerson is a person record as the statistics count it: its part, its
// force, its person entity, and the fields whose recording is measured.
// It carries no name, address or contact detail.
type StatsPerson struct {
	ID, CaseID, Force string
	// Entity numbers the record's person entity densely from 0; -1 when
	// the record is not linked yet.
	Entity            int32
	Role              pole.Role
	Version           int
	DOB               pole.PartialDate
	Sex               string
	EthnicitySelf     string
	EthnicityObserved string
	Nationality       string
}

// StatsPeople is every person record as the statistics count them.
type StatsPeople struct {
	People []StatsPerson
	index  map[idKey]int32
	// Entities is how many person entities the records belong to.
	Entities int
}

// Find returns the index in People of the record with the given id.
func (sp *StatsPeople) Find(id string) (int32, bool) {
	k, ok := keyOf(id)
	if !ok {
		return 0, false
	}
	i, ok := sp.index[k]
	return i, ok
}

// idKey is an id as a map key: its 16 bytes hash and compare faster than
// its 36 characters, which counts at a million records.
type idKey [16]byte

func keyOf[T ~string | ~[]byte](id T) (idKey, bool) {
	var k idKey
	if len(id) != 36 {
		return k, false
	}
	j := 0
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if id[i] != '-' {
				return k, false
			}
			continue
		}
		h, ok := hexNibble(id[i])
		if !ok {
			return k, false
		}
		l, ok := hexNibble(id[i+1])
		if !ok {
			return k, false
		}
		k[j] = h<<4 | l
		j++
		i++
	}
	return k, true
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// LoadPeopleForStats reads every person record with what the statistics
// count, and the person entity each belongs to. A sealed record's date of
// birth is opened, to work out ages at the offence; nothing else sealed is
// opened. The tables are read each in one pass rather than joined row by
// row, which at a million records is several times faster.
func (s *Store) LoadPeopleForStats(ctx context.Context) (*StatsPeople, error) {
	const op = "store.LoadPeopleForStats"
	forces := map[string]string{}
	rows, err := s.r.QueryContext(ctx, "SELECT id, force FROM sources")
	if err != nil {
		return nil, pole.E(op, err)
	}
	for rows.Next() {
		var id, force string
		if err := rows.Scan(&id, &force); err != nil {
			rows.Close()
			return nil, pole.E(op, err)
		}
		forces[id] = force
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, pole.E(op, err)
	}
	people, err := s.loadMentionsForStats(ctx, forces)
	if err != nil {
		return nil, pole.E(op, err)
	}
	out := &StatsPeople{People: people, index: make(map[idKey]int32, len(people))}
	for i := range people {
		k, ok := keyOf(people[i].ID)
		if !ok {
			return nil, pole.E(op, pole.Errorf(pole.EINTERNAL, "mention id %q is not a UUID", people[i].ID))
		}
		out.index[k] = int32(i)
	}
	// Entities and sealed dates of birth fill different fields: read side
	// by side.
	var wg sync.WaitGroup
	var errEntities, errDOB error
	wg.Go(func() { out.Entities, errEntities = s.fillEntities(ctx, out) })
	wg.Go(func() { errDOB = s.openDOBs(ctx, out) })
	wg.Wait()
	if err := errors.Join(errEntities, errDOB); err != nil {
		return nil, pole.E(op, err)
	}
	return out, nil
}

// loadMentionsForStats reads the mentions table; on SQLite in as many
// ranges of rowids (the order the table is stored in) as there are cores,
// side by side.
func (s *Store) loadMentionsForStats(ctx context.Context, forces map[string]string) ([]StatsPerson, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM mentions").Scan(&n); err != nil {
		return nil, err
	}
	parts := runtime.GOMAXPROCS(0)
	if n < 10_000 {
		parts = 1
	}
	ranges, err := s.mentionRanges(ctx, parts)
	if err != nil {
		return nil, err
	}
	parts = max(len(ranges), 1)
	out := make([][]StatsPerson, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for k := range parts {
		var from, to int64
		if ranges != nil {
			from, to = ranges[k][0], ranges[k][1]
		}
		wg.Go(func() { out[k], errs[k] = s.loadMentionRange(ctx, forces, ranges != nil, from, to, n/parts+1) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.Concat(out...), nil
}

// loadMentionRange reads the mentions of rowids above from up to to, or
// every mention when not ranged.
func (s *Store) loadMentionRange(ctx context.Context, forces map[string]string, ranged bool, from, to int64, size int) ([]StatsPerson, error) {
	q := `SELECT id, case_id, role, dob, sex, ethnicity_self, ethnicity_observed, nationality, version, source_id FROM mentions`
	var w where
	if ranged {
		w.add("rowid > ? AND rowid <= ?", from, to)
	}
	rows, err := s.r.QueryContext(ctx, s.eng.rebind(q+w.String()), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out                                      = make([]StatsPerson, 0, size)
		small                                    = map[string]string{} // codes and sexes: a few distinct values each
		caseID                                   sql.NullString
		role, dob, sex, eself, eobs, nat, source sql.RawBytes
	)
	intern := func(b []byte) string {
		if v, ok := small[string(b)]; ok {
			return v
		}
		v := string(b)
		small[v] = v
		return v
	}
	for rows.Next() {
		p := StatsPerson{Entity: -1}
		if err := rows.Scan(&p.ID, &caseID, &role, &dob, &sex, &eself, &eobs, &nat, &p.Version, &source); err != nil {
			return nil, err
		}
		p.CaseID, p.Force = caseID.String, forces[string(source)]
		p.Role, p.Sex = pole.Role(intern(role)), intern(sex)
		p.EthnicitySelf, p.EthnicityObserved, p.Nationality = intern(eself), intern(eobs), intern(nat)
		if p.DOB, err = parseDate("dob", string(dob)); err != nil {
			return nil, pole.Errorf(pole.EINTERNAL, "mention %s: %v", p.ID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// fillEntities numbers the person entities and sets each record's. The
// members are read in entity order (from the index on it, which holds both
// columns), so that numbering needs no map of entity ids.
func (s *Store) fillEntities(ctx context.Context, sp *StatsPeople) (int, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT mention_id, entity_id FROM entity_members ORDER BY entity_id")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var (
		mention, entity sql.RawBytes
		last            []byte
		n               int32 = -1
	)
	for rows.Next() {
		if err := rows.Scan(&mention, &entity); err != nil {
			return 0, err
		}
		if n < 0 || !bytes.Equal(entity, last) {
			n++
			last = append(last[:0], entity...)
		}
		k, ok := keyOf(mention)
		if !ok {
			return 0, pole.Errorf(pole.EINTERNAL, "entity member %q is not a UUID", mention)
		}
		if i, ok := sp.index[k]; ok {
			sp.People[i].Entity = n
		}
	}
	return int(n + 1), rows.Err()
}

// openDOBs opens the sealed dates of birth of the victims' records, on
// every core.
func (s *Store) openDOBs(ctx context.Context, sp *StatsPeople) error {
	rows, err := s.r.QueryContext(ctx, "SELECT mention_id, version, key_id, sealed FROM victim_identities")
	if err != nil {
		return err
	}
	defer rows.Close()
	type sealedDOB struct {
		i      int32
		keyID  string
		sealed []byte
	}
	work := make(chan []sealedDOB, 4)
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for batch := range work {
				for _, x := range batch {
					if errs[w] != nil {
						continue
					}
					p := &sp.People[x.i]
					d, err := s.sealer.OpenDOB(identityRow(p.ID, p.Version), x.keyID, x.sealed)
					if err != nil {
						errs[w] = pole.Errorf(pole.EINTERNAL, "the sealed identity of mention %s version %d does not open: %v", p.ID, p.Version, err)
						continue
					}
					p.DOB = d
				}
			}
		})
	}
	var (
		batch   []sealedDOB
		mention sql.RawBytes
		version int
		keyID   string
		scanErr error
	)
	for rows.Next() {
		var sealed []byte
		if scanErr = rows.Scan(&mention, &version, &keyID, &sealed); scanErr != nil {
			break
		}
		k, _ := keyOf(mention)
		i, ok := sp.index[k]
		if !ok || sp.People[i].Version != version {
			continue // an earlier version's identity
		}
		if s.sealer == nil {
			scanErr = errNoKey("a victim's date of birth")
			break
		}
		batch = append(batch, sealedDOB{i, keyID, sealed})
		if len(batch) == 1024 {
			work <- batch
			batch = nil
		}
	}
	if len(batch) > 0 {
		work <- batch
	}
	close(work)
	wg.Wait()
	return errors.Join(scanErr, rows.Err(), errors.Join(errs...))
}

// LoadCasesForStats reads every case with what the statistics count: its
// force and reference, offence codes and dates, outcome type and flags.
// Rationales and narratives are left unread.
func (s *Store) LoadCasesForStats(ctx context.Context) ([]*pole.Case, error) {
	const op = "store.LoadCasesForStats"
	rows, err := s.r.QueryContext(ctx, `SELECT id, force, crime_ref, offence_codes, offence_from, offence_to, recorded,
		outcome_type, flags FROM cases`)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	var (
		out                []*pole.Case
		codes, flags       []byte
		from, to, recorded string
		forces             = map[string]string{}
		force              sql.RawBytes
	)
	for rows.Next() {
		c := &pole.Case{}
		if err := rows.Scan(&c.ID, &force, &c.CrimeRef, &codes, &from, &to, &recorded, &c.OutcomeType, &flags); err != nil {
			return nil, pole.E(op, err)
		}
		if f, ok := forces[string(force)]; ok {
			c.Force = f
		} else {
			c.Force = string(force)
			forces[c.Force] = c.Force
		}
		for _, d := range []struct {
			col, raw string
			dst      *pole.PartialDate
		}{{"offence_from", from, &c.OffenceFrom}, {"offence_to", to, &c.OffenceTo}, {"recorded", recorded, &c.Recorded}} {
			if *d.dst, err = parseDate(d.col, d.raw); err != nil {
				return nil, pole.E(op, pole.Errorf(pole.EINTERNAL, "case %s: %v", c.ID, err))
			}
		}
		if c.OffenceCodes, err = decodeStrings("offence_codes", codes); err != nil {
			return nil, pole.E(op, pole.Errorf(pole.EINTERNAL, "case %s: %v", c.ID, err))
		}
		if c.Flags, err = decodeStrings("flags", flags); err != nil {
			return nil, pole.E(op, pole.Errorf(pole.EINTERNAL, "case %s: %v", c.ID, err))
		}
		out = append(out, c)
	}
	return out, pole.E(op, rows.Err())
}

// LoadInvolvements reads the parts a force's link table gives its nominal
// records in cases: case, record and role only. The statistics count them;
// linkage reads who is recorded with whom.
func (s *Store) LoadInvolvements(ctx context.Context) ([]pole.Involvement, error) {
	const op = "store.LoadInvolvements"
	rows, err := s.r.QueryContext(ctx, "SELECT case_id, mention_id, role FROM involvements")
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	var out []pole.Involvement
	var role sql.RawBytes
	for rows.Next() {
		var v pole.Involvement
		if err := rows.Scan(&v.CaseID, &v.MentionID, &role); err != nil {
			return nil, pole.E(op, err)
		}
		v.Role = pole.Role(role)
		out = append(out, v)
	}
	return out, pole.E(op, rows.Err())
}

// ScoredPair is a pair of person records linkage scored, as the
// statistics read it to show how their counts move with the threshold.
type ScoredPair struct {
	A, B        string
	Probability float64
	Review      bool // in the review band: not linked
}

// ScanScoredPairs streams the scored pairs of at least the given match
// probability, linked and for review.
func (s *Store) ScanScoredPairs(ctx context.Context, minProbability float64) iter.Seq2[ScoredPair, error] {
	const op = "store.ScanScoredPairs"
	return func(yield func(ScoredPair, error) bool) {
		rows, err := s.r.QueryContext(ctx, s.eng.rebind("SELECT mention_a, mention_b, probability, band FROM link_pairs WHERE probability >= ?"), minProbability)
		if err != nil {
			yield(ScoredPair{}, pole.E(op, err))
			return
		}
		defer rows.Close()
		var band sql.RawBytes
		for rows.Next() {
			var p ScoredPair
			if err := rows.Scan(&p.A, &p.B, &p.Probability, &band); err != nil {
				yield(ScoredPair{}, pole.E(op, err))
				return
			}
			p.Review = string(band) == "review"
			if !yield(p, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(ScoredPair{}, pole.E(op, err))
		}
	}
}

// SourceTally is what one force has sent: its export files, their data
// rows, and the rows ingest quarantined.
type SourceTally struct {
	Force       string
	SourceIDs   []string
	Rows        int
	Quarantined int
}

// TallySources counts each force's export files, rows and quarantined
// rows, forces in code order.
func (s *Store) TallySources(ctx context.Context) ([]SourceTally, error) {
	const op = "store.TallySources"
	rows, err := s.r.QueryContext(ctx, `SELECT s.id, s.force, s.row_count,
		(SELECT count(DISTINCT q.source_row) FROM quarantine q WHERE q.source_id = s.id)
		FROM sources s ORDER BY s.force, s.id`)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	var out []SourceTally
	for rows.Next() {
		var id, force string
		var n, q int
		if err := rows.Scan(&id, &force, &n, &q); err != nil {
			return nil, pole.E(op, err)
		}
		if len(out) == 0 || out[len(out)-1].Force != force {
			out = append(out, SourceTally{Force: force})
		}
		t := &out[len(out)-1]
		t.SourceIDs = append(t.SourceIDs, id)
		t.Rows += n
		t.Quarantined += q
	}
	return out, pole.E(op, rows.Err())
}
