package linkage

import (
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestTooFewRecordsMakeOnePersonEachAndNoModel(t *testing.T) {
	for name, tc := range map[string]struct {
		records  []Record
		linkOnly bool
	}{
		"no records":            {nil, false},
		"one record":            {[]Record{{Source: "a", ID: "1", Surname: "Khan"}}, false},
		"two unrelated records": {[]Record{{Source: "a", ID: "1", Surname: "Khan", DOB: pole.Date(1980, 1, 2)}, {Source: "a", ID: "2", Surname: "Zed", DOB: pole.Date(1950, 5, 6)}}, false},
		"link only, one source": {[]Record{{Source: "a", ID: "1", Surname: "Khan"}, {Source: "a", ID: "2", Surname: "Khan"}}, true},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Link(tc.records, Options{LinkOnly: tc.linkOnly})
			if err != nil {
				t.Fatal(err)
			}
			if res.Model != nil || len(res.Cluster) != len(tc.records) || res.Stats.Clusters != len(tc.records) {
				t.Fatalf("got model %v, clusters %v", res.Model, res.Cluster)
			}
			for i, c := range res.Cluster {
				if int(c) != i {
					t.Fatalf("record %d in cluster %d, want its own", i, c)
				}
			}
		})
	}
}

func TestLabelsNamingRecordsOutsideTheRunAreRefused(t *testing.T) {
	recs := []Record{{ID: "1", Surname: "Khan"}, {ID: "2", Surname: "Khan"}}
	_, err := Link(recs, Options{Labels: []Judgement{{I: 0, J: 5, Decision: Same}}})
	if err == nil || !strings.Contains(err.Error(), "labelled pair") {
		t.Fatalf("got %v, want the labelled pair refused", err)
	}
}

func TestValidateRefusesModelsThatCouldNotScore(t *testing.T) {
	good := func() *Model {
		c, _ := comparisonByName("sex")
		return &Model{Lambda: 0.01, Threshold: 0.9, ReviewFrom: 0.8, Comparisons: []ModelComparison{{
			Name: "sex", Levels: c.levels, M: []float64{0, 0.95, 0.05}, U: []float64{0, 0.5, 0.5},
		}}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("a good model: %v", err)
	}
	for name, spoil := range map[string]func(m *Model){
		"unknown comparison": func(m *Model) { m.Comparisons[0].Name = "shoe size" },
		"levels not caselink's": func(m *Model) {
			m.Comparisons[0].Levels = []string{"null", "same"}
			m.Comparisons[0].M, m.Comparisons[0].U = []float64{0, 1}, []float64{0, 1}
		},
		"no levels":          func(m *Model) { m.Comparisons[0].Levels, m.Comparisons[0].M, m.Comparisons[0].U = nil, nil, nil },
		"twice":              func(m *Model) { m.Comparisons = append(m.Comparisons, m.Comparisons[0]) },
		"m not summing to 1": func(m *Model) { m.Comparisons[0].M[1] = 0.5 },
		"lambda of 1":        func(m *Model) { m.Lambda = 1 },
		"threshold of 0":     func(m *Model) { m.Threshold = 0 },
		"term frequencies":   func(m *Model) { m.Comparisons[0].TF = "surname" },
		"no comparisons":     func(m *Model) { m.Comparisons = nil },
	} {
		m := good()
		spoil(m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: Validate accepted the model", name)
		}
	}
}

func TestDateOfBirthLevels(t *testing.T) {
	for _, tc := range []struct {
		a, b pole.PartialDate
		want uint8
	}{
		{pole.Date(1981, 3, 12), pole.Date(1981, 3, 12), dobExact},
		{pole.Date(1981, 3, 12), pole.Date(1981, 12, 3), dobTransposed},
		{pole.Date(1981, 3, 12), pole.Date(1991, 3, 12), dobTwoOfThree},
		{pole.Date(1981, 3, 12), pole.Date(1951, 3, 12), dobElse},
		{pole.Date(1981, 3, 12), pole.YearOnly(1981), dobPartial},
		{pole.Date(1981, 1, 1), pole.Date(1981, 7, 30), dobPartial},
		{pole.Date(1980, 1, 1), pole.Date(1995, 1, 1), dobElse},
		{pole.Date(1981, 3, 12), pole.Date(1981, 11, 2), dobYear},
		{pole.Date(1981, 3, 12), pole.PartialDate{}, dobNull},
	} {
		p := prepare([]Record{{DOB: tc.a}, {DOB: tc.b}})
		if got := dobLevel(p, 0, 1); got != tc.want {
			t.Errorf("%v against %v: level %q, want %q", tc.a, tc.b, dobLevels[got], dobLevels[tc.want])
		}
	}
}
