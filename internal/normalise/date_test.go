package normalise

import (
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func mustCompile(t testing.TB, layouts []string, pivot int) *DateParser {
	t.Helper()
	p, err := CompileDateLayouts(layouts, pivot)
	if err != nil {
		t.Fatalf("CompileDateLayouts(%q, %d): %v", layouts, pivot, err)
	}
	return p
}

func TestParseDateReadsEachLayoutAtItsPrecision(t *testing.T) {
	for _, tc := range []struct {
		layout, in string
		want       pole.PartialDate
	}{
		{"dd/mm/yyyy", "12/03/1981", pole.Date(1981, 3, 12)},
		{"yyyy-mm-dd", "1981-03-12", pole.Date(1981, 3, 12)},
		{"dd Month yyyy", "12 March 1981", pole.Date(1981, 3, 12)},
		{"dd Month yyyy", "12 MARCH 1981", pole.Date(1981, 3, 12)},
		{"dd Month yyyy", "01 may 1981", pole.Date(1981, 5, 1)},
		{"d Mon yyyy", "1 Sep 2011", pole.Date(2011, 9, 1)},
		{"d Mon yyyy", "1 Sept 2011", pole.Date(2011, 9, 1)},
		{"dd-Mon-yy", "01-JAN-81", pole.Date(1981, 1, 1)},
		{"dd-mm-yy", "12-03-81", pole.Date(1981, 3, 12)},
		{"dd-mm-yy", "12-03-24", pole.Date(2024, 3, 12)},
		{"dd-mm-yy", "12-03-30", pole.Date(1930, 3, 12)},
		{"d/m/yyyy", "1/3/1981", pole.Date(1981, 3, 1)},
		{"d/m/yyyy", "12/11/1981", pole.Date(1981, 11, 12)},
		{"ddmmyyyy", "12031981", pole.Date(1981, 3, 12)},
		{"yyyy", "1981", pole.YearOnly(1981)},
		{"mm/yyyy", "03/1981", pole.YearMonth(1981, 3)},
		{"Month yyyy", "March 1981", pole.YearMonth(1981, 3)},
		{"yyyy-mm", "1981-03", pole.YearMonth(1981, 3)},
		{"dd/mm/yyyy", "  12/03/1981 ", pole.Date(1981, 3, 12)},
		{"dd/mm/yyyy", "29/02/2000", pole.Date(2000, 2, 29)},
		{"dd/mm/yyyy", "", pole.PartialDate{}},
		{"dd/mm/yyyy", "   ", pole.PartialDate{}},
		{"dd.mm.yyyy", "12.03.1981", pole.Date(1981, 3, 12)},
	} {
		p := mustCompile(t, []string{tc.layout}, 25)
		got, err := p.Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: Parse(%q): got %v (%v), want %v", tc.layout, tc.in, got, err, tc.want)
		}
	}
}

func TestParseDateTakesTheFirstLayoutThatFits(t *testing.T) {
	p := mustCompile(t, []string{"dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "mm/yyyy", "yyyy"}, 25)
	for _, tc := range []struct {
		in   string
		want pole.PartialDate
	}{
		{"03/04/2011", pole.Date(2011, 4, 3)},
		{"03/13/2011", pole.Date(2011, 3, 13)},
		{"2011-04-03", pole.Date(2011, 4, 3)},
		{"04/2011", pole.YearMonth(2011, 4)},
		{"2011", pole.YearOnly(2011)},
	} {
		got, err := p.Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q): got %v (%v), want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseDateRejectsDatesThatDoNotExist(t *testing.T) {
	p := mustCompile(t, []string{"dd/mm/yyyy", "yyyy-mm-dd", "mm/yyyy"}, 25)
	for _, tc := range []struct{ in, why string }{
		{"31/02/2011", "day 31 does not exist in 2011-02"},
		{"29/02/2011", "day 29 does not exist"},
		{"12/13/2011", "month 13 is not 1-12"},
		{"00/03/2011", "day 0 does not exist"},
		{"00/2011", "month 0 is not 1-12"},
		{"12/03/0000", "year 0 does not exist"},
		{"12/03/1850", "year 1850 is outside"},
		{"2011-02-31", "as yyyy-mm-dd, day 31"},
		{"12/3/2011", "fits none of the layouts dd/mm/yyyy, yyyy-mm-dd, mm/yyyy"},
		{"12/03/2011 00:00", "fits none of the layouts"},
		{"yesterday", "fits none of the layouts"},
		{"１２/03/2011", "fits none of the layouts"},
	} {
		got, err := p.Parse(tc.in)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "date" {
			t.Errorf("Parse(%q): got %v (%v), want an invalid date", tc.in, got, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.in) || !strings.Contains(msg, tc.why) {
			t.Errorf("Parse(%q): got error %q, want it to name the value and say %q", tc.in, msg, tc.why)
		}
	}
}

func TestCompileDateLayoutsRejectsLayoutsItCannotRead(t *testing.T) {
	for _, tc := range []struct {
		layouts []string
		pivot   int
	}{
		{nil, 25},
		{[]string{"dd/mm/yyyy"}, -1},
		{[]string{"dd/mm/yyyy"}, 100},
		{[]string{"DD/MM/YYYY"}, 25},
		{[]string{"dd/mm/yyy"}, 25},
		{[]string{"dd/mm"}, 25},
		{[]string{"dd/yyyy"}, 25},
		{[]string{"mm/mm/yyyy"}, 25},
		{[]string{"yyyy/yy"}, 25},
		{[]string{"dmyyyy"}, 25},
		{[]string{"yyyy-mm-ddThh"}, 25},
		{[]string{"dd/mm/yyyy", "yyyy-q"}, 25},
		{[]string{"yyyy", "19yy"}, 25},
		{[]string{""}, 25},
	} {
		_, err := CompileDateLayouts(tc.layouts, tc.pivot)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "date_layout" {
			t.Errorf("CompileDateLayouts(%q, %d): got %v, want an invalid date_layout", tc.layouts, tc.pivot, err)
		}
	}
}

func TestParseDateAllocatesNothingOnSuccess(t *testing.T) {
	p := mustCompile(t, []string{"yyyy-mm-dd", "dd/mm/yyyy", "d/m/yy", "dd Mon yyyy"}, 25)
	for _, in := range []string{"1981-03-12", "12/03/1981", "1/3/81", "12 Mar 1981"} {
		if got := testing.AllocsPerRun(100, func() { p.Parse(in) }); got != 0 {
			t.Errorf("Parse(%q) allocations: got %v, want 0", in, got)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, tc := range [][2]string{
		{"dd/mm/yyyy", "12/03/1981"}, {"d/m/yy", "1/3/81"}, {"dd Month yyyy", "12 march 1981"},
		{"Mon yyyy", "Sept 2011"}, {"yyyy", "1981"}, {"dd/mm/yyyy", "31/02/2011"}, {"mm/yyyy", "00/2011"},
		{"yyyy-mm", ""}, {"d", "1"}, {"yyyyMonth", "2011may"},
	} {
		f.Add(tc[0], tc[1])
	}
	iso := mustCompile(f, []string{"yyyy-mm-dd", "yyyy-mm", "yyyy"}, 0)
	f.Fuzz(func(t *testing.T, layout, s string) {
		p, err := CompileDateLayouts([]string{layout}, 50)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("CompileDateLayouts(%q): error %v is not invalid input", layout, err)
			}
			return
		}
		d, err := p.Parse(s)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("%s: Parse(%q): error %v is not invalid input", layout, s, err)
			}
			return
		}
		if verr := d.Valid(); verr != nil {
			t.Fatalf("%s: Parse(%q) = %v, which is not valid: %v", layout, s, d, verr)
		}
		if d.IsZero() != (strings.TrimSpace(s) == "") {
			t.Fatalf("%s: Parse(%q) = %v: no date for a value or no value for a date", layout, s, d)
		}
		want := pole.PrecisionDay
		switch {
		case !strings.Contains(layout, "m") && !strings.Contains(layout, "Mon"):
			want = pole.PrecisionYear
		case !strings.Contains(layout, "d"):
			want = pole.PrecisionMonth
		}
		if !d.IsZero() && d.Precision() != want {
			t.Fatalf("%s: Parse(%q) = %v: precision %v, want %v", layout, s, d, d.Precision(), want)
		}
		if again, err := iso.Parse(d.String()); err != nil || again != d {
			t.Fatalf("%s: Parse(%q) = %v, but its ISO form reads as %v (%v)", layout, s, d, again, err)
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	p := mustCompile(b, []string{"dd/mm/yyyy", "yyyy-mm-dd", "d/m/yy", "dd Month yyyy", "mm/yyyy", "yyyy"}, 25)
	for _, tc := range []struct{ name, in string }{
		{"first-layout", "12/03/1981"},
		{"third-layout", "1/3/81"},
		{"month-name", "12 March 1981"},
		{"last-layout", "1981"},
		{"invalid", "31/02/1981"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Parse(tc.in)
			}
		})
	}
}
