package linkage

import (
	"slices"
	"strings"
	"sync"

	"github.com/caselink/caselink/internal/normalise"
)

// strtab interns strings: every distinct value gets a small id, 0 meaning
// missing. Comparisons then test equality on ids and look up per-value facts
// (phonetic codes, frequencies) by id instead of per record.
type strtab struct {
	ids  map[string]uint32
	strs []string
}

func newStrtab() *strtab { return &strtab{ids: map[string]uint32{"": 0}, strs: []string{""}} }

func (t *strtab) id(s string) uint32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := uint32(len(t.strs))
	t.ids[s] = id
	t.strs = append(t.strs, s)
	return id
}

// hashString hashes a string that is not interned (FNV-1a): for blocking
// keys made on the fly, which must not grow a table from several goroutines.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(s); k++ {
		h ^= uint64(s[k])
		h *= 1099511628211
	}
	return h
}

// list holds a variable number of interned values per record, flattened.
type list struct {
	off  []uint32 // values of record i are vals[off[i]:off[i+1]]
	vals []uint32
}

func (l *list) add(vals ...uint32) {
	if len(l.off) == 0 {
		l.off = append(l.off, 0)
	}
	l.vals = append(l.vals, vals...)
	l.off = append(l.off, uint32(len(l.vals)))
}

func (l *list) of(i int) []uint32 {
	if len(l.off) == 0 {
		return nil
	}
	return l.vals[l.off[i]:l.off[i+1]]
}

// nameFacts are what the comparisons need to know about one name key.
type nameFacts struct {
	phon1, phon2 uint32 // Double Metaphone primary and alternate, interned in codes
	first        byte   // first letter
	initial      bool   // the name is a single letter
	// the variant groups of the name as a forename and as a surname,
	// looked up once here instead of for every pair
	foreGroups, surGroups []int32
}

// prepared is a set of records in columns, ready to block and compare. It
// holds ids, not strings, so memory grows with records and distinct values.
type prepared struct {
	n       int
	records []Record // kept for explanations and exports only

	source  []uint32
	sources *strtab
	names   *strtab // forenames, middle names, surnames, aliases and their tokens
	codes   *strtab // phonetic codes
	facts   []nameFacts

	fore, sur []uint32
	middle    list // middle names, one value per name
	surTokens list // tokens of a hyphenated or double-barrelled surname
	aliases   list // whole aliases and their first tokens

	dobY     []int16
	dobM     []uint8
	dobD     []uint8
	sex      []uint8           // 0 missing, 1 M, 2 F
	misc     *strtab           // postcodes, sectors, districts, streets, localities, phones, vehicles, emails
	pcs      list              // postcode ids
	pcRaw    map[string]uint32 // postcode as written -> id
	pcSector []uint32          // by postcode id: its sector's id, 0 if none
	pcDist   []uint32          // by postcode id: its district's id
	premises []uint32
	street   []uint32
	locality []uint32
	phones   list
	vehicles list
	email    []uint32

	// cases each record is in, ascending ids of caseTab.
	cases   list
	caseTab *strtab
	// After a first pass, label is each record's cluster and assoc the
	// clusters of the other records in its cases, ascending; both are nil
	// until then, and the associates comparison is null.
	label []int32
	assoc list

	// term frequencies: how many records carry each value, for names.
	foreCount, surCount []uint32 // indexed by name id
	foreTotal, surTotal uint32

	foreVar, surVar *Variants
}

// sexCode reads M/F in the usual spellings.
func sexCode(s string) uint8 {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "M", "MALE", "1":
		return 1
	case "F", "FEMALE", "2":
		return 2
	}
	return 0
}

// NameTokens splits a name as written into keys, one per word, treating
// hyphens, commas and slashes as word breaks ("Smith-Jones" -> smith,
// jones): as linkage compares names, and as the people search finds them.
func NameTokens(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '-' || r == ' ' || r == '\t' || r == ',' || r == '/'
	})
	out := f[:0]
	for _, w := range f {
		if k := normalise.NameKey(w); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// titles are honorifics written into a forename field ("Dr George").
var titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true,
	"prof": true, "rev": true, "sir": true, "dame": true, "lord": true, "lady": true}

// IsTitle reports whether a name key is an honorific (mr, dr, sir...)
// rather than a name.
func IsTitle(key string) bool { return titles[key] }

// WithoutTitles drops leading titles (Dr, Mrs, Sir...) from given names,
// keeping at least one name: "Dr George" is George, but a man called Sir
// is still Sir.
func WithoutTitles(names []string) []string {
	for len(names) > 1 && titles[names[0]] {
		names = names[1:]
	}
	return names
}

func prepare(records []Record) *prepared {
	p := &prepared{
		names: newStrtab(), codes: newStrtab(), misc: newStrtab(), sources: newStrtab(), caseTab: newStrtab(),
		pcRaw:   map[string]uint32{},
		foreVar: ForenameVariants(), surVar: SurnameVariants(),
	}
	p.add(records)
	return p
}

// add appends records to p: their columns, the facts of names not seen
// before, and their part of the name frequencies.
func (p *prepared) add(records []Record) {
	from := p.n
	p.n += len(records)
	if p.records == nil {
		p.records = slices.Clip(records) // a later add copies, never writes into the caller's array
	} else {
		p.records = append(p.records, records...)
	}
	grow := func(col []uint32) []uint32 { return append(col, make([]uint32, len(records))...) }
	p.source, p.fore, p.sur = grow(p.source), grow(p.fore), grow(p.sur)
	p.premises, p.street, p.locality, p.email = grow(p.premises), grow(p.street), grow(p.locality), grow(p.email)
	p.dobY = append(p.dobY, make([]int16, len(records))...)
	p.dobM = append(p.dobM, make([]uint8, len(records))...)
	p.dobD = append(p.dobD, make([]uint8, len(records))...)
	p.sex = append(p.sex, make([]uint8, len(records))...)
	// Cases are columns of their own: they are interned beside the rest.
	var cases sync.WaitGroup
	cases.Go(func() { p.addCases(records) })
	var buf []uint32
	for k := range records {
		i := from + k
		r := &records[k]
		p.source[i] = p.sources.id(r.Source)
		// A forename field holding several given names keeps the first as
		// the forename and the rest with the middle names; a forename left
		// empty with the name in the middle-name field (a common slip of
		// entry) takes the first middle name.
		given, middles := WithoutTitles(NameTokens(r.Forename)), NameTokens(r.MiddleNames)
		if len(given) == 0 {
			given, middles = WithoutTitles(middles), nil
		}
		buf = buf[:0]
		if len(given) > 0 {
			p.fore[i] = p.names.id(given[0])
			for _, g := range given[1:] {
				buf = append(buf, p.names.id(g))
			}
		}
		for _, m := range middles {
			buf = append(buf, p.names.id(m))
		}
		p.middle.add(buf...)

		sur := NameTokens(r.Surname)
		p.sur[i] = p.names.id(strings.Join(sur, ""))
		buf = buf[:0]
		if len(sur) > 1 {
			for _, s := range sur {
				buf = append(buf, p.names.id(s))
			}
		}
		p.surTokens.add(buf...)

		buf = buf[:0]
		for _, a := range r.Aliases {
			toks := NameTokens(a)
			if len(toks) == 0 {
				continue
			}
			buf = append(buf, p.names.id(strings.Join(toks, " ")))
			if len(toks) > 1 {
				buf = append(buf, p.names.id(toks[0]))
			}
		}
		p.aliases.add(buf...)

		if r.DOB.Year > 0 {
			p.dobY[i], p.dobM[i] = int16(r.DOB.Year), uint8(r.DOB.Month)
			if r.DOB.Month > 0 {
				p.dobD[i] = uint8(r.DOB.Day)
			}
		}
		p.sex[i] = sexCode(r.Sex)

		buf = buf[:0]
		for _, pc := range r.Postcodes {
			if strings.TrimSpace(pc) != "" {
				buf = append(buf, p.postcode(pc))
			}
		}
		p.pcs.add(dedupe(buf)...)
		p.premises[i] = p.misc.id(strings.ToLower(strings.TrimSpace(r.Premises)))
		p.street[i] = p.misc.id(normalise.NameKey(r.Street))
		p.locality[i] = p.misc.id(normalise.NameKey(r.Locality))
		buf = buf[:0]
		for _, ph := range r.Phones {
			if ph = strings.TrimSpace(ph); ph != "" {
				buf = append(buf, p.misc.id("tel:"+ph))
			}
		}
		p.phones.add(dedupe(buf)...)
		buf = buf[:0]
		for _, v := range r.Vehicles {
			if v = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", "")); v != "" {
				buf = append(buf, p.misc.id("vrm:"+v))
			}
		}
		p.vehicles.add(dedupe(buf)...)
		p.email[i] = p.misc.id(strings.ToLower(strings.TrimSpace(r.Email)))
	}
	cases.Wait()
	for id := len(p.facts); id < len(p.names.strs); id++ {
		s := p.names.strs[id]
		if s == "" {
			p.facts = append(p.facts, nameFacts{})
			continue
		}
		a, b := DoubleMetaphone(s)
		p.facts = append(p.facts, nameFacts{phon1: p.codes.id(a), phon2: p.codes.id(b), first: s[0], initial: len(s) == 1,
			foreGroups: p.foreVar.Groups(s), surGroups: p.surVar.Groups(s)})
	}
	for len(p.foreCount) < len(p.names.strs) {
		p.foreCount = append(p.foreCount, 0)
		p.surCount = append(p.surCount, 0)
	}
	for i := from; i < p.n; i++ {
		if p.fore[i] != 0 {
			p.foreCount[p.fore[i]]++
			p.foreTotal++
		}
		if p.sur[i] != 0 {
			p.surCount[p.sur[i]]++
			p.surTotal++
		}
	}
}

// addCases appends the records' cases to p.cases, ascending ids of
// p.caseTab. It touches nothing else of p.
func (p *prepared) addCases(records []Record) {
	var buf []uint32
	last, lastID := "", uint32(0)
	for k := range records {
		buf = buf[:0]
		for _, c := range records[k].Cases {
			// The records of a case mostly come one after another.
			if c != last {
				last, lastID = c, p.caseTab.id(c)
			}
			buf = append(buf, lastID)
		}
		buf = dedupe(buf)
		slices.Sort(buf)
		p.cases.add(buf...)
	}
}

func (p *prepared) sectorOf(pc uint32) uint32 {
	if int(pc) < len(p.pcSector) {
		return p.pcSector[pc]
	}
	return 0
}

func (p *prepared) districtOf(pc uint32) uint32 {
	if int(pc) < len(p.pcDist) {
		return p.pcDist[pc]
	}
	return 0
}

// postcode interns a postcode and, for a UK postcode, its sector and district.
func (p *prepared) postcode(s string) uint32 {
	if id, ok := p.pcRaw[s]; ok {
		return id
	}
	id := p.parsePostcode(s)
	p.pcRaw[s] = id
	return id
}

func (p *prepared) parsePostcode(s string) uint32 {
	pc, err := normalise.ParsePostcode(s)
	if err != nil {
		k := strings.ToUpper(strings.Join(strings.Fields(s), ""))
		return p.misc.id("pc:" + k)
	}
	id := p.misc.id("pc:" + pc.Full)
	if int(id) >= len(p.pcSector) || p.pcSector[id] == 0 {
		sector, district := p.misc.id("sector:"+pc.Sector), p.misc.id("district:"+pc.District)
		for int(id) >= len(p.pcSector) {
			p.pcSector = append(p.pcSector, 0)
			p.pcDist = append(p.pcDist, 0)
		}
		p.pcSector[id], p.pcDist[id] = sector, district
	}
	return id
}

func dedupe(v []uint32) []uint32 {
	out := v[:0]
	for _, x := range v {
		if x == 0 {
			continue
		}
		dup := false
		for _, y := range out {
			if y == x {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

// has reports whether the records carry any value of a field, so that a
// comparison with nothing to compare is left out of the model.
func anyNonZero(v []uint32) bool {
	for _, x := range v {
		if x != 0 {
			return true
		}
	}
	return false
}
