package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store/storetest"
)

// checkText writes data to a file named name and checks it with profile src.
func checkText(t *testing.T, src, name, data string) (*CheckReport, error) {
	t.Helper()
	p, err := ParseProfile("p.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return Check(ctx, p, file, 10)
}

const jsonProfile = `force = "greater-manchester"
layout = "json_cases"
files = "*.jsonl"
[case]
crime_ref = "ref"
[person]
path = "people"
record_id = "ref"
role = "role"
surname = "name.family"
forename = "name.givn"
`

func TestJSONKeepsLongNumbersAsWrittenAndReportsPathsThatFindNothing(t *testing.T) {
	rep, err := checkText(t, jsonProfile, "x.jsonl",
		`{"ref":20190012345678901,"people":[{"ref":123456789012345678,"role":"victim","name":{"given":"Amy","family":"Hall"}}]}`+"\n")
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Samples[0]
	if m.Case.CrimeRef != "20190012345678901" || m.People[0].RecordID != "123456789012345678" {
		t.Fatalf("long numbers: got case %s person %s", m.Case.CrimeRef, m.People[0].RecordID)
	}
	if !slices.Equal(rep.Unfound, []string{"name.givn"}) {
		t.Fatalf("unfound paths: got %v, want the misspelt name.givn", rep.Unfound)
	}
}

func TestJSONCaseWithNoPeopleAtThePathIsAProblem(t *testing.T) {
	rep, err := checkText(t, strings.Replace(jsonProfile, `path = "people"`, `path = "persons"`, 1), "x.jsonl",
		`{"ref":"C1","people":[{"ref":"P1","role":"victim","name":{"family":"Hall"}}]}`+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Quarantined != 1 || !strings.Contains(rep.Problems[0].Reason, `no people at "persons"`) {
		t.Fatalf("got %+v, want the case rejected for having no people", rep.Problems)
	}
}

func TestJSONProblemsNameThePersonInTheCase(t *testing.T) {
	rep, err := checkText(t, strings.Replace(jsonProfile, `forename = "name.givn"`, `dob = "dob"`, 1), "x.jsonl",
		`{"ref":"C1","people":[{"ref":"P1","role":"victim","name":{"family":"Hall"}},{"ref":"P2","role":"suspect","name":{"family":"Khan"},"dob":"1990-13-45"}]}`+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Field != "people[1].dob" || !strings.Contains(rep.Problems[0].Reason, "P2") {
		t.Fatalf("got %+v, want people[1].dob of P2", rep.Problems)
	}
}

func TestTwoDigitYearsNeedAPivot(t *testing.T) {
	_, err := ParseProfile("p.toml", []byte(strings.Replace(goodProfile, `dates = ["dd/mm/yyyy", "yyyy"]`, `dates = ["dd-mm-yy"]`, 1)))
	if pole.ErrorCode(err) != pole.EINVALID || !strings.Contains(err.Error(), "two_digit_year_pivot") {
		t.Fatalf("got %v, want the pivot asked for", err)
	}
}

func TestEveryWrongCodeInARowIsReported(t *testing.T) {
	src := goodProfile + "\n"
	src = strings.Replace(src, `phones = { column = "Phones", split = ";" }`, `phones = { column = "Phones", split = ";" }
sex = "Sex"
ethnicity_self = "Eth"
nationality = "Nat"`, 1)
	rep, err := checkText(t, src, "x.csv", "Ref,PersonRef,Role,Surname,DOB,Phones,Sex,Eth,Nat\nC1,P1,V,SMITH,1990,,Q,ZZ,British\n")
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, pb := range rep.Problems {
		fields = append(fields, pb.Field)
	}
	slices.Sort(fields)
	if !slices.Equal(fields, []string{"Eth", "Nat", "Sex"}) {
		t.Fatalf("got problems on %v, want Eth, Nat and Sex together", fields)
	}
}

func TestLinkRolesAreChecked(t *testing.T) {
	src := `force = "south-yorkshire"
layout = "link_table"
files = "*.csv"
[format]
delimiter = ","
[link]
crime_ref = "URN"
record_id = "REF"
role = "ROLE"
[codes.role]
V = "victim"
`
	rep, err := checkText(t, src, "l.csv", "URN,REF,ROLE\nU1,N1,V\nU1,N2,Z\n")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Quarantined != 1 || rep.Problems[0].Row != 2 || rep.Problems[0].Value != "Z" {
		t.Fatalf("got %+v, want row 2's role Z rejected", rep.Problems)
	}
}

func TestTabSeparatedFilesTakeQuotesAsText(t *testing.T) {
	src := strings.Replace(goodProfile, `delimiter = ","`, `delimiter = "\t"`, 1)
	rep, err := checkText(t, src, "x.csv", "Ref\tPersonRef\tRole\tSurname\tDOB\tPhones\nC1\tP1\tV\tO\"NEILL\t1990\t\nC2\tP2\tV\tSMITH\t1991\t\n")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 2 || rep.Quarantined != 0 || rep.Samples[0].People[0].Surname != `O"Neill` {
		t.Fatalf("got %d rows, %d quarantined, first surname %q", rep.Rows, rep.Quarantined, rep.Samples[0].People[0].Surname)
	}
}

func TestABrokenQuoteNamesTheLineOfTheFile(t *testing.T) {
	src := strings.Replace(goodProfile, `delimiter = ","`, "delimiter = \",\"\nskip_lines = 1", 1)
	_, err := checkText(t, src, "x.csv", "banner\nRef,PersonRef,Role,Surname,DOB,Phones\nC1,P1,V,SMITH,1990,\nC2,P2,V,\"JONES,1991,\n")
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("got %v, want the file's line 4 named", err)
	}
}

func TestACodeLabelWithPunctuationNamesItsLine(t *testing.T) {
	src := goodProfile + "\n[codes.ethnicity_self]\n\"Mixed W/B Caribbean\" = \"M7\"\n"
	_, err := ParseProfile("p.toml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "p.toml:24:") {
		t.Fatalf("got %v, want line 24 named", err)
	}
}

func TestDoubleEncodedTextIsRepairedAndTheRepairRecorded(t *testing.T) {
	src := strings.Replace(goodProfile, `surname = "Surname"`, `surname = "Surname"
forename = "Forename"`, 1)
	data := "Ref,PersonRef,Role,Surname,Forename,DOB,Phones\nC1,P1,V,O\u00e2\u20ac\u2122Neill,Sio\u00c3\u00a1n,1990,\nC1,P2,V,Hall,Amy,1991,\n"
	rep, err := checkText(t, src, "x.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Samples[0].People[0]
	if got.Surname != "O\u2019Neill" || got.Forename != "Sio\u00e1n" || len(rep.Repairs) != 2 {
		t.Fatalf("got %q %q with %d repairs, want O’Neill Sioán and two repairs", got.Surname, got.Forename, len(rep.Repairs))
	}
	p, _ := ParseProfile("p.toml", []byte(src))
	file := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(file, []byte(data), 0o644)
	s := storetest.SQLite(t)
	ing, err := Ingest(ctx, s, p, file, Options{LoadedBy: "test"})
	if err != nil || ing.Repairs != 2 {
		t.Fatalf("ingest: %+v (%v), want two repairs", ing, err)
	}
	notes, err := s.FindIngestNotes(ctx, ing.Source.ID)
	if err != nil || len(notes) != 2 || notes[0].Kind != "repair" || notes[0].Value == notes[0].Detail {
		t.Fatalf("notes: %+v (%v), want the two repairs with text before and after", notes, err)
	}
}
