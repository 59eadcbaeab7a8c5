package normalise

import (
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestSplitNameReadsSurnameFirstNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Name
	}{
		{"HUSSAIN, Mohammed Imran", Name{"Mohammed", "Imran", "Hussain"}},
		{"Hussain,Mohammed", Name{"Mohammed", "", "Hussain"}},
		{"HUSSAIN, MOHAMMED IMRAN", Name{"Mohammed", "Imran", "Hussain"}},
		{"O'NEILL, Siobhán", Name{"Siobhán", "", "O'Neill"}},
		{"MCDONALD, Mr. Ian", Name{"Ian", "", "McDonald"}},
		{"SMITH-JONES, Dr Rev Anne Marie Louise", Name{"Anne", "Marie Louise", "Smith-Jones"}},
		{"VAN BEETHOVEN, Ludwig", Name{"Ludwig", "", "Van Beethoven"}},
		{"LORD, Jonathan", Name{"Jonathan", "", "Lord"}},
		{"Dr SMITH, John", Name{"John", "", "Smith"}},
		{"HUSSAIN", Name{"", "", "Hussain"}},
		{"HUSSAIN MOHAMMED", Name{"", "", "Hussain Mohammed"}},
		{"HUSSAIN, Mohammed, Imran", Name{"Mohammed", "Imran", "Hussain"}},
		{"  de  SOUZA ,\tMaria  ", Name{"Maria", "", "de Souza"}},
		{", Maria", Name{"Maria", "", ""}},
		{"SMITH, Mrs", Name{"", "", "Smith"}},
	} {
		got, err := SplitName(tc.in, SurnameCommaForenames)
		if err != nil || got != tc.want {
			t.Errorf("SplitName(%q): got %+v (%v), want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestSplitNameReadsForenamesFirstNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Name
	}{
		{"Mohammed Imran Hussain", Name{"Mohammed", "Imran", "Hussain"}},
		{"Mohammed Imran HUSSAIN", Name{"Mohammed", "Imran", "Hussain"}},
		{"Mr Mohammed Hussain", Name{"Mohammed", "", "Hussain"}},
		{"DR. JOHN SMITH", Name{"John", "", "Smith"}},
		{"Ludwig van Beethoven", Name{"Ludwig", "", "van Beethoven"}},
		{"Mohammed Al Hassan", Name{"Mohammed", "", "Al Hassan"}},
		{"Maria de la Cruz", Name{"Maria", "", "de la Cruz"}},
		{"Johannes van der Berg", Name{"Johannes", "", "van der Berg"}},
		{"Mohammed bin Salman Al Saud", Name{"Mohammed", "bin Salman", "Al Saud"}},
		{"Mary O' Neill", Name{"Mary", "", "O' Neill"}},
		{"John St. John", Name{"John", "", "St. John"}},
		{"Van Morrison", Name{"Van", "", "Morrison"}},
		{"Jonathan Lord", Name{"Jonathan", "", "Lord"}},
		{"John O Smith", Name{"John", "O", "Smith"}},
		{"Madonna", Name{"", "", "Madonna"}},
		{"HUSSAIN, Mohammed", Name{"Mohammed", "", "Hussain"}},
		{"Siobhán Ó Briain", Name{"Siobhán", "Ó", "Briain"}},
	} {
		got, err := SplitName(tc.in, ForenamesThenSurname)
		if err != nil || got != tc.want {
			t.Errorf("SplitName(%q): got %+v (%v), want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestSplitNameRejectsTitlesAlone(t *testing.T) {
	for _, style := range []NameStyle{SurnameCommaForenames, ForenamesThenSurname} {
		for _, in := range []string{"", "  ", "Mr", "Mrs.", ", Dr", "Mr Lord", ",", "Lord, Mr"} {
			got, err := SplitName(in, style)
			if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "name" {
				t.Errorf("SplitName(%q, %d): got %+v (%v), want an invalid name", in, style, got, err)
			}
		}
	}
}

func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"HUSSAIN, Mohammed Imran", "Ludwig van Beethoven", "Mr", "a,b,c", "Dr SMITH, John", "o' NEILL", "ǅ x"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, forenamesFirst bool) {
		style := SurnameCommaForenames
		if forenamesFirst {
			style = ForenamesThenSurname
		}
		n, err := SplitName(s, style)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("SplitName(%q): error %v is not invalid input", s, err)
			}
			return
		}
		for _, part := range []string{n.Forename, n.Middle, n.Surname} {
			if part != Text(part) || strings.Contains(part, ",") {
				t.Fatalf("SplitName(%q) = %+v: part %q is not clean", s, n, part)
			}
		}
		again, err := SplitName(joinName(n, SurnameCommaForenames), style)
		if err != nil || again != n {
			t.Fatalf("SplitName(%q) = %+v, but written surname first it splits to %+v (%v)", s, n, again, err)
		}
		if style == ForenamesThenSurname && !strings.Contains(Text(s), ",") {
			again, err := SplitName(joinName(n, ForenamesThenSurname), ForenamesThenSurname)
			if err != nil || again != n {
				t.Fatalf("SplitName(%q) = %+v, but written forenames first it splits to %+v (%v)", s, n, again, err)
			}
		}
	})
}

func joinName(n Name, style NameStyle) string {
	forenames := strings.TrimSpace(n.Forename + " " + n.Middle)
	if style == SurnameCommaForenames {
		return n.Surname + ", " + forenames
	}
	return strings.TrimSpace(forenames + " " + n.Surname)
}
