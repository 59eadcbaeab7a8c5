package linkage

import (
	"math"
	"math/rand/v2"
	"testing"
)

// draw picks a level from a distribution over levels 1..n-1.
func draw(r *rand.Rand, probs []float64) uint8 {
	x := r.Float64()
	for l := 1; l < len(probs); l++ {
		x -= probs[l]
		if x < 0 {
			return uint8(l)
		}
	}
	return uint8(len(probs) - 1)
}

func TestEMRecoversTheParametersOfAKnownModel(t *testing.T) {
	comps := []comparison{
		{name: "a", levels: []string{"null", "exact", "close", "different"}},
		{name: "b", levels: []string{"null", "exact", "different"}},
		{name: "c", levels: []string{"null", "exact", "near", "far", "different"}},
		{name: "d", levels: []string{"null", "same", "different"}},
	}
	// The model obeys what EM assumes of evidence: every partial agreement
	// at least as likely among matches as among non-matches.
	trueM := [][]float64{{0, 0.85, 0.1, 0.05}, {0, 0.9, 0.1}, {0, 0.65, 0.15, 0.16, 0.04}, {0, 0.95, 0.05}}
	trueU := [][]float64{{0, 0.02, 0.08, 0.9}, {0, 0.05, 0.95}, {0, 0.01, 0.04, 0.15, 0.8}, {0, 0.5, 0.5}}
	const lambda, n = 0.2, 400_000
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[pattern]int64{}
	for s := 0; s < n; s++ {
		probs := trueU
		if r.Float64() < lambda {
			probs = trueM
		}
		var g pattern
		for k := range comps {
			g |= pattern(draw(r, probs[k])) << (4 * k)
		}
		counts[g]++
	}
	m := make([][]float64, len(comps))
	u := make([][]float64, len(comps))
	for k, c := range comps {
		m[k] = startingM(len(c.levels))
		u[k] = make([]float64, len(c.levels))
		for l := 1; l < len(c.levels); l++ {
			u[k][l] = 1 / float64(len(c.levels)-1)
		}
	}
	got, rep := em(comps, counts, nil, u, m, 0.1, 500, 1e-8, emMode{})
	if !rep.Converged {
		t.Errorf("EM did not converge: %+v", rep)
	}
	if math.Abs(got-lambda) > 0.01 {
		t.Errorf("lambda %.4f, want %.2f", got, lambda)
	}
	for k := range comps {
		for l := 1; l < len(trueM[k]); l++ {
			if math.Abs(m[k][l]-trueM[k][l]) > 0.02 || math.Abs(u[k][l]-trueU[k][l]) > 0.02 {
				t.Errorf("comparison %s level %d: m %.3f u %.3f, want m %.3f u %.3f", comps[k].name, l, m[k][l], u[k][l], trueM[k][l], trueU[k][l])
			}
		}
	}
}

func TestEMKeepsEveryProbabilityValid(t *testing.T) {
	comps := []comparison{{name: "a", levels: []string{"null", "exact", "close", "different"}}}
	// Degenerate data: every pair agrees exactly.
	counts := map[pattern]int64{pattern(1): 1000}
	m := [][]float64{startingM(4)}
	u := [][]float64{{0, 0.3, 0.3, 0.4}}
	lambda, _ := em(comps, counts, nil, u, m, 0.5, 100, 1e-8, emMode{})
	if !(lambda > 0 && lambda < 1) {
		t.Fatalf("lambda %v is not a probability", lambda)
	}
	for _, probs := range [][]float64{m[0], u[0]} {
		sum := 0.0
		for _, v := range probs[1:] {
			if !(v > 0 && v <= 1) {
				t.Fatalf("probability %v out of (0, 1]: %v", v, probs)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("probabilities sum to %v: %v", sum, probs)
		}
	}
}

// TestAnchorsPriceADateOfBirthMismatchAmongManyPeopleWhoShareAName builds
// the candidates of a large population: few matches, and many more pairs of
// different people who share forename and surname but little else. The
// anchors count the date of birth only among pairs that also share a
// postcode, and the names only among pairs that share a date of birth and a
// postcode, so the namesakes hardly enter m. (The failure they prevent,
// EM's match class becoming "same name", needs the correlations of a real
// population; the synthetic data set at 265,000 people shows it.)
func TestAnchorsPriceADateOfBirthMismatchAmongManyPeopleWhoShareAName(t *testing.T) {
	dobLevels := []string{"null", "exact", "transposed", "different"}
	comps := []comparison{
		{name: "forename", levels: []string{"null", "exact", "close", "different"}},
		{name: "surname", levels: []string{"null", "exact", "close", "different"}},
		{name: "dob", levels: dobLevels},
		{name: "postcode", levels: []string{"null", "exact", "different"}},
	}
	matchM := [][]float64{{0, 0.8, 0.15, 0.05}, {0, 0.85, 0.1, 0.05}, {0, 0.9, 0.07, 0.03}, {0, 0.8, 0.2}}
	// A full postcode covers a street or less: namesakes rarely share one.
	namesakes := [][]float64{{0, 1, 0, 0}, {0, 1, 0, 0}, {0, 0.0001, 0.0004, 0.9995}, {0, 0.0002, 0.9998}}
	r := rand.New(rand.NewPCG(3, 4))
	all := map[pattern]int64{}
	add := func(probs [][]float64, n int) {
		for range n {
			var g pattern
			for k := range comps {
				g |= pattern(draw(r, probs[k])) << (4 * k)
			}
			all[g]++
		}
	}
	add(matchM, 20_000)
	add(namesakes, 400_000)
	m := make([][]float64, len(comps))
	for k, c := range comps {
		m[k] = startingM(len(c.levels))
	}
	held := anchorM(comps, all, m)
	for k, c := range comps {
		if !held[k] {
			t.Fatalf("%s: not set from anchors", c.name)
		}
		for l := 1; l < len(c.levels); l++ {
			if d := math.Abs(m[k][l] - matchM[k][l]); d > 0.02 {
				t.Errorf("%s %s: m %.4f, want %.4f within 0.02", c.name, c.levels[l], m[k][l], matchM[k][l])
			}
		}
	}
	// Too few anchor pairs: m is left as it was.
	few := map[pattern]int64{}
	for g, n := range all {
		few[g] = n / 1000
	}
	m2 := [][]float64{startingM(4), startingM(4), startingM(4), startingM(3)}
	if held := anchorM(comps, few, m2); held[2] || m2[2][3] != startingM(4)[3] {
		t.Errorf("with %d anchor pairs at most, the date of birth's m was set: %v", anchorMin/5, m2[2])
	}
}
