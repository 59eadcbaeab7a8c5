package identity

import (
	"bytes"
	"testing"

	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/pole"
)

// FuzzOpen opens arbitrary bytes for arbitrary rows and keys: it must never
// panic, fail only with EINVALID (no row id) or EINTERNAL, and open nothing
// but the one ciphertext sealed for that row.
func FuzzOpen(f *testing.F) {
	ring, err := keyring.Generate()
	if err != nil {
		f.Fatal(err)
	}
	s := NewSealer(ring)
	keyID, sealed, err := s.Seal("row-1", victim())
	if err != nil {
		f.Fatal(err)
	}
	f.Add("row-1", keyID, sealed)
	f.Add("row-2", keyID, sealed)
	f.Add("row-1", "k2", sealed)
	f.Add("row-1", keyID, sealed[:28])
	f.Add("", "", []byte{})
	f.Fuzz(func(t *testing.T, rowID, keyID string, ct []byte) {
		_, err := s.Open(rowID, keyID, ct)
		if err == nil {
			if rowID != "row-1" || keyID != "k1" || !bytes.Equal(ct, sealed) {
				t.Fatalf("opened %x for row %q key %q, which was never sealed", ct, rowID, keyID)
			}
			return
		}
		if code := pole.ErrorCode(err); code != pole.EINVALID && code != pole.EINTERNAL {
			t.Errorf("got code %q (%v), want invalid or internal", code, err)
		}
	})
}
