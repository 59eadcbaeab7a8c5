package linkage

import "testing"

// Spellings that forces record for one person in the population caselink
// serves, and names that must stay apart.

var mohammedSpellings = []string{"mohammed", "muhammad", "mohamed", "mohammad"}

func TestMohammedSpellingsShareDoubleMetaphonePrimary(t *testing.T) {
	want, _ := DoubleMetaphone(mohammedSpellings[0])
	for _, name := range mohammedSpellings {
		if got, _ := DoubleMetaphone(name); got != want {
			t.Errorf("DoubleMetaphone(%q) primary = %q, want %q", name, got, want)
		}
		if got := NYSIIS(name); got != "MAHANAD" {
			t.Errorf("NYSIIS(%q) = %q, want MAHANAD", name, got)
		}
	}
}

func TestJaroWinklerScoresMohammedSpellings(t *testing.T) {
	// Two pairs fall below 0.88: Jaro-Winkler sees muhammad and mohamed as
	// differing in three places. This is why the phonetic codes and a list of
	// known variants are comparison levels of their own.
	tests := []struct {
		a, b string
		want float64
	}{
		{"mohammed", "mohamed", 0.975},
		{"mohammed", "mohammad", 0.950},
		{"muhammad", "mohammad", 0.925},
		{"mohamed", "mohammad", 0.921},
		{"mohammed", "muhammad", 0.850},
		{"muhammad", "mohamed", 0.802},
	}
	for _, tt := range tests {
		if got := round3(JaroWinkler(tt.a, tt.b)); got != tt.want {
			t.Errorf("JaroWinkler(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestHussainSpellingsShareSoundexAndDoubleMetaphonePrimary(t *testing.T) {
	for _, name := range []string{"hussain", "hussein", "husain"} {
		if got := Soundex(name); got != "H250" {
			t.Errorf("Soundex(%q) = %q, want H250", name, got)
		}
		if got, _ := DoubleMetaphone(name); got != "HSN" {
			t.Errorf("DoubleMetaphone(%q) primary = %q, want HSN", name, got)
		}
	}
}

func TestAliAndAlisonShareNoPhoneticCode(t *testing.T) {
	// Ali is not short for Alison, though Jaro-Winkler gives them 0.883.
	if a, b := Soundex("ali"), Soundex("alison"); a == b {
		t.Errorf("Soundex gives ali and alison the same code %q, want different", a)
	}
	if a, b := NYSIIS("ali"), NYSIIS("alison"); a == b {
		t.Errorf("NYSIIS gives ali and alison the same code %q, want different", a)
	}
	p1, a1 := DoubleMetaphone("ali")
	p2, a2 := DoubleMetaphone("alison")
	for _, c1 := range []string{p1, a1} {
		for _, c2 := range []string{p2, a2} {
			if c1 == c2 {
				t.Errorf("DoubleMetaphone gives ali %q/%q and alison %q/%q a code in common, want none", p1, a1, p2, a2)
			}
		}
	}
}
