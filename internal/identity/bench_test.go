package identity

import "testing"

func BenchmarkSeal(b *testing.B) {
	s := NewSealer(newRing(b))
	id := victim()
	for b.Loop() {
		if _, _, err := s.Seal("0195f3c2-7a41-7cc1-9d0e-3b1f6f0a2c11", id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	s := NewSealer(newRing(b))
	rowID := "0195f3c2-7a41-7cc1-9d0e-3b1f6f0a2c11"
	keyID, ct := seal(b, s, rowID, victim())
	for b.Loop() {
		if _, err := s.Open(rowID, keyID, ct); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	s := NewSealer(newRing(b))
	for b.Loop() {
		s.BlindIndex(IndexName, "O'Neill-Fairweather, Siobhán")
	}
}

func BenchmarkPseudonym(b *testing.B) {
	s := NewSealer(newRing(b))
	for b.Loop() {
		s.Pseudonym("0195f3c2-7a41-7cc1-9d0e-3b1f6f0a2c11")
	}
}
