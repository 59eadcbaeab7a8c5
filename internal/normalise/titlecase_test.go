package normalise

import "testing"

func TestTitleCaseRecasesOnlyNamesWrittenInOneCase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"HUSSAIN", "Hussain"},
		{"hussain", "Hussain"},
		{"O'NEILL", "O'Neill"},
		{"o’neill", "O’Neill"},
		{"D'ARCY", "D'Arcy"},
		{"MA'AFU", "Ma'afu"},
		{"MCDONALD", "McDonald"},
		{"mcdonald", "McDonald"},
		{"MC", "Mc"},
		{"MACHIN", "Machin"},
		{"SMITH-JONES", "Smith-Jones"},
		{"MOHAMMED IMRAN", "Mohammed Imran"},
		{"VAN BEETHOVEN", "Van Beethoven"},
		{"SIOBHÁN", "Siobhán"},
		{"ÓLAFUR", "Ólafur"},
		{"ŁUKASZ", "Łukasz"},
		{"ΟΔΥΣΣΕΑΣ", "Οδυσσεας"},
		{"J", "J"},
		{"McDonald", "McDonald"},
		{"DeSouza", "DeSouza"},
		{"van Beethoven", "van Beethoven"},
		{"محمد", "محمد"},
		{"123", "123"},
	} {
		if got := TitleCase(tc.in); got != tc.want {
			t.Errorf("TitleCase(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzTitleCase(f *testing.F) {
	for _, s := range []string{"", "O'NEILL", "mcdonald", "SMITH-JONES", "ǅ", "ΣΑΣ", "a b", "Mc", "ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := TitleCase(s)
		if again := TitleCase(got); again != got {
			t.Fatalf("TitleCase(%q) = %q, but TitleCase of that is %q", s, got, again)
		}
		if NameKey(got) != NameKey(s) && isASCII(s) {
			t.Fatalf("TitleCase(%q) = %q: changed more than case", s, got)
		}
	})
}
