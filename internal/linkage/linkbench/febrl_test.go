package linkbench

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/pole"
)

// recordOf returns the record of d with id from source, and its truth label.
func recordOf(t *testing.T, d *Dataset, source, id string) (linkage.Record, string) {
	t.Helper()
	for i, r := range d.Records {
		if r.Source == source && r.ID == id {
			return r, d.Truth[i]
		}
	}
	t.Fatalf("%s: no record %s %s", d.Name, source, id)
	return linkage.Record{}, ""
}

func TestFEBRLRecordsMapTheirColumnsAndLeaveOutSocSecID(t *testing.T) {
	for _, tc := range []struct {
		name, source, id string
		want             linkage.Record
		truth            string
	}{
		// rec-223-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, 19081209, 6988048
		{"febrl1", "febrl1", "rec-223-org", linkage.Record{
			Source: "febrl1", ID: "rec-223-org", Surname: "waller", Premises: "6",
			Street: "tullaroop street willaroo", Locality: "st james", Postcodes: []string{"4011"},
			DOB: pole.Date(1908, 12, 9),
		}, "223"},
		// address_2 written "villa3 ", with the generator's stray space.
		{"febrl2", "febrl2", "rec-3839-dup-2", linkage.Record{
			Source: "febrl2", ID: "rec-3839-dup-2", Forename: "luke", Surname: "tiller", Premises: "180",
			Street: "mackellar crescent villa3", Locality: "merrimac", Postcodes: []string{"2107"},
			DOB: pole.Date(1930, 12, 1),
		}, "3839"},
		// The last line of dataset4a, which ends in no newline.
		{"febrl4", "dataset4a", "rec-66-org", linkage.Record{
			Source: "dataset4a", ID: "rec-66-org", Forename: "koula", Surname: "houweling", Premises: "3",
			Street: "mileham street old airdmillan road", Locality: "williamstown", Postcodes: []string{"2350"},
			DOB: pole.Date(1944, 7, 18),
		}, "66"},
		{"febrl4", "dataset4b", "rec-66-dup-0", linkage.Record{
			Source: "dataset4b", ID: "rec-66-dup-0", Forename: "koula", Surname: "houseling", Premises: "3",
			Street: "mileha m street old airdmillan road", Locality: "williamstown", Postcodes: []string{"2350"},
			DOB: pole.Date(1944, 7, 18),
		}, "66"},
	} {
		got, truth := recordOf(t, load(t, tc.name), tc.source, tc.id)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.source, tc.id, diff)
		}
		if truth != tc.truth {
			t.Errorf("%s %s: got truth %q, want %q", tc.source, tc.id, truth, tc.truth)
		}
	}
}

func TestFEBRLDatesOfBirthThatDoNotExistAreLeftUnknown(t *testing.T) {
	d := load(t, "febrl1")
	// rec-444-dup-0 was born on 19371233.
	if r, _ := recordOf(t, d, "febrl1", "rec-444-dup-0"); !r.DOB.IsZero() {
		t.Errorf("rec-444-dup-0: got DOB %s, want none for 19371233", r.DOB)
	}
	// 41 empty and 3 impossible.
	unknown := 0
	for _, r := range d.Records {
		if r.DOB.IsZero() {
			unknown++
		}
	}
	if unknown != 44 {
		t.Errorf("got %d records without a date of birth, want 44", unknown)
	}
}

const febrlHeader = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n"

func TestFEBRLRejectsMisreadLinesNamingFileLineAndColumn(t *testing.T) {
	good := "rec-1-org, ann, lee, 4, high street, , kew, 3101, vic, 19700101, 1234567\n"
	for _, tc := range []struct {
		why, text string
		line      int
		column    string
	}{
		{"date not eight digits", good + "rec-1-dup-0, ann, lee, 4, high street, , kew, 3101, vic, 1970x101, 1234567\n", 3, "date_of_birth"},
		{"too few fields", good + "rec-2-org, bob, lee\n", 3, "row"},
		{"fields split by a bare comma", "rec-2-org,bob,lee,4,high street,,kew,3101,vic,19700101,1234567\n", 2, "row"},
		{"rec_id not rec-N-org", "rec-x-org, ann, lee, 4, high street, , kew, 3101, vic, 19700101, 1234567\n", 2, "rec_id"},
		{"rec_id given twice", good + good, 3, "rec_id"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			root := writeBench(t, map[string]string{"febrl/dataset1.csv": febrlHeader + tc.text})
			_, err := Load(root, "febrl1")
			wantLineError(t, err, "febrl/dataset1.csv", tc.line, tc.column)
		})
	}
}

func TestFEBRLRejectsAnUnexpectedHeader(t *testing.T) {
	root := writeBench(t, map[string]string{"febrl/dataset1.csv": "rec_id, given_name, surname\n"})
	_, err := Load(root, "febrl1")
	wantLineError(t, err, "febrl/dataset1.csv", 1, "header")
}

func TestFEBRLEntityIsTheNumberOfTheOriginal(t *testing.T) {
	for id, want := range map[string]string{"rec-0-org": "0", "rec-4711-dup-3": "4711"} {
		if got, ok := febrlEntity(id); !ok || got != want {
			t.Errorf("febrlEntity(%q) = %q, %v, want %q", id, got, ok, want)
		}
	}
	for _, id := range []string{"", "rec-1", "rec--org", "rec-1-dup-", "rec-1-dup-x", "rec-1-copy", "rec-1-org-2"} {
		if got, ok := febrlEntity(id); ok {
			t.Errorf("febrlEntity(%q) = %q, want not read", id, got)
		}
	}
}
