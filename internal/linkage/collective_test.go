package linkage

import (
	"fmt"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

// associatesModel is a fixed model in which a common name and a birth year
// alone fall short of a link, and a person in common makes up the rest.
func associatesModel() *Model {
	comp := func(name string, m, u []float64) ModelComparison {
		c, _ := comparisonByName(name)
		return ModelComparison{Name: name, Levels: c.levels, M: m, U: u, TF: c.tf}
	}
	name := func(name string) ModelComparison {
		// exact, variant, JW92, phonetic, other, swapped, initial, else
		return comp(name, []float64{0, 0.9, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01},
			[]float64{0, 0.01, 0.005, 0.01, 0.02, 0.005, 0.0001, 0.05, 0.8999})
	}
	return &Model{
		Lambda: 1e-6, Threshold: 0.9, ReviewFrom: 0.5,
		Comparisons: []ModelComparison{
			name("forename"), name("surname"),
			// exact, as far as known, transposed, two of three, within a year, else
			comp("dob", []float64{0, 0.8, 0.08, 0.02, 0.03, 0.05, 0.02}, []float64{0, 0.0001, 0.01, 0.0001, 0.001, 0.03, 0.9588}),
			comp(associatesName, []float64{0, 0.5, 0.5}, []float64{0, 0.0005, 0.9995}),
		},
	}
}

// associatesModel must stay a model caselink can score with.
func TestAssociatesModelMatchesTheComparisons(t *testing.T) {
	if err := associatesModel().Validate(); err != nil {
		t.Fatal(err)
	}
}

// ring is a group's records: an offender recorded in two cases with the
// same victim, and a namesake recorded in a third case with another.
func ring() []Record {
	khan := func(id, c string) Record {
		return Record{Source: "f", ID: id, Forename: "Mohammed", Surname: "Khan", DOB: pole.YearOnly(1984), Sex: "M", Cases: []string{c}}
	}
	victim := func(id, c, fore, sur string, dob pole.PartialDate) Record {
		return Record{Source: "f", ID: id, Forename: fore, Surname: sur, DOB: dob, Sex: "F", Cases: []string{c}}
	}
	recs := []Record{
		khan("k1", "case-1"), victim("v1", "case-1", "Amy", "Smith", pole.Date(1995, 3, 4)),
		khan("k2", "case-2"), victim("v2", "case-2", "Amy", "Smith", pole.Date(1995, 3, 4)),
		khan("k3", "case-3"), victim("v3", "case-3", "Jade", "Brown", pole.Date(1996, 7, 8)),
	}
	// Other people, so that names have frequencies to weigh.
	for k := range 40 {
		recs = append(recs, Record{Source: "f", ID: fmt.Sprintf("o%d", k), Forename: fmt.Sprintf("Name%c%c", 'a'+k%26, 'a'+k/26), Surname: fmt.Sprintf("Other%c%c", 'a'+k%26, 'a'+k/26), DOB: pole.Date(1970+k, 1, 1)})
	}
	return recs
}

func clusterOf(res *Result, recs []Record, id string) int32 {
	for i, r := range recs {
		if r.ID == id {
			return res.Cluster[i]
		}
	}
	panic("no record " + id)
}

func TestAPersonInCommonLinksRecordsTheirNamesAloneCannot(t *testing.T) {
	recs := ring()
	res, err := Link(recs, Options{Model: associatesModel()})
	if err != nil {
		t.Fatal(err)
	}
	k1, k2, k3 := clusterOf(res, recs, "k1"), clusterOf(res, recs, "k2"), clusterOf(res, recs, "k3")
	if k1 != k2 {
		t.Errorf("the two records of the man recorded with Amy Smith in two cases are apart")
	}
	if k3 == k1 || k3 == k2 {
		t.Errorf("the namesake recorded with another victim joined them")
	}
	if clusterOf(res, recs, "v1") != clusterOf(res, recs, "v2") {
		t.Errorf("the victim's two records are apart")
	}
	// The link says why: the associates level is in its pattern.
	k := len(associatesModel().Comparisons) - 1
	found := false
	for _, p := range res.Pairs {
		if recs[p.I].ID == "k1" && recs[p.J].ID == "k2" {
			found = true
			if l := pattern(p.Pattern).level(k); l != 1 {
				t.Errorf("the k1-k2 link has associates level %d, want 1 (a person in common)", l)
			}
		}
	}
	if !found {
		t.Errorf("no pair kept for k1 and k2")
	}

	// Without cases, nothing tells the three namesakes apart and nothing
	// joins them: a name and a year are not enough.
	for i := range recs {
		recs[i].Cases = nil
	}
	res, err = Link(recs, Options{Model: associatesModel()})
	if err != nil {
		t.Fatal(err)
	}
	if clusterOf(res, recs, "k1") == clusterOf(res, recs, "k2") {
		t.Errorf("without cases, a common name and a birth year linked two records")
	}
}

func TestRecordsOfOneCaseAreNotEachOthersAssociates(t *testing.T) {
	recs := ring()
	// k2 is now recorded in case 1 beside k1, and the victim's second
	// record with it: the two share every associate by being in one case.
	recs[2].Cases = []string{"case-1"}
	recs[3].Cases = []string{"case-1", "case-2"}
	p := prepare(recs)
	label := make([]int32, len(recs))
	for i := range label {
		label[i] = int32(i)
	}
	label[3] = 1 // the victim's records are one person
	p.setAssociates(label, p.caseMembers())
	if l := associatesLevel(p, 0, 2); l != 0 {
		t.Errorf("two records of one case: associates level %d, want null", l)
	}
}

func TestAssociatesLevels(t *testing.T) {
	recs := []Record{
		{ID: "a", Cases: []string{"c1"}},       // 0
		{ID: "b", Cases: []string{"c2"}},       // 1
		{ID: "x", Cases: []string{"c1"}},       // 2: with a
		{ID: "x2", Cases: []string{"c2"}},      // 3: with b, one person with x
		{ID: "c", Cases: []string{"c3"}},       // 4
		{ID: "y", Cases: []string{"c3"}},       // 5: with c, someone else
		{ID: "d"},                              // 6: in no case
		{ID: "e", Cases: []string{"c4", "c2"}}, // 7: with b in c2
	}
	p := prepare(recs)
	if l := associatesLevel(p, 0, 1); l != 0 {
		t.Fatalf("before a first pass: level %d, want null", l)
	}
	label := []int32{0, 1, 2, 2, 4, 5, 6, 7}
	p.setAssociates(label, p.caseMembers())
	for _, tc := range []struct {
		i, j int
		want uint8
		why  string
	}{
		{0, 1, 1, "a and b are each recorded with x"},
		{0, 4, 2, "a and c have associates, none in common"},
		{0, 6, 0, "d is in no case"},
		{1, 7, 0, "b and e share case c2"},
		{2, 1, 2, "x's associate is a; b's is x itself, which is x's own person"},
	} {
		if got := associatesLevel(p, tc.i, tc.j); got != tc.want {
			t.Errorf("%s: level %d, want %d", tc.why, got, tc.want)
		}
	}
}

func TestAnOverfullCaseNamesNoAssociates(t *testing.T) {
	var recs []Record
	for k := range maxCaseRecords + 1 {
		recs = append(recs, Record{ID: fmt.Sprint(k), Cases: []string{"umbrella"}})
	}
	p := prepare(recs)
	label := make([]int32, len(recs))
	for i := range label {
		label[i] = int32(i)
	}
	p.setAssociates(label, p.caseMembers())
	if n := len(p.assoc.vals); n != 0 {
		t.Fatalf("a case of %d records gave %d associates, want none", len(recs), n)
	}
}

func TestExplainReadsAssociatesFromTheClustersGiven(t *testing.T) {
	recs := ring()
	m := associatesModel()
	clusters := make([]int32, len(recs))
	for i := range clusters {
		clusters[i] = -1
	}
	clusters[1], clusters[3] = 7, 7 // the victim's two records are one person
	e, err := Explain(recs, m, clusters, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	last := e.Fields[len(e.Fields)-1]
	if last.Comparison != associatesName || last.LevelIndex != 1 || last.Bits <= 0 {
		t.Fatalf("associates explained as %+v, want level 1 with positive bits", last)
	}
	e, err = Explain(recs, m, nil, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if last := e.Fields[len(e.Fields)-1]; last.LevelIndex != 0 {
		t.Fatalf("without clusters associates explained as %+v, want null", last)
	}
}

func TestATrainedRunEstimatesWhatAPersonInCommonWeighs(t *testing.T) {
	// A population of small groups: each offender in two cases, each case
	// with a victim recorded in both of the offender's cases.
	var recs []Record
	surnames := []string{"Khan", "Hussain", "Ali", "Ahmed", "Shah", "Iqbal", "Butt", "Akhtar"}
	forenames := []string{"Mohammed", "Imran", "Tariq", "Asif", "Zahid", "Shahid"}
	for g := range 600 {
		fore, sur := forenames[g%len(forenames)], surnames[(g/len(forenames))%len(surnames)]
		dob := pole.Date(1970+g%25, 1+g%12, 1+g%28)
		vdob := pole.Date(1990+g%10, 1+(g*7)%12, 1+(g*3)%28)
		for c := range 2 {
			cs := []string{fmt.Sprintf("g%d-c%d", g, c)}
			rec := Record{Source: "f", ID: fmt.Sprintf("o%d-%d", g, c), Forename: fore, Surname: sur, DOB: dob, Sex: "M", Cases: cs}
			if c == 1 && g%3 == 0 {
				rec.DOB = pole.YearOnly(dob.Year) // a thin record
			}
			recs = append(recs, rec,
				Record{Source: "f", ID: fmt.Sprintf("v%d-%d", g, c), Forename: fmt.Sprintf("Girl%d", g), Surname: "Victim", DOB: vdob, Sex: "F", Cases: cs})
		}
	}
	res, err := Link(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := -1
	for x, c := range res.Model.Comparisons {
		if c.Name == associatesName {
			k = x
		}
	}
	if k < 0 {
		t.Fatal("the trained model has no associates comparison")
	}
	c := res.Model.Comparisons[k]
	rep := res.Model.Training.Associates
	if rep == nil || !rep.Estimated {
		t.Fatalf("associates not estimated: %+v", rep)
	}
	if !(c.M[1] > 10*c.U[1]) {
		t.Errorf("a person in common: m %.4f, u %.4f; want m far above u", c.M[1], c.U[1])
	}
	if err := res.Model.Validate(); err != nil {
		t.Fatalf("the model with associates does not validate: %v", err)
	}
}

func TestANewRecordJoinsAnExistingPersonThroughAPersonInCommon(t *testing.T) {
	recs := ring()
	existing := make([]int32, len(recs))
	for i := range existing {
		existing[i] = int32(i)
	}
	existing[3] = 1 // the victim's two records are one person already
	existing[2] = -1
	res, err := Link(recs, Options{Model: associatesModel(), Existing: existing})
	if err != nil {
		t.Fatal(err)
	}
	if clusterOf(res, recs, "k2") != clusterOf(res, recs, "k1") {
		t.Errorf("the new record of the man recorded with Amy Smith did not join him")
	}
	if clusterOf(res, recs, "k3") == clusterOf(res, recs, "k1") {
		t.Errorf("the namesake joined an existing person")
	}
	for _, p := range res.Pairs {
		if p.I != 2 && p.J != 2 {
			t.Errorf("pair %s-%s of two existing records was scored", recs[p.I].ID, recs[p.J].ID)
		}
	}
}
