package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/caselink/caselink/internal/store/storetest"
)

// onsDir holds the ONS working-linkage files, beside the repository.
func onsFile(t *testing.T, side string) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "benchmarks", "linkage", "ons", "working_data_"+side+".csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("ONS benchmark files not found beside the repository: %v", err)
	}
	return path
}

func TestONSFilesReadAsNominalIndexesWithTheirMixedDatesAndPostcodes(t *testing.T) {
	for _, tc := range []struct {
		side         string
		rows, reject int
		// Records with their date of birth and postcode as written, and as read.
		want map[string][2]string
	}{
		{"a", 14934, 21, map[string][2]string{
			"BD111HA_1":  {"1992-03-05", "BD11 1HA"}, // 05/03/92, Bd111Ha
			"BD111HA_10": {"1989-03-03", "BD11 1HA"}, // 03 March 1989
		}},
		{"b", 7434, 6, map[string][2]string{
			"BD111HA_10":  {"1989-03-03", "BD11 1HA"}, // 03/03/89
			"BD111HA_100": {"1985-01-05", "BD11 1HA"}, // 05-01-85, "BD11 1HA"
			"BD111HA_101": {"1992-03-03", "BD11 1HA"}, // 03/03/92, bd111ha
			"BD111HA_102": {"1983-03-08", "BD11 1HA"}, // 08-Mar-83, Bd111Ha
		}},
	} {
		p, err := LoadProfile(filepath.Join("testdata", "ons_"+tc.side+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Check(context.Background(), p, onsFile(t, tc.side), 20_000)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != tc.rows || rep.Quarantined != tc.reject {
			t.Errorf("file %s: got %d rows and %d rejected, want %d and %d (the rows with no name at all)", tc.side, rep.Rows, rep.Quarantined, tc.rows, tc.reject)
		}
		for _, pb := range rep.Problems {
			if pb.Field != "surname_"+tc.side {
				t.Errorf("file %s row %d: unexpected problem %s %q: %s", tc.side, pb.Row, pb.Field, pb.Value, pb.Reason)
			}
		}
		found := 0
		for _, s := range rep.Samples {
			for _, pr := range s.People {
				w, ok := tc.want[pr.RecordID]
				if !ok {
					continue
				}
				found++
				if pr.DOB.String() != w[0] || len(pr.Addresses) != 1 || pr.Addresses[0].Postcode != w[1] {
					t.Errorf("file %s %s: got %s %+v, want %s %s", tc.side, pr.RecordID, pr.DOB, pr.Addresses, w[0], w[1])
				}
			}
		}
		if found != len(tc.want) {
			t.Errorf("file %s: found %d of the %d records checked", tc.side, found, len(tc.want))
		}
	}
}

func TestONSFilesIngestAsNominalIndexes(t *testing.T) {
	s := storetest.SQLite(t)
	for _, tc := range []struct {
		side           string
		stored, reject int
	}{{"a", 14913, 21}, {"b", 7428, 6}} {
		p, err := LoadProfile(filepath.Join("testdata", "ons_"+tc.side+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Ingest(context.Background(), s, p, onsFile(t, tc.side), Options{LoadedBy: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Counts.Mentions != tc.stored || rep.Quarantined != tc.reject || rep.Warnings == 0 {
			t.Fatalf("file %s: %d stored, %d quarantined, %d warnings; want %d, %d and the partial postcodes warned", tc.side, rep.Counts.Mentions, rep.Quarantined, rep.Warnings, tc.stored, tc.reject)
		}
		notes, err := s.FindIngestNotes(context.Background(), rep.Source.ID)
		if err != nil || len(notes) != rep.Warnings || notes[0].Kind != "warning" || notes[0].Value == "" {
			t.Fatalf("file %s: notes %d (%v), want the %d warnings with their values", tc.side, len(notes), err, rep.Warnings)
		}
	}
}
