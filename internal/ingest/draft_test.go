package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestADraftOfAnExportThatUsesCaselinksCodesChecksCleanAsItStands drafts a
// profile for the comma-separated synthetic export, which writes caselink's
// own codes: as drafted it must read the file with only the planted defects
// kept out.
func TestADraftOfAnExportThatUsesCaselinksCodesChecksCleanAsItStands(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	draftChecksClean(t, out, "west-yorkshire", "wy_occurrence_nominals.csv")
}

// TestADraftOfAJSONLinesExportFindsItsPeopleAndEventsAndChecksClean drafts
// a profile for the JSON Lines export: the arrays of people and events and
// every path the hand-written profile names, reading the file with only the
// planted defects kept out.
func TestADraftOfAJSONLinesExportFindsItsPeopleAndEventsAndChecksClean(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	text := draftChecksClean(t, out, "greater-manchester", "gm_occurrences.jsonl")
	for _, want := range []string{`layout = "json_cases"`, `skip_lines = 1`, `path = "people"`, `path = "events"`, `surname = "name.family"`,
		`postcode = "addresses.0.postcode"`, `decision_maker = "outcome.by"`, `record_id = "person"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the draft lacks %s:\n%s", want, text)
		}
	}
}

// draftChecksClean drafts a profile for one synthetic export and checks the
// export with it as drafted: the only rows kept out must be the planted
// defects, with no warnings and no path that finds nothing. It returns the
// draft.
func draftChecksClean(t *testing.T, out, force, name string) string {
	t.Helper()
	file := filepath.Join(out, "exports", force, name)
	text, err := Draft(file, force)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseProfile("draft.toml", []byte(text))
	if err != nil {
		t.Fatalf("the draft does not load: %v\n%s", err, text)
	}
	rep, err := Check(ctx, p, file, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for k := range plantedDefects(t, out) {
		if k.file == force+"/"+name {
			want++
		}
	}
	if rep.Quarantined != want || len(rep.Warnings) != 0 || len(rep.Unfound) != 0 {
		t.Fatalf("%s drafted: %d rows kept out (want %d), %d warnings, paths found nowhere %v; first problems %+v",
			name, rep.Quarantined, want, len(rep.Warnings), rep.Unfound, rep.Problems[:min(3, len(rep.Problems))])
	}
	return text
}

func TestADraftFindsTheFormatAndListsLabelsToMap(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		force, file string
		want        []string
	}{
		{"lancashire", "lc_crime_export.csv", []string{`delimiter = ";"`, `encoding = "windows-1252"`, `skip_lines = 1`, `"dd/mm/yyyy"`,
			`name = { column = "Name", style = "surname_comma_forenames" }`, `phones = { column = "Telephone", split = "/" }`, `# "Male" = ""`}},
		{"west-midlands", "wm_connect_extract.tsv", []string{`delimiter = "\t"`, `"dd Month yyyy"`, `forenames = "GIVEN_NAMES"`, `offence_codes = { column = "HO_CODES", split = " " }`}},
		{"south-yorkshire", "sy_nominal_index.csv", []string{`layout = "nominal_index"`, `"dd-mm-yy"`, `two_digit_year_pivot = 30`, `# "White British" = ""`}},
		{"south-yorkshire", "sy_occurrence_nominal_links.csv", []string{`layout = "link_table"`, `[link]`}},
	} {
		text, err := Draft(filepath.Join(out, "exports", tc.force, tc.file), tc.force)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the draft lacks %s:\n%s", tc.file, w, text)
			}
		}
		if _, err := ParseProfile(tc.file+".toml", []byte(text)); err != nil {
			t.Errorf("%s: the draft does not load: %v", tc.file, err)
		}
	}
	empty := filepath.Join(t.TempDir(), "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Draft(empty, "lancashire"); err == nil {
		t.Fatal("an empty file: got a draft")
	}
}

// FuzzDraft feeds arbitrary files to Draft: a draft or an error, never a
// panic, and a draft is a profile that parses or names its own problem.
func FuzzDraft(f *testing.F) {
	f.Add([]byte("banner\nRef,Surname,DOB\nC1,SMITH,01/02/1990\n"))
	f.Add([]byte(`{"_synthetic":true}` + "\n" + `{"ref":"C1","people":[{"ref":"P1","name":{"family":"Hall"},"dob":"2001"}],"events":[{"person":"P1","type":"arrest","date":"2010"}]}` + "\n"))
	f.Add([]byte("a;b\n\"x;y\";2\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "x.csv")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		text, err := Draft(file, "lancashire")
		if err != nil {
			return
		}
		if !strings.Contains(text, `force = "lancashire"`) {
			t.Fatalf("a draft without its force:\n%s", text)
		}
	})
}
