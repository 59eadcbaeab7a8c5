package calendar

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// day returns midnight in London of the given date.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, London)
}

// endOf returns the last instant in London of the given date.
func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 999_999_999, London)
}

func at(y int, m time.Month, d, hour, min int, loc *time.Location) time.Time {
	return time.Date(y, m, d, hour, min, 0, 0, loc)
}

func formatDates(ts []time.Time) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.Format("2006-01-02 15:04 MST")
	}
	return strings.Join(s, ", ")
}

func parseDates(t *testing.T, ss []string) []time.Time {
	t.Helper()
	out := make([]time.Time, len(ss))
	for i, s := range ss {
		d, err := time.ParseInLocation("2006-01-02", s, London)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = d
	}
	return out
}

func checkHolidays(t *testing.T, year int, want []string) {
	t.Helper()
	got := BankHolidays(year)
	if g, w := formatDates(got), formatDates(parseDates(t, want)); g != w {
		t.Errorf("BankHolidays(%d): got %s, want %s", year, g, w)
	}
	for _, h := range got {
		if h.Location() != London {
			t.Errorf("BankHolidays(%d): got location %v for %s, want London", year, h.Location(), h)
		}
	}
}

// govUK is the England and Wales list published at https://www.gov.uk/bank-holidays.
var govUK = map[int][]string{
	2010: {"2010-01-01", "2010-04-02", "2010-04-05", "2010-05-03", "2010-05-31", "2010-08-30", "2010-12-27", "2010-12-28"},
	2011: {"2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27"},
	2012: {"2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27", "2012-12-25", "2012-12-26"},
	2013: {"2013-01-01", "2013-03-29", "2013-04-01", "2013-05-06", "2013-05-27", "2013-08-26", "2013-12-25", "2013-12-26"},
	2014: {"2014-01-01", "2014-04-18", "2014-04-21", "2014-05-05", "2014-05-26", "2014-08-25", "2014-12-25", "2014-12-26"},
	2015: {"2015-01-01", "2015-04-03", "2015-04-06", "2015-05-04", "2015-05-25", "2015-08-31", "2015-12-25", "2015-12-28"},
	2016: {"2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29", "2016-12-26", "2016-12-27"},
	2017: {"2017-01-02", "2017-04-14", "2017-04-17", "2017-05-01", "2017-05-29", "2017-08-28", "2017-12-25", "2017-12-26"},
	2018: {"2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26"},
	2019: {"2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"},
	2020: {"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"},
	2021: {"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"},
	2022: {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"},
	2023: {"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"},
	2024: {"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"},
	2025: {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"},
	2026: {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"},
}

func TestBankHolidaysMatchGovUK(t *testing.T) {
	for year := 2010; year <= 2026; year++ {
		want, ok := govUK[year]
		if !ok {
			t.Fatalf("no gov.uk list for %d in the test", year)
		}
		checkHolidays(t, year, want)
	}
}

func TestBankHolidaysKeepEarlierOneOffs(t *testing.T) {
	for year, want := range map[int][]string{
		1995: {"1995-01-02", "1995-04-14", "1995-04-17", "1995-05-08", "1995-05-29", "1995-08-28", "1995-12-25", "1995-12-26"},
		1999: {"1999-01-01", "1999-04-02", "1999-04-05", "1999-05-03", "1999-05-31", "1999-08-30", "1999-12-27", "1999-12-28", "1999-12-31"},
		2000: {"2000-01-03", "2000-04-21", "2000-04-24", "2000-05-01", "2000-05-29", "2000-08-28", "2000-12-25", "2000-12-26"},
		2002: {"2002-01-01", "2002-03-29", "2002-04-01", "2002-05-06", "2002-06-03", "2002-06-04", "2002-08-26", "2002-12-25", "2002-12-26"},
	} {
		checkHolidays(t, year, want)
	}
}

func TestBankHolidaysOutsideTableFollowTheRules(t *testing.T) {
	// 1989 and 2101 are computed on demand rather than read from the table.
	checkHolidays(t, 1989, []string{"1989-01-02", "1989-03-24", "1989-03-27", "1989-05-01", "1989-05-29", "1989-08-28", "1989-12-25", "1989-12-26"})
	checkHolidays(t, 2101, []string{"2101-01-03", "2101-04-15", "2101-04-18", "2101-05-02", "2101-05-30", "2101-08-29", "2101-12-26", "2101-12-27"})
}

func TestOneOffsReplaceTheRuleDay(t *testing.T) {
	for _, o := range oneOffs {
		hs := BankHolidays(o.year)
		has := func(md monthDay) bool {
			for _, h := range hs {
				if h.Month() == md.month && h.Day() == md.day {
					return true
				}
			}
			return false
		}
		if !has(o.to) {
			t.Errorf("BankHolidays(%d): got %s, want it to include %s %d", o.year, formatDates(hs), o.to.month, o.to.day)
		}
		if o.moved != (monthDay{}) && has(o.moved) {
			t.Errorf("BankHolidays(%d): got %s, want %s %d moved away", o.year, formatDates(hs), o.moved.month, o.moved.day)
		}
		for _, h := range hs {
			if wd := h.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("BankHolidays(%d): got %s on a %s, want weekdays only", o.year, h.Format("2006-01-02"), wd)
			}
		}
	}
}

func TestEasterMatchesKnownDates(t *testing.T) {
	for _, want := range []string{
		"1818-03-22", "1886-04-25", "1943-04-25", "1961-04-02", "1989-03-26", "1990-04-15",
		"2000-04-23", "2008-03-23", "2011-04-24", "2013-03-31", "2019-04-21", "2022-04-17",
		"2024-03-31", "2025-04-20", "2026-04-05", "2038-04-25", "2100-03-28", "2285-03-22",
	} {
		w, err := time.Parse("2006-01-02", want)
		if err != nil {
			t.Fatal(err)
		}
		m, d := easter(w.Year())
		if m != w.Month() || d != w.Day() {
			t.Errorf("easter(%d): got %s %d, want %s", w.Year(), m, d, want)
		}
	}
}

func TestEasterIsAlwaysASundayBetween22MarchAnd25April(t *testing.T) {
	for y := 1583; y <= 4099; y++ {
		m, d := easter(y)
		e := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		lo, hi := time.Date(y, time.March, 22, 0, 0, 0, 0, time.UTC), time.Date(y, time.April, 25, 0, 0, 0, 0, time.UTC)
		if e.Weekday() != time.Sunday || e.Before(lo) || e.After(hi) {
			t.Fatalf("easter(%d): got %s (%s), want a Sunday from 22 March to 25 April", y, e.Format("2006-01-02"), e.Weekday())
		}
	}
}

func TestIsWorkingDayJudgesTheLondonDate(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		t    time.Time
		want bool
	}{
		{"ordinary Wednesday", at(2026, time.June, 10, 12, 0, London), true},
		{"Saturday", at(2026, time.June, 6, 12, 0, London), false},
		{"Sunday", at(2026, time.June, 7, 12, 0, London), false},
		{"Good Friday", at(2026, time.April, 3, 9, 0, London), false},
		{"Boxing Day substitute Monday", at(2026, time.December, 28, 9, 0, London), false},
		{"Sunday 23:30 UTC is Monday 00:30 BST", at(2026, time.June, 7, 23, 30, time.UTC), true},
		{"Friday 23:30 UTC is Saturday 00:30 BST", at(2026, time.June, 5, 23, 30, time.UTC), false},
		{"Sunday 20:00 in New York is Monday 01:00 BST", at(2026, time.June, 7, 20, 0, newYork), true},
		{"day after the table ends", at(2101, time.January, 4, 12, 0, London), true},
		{"substitute New Year after the table ends", at(2101, time.January, 3, 12, 0, London), false},
	} {
		if got := IsWorkingDay(tc.t); got != tc.want {
			t.Errorf("%s: IsWorkingDay(%s): got %v, want %v", tc.name, tc.t, got, tc.want)
		}
	}
}

func TestAddWorkingDaysSkipsWeekendsAndBankHolidays(t *testing.T) {
	for _, tc := range []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"zero on a working day is that day", at(2026, time.June, 10, 15, 0, London), 0, day(2026, time.June, 10)},
		{"zero on a Saturday is Monday", at(2026, time.June, 6, 15, 0, London), 0, day(2026, time.June, 8)},
		{"zero on Good Friday is the Tuesday", at(2026, time.April, 3, 15, 0, London), 0, day(2026, time.April, 7)},
		{"one from Friday is Monday", at(2026, time.June, 5, 15, 0, London), 1, day(2026, time.June, 8)},
		{"one from Thursday before Christmas 2026", at(2026, time.December, 24, 15, 0, London), 1, day(2026, time.December, 29)},
		{"five from a Wednesday", at(2026, time.June, 10, 15, 0, London), 5, day(2026, time.June, 17)},
		{"one across the end of the table", at(2100, time.December, 31, 15, 0, London), 1, day(2101, time.January, 4)},
		{"one from Sunday 23:30 UTC, which is Monday in London", at(2026, time.June, 7, 23, 30, time.UTC), 1, day(2026, time.June, 9)},
	} {
		got := AddWorkingDays(tc.from, tc.n)
		if !got.Equal(tc.want) || got.Location() != London {
			t.Errorf("%s: AddWorkingDays(%s, %d): got %s, want %s", tc.name, tc.from, tc.n, got, tc.want)
		}
	}
}

func TestDeadlineCountsWorkingDaysAfterTheDecisionDay(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		decided time.Time
		days    int
		want    time.Time
	}{
		{"Thursday before a Friday Christmas and a Saturday Boxing Day", at(2026, time.December, 24, 10, 0, London), 1, endOf(2026, time.December, 29)},
		{"Thursday before Good Friday and Easter Monday", at(2026, time.April, 2, 16, 0, London), 1, endOf(2026, time.April, 7)},
		{"Friday, one day, ordinary weekend", at(2026, time.June, 5, 16, 0, London), 1, endOf(2026, time.June, 8)},
		{"Friday, one day, bank holiday Monday", at(2026, time.May, 22, 16, 0, London), 1, endOf(2026, time.May, 26)},
		{"Friday, five days across the spring bank holiday", at(2026, time.May, 22, 16, 0, London), 5, endOf(2026, time.June, 1)},
		{"Friday, five days across the summer bank holiday", at(2026, time.August, 28, 16, 0, London), 5, endOf(2026, time.September, 7)},
		{"Saturday, one day", at(2026, time.June, 6, 11, 0, London), 1, endOf(2026, time.June, 8)},
		{"Saturday, five days", at(2026, time.June, 6, 11, 0, London), 5, endOf(2026, time.June, 12)},
		{"Saturday before a bank holiday Monday", at(2026, time.May, 23, 11, 0, London), 1, endOf(2026, time.May, 26)},
		{"Sunday 23:30 BST given in UTC as 22:30Z is still Sunday", at(2026, time.June, 7, 22, 30, time.UTC), 1, endOf(2026, time.June, 8)},
		{"Sunday 23:30 UTC is Monday 00:30 BST, so Monday is the decision day", at(2026, time.June, 7, 23, 30, time.UTC), 1, endOf(2026, time.June, 9)},
		{"Thursday 20:00 in New York is Friday in London", at(2026, time.June, 4, 20, 0, newYork), 1, endOf(2026, time.June, 8)},
		{"last day of the year into a Friday New Year's Day", at(2026, time.December, 31, 9, 0, London), 1, endOf(2027, time.January, 4)},
		{"Friday before Christmas 2022 with Monday and Tuesday substitutes", at(2022, time.December, 23, 9, 0, London), 1, endOf(2022, time.December, 28)},
		{"Wednesday before the Platinum Jubilee", at(2022, time.June, 1, 9, 0, London), 1, endOf(2022, time.June, 6)},
		{"Friday before the clocks go forward", at(2026, time.March, 27, 9, 0, London), 1, endOf(2026, time.March, 30)},
		{"Friday before the clocks go back", at(2026, time.October, 23, 9, 0, London), 1, endOf(2026, time.October, 26)},
		{"zero days on a working day is the end of that day", at(2026, time.June, 10, 9, 0, London), 0, endOf(2026, time.June, 10)},
		{"zero days on Good Friday is the end of the next working day", at(2026, time.April, 3, 9, 0, London), 0, endOf(2026, time.April, 7)},
	} {
		got := Deadline(tc.decided, tc.days)
		if !got.Equal(tc.want) || got.Location() != London {
			t.Errorf("%s: Deadline(%s, %d): got %s, want %s", tc.name, tc.decided, tc.days, got, tc.want)
		}
		next := got.Add(time.Nanosecond).In(London)
		if h, m, s := next.Clock(); h != 0 || m != 0 || s != 0 || next.Nanosecond() != 0 {
			t.Errorf("%s: one nanosecond after the deadline: got %s, want midnight in London", tc.name, next)
		}
	}
}

func TestWorkingDaysBetweenCountsDaysAfterFrom(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"same day", at(2026, time.June, 10, 9, 0, London), at(2026, time.June, 10, 17, 0, London), 0},
		{"to before from", at(2026, time.June, 10, 9, 0, London), at(2026, time.June, 1, 9, 0, London), 0},
		{"Friday to Monday", at(2026, time.June, 5, 23, 0, London), at(2026, time.June, 8, 0, 10, London), 1},
		{"Friday to Sunday", at(2026, time.June, 5, 9, 0, London), at(2026, time.June, 7, 9, 0, London), 0},
		{"Monday to the next Monday", at(2026, time.January, 5, 9, 0, London), at(2026, time.January, 12, 9, 0, London), 5},
		{"Thursday 24 December to Tuesday 29 December 2026", at(2026, time.December, 24, 9, 0, London), at(2026, time.December, 29, 9, 0, London), 1},
		{"Thursday before Easter to the Friday after", at(2026, time.April, 2, 9, 0, London), at(2026, time.April, 10, 9, 0, London), 4},
		{"all of 2026", at(2025, time.December, 31, 9, 0, London), at(2026, time.December, 31, 9, 0, London), 253},
		{"to given in UTC is already the next London day", at(2026, time.June, 7, 12, 0, London), at(2026, time.June, 7, 23, 30, time.UTC), 1},
		{"across the end of the table", at(2100, time.December, 31, 9, 0, London), at(2101, time.January, 7, 9, 0, London), 4},
	} {
		if got := WorkingDaysBetween(tc.from, tc.to); got != tc.want {
			t.Errorf("%s: WorkingDaysBetween(%s, %s): got %d, want %d", tc.name, tc.from, tc.to, got, tc.want)
		}
	}
}

// randomInstant picks an instant from 1985 to 2110, so that both the table
// and the years computed on demand are exercised.
func randomInstant(rng *rand.Rand) time.Time {
	lo := time.Date(1985, time.January, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2111, time.January, 1, 0, 0, 0, 0, time.UTC).Unix()
	return time.Unix(lo+rng.Int64N(hi-lo), 0).UTC()
}

func TestAddWorkingDaysLandsOnTheNthWorkingDay(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 1))
	for range 20000 {
		from := randomInstant(rng)
		n := rng.IntN(11)
		got := AddWorkingDays(from, n)
		if !IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%s, %d): got %s, want a working day", from, n, got)
		}
		if h, m, s := got.Clock(); h != 0 || m != 0 || s != 0 || got.Location() != London {
			t.Fatalf("AddWorkingDays(%s, %d): got %s, want midnight in London", from, n, got)
		}
		want := n
		if n == 0 && !IsWorkingDay(from) {
			want = 1
		}
		if between := WorkingDaysBetween(from, got); between != want {
			t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(..., %d) = %s): got %d, want %d", from, n, got, between, want)
		}
		// The first such day, not a later one: the day before holds one fewer.
		if want > 0 {
			before := got.AddDate(0, 0, -1)
			if between := WorkingDaysBetween(from, before); between != want-1 {
				t.Fatalf("WorkingDaysBetween(%s, %s): got %d, want %d", from, before, between, want-1)
			}
		}
	}
}

func TestWorkingDaysBetweenMatchesCountingDayByDay(t *testing.T) {
	holidays := map[string]bool{}
	for y := 1984; y <= 2112; y++ {
		for _, h := range BankHolidays(y) {
			holidays[h.Format("2006-01-02")] = true
		}
	}
	rng := rand.New(rand.NewPCG(2026, 2))
	for range 2000 {
		from := randomInstant(rng)
		to := from.Add(time.Duration(rng.IntN(800*24)) * time.Hour)
		want := 0
		fy, fm, fd := from.In(London).Date()
		ty, tm, td := to.In(London).Date()
		last := time.Date(ty, tm, td, 12, 0, 0, 0, time.UTC)
		for d := time.Date(fy, fm, fd+1, 12, 0, 0, 0, time.UTC); !d.After(last); d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !holidays[d.Format("2006-01-02")] {
				want++
			}
		}
		if got := WorkingDaysBetween(from, to); got != want {
			t.Fatalf("WorkingDaysBetween(%s, %s): got %d, want %d", from, to, got, want)
		}
	}
}

func TestNegativeWorkingDaysPanic(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("AddWorkingDays(..., -1): got no panic, want one")
		}
	}()
	AddWorkingDays(day(2026, time.June, 10), -1)
}

func TestCommonCallsDoNotAllocate(t *testing.T) {
	decided := at(2026, time.December, 24, 10, 0, London)
	later := at(2027, time.February, 1, 10, 0, London)
	for name, f := range map[string]func(){
		"AddWorkingDays":     func() { AddWorkingDays(decided, 5) },
		"Deadline":           func() { Deadline(decided, 5) },
		"IsWorkingDay":       func() { IsWorkingDay(decided) },
		"WorkingDaysBetween": func() { WorkingDaysBetween(decided, later) },
	} {
		if got := testing.AllocsPerRun(100, f); got != 0 {
			t.Errorf("%s: got %v allocations per call, want 0", name, got)
		}
	}
}

func TestConcurrentUseIsSafe(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			// Years beyond the table go through the locked cache, and more of
			// them than it keeps, so it is also cleared while in use.
			for y := 2101 + g*20; y < 2101+g*20+100; y++ {
				if hs := BankHolidays(y); len(hs) != 8 {
					t.Errorf("BankHolidays(%d): got %d days, want 8", y, len(hs))
				}
				d := at(y, time.March, 1, 12, 0, London)
				if got := AddWorkingDays(d, 3); !IsWorkingDay(got) {
					t.Errorf("AddWorkingDays(%s, 3): got %s, want a working day", d, got)
				}
			}
		})
	}
	wg.Wait()
}

var sink time.Time

func BenchmarkDeadline(b *testing.B) {
	decided := at(2026, time.December, 24, 10, 0, London)
	b.ReportAllocs()
	for b.Loop() {
		sink = Deadline(decided, 5)
	}
}
