package linkbench

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

func TestONSRecordsReadEveryDateSexAndPostcodeForm(t *testing.T) {
	d := load(t, "ons")
	bd11 := []string{"BD11 1HA"}
	for _, tc := range []struct {
		want  linkage.Record
		truth string
	}{
		// BD111HA_1,Lena,,Evans,2,Bd111Ha,A0,05/03/92, (no row of B)
		{linkage.Record{Source: "ons_a", ID: "BD111HA_1", Forename: "Lena", Surname: "Evans", Sex: "F", Postcodes: bd11, DOB: pole.Date(1992, 3, 5)}, "A0"},
		// BD111HA_10,GEORGE,LUCAS,ROBINSON,1,BD111HA,A1,03 March 1989,B0
		{linkage.Record{Source: "ons_a", ID: "BD111HA_10", Forename: "GEORGE", MiddleNames: "LUCAS", Surname: "ROBINSON", Sex: "M", Postcodes: bd11, DOB: pole.Date(1989, 3, 3)}, "A1"},
		// BD111HA_10,GEORGE,LUCAS,ROBINSON,M,BD111HA,B0,03/03/89,A1
		{linkage.Record{Source: "ons_b", ID: "BD111HA_10", Forename: "GEORGE", MiddleNames: "LUCAS", Surname: "ROBINSON", Sex: "M", Postcodes: bd11, DOB: pole.Date(1989, 3, 3)}, "A1"},
		// BD111HA_100,LUCIE,LYLA,ROBINSON,F,BD11 1HA,B1,05-01-85,A2
		{linkage.Record{Source: "ons_b", ID: "BD111HA_100", Forename: "LUCIE", MiddleNames: "LYLA", Surname: "ROBINSON", Sex: "F", Postcodes: bd11, DOB: pole.Date(1985, 1, 5)}, "A2"},
		// BD111HA_102,Lucas,George,Murray,1,Bd111Ha,B3,08-Mar-83,A4
		{linkage.Record{Source: "ons_b", ID: "BD111HA_102", Forename: "Lucas", MiddleNames: "George", Surname: "Murray", Sex: "M", Postcodes: bd11, DOB: pole.Date(1983, 3, 8)}, "A4"},
		// LS141JS_76,Maddison,,Harrison,2,",S",A8261,08 March 1993,
		{linkage.Record{Source: "ons_a", ID: "LS141JS_76", Forename: "Maddison", Surname: "Harrison", Sex: "F", Postcodes: []string{",S"}, DOB: pole.Date(1993, 3, 8)}, "A8261"},
		// HG13LU_83,Hope,Esme,Collins,F,Hg13Lu,A4601,01-Jul-84,
		{linkage.Record{Source: "ons_a", ID: "HG13LU_83", Forename: "Hope", MiddleNames: "Esme", Surname: "Collins", Sex: "F", Postcodes: []string{"HG1 3LU"}, DOB: pole.Date(1984, 7, 1)}, "A4601"},
		// WF82ND_95,LUCIE,THEA,CHATHAM,Female,WF82ND,A13526,01-Jun-86,
		{linkage.Record{Source: "ons_a", ID: "WF82ND_95", Forename: "LUCIE", MiddleNames: "THEA", Surname: "CHATHAM", Sex: "F", Postcodes: []string{"WF8 2ND"}, DOB: pole.Date(1986, 6, 1)}, "A13526"},
	} {
		got, truth := recordOf(t, d, tc.want.Source, tc.want.ID)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.want.Source, tc.want.ID, diff)
		}
		if truth != tc.truth {
			t.Errorf("%s %s: got truth %q, want %q", tc.want.Source, tc.want.ID, truth, tc.truth)
		}
	}
}

func TestONSKeepsRowsWithMissingValuesAndPostcodesThatAreNotUK(t *testing.T) {
	d := load(t, "ons")
	type counts struct{ noDOB, noSex, noPostcode, notUK int }
	got := map[string]*counts{"ons_a": {}, "ons_b": {}}
	for _, r := range d.Records {
		c := got[r.Source]
		if r.DOB.IsZero() {
			c.noDOB++
		}
		if r.Sex == "" {
			c.noSex++
		}
		if len(r.Postcodes) == 0 {
			c.noPostcode++
		} else if _, err := normalise.ParsePostcode(r.Postcodes[0]); err != nil {
			c.notUK++
		}
	}
	// Postcodes that are no UK postcode ("BD2O8", "HG58;H", ",S") are typos
	// planted in the exercise, kept upper-cased without spaces.
	want := map[string]counts{"ons_a": {21, 19, 81, 107}, "ons_b": {5, 6, 30, 50}}
	for s, w := range want {
		if *got[s] != w {
			t.Errorf("%s: got %+v, want %+v", s, *got[s], w)
		}
	}
}

const (
	onsHeaderA = "id_a,firstname_a,middlename_a,surname_a,sex_a,postcode_a,ident_a,dob_a,ident_b\r\n"
	onsHeaderB = "id_b,firstname_b,middlename_b,surname_b,sex_b,postcode_b,ident_b,dob_b,ident_a\r\n"
	onsRowA0   = "X_1,Lena,,Evans,2,Bd111Ha,A0,05/03/92,B0\r\n"
	onsRowA1   = "X_2,Ann,,Lee,F,BD11 1HA,A1,03 March 1989,\r\n"
	onsRowB0   = "X_1,LENA,,EVANS,F,BD111HA,B0,05-Mar-92,A0\r\n"
)

func TestONSRejectsMisreadLinesNamingFileLineAndColumn(t *testing.T) {
	for _, tc := range []struct {
		why, a, b string
		file      string
		line      int
		column    string
	}{
		{"B names no row of A", onsRowA0 + onsRowA1, onsRowB0 + "X_3,Ann,,Lee,F,BD111HA,B1,03/03/89,A7\r\n", "ons/working_data_b.csv", 3, "ident_a"},
		{"B names an A row that names another", onsRowA0 + onsRowA1, "X_3,Ann,,Lee,F,BD111HA,B1,03/03/89,A0\r\n", "ons/working_data_a.csv", 2, "ident_b"},
		{"B names no true row", onsRowA0 + onsRowA1, onsRowB0 + "X_3,Ann,,Lee,F,BD111HA,B1,03/03/89,\r\n", "ons/working_data_b.csv", 3, "ident_a"},
		{"sex not read", onsRowA0 + "X_2,Ann,,Lee,X,BD11 1HA,A1,03 March 1989,\r\n", onsRowB0, "ons/working_data_a.csv", 3, "sex_a"},
		{"date in no layout", onsRowA0 + "X_2,Ann,,Lee,F,BD11 1HA,A1,1989-03-03,\r\n", onsRowB0, "ons/working_data_a.csv", 3, "dob_a"},
		{"date that does not exist", onsRowA0 + onsRowA1, "X_1,LENA,,EVANS,F,BD111HA,B0,31/02/92,A0\r\n", "ons/working_data_b.csv", 2, "dob_b"},
		{"ident given twice", onsRowA0 + onsRowA1 + "X_3,Bo,,Lee,M,BD11 1HA,A1,03 March 1989,\r\n", onsRowB0, "ons/working_data_a.csv", 4, "ident_a"},
		{"id given twice", onsRowA0 + onsRowA0, onsRowB0, "ons/working_data_a.csv", 3, "id_a"},
		{"stray quote", onsRowA0 + "X_2,Ann,,Lee,F,\"BD11 \"1HA,A1,03 March 1989,\r\n", onsRowB0, "ons/working_data_a.csv", 3, "row"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			root := writeBench(t, map[string]string{
				"ons/working_data_a.csv": onsHeaderA + tc.a,
				"ons/working_data_b.csv": onsHeaderB + tc.b,
			})
			_, err := Load(root, "ons")
			wantLineError(t, err, tc.file, tc.line, tc.column)
		})
	}
}

func TestONSTwoDigitYearsAfterThisYearAreLastCentury(t *testing.T) {
	root := writeBench(t, map[string]string{
		"ons/working_data_a.csv": onsHeaderA + "X_1,Ann,,Lee,F,BD11 1HA,A0,05/03/26,B0\r\n" + "X_2,Bo,,Lee,M,BD11 1HA,A1,05-Mar-27,\r\n",
		"ons/working_data_b.csv": onsHeaderB + "X_1,Ann,,Lee,F,BD11 1HA,B0,05-03-26,A0\r\n",
	})
	recs, truth, err := readONS(filepath.Join(root, "ons", "working_data_a.csv"), filepath.Join(root, "ons", "working_data_b.csv"), birthYearPivot(2026))
	if err != nil {
		t.Fatal(err)
	}
	want := []pole.PartialDate{pole.Date(2026, 3, 5), pole.Date(1927, 3, 5), pole.Date(2026, 3, 5)}
	for i, r := range recs {
		if r.DOB != want[i] {
			t.Errorf("%s %s: got DOB %s, want %s", r.Source, r.ID, r.DOB, want[i])
		}
	}
	if diff := cmp.Diff([]string{"A0", "A1", "A0"}, truth); diff != "" {
		t.Errorf("truth (-want +got):\n%s", diff)
	}
}
