package pole

import "testing"

func TestPartialDateKeepsItsPrecision(t *testing.T) {
	for _, tc := range []struct {
		d    PartialDate
		s    string
		prec Precision
	}{
		{Date(1981, 3, 12), "1981-03-12", PrecisionDay},
		{YearMonth(1981, 3), "1981-03", PrecisionMonth},
		{YearOnly(1981), "1981", PrecisionYear},
		{PartialDate{}, "", PrecisionNone},
	} {
		if got := tc.d.String(); got != tc.s {
			t.Errorf("String: got %q, want %q", got, tc.s)
		}
		if got := tc.d.Precision(); got != tc.prec {
			t.Errorf("%s precision: got %v, want %v", tc.s, got, tc.prec)
		}
		back, err := ParsePartialDate(tc.s)
		if err != nil || back != tc.d {
			t.Errorf("ParsePartialDate(%q): got %v (%v), want %v", tc.s, back, err, tc.d)
		}
	}
}

func TestParsePartialDateRejectsImpossibleDates(t *testing.T) {
	for _, s := range []string{"1981-02-29", "2000-13", "1981-00-10", "1981-03-00", "12/03/1981", "81", "1981-3-12", "0000", "1981-04-31", "２０２０"} {
		if d, err := ParsePartialDate(s); err == nil {
			t.Errorf("ParsePartialDate(%q): got %v, want an error", s, d)
		}
	}
	if _, err := ParsePartialDate("2000-02-29"); err != nil {
		t.Errorf("a leap day: %v", err)
	}
}

func TestBeforeComparesOnlyWhatIsKnown(t *testing.T) {
	for _, tc := range []struct {
		a, b PartialDate
		want bool
	}{
		{Date(2010, 1, 1), Date(2010, 1, 2), true},
		{Date(2010, 1, 2), Date(2010, 1, 1), false},
		{YearOnly(2010), Date(2010, 6, 1), false},
		{Date(2010, 6, 1), YearOnly(2010), false},
		{YearOnly(2009), YearMonth(2010, 1), true},
		{YearMonth(2010, 1), Date(2010, 2, 1), true},
		{PartialDate{}, Date(2010, 2, 1), false},
	} {
		if got := tc.a.Before(tc.b); got != tc.want {
			t.Errorf("%v before %v: got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func FuzzParsePartialDate(f *testing.F) {
	for _, s := range []string{"1981-03-12", "1981-03", "1981", "", "1981-02-29", "abcd", "1981-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePartialDate(s)
		if err != nil {
			return
		}
		if err := d.Valid(); err != nil {
			t.Fatalf("ParsePartialDate(%q) accepted an invalid date %v: %v", s, d, err)
		}
		if got := d.String(); got != s {
			t.Fatalf("ParsePartialDate(%q).String() = %q: not the same text", s, got)
		}
	})
}

func TestAgeRangeFromPartialDates(t *testing.T) {
	for _, tc := range []struct {
		dob, at PartialDate
		lo, hi  int
		ok      bool
	}{
		{Date(2000, 5, 6), Date(2013, 5, 5), 12, 12, true},
		{Date(2000, 5, 6), Date(2013, 5, 6), 13, 13, true},
		{YearOnly(2000), Date(2013, 5, 6), 12, 13, true},
		{YearMonth(2000, 5), YearMonth(2013, 5), 12, 13, true},
		{YearOnly(2000), YearOnly(2013), 12, 13, true},
		{Date(2000, 5, 6), YearOnly(2018), 17, 18, true},
		{PartialDate{}, Date(2013, 1, 1), 0, 0, false},
		{Date(2014, 1, 1), Date(2013, 1, 1), 0, 0, false},
	} {
		lo, hi, ok := AgeRange(tc.dob, tc.at)
		if lo != tc.lo || hi != tc.hi || ok != tc.ok {
			t.Errorf("AgeRange(%s, %s) = %d, %d, %v; want %d, %d, %v", tc.dob, tc.at, lo, hi, ok, tc.lo, tc.hi, tc.ok)
		}
	}
}

// facts builds a case's facts for the rules: a victim born in 1999, a
// suspect, both as given.
