// Package keyring holds caselink's secret keys: the data-encryption keys that
// seal victims' identities, the blind-index key that makes them searchable
// for equality, the pseudonym key that names a victim everywhere else, and the
// key that signs the audit log. The keys live in a key file or in the
// environment (see Open), never in the database they protect.
//
// Data keys rotate: Rotate adds a key and makes it current, and the old keys
// stay so that what they sealed can still be opened until it is resealed. The
// blind-index and pseudonym keys never rotate: every stored index and
// pseudonym is computed from them, so a new index key means recomputing every
// blind index (a re-index), and a new pseudonym key renames every victim.
//
// The key file is JSON, written by Save with mode 0600; Load refuses one that
// group or others may read or write:
//
//	{
//	  "format": 1,
//	  "current_data_key": "k2",
//	  "data_keys": [
//	    {"id": "k1", "created": "2025-01-06T09:00:00Z", "key": "<32 bytes, base64>"},
//	    {"id": "k2", "created": "2025-07-01T09:00:00Z", "key": "<32 bytes, base64>"}
//	  ],
//	  "index_key": "<32 bytes, base64>",
//	  "pseudonym_key": "<32 bytes, base64>",
//	  "audit_signing_key": "PRIVATE+KEY+caselink-audit+<hash>+<base64>",
//	  "audit_verifier_key": "caselink-audit+<hash>+<base64>"
//	}
//
// Keys are in standard base64 with padding; the audit keys are in the string
// forms of golang.org/x/mod/sumdb/note. CASELINK_KEYS holds the same file in
// base64.
package keyring

import (
	"bytes"
	"crypto/rand"
	"strconv"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/caselink/caselink/internal/pole"
)

// KeySize is the length in bytes of every symmetric key in a ring:
// AES-256 data keys and the HMAC-SHA256 index and pseudonym keys.
const KeySize = 32

// AuditKeyName is the name Generate gives the audit signing key; it appears
// in every signature line of the audit log.
const AuditKeyName = "caselink-audit"

// Ring is a set of keys. Make one with Generate, Load, FromEnv or Open; the
// zero Ring holds no keys. A Ring is safe for concurrent use.
type Ring struct {
	mu       sync.RWMutex
	dataKeys []dataKey // oldest first
	current  string    // id of the data key new seals use

	indexKey     []byte
	pseudonymKey []byte

	auditKey         string // note private-key string
	auditVerifierKey string // note verifier-key string
}

type dataKey struct {
	id      string
	created time.Time
	key     []byte
}

// Generate returns a new ring: one data key, "k1", current; an index key; a
// pseudonym key; and an audit signing key named AuditKeyName.
func Generate() (*Ring, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, AuditKeyName)
	if err != nil {
		return nil, pole.E("keyring.Generate", err)
	}
	r := &Ring{
		indexKey:         newKey(),
		pseudonymKey:     newKey(),
		auditKey:         skey,
		auditVerifierKey: vkey,
	}
	r.Rotate()
	return r, nil
}

// newKey returns KeySize random bytes. crypto/rand.Read never fails.
func newKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k)
	return k
}

// Rotate adds a new data key, makes it current and returns its id: "k" and
// the lowest number above every kN id the ring holds. The old keys stay, so
// that what they sealed still opens; reseal it, then Save.
func (r *Ring) Rotate() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, k := range r.dataKeys {
		if len(k.id) > 1 && k.id[0] == 'k' {
			if v, err := strconv.Atoi(k.id[1:]); err == nil && v > n {
				n = v
			}
		}
	}
	id := "k" + strconv.Itoa(n+1)
	r.dataKeys = append(r.dataKeys, dataKey{id: id, created: time.Now().UTC().Truncate(time.Second), key: newKey()})
	r.current = id
	return id
}

// Current returns the id and the key that new seals use.
func (r *Ring) Current() (id string, key []byte) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, k := range r.dataKeys {
		if k.id == r.current {
			return k.id, bytes.Clone(k.key)
		}
	}
	return "", nil
}

// Key returns the data key with the given id, and whether the ring holds it.
func (r *Ring) Key(id string) ([]byte, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, k := range r.dataKeys {
		if k.id == id {
			return bytes.Clone(k.key), true
		}
	}
	return nil, false
}

// KeyIDs returns the ids of the data keys, oldest first.
func (r *Ring) KeyIDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]string, len(r.dataKeys))
	for i, k := range r.dataKeys {
		ids[i] = k.id
	}
	return ids
}

// IndexKey returns the blind-index key. It never rotates: changing it
// changes every blind index, so it needs every index recomputed (a re-index).
func (r *Ring) IndexKey() []byte { return bytes.Clone(r.indexKey) }

// PseudonymKey returns the key pseudonyms are computed with. It never
// rotates: changing it would change every victim's pseudonym.
func (r *Ring) PseudonymKey() []byte { return bytes.Clone(r.pseudonymKey) }

// AuditSigner returns the signer for the audit log.
func (r *Ring) AuditSigner() (note.Signer, error) {
	s, err := note.NewSigner(r.auditKey)
	if err != nil {
		return nil, pole.E("keyring.AuditSigner", err)
	}
	return s, nil
}

// AuditVerifier returns the verifier of the audit log's signatures.
func (r *Ring) AuditVerifier() (note.Verifier, error) {
	v, err := note.NewVerifier(r.auditVerifierKey)
	if err != nil {
		return nil, pole.E("keyring.AuditVerifier", err)
	}
	return v, nil
}

// AuditVerifierKey returns the verifier key of the audit log in note's
// string form. It is public: give it to whoever checks the log, not the ring.
func (r *Ring) AuditVerifierKey() string { return r.auditVerifierKey }
