package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// Query says what to search by; every field given must match, and a
// field left zero is not asked.
type Query struct {
	// Name is free text: "Mohammed Hussain", "HUSSAIN, Muhammed", "HUSSAIN
	// Mohd", or a single surname or forename.
	Name string
	// Alias is an alias, nickname or street name; it matches aliases
	// first, and names too.
	Alias string
	// DOB matches a date of birth as far as both are known, or with day
	// and month transposed.
	DOB pole.PartialDate
	// AgeFrom and AgeTo bound the age now, inclusive; AgeTo 0 is no upper
	// bound.
	AgeFrom, AgeTo int
	// Phone and Vehicle match exactly once normalised; Postcode matches a
	// full postcode, or every postcode of a sector (BD1 1) or district
	// (BD1).
	Phone, Vehicle, Postcode string
}

// Limits on a query, so that one search cannot hold the index for long.
const (
	maxWords   = 8 // a bit each in the candidate marks
	maxNameLen = 200
	maxAge     = 130
)

// plan is a query read and checked, ready to run.
type plan struct {
	name, alias *nameQuery
	dob         pole.PartialDate
	age         bool
	ageFrom     int
	ageTo       int
	now         pole.PartialDate
	contacts    []contactQuery
}

// contactQuery is a phone, vehicle or postcode asked for: the keys in
// [lo, hi] match.
type contactQuery struct {
	lo, hi uint64
	unit   string // as written in reasons: "BD1", "BD1 1"
	what   string // "phone", "vehicle", "postcode", "sector", "district"
}

// Query roles: which part of a name a word of the query is taken to be.
const (
	roleForename = iota
	roleMiddle
	roleSurname
	roleAny   // the only word of a name
	roleAlias // a word of an alias
)

// nameQuery is a name or alias asked for, split into words.
type nameQuery struct {
	words []word
	// need is how many words that are more than an initial must match:
	// all of one or two, all but one of more, so that a middle name the
	// record lacks does not lose it.
	need int
	// whole is an alias of several words run together as aliases are
	// indexed, to match one whole.
	whole string
	alias bool
}

// word is one word of a name asked for.
type word struct {
	term
	typed   string // as the user wrote it, for reasons
	parts   []term // of a hyphenated word, whose key is its parts run together
	role    int
	initial bool
}

// term is a name key with its phonetic codes and variant groups.
type term struct {
	key    string
	phon   uint32
	groups []int32
}

func newTerm(key string) term {
	return term{key: key, phon: phonOf(key), groups: appendGroups(nil, key)}
}

// parse reads q, naming the first field at fault.
func parse(q Query, now time.Time) (*plan, error) {
	p := &plan{dob: q.DOB, now: today(now)}
	var err error
	if strings.TrimSpace(q.Name) != "" {
		if p.name, err = parseName("name", q.Name, false); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(q.Alias) != "" {
		if p.alias, err = parseName("alias", q.Alias, true); err != nil {
			return nil, err
		}
	}
	if err := q.DOB.Valid(); err != nil {
		return nil, pole.Invalid("dob", "%v", err)
	}
	switch {
	case q.AgeFrom < 0 || q.AgeFrom > maxAge:
		return nil, pole.Invalid("age_from", "%d is not an age in years", q.AgeFrom)
	case q.AgeTo < 0 || q.AgeTo > maxAge:
		return nil, pole.Invalid("age_to", "%d is not an age in years", q.AgeTo)
	case q.AgeTo > 0 && q.AgeTo < q.AgeFrom:
		return nil, pole.Invalid("age_to", "the age range ends (%d) before it starts (%d)", q.AgeTo, q.AgeFrom)
	case q.AgeFrom > 0 || q.AgeTo > 0:
		p.age, p.ageFrom, p.ageTo = true, q.AgeFrom, q.AgeTo
		if p.ageTo == 0 {
			p.ageTo = maxAge
		}
	}
	if strings.TrimSpace(q.Phone) != "" {
		e164, err := normalise.Phone(q.Phone)
		if err != nil {
			return nil, err
		}
		k, ok := phoneKey(e164)
		if !ok {
			return nil, pole.Invalid("phone", "%q is not a phone number", q.Phone)
		}
		p.contacts = append(p.contacts, contactQuery{k, k, e164, "phone"})
	}
	if strings.TrimSpace(q.Vehicle) != "" {
		vrm, err := normalise.VRM(q.Vehicle)
		if err != nil {
			// A foreign or misread mark is stored as written, upper case
			// without spaces: look for that rather than refuse it.
			vrm = strings.ToUpper(strings.Join(strings.Fields(q.Vehicle), ""))
		}
		k, ok := vehicleKey(vrm)
		if !ok {
			return nil, pole.Invalid("vehicle", "%q is not a registration mark: up to 8 letters and digits", q.Vehicle)
		}
		p.contacts = append(p.contacts, contactQuery{k, k, vrm, "vehicle"})
	}
	if strings.TrimSpace(q.Postcode) != "" {
		lo, hi, unit, what, err := postcodeRange(q.Postcode)
		if err != nil {
			return nil, err
		}
		p.contacts = append(p.contacts, contactQuery{lo, hi, unit, what})
	}
	if p.name == nil && p.alias == nil && q.DOB.IsZero() && !p.age && len(p.contacts) == 0 {
		return nil, pole.Invalid("name", "give a name, alias, date of birth, age range, phone, vehicle or postcode to search by")
	}
	// Candidates come from the index of one field; initials have none,
	// since every name starting with the letter would be one.
	if !p.driven() {
		field := "name"
		if p.name == nil {
			field = "alias"
		}
		return nil, pole.Invalid(field, "initials alone match too many people: give a name, or a date of birth, phone, vehicle or postcode with them")
	}
	return p, nil
}

// driven reports whether some field asked can propose candidates.
func (p *plan) driven() bool {
	return !p.dob.IsZero() || p.age || len(p.contacts) > 0 || (p.name != nil && p.name.need > 0) || (p.alias != nil && p.alias.need > 0)
}

// parseName splits a name into words and gives each the part of a name it
// is taken to be. "HUSSAIN, Mohammed Imran" says its surname comes first;
// so does "HUSSAIN Mohammed Imran", a surname in capitals before given
// names that are not; otherwise the first word is the forename and the
// last the surname. Matching tries the other order too, since records
// themselves get names the wrong way round.
func parseName(field, s string, alias bool) (*nameQuery, error) {
	if len(s) > maxNameLen {
		return nil, pole.Invalid(field, "is %d bytes long; at most %d", len(s), maxNameLen)
	}
	if !utf8.ValidString(s) {
		return nil, pole.Invalid(field, "is not valid UTF-8")
	}
	surnameFirst := false
	var before, after []string
	if i := strings.IndexByte(s, ','); i >= 0 && !alias {
		before, after = strings.Fields(s[:i]), strings.Fields(strings.ReplaceAll(s[i+1:], ",", " "))
		surnameFirst = len(before) > 0 && len(after) > 0
	} else {
		after = strings.Fields(strings.ReplaceAll(s, ",", " "))
	}
	nq := &nameQuery{alias: alias}
	add := func(typed string) {
		parts := linkage.NameTokens(typed)
		if len(parts) == 0 {
			return
		}
		w := word{term: newTerm(strings.Join(parts, "")), typed: typed}
		if len(parts) > 1 {
			for _, p := range parts {
				w.parts = append(w.parts, newTerm(p))
			}
		}
		w.initial = utf8.RuneCountInString(w.key) == 1
		nq.words = append(nq.words, w)
	}
	for _, t := range before {
		add(t)
	}
	nBefore := len(nq.words)
	if !alias {
		after = dropTitles(after)
	}
	for _, t := range after {
		add(t)
	}
	words := nq.words
	switch {
	case len(words) == 0:
		return nil, pole.Invalid(field, "%q has no letters to search by", s)
	case len(words) > maxWords:
		return nil, pole.Invalid(field, "has %d words; at most %d", len(words), maxWords)
	}
	if !surnameFirst && !alias && len(words) > 1 && capitalsFirst(words) {
		surnameFirst, nBefore = true, 1
	}
	if !surnameFirst {
		nBefore = 0
	}
	for i := range words {
		w := &words[i]
		switch {
		case alias:
			w.role = roleAlias
		case len(words) == 1:
			w.role = roleAny
		case surnameFirst && i < nBefore:
			w.role = roleSurname
		case surnameFirst && i == nBefore:
			w.role = roleForename
		case surnameFirst:
			w.role = roleMiddle
		case i == 0:
			w.role = roleForename
		case i == len(words)-1:
			w.role = roleSurname
		default:
			w.role = roleMiddle
		}
	}
	full := 0
	for _, w := range words {
		if !w.initial {
			full++
		}
	}
	nq.need = full
	if full > 2 {
		nq.need = full - 1
	}
	if toks := linkage.NameTokens(s); alias && len(toks) > 1 {
		nq.whole = strings.Join(toks, " ") // as aliases are indexed
	}
	return nq, nil
}

// dropTitles drops leading titles ("Dr", "Mr.") from the words of a name,
// keeping at least one word.
func dropTitles(words []string) []string {
	for len(words) > 1 && linkage.IsTitle(normalise.NameKey(words[0])) {
		words = words[1:]
	}
	return words
}

// capitalsFirst reports whether a name is written SURNAME Forename: its
// first word in capitals and some other word not.
func capitalsFirst(words []word) bool {
	if !allCaps(words[0].typed) || utf8.RuneCountInString(words[0].typed) < 2 {
		return false
	}
	for _, w := range words[1:] {
		if !allCaps(w.typed) {
			return true
		}
	}
	return false
}

// allCaps reports whether s has letters and no lower-case ones.
func allCaps(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}
