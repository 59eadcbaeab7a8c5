package linkage

import (
	"math"
	"slices"
	"sync"
)

// Collective evidence: the people a record is recorded with.
//
// Offenders in a group are recorded again and again with the same victims
// and with each other, in different cases and often in different forces. A
// thin record ("M. Khan", born 1984) that its names and date alone cannot
// tell from a hundred others becomes clear when its case names a victim
// whose other case names a man of that name. A first pass links the
// records on their own fields; each record's associates are then the
// people (first-pass clusters) recorded in its cases, and a second pass
// scores the pairs whose associates meet with one more comparison,
// "associates", and clusters again.

const associatesName = "associates"

// maxCaseRecords bounds the records of a case that count as associates: a
// case that names more people (an operation's umbrella case, say) says
// little about who knows whom, and would make every pair of its people a
// candidate.
const maxCaseRecords = 40

// associateSample is how many candidate pairs the first pass keeps, at
// most, to count how often non-matching candidates have a person in common.
const associateSample = 1_000_000

// associatesLevel: null before the first pass, when either record has no
// associates, or when the two share a case (two records of one case are
// almost always two people, and every associate of the one is of the
// other); then whether a person other than the two is recorded with both.
func associatesLevel(p *prepared, i, j int) uint8 {
	if p.label == nil {
		return 0
	}
	ai, aj := p.assoc.of(i), p.assoc.of(j)
	if len(ai) == 0 || len(aj) == 0 || sharesSorted(p.cases.of(i), p.cases.of(j)) {
		return 0
	}
	li, lj := uint32(p.label[i]), uint32(p.label[j])
	for len(ai) > 0 && len(aj) > 0 {
		switch {
		case ai[0] == aj[0]:
			if ai[0] != li && ai[0] != lj {
				return 1
			}
			ai, aj = ai[1:], aj[1:]
		case ai[0] < aj[0]:
			ai = ai[1:]
		default:
			aj = aj[1:]
		}
	}
	return 2
}

// csr groups numbers (records, pairs) by a small key: members of key k
// are items[start[k]:start[k+1]].
type csr struct {
	start []int32
	items []int32
}

func (c *csr) of(k uint32) []int32 { return c.items[c.start[k]:c.start[k+1]] }

// groupBy groups items 0 to n-1 by key (below keys), each under the keys
// keysOf puts it under, keeping item order within a key.
func groupBy(keys, n int, keysOf func(i int, put func(k uint32))) csr {
	c := csr{start: make([]int32, keys+1)}
	for i := range n {
		keysOf(i, func(k uint32) { c.start[k+1]++ })
	}
	for k := 1; k < len(c.start); k++ {
		c.start[k] += c.start[k-1]
	}
	c.items = make([]int32, c.start[keys])
	next := slices.Clone(c.start[:keys])
	for i := range n {
		keysOf(i, func(k uint32) {
			c.items[next[k]] = int32(i)
			next[k]++
		})
	}
	return c
}

// caseMembers groups the records by case.
func (p *prepared) caseMembers() csr {
	return groupBy(len(p.caseTab.strs), p.n, func(i int, put func(uint32)) {
		for _, v := range p.cases.of(i) {
			put(v)
		}
	})
}

// clusterMembers groups the records by label, labels being record numbers.
func clusterMembers(label []int32) csr {
	return groupBy(len(label), len(label), func(i int, put func(uint32)) { put(uint32(label[i])) })
}

// setAssociates records each record's cluster and its associates: the
// clusters, other than its own, of the records in its cases. Labels are
// record numbers (a cluster's smallest, as the clusterer gives them).
func (p *prepared) setAssociates(label []int32, cases csr) {
	p.label = label
	p.assoc = list{}
	var buf []uint32
	for i := 0; i < p.n; i++ {
		buf = buf[:0]
		for _, c := range p.cases.of(i) {
			ms := cases.of(c)
			if len(ms) > maxCaseRecords {
				continue
			}
			for _, o := range ms {
				if label[o] != label[i] {
					buf = append(buf, uint32(label[o]))
				}
			}
		}
		slices.Sort(buf)
		p.assoc.add(slices.Compact(buf)...)
	}
}

// clearAssociates returns the records to the first pass's view: no
// associates, the comparison null.
func (p *prepared) clearAssociates() {
	p.label = nil
	p.assoc = list{}
}

// denseLabels turns any cluster labels (records sharing a non-negative
// value are one cluster, -1 a record alone) into record numbers: each
// cluster is labelled with its first record.
func denseLabels(clusters []int32) []int32 {
	out := make([]int32, len(clusters))
	first := map[int32]int32{}
	for i, c := range clusters {
		if c < 0 {
			out[i] = int32(i)
			continue
		}
		f, ok := first[c]
		if !ok {
			f = int32(i)
			first[c] = f
		}
		out[i] = f
	}
	return out
}

// AssociatesReport says how the associates comparison was estimated from
// the first pass: m over its links, u over a sample of its candidate pairs
// left apart. Both count only pairs whose records both have associates.
type AssociatesReport struct {
	LinkedPairs    int64 `json:"linked_pairs"`
	CandidatePairs int64 `json:"candidate_pairs"`
	// Estimated is false when too few pairs of either kind had associates:
	// the comparison then weighs nothing either way (m equal to u).
	Estimated bool `json:"estimated"`
}

// associatesMin is how many pairs of each kind must have associates for
// the comparison to be estimated.
const associatesMin = 50

// estimateAssociates sets the associates comparison's m and u from the
// first pass. Its u is counted among candidate pairs, not random ones:
// people recorded with the same victims are mostly of one group, and a
// group's men share names and ages far more than random pairs do, so the
// agreement of names and of associates is not independent among
// non-matches. Counting u where names already agree keeps the weight to
// what associates add.
func estimateAssociates(p *prepared, mc *ModelComparison, linked []Pair, sample [][2]int32) AssociatesReport {
	var mCount, uCount [3]float64
	var rep AssociatesReport
	for _, pr := range linked {
		if p.label[pr.I] != p.label[pr.J] {
			continue
		}
		if l := associatesLevel(p, int(pr.I), int(pr.J)); l != 0 {
			mCount[l]++
			rep.LinkedPairs++
		}
	}
	for _, pr := range sample {
		if p.label[pr[0]] == p.label[pr[1]] {
			continue
		}
		if l := associatesLevel(p, int(pr[0]), int(pr[1])); l != 0 {
			uCount[l]++
			rep.CandidatePairs++
		}
	}
	mc.M, mc.U = []float64{0, 0.5, 0.5}, []float64{0, 0.5, 0.5}
	if rep.LinkedPairs < associatesMin || rep.CandidatePairs < associatesMin {
		return rep
	}
	rep.Estimated = true
	for l := 1; l <= 2; l++ {
		mc.M[l] = (mCount[l] + 0.5) / (mCount[1] + mCount[2] + 1)
		mc.U[l] = (uCount[l] + 0.5) / (uCount[1] + uCount[2] + 1)
	}
	// A person in common is never taken as evidence against a match.
	if mc.M[1] < mc.U[1] {
		mc.M[1], mc.M[2] = mc.U[1], mc.U[2]
	}
	return rep
}

// associatePairs scores the pairs whose associates meet and that the first
// pass did not keep, in parallel, and returns those reaching floor bits.
// kept is sorted by I, then J. When isNew is given, only pairs touching a
// new record are scored, found from the new records' side; when linkOnly
// is, only pairs of different sources.
func associatePairs(p *prepared, s *scorer, kept []Pair, cases csr, floor float64, isNew []bool, linkOnly bool) []Pair {
	members := clusterMembers(p.label)
	nw := workers()
	found := make([][]Pair, nw)
	// keptOf returns the pairs of kept whose first record is i.
	keptOf := func(i int32) []Pair {
		lo, _ := slices.BinarySearchFunc(kept, i, func(x Pair, t int32) int { return int(x.I - t) })
		hi := lo
		for hi < len(kept) && kept[hi].I == i {
			hi++
		}
		return kept[lo:hi]
	}
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			var buf []int32
			for a := w; a < p.n; a += nw {
				assoc := p.assoc.of(a)
				if len(assoc) == 0 || isNew != nil && !isNew[a] {
					continue
				}
				la := p.label[a]
				buf = buf[:0]
				for _, e := range assoc {
					for _, o := range members.of(e) {
						for _, c := range p.cases.of(int(o)) {
							ms := cases.of(c)
							if len(ms) > maxCaseRecords {
								continue
							}
							for _, b := range ms {
								// Each pair once: from its first record,
								// or from its new one when only one is new.
								if (int(b) > a || isNew != nil && !isNew[b]) && p.label[b] != la && p.label[b] != int32(e) && shareInitial(p, a, int(b)) {
									buf = append(buf, b)
								}
							}
						}
					}
				}
				if len(buf) == 0 {
					continue
				}
				slices.Sort(buf)
				buf = slices.Compact(buf)
				after := keptOf(int32(a)) // kept pairs (a, b > a), by b
				for _, b := range buf {
					i, j := int32(a), b
					if j < i {
						i, j = j, i
						if slices.ContainsFunc(keptOf(i), func(x Pair) bool { return x.J == j }) {
							continue
						}
					} else {
						for len(after) > 0 && after[0].J < j {
							after = after[1:]
						}
						if len(after) > 0 && after[0].J == j {
							continue
						}
					}
					if linkOnly && p.source[i] == p.source[j] {
						continue
					}
					if g, wt, ok := s.scoreAtLeast(int(i), int(j), floor); ok {
						found[w] = append(found[w], Pair{I: i, J: j, Weight: wt, Pattern: uint64(g)})
					}
				}
			}
		})
	}
	wg.Wait()
	var out []Pair
	for _, f := range found {
		out = append(out, f...)
	}
	return out
}

// shareInitial is the second pass's blocking: like every blocking rule,
// it asks something of the names, here only that a forename or surname of
// the one begin as one of the other's does.
func shareInitial(p *prepared, a, b int) bool {
	fa, sa := p.initial(p.fore[a]), p.initial(p.sur[a])
	fb, sb := p.initial(p.fore[b]), p.initial(p.sur[b])
	return fa != 0 && (fa == fb || fa == sb) || sa != 0 && (sa == sb || sa == fb)
}

// collectiveRun is the second pass: with the first pass's clusters as
// associates, it rescores the kept pairs, adds the pairs whose associates
// meet, and returns them sorted, with a scorer that knows the associates.
// It returns ok false, changing nothing, when the model has no associates
// comparison or it weighs nothing.
func collectiveRun(p *prepared, model *Model, trained bool, label []int32, kept []Pair, sample [][2]int32, floor float64, isNew []bool, linkOnly bool) (pairs []Pair, s *scorer, ok bool) {
	k := slices.IndexFunc(model.Comparisons, func(c ModelComparison) bool { return c.Name == associatesName })
	if k < 0 || len(p.cases.vals) == 0 {
		return nil, nil, false
	}
	cases := p.caseMembers()
	p.setAssociates(label, cases)
	if trained {
		rep := estimateAssociates(p, &model.Comparisons[k], kept, sample)
		model.Training.Associates = &rep
	}
	mc := model.Comparisons[k]
	if math.Abs(mc.M[1]-mc.U[1]) < 1e-12 {
		p.clearAssociates()
		return nil, nil, false
	}
	s = newScorer(p, model)
	nw := workers()
	parts := make([][]Pair, nw)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			// A kept pair's pattern is whole: only associates change. Each
			// worker takes a stretch of kept, so that the stretches put
			// together are in kept's order.
			for x := w * len(kept) / nw; x < (w+1)*len(kept)/nw; x++ {
				pr := kept[x]
				if l := associatesLevel(p, int(pr.I), int(pr.J)); l != 0 {
					pr.Pattern |= uint64(l) << (4 * k)
					pr.Weight += s.bits[k][l]
				}
				if pr.Weight >= floor {
					parts[w] = append(parts[w], pr)
				}
			}
		})
	}
	wg.Wait()
	added := associatePairs(p, s, kept, cases, floor, isNew, linkOnly)
	byRecords := func(a, b Pair) int {
		if a.I != b.I {
			return int(a.I - b.I)
		}
		return int(a.J - b.J)
	}
	slices.SortFunc(added, byRecords)
	// Both are in record order, and no pair is in both: merge them.
	pairs = make([]Pair, 0, len(kept)+len(added))
	for _, part := range parts {
		for _, pr := range part {
			for len(added) > 0 && byRecords(added[0], pr) < 0 {
				pairs = append(pairs, added[0])
				added = added[1:]
			}
			pairs = append(pairs, pr)
		}
	}
	return append(pairs, added...), s, true
}
