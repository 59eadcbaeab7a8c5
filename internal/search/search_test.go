package search

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

var ctx = context.Background()

// now is when the tests reckon ages.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// sourceSeq makes every test source's hash distinct.
var sourceSeq atomic.Int64

// people stores invented people in one source of a test store.
type people struct {
	t   *testing.T
	st  *store.Store
	src *pole.Source
	n   int
}

func newPeople(t *testing.T, st *store.Store) *people {
	t.Helper()
	src := &pole.Source{Force: "west-yorkshire", System: "Niche", FileName: "people.csv", Profile: "wy",
		ReceivedAt: now, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 1}
	if err := st.CreateSource(ctx, src); err != nil {
		t.Fatalf("CreateSource: %v", err)
	}
	return &people{t: t, st: st, src: src}
}

// add stores a suspect with the given names, changed by edit if not nil.
func (p *people) add(forename, surname string, edit func(m *pole.Mention)) *pole.Mention {
	p.t.Helper()
	p.n++
	m := &pole.Mention{Force: p.src.Force, RecordID: fmt.Sprintf("P%04d", p.n), Role: pole.RoleSuspect,
		Forename: forename, Surname: surname, NameAsWritten: strings.ToUpper(surname) + ", " + forename,
		Provenance: pole.Provenance{SourceID: p.src.ID, SourceRow: p.n}}
	if edit != nil {
		edit(m)
	}
	if err := p.st.CreateMention(ctx, m); err != nil {
		p.t.Fatalf("CreateMention %s %s: %v", forename, surname, err)
	}
	return m
}

func refreshed(t *testing.T, st *store.Store) *Index {
	t.Helper()
	ix := New(st)
	if _, err := ix.Refresh(ctx); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	return ix
}

func search(t *testing.T, ix *Index, q Query) []Hit {
	t.Helper()
	hits, err := ix.Search(q, now, 20)
	if err != nil {
		t.Fatalf("Search %+v: %v", q, err)
	}
	return hits
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.MentionID
	}
	return out
}

// wantFound fails unless the hits are exactly ms, in any order.
func wantFound(t *testing.T, what string, hits []Hit, ms ...*pole.Mention) {
	t.Helper()
	got := slices.Sorted(slices.Values(ids(hits)))
	var want []string
	for _, m := range ms {
		want = append(want, m.ID)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v\nhits: %+v", what, got, want, hits)
	}
}

func hitOf(hits []Hit, m *pole.Mention) (Hit, bool) {
	i := slices.IndexFunc(hits, func(h Hit) bool { return h.MentionID == m.ID })
	if i < 0 {
		return Hit{}, false
	}
	return hits[i], true
}

func wantReason(t *testing.T, hits []Hit, m *pole.Mention, reason string) {
	t.Helper()
	h, ok := hitOf(hits, m)
	if !ok {
		t.Errorf("%s %s not found, want it with reason %q", m.Forename, m.Surname, reason)
		return
	}
	if !slices.Contains(h.Reasons, reason) {
		t.Errorf("%s %s: reasons %q, want %q among them", m.Forename, m.Surname, h.Reasons, reason)
	}
}

func TestTransliteratedAndSwappedNamesAreFoundWithTheClosestFirst(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		closest := p.add("Muhammad", "Hussain", nil)
		mohd := p.add("Mohd", "HUSSAIN", nil)
		spelt := p.add("Mohammed", "Husain", nil)
		swapped := p.add("Hussein", "Mohammed", nil) // recorded the other way round
		p.add("Mohammed", "Khan", nil)
		p.add("Imran", "Hussain", nil)
		p.add("Jack", "Smith", nil)
		ix := refreshed(t, st)

		hits := search(t, ix, Query{Name: "Muhammad Hussein"})
		wantFound(t, "Muhammad Hussein", hits, closest, mohd, spelt, swapped)
		if len(hits) > 0 && hits[0].MentionID != closest.ID {
			t.Errorf("first hit: got %+v, want Muhammad Hussain", hits[0])
		}
		wantReason(t, hits, mohd, "forename variant (Muhammad ~ Mohd)")
		wantReason(t, hits, mohd, "surname variant (Hussein ~ Hussain)")
		wantReason(t, hits, swapped, "forename and surname swapped")
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("hits out of order: %+v", hits)
			}
		}

		// Written surname first, in either of the ways forces write it.
		for _, name := range []string{"HUSSAIN, Muhammad", "HUSSAIN Muhammad"} {
			hits = search(t, ix, Query{Name: name})
			if len(hits) == 0 || hits[0].MentionID != closest.ID {
				t.Errorf("%s: got %+v, want Muhammad Hussain first", name, hits)
			}
			if h, _ := hitOf(hits, closest); slices.Contains(h.Reasons, "forename and surname swapped") {
				t.Errorf("%s: the surname was written first, not swapped: %q", name, h.Reasons)
			}
		}
	})
}

func TestANicknameFindsTheFullForename(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		mohammed := p.add("Mohammed", "Hussain", nil)
		p.add("Maurice", "Khan", nil) // Mo too, but not a Hussain
		ix := refreshed(t, st)
		hits := search(t, ix, Query{Name: "Mo Hussain"})
		wantFound(t, "Mo Hussain", hits, mohammed)
		wantReason(t, hits, mohammed, "forename variant (Mo ~ Mohammed)")
		wantReason(t, hits, mohammed, "surname matches (Hussain)")
	})
}

func TestTyposAreFoundBySpellingAndSound(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		kowalski := p.add("Aleksander", "Kowalski", nil)
		phillips := p.add("Chloe", "Phillips", nil)
		p.add("Chloe", "Evans", nil)
		ix := refreshed(t, st)

		hits := search(t, ix, Query{Name: "Kowalsky"})
		wantFound(t, "Kowalsky", hits, kowalski)
		wantReason(t, hits, kowalski, "surname spelt alike (Kowalsky ~ Kowalski)")

		hits = search(t, ix, Query{Name: "Chloe Filips"})
		wantFound(t, "Chloe Filips", hits, phillips)
		wantReason(t, hits, phillips, "surname sounds alike (Filips ~ Phillips)")
	})
}

func TestOneWordMatchesAForenameOrASurname(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		surname := p.add("Imran", "Hussain", nil)
		forename := p.add("Hussain", "Ali", nil)
		p.add("Imran", "Khan", nil)
		ix := refreshed(t, st)
		hits := search(t, ix, Query{Name: "hussain"})
		wantFound(t, "hussain", hits, surname, forename)
		wantReason(t, hits, surname, "surname matches (Hussain)")
		wantReason(t, hits, forename, "forename matches (Hussain)")
	})
}

func TestInitialsMatchGivenNamesAlongsideASurname(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		jack := p.add("Jack", "Smith", func(m *pole.Mention) { m.DOB = pole.Date(1990, 4, 5) })
		initial := p.add("J", "Smith", nil)
		p.add("Olivia", "Smith", func(m *pole.Mention) { m.DOB = pole.Date(1990, 4, 5) })
		ix := refreshed(t, st)
		wantFound(t, "J Smith", search(t, ix, Query{Name: "J Smith"}), jack, initial)
		hits := search(t, ix, Query{Name: "Jack Smith"})
		wantFound(t, "Jack Smith", hits, jack, initial)
		if hits[0].MentionID != jack.ID {
			t.Errorf("Jack Smith: got %+v first, want the full name first", hits[0])
		}
		_, err := ix.Search(Query{Name: "J S"}, now, 10)
		wantInvalid(t, err, "name")
		hits = search(t, ix, Query{Name: "J", DOB: pole.Date(1990, 4, 5)})
		wantFound(t, "an initial and a date of birth", hits, jack)
		wantReason(t, hits, jack, "forename initial (J ~ Jack)")
	})
}

func TestMiddleNamesAndHyphenatedSurnamesMatch(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		amy := p.add("Amy", "Smith-Jones", func(m *pole.Mention) { m.MiddleNames = "Louise" })
		jones := p.add("Amy", "Jones", nil)
		ix := refreshed(t, st)
		hits := search(t, ix, Query{Name: "Amy Louise Smith-Jones"})
		wantFound(t, "Amy Louise Smith-Jones", hits, amy, jones)
		if hits[0].MentionID != amy.ID {
			t.Errorf("got %+v first, want Amy Louise Smith-Jones", hits[0])
		}
		wantReason(t, hits, amy, "middle name matches (Louise)")
		wantReason(t, hits, jones, "surname shares a part (Smith-Jones ~ Jones)")
		wantFound(t, "Jones", search(t, ix, Query{Name: "Jones"}), amy, jones)
	})
}

func TestAnAliasMatchesAliasesFirstAndNamesToo(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		bigMo := p.add("Mohammed", "Hussain", func(m *pole.Mention) { m.Aliases = []string{"Big Mo", "Dizzy"} })
		dizzy := p.add("Dizzy", "Evans", nil)
		p.add("Chloe", "Murphy", func(m *pole.Mention) { m.Aliases = []string{"Little Mo"} })
		ix := refreshed(t, st)

		hits := search(t, ix, Query{Alias: "big mo"})
		if len(hits) == 0 || hits[0].MentionID != bigMo.ID {
			t.Fatalf("big mo: got %+v, want Mohammed Hussain first", hits)
		}
		wantReason(t, hits, bigMo, "alias matches (Big Mo)")

		hits = search(t, ix, Query{Alias: "Dizzy"})
		wantFound(t, "Dizzy", hits, bigMo, dizzy)
		if hits[0].MentionID != bigMo.ID {
			t.Errorf("Dizzy: got %+v first, want the alias before the forename", hits[0])
		}
		wantReason(t, hits, dizzy, "forename matches (Dizzy)")

		hits = search(t, ix, Query{Name: "Mohammed Hussain", Alias: "Dizzy"})
		wantFound(t, "a name and an alias", hits, bigMo)
	})
}

func TestVictimsAreNeverIndexedOrFound(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		secret := func(m *pole.Mention) {
			m.Aliases = []string{"Zephyquill"}
			m.DOB = pole.Date(2001, 7, 23)
			m.Phones = []string{"+447700900999"}
			m.Vehicles = []string{"XY51ZZZ"}
			m.Addresses = []pole.Address{{Text: "7 Xylocarp Mews", Postcode: "BD6 3QX"}}
		}
		p.add("Zephyrine", "Vantablackstone", func(m *pole.Mention) { secret(m); m.Role = pole.RoleVictim })
		// A nominal index record names no role: it may be a victim's, and
		// stays sealed until cases show otherwise.
		p.add("Quillon", "Vantablackstone", func(m *pole.Mention) { secret(m); m.Role = pole.RoleOther })
		suspect := p.add("Jack", "Smith", func(m *pole.Mention) { m.DOB = pole.Date(2001, 7, 23) })
		ix := refreshed(t, st)

		if ix.Len() != 1 {
			t.Errorf("Len: got %d, want 1 (the suspect alone)", ix.Len())
		}
		for _, q := range []Query{
			{Name: "Zephyrine Vantablackstone"}, {Name: "Vantablackstone"}, {Name: "Quillon"}, {Alias: "Zephyquill"},
			{Phone: "07700 900999"}, {Vehicle: "XY51 ZZZ"}, {Postcode: "BD6 3QX"}, {Postcode: "BD6"},
		} {
			if hits := search(t, ix, q); len(hits) != 0 {
				t.Errorf("%+v found %+v", q, hits)
			}
		}
		wantFound(t, "date of birth", search(t, ix, Query{DOB: pole.Date(2001, 7, 23)}), suspect)
		for key := range ix.names {
			if strings.Contains(key, "vantablackstone") || strings.Contains(key, "zeph") || strings.Contains(key, "quillon") {
				t.Errorf("a victim's name is in the index: %q", key)
			}
		}

		// A suspect later recorded as a victim leaves the index.
		suspect.Role = pole.RoleVictim
		if err := st.UpdateMention(ctx, suspect); err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if hits := search(t, ix, Query{Name: "Jack Smith"}); len(hits) != 0 || ix.Len() != 0 {
			t.Errorf("after sealing: got %+v and Len %d, want nothing", hits, ix.Len())
		}
	})
}

func TestRefreshPicksUpNewMentionsAndAChangedNameReplacesTheOld(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		jack := p.add("Jack", "Smith", nil)
		p.add("Olivia", "Murphy", nil)
		ix := refreshed(t, st)
		if ix.Len() != 2 {
			t.Fatalf("Len: got %d, want 2", ix.Len())
		}

		later := newPeople(t, st)
		siobhan := later.add("Siobhan", "Kowalski", nil)
		jack.Forename, jack.Surname = "Jacek", "Okonkwo"
		if err := st.UpdateMention(ctx, jack); err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if ix.Len() != 3 {
			t.Errorf("Len after refresh: got %d, want 3", ix.Len())
		}
		wantFound(t, "the new mention", search(t, ix, Query{Name: "Siobhan Kowalski"}), siobhan)
		wantFound(t, "the new name", search(t, ix, Query{Name: "Jacek Okonkwo"}), jack)
		wantFound(t, "the old name", search(t, ix, Query{Name: "Jack Smith"}))

		// Nothing changed: the next refresh leaves the index as it is.
		if _, err := ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := len(ix.cur.Load().docs.ids); got != 4 {
			t.Errorf("docs after an idle refresh: got %d, want 4 (three live, one replaced)", got)
		}
	})
}

func TestDateOfBirthNarrowsNameHitsOrListsPeopleBornThatDay(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		born := func(d pole.PartialDate) func(*pole.Mention) { return func(m *pole.Mention) { m.DOB = d } }
		exact := p.add("Mohammed", "Hussain", born(pole.Date(1981, 3, 12)))
		transposed := p.add("Mohammed", "Hussain", born(pole.Date(1981, 12, 3)))
		yearOnly := p.add("Mohammed", "Hussain", born(pole.YearOnly(1981)))
		newYear := p.add("Mohammed", "Hussain", born(pole.Date(1981, 1, 1)))
		p.add("Mohammed", "Hussain", born(pole.Date(1982, 3, 12)))
		p.add("Mohammed", "Hussain", nil)
		other := p.add("Olivia", "Murphy", born(pole.Date(1981, 3, 12)))
		ix := refreshed(t, st)

		hits := search(t, ix, Query{Name: "Mohammed Hussain", DOB: pole.Date(1981, 3, 12)})
		wantFound(t, "name and date", hits, exact, transposed, yearOnly, newYear)
		if len(hits) > 0 && hits[0].MentionID != exact.ID {
			t.Errorf("first: got %+v, want the exact date", hits[0])
		}
		wantReason(t, hits, exact, "date of birth matches (1981-03-12)")
		wantReason(t, hits, transposed, "date of birth day and month swapped (1981-12-03)")
		wantReason(t, hits, yearOnly, "date of birth agrees as far as recorded (1981)")
		wantReason(t, hits, newYear, "date of birth agrees as far as recorded (1981-01-01)")

		wantFound(t, "date alone", search(t, ix, Query{DOB: pole.Date(1981, 3, 12)}), exact, transposed, yearOnly, newYear, other)
		wantFound(t, "a month", search(t, ix, Query{Name: "Olivia Murphy", DOB: pole.YearMonth(1981, 3)}), other)
		wantFound(t, "another month", search(t, ix, Query{Name: "Olivia Murphy", DOB: pole.YearMonth(1981, 4)}))
	})
}

func TestAgeRangeAloneOrWithAName(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		born := func(d pole.PartialDate) func(*pole.Mention) { return func(m *pole.Mention) { m.DOB = d } }
		forty := p.add("Jack", "Smith", born(pole.Date(1986, 5, 31)))       // 40 on 1 June 2026
		thirtyNine := p.add("Olivia", "Smith", born(pole.Date(1986, 6, 2))) // 39 until tomorrow
		either := p.add("Chloe", "Smith", born(pole.YearOnly(1986)))        // 39 or 40
		sixtySix := p.add("Imran", "Smith", born(pole.Date(1960, 1, 20)))   // 66
		p.add("Abdi", "Smith", nil)                                         // unknown
		ix := refreshed(t, st)

		wantFound(t, "40 to 45", search(t, ix, Query{AgeFrom: 40, AgeTo: 45}), forty, either)
		wantFound(t, "up to 39", search(t, ix, Query{AgeTo: 39}), thirtyNine, either)
		hits := search(t, ix, Query{Name: "Smith", AgeFrom: 40, AgeTo: 40})
		wantFound(t, "Smith aged 40", hits, forty, either)
		wantReason(t, hits, forty, "aged 40 (born 1986-05-31)")
		wantReason(t, hits, either, "aged 39 to 40 (born 1986)")
		if hits[0].MentionID != forty.ID {
			t.Errorf("first: got %+v, want the one surely 40", hits[0])
		}
		wantFound(t, "from 60, no upper bound", search(t, ix, Query{Name: "Smith", AgeFrom: 60}), sixtySix)
	})
}

func TestPhoneVehicleAndPostcodeFindWhatTheyName(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := newPeople(t, st)
		jack := p.add("Jack", "Smith", func(m *pole.Mention) {
			m.Phones = []string{"+447700900123"}
			m.Vehicles = []string{"AB12CDE"}
			m.Addresses = []pole.Address{{Text: "1 Example Street", Postcode: "BD1 1AA"}}
		})
		olivia := p.add("Olivia", "Murphy", func(m *pole.Mention) {
			m.Phones = []string{"+447700900124"}
			m.Addresses = []pole.Address{{Text: "2 Example Road", Postcode: "BD1 1AB"}, {Text: "3 Sample Lane", Postcode: "LS6 2QT"}}
		})
		elsewhere := p.add("Chloe", "Evans", func(m *pole.Mention) {
			m.Addresses = []pole.Address{{Text: "4 Model Row", Postcode: "BD11 1HA"}}
		})
		ix := refreshed(t, st)

		hits := search(t, ix, Query{Phone: "07700 900123"})
		wantFound(t, "phone", hits, jack)
		wantReason(t, hits, jack, "phone +447700900123")
		wantFound(t, "vehicle", search(t, ix, Query{Vehicle: "ab12 cde"}), jack)
		wantFound(t, "postcode", search(t, ix, Query{Postcode: "bd11aa"}), jack)
		hits = search(t, ix, Query{Postcode: "BD1 1"})
		wantFound(t, "sector", hits, jack, olivia)
		wantReason(t, hits, olivia, "postcode BD1 1AB in sector BD1 1")
		wantFound(t, "district", search(t, ix, Query{Postcode: "BD1"}), jack, olivia)
		wantFound(t, "another district", search(t, ix, Query{Postcode: "bd11"}), elsewhere)
		wantFound(t, "a sector written without its space", search(t, ix, Query{Postcode: "BD111"}), elsewhere)
		wantFound(t, "a second address", search(t, ix, Query{Postcode: "LS6 2QT"}), olivia)
		wantFound(t, "a phone and a name that disagree", search(t, ix, Query{Phone: "07700900123", Name: "Olivia"}))
	})
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != field {
		t.Errorf("got %v (code %q, field %q), want invalid %s", err, pole.ErrorCode(err), pole.ErrorField(err), field)
	}
}

func TestAQueryThatCannotBeRunIsInvalidNamingTheField(t *testing.T) {
	ix := New(nil)
	for _, c := range []struct {
		q     Query
		limit int
		field string
	}{
		{Query{}, 10, "name"},
		{Query{Name: "  ,  "}, 10, "name"},
		{Query{Name: "J K"}, 10, "name"},
		{Query{Alias: "- -"}, 10, "alias"},
		{Query{Name: strings.Repeat("a ", 9)}, 10, "name"},
		{Query{DOB: pole.Date(1981, 2, 30)}, 10, "dob"},
		{Query{AgeFrom: -1}, 10, "age_from"},
		{Query{AgeFrom: 40, AgeTo: 30}, 10, "age_to"},
		{Query{Phone: "call me"}, 10, "phone"},
		{Query{Vehicle: "not a plate!"}, 10, "vehicle"},
		{Query{Postcode: "nowhere"}, 10, "postcode"},
		{Query{Name: "Smith"}, 0, "limit"},
	} {
		_, err := ix.Search(c.q, now, c.limit)
		wantInvalid(t, err, c.field)
	}
	if hits, err := ix.Search(Query{Name: "J Smith"}, now, 10); err != nil || len(hits) != 0 {
		t.Errorf("an initial with a surname on an empty index: got %v (%v), want nothing", hits, err)
	}
}

func TestAnEmptyStoreGivesAnEmptyIndex(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		ix := New(st)
		n, err := ix.Refresh(ctx)
		if err != nil || n != 0 || ix.Len() != 0 {
			t.Fatalf("Refresh: read %d, Len %d (%v), want nothing", n, ix.Len(), err)
		}
		wantFound(t, "a name", search(t, ix, Query{Name: "Jack Smith"}))
		p := newPeople(t, st)
		jack := p.add("Jack", "Smith", nil)
		if _, err := ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		wantFound(t, "once stored", search(t, ix, Query{Name: "Jack Smith"}), jack)
	})
}

func each[T any](v ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range v {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// The store seals a nominal index record again when a later export shows
// it to be a victim's, and marks the record changed: the next refresh
// takes it out of the index, as the hourly full read would.
func TestARefreshDropsANominalRecordSealedByALaterExport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		export := func(f func(src *pole.Source) store.Export) {
			t.Helper()
			src := &pole.Source{Force: "west-yorkshire", System: "Niche", FileName: "nominal.csv", Profile: "wy", ReceivedAt: now,
				SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 1, ID: uuid.Must(uuid.NewV7()).String()}
			if _, err := st.LoadExport(ctx, f(src)); err != nil {
				t.Fatal(err)
			}
		}
		c := &pole.Case{ID: uuid.Must(uuid.NewV7()).String(), Force: "west-yorkshire", CrimeRef: "13/00001/11"}
		m := &pole.Mention{ID: uuid.Must(uuid.NewV7()).String(), Force: "west-yorkshire", RecordID: "N1", Role: pole.RoleOther,
			Forename: "Jack", Surname: "Smith"}
		export(func(src *pole.Source) store.Export {
			c.Provenance, m.Provenance = pole.Provenance{SourceID: src.ID, SourceRow: 1}, pole.Provenance{SourceID: src.ID, SourceRow: 2}
			return store.Export{Source: src, Cases: each(c), Mentions: each(m), Involvements: each(&pole.Involvement{
				CaseID: c.ID, MentionID: m.ID, Role: pole.RoleSuspect, Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 3}})}
		})
		ix := refreshed(t, st)
		wantFound(t, "a suspect's nominal record", search(t, ix, Query{Name: "Jack Smith"}), m)

		export(func(src *pole.Source) store.Export {
			return store.Export{Source: src, Involvements: each(&pole.Involvement{
				CaseID: c.ID, MentionID: m.ID, Role: pole.RoleVictim, Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}})}
		})
		if _, err := ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		wantFound(t, "once shown to be a victim's", search(t, ix, Query{Name: "Jack Smith"}))
	})
}
