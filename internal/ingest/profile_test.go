package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

const goodProfile = `force = "west-yorkshire"
system = "Niche"
layout = "person_rows"
files = "*.csv"

[format]
delimiter = ","
dates = ["dd/mm/yyyy", "yyyy"]

[case]
crime_ref = "Ref"

[person]
record_id = "PersonRef"
role = "Role"
surname = "Surname"
dob = "DOB"
phones = { column = "Phones", split = ";" }

[codes.role]
V = "victim"
`

func TestParseProfileReadsFieldsAndCodes(t *testing.T) {
	p, err := ParseProfile("wy.toml", []byte(goodProfile))
	if err != nil {
		t.Fatal(err)
	}
	if p.Person.Phones.Column != "Phones" || p.Person.Phones.Split != ";" || p.Case.CrimeRef.Column != "Ref" {
		t.Fatalf("fields: got %+v and %+v", p.Person.Phones, p.Case.CrimeRef)
	}
	if p.Format.Encoding != "utf-8" {
		t.Fatalf("default encoding: got %q, want utf-8", p.Format.Encoding)
	}
	if !p.Matches("/data/x.csv") || p.Matches("x.tsv") {
		t.Fatal("files pattern does not select by file name")
	}
}

func TestProfileErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, edit, want string
		line             int
	}{
		{"unknown force", `force = "west-yorkshire"|force = "gotham"`, "unknown force code", 1},
		{"unknown setting", `surname = "Surname"|surnme = "Surname"`, "unknown setting", 16},
		{"syntax", `dob = "DOB"|dob = "DOB`, "", 17},
		{"bad code", `V = "victim"|V = "victor"`, "not a valid role code", 21},
		{"bad date layout", `dates = ["dd/mm/yyyy", "yyyy"]|dates = ["dd/qq/yyyy"]`, "", 8},
		{"missing required", `record_id = "PersonRef"|`, "required", 0},
		{"bad layout", `layout = "person_rows"|layout = "spreadsheet"`, "unknown layout", 3},
		{"delimiter", `delimiter = ","|delimiter = ",,"`, "one character", 7},
	} {
		old, new, _ := strings.Cut(tc.edit, "|")
		_, err := ParseProfile("wy.toml", []byte(strings.Replace(goodProfile, old, new, 1)))
		if pole.ErrorCode(err) != pole.EINVALID {
			t.Errorf("%s: got %v, want EINVALID", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q does not say %q", tc.name, err, tc.want)
		}
		if tc.line > 0 && !strings.Contains(err.Error(), fmt.Sprintf("wy.toml:%d:", tc.line)) {
			t.Errorf("%s: %q does not name line %d", tc.name, err, tc.line)
		}
	}
}

func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(goodProfile))
	f.Add([]byte("force = 1\n[case]\ncrime_ref = { column = 3 }\n"))
	f.Add([]byte("[codes.outcome]\n\"x\" = 99\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParseProfile("fuzz.toml", src)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("error of kind %q, want invalid: %v", pole.ErrorCode(err), err)
			}
			return
		}
		if p.dates == nil || p.Force == "" {
			t.Fatal("a profile that parsed is not ready to use")
		}
	})
}
