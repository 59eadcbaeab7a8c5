package synth

import (
	"io/fs"
	"math"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
)

// wantCommunities are the community codes the generator's offender mixes
// refer to; a missing one would panic deep inside a generation run.
var wantCommunities = []string{
	"afghan", "bangladeshi", "caribbean", "english", "eritrean", "indian", "irish",
	"kurdish", "pakistani", "polish", "romanian", "scottish", "somali", "welsh",
}

func TestNamesCommunitiesAreTheFourteenSortedByCode(t *testing.T) {
	var got []string
	for _, c := range Communities() {
		got = append(got, c.Code)
	}
	if !slices.Equal(got, wantCommunities) {
		t.Errorf("Communities codes: got %q, want %q", got, wantCommunities)
	}
}

func TestNamesEveryCommunityHasEnoughMaleFemaleAndSurnames(t *testing.T) {
	for _, c := range Communities() {
		if n := c.Male.Len(); n < 40 || n > 80 {
			t.Errorf("%s: %d male forenames, want 40 to 80", c.Code, n)
		}
		if n := c.Female.Len(); n < 40 || n > 80 {
			t.Errorf("%s: %d female forenames, want 40 to 80", c.Code, n)
		}
		if n := c.Surnames.Len(); n < 40 || n > 100 {
			t.Errorf("%s: %d surnames, want 40 to 100", c.Code, n)
		}
		if !(c.Weight > 0) {
			t.Errorf("%s: weight %v, want positive", c.Code, c.Weight)
		}
	}
}

func TestCommunitiesHaveValidEthnicityAndNationalityCodes(t *testing.T) {
	for _, c := range Communities() {
		// "Not stated" and "unknown" are valid codes but never the most
		// likely one for a community.
		if e, ok := pole.SelfDefinedEthnicity(c.SDE); !ok || c.SDE == "NS" {
			t.Errorf("%s: SDE %q is not an SDE 18+1 ethnicity (got %+v)", c.Code, c.SDE, e)
		}
		if e, ok := pole.ObservedEthnicity(c.IC); !ok || c.IC == "IC9" {
			t.Errorf("%s: IC %q is not an IC1 to IC6 code (got %+v)", c.Code, c.IC, e)
		}
		if !pole.IsNationality(c.Nationality) {
			t.Errorf("%s: nationality %q is not three capital letters", c.Code, c.Nationality)
		}
	}
}

func TestCommunityByCodeFindsEachAndRejectsUnknown(t *testing.T) {
	for _, code := range wantCommunities {
		c, ok := CommunityByCode(code)
		if !ok || c.Code != code {
			t.Errorf("CommunityByCode(%q): got %q, %v", code, c.Code, ok)
		}
	}
	for _, code := range []string{"", "English", "british", "zz"} {
		if c, ok := CommunityByCode(code); ok {
			t.Errorf("CommunityByCode(%q): got %q, want not found", code, c.Code)
		}
	}
}

func TestCommunitiesReturnsACopy(t *testing.T) {
	cs := Communities()
	cs[0].Code = "changed"
	if Communities()[0].Code == "changed" {
		t.Error("changing the result of Communities changed the package's list")
	}
}

func TestPickFollowsWeights(t *testing.T) {
	weights := []float64{50, 25, 12.5, 10, 2.5}
	names := newNames([]string{"a", "b", "c", "d", "e"}, weights)
	const draws = 100_000
	r := rand.New(rand.NewPCG(1, 2))
	counts := make(map[string]int)
	for range draws {
		counts[names.Pick(r)]++
	}
	// Chi-square with 4 degrees of freedom; 18.47 is the 0.999 quantile, so
	// a correct Pick fails this fixed seed with probability 0.001.
	chi2 := 0.0
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		want := draws * weights[i] / 100
		d := float64(counts[name]) - want
		chi2 += d * d / want
	}
	if chi2 > 18.47 {
		t.Errorf("chi-square %.2f over 4 degrees of freedom, want below 18.47; counts %v", chi2, counts)
	}
}

func TestPickFollowsWeightsOfARealList(t *testing.T) {
	c, ok := CommunityByCode("pakistani")
	if !ok {
		t.Fatal("no pakistani community")
	}
	total := c.Male.cum[len(c.Male.cum)-1]
	want := c.Male.cum[0] / total // share of the first, heaviest name
	const draws = 100_000
	r := rand.New(rand.NewPCG(3, 4))
	hits := 0
	for range draws {
		if c.Male.Pick(r) == c.Male.names[0] {
			hits++
		}
	}
	got := float64(hits) / draws
	// Five standard errors of a binomial share.
	if tol := 5 * math.Sqrt(want*(1-want)/draws); math.Abs(got-want) > tol {
		t.Errorf("%s drawn %.4f of the time, want %.4f ± %.4f", c.Male.names[0], got, want, tol)
	}
}

func TestPickReachesFirstAndLastNamesAndEmptyGivesNothing(t *testing.T) {
	names := newNames([]string{"first", "middle", "last"}, []float64{1, 1, 1})
	r := rand.New(rand.NewPCG(5, 6))
	seen := make(map[string]bool)
	for range 1000 {
		seen[names.Pick(r)] = true
	}
	if len(seen) != 3 {
		t.Errorf("1000 draws from three equal names saw %v", seen)
	}
	if got := (Names{}).Pick(r); got != "" {
		t.Errorf("empty Names Pick: got %q, want \"\"", got)
	}
}

func TestPickIsDeterministicForASeed(t *testing.T) {
	c, _ := CommunityByCode("english")
	draw := func() []string {
		r := rand.New(rand.NewPCG(42, 43))
		var out []string
		for range 200 {
			out = append(out, c.Female.Pick(r), c.Surnames.Pick(r))
		}
		return out
	}
	if a, b := draw(), draw(); !slices.Equal(a, b) {
		t.Error("the same seed gave different names")
	}
}

func TestPickAllocatesNothing(t *testing.T) {
	c, _ := CommunityByCode("polish")
	r := rand.New(rand.NewPCG(7, 8))
	if n := testing.AllocsPerRun(1000, func() { _ = c.Surnames.Pick(r) }); n != 0 {
		t.Errorf("Pick allocates %v times per call, want 0", n)
	}
}

func TestSpellingVariantsOfMuhammadIncludeMohammed(t *testing.T) {
	got := SpellingVariants("Muhammad")
	if !slices.Contains(got, "Mohammed") {
		t.Errorf("SpellingVariants(Muhammad) = %q, want it to include Mohammed", got)
	}
	if slices.Contains(got, "Muhammad") {
		t.Errorf("SpellingVariants(Muhammad) = %q includes the name itself", got)
	}
}

func TestSpellingVariantsMatchCaseInsensitively(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"MUHAMMAD", "Mohammed"},
		{"siobhan", "Siobhán"},
		{"lukasz", "Łukasz"},
		{"ŁUKASZ", "Lukasz"},
		{"o'neill", "O Neill"},
		{"stefan", "Ștefan"},
	} {
		if got := SpellingVariants(tc.name); !slices.Contains(got, tc.want) {
			t.Errorf("SpellingVariants(%q) = %q, want it to include %q", tc.name, got, tc.want)
		}
	}
	if got := SpellingVariants("Zebedee"); got != nil {
		t.Errorf("SpellingVariants(Zebedee) = %q, want nil", got)
	}
}

func TestSpellingVariantsReturnsACopy(t *testing.T) {
	SpellingVariants("Mohammed")[0] = "changed"
	if slices.Contains(SpellingVariants("Mohammed"), "changed") {
		t.Error("changing the result of SpellingVariants changed the package's list")
	}
}

func TestVariantsFileHasAtLeastSixtyGroups(t *testing.T) {
	if n := len(loadedNames().variantNames); n < 60 {
		t.Errorf("%d variant groups, want at least 60", n)
	}
}

func TestNicknamesOfAlexanderIncludeAlex(t *testing.T) {
	got := Nicknames("Alexander")
	if !slices.Contains(got, "Alex") {
		t.Errorf("Nicknames(Alexander) = %q, want it to include Alex", got)
	}
	if got2 := Nicknames("ALEXANDER"); !slices.Equal(got, got2) {
		t.Errorf("Nicknames is case-sensitive: %q vs %q", got, got2)
	}
}

func TestNicknamesOfAliAreNotFormalNamesItShortens(t *testing.T) {
	// The list says alison has_nickname ali; reading it backwards would
	// give a man called Ali the alias Alison.
	for _, n := range Nicknames("Ali") {
		if strings.EqualFold(n, "Alison") || strings.EqualFold(n, "Allison") {
			t.Errorf("Nicknames(Ali) = %q includes a formal name that Ali shortens", Nicknames("Ali"))
		}
	}
	if got := Nicknames("Mohammed"); got != nil {
		t.Errorf("Nicknames(Mohammed) = %q, want nil", got)
	}
}

func TestNicknamesAreCapitalised(t *testing.T) {
	for formal, nicks := range loadedNames().nicknames {
		for _, n := range nicks {
			if r, _ := utf8.DecodeRuneInString(n); r < 'A' || r > 'Z' {
				t.Errorf("nickname %q of %q does not start with a capital letter", n, formal)
			}
		}
	}
}

func TestStreetAliasesAreSixtyToOneHundredTwentyAndACopy(t *testing.T) {
	a := StreetAliases()
	if len(a) < 60 || len(a) > 120 {
		t.Errorf("%d street aliases, want 60 to 120", len(a))
	}
	for _, want := range []string{"Mo", "Kash", "Little Man"} {
		if !slices.Contains(a, want) {
			t.Errorf("street aliases lack %q", want)
		}
	}
	a[0] = "changed"
	if StreetAliases()[0] == "changed" {
		t.Error("changing the result of StreetAliases changed the package's list")
	}
}

func TestNamesHaveNoLeadingOrTrailingSpaces(t *testing.T) {
	check := func(where, s string) {
		if s == "" || s != strings.TrimSpace(s) {
			t.Errorf("%s: name %q is empty or has leading or trailing spaces", where, s)
		}
	}
	for _, c := range Communities() {
		for _, l := range []Names{c.Male, c.Female, c.Surnames} {
			for _, n := range l.names {
				check(c.Code, n)
			}
		}
	}
	for g, names := range loadedNames().variantNames {
		for _, n := range names {
			check("variants "+g, n)
		}
	}
	for _, a := range StreetAliases() {
		check("street aliases", a)
	}
}

func TestNamesFilesAreValidUTF8WithACommentLine(t *testing.T) {
	files, err := fs.Glob(nameFiles, "names/*.csv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded name files: %v", err)
	}
	for _, f := range files {
		data, err := nameFiles.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(data) {
			t.Errorf("%s is not valid UTF-8", f)
		}
		// The third-party nickname list is kept byte for byte as published.
		if path.Base(f) == "nicknames_carltonnorthern.csv" {
			continue
		}
		if !strings.HasPrefix(string(data), "# ") || !strings.Contains(strings.SplitN(string(data), "\n", 2)[0], "synthetic data generator") {
			t.Errorf("%s does not start with a comment line naming the synthetic data generator", f)
		}
	}
}

func TestNamesKeepPolishAndRomanianDiacritics(t *testing.T) {
	for _, tc := range []struct{ community, name string }{
		{"polish", "Łukasz"},
		{"polish", "Wójcik"},
		{"romanian", "Ștefan"},
		{"romanian", "Rădulescu"},
	} {
		c, _ := CommunityByCode(tc.community)
		if !slices.Contains(c.Male.names, tc.name) && !slices.Contains(c.Surnames.names, tc.name) {
			t.Errorf("%s names lack %q", tc.community, tc.name)
		}
	}
}

func BenchmarkPick(b *testing.B) {
	c, _ := CommunityByCode("english")
	r := rand.New(rand.NewPCG(1, 1))
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Female.Pick(r)
	}
}
