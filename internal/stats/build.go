package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// BatchGCPercent is the collector setting a report runs best under: it
// holds every record in memory once and makes little garbage after the
// read, so collecting less often saves a second at a million records.
const BatchGCPercent = 400

// Options shape a report.
type Options struct {
	// Rules are the counting rules; nil means DefaultRules.
	Rules *Rules
	// Disclosure is the control on every published count; the zero value
	// means DefaultDisclosure.
	Disclosure Disclosure
	// Now stamps the report; nil means time.Now.
	Now func() time.Time
}

// Produce counts the nature-and-scale report from the store: every force's
// records, de-duplicated through the linkage stored, with the spread the
// linkage thresholds give, the data-quality measures, and disclosure
// control applied to every published figure. It reads personal data of
// every force: callers authorise it (NatureAndScale does).
func Produce(ctx context.Context, st *store.Store, opt Options) (*Report, error) {
	rep, _, err := produce(ctx, st, opt)
	return rep, err
}

// produce is Produce keeping the unrounded counts of the headline figures
// beside the report, for tests against the synthetic truth.
func produce(ctx context.Context, st *store.Store, opt Options) (*Report, *counted, error) {
	const op = "stats.Produce"
	r := opt.Rules
	if r == nil {
		r = DefaultRules()
	}
	dc := opt.Disclosure
	if dc == (Disclosure{}) {
		dc = DefaultDisclosure()
	}
	if err := dc.Validate(); err != nil {
		return nil, nil, pole.E(op, err)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	d, err := load(ctx, st, r)
	if err != nil {
		return nil, nil, pole.E(op, err)
	}
	forces := newForceIndex(d)

	// The data quality is measured, and the three linkages counted (the
	// one stored, and the two that bound it), side by side.
	type measured struct {
		q   []*Quality
		err error
	}
	quality := make(chan measured, 1)
	go func() {
		q, err := measureQuality(d, r, dc)
		quality <- measured{q, err}
	}()
	parts := []partition{d.headline(), {}, {}}
	counts := make([]*counted, 3)
	errs := make([]error, 3)
	done := make(chan int, 3)
	for i := range 3 {
		go func() {
			switch i {
			case 1:
				parts[i] = d.loose(r.Linkage.LooseProbability)
			case 2:
				parts[i] = d.strict(r.Linkage.StrictProbability)
			}
			counts[i], errs[i] = d.count(r, parts[i], forces)
			done <- i
		}()
	}
	for range 3 {
		<-done
	}
	for _, err := range errs {
		if err != nil {
			return nil, nil, pole.E(op, err)
		}
	}
	head, low, high := counts[0], counts[1], counts[2]

	rep := &Report{
		Title:      "Group-based child sexual exploitation: nature and scale",
		Generated:  now().UTC(),
		Rules:      r.Summary(),
		Disclosure: dc,
		Linkage: LinkageBasis{Entities: dc.Count(d.entities), StrictAt: r.Linkage.StrictProbability,
			LooseAt: r.Linkage.LooseProbability, LooseMerge: looseMerge},
	}
	if d.run != nil {
		rep.Linkage.RunID = d.run.ID
	}
	if d.model != nil {
		rep.Linkage.ModelVersion = d.model.Version
	}
	offences := 0
	for i := range d.cases {
		if d.inScope[i] {
			offences++
		}
	}
	rep.Headlines = []Headline{
		headline(dc, "victims", "Victims", "victim", head.victims.people, low.victims.people, high.victims.people, head.victims.parts),
		headline(dc, "offenders", "Suspected offenders", "offender", head.offenders.people, low.offenders.people, high.offenders.people, head.offenders.parts),
		headline(dc, "groups", "Groups", "group", len(head.groups), len(low.groups), len(high.groups), len(head.groups)),
		headline(dc, "offences", "Offences", "offence", offences, offences, offences, len(d.cases)),
	}
	people := newPeopleView(d, parts[0])
	tables := []*Table{
		byForce(d, forces, head.victims, "victims-by-force", "Victims by force of record", "victim", "victims"),
		byForce(d, forces, head.offenders, "offenders-by-force", "Suspected offenders by force of record", "offender", "suspected offenders"),
		people.victimsByAgeAndSex(d, head.victims),
		people.offendersByAge(d, head.offenders),
		people.byEthnicity(d, head.victims, "victims-by-ethnicity", "Victims by self-defined ethnicity", "victim", "victims"),
		people.offendersByEthnicityAndForce(d, forces, head.offenders),
		offencesByForceAndPeriod(d, r, forces),
		offencesByOutcome(d),
		groupsBySizeAndForces(head),
	}
	for _, t := range tables {
		if err := dc.Protect(t); err != nil {
			return nil, nil, pole.E(op, fmt.Errorf("table %s: %w", t.ID, err))
		}
	}
	rep.Tables = tables
	mq := <-quality
	if mq.err != nil {
		return nil, nil, pole.E(op, mq.err)
	}
	rep.Quality = mq.q
	for _, s := range d.sources {
		rep.Sources = append(rep.Sources, SourceSummary{Force: s.Force, Files: len(s.SourceIDs), Rows: s.Rows, Quarantined: s.Quarantined})
		rep.sourceIDs = append(rep.sourceIDs, s.SourceIDs...)
	}
	rep.Methods = methods(r, rep, d)
	return rep, head, nil
}

func headline(dc Disclosure, id, label, rule string, value, low, high, records int) Headline {
	// More linking never makes more people, so the loose count is the low.
	lo, hi := min(low, value, high), max(low, value, high)
	return Headline{ID: id, Label: label, Rule: rule, Value: dc.Count(value), Low: dc.Count(lo), High: dc.Count(hi), Records: dc.Count(records)}
}

// forceLabels labels a table's force rows, with the row of people recorded
// by two or more forces last.
func forceLabels(fi *forceIndex, multiple bool) []string {
	rows := make([]string, 0, len(fi.codes)+1)
	for _, c := range fi.codes {
		rows = append(rows, forceName(c))
	}
	if multiple {
		rows = append(rows, "Two or more forces")
	}
	return rows
}

func rowOfForce(fi *forceIndex, f int16) int {
	if f == multipleForces {
		return len(fi.codes)
	}
	return int(f)
}

func grid(rows, cols int) [][]int {
	g := make([][]int, rows)
	for i := range g {
		g[i] = make([]int, cols)
	}
	return g
}

func byForce(d *dataset, fi *forceIndex, v *involved, id, title, rule, unit string) *Table {
	counts := grid(len(fi.codes)+1, 1)
	for p, first := range v.first {
		if first >= 0 {
			counts[rowOfForce(fi, v.force[p])][0]++
		}
	}
	t := newTable(id, title, rule, unit, "Force", "", forceLabels(fi, true), []string{"Count"}, counts)
	t.Note = "A person recorded by two or more forces is counted once, under 'Two or more forces'."
	return t
}

// peopleView lists each person's records under the stored linkage, to
// read a person's sex, ethnicity and date of birth across their records.
type peopleView struct {
	offsets []int32
	records []int32
}

func newPeopleView(d *dataset, pt partition) *peopleView {
	v := &peopleView{offsets: make([]int32, pt.n+1), records: make([]int32, len(pt.of))}
	for _, p := range pt.of {
		v.offsets[p+1]++
	}
	for i := 1; i < len(v.offsets); i++ {
		v.offsets[i] += v.offsets[i-1]
	}
	next := slices.Clone(v.offsets[:pt.n])
	for rec, p := range pt.of {
		v.records[next[p]] = int32(rec)
		next[p]++
	}
	return v
}

func (v *peopleView) of(person int) []int32 { return v.records[v.offsets[person]:v.offsets[person+1]] }

// sex is the sex most of a person's records give: 0 female, 1 male, 2 not
// known or another.
func (v *peopleView) sex(d *dataset, person int) int {
	var f, m int
	for _, rec := range v.of(person) {
		switch d.people[rec].Sex {
		case "F":
			f++
		case "M":
			m++
		}
	}
	switch {
	case f > m:
		return 0
	case m > f:
		return 1
	}
	return 2
}

// ethnicGroup is the census group of the self-defined code most of a
// person's records give (ties to the first in code order), or -1.
func (v *peopleView) ethnicGroup(d *dataset, person int) int {
	best, bestN := "", 0
	recs := v.of(person)
	for i, rec := range recs {
		code := d.people[rec].EthnicitySelf
		if !usableSelfDefined(code) {
			continue
		}
		n := 0
		for _, other := range recs[i:] {
			if d.people[other].EthnicitySelf == code {
				n++
			}
		}
		if n > bestN || n == bestN && code < best {
			best, bestN = code, n
		}
	}
	if bestN == 0 {
		return -1
	}
	return ethnicGroup(best)
}

// dob is the date of birth of the record that shows a person's earliest
// offence, or the most precise one of their other records.
func (v *peopleView) dob(d *dataset, person int, rec int32) pole.PartialDate {
	if dob := d.people[rec].DOB; !dob.IsZero() {
		return dob
	}
	var best pole.PartialDate
	for _, r := range v.of(person) {
		if dob := d.people[r].DOB; dob.Precision() > best.Precision() {
			best = dob
		}
	}
	return best
}

func (v *peopleView) ageBand(d *dataset, inv *involved, person int, bounds []int) int {
	lo, hi, ok := pole.AgeRange(v.dob(d, person, inv.rec[person]), caseDate(d.cases[inv.first[person]]))
	if !ok {
		return len(bounds) + 1
	}
	if b := ageBand(lo, hi, bounds); b >= 0 {
		return b
	}
	return len(bounds) + 1
}

func (v *peopleView) victimsByAgeAndSex(d *dataset, inv *involved) *Table {
	counts := grid(len(victimAgeLabels)+1, len(sexLabels))
	for p, first := range inv.first {
		if first >= 0 {
			counts[v.ageBand(d, inv, p, victimAgeBounds)][v.sex(d, p)]++
		}
	}
	return newTable("victims-by-age-and-sex", "Victims by age at the earliest offence and sex", "victim", "victims",
		"Age at the earliest offence", "Sex", append(slices.Clone(victimAgeLabels), "Not known"), sexLabels, counts)
}

func (v *peopleView) offendersByAge(d *dataset, inv *involved) *Table {
	counts := grid(len(offenderAgeLabels)+1, 1)
	for p, first := range inv.first {
		if first >= 0 {
			counts[v.ageBand(d, inv, p, offenderAgeBounds)][0]++
		}
	}
	return newTable("offenders-by-age", "Suspected offenders by age at the earliest offence", "offender", "suspected offenders",
		"Age at the earliest offence", "", append(slices.Clone(offenderAgeLabels), "Not known"), []string{"Count"}, counts)
}

func ethnicRows() []string { return append(slices.Clone(ethnicGroups), "Not recorded") }

// ethnicRow is a person's row of an ethnicity table: their census group,
// or the last row when no record holds a usable self-defined code.
func (v *peopleView) ethnicRow(d *dataset, person int) int {
	if g := v.ethnicGroup(d, person); g >= 0 {
		return g
	}
	return len(ethnicGroups)
}

func (v *peopleView) byEthnicity(d *dataset, inv *involved, id, title, rule, unit string) *Table {
	counts := grid(len(ethnicGroups)+1, 1)
	for p, first := range inv.first {
		if first >= 0 {
			counts[v.ethnicRow(d, p)][0]++
		}
	}
	return newTable(id, title, rule, unit, "Self-defined ethnicity", "", ethnicRows(), []string{"Count"}, counts)
}

func (v *peopleView) offendersByEthnicityAndForce(d *dataset, fi *forceIndex, inv *involved) *Table {
	counts := grid(len(fi.codes)+1, len(ethnicGroups)+1)
	for p, first := range inv.first {
		if first >= 0 {
			counts[rowOfForce(fi, inv.force[p])][v.ethnicRow(d, p)]++
		}
	}
	t := newTable("offenders-by-force-and-ethnicity", "Suspected offenders by force of record and self-defined ethnicity", "offender",
		"suspected offenders", "Force", "Self-defined ethnicity", forceLabels(fi, true), ethnicRows(), counts)
	t.Note = "Ethnicity is the self-defined code most often recorded across a person's records, so linkage across forces fills in some that one force left blank."
	return t
}

func periodLabels(r *Rules, last int) []string {
	labels := []string{"Before " + strconv.Itoa(r.Period.FirstYear)}
	for y := r.Period.FirstYear; y <= last; y += r.Period.BandYears {
		labels = append(labels, strconv.Itoa(y)+" to "+strconv.Itoa(y+r.Period.BandYears-1))
	}
	return append(labels, "Not known")
}

func periodColumn(r *Rules, year, cols int) int {
	switch {
	case year == 0:
		return cols - 1
	case year < r.Period.FirstYear:
		return 0
	}
	return 1 + (year-r.Period.FirstYear)/r.Period.BandYears
}

func offencesByForceAndPeriod(d *dataset, r *Rules, fi *forceIndex) *Table {
	last := r.Period.FirstYear
	for i, c := range d.cases {
		if d.inScope[i] {
			last = max(last, caseYear(c))
		}
	}
	cols := periodLabels(r, last)
	counts := grid(len(fi.codes), len(cols))
	for i, c := range d.cases {
		if d.inScope[i] {
			counts[fi.of(c.Force)][periodColumn(r, caseYear(c), len(cols))]++
		}
	}
	return newTable("offences-by-force-and-period", "Offences by force and period of offending", "offence", "offences",
		"Force", "Period", forceLabels(fi, false), cols, counts)
}

func offencesByOutcome(d *dataset) *Table {
	byCode := map[int]int{}
	for i, c := range d.cases {
		if d.inScope[i] {
			byCode[c.OutcomeType]++
		}
	}
	var rows []string
	var counts [][]int
	for _, o := range pole.OutcomeTypes() {
		if n, ok := byCode[o.Code]; ok {
			rows = append(rows, strconv.Itoa(o.Code)+" "+o.Name)
			counts = append(counts, []int{n})
		}
	}
	rows = append(rows, "Not yet assigned")
	counts = append(counts, []int{byCode[0]})
	return newTable("offences-by-outcome", "Offences by outcome type", "offence", "offences", "Outcome type", "",
		rows, []string{"Count"}, counts)
}

func groupsBySizeAndForces(c *counted) *Table {
	sizes := []string{"2 offenders", "3 or 4", "5 to 9", "10 or more"}
	cols := []string{"One force", "Two or more forces"}
	counts := grid(len(sizes), len(cols))
	for i, g := range c.groups {
		row := 3
		switch n := len(g); {
		case n == 2:
			row = 0
		case n <= 4:
			row = 1
		case n <= 9:
			row = 2
		}
		col := c.groupForces[i] - 1
		counts[row][col]++
	}
	return newTable("groups-by-size-and-forces", "Groups by number of suspected offenders and forces spanned", "group", "groups",
		"Suspected offenders in the group", "Forces", sizes, cols, counts)
}
