package identity

import (
	"bytes"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestBlindIndexIsEqualForValuesEqualOnceNormalised(t *testing.T) {
	s := NewSealer(newRing(t))
	for _, tc := range []struct{ kind, a, b string }{
		{IndexName, "Siobhán O'Neill", "SIOBHAN ONEILL"},
		{IndexName, "Zoë Smith-Jones", "  zoe   smithjones "},
		{IndexSurname, "O’NEILL", "oneill"},
		{IndexSurname, "Łukasz", "lukasz"},
		{IndexDOB, "2009-03-12", " 2009-03-12 "},
		{IndexPostcode, "hg27qt", " HG2  7QT "},
		{IndexPostcode, "not known", "NOTKNOWN"},
	} {
		a, b := s.BlindIndex(tc.kind, tc.a), s.BlindIndex(tc.kind, tc.b)
		if a == nil || !bytes.Equal(a, b) {
			t.Errorf("%s: %q gave %x, %q gave %x; want equal and not nil", tc.kind, tc.a, a, tc.b, b)
		}
		if len(a) != IndexSize {
			t.Errorf("%s: got %d bytes, want %d", tc.kind, len(a), IndexSize)
		}
	}
}

func TestBlindIndexDiffersForDifferentValues(t *testing.T) {
	s := NewSealer(newRing(t))
	for _, tc := range []struct{ kind, a, b string }{
		{IndexName, "John Smith", "Smith John"},
		{IndexName, "John Smith", "Joan Smith"},
		{IndexSurname, "Smith", "Smyth"},
		{IndexDOB, "2009-03-12", "2009-03-13"},
		{IndexPostcode, "HG2 7QT", "HG2 7QU"},
		{IndexPostcode, "HG2 7QT", "HG27QTX"},
	} {
		if a, b := s.BlindIndex(tc.kind, tc.a), s.BlindIndex(tc.kind, tc.b); bytes.Equal(a, b) {
			t.Errorf("%s: %q and %q have the same index %x", tc.kind, tc.a, tc.b, a)
		}
	}
}

func TestBlindIndexDiffersAcrossKindsForTheSameNormalisedValue(t *testing.T) {
	s := NewSealer(newRing(t))
	// Both normalise to "john smith".
	name, surname := s.BlindIndex(IndexName, "John Smith"), s.BlindIndex(IndexSurname, "john smith")
	if name == nil || surname == nil || bytes.Equal(name, surname) {
		t.Errorf("name %x and surname %x: want different and not nil", name, surname)
	}
}

func TestBlindIndexDiffersByKey(t *testing.T) {
	a, b := NewSealer(newRing(t)), NewSealer(newRing(t))
	for _, kind := range []string{IndexName, IndexSurname, IndexDOB, IndexPostcode} {
		v := map[string]string{IndexName: "John Smith", IndexSurname: "Smith", IndexDOB: "2009-03-12", IndexPostcode: "HG2 7QT"}[kind]
		if x, y := a.BlindIndex(kind, v), b.BlindIndex(kind, v); bytes.Equal(x, y) {
			t.Errorf("%s %q: two rings gave the same index %x", kind, v, x)
		}
	}
}

func TestBlindIndexIsNilWhenThereIsNothingToIndex(t *testing.T) {
	s := NewSealer(newRing(t))
	for _, tc := range []struct{ kind, value string }{
		{IndexName, ""},
		{IndexName, " \t "},
		{IndexSurname, ""},
		{IndexDOB, ""},
		{IndexDOB, "2009"},
		{IndexDOB, "2009-03"},
		{IndexDOB, "12/03/2009"},
		{IndexDOB, "2009-02-30"},
		{IndexPostcode, ""},
		{IndexPostcode, "  "},
	} {
		if got := s.BlindIndex(tc.kind, tc.value); got != nil {
			t.Errorf("%s %q: got %x, want nil", tc.kind, tc.value, got)
		}
	}
}

func TestBlindIndexGivesANameOfPunctuationAloneTheIndexOfTheEmptyName(t *testing.T) {
	s := NewSealer(newRing(t))
	dash, dot := s.BlindIndex(IndexSurname, "-"), s.BlindIndex(IndexSurname, ". ")
	if dash == nil || !bytes.Equal(dash, dot) {
		t.Errorf("surnames \"-\" and \". \": got %x and %x, want one index, not nil", dash, dot)
	}
	if bytes.Equal(dash, s.BlindIndex(IndexSurname, "Smith")) {
		t.Error("surname \"-\" has the index of Smith")
	}
}

func TestBlindIndexPanicsOnAnUnknownKind(t *testing.T) {
	s := NewSealer(newRing(t))
	defer func() {
		if recover() == nil {
			t.Error("BlindIndex of kind \"school\" did not panic")
		}
	}()
	s.BlindIndex("school", "Rossett Park Academy")
}

func TestIndexesCoverNameSurnameDOBAndEachDistinctPostcode(t *testing.T) {
	s := NewSealer(newRing(t))
	id := victim()
	id.Addresses = append(id.Addresses, pole.Address{Text: "Nan's", Postcode: "hg2 7qt"}, pole.Address{Text: "no postcode"})
	got := s.Indexes(id)
	want := []Index{
		{IndexName, s.BlindIndex(IndexName, "SIOBHAN o'neill-fairweather")},
		{IndexSurname, s.BlindIndex(IndexSurname, "ONEILLFAIRWEATHER")},
		{IndexDOB, s.BlindIndex(IndexDOB, "2009-03-12")},
		{IndexPostcode, s.BlindIndex(IndexPostcode, "HG27QT")},
		{IndexPostcode, s.BlindIndex(IndexPostcode, "ls1 4er")},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d indexes %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || !bytes.Equal(got[i].Value, want[i].Value) {
			t.Errorf("index %d: got %s %x, want %s %x", i, got[i].Kind, got[i].Value, want[i].Kind, want[i].Value)
		}
	}
	if got := s.Indexes(Identity{Forename: "Jo", DOB: pole.YearOnly(2009)}); len(got) != 0 {
		t.Errorf("an identity with only a forename and a year of birth: got %v, want no indexes", got)
	}
}
