package ingest

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/caselink/caselink/internal/synth"
)

// synthSet is one synthetic data set with its profiles, shared by the tests.
var synthSet = sync.OnceValues(func() (string, error) {
	out, err := os.MkdirTemp("", "caselink-ingest-test-")
	if err != nil {
		return "", err
	}
	_, err = synth.Generate(context.Background(), synth.Config{Out: out, Seed: 77, People: 12_000})
	return out, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if out, err := synthSet(); err == nil {
		os.RemoveAll(out)
	}
	os.Exit(code)
}

type fileRow struct {
	file string
	row  int
}

// plantedDefects reads truth/defects.csv: the rows synth made bad on purpose.
func plantedDefects(t *testing.T, out string) map[fileRow]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(out, "truth", "defects.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[fileRow]bool{}
	for _, r := range rows[1:] {
		n, err := strconv.Atoi(r[1])
		if err != nil {
			t.Fatal(err)
		}
		want[fileRow{r[0], n}] = true
	}
	return want
}

// TestEverySyntheticExportChecksCleanApartFromPlantedDefects runs every
// synthetic force's exports through the profiles synth wrote: the only rows
// with problems must be those truth/defects.csv lists.
func TestEverySyntheticExportChecksCleanApartFromPlantedDefects(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	want := plantedDefects(t, out)
	profiles, _ := filepath.Glob(filepath.Join(out, "profiles", "*.toml"))
	if len(profiles) < 13 {
		t.Fatalf("got %d profiles, want one per force and layout", len(profiles))
	}
	got := map[fileRow]bool{}
	checked := 0
	for _, pp := range profiles {
		p, err := LoadProfile(pp)
		if err != nil {
			t.Fatalf("synth's profile does not load: %v", err)
		}
		exports, _ := filepath.Glob(filepath.Join(out, "exports", p.Force, "*"))
		for _, e := range exports {
			if !p.Matches(e) {
				continue
			}
			rep, err := Check(context.Background(), p, e, 2)
			if err != nil {
				t.Fatalf("%s with %s: %v", e, pp, err)
			}
			checked++
			if rep.Rows == 0 || len(rep.Samples) == 0 {
				t.Errorf("%s: %d rows read", e, rep.Rows)
			}
			rel := p.Force + "/" + filepath.Base(e)
			for _, pb := range rep.Problems {
				k := fileRow{rel, pb.Row}
				got[k] = true
				if !want[k] {
					t.Errorf("%s row %d: unplanted problem: %s %q: %s", rel, pb.Row, pb.Field, pb.Value, pb.Reason)
				}
			}
			if len(rep.Unfound) > 0 {
				t.Errorf("%s: the profile's paths %v found nothing", rel, rep.Unfound)
			}
			if len(rep.Warnings) > 0 {
				t.Errorf("%s: %d warnings in clean synthetic data, first %+v", rel, len(rep.Warnings), rep.Warnings[0])
			}
			if len(rep.Repairs) > 0 {
				t.Errorf("%s: %d repairs where the text was never double-decoded, first %+v", rel, len(rep.Repairs), rep.Repairs[0])
			}
		}
	}
	if checked < 16 {
		t.Fatalf("checked %d export files, want every one", checked)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("planted defect at %s row %d was not found", k.file, k.row)
		}
	}
}

func TestCheckReportsAFileThatDoesNotFitTheProfile(t *testing.T) {
	out, err := synthSet()
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(filepath.Join(out, "profiles", "west-yorkshire.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// A Lancashire file has other columns: nothing of it can be read.
	src := filepath.Join(out, "exports", "lancashire", "lc_crime_export.csv")
	dst := filepath.Join(t.TempDir(), "wy_occurrence_nominals.csv")
	b, _ := os.ReadFile(src)
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Check(context.Background(), p, dst, 1)
	if err == nil || !strings.Contains(err.Error(), "names columns the file does not have") {
		t.Fatalf("got %v, want the missing columns named", err)
	}
	_, err = Check(context.Background(), p, src, 1)
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("a file the profile is not for: got %v", err)
	}
}

func TestCheckNamesRowFieldValueAndReason(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "p.toml")
	if err := os.WriteFile(prof, []byte(goodProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	data := "Ref,PersonRef,Role,Surname,DOB,Phones\n" +
		"C1,P1,V,SMITH,01/02/1990,07700 900123\n" +
		"C1,P2,V,JONES,31/02/1990,07700 900124\n" +
		"C2,P3,V,,1985,not a phone\n"
	file := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(prof)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(context.Background(), p, file, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 3 || rep.Quarantined != 2 {
		t.Fatalf("got %d rows, %d quarantined; want 3 and 2", rep.Rows, rep.Quarantined)
	}
	var got []string
	for _, pb := range rep.Problems {
		got = append(got, itoaRow(pb.Row)+" "+pb.Field+" "+pb.Value)
	}
	want := []string{"2 DOB 31/02/1990", "3 Surname "}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("problems: got %q, want %q", got, want)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Value != "not a phone" || rep.Warnings[0].Row != 3 {
		t.Fatalf("warnings: got %+v, want the bad phone of row 3", rep.Warnings)
	}
	first := rep.Samples[0].People[0]
	if first.Surname != "Smith" || first.DOB.String() != "1990-02-01" || first.Phones[0] != "+447700900123" || first.Role != "victim" {
		t.Fatalf("row 1 mapped to %+v", first.Mention)
	}
}

func itoaRow(n int) string { return string(rune('0' + n)) }

// FuzzCheck feeds arbitrary files through a profile: every outcome is a
// report or an error, never a panic, and every problem names its row.
func FuzzCheck(f *testing.F) {
	f.Add([]byte("Ref,PersonRef,Role,Surname,DOB,Phones\nC1,P1,V,SMITH,01/02/1990,07700 900123\n"))
	f.Add([]byte("Ref,PersonRef,Role,Surname,DOB,Phones\nC1,P1\n\"unterminated\n"))
	f.Add([]byte("Ref,PersonRef,Role,Surname,DOB,Phones\nC1,P1,V,SMITHâ€™s,31/02/1990,+44 (0)7700 900123 ext 2\n"))
	p, err := ParseProfile("fuzz.toml", []byte(goodProfile))
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "x.csv")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := Check(context.Background(), p, file, 3)
		if err != nil {
			return
		}
		for _, pb := range rep.Problems {
			if pb.Row < 1 || pb.Row > rep.Rows {
				t.Fatalf("problem at row %d of %d rows", pb.Row, rep.Rows)
			}
		}
	})
}
