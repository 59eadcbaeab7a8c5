package stats

import (
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func TestAQualityRateNeverGivesAwayASuppressedCount(t *testing.T) {
	dc := DefaultDisclosure()
	// Force 0: 12 records, 9 recorded (a small count); force 1: 100
	// records, 95 recorded (5 missing: small too); force 2: plenty.
	figs, total, err := protectTallies(dc, []tally{{12, 9, 9}, {100, 95, 95}, {400, 300, 280}})
	if err != nil {
		t.Fatal(err)
	}
	if !figs[0].Recorded.Suppressed || !figs[0].Completeness.Withheld || figs[0].Completeness.Percent != 0 {
		t.Errorf("9 of 12 recorded: got %+v and %+v, want the count suppressed and the rate withheld", figs[0].Recorded, figs[0].Completeness)
	}
	if !figs[1].Completeness.Withheld {
		t.Errorf("95 of 100 recorded: rate %+v published; 5 missing is a small count", figs[1].Completeness)
	}
	// The total less the other forces must not give force 0's count.
	suppressed := 0
	for _, f := range figs {
		if f.Recorded.Suppressed {
			suppressed++
		}
	}
	if !total.Recorded.Suppressed && suppressed < 2 {
		t.Errorf("one force's recorded count suppressed beside a published total: %+v", figs)
	}
	if r := figs[2].Completeness; r.Withheld || r.Percent != 75 {
		t.Errorf("300 of 400: rate %+v, want 75 from the published counts", r)
	}
}

func TestTheEarliestOffencePrefersADatedCaseWhateverTheOrder(t *testing.T) {
	d := &dataset{
		cases: []*pole.Case{{ID: "c-undated"}, {ID: "c-2015", OffenceFrom: pole.Date(2015, 3, 1)}, {ID: "c-2015y", OffenceFrom: pole.YearOnly(2015)},
			{ID: "c-2014", OffenceFrom: pole.Date(2014, 6, 1)}},
	}
	for _, c := range d.cases {
		d.dates = append(d.dates, caseDate(c))
	}
	for _, tc := range []struct {
		a, b int32
		want bool
	}{
		{1, 0, true}, {0, 1, false}, // dated before undated
		{3, 1, true}, {1, 3, false}, // by date
		{1, 2, true}, {2, 1, false}, // the more precise of two that overlap
		{0, 0, false},
	} {
		if got := d.earlier(tc.a, tc.b); got != tc.want {
			t.Errorf("earlier(%s, %s) = %v, want %v", d.cases[tc.a].ID, d.cases[tc.b].ID, got, tc.want)
		}
	}
}

func TestTheLowEndNeverJoinsRecordsJudgedDifferentThroughAThird(t *testing.T) {
	// Records 0, 1 and 2 are three people as linked; 0 and 1 were judged
	// different; 2 pairs with both, uncertainly.
	d := &dataset{
		people:     make([]store.StatsPerson, 3),
		entity:     []int32{0, 1, 2},
		entities:   3,
		pairs:      []scoredPair{{0, 2, 0.8, true}, {1, 2, 0.7, true}},
		judgements: []judgement{{0, 1, false}},
	}
	pt := d.loose(0.5)
	if pt.of[0] == pt.of[1] {
		t.Errorf("records judged different joined through a third: %v", pt.of)
	}
	if pt.of[0] != pt.of[2] || pt.n != 2 {
		t.Errorf("got %v in %d people, want the stronger pair joined and two people", pt.of, pt.n)
	}
}
