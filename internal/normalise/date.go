package normalise

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
)

// DateParser reads dates written in the layouts one force uses. A layout is a
// date format written with tokens: yyyy, yy, mm, m (1-2 digits), dd, d, Month
// (January), Mon (Jan), and literal separators, such as "dd/mm/yyyy",
// "yyyy-mm-dd", "dd Month yyyy", "dd-mm-yy", "d/m/yyyy", "yyyy", "mm/yyyy",
// "Month yyyy" or "yyyy-mm".
//
// Compile it once per export with CompileDateLayouts: Parse runs for every
// date of every row. A DateParser does not change once compiled, so one may
// serve many goroutines.
type DateParser struct {
	layouts []dateLayout
	pivot   int
	tried   string // the layouts as the error names them
}

type dateLayout struct {
	text  string
	items []dateItem
}

// dateItem is one token of a layout, or a run of literal separators.
type dateItem struct {
	token   dateToken
	literal string
}

type dateToken uint8

const (
	literal dateToken = iota
	year4
	year2
	month2
	month12
	monthName
	monthAbbr
	day2
	day12
)

// dateTokens in the order a layout is read: longest first where one token
// begins another.
var dateTokens = [...]struct {
	text  string
	token dateToken
}{
	{"yyyy", year4}, {"yy", year2}, {"Month", monthName}, {"Mon", monthAbbr},
	{"mm", month2}, {"m", month12}, {"dd", day2}, {"d", day12},
}

// CompileDateLayouts reads layouts, to be tried in order, and the pivot for
// two-digit years: yy >= pivot means 19yy, below it 20yy (pivot 0..99). A
// layout needs a year, and a day needs a month. m and d, of one or two
// digits, must not be followed directly by another number ("dmyyyy"), which
// could not be read without guessing.
func CompileDateLayouts(layouts []string, pivot int) (*DateParser, error) {
	if len(layouts) == 0 {
		return nil, pole.Invalid("date_layout", "no layouts given")
	}
	if pivot < 0 || pivot > 99 {
		return nil, pole.Invalid("date_layout", "two-digit year pivot %d is not 0-99", pivot)
	}
	p := &DateParser{pivot: pivot, tried: strings.Join(layouts, ", ")}
	for _, text := range layouts {
		l, err := compileDateLayout(text)
		if err != nil {
			return nil, err
		}
		p.layouts = append(p.layouts, l)
	}
	return p, nil
}

func compileDateLayout(text string) (dateLayout, error) {
	l := dateLayout{text: text}
	var years, months, days int
	for i := 0; i < len(text); {
		it, width := readDateToken(text[i:])
		if it.token == literal {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return l, pole.Invalid("date_layout", "%q: %q is not a token: tokens are yyyy, yy, mm, m, dd, d, Month and Mon, and separators may not be letters or digits", text, r)
			}
			width = size
			if n := len(l.items); n > 0 && l.items[n-1].token == literal {
				l.items[n-1].literal += text[i : i+width]
				i += width
				continue
			}
			it.literal = text[i : i+width]
		}
		switch it.token {
		case year4, year2:
			years++
		case month2, month12, monthName, monthAbbr:
			months++
		case day2, day12:
			days++
		}
		l.items = append(l.items, it)
		i += width
	}
	switch {
	case years != 1:
		return l, pole.Invalid("date_layout", "%q must have one year, yyyy or yy", text)
	case months > 1 || days > 1:
		return l, pole.Invalid("date_layout", "%q has more than one month or day", text)
	case days == 1 && months == 0:
		return l, pole.Invalid("date_layout", "%q has a day but no month", text)
	}
	for k := 1; k < len(l.items); k++ {
		if (l.items[k-1].token == month12 || l.items[k-1].token == day12) && isNumeric(l.items[k].token) {
			return l, pole.Invalid("date_layout", "%q: m and d may be one or two digits, so need a separator before the next number", text)
		}
	}
	return l, nil
}

// readDateToken returns the token that s begins with and its width, or a
// literal item if it begins with none.
func readDateToken(s string) (dateItem, int) {
	for _, t := range dateTokens {
		if strings.HasPrefix(s, t.text) {
			return dateItem{token: t.token}, len(t.text)
		}
	}
	return dateItem{}, 0
}

func isNumeric(t dateToken) bool {
	switch t {
	case year4, year2, month2, month12, day2, day12:
		return true
	}
	return false
}

// Parse tries each layout in order and returns the date of the first that
// fits the whole of s, at the precision the layout has: a layout without a
// day gives a month, one without a month a year. Month names match in any
// case, in English; Mon also takes Sept. Space around s is ignored, and an
// empty s is no date and no error. A date that does not exist (31/02/2011) or
// fits no layout is pole.Invalid("date", ...), naming s and the layouts.
func (p *DateParser) Parse(s string) (pole.PartialDate, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return pole.PartialDate{}, nil
	}
	var firstProblem error
	problemLayout := ""
	for i := range p.layouts {
		l := &p.layouts[i]
		d, ok := l.match(v, p.pivot)
		if !ok {
			continue
		}
		err := checkDate(d, l)
		if err == nil {
			return d, nil
		}
		if firstProblem == nil {
			firstProblem, problemLayout = err, l.text
		}
	}
	if firstProblem != nil {
		return pole.PartialDate{}, pole.Invalid("date", "%q fits none of the layouts %s: as %s, %v", s, p.tried, problemLayout, firstProblem)
	}
	return pole.PartialDate{}, pole.Invalid("date", "%q fits none of the layouts %s", s, p.tried)
}

// match reads s in layout l, checking its shape but not whether the date
// exists.
func (l *dateLayout) match(s string, pivot int) (d pole.PartialDate, ok bool) {
	i := 0
	for _, it := range l.items {
		rest := s[i:]
		var v, w int
		switch it.token {
		case literal:
			if !strings.HasPrefix(rest, it.literal) {
				return d, false
			}
			w = len(it.literal)
		case year4:
			v, w = readNumber(rest, 4, 4)
			d.Year = v
		case year2:
			v, w = readNumber(rest, 2, 2)
			if v >= pivot {
				d.Year = 1900 + v
			} else {
				d.Year = 2000 + v
			}
		case month2:
			v, w = readNumber(rest, 2, 2)
			d.Month = v
		case month12:
			v, w = readNumber(rest, 1, 2)
			d.Month = v
		case monthName, monthAbbr:
			v, w = readMonthName(rest, it.token == monthAbbr)
			d.Month = v
		case day2:
			v, w = readNumber(rest, 2, 2)
			d.Day = v
		case day12:
			v, w = readNumber(rest, 1, 2)
			d.Day = v
		}
		if w == 0 {
			return d, false
		}
		i += w
	}
	return d, i == len(s)
}

// checkDate reports why d, read in layout l, is not a real date. Years,
// months and days of 0 are caught here: PartialDate would take them for
// unknown.
func checkDate(d pole.PartialDate, l *dateLayout) error {
	if d.Year == 0 {
		return fmt.Errorf("year 0 does not exist")
	}
	for _, it := range l.items {
		switch {
		case (it.token == month2 || it.token == month12) && d.Month == 0:
			return fmt.Errorf("month 0 is not 1-12")
		case (it.token == day2 || it.token == day12) && d.Day == 0:
			return fmt.Errorf("day 0 does not exist")
		}
	}
	return d.Valid()
}

// readNumber reads min to max digits from the start of s, as many as there
// are, and returns the value and the number of bytes read, 0 if too few.
func readNumber(s string, min, max int) (v, width int) {
	for width < max && width < len(s) && isDigit(s[width]) {
		v = v*10 + int(s[width]-'0')
		width++
	}
	if width < min {
		return 0, 0
	}
	return v, width
}

// readMonthName reads an English month name, in any case, from the start of
// s: the full name, or if abbr the first three letters or Sept.
func readMonthName(s string, abbr bool) (month, width int) {
	if abbr && hasPrefixFold(s, "sept") {
		return 9, 4
	}
	for m := time.January; m <= time.December; m++ {
		name := m.String()
		if abbr {
			name = name[:3]
		}
		if hasPrefixFold(s, name) {
			return int(m), len(name)
		}
	}
	return 0, 0
}

// hasPrefixFold reports whether s begins with the ASCII letters of prefix in
// any case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i]|0x20 {
			return false
		}
	}
	return true
}
