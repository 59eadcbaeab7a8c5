package linkage

// A comparison sorts a pair of records into one of its levels for one field.
// Level 0 is always "null": one side lacks the field, so it says nothing
// either way and weighs zero. Higher levels are weaker agreement, the last
// is disagreement.
type comparison struct {
	name   string
	levels []string
	// tf names the term frequencies that adjust the exact level ("" none).
	tf    string
	level func(p *prepared, i, j int) uint8
	// present reports whether the records carry the field at all.
	present func(p *prepared) bool
}

// maxLevels bounds a comparison's levels so that a pair's levels pack into
// 4 bits each; maxComparisons of them fill a uint64.
const (
	maxLevels      = 16
	maxComparisons = 16
)

// Name comparison levels.
const (
	nameNull uint8 = iota
	nameExact
	nameVariant
	nameJW92
	namePhonetic
	nameOther // forename: matches the other's middle name or an alias; surname: shares a token
	nameSwapped
	nameInitial
	nameElse
)

var nameLevels = []string{"null", "exact", "known variant", "Jaro-Winkler >= 0.92", "phonetic or Jaro-Winkler >= 0.85", "other given name or alias", "forename and surname swapped", "initial", "different"}
var surnameLevels = []string{"null", "exact", "known variant", "Jaro-Winkler >= 0.92", "phonetic or Jaro-Winkler >= 0.85", "shares a surname part", "unused", "initial", "different"}

// Which variant list a comparison consults.
const (
	noVariants = iota
	forenameList
	surnameList
)

// similar grades two name ids without regard to which field they came from.
func (p *prepared) similar(a, b uint32, list int) uint8 {
	if a == b {
		return nameExact
	}
	sa, sb := p.names.strs[a], p.names.strs[b]
	fa, fb := &p.facts[a], &p.facts[b]
	switch list {
	case forenameList:
		if SharesGroup(fa.foreGroups, fb.foreGroups) {
			return nameVariant
		}
	case surnameList:
		if SharesGroup(fa.surGroups, fb.surGroups) {
			return nameVariant
		}
	}
	if fa.initial || fb.initial {
		if fa.first == fb.first {
			return nameInitial
		}
		return nameElse
	}
	jw := JaroWinkler(sa, sb)
	if jw >= 0.92 {
		return nameJW92
	}
	if jw >= 0.85 || fa.phon1 == fb.phon1 && fa.phon1 != 0 || fa.phon1 == fb.phon2 && fa.phon1 != 0 || fa.phon2 == fb.phon1 && fb.phon1 != 0 {
		return namePhonetic
	}
	return nameElse
}

// SharesGroup reports whether two ascending lists of variant group ids
// (as Variants.Groups gives them) share one.
func SharesGroup(x, y []int32) bool { return sharesSorted(x, y) }

// sharesSorted reports whether two ascending lists share a value.
func sharesSorted[T int32 | uint32](x, y []T) bool {
	for len(x) > 0 && len(y) > 0 {
		switch {
		case x[0] == y[0]:
			return true
		case x[0] < y[0]:
			x = x[1:]
		default:
			y = y[1:]
		}
	}
	return false
}

// swapped reports forename and surname written the other way round, as
// happens with names whose order differs by culture ("Aziz Yasmin").
func swapped(p *prepared, i, j int) bool {
	fi, si, fj, sj := p.fore[i], p.sur[i], p.fore[j], p.sur[j]
	if fi == 0 || si == 0 || fj == 0 || sj == 0 {
		return false
	}
	// A near spelling keeps its first letter; checking that first spares
	// two string comparisons for almost every pair.
	f := p.facts
	if f[fi].first != f[sj].first || f[si].first != f[fj].first {
		return false
	}
	return strong(p.similar(fi, sj, noVariants)) && strong(p.similar(si, fj, noVariants))
}

// strong is exact or a near spelling: what a swap must show on both names.
func strong(l uint8) bool { return l == nameExact || l == nameJW92 }

// nameAgreement grades one name field of i and j as far as the field
// alone can: done reports a level final without looking at the other
// fields (missing, exact, a variant, a near spelling, swapped).
func nameAgreement(p *prepared, i, j int, a, b uint32, list int) (l uint8, swap, done bool) {
	if a == 0 || b == 0 {
		return nameNull, false, true
	}
	l = p.similar(a, b, list)
	if l == nameExact || l == nameVariant || l == nameJW92 {
		return l, false, true
	}
	return l, swapped(p, i, j), false
}

func forenameLevel(p *prepared, i, j int) uint8 {
	a, b := p.fore[i], p.fore[j]
	l, swap, done := nameAgreement(p, i, j, a, b, forenameList)
	switch {
	case done:
		return l
	case swap:
		return nameSwapped
	}
	// A forename that is the other's middle name or alias ("George Lucas
	// Robinson" recorded as "Lucas Robinson", "Mohammed 'Mo' Khan").
	if inList(b, p.middle.of(i)) || inList(a, p.middle.of(j)) || inList(a, p.aliases.of(j)) || inList(b, p.aliases.of(i)) {
		return nameOther
	}
	return l
}

// middleLevel compares the first middle names; a middle name that is the
// other's forename is its own level (names shifted between fields).
func middleLevel(p *prepared, i, j int) uint8 {
	mi, mj := p.middle.of(i), p.middle.of(j)
	if len(mi) == 0 || len(mj) == 0 {
		return 0
	}
	switch p.similar(mi[0], mj[0], forenameList) {
	case nameExact:
		return 1
	case nameVariant, nameJW92:
		return 2
	case nameInitial:
		return 3
	}
	if mi[0] == p.fore[j] || mj[0] == p.fore[i] {
		return 4
	}
	return 5
}

func surnameLevel(p *prepared, i, j int) uint8 {
	a, b := p.sur[i], p.sur[j]
	l, swap, done := nameAgreement(p, i, j, a, b, surnameList)
	switch {
	case done:
		return l
	case swap:
		// The forename comparison carries the swap; counting it twice
		// would double its weight.
		return nameNull
	}
	// "Smith-Jones" against "Jones", and "Khan Malik" against "Malik".
	if inList(a, p.surTokens.of(j)) || inList(b, p.surTokens.of(i)) || shareAny(p.surTokens.of(i), p.surTokens.of(j)) {
		return nameOther
	}
	return l
}

func inList(x uint32, l []uint32) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

func shareAny(a, b []uint32) bool {
	for _, x := range a {
		if inList(x, b) {
			return true
		}
	}
	return false
}

// Date of birth levels.
const (
	dobNull uint8 = iota
	dobExact
	dobPartial    // agrees as far as the less precise date goes (year, or year and month)
	dobTransposed // day and month swapped
	dobTwoOfThree // one of day, month and year differs: a slip of one part
	dobYear       // within a year of each other
	dobElse
)

var dobLevels = []string{"null", "exact", "agrees as far as known", "day and month transposed", "one of day, month, year differs", "within a year", "different"}

func dobLevel(p *prepared, i, j int) uint8 {
	yi, yj := p.dobY[i], p.dobY[j]
	if yi == 0 || yj == 0 {
		return dobNull
	}
	mi, mj, di, dj := p.dobM[i], p.dobM[j], p.dobD[i], p.dobD[j]
	// 1 January is what many systems record when only the year is known:
	// against any other day it counts as the year alone.
	if mi == 1 && di == 1 && !(mj == 1 && dj == 1 && yi == yj) {
		mi, di = 0, 0
	}
	if mj == 1 && dj == 1 && !(mi == 1 && di == 1 && yi == yj) {
		mj, dj = 0, 0
	}
	if di == 0 || dj == 0 { // one side partial
		switch {
		case yi != yj:
			if abs(int(yi)-int(yj)) <= 1 {
				return dobYear
			}
			return dobElse
		case mi == 0 || mj == 0 || mi == mj:
			return dobPartial
		default:
			return dobYear
		}
	}
	if yi == yj && mi == mj && di == dj {
		return dobExact
	}
	if yi == yj && mi == dj && di == mj {
		return dobTransposed
	}
	same := 0
	if yi == yj {
		same++
	} else if !oneDigitApart(int(yi), int(yj)) {
		same -= 3 // years far apart are no slip of one part
	}
	if mi == mj {
		same++
	}
	if di == dj {
		same++
	}
	if same == 2 {
		return dobTwoOfThree
	}
	if days := abs(dayNumber(yi, mi, di) - dayNumber(yj, mj, dj)); days <= 366 {
		return dobYear
	}
	return dobElse
}

// oneDigitApart reports years that differ in one digit and by ten at most
// (1981 and 1991, 1981 and 1987): a slip of the pen, not another person's
// age.
func oneDigitApart(a, b int) bool {
	if abs(a-b) > 10 {
		return false
	}
	diff := 0
	for a > 0 || b > 0 {
		if a%10 != b%10 {
			diff++
		}
		a, b = a/10, b/10
	}
	return diff == 1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dayNumber counts days from a fixed origin, close enough for "within a year".
func dayNumber(y int16, m, d uint8) int {
	return int(y)*365 + int(y)/4 + int(m)*31 + int(d)
}

func sexLevel(p *prepared, i, j int) uint8 {
	a, b := p.sex[i], p.sex[j]
	switch {
	case a == 0 || b == 0:
		return 0
	case a == b:
		return 1
	}
	return 2
}

var postcodeLevels = []string{"null", "full postcode", "same sector", "same district", "different"}

func postcodeLevel(p *prepared, i, j int) uint8 {
	a, b := p.pcs.of(i), p.pcs.of(j)
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	best := uint8(4)
	for _, x := range a {
		for _, y := range b {
			switch {
			case x == y:
				return 1
			case p.sectorOf(x) != 0 && p.sectorOf(x) == p.sectorOf(y):
				best = min(best, 2)
			case p.districtOf(x) != 0 && p.districtOf(x) == p.districtOf(y):
				best = min(best, 3)
			}
		}
	}
	return best
}

// setLevel compares two sets of keys: any shared is agreement.
func setLevel(a, b []uint32) uint8 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if shareAny(a, b) {
		return 1
	}
	return 2
}

func exactLevel(a, b uint32) uint8 {
	switch {
	case a == 0 || b == 0:
		return 0
	case a == b:
		return 1
	}
	return 2
}

// fuzzyLevel grades free text such as a street: exact, close, different.
func fuzzyLevel(t *strtab, a, b uint32) uint8 {
	switch {
	case a == 0 || b == 0:
		return 0
	case a == b:
		return 1
	case JaroWinkler(t.strs[a], t.strs[b]) >= 0.88:
		return 2
	}
	return 3
}

// aliasLevel compares aliases as sets against each other and against the
// other record's names.
func aliasLevel(p *prepared, i, j int) uint8 {
	ai, aj := p.aliases.of(i), p.aliases.of(j)
	if len(ai) == 0 && len(aj) == 0 {
		return 0
	}
	if shareAny(ai, aj) || inList(p.fore[j], ai) || inList(p.fore[i], aj) || inList(p.sur[j], ai) || inList(p.sur[i], aj) {
		return 1
	}
	if len(ai) == 0 || len(aj) == 0 {
		return 0 // one side has no aliases: that says nothing
	}
	return 2
}

func emailLevel(p *prepared, i, j int) uint8 {
	a, b := p.email[i], p.email[j]
	switch {
	case a == 0 || b == 0:
		return 0
	case a == b:
		return 1
	}
	sa, sb := p.misc.strs[a], p.misc.strs[b]
	if JaroWinkler(localPart(sa), localPart(sb)) >= 0.88 {
		return 2
	}
	return 3
}

func localPart(s string) string {
	for k := 0; k < len(s); k++ {
		if s[k] == '@' {
			return s[:k]
		}
	}
	return s
}

func listPresent(l func(p *prepared) *list) func(p *prepared) bool {
	return func(p *prepared) bool { return len(l(p).vals) > 0 }
}

func colPresent(c func(p *prepared) []uint32) func(p *prepared) bool {
	return func(p *prepared) bool { return anyNonZero(c(p)) }
}

// allComparisons are the comparisons caselink knows; a model uses those
// whose fields the records carry.
var allComparisons = []comparison{
	{name: "forename", levels: nameLevels, tf: "forename", level: forenameLevel,
		present: colPresent(func(p *prepared) []uint32 { return p.fore })},
	{name: "middle", levels: []string{"null", "exact", "known variant or Jaro-Winkler >= 0.92", "initial", "the other's forename", "different"}, level: middleLevel,
		present: listPresent(func(p *prepared) *list { return &p.middle })},
	{name: "surname", levels: surnameLevels, tf: "surname", level: surnameLevel,
		present: colPresent(func(p *prepared) []uint32 { return p.sur })},
	{name: "dob", levels: dobLevels, level: dobLevel,
		present: func(p *prepared) bool {
			for _, y := range p.dobY {
				if y != 0 {
					return true
				}
			}
			return false
		}},
	{name: "sex", levels: []string{"null", "same", "different"}, level: sexLevel,
		present: func(p *prepared) bool {
			for _, s := range p.sex {
				if s != 0 {
					return true
				}
			}
			return false
		}},
	{name: "postcode", levels: postcodeLevels, level: postcodeLevel,
		present: listPresent(func(p *prepared) *list { return &p.pcs })},
	{name: "premises", levels: []string{"null", "same", "different"},
		level:   func(p *prepared, i, j int) uint8 { return exactLevel(p.premises[i], p.premises[j]) },
		present: colPresent(func(p *prepared) []uint32 { return p.premises })},
	{name: "street", levels: []string{"null", "same", "Jaro-Winkler >= 0.88", "different"},
		level:   func(p *prepared, i, j int) uint8 { return fuzzyLevel(p.misc, p.street[i], p.street[j]) },
		present: colPresent(func(p *prepared) []uint32 { return p.street })},
	{name: "locality", levels: []string{"null", "same", "Jaro-Winkler >= 0.88", "different"},
		level:   func(p *prepared, i, j int) uint8 { return fuzzyLevel(p.misc, p.locality[i], p.locality[j]) },
		present: colPresent(func(p *prepared) []uint32 { return p.locality })},
	{name: "phone", levels: []string{"null", "a number shared", "different"},
		level:   func(p *prepared, i, j int) uint8 { return setLevel(p.phones.of(i), p.phones.of(j)) },
		present: listPresent(func(p *prepared) *list { return &p.phones })},
	{name: "vehicle", levels: []string{"null", "a vehicle shared", "different"},
		level:   func(p *prepared, i, j int) uint8 { return setLevel(p.vehicles.of(i), p.vehicles.of(j)) },
		present: listPresent(func(p *prepared) *list { return &p.vehicles })},
	{name: "email", levels: []string{"null", "same", "same user, Jaro-Winkler >= 0.88", "different"}, level: emailLevel,
		present: colPresent(func(p *prepared) []uint32 { return p.email })},
	{name: "alias", levels: []string{"null", "an alias shared or matching a name", "different"}, level: aliasLevel,
		present: listPresent(func(p *prepared) *list { return &p.aliases })},
	// Associates are known only after a first pass has clustered the
	// records (collective.go); EM never sees them.
	{name: associatesName, levels: []string{"null", "a person in common", "none in common"}, level: associatesLevel,
		present: listPresent(func(p *prepared) *list { return &p.cases })},
}

func comparisonByName(name string) (comparison, bool) {
	for _, c := range allComparisons {
		if c.name == name {
			return c, true
		}
	}
	return comparison{}, false
}
