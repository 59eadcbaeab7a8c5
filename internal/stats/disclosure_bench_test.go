package stats

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkProtect protects a 12 x 10 table of which about a quarter of
// the cells are small.
func BenchmarkProtect(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([][]int, 12)
	for r := range counts {
		counts[r] = make([]int, 10)
		for c := range counts[r] {
			switch k := rng.IntN(8); {
			case k < 2:
				counts[r][c] = 1 + rng.IntN(9)
			case k < 3:
				counts[r][c] = 0
			default:
				counts[r][c] = 10 + rng.IntN(300)
			}
		}
	}
	d := DefaultDisclosure()
	for b.Loop() {
		if err := d.Protect(countTable(counts)); err != nil {
			b.Fatal(err)
		}
	}
}
