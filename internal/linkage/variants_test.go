package linkage

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/caselink/caselink/internal/normalise"
)

type variantPair struct {
	a, b string
	want bool
}

func checkRelated(t *testing.T, v *Variants, pairs []variantPair) {
	t.Helper()
	for _, p := range pairs {
		if got := v.Related(p.a, p.b); got != p.want {
			t.Errorf("Related(%q, %q) = %v, want %v", p.a, p.b, got, p.want)
		}
		if got := v.Related(p.b, p.a); got != p.want {
			t.Errorf("Related(%q, %q) = %v, want %v", p.b, p.a, got, p.want)
		}
	}
}

func TestForenameVariantsRelateSpellingsAndNicknames(t *testing.T) {
	checkRelated(t, ForenameVariants(), []variantPair{
		{"mohammed", "muhammad", true},
		{"mohammed", "mohamed", true},
		{"mohammed", "mohd", true},
		{"mohammed", "md", true},
		{"mohammed", "maxamed", true}, // Somali spelling
		{"ahmed", "ahmet", true},
		{"hussain", "hussein", true},
		{"yusuf", "yousaf", true},
		{"usman", "osman", true},
		{"omar", "umar", true},
		{"tariq", "tarek", true},
		{"zubair", "jubair", true}, // Bengali j for z
		{"william", "bill", true},
		{"william", "liam", true},
		{"elizabeth", "betty", true},
		{"margaret", "peggy", true},
		{"richard", "dick", true},
		{"james", "jim", true},
		{"john", "jack", true},
		{"katherine", "catherine", true},
		{"catherine", "cath", true},
		{"sean", "shaun", true},
		{"siobhan", "shevaun", true},
		{"alexander", "aleksandr", true},
		{"alexander", "oleksandr", true},
		{"sergei", "serhiy", true},
		{"yuri", "iurii", true},
		{"jakub", "kuba", true},
		{"harjit", "harjeet", true},
	})
}

func TestForenameVariantsShareADiminutiveWithoutJoiningItsNames(t *testing.T) {
	// A short form can belong to several names; the names stay apart.
	checkRelated(t, ForenameVariants(), []variantPair{
		{"rob", "robin", true},
		{"rob", "robert", true},
		{"robin", "robert", false},
		{"mo", "mohammed", true},
		{"mo", "maurice", true},
		{"mohammed", "maurice", false},
		{"sam", "samuel", true},
		{"sam", "samantha", true},
		{"samuel", "samantha", false},
		{"jo", "joanne", true},
		{"jo", "josephine", true},
		{"jo", "joseph", true},
		{"joanne", "josephine", false},
		{"joanne", "joseph", false},
		{"josephine", "joseph", false},
		{"alex", "alexander", true},
		{"alex", "alexandra", true},
		{"alexander", "alexandra", false},
		{"chris", "christopher", true},
		{"chris", "christine", true},
		{"christopher", "christine", false},
	})
}

func TestForenameVariantsKeepDifferentNamesApart(t *testing.T) {
	checkRelated(t, ForenameVariants(), []variantPair{
		{"ali", "alison", false}, // Ali is not short for Alison here
		{"ali", "alistair", false},
		{"ali", "alice", false},
		{"ali", "aly", true},
		{"joseph", "yusuf", false}, // cognates, not spellings of one name
		{"sajid", "sajjad", false},
		{"mohamud", "mohammed", false}, // Somali Mohamud is Mahmud
		{"mohamud", "mahmood", true},
		{"francis", "frances", false},
	})
}

func TestSurnameVariantsRelateSpellings(t *testing.T) {
	checkRelated(t, SurnameVariants(), []variantPair{
		{"hussain", "hussein", true},
		{"hussain", "hossain", true},
		{"khan", "khaan", true},
		{"ahmed", "ahmad", true},
		{"mahmood", "mehmood", true},
		{"chaudhry", "chowdhury", true},
		{"qureshi", "kureshi", true},
		{"rehman", "rahman", true},
		{"rehman", "urrehman", true},
		{"mohammed", "muhammad", true},
		{"oneill", "oneil", true},
		{"macdonald", "mcdonald", true},
		{"smith", "smyth", true},
		{"thompson", "thomson", true},
	})
}

func TestSurnameVariantsKeepDifferentNamesApart(t *testing.T) {
	checkRelated(t, SurnameVariants(), []variantPair{
		{"shah", "shaw", false},
		{"butt", "bhatt", false},
		{"khan", "kahn", false},
		{"siddiqui", "sadiqi", false},
		{"mohammed", "mahmood", false},
	})
}

func TestUnknownNamesAreNotVariants(t *testing.T) {
	v := ForenameVariants()
	checkRelated(t, v, []variantPair{
		{"robert", "robert", true},
		{"qzxw", "qzxw", false}, // a name in no group is not even its own variant
		{"qzxw", "robert", false},
		{"", "", false},
		{"", "robert", false},
	})
	if got := v.Groups("qzxw"); got != nil {
		t.Errorf("Groups(%q) = %v, want nil", "qzxw", got)
	}
}

func TestNewVariantsGivesEachNameItsGroupsOnceInOrder(t *testing.T) {
	v := NewVariants([][]string{
		{"robert", "rob", "bob", "rob"},
		{"robin", "rob", ""},
		{"albert", "bert"},
		{"bert", "robert"},
	})
	if got := v.Len(); got != 4 {
		t.Errorf("Len() = %d, want 4", got)
	}
	for name, want := range map[string][]int32{"rob": {0, 1}, "robert": {0, 3}, "bert": {2, 3}, "robin": {1}} {
		if got := v.Groups(name); !slices.Equal(got, want) {
			t.Errorf("Groups(%q) = %v, want %v", name, got, want)
		}
	}
	checkRelated(t, v, []variantPair{
		{"robin", "rob", true},
		{"robin", "bob", false},
		{"albert", "robert", false},
		{"", "rob", false},
	})
}

func TestRelatedDoesNotAllocate(t *testing.T) {
	v := ForenameVariants()
	if n := testing.AllocsPerRun(100, func() {
		v.Related("mohammed", "muhammad")
		v.Related("robin", "robert")
		v.Related("qzxw", "robert")
	}); n != 0 {
		t.Errorf("Related allocates %v times a run, want 0", n)
	}
}

func TestEmbeddedNameListsAreWellFormed(t *testing.T) {
	for _, tc := range []struct {
		path      string
		minGroups int
	}{
		{"names/forenames.csv", 500},
		{"names/surnames.csv", 200},
	} {
		groups := readGroups(nameFiles, tc.path)
		if len(groups) < tc.minGroups {
			t.Errorf("%s: %d groups, want at least %d", tc.path, len(groups), tc.minGroups)
		}
		for _, g := range groups {
			if len(g) < 2 {
				t.Errorf("%s: group %q has fewer than two names", tc.path, g)
			}
			for i, name := range g {
				if key := normalise.NameKey(name); key != name {
					t.Errorf("%s: %q is not a name key: NameKey gives %q", tc.path, name, key)
				}
				if slices.Contains(g[:i], name) {
					t.Errorf("%s: group %q lists %q twice", tc.path, g[0], name)
				}
			}
		}
		// A group within another relates no pair the larger one does not:
		// it is a duplicate line or a group that lost its distinct names.
		for i, g := range groups {
			for j, h := range groups {
				if i != j && len(g) <= len(h) && !slices.ContainsFunc(g, func(n string) bool { return !slices.Contains(h, n) }) {
					t.Errorf("%s: group %q lies within group %q", tc.path, g[0], h[0])
				}
			}
		}
	}
}

func TestReadGroupsPanicsNamingTheBadLine(t *testing.T) {
	for _, tc := range []struct{ row, want string }{
		{"robert,Robert rob", `"Robert" is not a name key`},
		{"oneill,oneill o'neill", `"o'neill" is not a name key`},
		{"robert,robert", "has one name"},
		{"robert,robert rob rob", `lists "rob" twice`},
		{"robert,robert  rob", "empty name"},
		{"robert,rob bob", `label "robert" is not among`},
		{"robin,robin rob", `label "robin" is already used at line 3`},
	} {
		data := "# variants\nlabel,names\nrobin,robin robyn\n" + tc.row + "\n"
		got := panicMessage(func() { readGroups(fstest.MapFS{"t.csv": {Data: []byte(data)}}, "t.csv") })
		if !strings.HasPrefix(got, "linkage: t.csv:4: ") || !strings.Contains(got, tc.want) {
			t.Errorf("row %q: panic %q, want it to name t.csv:4 and say %q", tc.row, got, tc.want)
		}
	}
}

func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
		}
	}()
	f()
	return ""
}

func BenchmarkVariantsRelated(b *testing.B) {
	v := ForenameVariants()
	pairs := [][2]string{
		{"mohammed", "muhammad"},
		{"robin", "robert"},
		{"rob", "robert"},
		{"william", "liam"},
		{"ali", "alison"},
		{"katherine", "kathy"},
		{"qzxw", "robert"},
		{"samuel", "samantha"},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pairs[i%len(pairs)]
		v.Related(p[0], p[1])
		i++
	}
}
