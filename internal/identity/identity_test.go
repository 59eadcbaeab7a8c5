package identity

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/pole"
)

func newRing(t testing.TB) *keyring.Ring {
	t.Helper()
	r, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func victim() Identity {
	return Identity{
		Forename:      "Siobhán",
		MiddleNames:   "Mary Louise",
		Surname:       "O'Neill-Fairweather",
		NameAsWritten: "O'NEILL-FAIRWEATHER, Siobhán Mary Louise",
		Aliases:       []string{"Shiv", "Siobhan Fairweather"},
		DOB:           pole.Date(2009, 3, 12),
		Addresses: []pole.Address{
			{Text: "14 Larkspur Close, Harrogate", Postcode: "HG2 7QT", Premises: "dwelling"},
			{Text: "Flat 3, 9 Bridge Street, Leeds", Postcode: "LS1 4ER"},
		},
		School: "Rossett Park Academy",
	}
}

func seal(t testing.TB, s *Sealer, rowID string, id Identity) (string, []byte) {
	t.Helper()
	keyID, ct, err := s.Seal(rowID, id)
	if err != nil {
		t.Fatal(err)
	}
	return keyID, ct
}

func TestSealThenOpenGivesBackTheIdentity(t *testing.T) {
	s := NewSealer(newRing(t))
	for _, want := range []Identity{victim(), {Surname: "Smith"}, {}} {
		keyID, ct := seal(t, s, "row-1", want)
		if keyID != "k1" {
			t.Errorf("key id: got %q, want k1", keyID)
		}
		got, err := s.Open("row-1", keyID, ct)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("opened identity (-want +got):\n%s", d)
		}
	}
}

func TestSealUsesAFreshNonceEachTime(t *testing.T) {
	s := NewSealer(newRing(t))
	_, a := seal(t, s, "row-1", victim())
	_, b := seal(t, s, "row-1", victim())
	if bytes.Equal(a[:12], b[:12]) || bytes.Equal(a, b) {
		t.Error("two seals of one identity gave the same nonce or ciphertext")
	}
}

func TestCiphertextDoesNotHoldThePlaintext(t *testing.T) {
	s := NewSealer(newRing(t))
	id := victim()
	_, ct := seal(t, s, "row-1", id)
	for _, v := range []string{id.Forename, id.Surname, "Fairweather", "Neill", id.School, id.Aliases[0],
		id.Addresses[0].Postcode, id.Addresses[0].Text, "2009-03-12", "surname"} {
		if bytes.Contains(ct, []byte(v)) || bytes.Contains(bytes.ToLower(ct), []byte(strings.ToLower(v))) {
			t.Errorf("ciphertext contains %q", v)
		}
	}
}

func TestCiphertextLengthDoesNotFollowTheNameLength(t *testing.T) {
	s := NewSealer(newRing(t))
	_, short := seal(t, s, "row-1", Identity{Forename: "Jo", Surname: "Li"})
	_, long := seal(t, s, "row-1", Identity{Forename: "Josephine", Surname: "Lindqvist"})
	if len(short) != len(long) {
		t.Errorf("ciphertext lengths: got %d and %d, want equal for names a few letters apart", len(short), len(long))
	}
	if want := 28 + padTo; len(short) != want {
		t.Errorf("ciphertext length: got %d, want %d (nonce, one padded block, tag)", len(short), want)
	}
}

func TestOpenFailsForATamperedCiphertext(t *testing.T) {
	s := NewSealer(newRing(t))
	keyID, ct := seal(t, s, "row-1", victim())
	for _, i := range []int{0, 11, 12, len(ct) / 2, len(ct) - 17, len(ct) - 1} {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		assertAuthFailed(t, s, "row-1", keyID, bad)
	}
	for _, bad := range [][]byte{nil, ct[:27], ct[:28], ct[:len(ct)-1], append(bytes.Clone(ct), 0)} {
		assertAuthFailed(t, s, "row-1", keyID, bad)
	}
}

func TestOpenFailsForAnotherRow(t *testing.T) {
	s := NewSealer(newRing(t))
	keyID, ct := seal(t, s, "row-1", victim())
	assertAuthFailed(t, s, "row-2", keyID, ct)
	assertAuthFailed(t, s, "row-1\x00", keyID, ct)
}

func TestOpenFailsUnderAnotherRingsKeyOfTheSameID(t *testing.T) {
	keyID, ct := seal(t, NewSealer(newRing(t)), "row-1", victim())
	assertAuthFailed(t, NewSealer(newRing(t)), "row-1", keyID, ct)
}

func assertAuthFailed(t *testing.T, s *Sealer, rowID, keyID string, ct []byte) {
	t.Helper()
	id, err := s.Open(rowID, keyID, ct)
	if !errors.Is(err, ErrAuthFailed) || pole.ErrorCode(err) != pole.EINTERNAL {
		t.Fatalf("Open of %d bytes for %q: got %v, want EINTERNAL with ErrAuthFailed", len(ct), rowID, err)
	}
	want := "identity.Open: row " + rowID + ": key \"" + keyID + "\": authentication failed"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want it to start %q", err, want)
	}
	if d := cmp.Diff(Identity{}, id); d != "" {
		t.Errorf("a failed Open returned an identity:\n%s", d)
	}
}

func TestOpenFailsForAnUnknownKeyID(t *testing.T) {
	s := NewSealer(newRing(t))
	_, ct := seal(t, s, "row-1", victim())
	_, err := s.Open("row-1", "k9", ct)
	if !errors.Is(err, ErrUnknownKey) || pole.ErrorCode(err) != pole.EINTERNAL {
		t.Fatalf("got %v, want EINTERNAL with ErrUnknownKey", err)
	}
	if want := `identity.Open: row row-1: key "k9": the key ring holds no data key with this id`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want it to start %q", err, want)
	}
}

func TestOpenAndSealRefuseAnEmptyRowID(t *testing.T) {
	s := NewSealer(newRing(t))
	keyID, ct := seal(t, s, "row-1", victim())
	if _, _, err := s.Seal("", victim()); pole.ErrorField(err) != "row_id" || pole.ErrorCode(err) != pole.EINVALID {
		t.Errorf("Seal: got %v, want EINVALID in row_id", err)
	}
	if _, err := s.Open("", keyID, ct); pole.ErrorField(err) != "row_id" || pole.ErrorCode(err) != pole.EINVALID {
		t.Errorf("Open: got %v, want EINVALID in row_id", err)
	}
}

func TestSealRefusesADateThatWouldNotOpenAgainWithoutQuotingIt(t *testing.T) {
	s := NewSealer(newRing(t))
	for _, dob := range []pole.PartialDate{pole.Date(1850, 1, 2), pole.Date(2009, 2, 30), {Year: 2009, Day: 4}} {
		_, _, err := s.Seal("row-1", Identity{Surname: "Smith", DOB: dob})
		if pole.ErrorField(err) != "dob" || pole.ErrorCode(err) != pole.EINVALID {
			t.Errorf("DOB %+v: got %v, want EINVALID in dob", dob, err)
			continue
		}
		if strings.Contains(err.Error(), "1850") || strings.Contains(err.Error(), "30") || strings.Contains(err.Error(), "Smith") {
			t.Errorf("DOB %+v: error %q quotes the identity", dob, err)
		}
	}
}

func TestSealBytesThenOpenBytesGivesBackThePlaintext(t *testing.T) {
	s := NewSealer(newRing(t))
	plain := []byte(`{"surname":"O'Neill","reason":"bad date"}`)
	keyID, ct, err := s.SealBytes("quarantine/7", plain)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.OpenBytes("quarantine/7", keyID, ct)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Errorf("got %q, want %q", got, plain)
	}
	if _, err := s.OpenBytes("quarantine/8", keyID, ct); !errors.Is(err, ErrAuthFailed) || !strings.HasPrefix(err.Error(), "identity.OpenBytes: row quarantine/8") {
		t.Errorf("OpenBytes for another row: got %v, want identity.OpenBytes failing with ErrAuthFailed", err)
	}
}

func TestOpenOfSealedBytesThatAreNoIdentityFailsWithoutQuotingThem(t *testing.T) {
	s := NewSealer(newRing(t))
	keyID, ct, err := s.SealBytes("row-1", []byte("Siobhan O'Neill"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Open("row-1", keyID, ct)
	if err == nil || !strings.Contains(err.Error(), "not an identity record") || strings.Contains(err.Error(), "Siobhan") {
		t.Errorf("got %v, want an error saying it is not an identity record, quoting nothing", err)
	}
}

func TestRotationKeepsOldRowsReadableAndResealMovesThemToTheCurrentKey(t *testing.T) {
	ring := newRing(t)
	s := NewSealer(ring)
	oldKey, oldCT := seal(t, s, "row-1", victim())

	if got := ring.Rotate(); got != "k2" {
		t.Fatalf("Rotate: got %q, want k2", got)
	}
	if _, err := s.Open("row-1", oldKey, oldCT); err != nil {
		t.Fatalf("Open of a row sealed before the rotation: %v", err)
	}
	if keyID, _ := seal(t, s, "row-2", victim()); keyID != "k2" {
		t.Errorf("Seal after Rotate: key id %q, want k2", keyID)
	}

	newKey, newCT, err := s.Reseal("row-1", oldKey, oldCT)
	if err != nil {
		t.Fatal(err)
	}
	if newKey != "k2" || bytes.Equal(newCT, oldCT) {
		t.Fatalf("Reseal: got key %q (ciphertext unchanged: %v), want k2 and a new ciphertext", newKey, bytes.Equal(newCT, oldCT))
	}
	got, err := s.Open("row-1", newKey, newCT)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(victim(), got); d != "" {
		t.Errorf("resealed identity (-want +got):\n%s", d)
	}
	assertAuthFailed(t, s, "row-1", oldKey, newCT)

	againKey, againCT, err := s.Reseal("row-1", newKey, newCT)
	if err != nil {
		t.Fatal(err)
	}
	if againKey != newKey || !bytes.Equal(againCT, newCT) {
		t.Errorf("Reseal of a row under the current key: got key %q and a changed ciphertext %v, want them as given", againKey, !bytes.Equal(againCT, newCT))
	}
}

func TestResealMovesSealedBytesToTheCurrentKeyUnchanged(t *testing.T) {
	ring := newRing(t)
	s := NewSealer(ring)
	plain := []byte(`{"note":"x"}`)
	keyID, ct, err := s.SealBytes("note/1", plain)
	if err != nil {
		t.Fatal(err)
	}
	ring.Rotate()
	newKey, newCT, err := s.Reseal("note/1", keyID, ct)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.OpenBytes("note/1", newKey, newCT)
	if err != nil {
		t.Fatal(err)
	}
	if newKey != "k2" || !bytes.Equal(got, plain) {
		t.Errorf("Reseal: got key %q and %q, want k2 and %q", newKey, got, plain)
	}
}

func TestResealFailsForATamperedCiphertext(t *testing.T) {
	s := NewSealer(newRing(t))
	keyID, ct := seal(t, s, "row-1", victim())
	_, _, err := s.Reseal("row-2", keyID, ct)
	if !errors.Is(err, ErrAuthFailed) || !strings.HasPrefix(err.Error(), "identity.Reseal: row row-2") {
		t.Errorf("got %v, want identity.Reseal failing with ErrAuthFailed", err)
	}
}

func TestRowsSealedBeforeARotationOpenAfterTheKeyFileIsSavedAndLoaded(t *testing.T) {
	ring := newRing(t)
	keyID, ct := seal(t, NewSealer(ring), "row-1", victim())
	ring.Rotate()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := ring.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := keyring.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSealer(loaded)
	if _, err := s.Open("row-1", keyID, ct); err != nil {
		t.Fatalf("Open under the loaded ring: %v", err)
	}
	if keyID, _ := seal(t, s, "row-2", victim()); keyID != "k2" {
		t.Errorf("Seal under the loaded ring: key id %q, want k2", keyID)
	}
}

func TestSealerIsSafeForConcurrentUseDuringARotation(t *testing.T) {
	ring := newRing(t)
	s := NewSealer(ring)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				keyID, ct, err := s.Seal("row-1", victim())
				if err == nil {
					_, err = s.Open("row-1", keyID, ct)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	ring.Rotate()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestOpenDOBReturnsTheSealedDateOfBirthAlone(t *testing.T) {
	s := NewSealer(newRing(t))
	keyID, sealed, err := s.Seal("mention/x/v1", Identity{Surname: "Oakhanger", DOB: pole.Date(2001, 2, 3)})
	if err != nil {
		t.Fatal(err)
	}
	dob, err := s.OpenDOB("mention/x/v1", keyID, sealed)
	if err != nil || dob != pole.Date(2001, 2, 3) {
		t.Fatalf("got %s (%v), want 2001-02-03", dob, err)
	}
	if _, err := s.OpenDOB("mention/y/v1", keyID, sealed); err == nil {
		t.Fatal("a ciphertext moved to another row opened")
	}
}
