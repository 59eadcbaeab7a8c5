// Package search finds person records (mentions) in memory, fast enough to
// answer as a user types: by name, fuzzily and phonetically through the
// linkage comparators, by alias, date of birth or age, and by phone,
// vehicle or postcode. It proposes candidates only; the caller asks the
// store for those within the user's reach.
//
// Victims, whose identities are sealed, are never indexed: a search that
// matched a victim's name would disclose it.
package search

import (
	"context"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Index is safe for concurrent use. A search reads one state of the index
// from start to end; Refresh builds the next state beside it and swaps it
// in, so searches never wait for a refresh and never see half of one.
type Index struct {
	st  *store.Store
	cur atomic.Pointer[state]
	// marks are a byte per doc, a bit per word of a name, reused across
	// searches so that finding candidates allocates little.
	marks sync.Pool

	// Refresh alone uses what follows, one Refresh at a time.
	refresh sync.Mutex
	since   time.Time // when the last scan that succeeded started
	fullAt  time.Time // when the last full scan that succeeded started
	names   map[string]uint32
	// recent holds the doc of each mention indexed after the base was
	// built; the base's docs are found by binary search on their ids.
	recent map[uuid.UUID]int32
}

// state is one version of the index. Nothing in it changes once it is
// published: a later state appends to the same arrays only past the ends
// this one sees, or builds new ones.
type state struct {
	vocab vocab
	docs  docs
	dead  bitset
	live  int
	// Docs below baseN are in base, sorted by mention id; the rest, added
	// since, are in delta, which each refresh rebuilds.
	baseN       int32
	base, delta segment
}

// New returns an empty index over st; Refresh fills it.
func New(st *store.Store) *Index {
	ix := &Index{st: st, names: map[string]uint32{}, recent: map[uuid.UUID]int32{}}
	ix.cur.Store(&state{})
	return ix
}

// Len returns the number of mentions indexed.
func (ix *Index) Len() int { return ix.cur.Load().live }

// overlap is how far back each refresh reads before the last one began.
// The store stamps a load's mentions with the time the load started, but
// they are seen only once it commits, seconds later for a million rows;
// reading back over that window finds them, and the full read each
// fullEvery finds those of a load slower still. A mention read again
// unchanged costs a comparison, not a new entry.
const overlap = 2 * time.Minute

// fullEvery is how often a refresh reads every mention instead of those
// changed since the last: a safety net for a change the store's timestamps
// miss (a load that took longer than overlap to commit).
const fullEvery = time.Hour

// Refresh reads the mentions stored or changed since the last refresh
// (all of them the first time, and again each fullEvery) and indexes them;
// a changed mention replaces its old entry, and one now sealed loses it.
// It returns how many mentions it read. If reading fails, the index stays
// as it was.
func (ix *Index) Refresh(ctx context.Context) (int, error) {
	const op = "search.Refresh"
	ix.refresh.Lock()
	defer ix.refresh.Unlock()
	start := time.Now()
	full := ix.fullAt.IsZero() || start.Sub(ix.fullAt) >= fullEvery
	var seq iter.Seq2[*pole.Mention, error]
	if full {
		seq = ix.st.ScanMentions(ctx)
	} else {
		seq = ix.st.ScanMentionsChangedSince(ctx, ix.since.Add(-overlap))
	}
	n, err := ix.index(seq)
	if err != nil {
		return n, pole.E(op, err)
	}
	ix.since = start
	if full {
		ix.fullAt = start
	}
	return n, nil
}

// index reads mentions into a new state and publishes it; on an error it
// publishes nothing. The caller holds ix.refresh.
func (ix *Index) index(seq iter.Seq2[*pole.Mention, error]) (int, error) {
	b := ix.newBatch()
	read := 0
	for m, err := range seq {
		if err == nil {
			err = b.add(m)
		}
		if err != nil {
			b.rollback()
			return read, err
		}
		read++
	}
	ix.publish(b)
	return read, nil
}

// compactAt says when a refresh rebuilds the base: when the docs added
// since the last rebuild and those replaced make up more than an eighth of
// the index. Below it, a refresh rebuilds only the delta, in time that
// grows with the delta alone.
func compactAt(live int) int { return live/8 + 1024 }

func (ix *Index) publish(b *batch) {
	s := &b.next
	n := int32(len(s.docs.ids))
	if s.baseN == 0 || int(n-s.baseN)+int(n)-s.live > compactAt(s.live) {
		ix.cur.Store(compact(s))
		clear(ix.recent)
		return
	}
	for _, p := range b.placed {
		if p.doc < 0 {
			delete(ix.recent, p.id)
		} else {
			ix.recent[p.id] = p.doc
		}
	}
	s.delta = buildSegment(&s.vocab, &s.docs, s.dead, s.baseN, n)
	ix.cur.Store(s)
}

// find returns the live doc of a mention, or -1.
func (ix *Index) find(s *state, id uuid.UUID) int32 {
	if d, ok := ix.recent[id]; ok {
		return d
	}
	ids := s.docs.ids[:s.baseN]
	lo, hi := 0, len(ids)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if compareIDs(ids[mid], id) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(ids) && ids[lo] == id && !s.dead.has(int32(lo)) {
		return int32(lo)
	}
	return -1
}

// compact returns s with its live docs renumbered in mention id order
// and every index rebuilt over them as the base.
func compact(s *state) *state {
	n := int32(len(s.docs.ids))
	out := &state{vocab: s.vocab, docs: s.docs, live: s.live}
	// A first load reads the store in id order and has nothing dead: its
	// docs are the base as they stand.
	if s.live != int(n) || !slices.IsSortedFunc(s.docs.ids, compareIDs) {
		out.docs = renumber(s)
		n = int32(s.live)
	}
	out.dead, out.baseN = newBitset(int(n)), n
	out.base = buildSegment(&out.vocab, &out.docs, out.dead, 0, n)
	return out
}

// renumber copies the live docs of s in mention id order.
func renumber(s *state) docs {
	order := make([]int32, 0, s.live)
	for d := range int32(len(s.docs.ids)) {
		if !s.dead.has(d) {
			order = append(order, d)
		}
	}
	ids := s.docs.ids
	slices.SortFunc(order, func(a, b int32) int { return compareIDs(ids[a], ids[b]) })
	var next docs
	next.ids = make([]uuid.UUID, 0, len(order))
	next.dob = make([]uint32, 0, len(order))
	next.names.grow(len(order), len(s.docs.names.vals))
	next.contacts.grow(len(order), len(s.docs.contacts.vals))
	for _, d := range order {
		next.ids = append(next.ids, ids[d])
		next.dob = append(next.dob, s.docs.dob[d])
		next.names.add(s.docs.names.of(d))
		next.contacts.add(s.docs.contacts.of(d))
	}
	return next
}
