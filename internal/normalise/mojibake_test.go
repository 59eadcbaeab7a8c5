package normalise

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func TestRepairMojibakeRepairsUTF8ReadAsWindows1252(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hereâ€™s", "Here’s"},
		{"SiobhÃ¡n", "Siobhán"},
		{"ZoÃ«", "Zoë"},
		{"Ã\u0081ngel", "Ángel"},
		{"Å\u0081ukasz", "Łukasz"},
		{"Â£5", "£5"},
		{"ï»¿Smith", "\ufeffSmith"},
		{"â€œquotedâ€\u009d", "“quoted”"},
		{"Here\u00e2\u0080\u0099s", "Here’s"},
		{"SiobhÃƒÂ¡n", "Siobhán"},
		{"SiobhÃƒÆ’Ã‚Â¡n", "Siobhán"},
	} {
		got, changed := RepairMojibake(tc.in)
		if got != tc.want || !changed {
			t.Errorf("RepairMojibake(%q): got %q, %v, want %q, true", tc.in, got, changed, tc.want)
		}
	}
}

func TestRepairMojibakeLeavesCorrectTextAlone(t *testing.T) {
	for _, in := range []string{
		"", "Smith", "Siobhán", "Łukasz", "naïve", "£5", "Zoë", "Here’s", "€100", "São Paulo",
		"Ólafur Ó Briain", "Straße", "Дмитрий", "محمد", "Â", "Ã", "bad\xffbyte",
		"Siobhán SiobhÃ¡n", // mixed: not guessed at
		"Â\u0080",          // would repair to a C1 control
	} {
		if got, changed := RepairMojibake(in); got != in || changed {
			t.Errorf("RepairMojibake(%q): got %q, %v, want it unchanged", in, got, changed)
		}
	}
}

func FuzzRepairMojibake(f *testing.F) {
	for _, s := range []string{"Hereâ€™s", "SiobhÃ¡n", "Siobhán", "£5", "Â", "ï»¿", "Ã\u0081", "\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, changed := RepairMojibake(s)
		if changed != (got != s) {
			t.Fatalf("RepairMojibake(%q) = %q, %v: wrong report of change", s, got, changed)
		}
		if again, changedAgain := RepairMojibake(got); again != got || changedAgain {
			t.Fatalf("RepairMojibake(%q) = %q, but repairing that gives %q", s, got, again)
		}
		if changed && !utf8.ValidString(got) {
			t.Fatalf("RepairMojibake(%q) = %q: not UTF-8", s, got)
		}
		// Text mangled once is repaired to itself, when it was plausible.
		if !utf8.ValidString(s) {
			return
		}
		mangled, err := charmap.Windows1252.NewDecoder().String(s)
		if err != nil || mangled == s || strings.ContainsRune(mangled, utf8.RuneError) {
			return // nothing to mangle, or a byte Windows-1252 leaves undefined
		}
		if repaired, _ := RepairMojibake(mangled); repaired != s {
			if _, ok := undoWindows1252(s); !ok && plausibleText(s) {
				t.Fatalf("RepairMojibake(%q), %q mangled: got %q, want it back", mangled, s, repaired)
			}
		}
	})
}

func plausibleText(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && !isPlausible(r) {
			return false
		}
	}
	return true
}
