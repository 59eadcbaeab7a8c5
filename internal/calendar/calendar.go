// Package calendar counts working days in England and Wales, for the Victims' Code deadlines.
//
// A working day is a weekday that is not an England and Wales bank holiday.
// Every date is the date in London, whatever location a time.Time carries,
// because the Code's days are the days the victim lives through.
package calendar

import (
	"fmt"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // London must load on hosts without a zoneinfo database
)

// London is Europe/London. Dates are judged here, not in UTC, since a decision
// at 00:30 BST is made on that day although UTC still says the day before.
var London = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Cannot happen with time/tzdata linked in; a wrong zone would misdate every deadline.
		panic("calendar: " + err.Error())
	}
	return loc
}

// The years whose holidays are worked out once, on first use, into a bitmap,
// so the common lookups take no lock and allocate nothing.
const (
	firstTabledYear = 1990
	lastTabledYear  = 2100
)

type monthDay struct {
	month time.Month
	day   int
}

// oneOff is a change made to one year's bank holidays by Royal Proclamation:
// a rule holiday moved to another date, or a day added.
type oneOff struct {
	year  int
	moved monthDay // the rule holiday moved away; zero when the day is an addition
	to    monthDay
}

// oneOffs are the England and Wales changes since 1990, as listed at
// https://www.gov.uk/bank-holidays and made by Royal Proclamation under the
// Banking and Financial Dealings Act 1971. A new proclamation must be added here.
var oneOffs = []oneOff{
	{1995, monthDay{time.May, 1}, monthDay{time.May, 8}},   // early May moved to VE Day's 50th anniversary
	{1999, monthDay{}, monthDay{time.December, 31}},        // millennium
	{2002, monthDay{time.May, 27}, monthDay{time.June, 4}}, // spring moved for the Golden Jubilee
	{2002, monthDay{}, monthDay{time.June, 3}},             // Golden Jubilee
	{2011, monthDay{}, monthDay{time.April, 29}},           // royal wedding
	{2012, monthDay{time.May, 28}, monthDay{time.June, 4}}, // spring moved for the Diamond Jubilee
	{2012, monthDay{}, monthDay{time.June, 5}},             // Diamond Jubilee
	{2020, monthDay{time.May, 4}, monthDay{time.May, 8}},   // early May moved to VE Day's 75th anniversary
	{2022, monthDay{time.May, 30}, monthDay{time.June, 2}}, // spring moved for the Platinum Jubilee
	{2022, monthDay{}, monthDay{time.June, 3}},             // Platinum Jubilee
	{2022, monthDay{}, monthDay{time.September, 19}},       // state funeral of Queen Elizabeth II
	{2023, monthDay{}, monthDay{time.May, 8}},              // coronation of King Charles III
}

// BankHolidays returns the England and Wales bank holidays of year as
// midnights in London, sorted. Outside 1990..2100 only the standing rules
// apply, since no one-off changes are known there.
func BankHolidays(year int) []time.Time {
	days := yearHolidays(year)
	out := make([]time.Time, len(days))
	for i, d := range days {
		out[i] = midnight(d)
	}
	return out
}

// IsWorkingDay reports whether t's London date is a working day.
func IsWorkingDay(t time.Time) bool {
	return isWorkingDay(londonDay(t))
}

// AddWorkingDays returns the midnight in London of the n-th working day after
// t's London date. With n == 0 it is t's date if that is a working day, or
// else the next working day. A negative n panics: it is a caller's mistake.
func AddWorkingDays(t time.Time, n int) time.Time {
	return midnight(addWorkingDays(londonDay(t), n))
}

// Deadline returns the last instant, in London, of the workingDays-th working
// day after the day of decided. The decision day itself never counts, so a
// Friday decision with one working day is due by the end of Monday (Tuesday if
// Monday is a bank holiday), and so is one made on the Saturday. With 0 it is
// the end of the decision day, or of the next working day if that is not one.
func Deadline(decided time.Time, workingDays int) time.Time {
	y, m, d := civil(addWorkingDays(londonDay(decided), workingDays))
	return time.Date(y, m, d, 23, 59, 59, 999_999_999, London)
}

// WorkingDaysBetween counts the working days after from's London date up to
// and including to's, so a deadline met on the day gives 0 and one met a day
// late gives 1. It is 0 if to's date is not after from's.
func WorkingDaysBetween(from, to time.Time) int {
	a, b := londonDay(from), londonDay(to)
	if b <= a {
		return 0
	}
	// Whole weeks hold five weekdays each; step through the few days left.
	span := b - a
	count := span / 7 * 5
	for d := b - span%7 + 1; d <= b; d++ {
		if !isWeekend(d) {
			count++
		}
	}
	firstYear, _, _ := civil(a + 1)
	lastYear, _, _ := civil(b)
	for y := firstYear; y <= lastYear; y++ {
		for _, h := range yearHolidays(y) {
			if a < h && h <= b && !isWeekend(h) {
				count--
			}
		}
	}
	return count
}

// Days are counted as whole days since 1970-01-01, a civil calendar that no
// clock change can disturb; London only comes in when reading or making a time.

func dayNumber(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func civil(day int) (int, time.Month, int) {
	return time.Unix(int64(day)*86400, 0).UTC().Date()
}

func londonDay(t time.Time) int {
	return dayNumber(t.In(London).Date())
}

// midnight is the start of day in London; clocks change at 01:00 GMT, so it always exists.
func midnight(day int) time.Time {
	y, m, d := civil(day)
	return time.Date(y, m, d, 0, 0, 0, 0, London)
}

func weekday(day int) time.Weekday {
	return time.Weekday(floorMod(day+int(time.Thursday), 7)) // 1970-01-01 was a Thursday
}

func isWeekend(day int) bool {
	wd := weekday(day)
	return wd == time.Saturday || wd == time.Sunday
}

func isWorkingDay(day int) bool {
	return !isWeekend(day) && !isHoliday(day)
}

func addWorkingDays(day, n int) int {
	if n < 0 {
		panic(fmt.Sprintf("calendar: %d working days; the count must not be negative", n))
	}
	if n == 0 {
		for !isWorkingDay(day) {
			day++
		}
		return day
	}
	// The starting day never counts, working or not.
	for ; n > 0; n-- {
		day++
		for !isWorkingDay(day) {
			day++
		}
	}
	return day
}

// table holds the holidays of firstTabledYear..lastTabledYear.
type table struct {
	years    [][]int  // each year's holiday day numbers, sorted
	firstDay int      // day number of 1 January firstTabledYear
	numDays  int      // days covered; bits has padding beyond them
	bits     []uint64 // bit i set when firstDay+i is a holiday
}

var tabled = sync.OnceValue(func() *table {
	t := &table{
		firstDay: dayNumber(firstTabledYear, time.January, 1),
		years:    make([][]int, lastTabledYear-firstTabledYear+1),
	}
	t.numDays = dayNumber(lastTabledYear+1, time.January, 1) - t.firstDay
	t.bits = make([]uint64, (t.numDays+63)/64)
	for i := range t.years {
		t.years[i] = computeHolidays(firstTabledYear + i)
		for _, h := range t.years[i] {
			j := h - t.firstDay
			t.bits[j/64] |= 1 << (j % 64)
		}
	}
	return t
})

// Years outside the table are worked out on demand and kept, up to a bound
// so that a caller sweeping far-off dates cannot grow memory without limit.
const maxOtherYears = 64

var (
	otherMu    sync.Mutex
	otherYears = map[int][]int{}
)

// yearHolidays returns a year's holiday day numbers, sorted; callers must not modify it.
func yearHolidays(year int) []int {
	if firstTabledYear <= year && year <= lastTabledYear {
		return tabled().years[year-firstTabledYear]
	}
	otherMu.Lock()
	defer otherMu.Unlock()
	days, ok := otherYears[year]
	if !ok {
		if len(otherYears) >= maxOtherYears {
			clear(otherYears)
		}
		days = computeHolidays(year)
		otherYears[year] = days
	}
	return days
}

func isHoliday(day int) bool {
	t := tabled()
	if i := day - t.firstDay; 0 <= i && i < t.numDays {
		return t.bits[i/64]&(1<<(i%64)) != 0
	}
	y, _, _ := civil(day)
	return slices.Contains(yearHolidays(y), day)
}

// computeHolidays applies the standing rules and then the one-offs to a year.
func computeHolidays(year int) []int {
	days := make([]int, 0, 10)

	newYear := dayNumber(year, time.January, 1)
	switch weekday(newYear) {
	case time.Saturday:
		newYear += 2
	case time.Sunday:
		newYear++
	}
	days = append(days, newYear)

	em, ed := easter(year)
	e := dayNumber(year, em, ed)
	days = append(days, e-2, e+1) // Good Friday, Easter Monday

	days = append(days,
		firstMonday(year, time.May),
		lastMonday(year, time.May),
		lastMonday(year, time.August),
	)

	// Christmas and Boxing Day falling on a weekend move to the next free weekdays.
	christmas := dayNumber(year, time.December, 25)
	switch weekday(christmas) {
	case time.Friday:
		days = append(days, christmas, christmas+3)
	case time.Saturday:
		days = append(days, christmas+2, christmas+3)
	case time.Sunday:
		days = append(days, christmas+1, christmas+2)
	default:
		days = append(days, christmas, christmas+1)
	}

	for _, o := range oneOffs {
		if o.year != year {
			continue
		}
		to := dayNumber(year, o.to.month, o.to.day)
		if o.moved == (monthDay{}) {
			days = append(days, to)
			continue
		}
		i := slices.Index(days, dayNumber(year, o.moved.month, o.moved.day))
		if i < 0 {
			// The table is wrong, not the input: fail loudly rather than miscount.
			panic(fmt.Sprintf("calendar: one-off for %d moves %s %d, which is not a bank holiday by the rules", year, o.moved.month, o.moved.day))
		}
		days[i] = to
	}

	slices.Sort(days)
	return slices.Compact(days)
}

func firstMonday(year int, m time.Month) int {
	d := dayNumber(year, m, 1)
	return d + floorMod(int(time.Monday)-int(weekday(d)), 7)
}

// lastMonday is for May and August, which both have 31 days.
func lastMonday(year int, m time.Month) int {
	d := dayNumber(year, m, 31)
	return d - floorMod(int(weekday(d))-int(time.Monday), 7)
}

// easter returns the date of Easter Sunday in the Gregorian calendar, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher). Floored division keeps
// every remainder in range, so even nonsensical years give a March or April date.
func easter(year int) (time.Month, int) {
	a := floorMod(year, 19)
	b, c := floorDiv(year, 100), floorMod(year, 100)
	d, e := floorDiv(b, 4), floorMod(b, 4)
	f := floorDiv(b+8, 25)
	g := floorDiv(b-f+1, 3)
	h := floorMod(19*a+b-d-g+15, 30)
	i, k := c/4, c%4
	l := floorMod(32+2*e+2*i-h-k, 7)
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}
