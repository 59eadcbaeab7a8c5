package linkage

import "testing"

func TestSoundexMatchesPublishedCodes(t *testing.T) {
	// Knuth, The Art of Computer Programming vol. 3 (Robert to Lukasiewicz),
	// and the US National Archives' guide to the Soundex system (the rest).
	tests := []struct{ name, want string }{
		{"robert", "R163"},
		{"rupert", "R163"},
		{"rubin", "R150"},
		{"euler", "E460"},
		{"gauss", "G200"},
		{"hilbert", "H416"},
		{"knuth", "K530"},
		{"lloyd", "L300"},
		{"lukasiewicz", "L222"},
		{"ashcraft", "A261"}, // H between S and C: coded once
		{"tymczak", "T522"},  // vowel between Z and K: coded twice
		{"pfister", "P236"},  // F coded like the first letter P: not coded
		{"honeyman", "H555"}, // Y between N and M: coded twice
		{"washington", "W252"},
		{"kuhne", "K500"},
		{"lee", "L000"},
		{"ebell", "E140"},
		{"ebelson", "E142"},
		{"schaefer", "S160"},
		{"buerck", "B620"},
	}
	for _, tt := range tests {
		if got := Soundex(tt.name); got != tt.want {
			t.Errorf("Soundex(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSoundexIgnoresCaseAndNonLetters(t *testing.T) {
	tests := []struct{ name, want string }{
		{"ROBERT", "R163"},
		{"o neill", "O540"},
		{"  42 robert", "R163"},
		{"zoë", "Z000"},
		{"", ""},
		{"123 -", ""},
		{"李", ""},
	}
	for _, tt := range tests {
		if got := Soundex(tt.name); got != tt.want {
			t.Errorf("Soundex(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func FuzzSoundex(f *testing.F) {
	for _, name := range phoneticSeeds {
		f.Add(name)
	}
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		code := Soundex(s)
		if !hasASCIILetter(s) {
			if code != "" {
				t.Fatalf("Soundex(%q) = %q, want \"\" for no letters", s, code)
			}
			return
		}
		if len(code) != 4 || code[0] < 'A' || code[0] > 'Z' {
			t.Fatalf("Soundex(%q) = %q, want a letter and three digits", s, code)
		}
		for i := 1; i < 4; i++ {
			if code[i] < '0' || code[i] > '6' {
				t.Fatalf("Soundex(%q) = %q, want a letter and three digits 0-6", s, code)
			}
		}
		if up := Soundex(asciiUpper(s)); up != code {
			t.Fatalf("Soundex(%q) = %q but %q in upper case", s, code, up)
		}
	})
}

func BenchmarkSoundex(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Soundex(phoneticSeeds[i%len(phoneticSeeds)])
		i++
	}
}
