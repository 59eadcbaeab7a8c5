package linkbench

import (
	"cmp"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPairwiseScoresOnHandWorkedClusterings(t *testing.T) {
	// Entity a has three records, b two and c one: four true pairs.
	truth := []string{"a", "a", "a", "b", "b", "c"}
	for _, tc := range []struct {
		why                   string
		cluster               []int
		predicted, correct    int64
		precision, recall, f1 float64
	}{
		{"perfect", []int{1, 1, 1, 2, 2, 3}, 4, 4, 1, 1, 1},
		{"all singletons", []int{0, 1, 2, 3, 4, 5}, 0, 0, 1, 0, 0},
		{"one big cluster", []int{0, 0, 0, 0, 0, 0}, 15, 4, 4.0 / 15, 1, 8.0 / 19},
		// a and b chained into one cluster: 10 pairs, the 4 true ones among them.
		{"a chained to b", []int{7, 7, 7, 7, 7, 9}, 10, 4, 0.4, 1, 4.0 / 7},
		{"a and b each split", []int{1, 1, 2, 3, 3, 4}, 2, 2, 1, 0.5, 2.0 / 3},
		{"one wrong record in a", []int{1, 1, 2, 2, 2, 3}, 4, 2, 0.5, 0.5, 0.5},
	} {
		s := PairwiseScores(truth, tc.cluster)
		want := Scores{Precision: tc.precision, Recall: tc.recall, F1: tc.f1, TruePairs: 4, PredictedPairs: tc.predicted, CorrectPairs: tc.correct}
		if !closeScores(s, want) {
			t.Errorf("%s: got %+v, want %+v", tc.why, s, want)
		}
	}
}

func TestPairwiseScoresCountThePairsAChainOfLinksImplies(t *testing.T) {
	// Links 0-1 and 1-2 put all three in one cluster, so 0-2 is predicted
	// too, though never linked: one correct pair of three.
	s := PairwiseScores([]string{"x", "x", "y"}, []string{"c", "c", "c"})
	want := Scores{Precision: 1.0 / 3, Recall: 1, F1: 0.5, TruePairs: 1, PredictedPairs: 3, CorrectPairs: 1}
	if !closeScores(s, want) {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

func TestPairwiseScoresLinkOnlyIgnorePairsWithinOneSource(t *testing.T) {
	// p has one record in each file; q two in file A, which do not count.
	truth := []string{"p", "p", "q", "q"}
	source := []string{"A", "B", "A", "A"}
	s := PairwiseScoresLinkOnly(truth, []int{1, 1, 1, 1}, source)
	// Record 1, alone in B, pairs with the three of A: one of them is true.
	want := Scores{Precision: 1.0 / 3, Recall: 1, F1: 0.5, TruePairs: 1, PredictedPairs: 3, CorrectPairs: 1}
	if !closeScores(s, want) {
		t.Errorf("got %+v, want %+v", s, want)
	}
	if n := TruePairCountLinkOnly(truth, source); n != 1 {
		t.Errorf("TruePairCountLinkOnly = %d, want 1", n)
	}
	if n := TruePairCount(truth); n != 2 {
		t.Errorf("TruePairCount = %d, want 2", n)
	}
}

func TestPairwiseScoresOfNoRecordsAreVacuouslyPerfect(t *testing.T) {
	s := PairwiseScores(nil, []int(nil))
	if s != (Scores{Precision: 1, Recall: 1, F1: 1}) {
		t.Errorf("got %+v, want precision, recall and F1 1 over no pairs", s)
	}
}

func TestPairwiseScoresPanicOnSlicesOfDifferentLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for 2 truth labels and 1 cluster")
		}
	}()
	PairwiseScores([]string{"a", "b"}, []int{1})
}

func TestBlockingRecallCountsEachTruePairOnceInEitherOrder(t *testing.T) {
	truth := []string{"a", "a", "a", "b", "b", "c"}
	// 0-1 twice and reversed, 2-0, a self-pair, and a false pair 3-5.
	pairs := [][2]int{{0, 1}, {1, 0}, {2, 0}, {4, 4}, {3, 5}}
	got := BlockingRecall(truth, seq(pairs))
	want := BlockingScores{Recall: 0.5, TruePairs: 4, CandidatePairs: 4, FoundPairs: 2}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Link-only, record 1 alone in file B: of a's pairs 0-1 and 1-2 cross
	// files, b's none. 2-0 is within file A, so only 0-1 is found.
	got = BlockingRecallLinkOnly(truth, []string{"A", "B", "A", "A", "A", "B"}, seq(pairs))
	want = BlockingScores{Recall: 0.5, TruePairs: 2, CandidatePairs: 4, FoundPairs: 1}
	if got != want {
		t.Errorf("link-only: got %+v, want %+v", got, want)
	}
}

func TestBlockingRecallOfEveryPairIsOne(t *testing.T) {
	d := load(t, "fake_1000")
	n := len(d.Records)
	all := func(yield func(int, int) bool) {
		for i := range n {
			for j := i + 1; j < n; j++ {
				if !yield(i, j) {
					return
				}
			}
		}
	}
	got := d.BlockingRecall(all)
	want := BlockingScores{Recall: 1, TruePairs: 2031, CandidatePairs: int64(n * (n - 1) / 2), FoundPairs: 2031}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestPairwiseScoresMatchPairEnumerationOnRandomClusterings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := rng.IntN(40)
		truth, cluster, source := make([]string, n), make([]int, n), make([]string, n)
		entities, clusters := 1+rng.IntN(12), 1+rng.IntN(12)
		for i := range n {
			truth[i] = string(rune('a' + rng.IntN(entities)))
			cluster[i] = rng.IntN(clusters)
			source[i] = string(rune('A' + rng.IntN(2)))
		}
		checkAgainstEnumeration(t, truth, cluster, source, randomPairs(rng, n))
	}
}

// FuzzPairwiseScoresMatchPairEnumeration reads each byte as one record: two
// bits of truth, three of cluster, one of source.
func FuzzPairwiseScoresMatchPairEnumeration(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{0x00, 0x04, 0x21, 0x25, 0x3f, 0x1e})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := min(len(data), 64)
		truth, cluster, source := make([]string, n), make([]int, n), make([]string, n)
		for i, b := range data[:n] {
			truth[i] = string(rune('a' + b&3))
			cluster[i] = int(b >> 2 & 7)
			source[i] = string(rune('A' + b>>5&1))
		}
		// Candidates: each record with the next one or two.
		var pairs [][2]int
		for i := range n {
			for j := i + 1; j < min(n, i+1+int(data[i]>>6)); j++ {
				pairs = append(pairs, [2]int{i, j})
			}
		}
		checkAgainstEnumeration(t, truth, cluster, source, pairs)
	})
}

// checkAgainstEnumeration scores by enumerating every pair, and compares.
func checkAgainstEnumeration(t *testing.T, truth []string, cluster []int, source []string, candidates [][2]int) {
	t.Helper()
	var all, cross Scores
	for i := range truth {
		for j := i + 1; j < len(truth); j++ {
			same, together := truth[i] == truth[j], cluster[i] == cluster[j]
			for _, s := range []*Scores{&all, &cross} {
				if s == &cross && source[i] == source[j] {
					continue
				}
				if same {
					s.TruePairs++
				}
				if together {
					s.PredictedPairs++
				}
				if same && together {
					s.CorrectPairs++
				}
			}
		}
	}
	for _, tc := range []struct {
		why       string
		got, want Scores
	}{
		{"all pairs", PairwiseScores(truth, cluster), all},
		{"cross-source pairs", PairwiseScoresLinkOnly(truth, cluster, source), cross},
	} {
		w := scores(pairCounts{tc.want.TruePairs, tc.want.PredictedPairs, tc.want.CorrectPairs})
		if tc.got != w {
			t.Fatalf("%s of truth %q, cluster %v, source %q: got %+v, want %+v", tc.why, truth, cluster, source, tc.got, w)
		}
	}
	if n := TruePairCount(truth); n != all.TruePairs {
		t.Fatalf("TruePairCount(%q) = %d, want %d", truth, n, all.TruePairs)
	}
	if n := TruePairCountLinkOnly(truth, source); n != cross.TruePairs {
		t.Fatalf("TruePairCountLinkOnly(%q, %q) = %d, want %d", truth, source, n, cross.TruePairs)
	}

	var found, foundCross [][2]int
	var candidatePairs int64
	for _, p := range candidates {
		i, j := min(p[0], p[1]), max(p[0], p[1])
		if i == j {
			continue
		}
		candidatePairs++
		if truth[i] == truth[j] {
			found = append(found, [2]int{i, j})
			if source[i] != source[j] {
				foundCross = append(foundCross, [2]int{i, j})
			}
		}
	}
	for _, tc := range []struct {
		why      string
		got      BlockingScores
		found    [][2]int
		truePair int64
	}{
		{"blocking", BlockingRecall(truth, seq(candidates)), found, all.TruePairs},
		{"link-only blocking", BlockingRecallLinkOnly(truth, source, seq(candidates)), foundCross, cross.TruePairs},
	} {
		slices.SortFunc(tc.found, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
		distinct := int64(len(slices.Compact(tc.found)))
		want := BlockingScores{Recall: ratio(distinct, tc.truePair), TruePairs: tc.truePair, CandidatePairs: candidatePairs, FoundPairs: distinct}
		if tc.got != want {
			t.Fatalf("%s of truth %q, source %q, candidates %v: got %+v, want %+v", tc.why, truth, source, candidates, tc.got, want)
		}
	}
}

// randomPairs draws up to 2n pairs of indexes below n, with repeats,
// reversals and self-pairs among them.
func randomPairs(rng *rand.Rand, n int) [][2]int {
	if n == 0 {
		return nil
	}
	pairs := make([][2]int, rng.IntN(2*n+1))
	for k := range pairs {
		pairs[k] = [2]int{rng.IntN(n), rng.IntN(n)}
	}
	return pairs
}

func seq(pairs [][2]int) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for _, p := range pairs {
			if !yield(p[0], p[1]) {
				return
			}
		}
	}
}

func closeScores(a, b Scores) bool {
	close := func(x, y float64) bool { return math.Abs(x-y) < 1e-12 }
	return close(a.Precision, b.Precision) && close(a.Recall, b.Recall) && close(a.F1, b.F1) &&
		a.TruePairs == b.TruePairs && a.PredictedPairs == b.PredictedPairs && a.CorrectPairs == b.CorrectPairs
}
