package keyring

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/caselink/caselink/internal/pole"
)

// keyFile is the key file as JSON; the package doc shows it.
type keyFile struct {
	Format           int           `json:"format"`
	CurrentDataKey   string        `json:"current_data_key"`
	DataKeys         []dataKeyFile `json:"data_keys"`
	IndexKey         string        `json:"index_key"`
	PseudonymKey     string        `json:"pseudonym_key"`
	AuditSigningKey  string        `json:"audit_signing_key"`
	AuditVerifierKey string        `json:"audit_verifier_key"`
}

type dataKeyFile struct {
	ID      string `json:"id"`
	Created string `json:"created"`
	Key     string `json:"key"`
}

// Format is the key file format this package reads and writes.
const Format = 1

// Environment variables Open reads.
const (
	// EnvKeyFile names a key file.
	EnvKeyFile = "CASELINK_KEY_FILE"
	// EnvKeys holds a key file's contents in standard base64, on one line
	// (base64 -w0 keys.json), since env files and unit files mangle JSON's
	// quotes and newlines.
	EnvKeys = "CASELINK_KEYS"
)

// maxFileSize bounds what Load reads: a key file with a thousand rotations
// is under 200 KiB.
const maxFileSize = 1 << 20

// Open returns the ring from the first of: the key file named by flagPath,
// the key file named by CASELINK_KEY_FILE, the key file contents in
// CASELINK_KEYS. It fails with ENOTFOUND if none is given.
func Open(flagPath string, getenv func(string) string) (*Ring, error) {
	if flagPath != "" {
		return Load(flagPath)
	}
	if p := getenv(EnvKeyFile); p != "" {
		return Load(p)
	}
	if v := getenv(EnvKeys); v != "" {
		return FromEnv(v)
	}
	return nil, pole.E("keyring.Open", pole.Errorf(pole.ENOTFOUND,
		"no keys: give a key file, or set %s to its path or %s to its contents in base64", EnvKeyFile, EnvKeys))
}

// Load reads a key file. It refuses a file that group or others may read
// or write, and a file that is not a valid key file, naming the file and the
// field at fault.
func Load(path string) (*Ring, error) {
	r, err := load(path)
	if err != nil {
		return nil, pole.E("keyring.Load", pole.E(path, err))
	}
	return r, nil
}

func load(path string) (*Ring, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, pole.Errorf(pole.ENOTFOUND, "no such key file")
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Stat the open file, not the path, so the mode checked is the mode of
	// what is read.
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, pole.Errorf(pole.EINVALID, "is not a regular file")
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, pole.Errorf(pole.EINVALID,
			"may be read or written by group or others (mode %04o); the keys in it must be secret: run chmod 600 %s", perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, pole.Errorf(pole.EINVALID, "is over %d bytes, too large for a key file", maxFileSize)
	}
	return parse(b)
}

// FromEnv reads a ring from the value of CASELINK_KEYS: a key file's
// contents in standard base64.
func FromEnv(value string) (*Ring, error) {
	r, err := fromEnv(value)
	if err != nil {
		return nil, pole.E("keyring.FromEnv", pole.E(EnvKeys, err))
	}
	return r, nil
}

func fromEnv(value string) (*Ring, error) {
	value = strings.TrimSpace(value)
	if strings.HasPrefix(value, "{") {
		return nil, pole.Errorf(pole.EINVALID, "holds JSON; it must hold the key file in base64: %s=$(base64 -w0 keys.json)", EnvKeys)
	}
	b, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, pole.Errorf(pole.EINVALID, "is not base64 (%v); it must hold the key file in base64: %s=$(base64 -w0 keys.json)", err, EnvKeys)
	}
	return parse(b)
}

// parse reads a key file's contents. It checks every field: the format, key
// lengths, ids present and unique, the current data key present, and that
// the audit signing and verifier keys are a pair.
func parse(b []byte) (*Ring, error) {
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, pole.Errorf(pole.EINVALID, "is not a key file: more follows the JSON object")
	}
	if kf.Format != Format {
		return nil, pole.Invalid("format", "is %d; this caselink reads key file format %d", kf.Format, Format)
	}
	r := &Ring{}
	// Every secret must be generated on its own: one pasted into two fields
	// would tie, say, the blind indexes to a data key.
	seen := map[string]string{}
	secret := func(field, s string) ([]byte, error) {
		k, err := decodeKey(field, s)
		if err != nil {
			return nil, err
		}
		if other, ok := seen[string(k)]; ok {
			return nil, pole.Invalid(field, "is the same key as %s; generate each key on its own", other)
		}
		seen[string(k)] = field
		return k, nil
	}
	if len(kf.DataKeys) == 0 {
		return nil, pole.Invalid("data_keys", "is empty; a key file needs at least one data key")
	}
	index := map[string]int{}
	for i, dk := range kf.DataKeys {
		field := fmt.Sprintf("data_keys[%d]", i)
		if err := checkID(dk.ID); err != nil {
			return nil, pole.Invalid(field+".id", "%v", err)
		}
		if j, ok := index[dk.ID]; ok {
			return nil, pole.Invalid(field+".id", "%q is also the id of data_keys[%d]; each data key needs its own id", dk.ID, j)
		}
		index[dk.ID] = i
		created, err := time.Parse(time.RFC3339, dk.Created)
		if err != nil {
			return nil, pole.Invalid(field+".created", "%q is not an RFC 3339 time such as 2025-01-06T09:00:00Z", dk.Created)
		}
		k, err := secret(field+".key", dk.Key)
		if err != nil {
			return nil, err
		}
		r.dataKeys = append(r.dataKeys, dataKey{id: dk.ID, created: created, key: k})
	}
	if kf.CurrentDataKey == "" {
		return nil, pole.Invalid("current_data_key", "is required: the id of the data key new seals use")
	}
	if _, ok := index[kf.CurrentDataKey]; !ok {
		return nil, pole.Invalid("current_data_key", "%q is not the id of any of data_keys", kf.CurrentDataKey)
	}
	r.current = kf.CurrentDataKey
	var err error
	if r.indexKey, err = secret("index_key", kf.IndexKey); err != nil {
		return nil, err
	}
	if r.pseudonymKey, err = secret("pseudonym_key", kf.PseudonymKey); err != nil {
		return nil, err
	}
	if err := checkAuditKeys(kf.AuditSigningKey, kf.AuditVerifierKey); err != nil {
		return nil, err
	}
	r.auditKey, r.auditVerifierKey = kf.AuditSigningKey, kf.AuditVerifierKey
	return r, nil
}

// jsonError turns a decoding error into an EINVALID naming the field or the
// byte offset, and no key material.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return pole.Errorf(pole.EINVALID, "is not valid JSON: %v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		return pole.Invalid(field, "is a JSON %s, want %s", typ.Value, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return pole.Errorf(pole.EINVALID, "is not a key file: it is empty or ends early")
	default:
		// Unknown fields, the only other decoding error, name the field.
		return pole.Errorf(pole.EINVALID, "is not a key file: %v", err)
	}
}

// checkID allows ids that are safe to store and print anywhere.
func checkID(id string) error {
	if id == "" || len(id) > 32 {
		return fmt.Errorf("%q must be 1 to 32 characters", id)
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("%q may hold only letters, digits, - and _", id)
		}
	}
	return nil
}

func decodeKey(field, s string) ([]byte, error) {
	if s == "" {
		return nil, pole.Invalid(field, "is required: %d random bytes in base64", KeySize)
	}
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, pole.Invalid(field, "is not standard base64")
	}
	if len(k) != KeySize {
		return nil, pole.Invalid(field, "is %d bytes, want %d", len(k), KeySize)
	}
	return k, nil
}

func checkAuditKeys(skey, vkey string) error {
	if skey == "" {
		return pole.Invalid("audit_signing_key", "is required")
	}
	if vkey == "" {
		return pole.Invalid("audit_verifier_key", "is required")
	}
	// note's errors never quote the key, which is secret.
	s, err := note.NewSigner(skey)
	if err != nil {
		return pole.Invalid("audit_signing_key", "is not a note signer key (PRIVATE+KEY+name+hash+key): %v", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return pole.Invalid("audit_verifier_key", "is not a note verifier key (name+hash+key): %v", err)
	}
	msg := []byte("caselink key file check\n")
	sig, err := s.Sign(msg)
	if err != nil {
		return pole.Invalid("audit_signing_key", "cannot sign: %v", err)
	}
	if v.Name() != s.Name() || v.KeyHash() != s.KeyHash() || !v.Verify(msg, sig) {
		return pole.Invalid("audit_verifier_key", "does not verify what audit_signing_key signs; they are not a pair")
	}
	return nil
}

// Save writes the ring to path with mode 0600, atomically: to a temporary
// file in the same directory, synced, then renamed over path, so a crash
// leaves the old file or the new one, never half of one.
func (r *Ring) Save(path string) error {
	if err := r.save(path); err != nil {
		return pole.E("keyring.Save", pole.E(path, err))
	}
	return nil
}

func (r *Ring) save(path string) error {
	tmp, err := r.writeTemp(path)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// SaveNew writes the ring to path as Save does, but only if nothing is
// there: a file at path, even one made after the caller looked, is left
// as it is and SaveNew fails with ECONFLICT, since the keys in a key file
// overwritten are lost with all they sealed. It is as atomic as Save: the
// synced temporary file is linked to path, which fails if path exists.
func (r *Ring) SaveNew(path string) error {
	if err := r.saveNew(path); err != nil {
		return pole.E("keyring.SaveNew", pole.E(path, err))
	}
	return nil
}

func (r *Ring) saveNew(path string) error {
	tmp, err := r.writeTemp(path)
	if err != nil {
		return err
	}
	err = os.Link(tmp, path)
	rmErr := os.Remove(tmp)
	switch {
	case errors.Is(err, fs.ErrExist):
		// A temporary file left behind holds new keys that sealed nothing.
		return pole.Errorf(pole.ECONFLICT, "exists: a key file is never overwritten, as what it sealed would be lost")
	case err != nil:
		return errors.Join(err, rmErr)
	case rmErr != nil:
		return fmt.Errorf("saved, but a second copy of the keys is left: %w", rmErr)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes the ring to a new temporary file beside path, mode 0600
// and synced, and returns its name.
func (r *Ring) writeTemp(path string) (name string, err error) {
	b, err := r.marshal()
	if err != nil {
		return "", err
	}
	// CreateTemp makes the file 0600, so the keys are never readable by others.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return "", err
	}
	if _, err := f.Write(b); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// syncDir syncs a directory, so that a rename or link in it survives a
// crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// marshal returns the ring as a key file.
func (r *Ring) marshal() ([]byte, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.dataKeys) == 0 {
		return nil, pole.Errorf(pole.EINVALID, "the ring holds no keys; make one with Generate")
	}
	kf := keyFile{
		Format:           Format,
		CurrentDataKey:   r.current,
		IndexKey:         base64.StdEncoding.EncodeToString(r.indexKey),
		PseudonymKey:     base64.StdEncoding.EncodeToString(r.pseudonymKey),
		AuditSigningKey:  r.auditKey,
		AuditVerifierKey: r.auditVerifierKey,
	}
	for _, k := range r.dataKeys {
		kf.DataKeys = append(kf.DataKeys, dataKeyFile{
			ID:      k.id,
			Created: k.created.UTC().Format(time.RFC3339),
			Key:     base64.StdEncoding.EncodeToString(k.key),
		})
	}
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
