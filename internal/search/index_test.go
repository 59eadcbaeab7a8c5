package search

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

// mentionsOf streams ms as the store would, then err if not nil.
func mentionsOf(ms []*pole.Mention, err error) iter.Seq2[*pole.Mention, error] {
	return func(yield func(*pole.Mention, error) bool) {
		for _, m := range ms {
			if !yield(m, nil) {
				return
			}
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

// indexed returns an index of ms, read as one refresh.
func indexed(t *testing.T, ms []*pole.Mention) *Index {
	t.Helper()
	ix := New(nil)
	reindex(t, ix, ms)
	return ix
}

func reindex(t *testing.T, ix *Index, ms []*pole.Mention) {
	t.Helper()
	ix.refresh.Lock()
	defer ix.refresh.Unlock()
	if _, err := ix.index(mentionsOf(ms, nil)); err != nil {
		t.Fatal(err)
	}
}

// numbered makes n people of the synthetic population, each with a phone
// of its own.
func numbered(n int) []*pole.Mention {
	var ms []*pole.Mention
	for m := range newPopulation(n, 11).mentions() {
		m.Phones = []string{fmt.Sprintf("+44770090%04d", len(ms))}
		ms = append(ms, m)
	}
	return ms
}

// renamed returns copies of ms with a surname no one else has and a new
// phone each.
func renamed(ms []*pole.Mention, surname string) []*pole.Mention {
	out := make([]*pole.Mention, len(ms))
	for i, m := range ms {
		c := *m
		c.Surname = surname
		c.Phones = []string{strings.Replace(m.Phones[0], "+44770090", "+44770091", 1)}
		out[i] = &c
	}
	return out
}

func wantIDs(t *testing.T, what string, hits []Hit, ms []*pole.Mention) {
	t.Helper()
	want := make([]string, len(ms))
	for i, m := range ms {
		want[i] = m.ID
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(ids(hits)))
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %d hits, want %d", what, len(got), len(want))
	}
}

func TestManyChangesRebuildTheBaseAndEveryMentionStaysFindable(t *testing.T) {
	ms := numbered(3000)
	ix := indexed(t, ms)
	if s := ix.cur.Load(); s.baseN != 3000 || ix.Len() != 3000 {
		t.Fatalf("first load: base %d, Len %d, want both 3000", s.baseN, ix.Len())
	}

	// Two thirds changed: more than the delta may hold, so the base is
	// rebuilt without the old entries.
	many := renamed(ms[:2000], "Zzyzxcombe")
	reindex(t, ix, many)
	s := ix.cur.Load()
	if s.baseN != 3000 || len(s.docs.ids) != 3000 || ix.Len() != 3000 {
		t.Errorf("after many changes: base %d, docs %d, Len %d, want 3000 each", s.baseN, len(s.docs.ids), ix.Len())
	}
	hits, err := ix.Search(Query{Name: "Zzyzxcombe"}, now, 5000)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "the new surname", hits, many)
	for _, i := range []int{0, 1999, 2000, 2999} {
		phone := ms[i].Phones[0]
		want := ms[i : i+1]
		if i < 2000 {
			phone, want = many[i].Phones[0], many[i:i+1]
			wantIDs(t, "an old phone", search(t, ix, Query{Phone: ms[i].Phones[0]}), nil)
		}
		wantIDs(t, "phone "+phone, search(t, ix, Query{Phone: phone}), want)
	}

	// A few changes go to the delta; a mention changed again is found
	// there and replaced.
	few := renamed(ms[2000:2010], "Quorndonovan")
	reindex(t, ix, few)
	again := renamed(few[:1], "Vellacottish")
	reindex(t, ix, again)
	s = ix.cur.Load()
	if s.baseN != 3000 || len(s.docs.ids) != 3011 || ix.Len() != 3000 {
		t.Errorf("after a few changes: base %d, docs %d, Len %d, want 3000, 3011, 3000", s.baseN, len(s.docs.ids), ix.Len())
	}
	wantIDs(t, "the delta", search(t, ix, Query{Name: "Quorndonovan"}), few[1:])
	wantIDs(t, "changed twice", search(t, ix, Query{Name: "Vellacottish"}), again)
}

func TestAFailedRefreshLeavesTheIndexAsItWas(t *testing.T) {
	ms := numbered(50)
	ix := indexed(t, ms)
	before := ix.cur.Load()
	names := len(ix.names)
	ix.refresh.Lock()
	_, err := ix.index(mentionsOf(renamed(ms[:10], "Brackenthwaite"), errors.New("the store went away")))
	ix.refresh.Unlock()
	if err == nil {
		t.Fatal("a failed scan should fail the refresh")
	}
	if ix.cur.Load() != before || len(ix.names) != names {
		t.Errorf("the index changed: names %d, want %d", len(ix.names), names)
	}
	wantIDs(t, "the unread surname", search(t, ix, Query{Name: "Brackenthwaite"}), nil)
	wantIDs(t, "the first phone", search(t, ix, Query{Phone: ms[0].Phones[0]}), ms[:1])
	// The next refresh interns the same names afresh.
	reindex(t, ix, renamed(ms[:10], "Brackenthwaite"))
	wantIDs(t, "once read", search(t, ix, Query{Name: "Brackenthwaite"}), ms[:10])
}

func TestTiesAreBrokenByMentionID(t *testing.T) {
	pop := newPopulation(0, 1)
	var ms []*pole.Mention
	for _, i := range []int{4, 2, 0, 3, 1} {
		ms = append(ms, &pole.Mention{ID: pop.id(i), Forename: "Olivia", Surname: "Murphy", DOB: pole.Date(1990, 4, 5)})
	}
	ix := indexed(t, ms)
	for _, q := range []Query{{Name: "Olivia Murphy"}, {DOB: pole.Date(1990, 4, 5)}, {Name: "Murphy", AgeFrom: 30}} {
		hits, err := ix.Search(q, now, 3)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{pop.id(0), pop.id(1), pop.id(2)}; !slices.Equal(ids(hits), want) {
			t.Errorf("%+v: got %v, want the three lowest ids in order %v", q, ids(hits), want)
		}
	}
}

func TestSearchesRunWhileTheIndexRefreshes(t *testing.T) {
	ms := numbered(2000)
	ix := indexed(t, ms)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, q := range []Query{{Name: "Mohammed Hussain"}, {Name: "Zzyzxcombe"}, {DOB: pole.Date(1981, 3, 12)}, {Postcode: "BD1"}} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := ix.Search(q, now, 20); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for round := range 30 {
		batch := ms[round*50 : round*50+50]
		reindex(t, ix, renamed(batch, "Zzyzxcombe"))
	}
	close(stop)
	wg.Wait()
	hits, err := ix.Search(Query{Name: "Zzyzxcombe"}, now, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1500 || ix.Len() != 2000 {
		t.Errorf("got %d renamed and Len %d, want 1500 and 2000", len(hits), ix.Len())
	}
}

// FuzzSearch runs queries of any text against a small index: a query is
// refused as invalid, naming its field, or answered with hits in order.
func FuzzSearch(f *testing.F) {
	f.Add("Mohammed Hussain", "", 0, 0, 0, 0, 0, "", "", "")
	f.Add("HUSSAIN, Mohd Imran", "Big Mo", 1981, 3, 12, 0, 0, "", "", "")
	f.Add("J Smith-Jones", "", 0, 0, 0, 18, 25, "07700 900123", "ab12 cde", "BD1 1")
	f.Add("Ł Ø ß", "K-Dog", 1981, 0, 0, 0, 0, "", "", "bd111")
	f.Add(", ,", "", 1990, 2, 30, -1, 200, "+", "!", "SW1A")
	ix := New(nil)
	ix.refresh.Lock()
	if _, err := ix.index(newPopulation(500, 3).mentions()); err != nil {
		f.Fatal(err)
	}
	ix.refresh.Unlock()
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name, alias string, y, m, d, from, to int, phone, vehicle, postcode string) {
		q := Query{Name: name, Alias: alias, DOB: pole.PartialDate{Year: y, Month: m, Day: d}, AgeFrom: from, AgeTo: to,
			Phone: phone, Vehicle: vehicle, Postcode: postcode}
		hits, err := ix.Search(q, at, 10)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) == "" {
				t.Fatalf("%+v: %v, want an invalid field", q, err)
			}
			return
		}
		if len(hits) > 10 {
			t.Fatalf("%+v: %d hits, want at most 10", q, len(hits))
		}
		for i, h := range hits {
			if !(h.Score > 0 && h.Score <= 1) || !pole.IsID(h.MentionID) || len(h.Reasons) == 0 {
				t.Fatalf("%+v: hit %+v", q, h)
			}
			if i > 0 && (h.Score > hits[i-1].Score || h.Score == hits[i-1].Score && h.MentionID <= hits[i-1].MentionID) {
				t.Fatalf("%+v: hits out of order: %+v", q, hits)
			}
		}
	})
}
