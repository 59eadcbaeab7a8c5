package stats

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/caselink/caselink/internal/pole"
)

// A measure of data quality: which records it applies to, and for each
// whether the field is recorded and whether what is recorded is usable.
type measure struct {
	id, label, rule, field string
	// applies, recorded and valid look at record i of the dataset (a
	// person record, or a case for case measures), with its year.
	applies  func(i int) bool
	recorded func(i int) bool
	valid    func(i int) bool
	year     func(i int) int
	force    func(i int) string
	n        func() int
}

// tally is one measure's counts for one scope.
type tally struct{ records, recorded, valid int }

// measureQuality measures how completely and how validly each force
// records the fields the counts rest on, per force and per year of the
// offence, over the records of offences in scope.
func measureQuality(d *dataset, r *Rules, dc Disclosure) ([]*Quality, error) {
	// A person record's roles and year come from the parts it plays in
	// offences in scope; a record in none is not measured.
	const (
		asSuspect = 1 << iota
		asVictim
	)
	roles := make([]uint8, len(d.people))
	year := make([]int, len(d.people))
	firstCase := make([]int32, len(d.people))
	for i := range firstCase {
		firstCase[i] = -1
	}
	for _, p := range d.parts {
		if !d.inScope[p.cas] {
			continue
		}
		switch p.role {
		case pole.RoleSuspect:
			roles[p.rec] |= asSuspect
		case pole.RoleVictim:
			roles[p.rec] |= asVictim
		default:
			continue
		}
		if fc := firstCase[p.rec]; fc < 0 || d.earlier(p.cas, fc) {
			firstCase[p.rec] = p.cas
			year[p.rec] = caseYear(d.cases[p.cas])
		}
	}
	// A case with a child victim (under 18 at the offence for certain)
	// meets the definition a CSE flag is for.
	childVictim := make([]bool, len(d.cases))
	for _, p := range d.parts {
		if p.role != pole.RoleVictim || !d.inScope[p.cas] {
			continue
		}
		if _, hi, ok := pole.AgeRange(d.people[p.rec].DOB, d.dates[p.cas]); ok && hi < 18 {
			childVictim[p.cas] = true
		}
	}

	person := func(role uint8) func(i int) bool { return func(i int) bool { return roles[i]&role != 0 } }
	personYear := func(i int) int { return year[i] }
	personForce := func(i int) string { return d.people[i].Force }
	people := func() int { return len(d.people) }
	inScopeCase := func(i int) bool { return d.inScope[i] }
	caseYearOf := func(i int) int { return caseYear(d.cases[i]) }
	caseForce := func(i int) string { return d.cases[i].Force }
	cases := func() int { return len(d.cases) }
	validDOB := func(i int) bool {
		dob := d.people[i].DOB
		if dob.Precision() != pole.PrecisionDay || dob.Year < 1900 {
			return false
		}
		fc := firstCase[i]
		return fc < 0 || !d.dates[fc].Before(dob)
	}
	// The measures of a person record of one part.
	recordOf := func(role uint8, roleName string) []measure {
		return []measure{
			{id: roleName + "-ethnicity-self", label: "Self-defined ethnicity of " + roleName + "s", rule: "record", field: "ethnicity_self",
				applies: person(role), year: personYear, force: personForce, n: people,
				recorded: func(i int) bool { return d.people[i].EthnicitySelf != "" },
				valid:    func(i int) bool { return usableSelfDefined(d.people[i].EthnicitySelf) }},
			{id: roleName + "-ethnicity-observed", label: "Officer-observed ethnicity of " + roleName + "s", rule: "record", field: "ethnicity_observed",
				applies: person(role), year: personYear, force: personForce, n: people,
				recorded: func(i int) bool { return d.people[i].EthnicityObserved != "" },
				valid:    func(i int) bool { return usableObserved(d.people[i].EthnicityObserved) }},
			{id: roleName + "-nationality", label: "Nationality of " + roleName + "s", rule: "record", field: "nationality",
				applies: person(role), year: personYear, force: personForce, n: people,
				recorded: func(i int) bool { return d.people[i].Nationality != "" },
				valid:    func(i int) bool { return pole.IsNationality(d.people[i].Nationality) }},
			{id: roleName + "-dob", label: "Date of birth of " + roleName + "s", rule: "record", field: "dob",
				applies: person(role), year: personYear, force: personForce, n: people,
				recorded: func(i int) bool { return !d.people[i].DOB.IsZero() }, valid: validDOB},
		}
	}
	measures := slices.Concat(recordOf(asSuspect, "suspect"), recordOf(asVictim, "victim"), []measure{
		{id: "victim-age-at-offence", label: "Victim's age at the offence computable", rule: "record", field: "dob, offence dates",
			applies: person(asVictim), year: personYear, force: personForce, n: people,
			recorded: func(i int) bool {
				if firstCase[i] < 0 {
					return false
				}
				_, _, ok := pole.AgeRange(d.people[i].DOB, d.dates[firstCase[i]])
				return ok
			},
			valid: func(i int) bool {
				lo, hi, _ := pole.AgeRange(d.people[i].DOB, d.dates[firstCase[i]])
				return lo == hi // asked only of a record whose age is computable
			}},
		{id: "offence-date", label: "Offence date", rule: "offence", field: "offence_from, offence_to",
			applies: inScopeCase, year: caseYearOf, force: caseForce, n: cases,
			recorded: func(i int) bool { return !d.cases[i].OffenceFrom.IsZero() || !d.cases[i].OffenceTo.IsZero() },
			valid: func(i int) bool {
				c := d.cases[i]
				from := d.dates[i]
				return from.Precision() == pole.PrecisionDay && (c.Recorded.IsZero() || !c.Recorded.Before(from)) &&
					(c.OffenceTo.IsZero() || !c.OffenceTo.Before(c.OffenceFrom))
			}},
		{id: "outcome-type", label: "Outcome type", rule: "offence", field: "outcome_type",
			applies: inScopeCase, year: caseYearOf, force: caseForce, n: cases,
			recorded: func(i int) bool { return d.cases[i].OutcomeType != 0 },
			valid: func(i int) bool {
				_, ok := pole.OutcomeByCode(d.cases[i].OutcomeType)
				return ok
			}},
		{id: "cse-flag", label: "CSE flag on offences against a child", rule: "offence", field: "flags",
			applies: func(i int) bool { return d.inScope[i] && childVictim[i] }, year: caseYearOf, force: caseForce, n: cases,
			recorded: func(i int) bool { return slices.Contains(d.cases[i].Flags, "CSE") },
			valid:    func(i int) bool { return slices.Contains(d.cases[i].Flags, "CSE") }},
	})

	out := make([]*Quality, 0, len(measures))
	for _, m := range measures {
		q, err := m.measure(dc)
		if err != nil {
			return nil, fmt.Errorf("quality %s: %w", m.id, err)
		}
		out = append(out, q)
	}
	return out, nil
}

func (m *measure) measure(dc Disclosure) (*Quality, error) {
	var all tally
	byForce := map[string]*tally{}
	byYear := map[int]*tally{}
	for i := range m.n() {
		if !m.applies(i) {
			continue
		}
		rec, val := m.recorded(i), false
		if rec {
			val = m.valid(i)
		}
		ts := []*tally{&all, at(byForce, m.force(i))}
		if y := m.year(i); y != 0 {
			ts = append(ts, at(byYear, y))
		}
		for _, t := range ts {
			t.records++
			if rec {
				t.recorded++
			}
			if val {
				t.valid++
			}
		}
	}
	forces := make([]string, 0, len(byForce))
	for f := range byForce {
		forces = append(forces, f)
	}
	slices.SortFunc(forces, func(a, b string) int { return cmp.Compare(forceName(a), forceName(b)) })
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	slices.Sort(years)

	// Each count is protected as a cell of a table whose rows are the
	// forces (or the years, with the records of no known year as a last,
	// unpublished row), whose total is the overall count: a force's small
	// count is then not the overall less the others.
	forceTallies := make([]tally, len(forces))
	for i, f := range forces {
		forceTallies[i] = *byForce[f]
	}
	yearTallies := make([]tally, len(years)+1)
	known := tally{}
	for i, y := range years {
		yearTallies[i] = *byYear[y]
		known.records += byYear[y].records
		known.recorded += byYear[y].recorded
		known.valid += byYear[y].valid
	}
	yearTallies[len(years)] = tally{all.records - known.records, all.recorded - known.recorded, all.valid - known.valid}
	byForceFig, overall, err := protectTallies(dc, forceTallies)
	if err != nil {
		return nil, err
	}
	byYearFig, _, err := protectTallies(dc, yearTallies)
	if err != nil {
		return nil, err
	}
	q := &Quality{ID: m.id, Label: m.label, Rule: m.rule, Field: m.field, Overall: overall}
	for i, f := range forces {
		byForceFig[i].Force = f
		q.ByForce = append(q.ByForce, byForceFig[i])
	}
	for i, y := range years {
		byYearFig[i].Year = y
		q.ByYear = append(q.ByYear, byYearFig[i])
	}
	return q, nil
}

// protectTallies publishes the records, recorded and valid counts of each
// row, and of all rows together, each count protected as a one-column
// table over the rows; the rates are worked out from what is published.
func protectTallies(dc Disclosure, rows []tally) ([]QualityFigure, QualityFigure, error) {
	figs := make([]QualityFigure, len(rows))
	var total QualityFigure
	labels := make([]string, len(rows))
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	for _, part := range []struct {
		get func(tally) int
		set func(*QualityFigure, Cell)
	}{
		{func(t tally) int { return t.records }, func(f *QualityFigure, c Cell) { f.Records = c }},
		{func(t tally) int { return t.recorded }, func(f *QualityFigure, c Cell) { f.Recorded = c }},
		{func(t tally) int { return t.valid }, func(f *QualityFigure, c Cell) { f.Valid = c }},
	} {
		counts := make([][]int, len(rows))
		for i, t := range rows {
			counts[i] = []int{part.get(t)}
		}
		t := newTable("quality", "", "record", "records", "", "", labels, []string{"Count"}, counts)
		if err := dc.Protect(t); err != nil {
			return nil, QualityFigure{}, err
		}
		for i := range rows {
			part.set(&figs[i], t.Cells[i][0])
		}
		part.set(&total, t.Total)
	}
	for i := range figs {
		figs[i].Completeness = rateOfPublished(dc, figs[i].Recorded, figs[i].Records)
		figs[i].Validity = rateOfPublished(dc, figs[i].Valid, figs[i].Recorded)
	}
	total.Completeness = rateOfPublished(dc, total.Recorded, total.Records)
	total.Validity = rateOfPublished(dc, total.Valid, total.Recorded)
	return figs, total, nil
}

// rateOfPublished is num/den as a percentage from the published counts
// only, so that it tells nothing they do not; withheld when either is
// suppressed, when the base is under the threshold, or when the part
// missing (den-num) is small itself.
func rateOfPublished(dc Disclosure, num, den Cell) Rate {
	if num.Suppressed || den.Suppressed || den.raw < dc.Threshold || dc.small(den.raw-num.raw) {
		return Rate{Withheld: true}
	}
	return dc.Rate(num.Value, den.Value)
}

func at[K comparable](m map[K]*tally, k K) *tally {
	t, ok := m[k]
	if !ok {
		t = &tally{}
		m[k] = t
	}
	return t
}
