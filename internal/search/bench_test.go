package search

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store/storetest"
	"github.com/caselink/caselink/internal/synth"
)

// benchMentionCount is how many mentions the benchmark indexes: set
// CASELINK_BENCH_SEARCH_MENTIONS=1000000 for the figure in the docs.
func benchMentionCount(b *testing.B) int {
	if v := os.Getenv("CASELINK_BENCH_SEARCH_MENTIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("CASELINK_BENCH_SEARCH_MENTIONS: %q is not a count", v)
		}
		return n
	}
	return 100_000
}

// population makes n invented people with the names of synth's
// communities, weighted as synth weighs them, so that common names are
// as common as they are in the data: the searches that cost most are for
// the commonest names. Some names are misspelt, some written with
// another spelling, a few the wrong way round, as records have them.
type population struct {
	n     int
	seed  uint64
	comms []synth.Community
	cum   []float64
	areas []string
}

func newPopulation(n int, seed uint64) *population {
	p := &population{n: n, seed: seed, comms: synth.Communities(),
		areas: []string{"BD", "LS", "HX", "WF", "HD", "M", "OL", "BB", "B", "L", "S", "NE", "E", "N"}}
	total := 0.0
	for _, c := range p.comms {
		total += c.Weight
		p.cum = append(p.cum, total)
	}
	return p
}

// id is the i-th person's mention id, ascending as a store would scan them.
func (p *population) id(i int) string {
	var u uuid.UUID
	u[0], u[6], u[8] = 0x01, 0x70, 0x80 // a version 7 UUID's version and variant
	for k := 0; k < 4; k++ {
		u[15-k] = byte(i >> (8 * k))
	}
	return u.String()
}

func (p *population) mentions() iter.Seq2[*pole.Mention, error] {
	return func(yield func(*pole.Mention, error) bool) {
		r := rand.New(rand.NewPCG(p.seed, 1))
		for i := range p.n {
			if !yield(p.person(r, i), nil) {
				return
			}
		}
	}
}

func (p *population) person(r *rand.Rand, i int) *pole.Mention {
	c := &p.comms[pick(r, p.cum)]
	m := &pole.Mention{ID: p.id(i), Force: "west-yorkshire", RecordID: strconv.Itoa(i), Role: pole.RoleSuspect}
	given := c.Male
	if r.IntN(2) == 0 {
		given = c.Female
	}
	m.Forename, m.Surname = given.Pick(r), c.Surnames.Pick(r)
	if r.IntN(3) == 0 {
		m.MiddleNames = given.Pick(r)
	}
	switch x := r.IntN(100); {
	case x < 6:
		if v := synth.SpellingVariants(m.Forename); len(v) > 0 {
			m.Forename = v[r.IntN(len(v))]
		}
	case x < 12:
		m.Surname = typo(r, m.Surname)
	case x < 14:
		m.Forename, m.Surname = m.Surname, m.Forename
	case x < 16:
		m.Forename = m.Forename[:1]
	}
	m.NameAsWritten = strings.ToUpper(m.Surname) + ", " + m.Forename
	if r.IntN(10) == 0 {
		if nick := synth.Nicknames(m.Forename); len(nick) > 0 {
			m.Aliases = []string{nick[r.IntN(len(nick))]}
		} else {
			aliases := synth.StreetAliases()
			m.Aliases = []string{aliases[r.IntN(len(aliases))]}
		}
	}
	year := 1940 + r.IntN(72)
	switch x := r.IntN(10); {
	case x < 8:
		m.DOB = pole.Date(year, 1+r.IntN(12), 1+r.IntN(28))
	case x < 9:
		m.DOB = pole.YearOnly(year)
	}
	for range r.IntN(3) {
		m.Phones = append(m.Phones, fmt.Sprintf("+447%09d", r.IntN(1_000_000_000)))
	}
	if r.IntN(5) == 0 {
		m.Vehicles = []string{fmt.Sprintf("%c%c%02d%c%c%c", 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(100), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26))}
	}
	if r.IntN(10) < 7 {
		const inward = "ABDEFGHJLNPQRSTUWXYZ"
		pc := fmt.Sprintf("%s%d %d%c%c", p.areas[r.IntN(len(p.areas))], 1+r.IntN(20), r.IntN(10), inward[r.IntN(len(inward))], inward[r.IntN(len(inward))])
		m.Addresses = []pole.Address{{Text: "1 Example Street", Postcode: pc}}
	}
	return m
}

func pick(r *rand.Rand, cum []float64) int {
	i, _ := slices.BinarySearch(cum, r.Float64()*cum[len(cum)-1])
	return min(i, len(cum)-1)
}

// typo swaps two letters of a name or drops one.
func typo(r *rand.Rand, s string) string {
	b := []rune(s)
	if len(b) < 4 {
		return s
	}
	i := 1 + r.IntN(len(b)-2)
	if r.IntN(2) == 0 {
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}
	return string(append(b[:i], b[i+1:]...))
}

// built is the benchmark's index, built once per size.
var built struct {
	sync.Mutex
	n       int
	ix      *Index
	sample  []*pole.Mention
	seconds float64
	heapMB  float64
}

func benchIndex(b *testing.B) (*Index, []*pole.Mention) {
	n := benchMentionCount(b)
	built.Lock()
	defer built.Unlock()
	if built.n == n {
		return built.ix, built.sample
	}
	built.ix, built.sample = nil, nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// The mentions are made first, so that the build alone is timed.
	var ms []*pole.Mention
	for m := range newPopulation(n, 7).mentions() {
		ms = append(ms, m)
	}
	start := time.Now()
	ix := New(nil)
	if _, err := ix.index(func(yield func(*pole.Mention, error) bool) {
		for _, m := range ms {
			if !yield(m, nil) {
				return
			}
		}
	}); err != nil {
		b.Fatal(err)
	}
	built.seconds = time.Since(start).Seconds()
	// People to look for: every thousandth, as the population made them.
	for i, m := range ms {
		if i%1000 == 0 && len(m.Forename) > 1 {
			built.sample = append(built.sample, m)
		}
	}
	ms = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	built.heapMB = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	built.n, built.ix = n, ix
	return ix, built.sample
}

// BenchmarkSearch times searches of each kind a user makes, over an index
// of benchMentionCount people; each reports its median and 99th
// percentile, and how long the index took to build and the heap it holds.
func BenchmarkSearch(b *testing.B) {
	ix, sample := benchIndex(b)
	kinds := []struct {
		name  string
		query func(m *pole.Mention) Query
	}{
		{"full-name", func(m *pole.Mention) Query { return Query{Name: m.Forename + " " + m.Surname} }},
		{"surname-first", func(m *pole.Mention) Query { return Query{Name: strings.ToUpper(m.Surname) + ", " + m.Forename} }},
		{"other-spelling", func(m *pole.Mention) Query {
			if v := synth.SpellingVariants(m.Forename); len(v) > 0 {
				return Query{Name: v[0] + " " + m.Surname}
			}
			return Query{Name: m.Forename + " " + m.Surname}
		}},
		{"typo", func(m *pole.Mention) Query {
			return Query{Name: m.Forename + " " + typo(rand.New(rand.NewPCG(1, 2)), m.Surname)}
		}},
		{"surname", func(m *pole.Mention) Query { return Query{Name: m.Surname} }},
		{"name-and-dob", func(m *pole.Mention) Query { return Query{Name: m.Forename + " " + m.Surname, DOB: m.DOB} }},
		{"dob", func(m *pole.Mention) Query {
			if m.DOB.IsZero() {
				return Query{DOB: pole.Date(1981, 3, 12)}
			}
			return Query{DOB: m.DOB}
		}},
		{"surname-and-age", func(m *pole.Mention) Query { return Query{Name: m.Surname, AgeFrom: 30, AgeTo: 35} }},
		{"age", func(*pole.Mention) Query { return Query{AgeFrom: 18, AgeTo: 25} }},
		{"phone", func(m *pole.Mention) Query {
			if len(m.Phones) == 0 {
				return Query{Phone: "07700 900123"}
			}
			return Query{Phone: m.Phones[0]}
		}},
		{"district", func(m *pole.Mention) Query {
			if len(m.Addresses) == 0 {
				return Query{Postcode: "BD1"}
			}
			return Query{Postcode: strings.Fields(m.Addresses[0].Postcode)[0]}
		}},
		{"alias", func(m *pole.Mention) Query { return Query{Alias: "Dizzy"} }},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			queries := make([]Query, len(sample))
			for i, m := range sample {
				queries[i] = k.query(m)
			}
			var took []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				if _, err := ix.Search(queries[i%len(queries)], now, 50); err != nil {
					b.Fatalf("%+v: %v", queries[i%len(queries)], err)
				}
				took = append(took, time.Since(start))
				i++
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(built.seconds, "build-s")
			b.ReportMetric(built.heapMB, "index-MB")
		})
	}
}

// BenchmarkRefresh times reading benchMentionCount people, one in ten a
// victim, from a SQLite store into a new index (first-s), and the refresh
// after it (next-s), which reads again what was stored within overlap;
// index-MB is the heap the index holds.
func BenchmarkRefresh(b *testing.B) {
	n := benchMentionCount(b)
	st := storetest.SQLite(b)
	src := &pole.Source{Force: "west-yorkshire", System: "Niche", FileName: "people.csv", Profile: "wy",
		ReceivedAt: now, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: n}
	if err := st.CreateSource(ctx, src); err != nil {
		b.Fatal(err)
	}
	pop := newPopulation(n, 7)
	loaded, err := st.LoadMentions(ctx, func(yield func(*pole.Mention, error) bool) {
		row := 0
		for m := range pop.mentions() {
			row++
			m.SourceID, m.SourceRow = src.ID, row
			if row%10 == 0 {
				m.Role = pole.RoleVictim
			}
			if !yield(m, nil) {
				return
			}
		}
	})
	if err != nil || loaded != n {
		b.Fatalf("LoadMentions: %d (%v), want %d", loaded, err, n)
	}
	var first, next time.Duration
	var heap float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix := New(st)
		start := time.Now()
		if _, err := ix.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		first += time.Since(start)
		start = time.Now()
		if _, err := ix.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		next += time.Since(start)
		if ix.Len() != n-n/10 {
			b.Fatalf("Len: got %d, want %d", ix.Len(), n-n/10)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(ix)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	}
	b.ReportMetric(heap, "index-MB")
	b.ReportMetric(first.Seconds()/float64(b.N), "first-s")
	b.ReportMetric(next.Seconds()/float64(b.N), "next-s")
}
