package linkbench

import (
	"fmt"
	"iter"
)

// Scores are pairwise linkage scores over the transitive closure of predicted
// clusters: every pair of records in one predicted cluster is a predicted
// match, and every pair with one truth label a true one.
//
// With no predicted pairs Precision is 1, as no predicted match was wrong;
// with no true pairs Recall is 1, as none was missed. F1 is their harmonic
// mean, 0 when both are 0.
type Scores struct {
	Precision, Recall, F1                   float64
	TruePairs, PredictedPairs, CorrectPairs int64
}

func (s Scores) String() string {
	return fmt.Sprintf("precision %.3f recall %.3f F1 %.3f (%d of %d predicted pairs correct, %d true pairs)",
		s.Precision, s.Recall, s.F1, s.CorrectPairs, s.PredictedPairs, s.TruePairs)
}

// PairwiseScores scores predicted clusters, cluster[i] being any id of the
// cluster of record i, against truth, truth[i] being its true entity. It
// counts pairs from the contingency table of truth against cluster, so its
// cost tracks records, not pairs. It panics if the slices differ in length.
func PairwiseScores[T comparable](truth []string, cluster []T) Scores {
	mustSameLength(len(truth), len(cluster))
	return scores(countPairs(denseIDs(truth), denseIDs(cluster)))
}

// PairwiseScoresLinkOnly is PairwiseScores for linking files, where source[i]
// names the file of record i and only pairs across files are true or
// predicted matches.
func PairwiseScoresLinkOnly[T comparable](truth []string, cluster []T, source []string) Scores {
	mustSameLength(len(truth), len(cluster))
	mustSameLength(len(truth), len(source))
	t, c, s := denseIDs(truth), denseIDs(cluster), denseIDs(source)
	all := countPairs(t, c)
	// A cell of truth by source and cluster by source holds the pairs of one
	// source, which are taken away.
	within := countPairs(combineIDs(t, s), combineIDs(c, s))
	return scores(pairCounts{
		truth:     all.truth - within.truth,
		predicted: all.predicted - within.predicted,
		correct:   all.correct - within.correct,
	})
}

// TruePairCount counts the pairs of records that share a truth label.
func TruePairCount(truth []string) int64 {
	return pairsWithin(denseIDs(truth))
}

// TruePairCountLinkOnly counts the pairs of records that share a truth label
// and come from different sources.
func TruePairCountLinkOnly(truth, source []string) int64 {
	mustSameLength(len(truth), len(source))
	t := denseIDs(truth)
	return pairsWithin(t) - pairsWithin(combineIDs(t, denseIDs(source)))
}

// BlockingScores measure a blocking scheme: Recall is the fraction of the
// TruePairs that were among the CandidatePairs, which counts every pair
// yielded, as each is a comparison to make.
type BlockingScores struct {
	Recall                                float64
	TruePairs, CandidatePairs, FoundPairs int64
}

func (s BlockingScores) String() string {
	return fmt.Sprintf("recall %.4f (%d of %d true pairs among %d candidate pairs)", s.Recall, s.FoundPairs, s.TruePairs, s.CandidatePairs)
}

// BlockingRecall measures the candidate pairs that candidates yields, as
// indexes into truth, in either order. A true pair yielded more than once is
// found once; a record paired with itself is ignored. Memory grows with the
// true pairs found, not with the candidates.
func BlockingRecall(truth []string, candidates iter.Seq2[int, int]) BlockingScores {
	return blockingRecall(denseIDs(truth), nil, candidates)
}

// BlockingRecallLinkOnly is BlockingRecall for linking files, where only
// pairs across sources are true pairs.
func BlockingRecallLinkOnly(truth, source []string, candidates iter.Seq2[int, int]) BlockingScores {
	mustSameLength(len(truth), len(source))
	return blockingRecall(denseIDs(truth), denseIDs(source), candidates)
}

func blockingRecall(truth, source []int32, candidates iter.Seq2[int, int]) BlockingScores {
	s := BlockingScores{TruePairs: pairsWithin(truth)}
	if source != nil {
		s.TruePairs -= pairsWithin(combineIDs(truth, source))
	}
	found := make(map[[2]int]struct{})
	for i, j := range candidates {
		if i == j {
			continue
		}
		s.CandidatePairs++
		if truth[i] != truth[j] || source != nil && source[i] == source[j] {
			continue
		}
		found[[2]int{min(i, j), max(i, j)}] = struct{}{}
	}
	s.FoundPairs = int64(len(found))
	s.Recall = ratio(s.FoundPairs, s.TruePairs)
	return s
}

type pairCounts struct{ truth, predicted, correct int64 }

// countPairs counts the pairs within each truth group, each cluster and each
// cell of the two.
func countPairs(truth, cluster []int32) pairCounts {
	return pairCounts{
		truth:     pairsWithin(truth),
		predicted: pairsWithin(cluster),
		correct:   pairsWithin(combineIDs(truth, cluster)),
	}
}

func scores(n pairCounts) Scores {
	s := Scores{TruePairs: n.truth, PredictedPairs: n.predicted, CorrectPairs: n.correct}
	s.Precision = ratio(n.correct, n.predicted)
	s.Recall = ratio(n.correct, n.truth)
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// ratio is found/of, or 1 when of is 0: nothing was there to get wrong.
func ratio(found, of int64) float64 {
	if of == 0 {
		return 1
	}
	return float64(found) / float64(of)
}

// pairsWithin sums n choose 2 over the groups of ids, which must be dense:
// 0 to len(ids)-1 at most.
func pairsWithin(ids []int32) int64 {
	size := make([]int64, len(ids))
	var pairs int64
	for _, id := range ids {
		// Each record pairs with every one already in its group.
		pairs += size[id]
		size[id]++
	}
	return pairs
}

// denseIDs numbers the distinct values of xs 0, 1, 2... in order of first
// appearance.
func denseIDs[T comparable](xs []T) []int32 {
	seen := make(map[T]int32)
	ids := make([]int32, len(xs))
	for i, x := range xs {
		id, ok := seen[x]
		if !ok {
			id = int32(len(seen))
			seen[x] = id
		}
		ids[i] = id
	}
	return ids
}

// combineIDs numbers the distinct pairs (a[i], b[i]) densely: the cells of
// the contingency table of a against b.
func combineIDs(a, b []int32) []int32 {
	cells := make([]uint64, len(a))
	for i := range a {
		cells[i] = uint64(uint32(a[i]))<<32 | uint64(uint32(b[i]))
	}
	return denseIDs(cells)
}

func mustSameLength(a, b int) {
	if a != b {
		panic(fmt.Sprintf("linkbench: per-record slices of lengths %d and %d", a, b))
	}
}
