package search

import (
	"bytes"
	"cmp"
	"slices"
	"sort"

	"github.com/google/uuid"
)

// docs holds what the index keeps of each mention, by doc number, in
// columns: a million mentions cost tens of megabytes, not a million
// structs of strings.
type docs struct {
	ids      []uuid.UUID
	dob      []uint32      // packDate
	names    lists[uint32] // name tokens: name id<<3 | kind
	contacts lists[uint64] // phones, vehicles and postcodes as contactKeys
}

// lists holds a variable number of values per doc, flattened: doc d's are
// vals[off[d]:off[d+1]].
type lists[T any] struct {
	off  []uint32
	vals []T
}

func (l *lists[T]) add(v []T) {
	if len(l.off) == 0 {
		l.off = append(l.off, 0)
	}
	l.vals = append(l.vals, v...)
	l.off = append(l.off, uint32(len(l.vals)))
}

func (l *lists[T]) of(d int32) []T {
	if int(d)+1 >= len(l.off) {
		return nil
	}
	return l.vals[l.off[d]:l.off[d+1]]
}

// span counts the values of docs [lo, hi).
func (l *lists[T]) span(lo, hi int32) int {
	if hi <= lo {
		return 0
	}
	return int(l.off[hi] - l.off[lo])
}

// grow makes room for n more lists holding vals values in all.
func (l *lists[T]) grow(n, vals int) {
	l.off = slices.Grow(l.off, n+1)
	l.vals = slices.Grow(l.vals, vals)
}

// bitset marks dead docs: those of mentions changed since (which have a
// newer doc) or sealed since (which have none).
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(d int32) bool {
	w := int(d) / 64
	return w < len(b) && b[w]&(1<<(uint(d)%64)) != 0
}

func (b bitset) set(d int32) { b[d/64] |= 1 << (uint(d) % 64) }

// fit returns b with room for n docs; the caller owns it (it is a copy
// when it had to grow, and newBatch clones it anyway).
func (b bitset) fit(n int) bitset {
	for len(b)*64 < n {
		b = append(b, 0)
	}
	return b
}

// segment holds the inverted indexes over a run of docs, each mapping a key
// to the docs that hold it in ascending order.
type segment struct {
	names    dense  // by name id: docs with the name as any token
	phon     dense  // by phonetic code (phonKey) of any name token
	groups   dense  // by variant group of any name token
	years    dense  // by year of birth less minYear
	contacts sparse // by contactKey
}

// dense is an inverted index over small keys: key k's docs are
// docs[off[k]:off[k+1]].
type dense struct {
	off  []uint32
	docs []int32
}

func (p *dense) of(k uint32) []int32 {
	if int(k)+1 >= len(p.off) {
		return nil
	}
	return p.docs[p.off[k]:p.off[k+1]]
}

// sparse is an inverted index over large keys: (key, doc) pairs in key
// order, so that a run of keys (the postcodes of a district) is one range.
type sparse struct {
	keys []uint64
	docs []int32
}

// between returns the docs of the keys in [lo, hi].
func (p *sparse) between(lo, hi uint64) []int32 {
	i, _ := slices.BinarySearch(p.keys, lo)
	j := i + sort.Search(len(p.keys)-i, func(x int) bool { return p.keys[i+x] > hi })
	return p.docs[i:j]
}

// Years of birth a date can hold (pole.PartialDate.Valid allows these).
const (
	minYear = 1900
	maxYear = 2100
)

// buildSegment indexes the live docs in [lo, hi).
func buildSegment(v *vocab, d *docs, dead bitset, lo, hi int32) segment {
	live := func(yield func(int32) bool) {
		for doc := lo; doc < hi; doc++ {
			if !dead.has(doc) && !yield(doc) {
				return
			}
		}
	}
	var s segment
	s.names = buildDense(len(v.strs), live, func(doc int32, keys []uint32) []uint32 {
		for _, t := range d.names.of(doc) {
			keys = appendNew(keys, t>>3)
		}
		return keys
	})
	s.phon = buildDense(1<<16, live, func(doc int32, keys []uint32) []uint32 {
		for _, t := range d.names.of(doc) {
			if t&7 == kindAliasWhole {
				continue
			}
			p := v.phon[t>>3]
			for _, k := range [2]uint32{p >> 16, p & 0xffff} {
				if k != 0 {
					keys = appendNew(keys, k)
				}
			}
		}
		return keys
	})
	s.groups = buildDense(groupCount(), live, func(doc int32, keys []uint32) []uint32 {
		for _, t := range d.names.of(doc) {
			if t&7 == kindAliasWhole {
				continue
			}
			for _, g := range v.groups.of(int32(t >> 3)) {
				keys = appendNew(keys, uint32(g))
			}
		}
		return keys
	})
	s.years = buildDense(maxYear-minYear+1, live, func(doc int32, keys []uint32) []uint32 {
		if y := unpackDate(d.dob[doc]).Year; y >= minYear && y <= maxYear {
			keys = append(keys, uint32(y-minYear))
		}
		return keys
	})
	s.contacts = buildSparse(live, d, d.contacts.span(lo, hi))
	return s
}

func appendNew(keys []uint32, k uint32) []uint32 {
	if slices.Contains(keys, k) {
		return keys
	}
	return append(keys, k)
}

// buildDense counts each key's docs, then places them: two passes over
// the docs and no sorting, so that a million mentions index in a second.
// keysOf appends a doc's keys, each once.
func buildDense(size int, live func(func(int32) bool), keysOf func(doc int32, keys []uint32) []uint32) dense {
	off := make([]uint32, size+1)
	var keys []uint32
	for doc := range live {
		keys = keysOf(doc, keys[:0])
		for _, k := range keys {
			off[k+1]++
		}
	}
	for k := 1; k <= size; k++ {
		off[k] += off[k-1]
	}
	out := dense{off: off, docs: make([]int32, off[size])}
	next := slices.Clone(off[:size])
	for doc := range live {
		keys = keysOf(doc, keys[:0])
		for _, k := range keys {
			out.docs[next[k]] = doc
			next[k]++
		}
	}
	return out
}

// buildSparse sorts the (key, doc) pairs of the live docs; size is about
// how many there are.
func buildSparse(live func(func(int32) bool), d *docs, size int) sparse {
	type pair struct {
		key uint64
		doc int32
	}
	pairs := make([]pair, 0, size)
	for doc := range live {
		for _, k := range d.contacts.of(doc) {
			pairs = append(pairs, pair{k, doc})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.doc, b.doc))
	})
	out := sparse{keys: make([]uint64, len(pairs)), docs: make([]int32, len(pairs))}
	for i, p := range pairs {
		out.keys[i], out.docs[i] = p.key, p.doc
	}
	return out
}

// compareIDs orders mention ids as their text does: a UUID's bytes in
// order are its hexadecimal digits in order.
func compareIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
