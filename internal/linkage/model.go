package linkage

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Model is a Fellegi-Sunter model: for each comparison, the probability of
// each level among true matches (m) and among random pairs of records (u),
// and the prior probability that two records match. It is saved with every
// run that used it, so a link can always be explained by the numbers that
// made it.
type Model struct {
	Comparisons []ModelComparison `json:"comparisons"`
	// Lambda is the probability that two records picked at random (of
	// different sources, when linking only across them) are one person.
	Lambda float64 `json:"lambda"`
	// Threshold: pairs at or above this match probability are linked when
	// their clusters agree; pairs from ReviewFrom up to it go to review.
	Threshold  float64        `json:"threshold"`
	ReviewFrom float64        `json:"review_from"`
	Training   TrainingReport `json:"training"`
}

// ModelComparison is one comparison's levels and their probabilities. Level
// 0 is "null" and weighs nothing; its m and u are not used.
type ModelComparison struct {
	Name   string    `json:"name"`
	Levels []string  `json:"levels"`
	M      []float64 `json:"m"`
	U      []float64 `json:"u"`
	// TF names the term frequencies that replace u at the exact level, so
	// that a common name agreeing counts for less than a rare one.
	TF string `json:"tf,omitempty"`
}

// TrainingReport says how the model was estimated, honestly: whether EM
// converged, in how many iterations, on how many pairs.
type TrainingReport struct {
	Records        int     `json:"records"`
	CandidatePairs int64   `json:"candidate_pairs"`
	TrainingPairs  int64   `json:"training_pairs"`
	Patterns       int     `json:"patterns"`
	USamples       int64   `json:"u_samples"`
	LabelledPairs  int     `json:"labelled_pairs"`
	Iterations     int     `json:"iterations"`
	Converged      bool    `json:"converged"`
	MaxChange      float64 `json:"max_change"`
	LogLikelihood  float64 `json:"log_likelihood"`
	// Sessions are the EM runs, one per blocking rule with pairs enough.
	Sessions []Session `json:"sessions"`
	// Associates is how the associates comparison was estimated, after
	// the first pass; nil when the records name no cases.
	Associates *AssociatesReport `json:"associates,omitempty"`
}

// Session is one EM run over one blocking rule's pairs.
type Session struct {
	Rule       string `json:"rule"`
	Pairs      int64  `json:"pairs"`
	Iterations int    `json:"iterations"`
	Converged  bool   `json:"converged"`
}

// Default thresholds, as match probabilities.
const (
	DefaultThreshold  = 0.9
	DefaultReviewFrom = 0.5
)

// Validate checks that every probability is one and each comparison's
// levels sum to one, so a model read back from the store can be trusted.
func (m *Model) Validate() error {
	if !(m.Lambda > 0 && m.Lambda < 1) {
		return fmt.Errorf("lambda %v is not a probability strictly between 0 and 1", m.Lambda)
	}
	if !(m.ReviewFrom > 0 && m.ReviewFrom < 1 && m.Threshold > 0 && m.Threshold < 1) {
		return fmt.Errorf("threshold %v and review_from %v must be probabilities strictly between 0 and 1", m.Threshold, m.ReviewFrom)
	}
	if len(m.Comparisons) == 0 || len(m.Comparisons) > maxComparisons {
		return fmt.Errorf("%d comparisons: a model has from 1 to %d", len(m.Comparisons), maxComparisons)
	}
	seen := map[string]bool{}
	for _, c := range m.Comparisons {
		known, ok := comparisonByName(c.Name)
		if !ok {
			return fmt.Errorf("comparison %q is not one caselink knows", c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("comparison %q appears twice", c.Name)
		}
		seen[c.Name] = true
		if len(c.Levels) != len(known.levels) {
			return fmt.Errorf("comparison %q has %d levels; this caselink's has %d", c.Name, len(c.Levels), len(known.levels))
		}
		if c.TF != known.tf {
			return fmt.Errorf("comparison %q: term frequencies %q, want %q", c.Name, c.TF, known.tf)
		}
		if len(c.M) != len(c.Levels) || len(c.U) != len(c.Levels) {
			return fmt.Errorf("comparison %q: %d levels but %d m and %d u values", c.Name, len(c.Levels), len(c.M), len(c.U))
		}
		for _, pr := range [][]float64{c.M, c.U} {
			sum := 0.0
			for l, v := range pr[1:] {
				if !(v > 0 && v <= 1) {
					return fmt.Errorf("comparison %q level %q: probability %v is not in (0, 1]", c.Name, c.Levels[l+1], v)
				}
				sum += v
			}
			if math.Abs(sum-1) > 1e-6 {
				return fmt.Errorf("comparison %q: probabilities sum to %v, not 1", c.Name, sum)
			}
		}
	}
	return nil
}

// pattern packs a pair's levels, 4 bits per comparison.
type pattern uint64

func (g pattern) level(k int) uint8 { return uint8(g>>(4*k)) & 0xf }

// scorer computes patterns and weights for pairs of one prepared set.
type scorer struct {
	p     *prepared
	comps []comparison
	// bits[k][l] = log2(m/u); prior = log2(lambda/(1-lambda)).
	bits  [][]float64
	prior float64
	// tf per comparison: 1 forename, 2 surname, 0 none; mExact its m.
	tf             []uint8
	mExact, uExact []float64
	meanTF         []float64
	// early are the comparisons without names, run first; late the name
	// comparisons; maxBits each comparison's largest weight.
	early, late []int
	maxBits     []float64
	// tfBits[k][name id] is termBits for comparisons with term frequencies.
	tfBits [][]float64
}

func (s *scorer) pattern(i, j int) pattern {
	var g pattern
	for k := range s.comps {
		g |= pattern(s.comps[k].level(s.p, i, j)) << (4 * k)
	}
	return g
}

func newScorer(p *prepared, m *Model) *scorer {
	s := &scorer{p: p, prior: math.Log2(m.Lambda / (1 - m.Lambda))}
	for _, mc := range m.Comparisons {
		c, _ := comparisonByName(mc.Name)
		s.comps = append(s.comps, c)
		b := make([]float64, len(mc.Levels))
		for l := 1; l < len(b); l++ {
			b[l] = math.Log2(mc.M[l] / mc.U[l])
		}
		s.bits = append(s.bits, b)
		var tf uint8
		switch mc.TF {
		case "forename":
			tf = 1
		case "surname":
			tf = 2
		}
		s.tf = append(s.tf, tf)
		s.mExact = append(s.mExact, mc.M[1])
		s.uExact = append(s.uExact, mc.U[1])
		s.meanTF = append(s.meanTF, p.meanTF(tf))
		k := len(s.comps) - 1
		var table []float64
		if tf != 0 {
			table = s.termTable(k)
		}
		s.tfBits = append(s.tfBits, table)
		mb := 0.0
		for _, v := range b[1:] {
			mb = max(mb, v)
		}
		s.maxBits = append(s.maxBits, mb)
		switch c.name {
		case "forename", "surname", "middle", "alias":
			s.late = append(s.late, k)
		default:
			s.early = append(s.early, k)
		}
	}
	return s
}

// termBits is the weight of an exact agreement on name id, using how often
// the name occurs instead of the average u.
func (s *scorer) termBits(k int, i int) float64 {
	var id uint32
	switch s.tf[k] {
	case 1:
		id = s.p.fore[i]
	case 2:
		id = s.p.sur[i]
	default:
		return s.bits[k][1]
	}
	return s.tfBits[k][id]
}

// termTable computes termBits for every name id once: it runs for every
// candidate pair, and a logarithm per pair is not cheap.
func (s *scorer) termTable(k int) []float64 {
	counts, total := s.p.foreCount, s.p.foreTotal
	if s.tf[k] == 2 {
		counts, total = s.p.surCount, s.p.surTotal
	}
	out := make([]float64, len(counts))
	for id, count := range counts {
		if total == 0 || count == 0 {
			out[id] = s.bits[k][1]
			continue
		}
		// The u of an exact agreement scales with how often this value
		// occurs against how often values occur on average (the chance
		// that two random records agree exactly).
		tf := float64(count) / float64(total)
		u := s.uExact[k] * tf / s.meanTF[k]
		// Never weigh an exact agreement below a weaker level's weight.
		out[id] = max(math.Log2(s.mExact[k]/u), s.bits[k][2])
	}
	return out
}

// scoreAtLeast scores a pair only as far as it can still reach floor bits:
// the cheap comparisons (dates, codes, sets) run first, and the name
// comparisons, which cost the most, are skipped when even their best
// levels could not lift the pair to the floor. ok is false for a pair
// that cannot reach it; its pattern is then incomplete.
func (s *scorer) scoreAtLeast(i, j int, floor float64) (g pattern, w float64, ok bool) {
	w = s.prior
	var bests [maxComparisons]float64
	best := 0.0 // the most the comparisons not yet run could add
	for x, k := range s.late {
		bests[x] = s.bestBits(k, i, j)
		best += bests[x]
	}
	for _, k := range s.early {
		l := s.comps[k].level(s.p, i, j)
		g |= pattern(l) << (4 * k)
		if l != 0 {
			w += s.bits[k][l]
		}
	}
	if w+best < floor {
		return g, w, false
	}
	// Each name comparison run narrows what the rest could add.
	for x, k := range s.late {
		l := s.comps[k].level(s.p, i, j)
		g |= pattern(l) << (4 * k)
		switch {
		case l == 0:
		case l == 1 && s.tf[k] != 0:
			w += s.termBits(k, i)
		default:
			w += s.bits[k][l]
		}
		best -= bests[x]
		if w+best < floor {
			return g, w, false
		}
	}
	return g, w, w >= floor
}

// bestBits is the most comparison k could add for records i and j.
func (s *scorer) bestBits(k, i, j int) float64 {
	b := s.maxBits[k]
	if s.tf[k] != 0 {
		b = max(b, s.termBits(k, i), s.termBits(k, j))
	}
	return b
}

// weight is the pair's match weight in bits, prior included.
func (s *scorer) weight(i, j int, g pattern) float64 {
	w := s.prior
	for k := range s.comps {
		l := g.level(k)
		if l == 0 {
			continue
		}
		if l == 1 && s.tf[k] != 0 {
			w += s.termBits(k, i)
			continue
		}
		w += s.bits[k][l]
	}
	return w
}

// meanTF is the chance that two random records carrying a name agree on it.
func (p *prepared) meanTF(which uint8) float64 {
	counts, total := p.foreCount, p.foreTotal
	if which == 2 {
		counts, total = p.surCount, p.surTotal
	}
	if which == 0 || total == 0 {
		return 1
	}
	var sq float64
	for _, c := range counts {
		sq += float64(c) * float64(c)
	}
	return sq / (float64(total) * float64(total))
}

func probability(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

func weightOf(prob float64) float64 { return math.Log2(prob / (1 - prob)) }

// estimateU counts levels over random pairs of records, which are almost all
// non-matches: the u probabilities. Counts are smoothed so no level has a
// probability of zero.
func estimateU(p *prepared, comps []comparison, samples int64, linkOnly bool, seed uint64) [][]float64 {
	nw := workers()
	counts := make([][][]int64, nw)
	var wg sync.WaitGroup
	per := samples / int64(nw)
	for w := 0; w < nw; w++ {
		counts[w] = make([][]int64, len(comps))
		for k, c := range comps {
			counts[w][k] = make([]int64, len(c.levels))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for s := int64(0); s < per; {
				i, j := r.IntN(p.n), r.IntN(p.n)
				if i == j || linkOnly && p.source[i] == p.source[j] {
					if p.n < 2 {
						return
					}
					continue
				}
				s++
				for k := range comps {
					counts[w][k][comps[k].level(p, i, j)]++
				}
			}
		}()
	}
	wg.Wait()
	u := make([][]float64, len(comps))
	for k, c := range comps {
		u[k] = make([]float64, len(c.levels))
		total := 0.0
		for l := 1; l < len(c.levels); l++ {
			var n int64
			for w := range counts {
				n += counts[w][k][l]
			}
			u[k][l] = float64(n) + 0.5
			total += u[k][l]
		}
		for l := 1; l < len(c.levels); l++ {
			u[k][l] /= total
		}
	}
	return u
}

// labelledPattern is a pattern with a known match status.
type labelledPattern struct {
	g     pattern
	match bool
}

// em estimates m, u and lambda by expectation maximisation over the pattern
// counts of candidate pairs. Its u is the share of each level among the
// candidate pairs that do not match, which differs from u among random
// pairs: candidates agree on their blocking keys by construction. Labelled
// pairs join every iteration with their known status.
func em(comps []comparison, counts map[pattern]int64, labelled []labelledPattern, u, m [][]float64, lambda float64, maxIter int, tol float64, how emMode) (float64, TrainingReport) {
	type pc struct {
		g pattern
		n float64
	}
	pats := make([]pc, 0, len(counts))
	var total float64
	for g, n := range counts {
		pats = append(pats, pc{g, float64(n)})
		total += float64(n)
	}
	slices.SortFunc(pats, func(a, b pc) int { return cmp.Compare(a.g, b.g) })
	rep := TrainingReport{Patterns: len(counts), LabelledPairs: len(labelled)}
	K := len(comps)
	accM, accU := make([][]float64, K), make([][]float64, K)
	for k := range accM {
		accM[k] = make([]float64, len(comps[k].levels))
		accU[k] = make([]float64, len(comps[k].levels))
	}
	add := func(g pattern, n, w float64) {
		for k := 0; k < K; k++ {
			l := g.level(k)
			accM[k][l] += n * w
			accU[k][l] += n * (1 - w)
		}
	}
	// update replaces probs with acc normalised over the non-null levels,
	// floored so no level becomes impossible; it returns the largest change.
	update := func(probs, acc []float64) float64 {
		sum := 0.0
		for l := 1; l < len(acc); l++ {
			sum += acc[l]
		}
		if sum == 0 {
			return 0 // nothing observed: keep the estimate
		}
		norm := 0.0
		for l := 1; l < len(acc); l++ {
			acc[l] = max(acc[l]/sum, 1e-6)
			norm += acc[l]
		}
		change := 0.0
		for l := 1; l < len(acc); l++ {
			v := acc[l] / norm
			change = max(change, math.Abs(v-probs[l]))
			probs[l] = v
		}
		return change
	}
	prev := make([]float64, maxLevels)
	for it := 1; it <= maxIter; it++ {
		for k := range accM {
			clear(accM[k])
			clear(accU[k])
		}
		var matchMass, ll float64
		for _, x := range pats {
			pm, pu := lambda, 1-lambda
			for k := 0; k < K; k++ {
				l := x.g.level(k)
				if l == 0 || how.skip != nil && how.skip[k] {
					continue
				}
				pm *= m[k][l]
				pu *= u[k][l]
			}
			w := pm / (pm + pu)
			ll += x.n * math.Log(pm+pu)
			matchMass += x.n * w
			add(x.g, x.n, w)
		}
		for _, x := range labelled {
			w := 0.0
			if x.match {
				w = 1
			}
			add(x.g, 1, w)
		}
		newLambda := min(max(matchMass/total, 1e-9), 1-1e-9)
		change := math.Abs(newLambda - lambda)
		lambda = newLambda
		for k := 0; k < K; k++ {
			if how.skip != nil && how.skip[k] {
				continue
			}
			before := prev[:len(m[k])]
			copy(before, m[k])
			fixM := how.fixM || how.held != nil && how.held[k]
			if !fixM {
				update(m[k], accM[k])
			}
			if !how.fixU {
				change = max(change, update(u[k], accU[k]))
			}
			if !fixM {
				monotone(m[k], u[k])
				for l := 1; l < len(m[k]); l++ {
					change = max(change, math.Abs(m[k][l]-before[l]))
				}
			}
		}
		rep.Iterations, rep.MaxChange, rep.LogLikelihood = it, change, ll
		if change < tol {
			rep.Converged = true
			break
		}
	}
	return lambda, rep
}

// monotone keeps EM to the mode that means "same person": exact agreement
// is likelier among matches than among non-matches (by half again at
// least), every partial agreement at least as likely, and disagreement
// rarer. Without it EM can settle on another latent class the data holds,
// such as "same household", or price a typo as strong evidence against a
// match because few matches in the sample had one (Winkler's constrained
// EM does the like).
func monotone(m, u []float64) {
	last := len(m) - 1
	if last < 2 {
		return
	}
	m[1] = max(m[1], min(1.5*u[1], 0.99))
	m[last] = min(m[last], u[last]/2)
	// Raise partial agreements to their floor, then share what is left
	// after exact agreement among the other levels in proportion: exact
	// agreement keeps its probability.
	rest := 0.0
	for l := 2; l <= last; l++ {
		if l < last {
			m[l] = max(m[l], u[l])
		}
		rest += m[l]
	}
	m[1] = min(m[1], 0.999)
	for l := 2; l <= last; l++ {
		m[l] *= (1 - m[1]) / rest
	}
}

// emMode says what EM may change: skip leaves comparisons out altogether
// (those a blocking rule forced to agree), fixU and fixM hold u or m.
type emMode struct {
	skip       []bool
	fixU, fixM bool
	// held, when set, holds the m of the comparisons it marks.
	held []bool
}

// startingM is EM's starting point: most matches agree exactly, fewer at
// each weaker level.
func startingM(levels int) []float64 {
	m := make([]float64, levels)
	if levels < 2 {
		return m
	}
	if levels == 2 {
		m[1] = 1
		return m
	}
	if levels == 3 {
		m[1], m[2] = 0.9, 0.1
		return m
	}
	m[1], m[levels-1] = 0.6, 0.05
	for l := 2; l < levels-1; l++ {
		m[l] = 0.35 / float64(levels-3)
	}
	return m
}
