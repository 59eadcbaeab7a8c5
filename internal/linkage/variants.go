package linkage

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/reftable"
)

// The name variant lists are compiled in, like the other reference tables;
// names/SOURCES.md records where they came from.
//
//go:embed names/*.csv
var nameFiles embed.FS

// Variants answers whether two name keys are known variants of each other:
// spellings of one name, or a name and its nicknames. The lists hold groups,
// not canonical forms, so each name has its own variants: rob is a variant
// of robert and of robin, but robert and robin are not variants. A Variants
// is built once and is safe for concurrent use.
type Variants struct {
	groups map[string][]int32 // name -> ascending ids of the groups holding it
	n      int
}

// NewVariants builds a Variants from groups of name keys; a group's id is
// its index. Empty names are ignored: an empty field is missing, never a
// variant.
func NewVariants(groups [][]string) *Variants {
	v := &Variants{groups: make(map[string][]int32), n: len(groups)}
	for i, g := range groups {
		id := int32(i)
		for _, name := range g {
			if name == "" {
				continue
			}
			// Ids arrive in ascending order, so every list stays sorted; a
			// name listed twice in a group gets the group once.
			if ids := v.groups[name]; len(ids) == 0 || ids[len(ids)-1] != id {
				v.groups[name] = append(ids, id)
			}
		}
	}
	return v
}

var (
	forenameVariants = sync.OnceValue(func() *Variants {
		return NewVariants(readGroups(nameFiles, "names/forenames.csv"))
	})
	surnameVariants = sync.OnceValue(func() *Variants {
		return NewVariants(readGroups(nameFiles, "names/surnames.csv"))
	})
)

// ForenameVariants returns the compiled-in forename groups: nicknames and
// diminutives, and spellings and transliterations of one forename.
func ForenameVariants() *Variants { return forenameVariants() }

// SurnameVariants returns the compiled-in surname groups: spellings and
// transliterations of one surname.
func SurnameVariants() *Variants { return surnameVariants() }

// Related reports whether a and b share a variant group. Related(x, x) is
// true only if x is in some group; callers test equality themselves first.
// It runs for every candidate pair, so it does not allocate.
func (v *Variants) Related(a, b string) bool {
	return SharesGroup(v.groups[a], v.groups[b])
}

// Groups returns the ids of the groups that contain name, ascending, or nil
// if none does. The slice must not be modified.
func (v *Variants) Groups(name string) []int32 {
	return v.groups[name]
}

// Len returns the number of groups.
func (v *Variants) Len() int {
	return v.n
}

// readGroups reads a variant table: a label and the group's names separated
// by single spaces, the label among them. Every name must be a NameKey key,
// since a name in any other form would silently never match.
func readGroups(fsys fs.FS, path string) [][]string {
	rows := reftable.Read(fsys, "linkage", path, "label", "names")
	groups := make([][]string, 0, len(rows))
	labelLine := make(map[string]int)
	for _, row := range rows {
		row.RequireValues(0, 1)
		label := row.Fields[0]
		if line, dup := labelLine[label]; dup {
			row.Fail("label %q is already used at line %d", label, line)
		}
		labelLine[label] = row.Line
		names := strings.Split(row.Fields[1], " ")
		if len(names) < 2 {
			row.Fail("group %q has one name; a variant needs two", label)
		}
		for i, name := range names {
			switch {
			case name == "":
				row.Fail("group %q has an empty name (two spaces together?)", label)
			case normalise.NameKey(name) != name:
				row.Fail("%q is not a name key; NameKey gives %q", name, normalise.NameKey(name))
			case slices.Contains(names[:i], name):
				row.Fail("group %q lists %q twice", label, name)
			}
		}
		if !slices.Contains(names, label) {
			row.Fail("label %q is not among the group's names", label)
		}
		groups = append(groups, names)
	}
	return groups
}
