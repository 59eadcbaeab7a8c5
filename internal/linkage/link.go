package linkage

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Decision is a person's judgement on whether two records are the same.
type Decision string

const (
	Same      Decision = "same"
	Different Decision = "different"
	Unsure    Decision = "unsure"
)

// Judgement is a decision on a pair of records, by their index in the
// records given to Link. Same and Different bind every run; Unsure is kept
// for the record but constrains nothing.
type Judgement struct {
	I, J     int
	Decision Decision
}

// Options tune a run. The zero value trains a model and deduplicates.
type Options struct {
	// Model, when set, is used as it is; otherwise one is trained.
	Model *Model
	// Labels are pairs whose truth is known (Same or Different), used to
	// estimate m alongside EM.
	Labels []Judgement
	// Judgements are people's decisions, respected by clustering.
	Judgements []Judgement
	// LinkOnly compares records of different sources only: for two files
	// each free of duplicates.
	LinkOnly bool
	// Existing, when set, holds for each record the cluster it already
	// belongs to (any non-negative number; records sharing one are one
	// entity), or -1 for a new record. Only pairs touching a new record are
	// compared, and new records join or form clusters; existing clusters
	// are not split.
	Existing []int32
	// Threshold and ReviewFrom override the model's, as match probabilities.
	Threshold, ReviewFrom float64
	// MaxBlock caps a block's records; larger blocks are left to the other
	// rules and reported (default DefaultMaxBlock).
	MaxBlock int
	// TrainingPairs caps the candidate pairs EM learns from (default 2M),
	// USamples the random pairs u is counted on (default 1M).
	TrainingPairs, USamples int64
	Seed                    uint64
}

// DefaultMaxBlock is the largest block compared: 500 records, 124,750 pairs.
const DefaultMaxBlock = 500

// Pair is a scored candidate pair kept as evidence: linked, or in the review
// band.
type Pair struct {
	I, J    int32
	Weight  float64
	Pattern uint64 // the comparison levels, 4 bits each, in model order
	Linked  bool   // both records ended in one cluster
	// Merged is set on the pairs whose evidence joined two clusters: the
	// links an entity is made of. The other linked pairs add nothing a
	// reader of the entity needs and can be explained again on demand.
	Merged bool
}

// Probability is the pair's match probability.
func (p Pair) Probability() float64 { return probability(p.Weight) }

// Result is what a run found.
type Result struct {
	// Model is the model used, or nil when no pair of records could be
	// compared (too few records) and every record is its own cluster.
	Model *Model
	// Cluster[i] is the cluster of record i: the smallest record index in it.
	Cluster  []int32
	Pairs    []Pair
	Blocking []BlockingStats
	Stats    RunStats
}

// RunStats are the counts and times of a run.
type RunStats struct {
	Records        int            `json:"records"`
	CandidatePairs int64          `json:"candidate_pairs"`
	LinkedPairs    int64          `json:"linked_pairs"`
	ReviewPairs    int64          `json:"review_pairs"`
	Clusters       int            `json:"clusters"`
	RefusedMerges  int            `json:"refused_merges"`
	Timings        map[string]int `json:"timings_ms"`
}

// Link decides which records are the same person.
func Link(records []Record, opt Options) (*Result, error) {
	t0 := time.Now()
	p := prepare(records)
	return link(p, nil, opt, t0)
}

// Index holds records prepared for linking and their blocking keys, so
// that records added later are linked against the rest without preparing
// them again: what a service that keeps linkage in memory does as exports
// arrive. An Index is not safe for concurrent use.
type Index struct {
	p    *prepared
	keys []list64
}

// NewIndex prepares records for linking.
func NewIndex(records []Record) *Index {
	p := prepare(records)
	return &Index{p: p, keys: ruleKeys(p, defaultRules, nil)}
}

// Add appends records to the index; they are numbered after those already
// in it, in order.
func (x *Index) Add(records []Record) {
	x.p.add(records)
	x.keys = ruleKeys(x.p, defaultRules, x.keys)
}

// Len is the number of records in the index.
func (x *Index) Len() int { return x.p.n }

// Link links the index's records as Link does; with opt.Existing marking
// the records added since the last run (-1), only those are compared.
func (x *Index) Link(opt Options) (*Result, error) {
	return link(x.p, x.keys, opt, time.Now())
}

func link(p *prepared, keys []list64, opt Options, t0 time.Time) (*Result, error) {
	timings := map[string]int{}
	lap := func(name string) {
		timings[name] = int(time.Since(t0).Milliseconds())
		t0 = time.Now()
	}
	records := p.records
	// An index linked before keeps no associates into this run.
	p.clearAssociates()
	if opt.Existing != nil && len(opt.Existing) != len(records) {
		return nil, errors.New("linkage: Existing must have one entry per record")
	}
	lap("prepare")
	maxBlock := opt.MaxBlock
	if maxBlock <= 0 {
		maxBlock = DefaultMaxBlock
	}
	var isNew []bool
	if opt.Existing != nil {
		isNew = make([]bool, len(records))
		for i, c := range opt.Existing {
			isNew[i] = c < 0
		}
	}
	b := newBlocker(p, defaultRules, keys, maxBlock, opt.LinkOnly, isNew)
	lap("block")
	for _, l := range opt.Labels {
		if l.I < 0 || l.J < 0 || l.I >= p.n || l.J >= p.n || l.I == l.J {
			return nil, fmt.Errorf("linkage: labelled pair %d, %d: not two records of this run", l.I, l.J)
		}
	}
	model := opt.Model
	if model == nil {
		var err error
		model, err = train(p, b, opt)
		if errors.Is(err, errNothingToLearn) {
			// Every record is a person of its own; there is no model.
			cluster := make([]int32, p.n)
			for i := range cluster {
				cluster[i] = int32(i)
			}
			return &Result{Cluster: cluster, Blocking: b.stats, Stats: RunStats{Records: p.n, Clusters: p.n, Timings: timings}}, nil
		}
		if err != nil {
			return nil, err
		}
		lap("train")
	}
	if err := model.Validate(); err != nil {
		return nil, err
	}
	threshold, reviewFrom := model.Threshold, model.ReviewFrom
	if opt.Threshold > 0 {
		threshold = opt.Threshold
	}
	if opt.ReviewFrom > 0 {
		reviewFrom = opt.ReviewFrom
	}
	s := newScorer(p, model)
	keep := weightOf(min(threshold, reviewFrom))
	nw := workers()
	kept := make([][]Pair, nw)
	// A model trained now learns what associates weigh from a sample of
	// the candidate pairs (collective.go).
	trained := opt.Model == nil
	samples := make([][][2]int32, nw)
	var sampleCut uint64
	if trained && len(p.cases.vals) > 0 {
		rate := min(1, float64(associateSample)/float64(max(b.upperBound(), 1)))
		sampleCut = uint64(rate * math.MaxUint64)
		if rate >= 1 {
			sampleCut = math.MaxUint64
		}
	}
	counts := b.pairs(func(w, _ int, i, j int32) {
		if sampleCut != 0 && mix(uint64(i)<<32|uint64(j), opt.Seed+2) <= sampleCut {
			samples[w] = append(samples[w], [2]int32{i, j})
		}
		if g, wt, ok := s.scoreAtLeast(int(i), int(j), keep); ok {
			kept[w] = append(kept[w], Pair{I: i, J: j, Weight: wt, Pattern: uint64(g)})
		}
	})
	// The blocks are done with: let their memory go before clustering.
	b.sorted, b.blocks, b.keys = nil, nil, nil
	var pairs []Pair
	for w, k := range kept {
		pairs = append(pairs, k...)
		kept[w] = nil
	}
	// Workers finish in any order; sorted, the run does not depend on it.
	slices.SortFunc(pairs, func(a, b Pair) int {
		if a.I != b.I {
			return int(a.I - b.I)
		}
		return int(a.J - b.J)
	})
	lap("score")
	stats := RunStats{Records: len(records), Timings: timings}
	blocking := b.stats
	for r := range blocking {
		blocking[r].Pairs = counts[r]
		stats.CandidatePairs += counts[r]
	}
	c := newClusterer(p, s, weightOf(threshold), opt.Existing)
	c.oneEach = opt.LinkOnly
	if err := c.constrain(opt.Judgements); err != nil {
		return nil, err
	}
	c.run(pairs)
	lap("cluster")
	cluster := c.labels()
	var sample [][2]int32
	for w := range samples {
		sample = append(sample, samples[w]...)
		samples[w] = nil
	}
	if second, s2, ok := collectiveRun(p, model, trained, cluster, pairs, sample, keep, isNew, opt.LinkOnly); ok {
		pairs, s = second, s2
		c = newClusterer(p, s, weightOf(threshold), opt.Existing)
		c.oneEach = opt.LinkOnly
		if err := c.constrain(opt.Judgements); err != nil {
			return nil, err
		}
		c.run(pairs)
		cluster = c.labels()
		lap("associates")
	}
	// Of the pairs left between two clusters, the review band keeps the
	// strongest for each two clusters: one question per two people.
	best := map[[2]int32]int{}
	out := pairs[:0]
	for k := range pairs {
		pr := pairs[k]
		ci, cj := cluster[pr.I], cluster[pr.J]
		pr.Linked = ci == cj
		if pr.Linked {
			stats.LinkedPairs++
			out = append(out, pr)
			continue
		}
		key := [2]int32{min(ci, cj), max(ci, cj)}
		if at, ok := best[key]; ok {
			if pr.Weight > out[at].Weight {
				out[at] = pr
			}
			continue
		}
		best[key] = len(out)
		out = append(out, pr)
		stats.ReviewPairs++
	}
	pairs = out
	stats.RefusedMerges = c.refused
	seen := map[int32]bool{}
	for _, x := range cluster {
		seen[x] = true
	}
	stats.Clusters = len(seen)
	return &Result{Model: model, Cluster: cluster, Pairs: pairs, Blocking: blocking, Stats: stats}, nil
}

// errNothingToLearn: no pair of records could be compared, so there is no
// model to estimate and every record is a person of its own.
var errNothingToLearn = errors.New("linkage: no candidate pairs to learn from")

// train estimates u from random pairs and m and lambda by EM over a sample
// of candidate pairs.
func train(p *prepared, b *blocker, opt Options) (*Model, error) {
	var comps []comparison
	for _, c := range allComparisons {
		if c.present(p) {
			comps = append(comps, c)
		}
	}
	if p.n < 2 || opt.LinkOnly && crossPairCount(p) == 0 || b.upperBound() == 0 {
		return nil, errNothingToLearn
	}
	if len(comps) == 0 {
		return nil, errors.New("linkage: the records have no fields to compare")
	}
	if len(comps) > maxComparisons {
		comps = comps[:maxComparisons]
	}
	uSamples := opt.USamples
	if uSamples <= 0 {
		uSamples = min(1_000_000, 200*int64(p.n))
	}
	u := estimateU(p, comps, uSamples, opt.LinkOnly, opt.Seed+1)

	limit := opt.TrainingPairs
	if limit <= 0 {
		limit = 2_000_000
	}
	rate := 1.0
	if ub := b.upperBound(); ub > limit {
		rate = float64(limit) / float64(ub)
	}
	cut := uint64(rate * math.MaxUint64)
	if rate >= 1 {
		cut = math.MaxUint64
	}
	nw := workers()
	// Pattern counts per worker and rule.
	local := make([][]map[pattern]int64, nw)
	for w := range local {
		local[w] = make([]map[pattern]int64, len(b.rules))
		for r := range local[w] {
			local[w][r] = map[pattern]int64{}
		}
	}
	s := &scorer{p: p, comps: comps}
	// Whole blocks are sampled, so that the pass costs what it samples.
	var keep func(r int, k uint64) bool
	if cut != math.MaxUint64 {
		keep = func(r int, k uint64) bool { return mix(k, opt.Seed) <= cut }
	}
	sampled, raw := b.samplePairs(keep, func(w, r int, i, j int32) {
		local[w][r][s.pattern(int(i), int(j))]++
	})
	perRule := local[0]
	for _, l := range local[1:] {
		for r := range l {
			for g, n := range l[r] {
				perRule[r][g] += n
			}
		}
	}
	// The candidates are counted when they are scored; until then the
	// blocks' pairs, less the share of duplicates the sample found, stand
	// for them.
	var trainingPairs int64
	for _, n := range sampled {
		trainingPairs += n
	}
	candidates := b.upperBound()
	if raw > 0 {
		candidates = int64(float64(candidates) * float64(trainingPairs) / float64(raw))
	}
	trainingPairs = 0
	all := map[pattern]int64{}
	for r := range perRule {
		for g, n := range perRule[r] {
			all[g] += n
			trainingPairs += n
		}
	}
	if trainingPairs == 0 {
		return nil, errNothingToLearn
	}
	var labelled []labelledPattern
	for _, l := range opt.Labels {
		if l.Decision == Same || l.Decision == Different {
			labelled = append(labelled, labelledPattern{s.pattern(l.I, l.J), l.Decision == Same})
		}
	}
	// One EM session per blocking rule, as Splink trains: u is held at its
	// value among random pairs, and the comparisons the rule forced to agree
	// are left out, since their agreement says nothing about matching
	// within the rule's pairs. Each comparison's m is the mean over the
	// sessions that estimated it.
	K := len(comps)
	mSum := make([][]float64, K)
	sessions := make([]int, K)
	for k, c := range comps {
		mSum[k] = make([]float64, len(c.levels))
	}
	rep := TrainingReport{Converged: true, LabelledPairs: len(labelled), Patterns: len(all)}
	for r, rule := range b.rules {
		var n int64
		for _, c := range perRule[r] {
			n += c
		}
		if n < 50 {
			continue
		}
		skip := make([]bool, K)
		for k, c := range comps {
			skip[k] = slices.Contains(rule.fields, c.name)
		}
		m := make([][]float64, K)
		for k, c := range comps {
			m[k] = startingM(len(c.levels))
		}
		_, sr := em(comps, perRule[r], labelled, u, m, 0.1, 1000, 1e-6, emMode{skip: skip, fixU: true})
		rep.Iterations = max(rep.Iterations, sr.Iterations)
		rep.MaxChange = max(rep.MaxChange, sr.MaxChange)
		rep.Converged = rep.Converged && sr.Converged
		rep.Sessions = append(rep.Sessions, Session{Rule: rule.name, Pairs: n, Iterations: sr.Iterations, Converged: sr.Converged})
		for k := range comps {
			if skip[k] {
				continue
			}
			sessions[k]++
			for l := range m[k] {
				mSum[k][l] += m[k][l]
			}
		}
	}
	m := make([][]float64, K)
	for k, c := range comps {
		m[k] = startingM(len(c.levels))
		if sessions[k] > 0 {
			for l := range m[k] {
				m[k][l] = mSum[k][l] / float64(sessions[k])
			}
		}
	}
	// Where pairs that agree exactly on independent fields are common
	// enough, they give m directly. EM alone cannot: in a large population
	// the candidates are mostly different people who share a name, and EM's
	// "match" class becomes "same name", whose dates of birth disagree
	// (pairwise precision 0.26 at 265,000 people, 0.99 at 30,000).
	held := anchorM(comps, all, m)
	// Lambda, the share of candidate pairs that match, with m and u held.
	lambda, lr := em(comps, all, nil, u, m, 0.1, 200, 1e-7, emMode{fixU: true, fixM: true})
	// Then refine m (where the anchors did not set it) and lambda over all
	// candidate pairs together, starting from there, with a u of their own:
	// non-matching candidates agree on their blocking keys far more than
	// random pairs do, and a u held at the random pairs' would push that
	// agreement into m and lambda. Only m and lambda are kept from this step.
	uc := make([][]float64, K)
	for k := range u {
		uc[k] = slices.Clone(u[k])
	}
	lambda, lr = em(comps, all, labelled, uc, m, lambda, 1000, 1e-6, emMode{held: held})
	// Score as Fellegi and Sunter do, over all pairs: u among random pairs,
	// and the prior that a random pair matches, which is the matches found
	// among candidates over all pairs (blocking keeps almost all matches).
	// Scores then mean the same for a pair blocking never produced, which
	// clustering scores when it checks a cluster's evidence.
	allPairs := float64(p.n) * float64(p.n-1) / 2
	if opt.LinkOnly {
		allPairs = float64(crossPairs(p))
	}
	lambda = min(max(lambda*float64(candidates)/allPairs, 1e-12), 0.5)
	rep.Records, rep.CandidatePairs, rep.TrainingPairs, rep.USamples = p.n, candidates, trainingPairs, uSamples
	rep.LogLikelihood = lr.LogLikelihood
	rep.Converged = rep.Converged && lr.Converged
	model := &Model{Threshold: DefaultThreshold, ReviewFrom: DefaultReviewFrom, Lambda: lambda, Training: rep}
	for k, c := range comps {
		model.Comparisons = append(model.Comparisons, ModelComparison{
			Name: c.name, Levels: slices.Clone(c.levels), M: m[k], U: u[k], TF: c.tf,
		})
	}
	return model, nil
}

// CandidatePairs returns every candidate pair that blocking produces for
// records, for measuring blocking recall. It holds all pairs in memory, so
// it is meant for benchmark-sized inputs.
func CandidatePairs(records []Record, opt Options) [][2]int32 {
	p := prepare(records)
	maxBlock := opt.MaxBlock
	if maxBlock <= 0 {
		maxBlock = DefaultMaxBlock
	}
	b := newBlocker(p, defaultRules, nil, maxBlock, opt.LinkOnly, nil)
	local := make([][][2]int32, workers())
	b.pairs(func(w, _ int, i, j int32) { local[w] = append(local[w], [2]int32{i, j}) })
	var all [][2]int32
	for _, l := range local {
		all = append(all, l...)
	}
	return all
}

// crossPairs counts the pairs of records from different sources.
func crossPairs(p *prepared) int64 { return max(crossPairCount(p), 1) }

func crossPairCount(p *prepared) int64 {
	per := map[uint32]int64{}
	for _, s := range p.source {
		per[s]++
	}
	n := int64(p.n)
	total := n * (n - 1) / 2
	for _, c := range per {
		total -= c * (c - 1) / 2
	}
	return total
}

// anchorMin is the fewest anchor pairs a comparison's m is counted from.
const anchorMin = 200

// anchorM sets m for each comparison it can by counting the comparison's
// levels among candidate pairs that agree exactly on other, independent
// fields, where different people almost never agree: the date of birth
// among pairs with the same forename, surname and full postcode; names,
// aliases and sex among pairs with the same date of birth and full
// postcode; the rest among pairs with the same forename, surname and date
// of birth. It says which it set; a comparison with fewer than anchorMin
// such pairs keeps the m it had.
func anchorM(comps []comparison, all map[pattern]int64, m [][]float64) []bool {
	index := map[string]int{}
	for k, c := range comps {
		index[c.name] = k
	}
	exact := func(g pattern, names ...string) bool {
		for _, n := range names {
			k, ok := index[n]
			if !ok || g.level(k) != 1 {
				return false
			}
		}
		return true
	}
	anchorOf := func(name string) []string {
		switch name {
		case "dob":
			return []string{"forename", "surname", "postcode"}
		case "forename", "middle", "surname", "alias", "sex":
			return []string{"dob", "postcode"}
		}
		return []string{"forename", "surname", "dob"}
	}
	set := make([]bool, len(comps))
	for k, c := range comps {
		counts := make([]float64, len(c.levels))
		var total float64
		for g, n := range all {
			if l := g.level(k); l > 0 && exact(g, anchorOf(c.name)...) {
				counts[l] += float64(n)
				total += float64(n)
			}
		}
		if total < anchorMin {
			continue
		}
		for l := 1; l < len(counts); l++ {
			m[k][l] = (counts[l] + 0.5) / (total + 0.5*float64(len(counts)-1))
		}
		m[k][0] = 0
		set[k] = true
	}
	return set
}
