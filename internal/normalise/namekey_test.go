package normalise

import (
	"strings"
	"testing"
)

func TestNameKeyMatchesTheWaysForcesWriteOneName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Hussain", "hussain"},
		{"HUSSAIN", "hussain"},
		{"O'Neill", "oneill"},
		{"O’NEILL", "oneill"},
		{"O´Neill", "oneill"},
		{"Smith-Jones", "smithjones"},
		{"Smith – Jones", "smith jones"},
		{"St. John", "st john"},
		{"  Mohammed   Imran\tHussain ", "mohammed imran hussain"},
		{"Łukasz", "lukasz"},
		{"Søren", "soren"},
		{"Straße", "strasse"},
		{"STRAẞE", "strasse"},
		{"Ștefan", "stefan"},
		{"Ştefan", "stefan"},
		{"Siobhán", "siobhan"},
		{"Sio\u0062ha\u0301n", "siobhan"},
		{"Zoë", "zoe"},
		{"Đorđević", "dordevic"},
		{"Þór", "thor"},
		{"Ægir", "aegir"},
		{"İlkay", "ilkay"},
		{"Ｓｍｉｔｈ", "smith"},
		{"Ὀδυσσεύς", "οδυσσευσ"},
		{"Дмитрий", "дмитрий"},
		{"محمد", "محمد"},
		{"김민준", "김민준"},
		{"Hussain, Mohammed", "hussain, mohammed"},
	} {
		if got := NameKey(tc.in); got != tc.want {
			t.Errorf("NameKey(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNameKeyAllocatesAtMostTheKeyForASCII(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"mohammed hussain", 0},
		{"Mohammed O'Neill-Hussain", 1},
	} {
		if got := testing.AllocsPerRun(100, func() { NameKey(tc.in) }); got != tc.want {
			t.Errorf("NameKey(%q) allocations: got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"", "O'Neill", "Smith - Jones", "Łukasz", "STRAẞE", "İ", "ǅ", "a\u200b\u0301", "´", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NameKey(s)
		if again := NameKey(got); again != got {
			t.Fatalf("NameKey(%q) = %q, but NameKey of that is %q", s, got, again)
		}
		if got != Text(got) {
			t.Fatalf("NameKey(%q) = %q: not clean text", s, got)
		}
		if strings.ContainsAny(got, "'-.") {
			t.Fatalf("NameKey(%q) = %q: keeps an apostrophe, hyphen or dot", s, got)
		}
		if isASCII(s) {
			if slow := unicodeNameKey(s); slow != got {
				t.Fatalf("NameKey(%q): the ASCII path gives %q, the Unicode path %q", s, got, slow)
			}
			if NameKey(strings.ToUpper(s)) != NameKey(strings.ToLower(s)) {
				t.Fatalf("NameKey(%q): upper and lower case give different keys", s)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func BenchmarkNameKey(b *testing.B) {
	for _, tc := range []struct{ name, in string }{
		{"ascii", "Mohammed Imran O'Neill-Hussain"},
		{"accented", "Siobhán Łukasz Ó Briain"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NameKey(tc.in)
			}
		})
	}
}
