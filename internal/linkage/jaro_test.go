package linkage

import (
	"math"
	"testing"
	"unicode/utf8"
)

// namePairs are realistic candidate pairs for the benchmarks.
var namePairs = [][2]string{
	{"mohammed", "muhammad"},
	{"hussain", "hussein"},
	{"smith", "smyth"},
	{"oneill", "oneil"},
	{"aleksandra", "alexandra"},
	{"abdulrahman", "abdul rahman"},
	{"siobhan", "shivaun"},
	{"jones", "johnson"},
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func TestJaroWinklerMatchesPublishedValues(t *testing.T) {
	// Winkler (1990) and the Wikipedia article on Jaro-Winkler distance.
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.813},
	}
	for _, tt := range tests {
		if got := round3(JaroWinkler(tt.a, tt.b)); got != tt.want {
			t.Errorf("JaroWinkler(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestJaroMatchesPublishedValues(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.944},
		{"dwayne", "duane", 0.822},
		{"dixon", "dicksonx", 0.767},
	}
	for _, tt := range tests {
		if got := round3(Jaro(tt.a, tt.b)); got != tt.want {
			t.Errorf("Jaro(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestJaroWinklerBoostsOnlyAboveThreshold(t *testing.T) {
	// "abcxyz"/"abcpqr" share a 3-rune prefix but their Jaro similarity is
	// 0.667, below 0.7, so no boost applies.
	a, b := "abcxyz", "abcpqr"
	if j, jw := Jaro(a, b), JaroWinkler(a, b); jw != j {
		t.Errorf("JaroWinkler(%q, %q) = %v, want the Jaro similarity %v", a, b, jw, j)
	}
}

func TestJaroWinklerCountsPrefixInRunes(t *testing.T) {
	// Same Jaro similarity, same 4-rune prefix, one spelt with 2-byte runes.
	ascii := JaroWinkler("abcdxy", "abcdyx")
	multi := JaroWinkler("ąćęłxy", "ąćęłyx")
	if ascii != multi {
		t.Errorf("got %v for a prefix of 2-byte runes, want %v as for ASCII", multi, ascii)
	}
}

func TestSimilaritiesHandleEmptyStrings(t *testing.T) {
	funcs := map[string]func(a, b string) float64{
		"Jaro": Jaro, "JaroWinkler": JaroWinkler, "TokenSetSimilarity": TokenSetSimilarity,
	}
	tests := []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"", "ali", 0},
		{"ali", "", 0},
	}
	for name, f := range funcs {
		for _, tt := range tests {
			if got := f(tt.a, tt.b); got != tt.want {
				t.Errorf("%s(%q, %q) = %v, want %v", name, tt.a, tt.b, got, tt.want)
			}
		}
	}
}

func TestSimilaritiesAreSymmetricAndOneForIdentity(t *testing.T) {
	funcs := map[string]func(a, b string) float64{
		"Jaro": Jaro, "JaroWinkler": JaroWinkler, "TokenSetSimilarity": TokenSetSimilarity,
	}
	names := []string{
		"mohammed", "muhammad", "mohd", "hussain", "husain", "ali", "alison",
		"oneill", "mohammed ali", "ali mohammed", "zoë", "łukasz", "李小龙", "",
	}
	for name, f := range funcs {
		for _, a := range names {
			if got := f(a, a); got != 1 {
				t.Errorf("%s(%q, %q) = %v, want 1", name, a, a, got)
			}
			for _, b := range names {
				if ab, ba := f(a, b), f(b, a); ab != ba {
					t.Errorf("%s(%q, %q) = %v but %s(%q, %q) = %v, want equal", name, a, b, ab, name, b, a, ba)
				}
			}
		}
	}
}

func TestJaroWinklerWorksBeyondStackBuffer(t *testing.T) {
	long := "mohammedhussainaliabdulrahmanmohammedhussainaliabdulrahmanmohammedhussain"
	if utf8.RuneCountInString(long) <= stackRunes {
		t.Fatalf("test name has %d runes, want more than %d", utf8.RuneCountInString(long), stackRunes)
	}
	if got := JaroWinkler(long, long+"x"); got <= 0.99 || got >= 1 {
		t.Errorf("JaroWinkler of a long name and itself plus one rune = %v, want in (0.99, 1)", got)
	}
	if got := JaroWinkler(long, "mohammed"); got <= 0 || got >= 1 {
		t.Errorf("JaroWinkler of a long name and a short one = %v, want in (0, 1)", got)
	}
}

func TestSimilaritiesDoNotAllocateForShortNames(t *testing.T) {
	funcs := map[string]func(){
		"Jaro":               func() { Jaro("mohammed", "muhammad") },
		"JaroWinkler":        func() { JaroWinkler("mohammed", "muhammad") },
		"DamerauLevenshtein": func() { DamerauLevenshtein("mohammed", "muhammad") },
		"TokenSetSimilarity": func() { TokenSetSimilarity("mohammed ali hussain", "hussein mohamed") },
	}
	for name, f := range funcs {
		if got := testing.AllocsPerRun(100, f); got != 0 {
			t.Errorf("%s allocates %v times per call, want 0", name, got)
		}
	}
}

func FuzzJaroWinkler(f *testing.F) {
	for _, p := range namePairs {
		f.Add(p[0], p[1])
	}
	f.Add("", "a")
	f.Add("\xff\xfe", "\xfe")
	f.Fuzz(func(t *testing.T, a, b string) {
		j, jw := Jaro(a, b), JaroWinkler(a, b)
		if !(0 <= j && j <= 1) || !(0 <= jw && jw <= 1) {
			t.Fatalf("Jaro = %v, JaroWinkler = %v for %q, %q, want both in [0,1]", j, jw, a, b)
		}
		if jw < j {
			t.Fatalf("JaroWinkler = %v below Jaro = %v for %q, %q", jw, j, a, b)
		}
		if j2, jw2 := Jaro(b, a), JaroWinkler(b, a); j2 != j || jw2 != jw {
			t.Fatalf("for %q, %q got Jaro %v/%v and JaroWinkler %v/%v by argument order, want equal", a, b, j, j2, jw, jw2)
		}
		if got := JaroWinkler(a, a); got != 1 {
			t.Fatalf("JaroWinkler(%q, itself) = %v, want 1", a, got)
		}
	})
}

func BenchmarkJaro(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := namePairs[i%len(namePairs)]
		Jaro(p[0], p[1])
		i++
	}
}

func BenchmarkJaroWinkler(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := namePairs[i%len(namePairs)]
		JaroWinkler(p[0], p[1])
		i++
	}
}
