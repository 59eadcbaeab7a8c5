package pole

import (
	"fmt"
	"strconv"
	"time"
)

// Precision says how much of a PartialDate is known. Historic records often
// hold only a year of birth, or a month of offending.
type Precision uint8

const (
	PrecisionNone Precision = iota
	PrecisionYear
	PrecisionMonth
	PrecisionDay
)

func (p Precision) String() string {
	switch p {
	case PrecisionYear:
		return "year"
	case PrecisionMonth:
		return "month"
	case PrecisionDay:
		return "day"
	default:
		return "none"
	}
}

// PartialDate is a calendar date of which only the year, or year and month,
// may be known. The zero value is "no date". Unknown parts are zero.
type PartialDate struct {
	Year  int
	Month int
	Day   int
}

// Date returns a PartialDate known to the day.
func Date(year, month, day int) PartialDate { return PartialDate{year, month, day} }

// YearMonth returns a PartialDate known to the month.
func YearMonth(year, month int) PartialDate { return PartialDate{Year: year, Month: month} }

// YearOnly returns a PartialDate known to the year.
func YearOnly(year int) PartialDate { return PartialDate{Year: year} }

// Precision reports how much of d is known.
func (d PartialDate) Precision() Precision {
	switch {
	case d.Year == 0:
		return PrecisionNone
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	default:
		return PrecisionDay
	}
}

// IsZero reports whether d holds no date at all.
func (d PartialDate) IsZero() bool { return d == PartialDate{} }

// String gives the ISO 8601 form at d's precision: 1981-03-12, 1981-03, 1981,
// or "" for no date. The form sorts in date order as text, so both engines
// store and compare it as text.
func (d PartialDate) String() string {
	p := d.Precision()
	if p == PrecisionNone {
		return ""
	}
	// Hand-formatted: this runs for every date of every row on the bulk path.
	b := make([]byte, 0, 10)
	b = appendPadded(b, d.Year, 4)
	if p >= PrecisionMonth {
		b = appendPadded(append(b, '-'), d.Month, 2)
	}
	if p == PrecisionDay {
		b = appendPadded(append(b, '-'), d.Day, 2)
	}
	return string(b)
}

func appendPadded(b []byte, v, width int) []byte {
	if v < 0 {
		return strconv.AppendInt(append(b, '-'), int64(-v), 10)
	}
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Earliest and latest years a date in a case record can plausibly hold: dates
// of birth of the oldest living people to offence dates not yet passed.
const (
	minYear = 1900
	maxYear = 2100
)

// Valid reports whether d is a real date at its precision: no day without a
// month, months 1-12, days that exist in that month and year.
func (d PartialDate) Valid() error {
	if d.IsZero() {
		return nil
	}
	if d.Year < minYear || d.Year > maxYear {
		return fmt.Errorf("year %d is outside %d-%d", d.Year, minYear, maxYear)
	}
	if d.Month == 0 && d.Day != 0 {
		return fmt.Errorf("day %d given without a month", d.Day)
	}
	if d.Month < 0 || d.Month > 12 {
		return fmt.Errorf("month %d is not 1-12", d.Month)
	}
	if d.Day < 0 {
		return fmt.Errorf("day %d is negative", d.Day)
	}
	if d.Day > 0 {
		last := time.Date(d.Year, time.Month(d.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if d.Day > last {
			return fmt.Errorf("day %d does not exist in %04d-%02d", d.Day, d.Year, d.Month)
		}
	}
	return nil
}

// ParsePartialDate reads the ISO form that String writes. Ingest reads the
// many forms forces export; this one is caselink's own.
func ParsePartialDate(s string) (PartialDate, error) {
	var d PartialDate
	if s == "" {
		return d, nil
	}
	var err error
	switch len(s) {
	case 4:
		d.Year, err = digits(s)
	case 7:
		if s[4] != '-' {
			return d, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		if d.Year, err = digits(s[:4]); err == nil {
			d.Month, err = digits(s[5:])
		}
	case 10:
		if s[4] != '-' || s[7] != '-' {
			return d, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		if d.Year, err = digits(s[:4]); err == nil {
			if d.Month, err = digits(s[5:7]); err == nil {
				d.Day, err = digits(s[8:])
			}
		}
	default:
		return d, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	if err != nil {
		return PartialDate{}, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	if d.Year == 0 || (len(s) >= 7 && d.Month == 0) || (len(s) == 10 && d.Day == 0) {
		return PartialDate{}, fmt.Errorf("date %q has a zero year, month or day; leave unknown parts out", s)
	}
	if err := d.Valid(); err != nil {
		return PartialDate{}, fmt.Errorf("date %q: %v", s, err)
	}
	return d, nil
}

func digits(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(s)
}

// MarshalText and UnmarshalText let a PartialDate travel as its ISO form in
// JSON and CSV.
func (d PartialDate) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *PartialDate) UnmarshalText(b []byte) error {
	v, err := ParsePartialDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func validateDate(field string, d PartialDate) error {
	if err := d.Valid(); err != nil {
		return Invalid(field, "%v", err)
	}
	return nil
}

// Before reports whether d is certainly earlier than o: compared only as far
// as both are known, so 1981 is not before 1981-03. A missing date is never
// before anything.
func (d PartialDate) Before(o PartialDate) bool {
	if d.IsZero() || o.IsZero() {
		return false
	}
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month == 0 || o.Month == 0 || d.Month != o.Month {
		return d.Month != 0 && o.Month != 0 && d.Month < o.Month
	}
	return d.Day != 0 && o.Day != 0 && d.Day < o.Day
}

// AgeRange is the youngest and oldest a person born on dob could be on
// date at, where either date is partial; ok is false when either is
// unknown.
func AgeRange(dob, at PartialDate) (lo, hi int, ok bool) {
	if dob.IsZero() || at.IsZero() {
		return 0, 0, false
	}
	bornFirst, bornLast := dateSpan(dob)
	atFirst, atLast := dateSpan(at)
	lo, hi = age(bornLast, atFirst), age(bornFirst, atLast)
	if lo < 0 {
		lo = 0
	}
	if hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

type ymd struct{ y, m, d int }

func dateSpan(p PartialDate) (ymd, ymd) {
	switch p.Precision() {
	case PrecisionYear:
		return ymd{p.Year, 1, 1}, ymd{p.Year, 12, 31}
	case PrecisionMonth:
		return ymd{p.Year, p.Month, 1}, ymd{p.Year, p.Month, 31}
	}
	return ymd{p.Year, p.Month, p.Day}, ymd{p.Year, p.Month, p.Day}
}

func age(born, at ymd) int {
	a := at.y - born.y
	if at.m < born.m || at.m == born.m && at.d < born.d {
		a--
	}
	return a
}
