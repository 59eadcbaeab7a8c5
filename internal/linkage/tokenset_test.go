package linkage

import (
	"strings"
	"testing"
)

func TestTokenSetSimilarityIgnoresWordOrder(t *testing.T) {
	tests := []struct{ a, b string }{
		{"hussain mohammed", "mohammed hussain"},
		{"mohammed ali hussain", "hussain ali mohammed"},
		{"ali  mohammed", "mohammed ali"},
	}
	for _, tt := range tests {
		if got := TokenSetSimilarity(tt.a, tt.b); got != 1 {
			t.Errorf("TokenSetSimilarity(%q, %q) = %v, want 1", tt.a, tt.b, got)
		}
	}
}

func TestTokenSetSimilarityPairsEachWordOnce(t *testing.T) {
	if got := TokenSetSimilarity("ali ali", "ali"); got != 0.5 {
		t.Errorf("TokenSetSimilarity(ali ali, ali) = %v, want 0.5", got)
	}
}

func TestTokenSetSimilarityFindsBestTotalNotGreedyPairs(t *testing.T) {
	// Pairing the equal words first scores (1 + 0)/2, as mohamed and ali
	// share no rune within the Jaro window; pairing crosswise scores more.
	a, b := "mohammed mohamed", "mohammed ali"
	want := (JaroWinkler("mohamed", "mohammed") + JaroWinkler("mohammed", "ali")) / 2
	if got := TokenSetSimilarity(a, b); round3(got) != round3(want) || got <= 0.5 {
		t.Errorf("TokenSetSimilarity(%q, %q) = %.3f, want %.3f", a, b, got, want)
	}
}

func TestTokenSetSimilarityAveragesOverLongerName(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"mohammed", "mohammed ali", 0.5},
		{"ali", "mohammed ali hussain", 1.0 / 3},
		{"hussein mohamed", "mohammed ali hussain", (JaroWinkler("hussein", "hussain") + JaroWinkler("mohamed", "mohammed")) / 3},
		{" ", "ali", 0},
		{" ", "  ", 1},
	}
	for _, tt := range tests {
		if got := TokenSetSimilarity(tt.a, tt.b); round3(got) != round3(tt.want) {
			t.Errorf("TokenSetSimilarity(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTokenSetSimilarityWorksBeyondStackBuffer(t *testing.T) {
	words := strings.Fields("a b c d e f g h i j k l")
	if len(words) <= stackTokens {
		t.Fatalf("test name has %d words, want more than %d", len(words), stackTokens)
	}
	shuffled := append(append([]string{}, words[6:]...), words[:6]...)
	a, b := strings.Join(words, " "), strings.Join(shuffled, " ")
	if got := TokenSetSimilarity(a, b); got != 1 {
		t.Errorf("TokenSetSimilarity of 12 words and a shuffle of them = %v, want 1", got)
	}
	if got := TokenSetSimilarity(a, "a b c"); got != 0.25 {
		t.Errorf("TokenSetSimilarity of 12 words and 3 of them = %v, want 0.25", got)
	}
}

func FuzzTokenSetSimilarity(f *testing.F) {
	f.Add("hussain mohammed", "mohammed hussain")
	f.Add("mohammed ali hussain", "hussein mohamed")
	f.Add(" ", "a  b")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 200 || len(b) > 200 {
			return // the pairing is cubic in words; names are short
		}
		got := TokenSetSimilarity(a, b)
		if !(0 <= got && got <= 1) {
			t.Fatalf("TokenSetSimilarity(%q, %q) = %v, want in [0,1]", a, b, got)
		}
		if back := TokenSetSimilarity(b, a); back != got {
			t.Fatalf("TokenSetSimilarity(%q, %q) = %v but %v the other way round", a, b, got, back)
		}
		if self := TokenSetSimilarity(a, a); self != 1 {
			t.Fatalf("TokenSetSimilarity(%q, itself) = %v, want 1", a, self)
		}
	})
}

func BenchmarkTokenSetSimilarity(b *testing.B) {
	b.ReportAllocs()
	pairs := [][2]string{
		{"hussain mohammed", "mohammed hussain"},
		{"mohammed ali hussain", "hussein mohamed"},
		{"siobhan mary oneill", "shivaun oneil"},
		{"abdul rahman khan", "abdulrahman khan"},
	}
	i := 0
	for b.Loop() {
		p := pairs[i%len(pairs)]
		TokenSetSimilarity(p[0], p[1])
		i++
	}
}
