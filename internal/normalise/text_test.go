package normalise

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestTextCleansWhatForcesWrite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Mohammed Hussain", "Mohammed Hussain"},
		{"  Mohammed   Hussain  ", "Mohammed Hussain"},
		{"Mohammed\tHussain\r\n", "Mohammed Hussain"},
		{"12 High St\nLeeds", "12 High St Leeds"},
		{"Moham\x00med\x07", "Mohammed"},
		{"\ufeffSmith", "Smith"},
		{"Smi\u200bth", "Smith"},
		{"Smith\u00a0Jones", "Smith Jones"},
		{"Ｓｍｉｔｈ", "Smith"},
		{"ﬁnch", "finch"},
		{"Sio\u0062ha\u0301n", "Siobhán"},
		{"Siobh\u00e1n", "Siobhán"},
		{"Zo\u00eb \u2019s", "Zoë ’s"},
		{"bad\xffbyte", "bad\ufffdbyte"},
		{"\u200d", "\u200d"},
		{"\t\n ", ""},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextDoesNotAllocateForCleanASCII(t *testing.T) {
	s := "12 High Street, Leeds LS1 4AP"
	if n := testing.AllocsPerRun(100, func() { Text(s) }); n != 0 {
		t.Errorf("allocations: got %v, want 0", n)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "  a  b ", "e\u200b\u0301", "\u00a8", "ﬁ\t\x00x", "\xff\xfe", "ǅ", " \u0301a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if again := Text(got); again != got {
			t.Fatalf("Text(%q) = %q, but Text of that is %q", s, got, again)
		}
		if !utf8.ValidString(got) || !norm.NFKC.IsNormalString(got) {
			t.Fatalf("Text(%q) = %q: not valid NFKC UTF-8", s, got)
		}
		for i, r := range got {
			if (unicode.IsSpace(r) && r != ' ') || isInvisible(r) {
				t.Fatalf("Text(%q) = %q: keeps %U", s, got, r)
			}
			if r == ' ' && (i == 0 || i == len(got)-1 || got[i+1] == ' ') {
				t.Fatalf("Text(%q) = %q: space not collapsed or trimmed", s, got)
			}
		}
	})
}

func BenchmarkText(b *testing.B) {
	for _, tc := range []struct{ name, in string }{
		{"clean-ascii", "12 High Street, Leeds LS1 4AP"},
		{"untidy-unicode", "  Siobhán  Ó\tBriain\r\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Text(tc.in)
			}
		})
	}
}
