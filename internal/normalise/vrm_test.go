package normalise

import (
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestVRMAcceptsEveryUKFormat(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AB12CDE", "AB12CDE"},
		{"ab12 cde", "AB12CDE"},
		{" AB 12 CDE ", "AB12CDE"},
		{"A123BCD", "A123BCD"},
		{"A1BCD", "A1BCD"},
		{"ABC123D", "ABC123D"},
		{"abc 1 d", "ABC1D"},
		{"ABC1234", "ABC1234"},
		{"1234AB", "1234AB"},
		{"1234 ABC", "1234ABC"},
		{"A1", "A1"},
		{"1A", "1A"},
		{"ABZ 1234", "ABZ1234"},
		{"IA 1", "IA1"},
	} {
		got, err := VRM(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("VRM(%q): got %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestVRMRejectsWhatIsNotARegistrationMark(t *testing.T) {
	for _, in := range []string{
		"", " ", "ABCDEFG", "1234567", "AB12CDEF", "AB123CDE", "ABC12345", "12345AB", "ABCD123",
		"1234ABCD", "A1B2C3", "AB12CD", "A1234BCD", "ABCD1E", "AB-12-CDE", "ÅB12CDE", "A", "1",
	} {
		got, err := VRM(in)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "vehicle" {
			t.Errorf("VRM(%q): got %q (%v), want an invalid vehicle", in, got, err)
		}
	}
}

func TestVRMAllocatesNothingForACanonicalMark(t *testing.T) {
	if got := testing.AllocsPerRun(100, func() { VRM("AB12CDE") }); got != 0 {
		t.Errorf("allocations: got %v, want 0", got)
	}
}

func FuzzVRM(f *testing.F) {
	for _, s := range []string{"AB12CDE", "ab12 cde", "A123BCD", "ABC123D", "1234AB", "A1", "ABZ1234", "", "Ａ1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := VRM(s)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("VRM(%q): error %v is not invalid input", s, err)
			}
			return
		}
		if len(got) < 2 || len(got) > 7 {
			t.Fatalf("VRM(%q) = %q: wrong length", s, got)
		}
		for i := 0; i < len(got); i++ {
			if !isDigit(got[i]) && !isUpper(got[i]) {
				t.Fatalf("VRM(%q) = %q: holds %q", s, got, got[i])
			}
		}
		if again, err := VRM(got); err != nil || again != got {
			t.Fatalf("VRM(%q) = %q, but VRM of that is %q (%v)", s, got, again, err)
		}
	})
}
