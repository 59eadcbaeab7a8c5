package keyring

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/caselink/caselink/internal/pole"
)

func generate(t testing.TB) *Ring {
	t.Helper()
	r, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGenerateMakesOneCurrentDataKeyAndDistinctKeys(t *testing.T) {
	r := generate(t)
	id, key := r.Current()
	if id != "k1" || len(key) != KeySize {
		t.Fatalf("Current: got %q and %d bytes, want k1 and %d bytes", id, len(key), KeySize)
	}
	if got := r.KeyIDs(); len(got) != 1 || got[0] != "k1" {
		t.Errorf("KeyIDs: got %q, want [k1]", got)
	}
	keys := [][]byte{key, r.IndexKey(), r.PseudonymKey()}
	for i := range keys {
		if len(keys[i]) != KeySize {
			t.Errorf("key %d: got %d bytes, want %d", i, len(keys[i]), KeySize)
		}
		for j := range i {
			if bytes.Equal(keys[i], keys[j]) {
				t.Errorf("keys %d and %d are the same", j, i)
			}
		}
	}
	if bytes.Equal(r.IndexKey(), generate(t).IndexKey()) {
		t.Error("two generated rings have the same index key")
	}
}

func TestRingReturnsCopiesOfItsKeys(t *testing.T) {
	r := generate(t)
	_, key := r.Current()
	clear(key)
	clear(r.IndexKey())
	clear(r.PseudonymKey())
	k1, _ := r.Key("k1")
	clear(k1)
	if _, key := r.Current(); bytes.Equal(key, make([]byte, KeySize)) {
		t.Error("clearing the slice Current returned cleared the ring's data key")
	}
	if bytes.Equal(r.IndexKey(), make([]byte, KeySize)) || bytes.Equal(r.PseudonymKey(), make([]byte, KeySize)) {
		t.Error("clearing a returned key cleared the ring's")
	}
}

func TestRotateAddsACurrentKeyAndKeepsTheOldOnes(t *testing.T) {
	r := generate(t)
	_, k1 := r.Current()
	if id := r.Rotate(); id != "k2" {
		t.Fatalf("Rotate: got %q, want k2", id)
	}
	id, k2 := r.Current()
	if id != "k2" || bytes.Equal(k1, k2) {
		t.Fatalf("Current after Rotate: got %q (same key as k1: %v), want a new k2", id, bytes.Equal(k1, k2))
	}
	old, ok := r.Key("k1")
	if !ok || !bytes.Equal(old, k1) {
		t.Errorf("Key(k1) after Rotate: got ok=%v, same key %v; want the old key", ok, bytes.Equal(old, k1))
	}
	if _, ok := r.Key("k3"); ok {
		t.Error("Key(k3): got ok, want no such key")
	}
	if got := r.KeyIDs(); strings.Join(got, ",") != "k1,k2" {
		t.Errorf("KeyIDs: got %q, want [k1 k2]", got)
	}
}

func TestRotateNumbersAfterTheHighestKeyID(t *testing.T) {
	r := generate(t)
	kf := fileOf(t, r)
	kf.DataKeys[0].ID = "k7"
	kf.CurrentDataKey = "k7"
	kf.DataKeys = append(kf.DataKeys, dataKeyFile{ID: "spring-2025", Created: kf.DataKeys[0].Created,
		Key: base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, KeySize))})
	r, err := parse(encode(t, kf))
	if err != nil {
		t.Fatal(err)
	}
	if id := r.Rotate(); id != "k8" {
		t.Errorf("Rotate: got %q, want k8", id)
	}
}

func TestAuditSignerSignsWhatAuditVerifierOpens(t *testing.T) {
	r := generate(t)
	s, err := r.AuditSigner()
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.AuditVerifier()
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != AuditKeyName || v.Name() != AuditKeyName {
		t.Errorf("names: got signer %q, verifier %q, want %q", s.Name(), v.Name(), AuditKeyName)
	}
	msg, err := note.Sign(&note.Note{Text: "audit log head 42\n"}, s)
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		t.Fatalf("note.Open: %v", err)
	}
	if n.Text != "audit log head 42\n" {
		t.Errorf("opened text: got %q", n.Text)
	}
	if want := r.AuditVerifierKey(); !strings.HasPrefix(want, AuditKeyName+"+") {
		t.Errorf("AuditVerifierKey: got %q, want a %s+hash+key string", want, AuditKeyName)
	}
	other, err := generate(t).AuditVerifier()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(other)); err == nil {
		t.Error("another ring's verifier opened the note")
	}
}

func TestSaveThenLoadGivesTheSameKeysInAPrivateFile(t *testing.T) {
	r := generate(t)
	r.Rotate()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode: got %04o, want 0600", fi.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, got, r)
}

func TestSaveReplacesTheFileAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	first, second := generate(t), generate(t)
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := second.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, got, second)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only keys.json", names)
	}
}

func TestSaveFailsNamingTheFileWhenTheDirectoryIsMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "keys.json")
	err := generate(t).Save(path)
	if err == nil || !strings.Contains(err.Error(), "keyring.Save: "+path) {
		t.Errorf("got %v, want an error naming keyring.Save and %s", err, path)
	}
}

func TestSaveNewWritesAPrivateFileThatLoadReads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	r := generate(t)
	if err := r.SaveNew(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode: got %04o, want 0600", fi.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, got, r)
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only keys.json", names)
	}
}

func TestSaveNewRefusesAnExistingFileAndLeavesItUnchanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	first := generate(t)
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	err = generate(t).SaveNew(path)
	if pole.ErrorCode(err) != pole.ECONFLICT || !strings.Contains(err.Error(), "keyring.SaveNew: "+path) {
		t.Fatalf("SaveNew over a key file: got %v, want ECONFLICT naming keyring.SaveNew and %s", err, path)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, before) {
		t.Fatal("SaveNew changed the key file it refused to overwrite")
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only keys.json", names)
	}
}

func TestSaveNewDoesNotWriteThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.json")
	path := filepath.Join(dir, "keys.json")
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	err := generate(t).SaveNew(path)
	if pole.ErrorCode(err) != pole.ECONFLICT {
		t.Fatalf("SaveNew over a dangling symlink: got %v, want ECONFLICT", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the symlink's target: got %v, want it never made", err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestLoadRefusesAKeyFileOthersMayRead(t *testing.T) {
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o620} {
		path := filepath.Join(t.TempDir(), "keys.json")
		if err := generate(t).Save(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if pole.ErrorCode(err) != pole.EINVALID {
			t.Fatalf("mode %04o: got %v, want EINVALID", mode, err)
		}
		for _, want := range []string{"keyring.Load: " + path, "group or others", "chmod 600 " + path} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("mode %04o: got %q, want it to contain %q", mode, err, want)
			}
		}
	}
}

func TestLoadOfAMissingFileIsNotFound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	_, err := Load(path)
	if pole.ErrorCode(err) != pole.ENOTFOUND || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v (code %s), want ENOTFOUND naming %s", err, pole.ErrorCode(err), path)
	}
}

func TestLoadRefusesABadKeyFileNamingTheFileAndField(t *testing.T) {
	other := generate(t)
	otherFile := fileOf(t, other)
	key := func(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, n)) }
	for _, tc := range []struct {
		name  string
		edit  func(*keyFile)
		raw   string // the file, when edit is nil
		field string
		want  string
	}{
		{name: "malformed JSON", raw: `{"format": 1,`, want: "ends early"},
		{name: "not JSON", raw: `format = 1`, want: "not valid JSON"},
		{name: "trailing data", raw: `{"format": 1} {}`, want: "more follows"},
		{name: "unknown field", raw: `{"format": 1, "curent": "k1"}`, want: `unknown field "curent"`},
		{name: "wrong type", raw: `{"format": "1"}`, field: "format", want: "want int"},
		{name: "format", edit: func(f *keyFile) { f.Format = 2 }, field: "format", want: "format 1"},
		{name: "no data keys", edit: func(f *keyFile) { f.DataKeys = nil }, field: "data_keys", want: "is empty"},
		{name: "short data key", edit: func(f *keyFile) { f.DataKeys[0].Key = key(16) }, field: "data_keys[0].key", want: "is 16 bytes, want 32"},
		{name: "long data key", edit: func(f *keyFile) { f.DataKeys[0].Key = key(33) }, field: "data_keys[0].key", want: "is 33 bytes, want 32"},
		{name: "data key not base64", edit: func(f *keyFile) { f.DataKeys[0].Key = "not base64!" }, field: "data_keys[0].key", want: "not standard base64"},
		{name: "missing id", edit: func(f *keyFile) { f.DataKeys[0].ID = "" }, field: "data_keys[0].id", want: "1 to 32 characters"},
		{name: "id with a space", edit: func(f *keyFile) { f.DataKeys[0].ID = "k 1" }, field: "data_keys[0].id", want: "only letters, digits"},
		{name: "duplicate id", edit: func(f *keyFile) {
			f.DataKeys = append(f.DataKeys, dataKeyFile{ID: "k1", Created: f.DataKeys[0].Created, Key: key(32)})
		}, field: "data_keys[1].id", want: `"k1" is also the id of data_keys[0]`},
		{name: "bad created", edit: func(f *keyFile) { f.DataKeys[0].Created = "yesterday" }, field: "data_keys[0].created", want: "RFC 3339"},
		{name: "no current", edit: func(f *keyFile) { f.CurrentDataKey = "" }, field: "current_data_key", want: "is required"},
		{name: "current absent", edit: func(f *keyFile) { f.CurrentDataKey = "k9" }, field: "current_data_key", want: `"k9" is not the id`},
		{name: "short index key", edit: func(f *keyFile) { f.IndexKey = key(31) }, field: "index_key", want: "is 31 bytes, want 32"},
		{name: "no index key", edit: func(f *keyFile) { f.IndexKey = "" }, field: "index_key", want: "is required"},
		{name: "short pseudonym key", edit: func(f *keyFile) { f.PseudonymKey = key(8) }, field: "pseudonym_key", want: "is 8 bytes, want 32"},
		{name: "reused key", edit: func(f *keyFile) { f.PseudonymKey = f.IndexKey }, field: "pseudonym_key", want: "same key as index_key"},
		{name: "data key as index key", edit: func(f *keyFile) { f.IndexKey = f.DataKeys[0].Key }, field: "index_key", want: "same key as data_keys[0].key"},
		{name: "no signing key", edit: func(f *keyFile) { f.AuditSigningKey = "" }, field: "audit_signing_key", want: "is required"},
		{name: "bad signing key", edit: func(f *keyFile) { f.AuditSigningKey = "PRIVATE+KEY+x" }, field: "audit_signing_key", want: "not a note signer key"},
		{name: "bad verifier key", edit: func(f *keyFile) { f.AuditVerifierKey = "caselink-audit+00000000+AAAA" }, field: "audit_verifier_key", want: "not a note verifier key"},
		{name: "verifier of another ring", edit: func(f *keyFile) { f.AuditVerifierKey = otherFile.AuditVerifierKey }, field: "audit_verifier_key", want: "not a pair"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kf := fileOf(t, generate(t))
			b := []byte(tc.raw)
			if tc.edit != nil {
				tc.edit(&kf)
				b = encode(t, kf)
			}
			path := filepath.Join(t.TempDir(), "keys.json")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("got %v (code %q), want EINVALID", err, pole.ErrorCode(err))
			}
			if got := pole.ErrorField(err); got != tc.field {
				t.Errorf("field: got %q, want %q", got, tc.field)
			}
			prefix := "keyring.Load: " + path + ": "
			if tc.field != "" {
				prefix += tc.field + ": "
			}
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tc.want) {
				t.Errorf("got %q, want it to start %q and contain %q", msg, prefix, tc.want)
			}
		})
	}
}

func TestErrorsDoNotQuoteSecretKeys(t *testing.T) {
	kf := fileOf(t, generate(t))
	secret := kf.IndexKey
	kf.IndexKey = secret[:20]
	_, err := parse(encode(t, kf))
	if err == nil || strings.Contains(err.Error(), secret[:20]) {
		t.Errorf("got %v, want an error that does not quote the key", err)
	}
}

func TestFromEnvReadsTheKeyFileInBase64(t *testing.T) {
	r := generate(t)
	b, err := r.marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromEnv(base64.StdEncoding.EncodeToString(b) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, got, r)
}

func TestFromEnvRefusesJSONAndOtherNonBase64(t *testing.T) {
	r := generate(t)
	b, err := r.marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ value, want string }{
		{string(b), "keyring.FromEnv: CASELINK_KEYS: holds JSON; it must hold the key file in base64"},
		{"%%%", "keyring.FromEnv: CASELINK_KEYS: is not base64"},
		{base64.StdEncoding.EncodeToString([]byte(`{"format": 3}`)), "keyring.FromEnv: CASELINK_KEYS: format: is 3"},
	} {
		_, err := FromEnv(tc.value)
		if pole.ErrorCode(err) != pole.EINVALID || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("got %v, want EINVALID starting %q", err, tc.want)
		}
	}
}

func TestOpenTakesTheFlagThenTheKeyFileVariableThenTheKeysVariable(t *testing.T) {
	dir := t.TempDir()
	flagRing, fileRing, envRing := generate(t), generate(t), generate(t)
	flagPath, filePath := filepath.Join(dir, "flag.json"), filepath.Join(dir, "file.json")
	if err := flagRing.Save(flagPath); err != nil {
		t.Fatal(err)
	}
	if err := fileRing.Save(filePath); err != nil {
		t.Fatal(err)
	}
	b, err := envRing.marshal()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvKeyFile: filePath, EnvKeys: base64.StdEncoding.EncodeToString(b)}
	getenv := func(k string) string { return env[k] }

	for _, step := range []struct {
		flag string
		want *Ring
	}{
		{flagPath, flagRing},
		{"", fileRing},
	} {
		got, err := Open(step.flag, getenv)
		if err != nil {
			t.Fatal(err)
		}
		assertSameKeys(t, got, step.want)
	}
	delete(env, EnvKeyFile)
	got, err := Open("", getenv)
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, got, envRing)

	delete(env, EnvKeys)
	_, err = Open("", getenv)
	if pole.ErrorCode(err) != pole.ENOTFOUND || !strings.Contains(err.Error(), EnvKeyFile) || !strings.Contains(err.Error(), EnvKeys) {
		t.Errorf("no keys: got %v, want ENOTFOUND naming %s and %s", err, EnvKeyFile, EnvKeys)
	}
}

func TestSaveRefusesAnEmptyRing(t *testing.T) {
	err := new(Ring).Save(filepath.Join(t.TempDir(), "keys.json"))
	if pole.ErrorCode(err) != pole.EINVALID {
		t.Errorf("got %v, want EINVALID", err)
	}
}

// fileOf returns r as the key file struct, for tests to edit.
func fileOf(t testing.TB, r *Ring) keyFile {
	t.Helper()
	b, err := r.marshal()
	if err != nil {
		t.Fatal(err)
	}
	var kf keyFile
	if err := json.Unmarshal(b, &kf); err != nil {
		t.Fatal(err)
	}
	return kf
}

func encode(t testing.TB, kf keyFile) []byte {
	t.Helper()
	b, err := json.Marshal(kf)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func assertSameKeys(t *testing.T, got, want *Ring) {
	t.Helper()
	g, err := got.marshal()
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Error("the rings hold different keys")
	}
}
