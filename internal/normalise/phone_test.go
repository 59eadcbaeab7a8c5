package normalise

import (
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestPhoneWritesUKNumbersInE164(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"07700 900123", "+447700900123"},
		{"07700900123", "+447700900123"},
		{"(0113) 496 0000", "+441134960000"},
		{"0113-496-0000", "+441134960000"},
		{"0113.496.0000", "+441134960000"},
		{"020 7946 0000", "+442079460000"},
		{"+44 7700 900123", "+447700900123"},
		{"+447700900123", "+447700900123"},
		{"0044 7700 900123", "+447700900123"},
		{"+44 (0)7700 900123", "+447700900123"},
		{"+44 (0) 113 496 0000", "+441134960000"},
		{"0044 (0)7700 900123", "+447700900123"},
		{"+44 07700 900123", "+447700900123"},
		{"+44 (0)0113 496 0000", "+441134960000"},
		{"(+44) 7700 900123", "+447700900123"},
		{" 07700 900123 ", "+447700900123"},
		{"0113 496 0000 ext 12", "+441134960000"},
		{"0113 496 0000 ext. 12", "+441134960000"},
		{"0113 496 0000 Extn: 12", "+441134960000"},
		{"0113 496 0000 extension 12", "+441134960000"},
		{"0113 496 0000 x12", "+441134960000"},
		{"0113 496 0000x12", "+441134960000"},
		{"0113 496 0000 X 12", "+441134960000"},
	} {
		got, err := Phone(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Phone(%q): got %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestPhoneKeepsOtherInternationalNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+353 1 234 5678", "+35312345678"},
		{"00353 1 234 5678", "+35312345678"},
		{"+1 (202) 555-0123", "+12025550123"},
		{"+33 (0)1 23 45 67 89", "+33123456789"},
		{"+48 12 345 67 89", "+48123456789"},
		{"+12345678", "+12345678"},
		{"+123456789012345", "+123456789012345"},
	} {
		got, err := Phone(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Phone(%q): got %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestPhoneRejectsWhatIsNotAPhoneNumber(t *testing.T) {
	for _, in := range []string{
		"", "   ", "999", "0113 496 000", "0113 496 00000", "07700 9001234", "7700900123",
		"+44 7700 90012", "0044 0 0113 496 0000",
		"+1234567", "+1234567890123456", "+0 123 456 789", "000 123 456 789",
		"07700 900123 mobile", "Tel 07700 900123", "07700 900123 / 07700 900124", "07700 900123 ext",
		"+44+7700900123", "07700 900123+", "next 12", "０７７００ ９００１２３",
	} {
		got, err := Phone(in)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "phone" {
			t.Errorf("Phone(%q): got %q (%v), want an invalid phone", in, got, err)
		}
	}
}

func TestPhoneAllocatesNothingForANumberInE164(t *testing.T) {
	if got := testing.AllocsPerRun(100, func() { Phone("+447700900123") }); got != 0 {
		t.Errorf("allocations: got %v, want 0", got)
	}
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"07700 900123", "+44 (0)7700 900123", "0113 496 0000 x12", "+33 (0)1 23 45 67 89", "00353 1 234 5678", "(0)", "+", "x1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Phone(s)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("Phone(%q): error %v is not invalid input", s, err)
			}
			return
		}
		if len(got) < 9 || len(got) > 16 || got[0] != '+' || strings.Trim(got[1:], "0123456789") != "" || got[1] == '0' {
			t.Fatalf("Phone(%q) = %q: not E.164", s, got)
		}
		if strings.HasPrefix(got, "+44") && len(got) != 13 {
			t.Fatalf("Phone(%q) = %q: a UK number of the wrong length", s, got)
		}
		if again, err := Phone(got); err != nil || again != got {
			t.Fatalf("Phone(%q) = %q, but Phone of that is %q (%v)", s, got, again, err)
		}
	})
}

func BenchmarkPhone(b *testing.B) {
	for _, tc := range []struct{ name, in string }{
		{"e164", "+447700900123"},
		{"national", "(0113) 496 0000"},
		{"extension", "+44 (0)113 496 0000 ext. 12"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Phone(tc.in)
			}
		})
	}
}
