package linkage

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// A blocking rule gives each record zero or more keys; records sharing a key
// are compared. Candidate pairs are the union over the rules, so a pair
// missed by one rule (a misspelt surname) is found by another (same date of
// birth and initial).
type blockingRule struct {
	name string
	// fields are the comparisons whose agreement the rule forces; EM
	// leaves them out when it learns from the rule's pairs.
	fields []string
	keys   func(p *prepared, i int, dst []uint64) []uint64
	// wide rules catch what the narrow ones miss (a missing forename, a
	// wrong initial) in small data sets, and skip blocks above wideBlock
	// records, which the narrow rules cover in large ones.
	wide bool
}

// wideBlock caps the blocks of wide rules.
const wideBlock = 16

// BlockingStats reports what one rule contributed.
type BlockingStats struct {
	Rule string `json:"rule"`
	// Pairs the rule produced that no earlier rule had.
	Pairs int64 `json:"pairs"`
	// Blocks larger than the cap were not compared within this rule; the
	// other rules still reach their pairs.
	OversizedBlocks  int   `json:"oversized_blocks"`
	OversizedRecords int64 `json:"oversized_records"`
	// Compared is the pairs within the rule's blocks, before removing
	// those an earlier rule produced.
	Compared int64 `json:"compared"`
}

func mix(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

func key(parts ...uint64) uint64 {
	h := uint64(len(parts))
	for _, p := range parts {
		h = mix(h, p)
	}
	if h == 0 {
		h = 1
	}
	return h
}

func (p *prepared) surPhon(i int) (uint32, uint32) {
	f := p.facts[p.sur[i]]
	return f.phon1, f.phon2
}

func (p *prepared) forePhon(i int) (uint32, uint32) {
	f := p.facts[p.fore[i]]
	return f.phon1, f.phon2
}

func appendPhonKeys(dst []uint64, tag uint64, a, b uint32, rest ...uint64) []uint64 {
	if a == 0 {
		return dst
	}
	dst = append(dst, phonKey(tag, a, rest))
	if b != a && b != 0 {
		dst = append(dst, phonKey(tag, b, rest))
	}
	return dst
}

// phonKey is key(tag, code, rest...) without building the argument list.
func phonKey(tag uint64, code uint32, rest []uint64) uint64 {
	h := mix(mix(uint64(2+len(rest)), tag), uint64(code))
	for _, r := range rest {
		h = mix(h, r)
	}
	if h == 0 {
		h = 1
	}
	return h
}

// initial is the first letter of a name id, or 0 without one.
func (p *prepared) initial(id uint32) uint64 {
	if id == 0 {
		return 0
	}
	return uint64(p.facts[id].first)
}

// nameSoundKeys keys forename and surname sounds in either order, so that
// a name written surname first still meets itself.
func (p *prepared) nameSoundKeys(dst []uint64, i int, tag, extra uint64) []uint64 {
	if p.sur[i] == 0 || p.fore[i] == 0 {
		return dst
	}
	f, _ := p.forePhon(i)
	s, _ := p.surPhon(i)
	if f == 0 || s == 0 {
		return dst
	}
	return append(dst, key(tag, uint64(min(f, s)), uint64(max(f, s)), extra))
}

// The rules are narrow enough that a common name in a large population
// still makes blocks of tens, not thousands: each pairs a name's sound with
// a part of the date of birth or an initial. Between them a true pair is
// missed only if it disagrees on most of them at once.
var defaultRules = []blockingRule{
	{name: "surname sound + forename initial + birth year", fields: []string{"surname", "forename", "dob"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.dobY[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 1, a, b, p.initial(p.fore[i]), uint64(p.dobY[i]))
	}},
	{name: "forename sound + surname sound, either order + birth decade", fields: []string{"forename", "surname"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		return p.nameSoundKeys(dst, i, 2, uint64(p.dobY[i]/10))
	}},
	{name: "date of birth, day and month either way + an initial", fields: []string{"dob"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.dobD[i] == 0 {
			return dst
		}
		d, m, y := uint64(p.dobD[i]), uint64(p.dobM[i]), uint64(p.dobY[i])
		if f := p.initial(p.fore[i]); f != 0 {
			dst = append(dst, key(3, y, min(d, m), max(d, m), 'f', f))
		}
		if s := p.initial(p.sur[i]); s != 0 {
			dst = append(dst, key(3, y, min(d, m), max(d, m), 's', s))
		}
		return dst
	}},
	{name: "surname sound + forename initial + birth month and day", fields: []string{"surname", "forename", "dob"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.dobD[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 4, a, b, p.initial(p.fore[i]), uint64(p.dobM[i]), uint64(p.dobD[i]))
	}},
	{name: "forename sound + date of birth", fields: []string{"forename", "dob"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.fore[i] == 0 || p.dobY[i] == 0 {
			return dst
		}
		a, b := p.forePhon(i)
		return appendPhonKeys(dst, 5, a, b, uint64(p.dobY[i]), uint64(p.dobM[i]), uint64(p.dobD[i]))
	}},
	{name: "postcode + forename initial", fields: []string{"postcode", "forename"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		var init uint64
		if p.fore[i] != 0 {
			init = uint64(p.facts[p.fore[i]].first)
		}
		for _, pc := range p.pcs.of(i) {
			dst = append(dst, key(6, uint64(pc), init))
		}
		return dst
	}},
	{name: "premises + street", fields: []string{"premises", "street"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.premises[i] == 0 || p.street[i] == 0 {
			return dst
		}
		return append(dst, key(7, uint64(p.premises[i]), uint64(p.street[i])))
	}},
	{name: "phone", fields: []string{"phone"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		for _, v := range p.phones.of(i) {
			dst = append(dst, key(8, uint64(v)))
		}
		return dst
	}},
	{name: "vehicle", fields: []string{"vehicle"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		for _, v := range p.vehicles.of(i) {
			dst = append(dst, key(9, uint64(v)))
		}
		return dst
	}},
	{name: "email", fields: []string{"email"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.email[i] == 0 {
			return dst
		}
		return append(dst, key(10, uint64(p.email[i])))
	}},
	{name: "alias or forename + surname sound", fields: []string{"alias", "surname"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		al := p.aliases.of(i)
		if len(al) == 0 || p.sur[i] == 0 {
			return dst
		}
		s, _ := p.surPhon(i)
		for _, a := range al {
			dst = append(dst, key(11, uint64(a), uint64(s)))
		}
		return dst
	}},
	{name: "forename sound + surname sound, either order", fields: []string{"forename", "surname"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		return p.nameSoundKeys(dst, i, 17, 0)
	}},
	{name: "surname sound + birth year", fields: []string{"surname", "dob"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.dobY[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 13, a, b, uint64(p.dobY[i]))
	}},
	{name: "forename sound + birth year", fields: []string{"forename", "dob"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.fore[i] == 0 || p.dobY[i] == 0 {
			return dst
		}
		a, b := p.forePhon(i)
		return appendPhonKeys(dst, 14, a, b, uint64(p.dobY[i]))
	}},
	{name: "date of birth, day and month either way", fields: []string{"dob"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.dobD[i] == 0 {
			return dst
		}
		d, m := p.dobD[i], p.dobM[i]
		return append(dst, key(15, uint64(p.dobY[i]), uint64(min(d, m)), uint64(max(d, m))))
	}},
	{name: "surname sound + birth month and day", fields: []string{"surname", "dob"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.dobD[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 16, a, b, uint64(p.dobM[i]), uint64(p.dobD[i]))
	}},
	{name: "surname sound + birth month", fields: []string{"surname"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.dobM[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 18, a, b, uint64(p.dobM[i]))
	}},
	{name: "forename sound + birth month", fields: []string{"forename"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.fore[i] == 0 || p.dobM[i] == 0 {
			return dst
		}
		a, b := p.forePhon(i)
		return appendPhonKeys(dst, 19, a, b, uint64(p.dobM[i]))
	}},
	{name: "forename sound + locality", fields: []string{"forename", "locality"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.fore[i] == 0 || p.locality[i] == 0 {
			return dst
		}
		a, b := p.forePhon(i)
		return appendPhonKeys(dst, 20, a, b, uint64(p.locality[i]))
	}},
	{name: "surname sound + locality", fields: []string{"surname", "locality"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.locality[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 21, a, b, uint64(p.locality[i]))
	}},
	{name: "start of the email's user name", fields: []string{"email"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		user := localPart(p.misc.strs[p.email[i]])
		if len(user) < 3 {
			return dst
		}
		return append(dst, key(22, hashString(user[:3])))
	}},
	{name: "forename sound + birth decade", fields: []string{"forename"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.fore[i] == 0 || p.dobY[i] == 0 {
			return dst
		}
		a, b := p.forePhon(i)
		return appendPhonKeys(dst, 23, a, b, uint64(p.dobY[i]/10))
	}},
	{name: "surname sound + birth decade", fields: []string{"surname"}, wide: true, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.sur[i] == 0 || p.dobY[i] == 0 {
			return dst
		}
		a, b := p.surPhon(i)
		return appendPhonKeys(dst, 24, a, b, uint64(p.dobY[i]/10))
	}},
	{name: "street sound + locality", fields: []string{"street", "locality"}, keys: func(p *prepared, i int, dst []uint64) []uint64 {
		if p.street[i] == 0 || p.locality[i] == 0 {
			return dst
		}
		return append(dst, key(12, uint64(p.street[i]), uint64(p.locality[i])))
	}},
}

// blocker holds each rule's keys per record, to generate each rule's blocks
// and to tell whether an earlier rule already produced a pair.
type blocker struct {
	p         *prepared
	rules     []blockingRule
	keys      []list64
	oversized []map[uint64]bool
	maxBlock  int
	linkOnly  bool
	// isNew, when set, limits pairs to those with at least one new record.
	isNew []bool

	sorted [][]keyed
	blocks [][]span
	stats  []BlockingStats
}

type list64 struct {
	off  []uint32
	vals []uint64
}

func (l *list64) of(i int) []uint64 { return l.vals[l.off[i]:l.off[i+1]] }

type keyed struct {
	key uint64
	rec int32
}

func newBlocker(p *prepared, rules []blockingRule, keys []list64, maxBlock int, linkOnly bool, isNew []bool) *blocker {
	b := &blocker{p: p, rules: rules, keys: ruleKeys(p, rules, keys),
		oversized: make([]map[uint64]bool, len(rules)), maxBlock: maxBlock, linkOnly: linkOnly, isNew: isNew}
	b.index()
	return b
}

// ruleKeys gives every rule's keys for the records of p that keys does not
// cover yet (all of them when keys is nil), one goroutine per rule.
func ruleKeys(p *prepared, rules []blockingRule, keys []list64) []list64 {
	if keys == nil {
		keys = make([]list64, len(rules))
	}
	var wg sync.WaitGroup
	for r := range rules {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := keys[r]
			if l.off == nil {
				l.off = make([]uint32, 1, p.n+1)
			}
			for i := len(l.off) - 1; i < p.n; i++ {
				start := len(l.vals)
				l.vals = rules[r].keys(p, i, l.vals)
				l.vals = append(l.vals[:start], uniq64(l.vals[start:])...)
				l.off = append(l.off, uint32(len(l.vals)))
			}
			keys[r] = l
		}()
	}
	wg.Wait()
	return keys
}

func uniq64(v []uint64) []uint64 {
	out := v[:0]
	for _, x := range v {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func sharesKey(a, b []uint64, skip map[uint64]bool) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y && !skip[x] {
				return true
			}
		}
	}
	return false
}

// index sorts each rule's keys into blocks, once; oversized blocks are
// skipped and remembered, so that later rules do not count on them.
func (b *blocker) index() {
	b.sorted = make([][]keyed, len(b.rules))
	b.blocks = make([][]span, len(b.rules))
	b.stats = make([]BlockingStats, len(b.rules))
	var wg sync.WaitGroup
	for r := range b.rules {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.indexRule(r)
		}()
	}
	wg.Wait()
}

type span struct{ lo, hi int32 }

func (b *blocker) indexRule(r int) {
	b.stats[r].Rule = b.rules[r].name
	kl := &b.keys[r]
	var all []keyed
	if b.isNew == nil {
		all = make([]keyed, 0, len(kl.vals))
		for i := 0; i < b.p.n; i++ {
			for _, k := range kl.of(i) {
				all = append(all, keyed{k, int32(i)})
			}
		}
	} else {
		// Linking new records: only blocks holding one matter, so only
		// the keys the new records have are gathered and sorted.
		wanted := map[uint64]struct{}{}
		for i := 0; i < b.p.n; i++ {
			if b.isNew[i] {
				for _, k := range kl.of(i) {
					wanted[k] = struct{}{}
				}
			}
		}
		for i := 0; i < b.p.n; i++ {
			for _, k := range kl.of(i) {
				if _, ok := wanted[k]; ok {
					all = append(all, keyed{k, int32(i)})
				}
			}
		}
	}
	slices.SortFunc(all, func(x, y keyed) int {
		switch {
		case x.key < y.key:
			return -1
		case x.key > y.key:
			return 1
		}
		return int(x.rec - y.rec)
	})
	var blocks []span
	over := map[uint64]bool{}
	for lo := 0; lo < len(all); {
		hi := lo + 1
		for hi < len(all) && all[hi].key == all[lo].key {
			hi++
		}
		switch n := hi - lo; {
		case n < 2:
		case n > b.maxBlock || b.rules[r].wide && n > wideBlock:
			over[all[lo].key] = true
			b.stats[r].OversizedBlocks++
			b.stats[r].OversizedRecords += int64(n)
		default:
			if b.hasNew(all[lo:hi]) {
				blocks = append(blocks, span{int32(lo), int32(hi)})
				b.stats[r].Compared += int64(n) * int64(n-1) / 2
			}
		}
		lo = hi
	}
	b.sorted[r], b.blocks[r], b.oversized[r] = all, blocks, over
}

// upperBound is the number of pairs the blocks hold before duplicates across
// rules are removed.
func (b *blocker) upperBound() int64 {
	var n int64
	for _, s := range b.stats {
		n += s.Compared
	}
	return n
}

// pairs calls fn for every candidate pair once, from several goroutines:
// fn's first argument is the worker number, below workers(). It returns the
// count of pairs each rule added.
func (b *blocker) pairs(fn func(w, r int, i, j int32)) []int64 {
	counts, _ := b.samplePairs(nil, fn)
	return counts
}

// samplePairs is pairs over the blocks that keep(rule, block key) accepts:
// a sample that costs only the blocks it visits. It also returns the pairs
// the visited blocks held before duplicates across rules were dropped.
func (b *blocker) samplePairs(keep func(r int, key uint64) bool, fn func(w, r int, i, j int32)) ([]int64, int64) {
	counts := make([]int64, len(b.rules))
	var raw atomic.Int64
	nw := workers()
	for r := range b.rules {
		all, blocks := b.sorted[r], b.blocks[r]
		var next, count atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < nw; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var n int64
				for {
					k := int(next.Add(1) - 1)
					if k >= len(blocks) {
						break
					}
					blk := all[blocks[k].lo:blocks[k].hi]
					if keep != nil && !keep(r, blk[0].key) {
						continue
					}
					raw.Add(int64(len(blk)) * int64(len(blk)-1) / 2)
					for x := 0; x < len(blk); x++ {
						i := blk[x].rec
						for y := x + 1; y < len(blk); y++ {
							j := blk[y].rec
							if i == j || !b.wanted(r, blk[0].key, i, j) {
								continue
							}
							n++
							fn(w, r, i, j)
						}
					}
				}
				count.Add(n)
			}()
		}
		wg.Wait()
		counts[r] = count.Load()
	}
	return counts, raw.Load()
}

func (b *blocker) hasNew(blk []keyed) bool {
	if b.isNew == nil {
		return true
	}
	for _, k := range blk {
		if b.isNew[k.rec] {
			return true
		}
	}
	return false
}

// wanted reports whether rule r should emit pair (i, j): not within one
// source when linking across sources only, touching a new record when
// linking incrementally, and not already emitted by an earlier rule.
func (b *blocker) wanted(r int, blockKey uint64, i, j int32) bool {
	p := b.p
	if b.linkOnly && p.source[i] == p.source[j] {
		return false
	}
	if b.isNew != nil && !b.isNew[i] && !b.isNew[j] {
		return false
	}
	// A record can hold the same key twice in one rule (two phones in one
	// block): emit the pair under its first shared key only.
	for q := 0; q < r; q++ {
		if sharesKey(b.keys[q].of(int(i)), b.keys[q].of(int(j)), b.oversized[q]) {
			return false
		}
	}
	ki, kj := b.keys[r].of(int(i)), b.keys[r].of(int(j))
	if len(ki) == 1 || len(kj) == 1 {
		return true
	}
	first := uint64(0)
	for _, x := range ki {
		if (first == 0 || x < first) && slices.Contains(kj, x) && !b.oversized[r][x] {
			first = x
		}
	}
	return first == blockKey
}

func workers() int { return max(1, runtime.GOMAXPROCS(0)) }
