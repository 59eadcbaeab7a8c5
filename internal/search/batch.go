package search

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// batch is one refresh in progress: the next state, built beside the
// current one, and what publishing it must record.
type batch struct {
	ix        *Index
	next      state
	fromVocab int      // names interned from here on are this batch's
	placed    []placed // mentions given a doc, or removed, since the base was built
	toks      []uint32
	contacts  []uint64
}

type placed struct {
	id  uuid.UUID
	doc int32 // -1: removed
}

func (ix *Index) newBatch() *batch {
	cur := ix.cur.Load()
	b := &batch{ix: ix, next: *cur, fromVocab: len(cur.vocab.strs)}
	// Every other column only grows past what cur sees; the dead marks of
	// its own docs change, so they are copied.
	b.next.dead = slices.Clone(cur.dead)
	return b
}

// rollback forgets the names this batch interned; nothing else it did is
// seen by anyone.
func (b *batch) rollback() {
	for _, k := range b.next.vocab.strs[b.fromVocab:] {
		delete(b.ix.names, k)
	}
}

// add indexes one mention, replacing its earlier entry; a sealed mention
// (a victim's) is not indexed, and loses any entry it had.
func (b *batch) add(m *pole.Mention) error {
	id, err := uuid.Parse(m.ID)
	if err != nil {
		return pole.Errorf(pole.EINTERNAL, "mention id %q: %v", m.ID, err)
	}
	s := &b.next
	old := b.ix.find(s, id)
	if m.Pseudonym != "" {
		if old >= 0 {
			b.kill(old)
			b.place(id, -1)
		}
		return nil
	}
	b.tokensOf(m)
	b.contactsOf(m)
	dob := packDate(m.DOB)
	if old >= 0 && s.docs.dob[old] == dob && slices.Equal(s.docs.names.of(old), b.toks) &&
		slices.Equal(s.docs.contacts.of(old), b.contacts) {
		return nil // read again unchanged
	}
	d := int32(len(s.docs.ids))
	s.docs.ids = append(s.docs.ids, id)
	s.docs.dob = append(s.docs.dob, dob)
	s.docs.names.add(b.toks)
	s.docs.contacts.add(b.contacts)
	s.dead = s.dead.fit(int(d) + 1)
	s.live++
	if old >= 0 {
		b.kill(old)
	}
	b.place(id, d)
	return nil
}

func (b *batch) kill(d int32) {
	b.next.dead.set(d)
	b.next.live--
}

// place records where a mention's entry now is, for find to use after
// publish. Before the first base is built every doc goes into it, and
// nothing need be recorded.
func (b *batch) place(id uuid.UUID, d int32) {
	if b.next.baseN > 0 {
		b.placed = append(b.placed, placed{id, d})
	}
}

func (b *batch) intern(key string) uint32 {
	if id, ok := b.ix.names[key]; ok {
		return id
	}
	v := &b.next.vocab
	key = strings.Clone(key) // not the whole field it was cut from
	id := uint32(len(v.strs))
	b.ix.names[key] = id
	v.strs = append(v.strs, key)
	v.phon = append(v.phon, phonOf(key))
	var g [8]int32
	v.groups.add(appendGroups(g[:0], key))
	v.bucket[key[0]] = append(v.bucket[key[0]], id)
	return id
}

// tokensOf sets b.toks to m's name tokens. Names are split as linkage
// splits them: the first given name is the forename and the rest middle
// names, a forename left empty takes the first middle name, and a
// hyphenated or double-barrelled surname is indexed whole and by part.
func (b *batch) tokensOf(m *pole.Mention) {
	b.toks = b.toks[:0]
	add := func(key string, kind uint32) {
		if t := b.intern(key)<<3 | kind; !slices.Contains(b.toks, t) {
			b.toks = append(b.toks, t)
		}
	}
	given, middles := linkage.WithoutTitles(linkage.NameTokens(m.Forename)), linkage.NameTokens(m.MiddleNames)
	if len(given) == 0 {
		given, middles = linkage.WithoutTitles(middles), nil
	}
	for i, g := range given {
		if i == 0 {
			add(g, kindForename)
		} else {
			add(g, kindMiddle)
		}
	}
	for _, g := range middles {
		add(g, kindMiddle)
	}
	sur := linkage.NameTokens(m.Surname)
	if len(sur) > 0 {
		add(strings.Join(sur, ""), kindSurname)
	}
	if len(sur) > 1 {
		for _, p := range sur {
			add(p, kindSurnamePart)
		}
	}
	for _, a := range m.Aliases {
		words := linkage.NameTokens(a)
		if len(words) > 1 {
			add(strings.Join(words, " "), kindAliasWhole)
		}
		for _, w := range words {
			add(w, kindAlias)
		}
	}
	if len(given) == 0 && len(sur) == 0 {
		for _, w := range linkage.NameTokens(m.NameAsWritten) {
			add(w, kindWritten)
		}
	}
}

// contactsOf sets b.contacts to m's phones, vehicles and postcodes as
// contactKeys, each once.
func (b *batch) contactsOf(m *pole.Mention) {
	b.contacts = b.contacts[:0]
	add := func(k uint64, ok bool) {
		if ok && !slices.Contains(b.contacts, k) {
			b.contacts = append(b.contacts, k)
		}
	}
	for _, p := range m.Phones {
		if e164, err := normalise.Phone(p); err == nil {
			add(phoneKey(e164))
		}
	}
	for _, v := range m.Vehicles {
		add(vehicleKey(v))
	}
	for _, a := range m.Addresses {
		if pc, err := normalise.ParsePostcode(a.Postcode); err == nil {
			add(postcodeKey(pc.Full), true)
		}
	}
}

// packDate packs a date of birth into 32 bits: year<<9 | month<<5 | day,
// 0 for none.
func packDate(d pole.PartialDate) uint32 {
	if d.Year < minYear || d.Year > maxYear || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
		return 0
	}
	return uint32(d.Year)<<9 | uint32(d.Month)<<5 | uint32(d.Day)
}

func unpackDate(p uint32) pole.PartialDate {
	return pole.PartialDate{Year: int(p >> 9), Month: int(p>>5) & 15, Day: int(p & 31)}
}

// today is now as a date, for ages.
func today(now time.Time) pole.PartialDate {
	y, m, d := now.Date()
	return pole.Date(y, int(m), d)
}
