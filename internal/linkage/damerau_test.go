package linkage

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDamerauLevenshteinCountsEdits(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "ali", 3},
		{"ali", "", 3},
		{"kitten", "sitting", 3},
		{"hussain", "hussein", 1},
		{"hussain", "husain", 1},
		{"mohammed", "muhammad", 2},
		{"martha", "marhta", 1}, // one adjacent swap
		{"ab", "ba", 1},
		{"ca", "abc", 3}, // optimal string alignment: 3, where unrestricted Damerau gives 2
		{"zoë", "zoe", 1},
		{"łukasz", "lukasz", 1},
	}
	for _, tt := range tests {
		if got := DamerauLevenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("DamerauLevenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDamerauLevenshteinWorksBeyondStackBuffer(t *testing.T) {
	long := strings.Repeat("mohammed", 10)
	if got := DamerauLevenshtein(long, long[1:]); got != 1 {
		t.Errorf("DamerauLevenshtein of an 80-rune name and itself less a rune = %d, want 1", got)
	}
	if got := DamerauLevenshtein("moh", long); got != len(long)-3 {
		t.Errorf("DamerauLevenshtein(moh, 80-rune name) = %d, want %d", got, len(long)-3)
	}
}

func FuzzDamerauLevenshtein(f *testing.F) {
	for _, p := range namePairs {
		f.Add(p[0], p[1])
	}
	f.Add("", "a")
	f.Add("ca", "abc")
	f.Add("\xff", "\xfe")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := DamerauLevenshtein(a, b)
		if d2 := DamerauLevenshtein(b, a); d2 != d {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d but %d the other way round", a, b, d, d2)
		}
		la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
		if d < max(la, lb)-min(la, lb) || d > max(la, lb) {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d, want between %d and %d", a, b, d, max(la, lb)-min(la, lb), max(la, lb))
		}
		if same := slices.Equal([]rune(a), []rune(b)); (d == 0) != same {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d, want 0 exactly when the runes are equal", a, b, d)
		}
	})
}

func BenchmarkDamerauLevenshtein(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := namePairs[i%len(namePairs)]
		DamerauLevenshtein(p[0], p[1])
		i++
	}
}
