// Package identity keeps victims' identities apart. Victims of sexual
// offences have lifelong anonymity in law, so caselink stores their names,
// dates of birth, addresses and schools only sealed (AES-256-GCM, under a data
// key from the key ring, bound to the row they belong to), finds them by
// equality through keyed blind indexes, and everywhere else shows a victim as
// a stable pseudonym such as V-7K3Q9D.
//
// Errors from this package never quote an identity's values, since they are
// logged.
package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/pole"
)

// Identity is what identifies a victim, as caselink holds it. It is sealed
// as JSON.
type Identity struct {
	Forename      string           `json:"forename,omitempty"`
	MiddleNames   string           `json:"middle_names,omitempty"`
	Surname       string           `json:"surname,omitempty"`
	NameAsWritten string           `json:"name_as_written,omitempty"`
	Aliases       []string         `json:"aliases,omitempty"`
	DOB           pole.PartialDate `json:"dob,omitzero"`
	Addresses     []pole.Address   `json:"addresses,omitempty"`
	School        string           `json:"school,omitempty"`
}

// purpose is bound into every seal with the row id, so that a ciphertext
// made for anything else, or by a later format, does not open as an identity.
const purpose = "caselink victim identity v1"

// padTo is the block the sealed JSON is padded to with spaces, so that a
// ciphertext's length tells little about the length of a name.
const padTo = 64

// Errors in the chain of Open's errors, for errors.Is.
var (
	ErrUnknownKey = errors.New("the key ring holds no data key with this id; load the key file that has it")
	ErrAuthFailed = errors.New("authentication failed: the sealed value was altered, belongs to another row, or was sealed with another key")
)

// Sealer seals and opens identities with a key ring's data keys, and
// computes their blind indexes and pseudonyms; SealBytes and OpenBytes seal
// other values that may be a victim's. It is safe for concurrent use,
// and sees a Rotate of its ring: new seals use the ring's current key.
type Sealer struct {
	ring         *keyring.Ring
	indexKey     []byte
	pseudonymKey []byte

	mu    sync.Mutex
	aeads map[string]cipher.AEAD // by key id; a key id's key never changes
}

// NewSealer returns a Sealer using ring's keys.
func NewSealer(ring *keyring.Ring) *Sealer {
	return &Sealer{
		ring:         ring,
		indexKey:     ring.IndexKey(),
		pseudonymKey: ring.PseudonymKey(),
		aeads:        map[string]cipher.AEAD{},
	}
}

// Seal encrypts id for the row rowID under the ring's current data key, and
// returns that key's id with the ciphertext: a random 12-byte nonce, the
// encrypted JSON and the 16-byte tag. The row id is bound in, so the
// ciphertext opens only for that row.
func (s *Sealer) Seal(rowID string, id Identity) (keyID string, ciphertext []byte, err error) {
	// A date that does not parse back would seal an identity that never
	// opens again. The value is not quoted: errors are logged.
	if id.DOB.Valid() != nil {
		return "", nil, pole.E("identity.Seal", pole.Invalid("dob", "is not a valid date of birth between 1900 and 2100"))
	}
	plain, err := json.Marshal(id)
	if err != nil {
		return "", nil, pole.E("identity.Seal", err)
	}
	for len(plain)%padTo != 0 {
		plain = append(plain, ' ')
	}
	keyID, ciphertext, err = s.seal(rowID, plain)
	if err != nil {
		return "", nil, pole.E("identity.Seal", err)
	}
	return keyID, ciphertext, nil
}

// Open decrypts the identity that Seal sealed for rowID under keyID. It fails
// with ErrUnknownKey in the chain if the ring lacks keyID, and with
// ErrAuthFailed if the ciphertext was altered or belongs to another row.
func (s *Sealer) Open(rowID, keyID string, ciphertext []byte) (Identity, error) {
	plain, err := s.open(rowID, keyID, ciphertext)
	if err != nil {
		return Identity{}, pole.E("identity.Open", err)
	}
	var id Identity
	if err := json.Unmarshal(plain, &id); err != nil {
		// Authentic but not an identity: sealed by SealBytes. json's error
		// would quote the plaintext.
		return Identity{}, pole.E("identity.Open", fmt.Errorf("row %s: key %q: the sealed value is not an identity record", rowID, keyID))
	}
	return id, nil
}

// OpenDOB opens a sealed identity as Open does and returns only its date of
// birth, for work that needs an age and nothing else (triage); it skips
// decoding the rest.
func (s *Sealer) OpenDOB(rowID, keyID string, ciphertext []byte) (pole.PartialDate, error) {
	plain, err := s.open(rowID, keyID, ciphertext)
	if err != nil {
		return pole.PartialDate{}, pole.E("identity.OpenDOB", err)
	}
	var id struct {
		DOB pole.PartialDate `json:"dob"`
	}
	if err := json.Unmarshal(plain, &id); err != nil {
		return pole.PartialDate{}, pole.E("identity.OpenDOB", fmt.Errorf("row %s: key %q: the sealed value is not an identity record", rowID, keyID))
	}
	return id.DOB, nil
}

// SealBytes seals plaintext for rowID as Seal does an identity, for other
// values that may be a victim's (a quarantined row, an ingest note). Unlike
// Seal it does not pad: a caller sealing JSON may pad it with spaces.
func (s *Sealer) SealBytes(rowID string, plaintext []byte) (keyID string, ciphertext []byte, err error) {
	keyID, ciphertext, err = s.seal(rowID, plaintext)
	if err != nil {
		return "", nil, pole.E("identity.SealBytes", err)
	}
	return keyID, ciphertext, nil
}

// OpenBytes opens what SealBytes, or Seal, sealed for rowID, failing as Open
// does.
func (s *Sealer) OpenBytes(rowID, keyID string, ciphertext []byte) ([]byte, error) {
	plain, err := s.open(rowID, keyID, ciphertext)
	if err != nil {
		return nil, pole.E("identity.OpenBytes", err)
	}
	return plain, nil
}

// Reseal opens what Seal or SealBytes sealed and, unless keyID is already
// the ring's current key, seals the same plaintext again under the current
// key. It returns the key id and ciphertext to store: the ones given if they
// were current.
func (s *Sealer) Reseal(rowID, keyID string, ciphertext []byte) (newKeyID string, newCiphertext []byte, err error) {
	plain, err := s.open(rowID, keyID, ciphertext)
	if err != nil {
		return "", nil, pole.E("identity.Reseal", err)
	}
	if current, _ := s.ring.Current(); current == keyID {
		return keyID, ciphertext, nil
	}
	newKeyID, newCiphertext, err = s.seal(rowID, plain)
	if err != nil {
		return "", nil, pole.E("identity.Reseal", err)
	}
	return newKeyID, newCiphertext, nil
}

func (s *Sealer) seal(rowID string, plain []byte) (string, []byte, error) {
	if rowID == "" {
		return "", nil, pole.Invalid("row_id", "is required: a sealed value is bound to its row")
	}
	keyID, _ := s.ring.Current()
	aead, err := s.aead(keyID)
	if err != nil {
		return "", nil, err
	}
	return keyID, aead.Seal(nil, nil, plain, additionalData(rowID)), nil
}

func (s *Sealer) open(rowID, keyID string, ciphertext []byte) ([]byte, error) {
	if rowID == "" {
		return nil, pole.Invalid("row_id", "is required: a sealed value is bound to its row")
	}
	aead, err := s.aead(keyID)
	if err != nil {
		return nil, fmt.Errorf("row %s: %w", rowID, err)
	}
	plain, err := aead.Open(nil, nil, ciphertext, additionalData(rowID))
	if err != nil {
		return nil, fmt.Errorf("row %s: key %q: %w", rowID, keyID, ErrAuthFailed)
	}
	return plain, nil
}

// aead returns the AES-256-GCM of data key keyID, with random nonces.
func (s *Sealer) aead(keyID string) (cipher.AEAD, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.aeads[keyID]; ok {
		return a, nil
	}
	key, ok := s.ring.Key(keyID)
	if !ok {
		return nil, fmt.Errorf("key %q: %w", keyID, ErrUnknownKey)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	a, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	s.aeads[keyID] = a
	return a, nil
}

// additionalData binds a seal to its purpose and its row. The 0 byte keeps
// the two parts apart.
func additionalData(rowID string) []byte {
	ad := make([]byte, 0, len(purpose)+1+len(rowID))
	ad = append(ad, purpose...)
	ad = append(ad, 0)
	return append(ad, rowID...)
}

// CurrentKeyID names the key new seals use.
func (s *Sealer) CurrentKeyID() string {
	id, _ := s.ring.Current()
	return id
}
