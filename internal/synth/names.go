package synth

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/reftable"
)

// The name facts are compiled in so that a seed gives the same people on
// every machine; names/SOURCES.md records where each file came from.
//
//go:embed names/*.csv
var nameFiles embed.FS

// Community is a group of people in England and Wales whose names the
// generator draws together, so that a person's forename, surname and
// ethnicity codes agree with one another.
type Community struct {
	Code                   string
	Weight                 float64
	SDE, IC                string // SDE 18+1 and IC codes
	Nationality            string
	Male, Female, Surnames Names
}

// Names is a weighted list of names; Pick draws one by weight in O(log n)
// using cumulative weights.
type Names struct {
	names []string
	cum   []float64 // cum[i] is the sum of the weights of names[0..i]
}

// newNames builds a Names from parallel slices of names and positive weights.
func newNames(names []string, weights []float64) Names {
	n := Names{names: names, cum: make([]float64, len(weights))}
	total := 0.0
	for i, w := range weights {
		total += w
		n.cum[i] = total
	}
	return n
}

// Pick draws a name with probability proportional to its weight. It reads
// exactly one Float64 from r, so a seeded r gives the same sequence of
// names, and allocates nothing. An empty Names gives "".
func (n Names) Pick(r *rand.Rand) string {
	if len(n.names) == 0 {
		return ""
	}
	u := r.Float64() * n.cum[len(n.cum)-1]
	// Find the first cumulative weight above u; written out rather than
	// sort.Search so that no closure can escape and allocate.
	lo, hi := 0, len(n.cum)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if n.cum[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return n.names[lo]
}

// Len returns the number of names.
func (n Names) Len() int { return len(n.names) }

// nameFacts holds the parsed name files.
type nameFacts struct {
	communities   []Community         // sorted by Code
	variantGroup  map[string]string   // lower-cased name -> group id
	variantNames  map[string][]string // group id -> names in file order
	nicknames     map[string][]string // lower-cased formal name -> nicknames
	streetAliases []string
}

// loadedNames parses the embedded files on first use. They are fixed at
// build time, so a malformed row is a defect of this package and panics.
var loadedNames = sync.OnceValue(func() *nameFacts {
	f := &nameFacts{}
	f.loadCommunities()
	f.loadVariants()
	f.loadNicknames()
	for _, row := range reftable.Read(nameFiles, "synth", "names/street_aliases.csv", "alias") {
		f.streetAliases = append(f.streetAliases, row.Fields[0])
	}
	return f
})

// Communities returns every community sorted by Code. The slice is a copy
// the caller may modify.
func Communities() []Community {
	return slices.Clone(loadedNames().communities)
}

// CommunityByCode returns the community with the given code, e.g. "welsh".
func CommunityByCode(code string) (Community, bool) {
	cs := loadedNames().communities
	i, ok := slices.BinarySearchFunc(cs, code, func(c Community, code string) int {
		return strings.Compare(c.Code, code)
	})
	if !ok {
		return Community{}, false
	}
	return cs[i], true
}

// SpellingVariants returns the other spellings of name from variants.csv
// (matched case-insensitively, without the name itself), nil if none.
func SpellingVariants(name string) []string {
	f := loadedNames()
	key := strings.ToLower(name)
	g, ok := f.variantGroup[key]
	if !ok {
		return nil
	}
	var out []string
	for _, v := range f.variantNames[g] {
		if strings.ToLower(v) != key {
			out = append(out, v)
		}
	}
	return out
}

// Nicknames returns the English nicknames of a forename from the
// carltonnorthern list (has_nickname rows, matched case-insensitively,
// returned with the first letter capitalised), nil if none. Only the
// formal-to-nickname direction is used: "Ali" is a nickname of Alison, but
// Alison is not a nickname of Ali.
func Nicknames(forename string) []string {
	return slices.Clone(loadedNames().nicknames[strings.ToLower(forename)])
}

// StreetAliases returns the street names and nicknames that the generator
// gives as aliases. The slice is a copy the caller may modify.
func StreetAliases() []string {
	return slices.Clone(loadedNames().streetAliases)
}

// loadCommunities reads communities.csv with the forenames and surnames of
// each community. The SDE and IC codes are checked against internal/pole by
// the tests, so a change to pole's code lists shows as a failing test.
func (f *nameFacts) loadCommunities() {
	byCode := make(map[string]*Community)
	var order []string
	for _, row := range reftable.Read(nameFiles, "synth", "names/communities.csv", "community", "weight", "sde", "ic", "nationality") {
		row.RequireValues(0, 1, 2, 3, 4)
		w, err := strconv.ParseFloat(row.Fields[1], 64)
		if err != nil || !(w > 0) {
			row.Fail("weight %q is not a positive number", row.Fields[1])
		}
		if !pole.IsNationality(row.Fields[4]) {
			row.Fail("nationality %q is not an ISO 3166-1 alpha-3 code", row.Fields[4])
		}
		code := row.Fields[0]
		if byCode[code] != nil {
			row.Fail("duplicate community %q", code)
		}
		byCode[code] = &Community{Code: code, Weight: w, SDE: row.Fields[2], IC: row.Fields[3], Nationality: row.Fields[4]}
		order = append(order, code)
	}

	// Names are gathered per list first so each Names is built once with
	// its cumulative weights.
	type list struct {
		names   []string
		weights []float64
	}
	lists := make(map[string]*list)
	add := func(row reftable.Row, key, name, weight string) {
		if byCode[row.Fields[0]] == nil {
			row.Fail("unknown community %q", row.Fields[0])
		}
		w, err := strconv.ParseFloat(weight, 64)
		if err != nil || !(w > 0) {
			row.Fail("weight %q is not a positive number", weight)
		}
		l := lists[key]
		if l == nil {
			l = &list{}
			lists[key] = l
		}
		if slices.ContainsFunc(l.names, func(n string) bool { return strings.EqualFold(n, name) }) {
			row.Fail("duplicate name %q in %s", name, key)
		}
		l.names = append(l.names, name)
		l.weights = append(l.weights, w)
	}
	for _, row := range reftable.Read(nameFiles, "synth", "names/forenames.csv", "community", "sex", "name", "weight") {
		row.RequireValues(0, 1, 2, 3)
		if s := row.Fields[1]; s != "M" && s != "F" {
			row.Fail("sex %q is not M or F", s)
		}
		add(row, row.Fields[0]+"/"+row.Fields[1], row.Fields[2], row.Fields[3])
	}
	for _, row := range reftable.Read(nameFiles, "synth", "names/surnames.csv", "community", "name", "weight") {
		row.RequireValues(0, 1, 2)
		add(row, row.Fields[0]+"/S", row.Fields[1], row.Fields[2])
	}

	for _, code := range order {
		c := byCode[code]
		for _, part := range []struct {
			key  string
			dest *Names
		}{{code + "/M", &c.Male}, {code + "/F", &c.Female}, {code + "/S", &c.Surnames}} {
			l := lists[part.key]
			if l == nil {
				// A community without names would make Pick return "" and
				// produce nameless people, so it is a defect of the files.
				panic(fmt.Sprintf("synth: names/communities.csv: community %q has no names for %s", code, part.key))
			}
			*part.dest = newNames(l.names, l.weights)
		}
		f.communities = append(f.communities, *c)
	}
	slices.SortFunc(f.communities, func(a, b Community) int { return strings.Compare(a.Code, b.Code) })
}

func (f *nameFacts) loadVariants() {
	f.variantGroup = make(map[string]string)
	f.variantNames = make(map[string][]string)
	for _, row := range reftable.Read(nameFiles, "synth", "names/variants.csv", "group", "name") {
		row.RequireValues(0, 1)
		g, name := row.Fields[0], row.Fields[1]
		key := strings.ToLower(name)
		// A spelling in two groups would make its variants depend on file
		// order, so each spelling belongs to exactly one.
		if prev, dup := f.variantGroup[key]; dup {
			row.Fail("name %q is already in group %q", name, prev)
		}
		f.variantGroup[key] = g
		f.variantNames[g] = append(f.variantNames[g], name)
	}
	for g, names := range f.variantNames {
		if len(names) < 2 {
			panic(fmt.Sprintf("synth: names/variants.csv: group %q has only one spelling", g))
		}
	}
}

func (f *nameFacts) loadNicknames() {
	const hasNickname = "has_nickname"
	f.nicknames = make(map[string][]string)
	for _, row := range reftable.Read(nameFiles, "synth", "names/nicknames_carltonnorthern.csv", "name1", "relationship", "name2") {
		row.RequireValues(0, 1, 2)
		if row.Fields[1] != hasNickname {
			continue
		}
		key := strings.ToLower(row.Fields[0])
		nick := capitaliseFirst(strings.ToLower(row.Fields[2]))
		if !slices.Contains(f.nicknames[key], nick) {
			f.nicknames[key] = append(f.nicknames[key], nick)
		}
	}
}

// capitaliseFirst upper-cases the first letter only, keeping forms such as
// "mcdonald" readable without guessing at inner capitals.
func capitaliseFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
