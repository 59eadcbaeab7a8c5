package linkbench

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/pole"
)

func TestFake1000RecordsMapTheirColumns(t *testing.T) {
	d := load(t, "fake_1000")
	for _, tc := range []struct {
		want  linkage.Record
		truth string
	}{
		// 0,Robert,Alan,1971-06-24,,robert255@smith.net,0
		{linkage.Record{Source: "fake_1000", ID: "0", Forename: "Robert", Surname: "Alan", DOB: pole.Date(1971, 6, 24), Email: "robert255@smith.net"}, "0"},
		// 999,Oliver,Bird,2000-01-27,Reading,o.b@smith.net,250
		{linkage.Record{Source: "fake_1000", ID: "999", Forename: "Oliver", Surname: "Bird", DOB: pole.Date(2000, 1, 27), Locality: "Reading", Email: "o.b@smith.net"}, "250"},
	} {
		got, truth := recordOf(t, d, "fake_1000", tc.want.ID)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("record %s (-want +got):\n%s", tc.want.ID, diff)
		}
		if truth != tc.truth {
			t.Errorf("record %s: got truth %q, want %q", tc.want.ID, truth, tc.truth)
		}
	}
}

func TestFake1000RejectsMisreadLinesNamingFileLineAndColumn(t *testing.T) {
	const header = "unique_id,first_name,surname,dob,city,email,cluster\n"
	const good = "0,Robert,Alan,1971-06-24,,robert255@smith.net,0\n"
	for _, tc := range []struct {
		why, text string
		line      int
		column    string
	}{
		{"date not yyyy-mm-dd", header + good + "1,Robert,Allen,24/05/1971,,,0\n", 3, "dob"},
		{"no cluster", header + good + "1,Robert,Allen,1971-05-24,,,\n", 3, "cluster"},
		{"id given twice", header + good + good, 3, "unique_id"},
		{"too few fields", header + good + "1,Robert\n", 3, "row"},
		{"no cluster column", "unique_id,first_name,surname,dob,city,email\n", 1, "header"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			root := writeBench(t, map[string]string{"splink/fake_1000.csv": tc.text})
			_, err := Load(root, "fake_1000")
			wantLineError(t, err, "splink/fake_1000.csv", tc.line, tc.column)
		})
	}
}
