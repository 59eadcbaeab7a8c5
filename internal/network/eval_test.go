package network

import (
	"math"
	"testing"
)

func TestAdjustedRandOfKnownLabellings(t *testing.T) {
	for _, tc := range []struct {
		a, b []string
		want float64
	}{
		{[]string{"x", "x", "y", "y"}, []string{"p", "p", "q", "q"}, 1},
		{[]string{"x", "x", "y", "y"}, []string{"p", "q", "p", "q"}, -0.5},
		// scikit-learn's adjusted_rand_score([0,0,1,1,1], [0,0,1,1,2]) = 0.5454...
		{[]string{"0", "0", "1", "1", "1"}, []string{"0", "0", "1", "1", "2"}, 0.5454545454545454},
		{[]string{"a", "a", "a"}, []string{"b", "b", "b"}, 1},
	} {
		if got := AdjustedRand(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("AdjustedRand(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
