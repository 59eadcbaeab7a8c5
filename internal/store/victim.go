package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/pole"
)

// SetSealer gives the store the keys it seals victims' identities, and the
// values of quarantined rows and ingest notes, with. Without one, storing
// any of those fails, and so does reading them back. Call it before the
// store is used.
func (s *Store) SetSealer(x *identity.Sealer) { s.sealer = x }

// errNoKey is returned when a victim's identity is to be sealed or opened
// and the store was given no keys.
func errNoKey(what string) error {
	return pole.Invalid("key", "%s is stored encrypted: give caselink the key file (--key-file, CASELINK_KEY_FILE or CASELINK_KEYS)", what)
}

var (
	victimIdentityColumns = []string{"mention_id", "version", "key_id", "sealed"}
	victimIndexColumns    = []string{"mention_id", "kind", "digest"}
)

// sealedVictim is what storing one version of a victim's mention writes
// beside the mention row.
type sealedVictim struct {
	identity []any
	index    [][]any
}

// identityRow names the sealed identity of one version of a mention; it is
// bound into the ciphertext, so that a sealed identity moved to another row
// or version does not open.
func identityRow(mentionID string, version int) string {
	return "mention/" + mentionID + "/v" + strconv.Itoa(version)
}

// sealed reports whether m's identity is to be kept apart: a victim's; a
// record already sealed (m carries its pseudonym); and a force's nominal
// index entry that names no role (no case, role other), which may be a
// victim's until the cases it is linked to say otherwise (settleNominal).
func sealed(m *pole.Mention) bool {
	return m.Role == pole.RoleVictim || m.Pseudonym != "" || unknownPart(m)
}

// unknownPart reports whether m is a nominal index entry naming no role.
func unknownPart(m *pole.Mention) bool { return m.CaseID == "" && m.Role == pole.RoleOther }

// sealVictim takes a victim's identity off m's row: it returns the row to
// store, with the identity blanked and the pseudonym set, and the sealed
// identity and blind indexes to store beside it. A record that is not
// sealed passes through.
func (s *Store) sealVictim(m *pole.Mention) ([]any, *sealedVictim, error) {
	if !sealed(m) {
		return mentionValues(m), nil, nil
	}
	return s.sealIdentity(m)
}

// sealIdentity seals m's identity whatever its role: the row to store, with
// the identity blanked and the pseudonym set, and the sealed identity and
// blind indexes to store beside it.
func (s *Store) sealIdentity(m *pole.Mention) ([]any, *sealedVictim, error) {
	if s.sealer == nil {
		return nil, nil, errNoKey("a victim's identity")
	}
	id := identity.Identity{
		Forename: m.Forename, MiddleNames: m.MiddleNames, Surname: m.Surname, NameAsWritten: m.NameAsWritten,
		Aliases: m.Aliases, DOB: m.DOB, Addresses: m.Addresses,
	}
	keyID, sealed, err := s.sealer.Seal(identityRow(m.ID, m.Version), id)
	if err != nil {
		return nil, nil, err
	}
	m.Pseudonym = s.sealer.Pseudonym(m.ID)
	sv := &sealedVictim{identity: []any{m.ID, m.Version, keyID, sealed}}
	for _, ix := range s.sealer.Indexes(id) {
		sv.index = append(sv.index, []any{m.ID, ix.Kind, ix.Value})
	}
	return mentionValues(blankIdentity(m)), sv, nil
}

// storeVictim writes a victim mention's sealed identity and replaces its
// blind indexes, inside tx.
func (s *Store) storeVictim(ctx context.Context, exec func(ctx context.Context, q string, args ...any) error, mentionID string, sv *sealedVictim) error {
	if err := exec(ctx, s.eng.rebind("DELETE FROM victim_index WHERE mention_id = ?"), mentionID); err != nil {
		return err
	}
	if sv == nil {
		return nil
	}
	if err := exec(ctx, s.eng.rebind(insertSQL("victim_identities", victimIdentityColumns)), sv.identity...); err != nil {
		return err
	}
	for _, row := range sv.index {
		if err := exec(ctx, s.eng.rebind(insertSQL("victim_index", victimIndexColumns)), row...); err != nil {
			return err
		}
	}
	return nil
}

// openVictim puts a victim's sealed identity back on m.
func (s *Store) openVictim(m *pole.Mention, keyID string, sealed []byte) error {
	if s.sealer == nil {
		return errNoKey("a victim's identity")
	}
	id, err := s.sealer.Open(identityRow(m.ID, m.Version), keyID, sealed)
	if err != nil {
		return pole.Errorf(pole.EINTERNAL, "the sealed identity of mention %s version %d does not open: %v", m.ID, m.Version, err)
	}
	m.Forename, m.MiddleNames, m.Surname, m.NameAsWritten = id.Forename, id.MiddleNames, id.Surname, id.NameAsWritten
	m.Aliases, m.DOB, m.Addresses = emptyNil(id.Aliases), id.DOB, emptyNil(id.Addresses)
	return nil
}

// FindMentionWithIdentity returns a mention as FindMentionByID does, but a
// victim's with the identity opened. It is for the system's own work
// (ingest comparing a record with its new version) and for a reveal the
// access policy allowed and the audit log recorded; nothing else may call it.
func (s *Store) FindMentionWithIdentity(ctx context.Context, id string) (*pole.Mention, error) {
	const op = "store.FindMentionWithIdentity"
	m, err := s.FindMentionByID(ctx, id)
	if err != nil || m.Pseudonym == "" {
		return m, pole.E(op, err)
	}
	var keyID string
	var sealed []byte
	err = s.r.QueryRowContext(ctx, s.eng.rebind("SELECT key_id, sealed FROM victim_identities WHERE mention_id = ? AND version = ?"), m.ID, m.Version).Scan(&keyID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil // stored before identities were sealed, or with none given
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	return m, pole.E(op, s.openVictim(m, keyID, sealed))
}

// FindVictimsByIndex returns the ids of victims' mentions whose blind index
// of the given kind ("name", "surname", "dob" or "postcode") matches value,
// within reach (everything when reach is nil).
func (s *Store) FindVictimsByIndex(ctx context.Context, kind, value string, reach *pole.Reach) ([]string, error) {
	const op = "store.FindVictimsByIndex"
	if s.sealer == nil {
		return nil, pole.E(op, errNoKey("a victim's identity"))
	}
	var w where
	w.add("vi.kind = ?", kind)
	w.add("vi.digest = ?", s.sealer.BlindIndex(kind, value))
	w.reach(reach, "s.force", "m.case_id")
	q := "SELECT DISTINCT vi.mention_id FROM victim_index vi JOIN mentions m ON m.id = vi.mention_id JOIN sources s ON s.id = m.source_id" + w.String() + " ORDER BY vi.mention_id"
	rows, err := s.r.QueryContext(ctx, s.eng.rebind(q), w.args...)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, pole.E(op, err)
		}
		ids = append(ids, id)
	}
	return ids, pole.E(op, rows.Err())
}

// sealText seals the values of a quarantined row or an ingest note, which
// may be a victim's. It returns the key id and the sealed bytes.
func (s *Store) sealText(rowID string, fields map[string]string) (string, []byte, error) {
	if s.sealer == nil {
		return "", nil, errNoKey("what a quarantined row or an ingest note holds")
	}
	plain, err := json.Marshal(fields)
	if err != nil {
		return "", nil, err
	}
	return s.sealer.SealBytes(rowID, plain)
}

// openText opens what sealText sealed.
func (s *Store) openText(rowID, keyID string, sealed []byte) (map[string]string, error) {
	if s.sealer == nil {
		return nil, errNoKey("what a quarantined row or an ingest note holds")
	}
	plain, err := s.sealer.OpenBytes(rowID, keyID, sealed)
	if err != nil {
		return nil, pole.Errorf(pole.EINTERNAL, "sealed %s does not open: %v", rowID, err)
	}
	var fields map[string]string
	return fields, json.Unmarshal(plain, &fields)
}

// withoutIdentity is m with a victim's identity taken off, as history keeps it.
func withoutIdentity(m *pole.Mention) *pole.Mention {
	if !sealed(m) {
		return m
	}
	return blankIdentity(m)
}

// blankIdentity is a copy of m with the identity fields empty.
func blankIdentity(m *pole.Mention) *pole.Mention {
	blank := *m
	blank.Forename, blank.MiddleNames, blank.Surname, blank.NameAsWritten = "", "", "", ""
	blank.Aliases, blank.DOB, blank.Addresses = nil, pole.PartialDate{}, nil
	return &blank
}

func txExec(tx *sql.Tx) func(ctx context.Context, q string, args ...any) error {
	return func(ctx context.Context, q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
}

func bulkExec(bt bulkTx) func(ctx context.Context, q string, args ...any) error {
	return func(ctx context.Context, q string, args ...any) error {
		_, err := bt.exec(ctx, q, args...)
		return err
	}
}

// mentionSelectWithIdentity reads mentions with, for a victim's, the sealed
// identity of the version stored.
var mentionSelectWithIdentity = strings.Replace(mentionSelect, " FROM ", ", vi.key_id, vi.sealed FROM ", 1) +
	" LEFT JOIN victim_identities vi ON vi.mention_id = m.id AND vi.version = m.version"

// extraScan scans a row's leading columns with the caller's scan and the
// trailing ones into extra.
type extraScan struct {
	r     scanner
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }

// resealBatch is how many sealed rows one transaction of Reseal rewrites.
const resealBatch = 1000

// Reseal moves every sealed value (victims' identities of every version,
// quarantined rows, ingest notes) under the sealer's current key, a batch
// of rows per transaction, and says how many it rewrote. Run it after a key
// rotation; until it finishes, rows under the old key still open with it,
// so stopping half-way loses nothing, and running it again carries on.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	const op = "store.Reseal"
	if s.sealer == nil {
		return 0, pole.E(op, errNoKey("what is sealed"))
	}
	current := s.sealer.CurrentKeyID()
	total := 0
	for _, t := range []struct {
		table, key string
		rowID      func(k []any) string
	}{
		{"victim_identities", "mention_id, version", func(k []any) string { return identityRow(k[0].(string), int(k[1].(int64))) }},
		{"quarantine", "id", func(k []any) string { return "quarantine/" + k[0].(string) }},
		{"ingest_notes", "id", func(k []any) string { return "note/" + k[0].(string) }},
	} {
		for {
			n, err := s.resealSome(ctx, t.table, t.key, current, t.rowID)
			if err != nil {
				return total, pole.E(op, fmt.Errorf("%s: %w", t.table, err))
			}
			total += n
			if n < resealBatch {
				break
			}
		}
	}
	return total, nil
}

// resealSome rewrites up to resealBatch rows of table not yet under key
// current, in one transaction.
func (s *Store) resealSome(ctx context.Context, table, key, current string, rowID func(k []any) string) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		nkeys := len(strings.Split(key, ","))
		rows, err := tx.QueryContext(ctx, s.eng.rebind("SELECT "+key+", key_id, sealed FROM "+table+" WHERE sealed IS NOT NULL AND key_id <> ? ORDER BY "+key+" LIMIT ?"), current, resealBatch)
		if err != nil {
			return err
		}
		type row struct {
			keys   []any
			keyID  string
			sealed []byte
		}
		var list []row
		for rows.Next() {
			var r row
			var id string
			var version int64
			dest := []any{&id}
			if nkeys == 2 {
				dest = append(dest, &version)
			}
			if err := rows.Scan(append(dest, &r.keyID, &r.sealed)...); err != nil {
				rows.Close()
				return err
			}
			r.keys = []any{id}
			if nkeys == 2 {
				r.keys = append(r.keys, version)
			}
			list = append(list, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		where := " WHERE id = ?"
		if nkeys == 2 {
			where = " WHERE mention_id = ? AND version = ?"
		}
		update := s.eng.rebind("UPDATE " + table + " SET key_id = ?, sealed = ?" + where)
		for _, r := range list {
			keyID, sealed, err := s.sealer.Reseal(rowID(r.keys), r.keyID, r.sealed)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, update, append([]any{keyID, sealed}, r.keys...)...); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// settleBatch is how many nominal records settleNominal decides per query
// and transaction.
const settleBatch = 500

// settleNominal decides, for the nominal index records among ids (records
// with no case of their own), whether their identities are kept apart: they
// are, unless the record plays a part in at least one case and in none as a
// victim. A nominal index names no roles, so its records are sealed when
// stored; once the force's links show a record to be only a suspect's or a
// witness's, it is opened back onto its row, and a record linked later as a
// victim's is sealed again. Each batch is one transaction, and each record
// is rewritten only if its version is still the one read.
func (s *Store) settleNominal(ctx context.Context, ids []string) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for len(ids) > 0 {
		n := min(len(ids), settleBatch)
		if err := s.settleSome(ctx, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (s *Store) settleSome(ctx context.Context, ids []string) error {
	var w where
	w.in("m.id", ids)
	w.add("m.case_id IS NULL AND m.role = 'other'")
	victim := "EXISTS (SELECT 1 FROM involvements i WHERE i.mention_id = m.id AND i.role = 'victim')"
	involved := "EXISTS (SELECT 1 FROM involvements i WHERE i.mention_id = m.id)"
	// Only the records whose state must change: sealed ones shown not to be
	// victims', and open ones that are, or may be.
	w.add("((m.pseudonym <> '' AND " + involved + " AND NOT " + victim + ") OR (m.pseudonym = '' AND (NOT " + involved + " OR " + victim + ")))")
	var change []*pole.Mention
	for m, err := range s.scanMentions(ctx, "store.settleNominal", w.String(), w.args...) {
		if err != nil {
			return err
		}
		change = append(change, m)
	}
	if len(change) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		exec := txExec(tx)
		for _, m := range change {
			if m.Pseudonym != "" {
				if err := s.openOntoRow(ctx, tx, m); err != nil {
					return err
				}
				continue
			}
			row, sv, err := s.sealIdentity(m)
			if err != nil {
				return err
			}
			if err := s.rewriteIdentity(ctx, tx, m.ID, m.Version, row); err != nil {
				return err
			}
			if err := s.storeVictim(ctx, exec, m.ID, sv); err != nil {
				return err
			}
		}
		return nil
	})
}

// identityColumns are the columns of a mention row that a sealed record
// keeps blank, and the pseudonym.
var identityColumns = []string{"forename", "middle_names", "surname", "name_as_written", "aliases", "dob", "addresses", "pseudonym"}

// rewriteIdentity sets a mention row's identity columns from row (a full
// mention row as mentionValues makes it), if the row is still at version.
// The version stays (the sealed copy is kept by it), but updated_at moves:
// what the row shows changed, and a reader of changes (the people search
// index) must see a record sealed or opened.
func (s *Store) rewriteIdentity(ctx context.Context, tx *sql.Tx, id string, version int, row []any) error {
	sets := []string{"updated_at = ?"}
	args := []any{s.eng.timeValue(s.now())}
	for _, c := range identityColumns {
		sets = append(sets, c+" = ?")
		args = append(args, row[slices.Index(mentionInsertColumns, c)])
	}
	res, err := tx.ExecContext(ctx, s.eng.rebind("UPDATE mentions SET "+strings.Join(sets, ", ")+" WHERE id = ? AND version = ?"), append(args, id, version)...)
	if err != nil {
		return err
	}
	return changedOne(res, "mention", id, version)
}

// openOntoRow writes a sealed record's identity (m, opened) back onto its
// row and drops its sealed copy and blind indexes for this version.
func (s *Store) openOntoRow(ctx context.Context, tx *sql.Tx, m *pole.Mention) error {
	m.Pseudonym = ""
	if err := s.rewriteIdentity(ctx, tx, m.ID, m.Version, mentionValues(m)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.eng.rebind("DELETE FROM victim_identities WHERE mention_id = ? AND version = ?"), m.ID, m.Version); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.eng.rebind("DELETE FROM victim_index WHERE mention_id = ?"), m.ID)
	return err
}
