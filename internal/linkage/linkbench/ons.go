package linkbench

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
)

// onsDateLayouts are every way the ONS files write a date of birth: 05/03/92,
// 05-01-85, 06-Jan-88 and 03 March 1989, month names in any case. Day comes
// before month: where a row of one file writes the month as a name, its true
// row in the other writes the same date as dd-mm-yy.
var onsDateLayouts = []string{"dd/mm/yy", "dd-mm-yy", "dd-Mon-yy", "dd Month yyyy"}

// onsFile is one side of the ONS exercise as read: its records, each row's
// own ident and the ident of its true row in the other file ("" for none).
type onsFile struct {
	recs  []linkage.Record
	ident []string
	other []string
	line  []int          // the line each row is on
	index map[string]int // ident to row
}

// readONS reads the ONS working-linkage files A and B. Each B row's ident_a
// names its true row of A by that row's ident_a, and that A row's ident_b
// names the B row back; A rows with an empty ident_b have no true row in B.
// The true entity of a record is the ident_a of its A row.
func readONS(pathA, pathB string, pivot int) ([]linkage.Record, []string, error) {
	dates, err := normalise.CompileDateLayouts(onsDateLayouts, pivot)
	if err != nil {
		return nil, nil, err
	}
	a, err := readONSFile(pathA, "a", "b", dates)
	if err != nil {
		return nil, nil, err
	}
	b, err := readONSFile(pathB, "b", "a", dates)
	if err != nil {
		return nil, nil, err
	}
	truth := make([]string, 0, len(a.recs)+len(b.recs))
	truth = append(truth, a.ident...)
	for i, identA := range b.other {
		j, ok := a.index[identA]
		switch {
		case identA == "":
			return nil, nil, lineError(pathB, b.line[i], "ident_a", "no true row of file A given")
		case !ok:
			return nil, nil, lineError(pathB, b.line[i], "ident_a", "%q names no row of file A", identA)
		case a.other[j] != b.ident[i]:
			return nil, nil, lineError(pathA, a.line[j], "ident_b", "is %q, but the row of file B with ident_b %s names this row as its true one", a.other[j], b.ident[i])
		}
		truth = append(truth, identA)
	}
	return append(a.recs, b.recs...), truth, nil
}

// readONSFile reads one side, whose columns end in _side and which names its
// true rows in the other file in ident_other.
func readONSFile(path, side, other string, dates *normalise.DateParser) (*onsFile, error) {
	col := func(name string) string { return name + "_" + side }
	c, err := openCSV(path, col("id"), col("firstname"), col("middlename"), col("surname"), col("sex"), col("postcode"), col("dob"), col("ident"), "ident_"+other)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	out := &onsFile{index: make(map[string]int)}
	ids := make(map[string]int)
	for {
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		id, ident := c.get(col("id")), c.get(col("ident"))
		if first, dup := ids[id]; dup {
			return nil, c.errorf(col("id"), "%q is already given at line %d", id, first)
		}
		ids[id] = c.line
		if ident == "" {
			return nil, c.errorf(col("ident"), "no ident given")
		}
		if first, dup := out.index[ident]; dup {
			return nil, c.errorf(col("ident"), "%q is already given at line %d", ident, out.line[first])
		}
		out.index[ident] = len(out.recs)
		sex, err := onsSex(c.get(col("sex")))
		if err != nil {
			return nil, c.errorf(col("sex"), "%v", err)
		}
		dob, err := dates.Parse(c.get(col("dob")))
		if err != nil {
			return nil, c.errorf(col("dob"), "%v", err)
		}
		r := linkage.Record{
			Source:      "ons_" + side,
			ID:          id,
			Forename:    c.get(col("firstname")),
			MiddleNames: c.get(col("middlename")),
			Surname:     c.get(col("surname")),
			Sex:         sex,
			DOB:         dob,
		}
		if pc := onsPostcode(c.get(col("postcode"))); pc != "" {
			r.Postcodes = []string{pc}
		}
		out.recs = append(out.recs, r)
		out.ident = append(out.ident, ident)
		out.other = append(out.other, c.get("ident_"+other))
		out.line = append(out.line, c.line)
	}
	return out, nil
}

// onsSex reads 1, 2, M, F, Male or Female in any case.
func onsSex(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "1", "m", "male":
		return "M", nil
	case "2", "f", "female":
		return "F", nil
	}
	return "", fmt.Errorf("%q is not 1, 2, M, F, Male or Female", s)
}

// onsPostcode gives a UK postcode its canonical form, and anything else
// upper-cased without spaces, as linkage can still compare it as written.
func onsPostcode(s string) string {
	if pc, err := normalise.ParsePostcode(s); err == nil {
		return pc.Full
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}
