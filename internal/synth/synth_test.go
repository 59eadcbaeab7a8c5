package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func generate(t testing.TB, seed uint64, people int) (string, Summary) {
	t.Helper()
	out := t.TempDir()
	sum, err := Generate(context.Background(), Config{Out: out, Seed: seed, People: people})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return out, sum
}

// shared is one larger data set that the statistical tests read.
var shared = sync.OnceValues(func() (string, error) {
	out, err := os.MkdirTemp("", "caselink-synth-test-")
	if err != nil {
		return "", err
	}
	_, err = Generate(context.Background(), Config{Out: out, Seed: 20261127, People: 20_000})
	return out, err
})

func sharedSet(t *testing.T) string {
	t.Helper()
	out, err := shared()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMain(m *testing.M) {
	code := m.Run()
	if out, err := shared(); err == nil && out != "" {
		os.RemoveAll(out)
	}
	os.Exit(code)
}

func digest(t *testing.T, out string) map[string][32]byte {
	t.Helper()
	sums := map[string][32]byte{}
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		sums[rel] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestSameSeedWritesTheSameBytes(t *testing.T) {
	a, _ := generate(t, 42, 3000)
	b, _ := generate(t, 42, 3000)
	da, db := digest(t, a), digest(t, b)
	if len(da) != len(db) {
		t.Fatalf("file counts differ: %d and %d", len(da), len(db))
	}
	for f, h := range da {
		if db[f] != h {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
	}
}

func TestDifferentSeedsWriteDifferentData(t *testing.T) {
	a, _ := generate(t, 1, 3000)
	b, _ := generate(t, 2, 3000)
	da, db := digest(t, a), digest(t, b)
	for f, h := range da {
		if db[f] == h {
			t.Errorf("%s is the same for seeds 1 and 2", f)
		}
	}
}

func TestGenerateRefusesADirectoryThatHoldsADataSet(t *testing.T) {
	out, _ := generate(t, 1, 100)
	_, err := Generate(context.Background(), Config{Out: out, Seed: 1, People: 100})
	if err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Fatalf("got %v, want a refusal", err)
	}
}

func TestEveryFileSaysItIsSynthetic(t *testing.T) {
	out := sharedSet(t)
	for f := range digest(t, out) {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		if !bytes.Contains(first, []byte("SYNTHETIC DATA")) && !bytes.Contains(first, []byte(`"_synthetic":true`)) {
			t.Errorf("%s: first line %q does not say the data is synthetic", f, first)
		}
	}
}

func TestExportsComeInFiveDistinctFormats(t *testing.T) {
	out := sharedSet(t)
	exportDir := filepath.Join(out, "exports")
	checks := []struct {
		glob  string
		what  string
		check func(b []byte) bool
	}{
		{"*/*_occurrence_nominals.csv", "comma-separated UTF-8 with ISO dates", func(b []byte) bool {
			return utf8.Valid(b) && regexp.MustCompile(`,\d{4}-\d{2}-\d{2},`).Match(b)
		}},
		{"*/*_crime_export.csv", "semicolon-separated Windows-1252 with dd/mm/yyyy dates and one name field", func(b []byte) bool {
			return !utf8.Valid(b) && regexp.MustCompile(`;\d{2}/\d{2}/\d{4};`).Match(b) && regexp.MustCompile(`;[A-Z' -]+, [A-Z]`).Match(b)
		}},
		{"*/*_connect_extract.tsv", "tab-separated with dates like 03 March 1989 and text outcomes", func(b []byte) bool {
			return regexp.MustCompile(`\t\d{2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\t`).Match(b) &&
				bytes.Contains(b, []byte("NFA - EVID DIFF - VICTIM DECLINES"))
		}},
		{"*/*_occurrences.jsonl", "JSON Lines", func(b []byte) bool { return bytes.HasPrefix(b, []byte(`{"_synthetic":true`)) }},
		{"*/*_nominal_index.csv", "a nominal index with two-digit years, beside its case list", func(b []byte) bool {
			return regexp.MustCompile(`,\d{2}-\d{2}-\d{2},`).Match(b)
		}},
	}
	for _, c := range checks {
		files, _ := filepath.Glob(filepath.Join(exportDir, c.glob))
		if len(files) < 2 {
			t.Errorf("%s: %d forces export as %s, want 2", c.glob, len(files), c.what)
			continue
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(b) {
				t.Errorf("%s is not %s", f, c.what)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(exportDir, "south-yorkshire", "sy_occurrences.csv")); err != nil {
		t.Errorf("the nominal-index force has no separate case list: %v", err)
	}
}

func TestTruthAgreesWithTheExports(t *testing.T) {
	out := sharedSet(t)
	rows := readExports(t, out)
	truth := readTruth(t, out, "mentions.csv")
	type key struct{ file, record string }
	inTruth := map[key]string{}
	for _, r := range truth.rows {
		k := key{r[0], r[1]}
		if _, dup := inTruth[k]; dup {
			t.Fatalf("truth lists %s %s twice", r[0], r[1])
		}
		inTruth[k] = r[2]
	}
	records := map[string]bool{}
	seen := map[key]bool{}
	for _, r := range rows {
		k := key{r.file, r.recordID}
		if _, ok := inTruth[k]; !ok {
			t.Fatalf("export record %s %s is not in truth/mentions.csv", r.file, r.recordID)
		}
		seen[k] = true
		records[r.recordID] = true
	}
	if len(seen) != len(inTruth) {
		t.Fatalf("truth lists %d records, the exports hold %d", len(inTruth), len(seen))
	}
	if len(records) != len(seen) {
		t.Fatalf("record ids are not unique across the data set: %d ids for %d records", len(records), len(seen))
	}
	persons := map[string]bool{}
	for _, r := range readTruth(t, out, "persons.csv").rows {
		persons[r[0]] = true
	}
	for k, p := range inTruth {
		if !persons[p] {
			t.Fatalf("record %v names person %s, who is not in truth/persons.csv", k, p)
		}
	}
	refs := map[string]bool{}
	for _, r := range rows {
		refs[r.caseRef] = true
	}
	for _, c := range readTruth(t, out, "cases.csv").rows {
		if !refs[c[1]] {
			t.Fatalf("truth case %s %s is in no export", c[0], c[1])
		}
	}
}

func TestPlantedDefectsAreWhereTruthSaysAndNowhereElse(t *testing.T) {
	out := sharedSet(t)
	defects := readTruth(t, out, "defects.csv")
	if len(defects.rows) < 3 {
		t.Fatalf("got %d planted defects in 20,000 people, want some", len(defects.rows))
	}
	bad := regexp.MustCompile(`^(\d{4}-02-30|31/04/\d{4}|30 February \d{4}|29-02-\d{2}|\d{4}-13-45|X7|Z1|Unknown Code 77|Code 99)$`)
	// A nominal index person appears once per case they are linked to:
	// count each person record once.
	bad2 := map[string]bool{}
	for _, r := range readExports(t, out) {
		if bad.MatchString(r.dob) || bad.MatchString(r.sde) {
			bad2[r.file+"|"+r.recordID] = true
		}
	}
	planted := len(bad2)
	// The JSON layout writes an ethnicity defect as a number, which the
	// test reader does not read as text; count the others.
	jsonEthnicity := 0
	for _, r := range defects.rows {
		if strings.HasSuffix(r[0], ".jsonl") && strings.HasPrefix(r[2], "people.ethnicity") {
			jsonEthnicity++
		}
	}
	if planted != len(defects.rows)-jsonEthnicity {
		t.Fatalf("exports hold %d defective values, truth lists %d (%d in JSON ethnicity)", planted, len(defects.rows), jsonEthnicity)
	}
}

func TestSuspectEthnicityIsMissingForAboutTwoThirdsAndVariesByForce(t *testing.T) {
	out := sharedSet(t)
	total, missing := 0, 0
	byForce := map[string][2]int{}
	for _, r := range readExports(t, out) {
		if r.role != "suspect" {
			continue
		}
		force, _, _ := strings.Cut(r.file, "/")
		c := byForce[force]
		c[0]++
		total++
		if r.sde == "" {
			c[1]++
			missing++
		}
		byForce[force] = c
	}
	share := float64(missing) / float64(total)
	if share < 0.6 || share > 0.74 {
		t.Errorf("suspect ethnicity missing: got %.2f of %d, want about two-thirds (0.60-0.74)", share, total)
	}
	lo, hi := 1.0, 0.0
	for _, c := range byForce {
		s := float64(c[1]) / float64(c[0])
		lo, hi = min(lo, s), max(hi, s)
	}
	if hi-lo < 0.15 {
		t.Errorf("missing ethnicity ranges %.2f-%.2f across forces, want forces to differ by 0.15 or more", lo, hi)
	}
}

func TestVictimsAreChildrenAndVulnerableAsInquiriesFound(t *testing.T) {
	out := sharedSet(t)
	person := map[string]string{}
	for _, r := range readTruth(t, out, "mentions.csv").rows {
		person[r[0]+"|"+r[1]] = r[2]
	}
	type victim struct{ lookedAfter, disability bool }
	victims := map[string]*victim{}
	ages, children := 0, 0
	yearRe := regexp.MustCompile(`(\d{4})`)
	for _, r := range readExports(t, out) {
		if r.role != "victim" {
			continue
		}
		id := person[r.file+"|"+r.recordID]
		v := victims[id]
		if v == nil {
			v = &victim{}
			victims[id] = v
		}
		for _, m := range strings.FieldsFunc(strings.ToLower(r.markers), func(c rune) bool { return c == ';' || c == ',' || c == '|' }) {
			switch strings.TrimSpace(m) {
			case "looked_after", "looked after child", "lac":
				v.lookedAfter = true
			case "disability", "learning_disability", "mental_health", "learning disability", "mental health", "dis", "ld", "mh":
				v.disability = true
			}
		}
		born, from := yearRe.FindString(r.dob), yearRe.FindString(r.from)
		if len(born) == 4 && len(from) == 4 {
			ages++
			age := atoi(from) - atoi(born)
			if age >= 10 && age <= 18 { // a recorded year of birth may be a year out
				children++
			}
		}
	}
	la, dis := 0, 0
	for _, v := range victims {
		if v.lookedAfter {
			la++
		}
		if v.disability {
			dis++
		}
	}
	n := float64(len(victims))
	if s := float64(la) / n; s < 0.42 || s > 0.58 {
		t.Errorf("looked-after victims: got %.2f of %d, want about half", s, len(victims))
	}
	if s := float64(dis) / n; s < 0.34 {
		t.Errorf("disabled victims: got %.2f, want more than a third", s)
	}
	if s := float64(children) / float64(ages); s < 0.97 {
		t.Errorf("victims aged 11-17 at the offence: got %.3f of %d, want nearly all", s, ages)
	}
}

func TestGroupsHaveTwoToFifteenOffendersAndSomeCrossForces(t *testing.T) {
	out := sharedSet(t)
	group := map[string]string{}
	for _, r := range readTruth(t, out, "persons.csv").rows {
		group[r[0]] = r[1]
	}
	person := map[string]string{}
	for _, r := range readTruth(t, out, "mentions.csv").rows {
		person[r[0]+"|"+r[1]] = r[2]
	}
	offenders := map[string]map[string]bool{}
	forces := map[string]map[string]bool{}
	for _, r := range readExports(t, out) {
		id := person[r.file+"|"+r.recordID]
		g := group[id]
		if g == "" {
			continue
		}
		force, _, _ := strings.Cut(r.file, "/")
		if forces[g] == nil {
			forces[g] = map[string]bool{}
		}
		forces[g][force] = true
		if r.role == "suspect" {
			if offenders[g] == nil {
				offenders[g] = map[string]bool{}
			}
			offenders[g][id] = true
		}
	}
	big, crossing := 0, 0
	for g, o := range offenders {
		if len(o) > 15 {
			t.Fatalf("group %s has %d offenders, want at most 15", g, len(o))
		}
		if len(o) >= 6 {
			big++
		}
	}
	for _, f := range forces {
		if len(f) > 1 {
			crossing++
		}
	}
	if big == 0 || crossing < len(forces)/10 {
		t.Errorf("got %d groups of six or more named offenders and %d of %d groups across forces, want some of each", big, crossing, len(forces))
	}
}

func TestClosedTooEarlyCasesCarrySignalsAndDecoysShareTheirWords(t *testing.T) {
	out := sharedSet(t)
	cases := readTruth(t, out, "cases.csv")
	cte := 0
	known := []string{sigVictimBlaming, sigNamedSuspect18, sigNotInterviewed, sigNoVictimAccount, sigRapeDowngraded, sigOutcome21Child, sigVictimCriminalise}
	seen := map[string]int{}
	for _, c := range cases.rows {
		if c[2] == "true" {
			cte++
			if c[3] == "" {
				t.Fatalf("case %s is closed too early with no signal", c[1])
			}
			for _, s := range strings.Split(c[3], "|") {
				if !slices.Contains(known, s) {
					t.Fatalf("case %s: unknown signal %q", c[1], s)
				}
				seen[s]++
			}
		} else if c[3] != "" {
			t.Fatalf("case %s carries signals but is not closed too early", c[1])
		}
	}
	if share := float64(cte) / float64(len(cases.rows)); share < 0.15 || share > 0.45 {
		t.Errorf("closed too early: %.2f of %d cases, want 0.15-0.45", share, len(cases.rows))
	}
	for _, s := range known {
		if seen[s] == 0 {
			t.Errorf("no case carries signal %s", s)
		}
	}
	// A naive keyword search finds innocent cases too.
	b, err := os.ReadFile(filepath.Join(out, "exports", "west-yorkshire", "wy_occurrence_nominals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("did not consent")) && !bytes.Contains(b, []byte("not in a relationship")) {
		t.Error("no decoy: the innocent uses of the signal words are missing")
	}
}

func TestNamesVaryAcrossRecordsOfOnePerson(t *testing.T) {
	out := sharedSet(t)
	person := map[string]string{}
	for _, r := range readTruth(t, out, "mentions.csv").rows {
		person[r[0]+"|"+r[1]] = r[2]
	}
	spellings := map[string]map[string]bool{}
	for _, r := range readExports(t, out) {
		id := person[r.file+"|"+r.recordID]
		if spellings[id] == nil {
			spellings[id] = map[string]bool{}
		}
		spellings[id][strings.ToUpper(r.surname)] = true
	}
	varied := 0
	for _, s := range spellings {
		if len(s) > 1 {
			varied++
		}
	}
	if varied < 100 {
		t.Errorf("got %d people whose surname is written more than one way, want many", varied)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		out := b.TempDir()
		if _, err := Generate(context.Background(), Config{Out: out, Seed: 1, People: 50_000}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(50_000*float64(b.N)/b.Elapsed().Seconds(), "people/s")
}

func TestDecisionsComeAfterTheWorkAndInnocentArrestsAreOfAdults(t *testing.T) {
	out := sharedSet(t)
	cte := map[string]bool{}
	for _, c := range readTruth(t, out, "cases.csv").rows {
		cte[c[1]] = c[2] == "true"
	}
	files, _ := filepath.Glob(filepath.Join(out, "exports", "*", "*.jsonl"))
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(b, []byte("\n"))[1:] {
			if len(line) == 0 {
				continue
			}
			var c struct {
				Ref     string
				Outcome struct{ Date string }
				People  []struct{ Ref, Role, DOB string }
				Events  []struct{ Person, Type, Date string }
			}
			if err := json.Unmarshal(line, &c); err != nil {
				t.Fatal(err)
			}
			born := map[string]string{}
			for _, p := range c.People {
				born[p.Ref] = p.DOB
			}
			for _, e := range c.Events {
				checked++
				switch {
				case e.Type == "charge" && e.Date != c.Outcome.Date:
					t.Fatalf("%s: charged on %s, decided on %s", c.Ref, e.Date, c.Outcome.Date)
				case (e.Type == "suspect_interview" || e.Type == "victim_account" || e.Type == "arrest") && e.Date > c.Outcome.Date:
					t.Fatalf("%s: %s on %s, after the decision of %s", c.Ref, e.Type, e.Date, c.Outcome.Date)
				case e.Type == "victim_arrest" && !cte[c.Ref] && len(born[e.Person]) >= 4 && atoi(e.Date[:4])-atoi(born[e.Person][:4]) < 17:
					t.Fatalf("%s: a victim born %s arrested on %s in a case not closed too early", c.Ref, born[e.Person], e.Date)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no events checked")
	}
}
