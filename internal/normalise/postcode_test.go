package normalise

import (
	"strconv"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestParsePostcodeAcceptsEveryUKFormatInAnySpacing(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Postcode
	}{
		{"SW1A 1AA", Postcode{"SW1A 1AA", "SW1A 1", "SW1A", "SW"}},
		{"sw1a1aa", Postcode{"SW1A 1AA", "SW1A 1", "SW1A", "SW"}},
		{" SW1A  1AA ", Postcode{"SW1A 1AA", "SW1A 1", "SW1A", "SW"}},
		{"BD111HA", Postcode{"BD11 1HA", "BD11 1", "BD11", "BD"}},
		{"M1 1AE", Postcode{"M1 1AE", "M1 1", "M1", "M"}},
		{"B33 8TH", Postcode{"B33 8TH", "B33 8", "B33", "B"}},
		{"CR2 6XH", Postcode{"CR2 6XH", "CR2 6", "CR2", "CR"}},
		{"DN55 1PT", Postcode{"DN55 1PT", "DN55 1", "DN55", "DN"}},
		{"W1A 0AX", Postcode{"W1A 0AX", "W1A 0", "W1A", "W"}},
		{"EC1A 1BB", Postcode{"EC1A 1BB", "EC1A 1", "EC1A", "EC"}},
		{"gir 0aa", Postcode{"GIR 0AA", "GIR 0", "GIR", "GIR"}},
		{"LS1\u00a04AP", Postcode{"LS1 4AP", "LS1 4", "LS1", "LS"}},
	} {
		got, err := ParsePostcode(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParsePostcode(%q): got %+v (%v), want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParsePostcodeRejectsWhatIsNotAPostcode(t *testing.T) {
	for _, in := range []string{
		"", "SW1A", "SW1A 1A", "SW1A 1AAA", "1SW 1AA", "SWA1 1AA", "S 1AA", "ABC1 1AA",
		"SW1A 1CA", "SW1A 1AI", "SW1A 1AK", "SW1A 1MA", "SW1A 1OA", "SW1A 1AV", "SW1A AAA",
		"SW1A-1AA", "GIR 1AA", "GIR 0AB", "ŚW1A 1AA", "SW11A 1AA", "SW1AA 1AA",
	} {
		got, err := ParsePostcode(in)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "postcode" {
			t.Errorf("ParsePostcode(%q): got %+v (%v), want an invalid postcode", in, got, err)
			continue
		}
		if !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("ParsePostcode(%q): error %q does not name the value", in, err)
		}
	}
}

func TestParsePostcodeAllocatesNothingForACanonicalPostcode(t *testing.T) {
	if got := testing.AllocsPerRun(100, func() { ParsePostcode("SW1A 1AA") }); got != 0 {
		t.Errorf("allocations: got %v, want 0", got)
	}
}

func FuzzParsePostcode(f *testing.F) {
	for _, s := range []string{"SW1A 1AA", "sw1a1aa", "BD111HA", "GIR0AA", "M1 1AE", "SW1A 1CA", "", "ｓｗ1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePostcode(s)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("ParsePostcode(%q): error %v is not invalid input", s, err)
			}
			return
		}
		again, err := ParsePostcode(p.Full)
		if err != nil || again != p {
			t.Fatalf("ParsePostcode(%q) = %+v, but ParsePostcode of its Full is %+v (%v)", s, p, again, err)
		}
		if !strings.HasPrefix(p.Full, p.Sector) || !strings.HasPrefix(p.Sector, p.District+" ") ||
			!strings.HasPrefix(p.District, p.Area) || p.Area == "" || len(p.Full)-len(p.Sector) != 2 {
			t.Fatalf("ParsePostcode(%q) = %+v: parts are not prefixes of one another", s, p)
		}
		if p.Full != strings.ToUpper(p.Full) {
			t.Fatalf("ParsePostcode(%q) = %+v: not upper case", s, p)
		}
	})
}

func BenchmarkParsePostcode(b *testing.B) {
	for _, tc := range []struct{ name, in string }{
		{"canonical", "SW1A 1AA"},
		{"untidy", " bd111ha "},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParsePostcode(tc.in)
			}
		})
	}
}
