package pole_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestForcesHoldFortyThreeTerritorialForcesPlusTransportAndNational(t *testing.T) {
	forces := pole.Forces()
	kinds := map[string]int{}
	codes := map[string]bool{}
	pncCodes := map[string]bool{}
	for _, f := range forces {
		kinds[f.Kind]++
		if codes[f.Code] {
			t.Errorf("code %q appears twice, want unique codes", f.Code)
		}
		codes[f.Code] = true
		if pncCodes[f.PNCCode] {
			t.Errorf("PNC code %q appears twice, want unique PNC codes", f.PNCCode)
		}
		pncCodes[f.PNCCode] = true
		if len(f.PNCCode) != 2 || strings.Trim(f.PNCCode, "0123456789") != "" {
			t.Errorf("%s: got PNC code %q, want two digits", f.Code, f.PNCCode)
		}
		if f.Name == "" || f.Country == "" {
			t.Errorf("%s: got name %q and country %q, want both set", f.Code, f.Name, f.Country)
		}
	}
	want := map[string]int{"territorial": 43, "transport": 1, "national": 1}
	for kind, n := range want {
		if kinds[kind] != n {
			t.Errorf("%s forces: got %d, want %d", kind, kinds[kind], n)
		}
	}
	if len(forces) != 45 {
		t.Errorf("forces: got %d, want 45", len(forces))
	}
}

func TestForcesLeaveOutNorthernIreland(t *testing.T) {
	if f, ok := pole.ForceByCode("northern-ireland"); ok {
		t.Errorf("got %+v, want no PSNI entry", f)
	}
	for _, f := range pole.Forces() {
		if f.PNCCode == "98" {
			t.Errorf("got %+v with PSNI's PNC code 98, want none", f)
		}
	}
}

func TestTerritorialForcesAreInEnglandOrWalesAndFourAreWelsh(t *testing.T) {
	var welsh []string
	for _, f := range pole.Forces() {
		if f.Kind != "territorial" {
			continue
		}
		switch f.Country {
		case "Wales":
			welsh = append(welsh, f.Code)
		case "England":
		default:
			t.Errorf("%s: got country %q, want England or Wales", f.Code, f.Country)
		}
	}
	want := []string{"dyfed-powys", "gwent", "north-wales", "south-wales"}
	slices.Sort(welsh)
	if !slices.Equal(welsh, want) {
		t.Errorf("Welsh forces: got %v, want %v", welsh, want)
	}
}

func TestForcesAreSortedByName(t *testing.T) {
	forces := pole.Forces()
	if !slices.IsSortedFunc(forces, func(a, b pole.Force) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("got forces out of name order, want sorted by Name")
	}
}

func TestForcesReturnsACopy(t *testing.T) {
	first := pole.Forces()
	first[0].Name = "changed by caller"
	if got := pole.Forces()[0].Name; got == "changed by caller" {
		t.Errorf("got %q after caller changed its slice, want the package's own copy unchanged", got)
	}
}

func TestForceByCodeFindsKnownForces(t *testing.T) {
	tests := []pole.Force{
		{Code: "metropolitan", Name: "Metropolitan Police Service", PNCCode: "01", Country: "England", Kind: "territorial"},
		{Code: "avon-and-somerset", Name: "Avon and Somerset Constabulary", PNCCode: "52", Country: "England", Kind: "territorial"},
		{Code: "city-of-london", Name: "City of London Police", PNCCode: "48", Country: "England", Kind: "territorial"},
		{Code: "hampshire", Name: "Hampshire and Isle of Wight Constabulary", PNCCode: "44", Country: "England", Kind: "territorial"},
		{Code: "south-wales", Name: "South Wales Police", PNCCode: "62", Country: "Wales", Kind: "territorial"},
		{Code: "btp", Name: "British Transport Police", PNCCode: "93", Country: "Great Britain", Kind: "transport"},
		{Code: "nca", Name: "National Crime Agency", PNCCode: "91", Country: "United Kingdom", Kind: "national"},
	}
	for _, want := range tests {
		got, ok := pole.ForceByCode(want.Code)
		if !ok {
			t.Errorf("ForceByCode(%q): got not found, want %+v", want.Code, want)
			continue
		}
		if got != want {
			t.Errorf("ForceByCode(%q): got %+v, want %+v", want.Code, got, want)
		}
	}
}

func TestForceByCodeRejectsUnknownAndNonCanonicalCodes(t *testing.T) {
	for _, code := range []string{"", "Metropolitan", " metropolitan", "met", "01", "british-transport-police", "n/a"} {
		if got, ok := pole.ForceByCode(code); ok {
			t.Errorf("ForceByCode(%q): got %+v, want not found", code, got)
		}
	}
}

func TestOutcomeTypesCoverOneToTwentyTwo(t *testing.T) {
	outcomes := pole.OutcomeTypes()
	if len(outcomes) != 22 {
		t.Fatalf("outcome types: got %d, want 22", len(outcomes))
	}
	for i, o := range outcomes {
		if o.Code != i+1 {
			t.Errorf("outcome at position %d: got code %d, want %d", i, o.Code, i+1)
		}
		if o.Name == "" {
			t.Errorf("outcome %d: got empty name, want a short name", o.Code)
		}
		if got, ok := pole.OutcomeByCode(o.Code); !ok || got != o {
			t.Errorf("OutcomeByCode(%d): got %+v, %v, want %+v, true", o.Code, got, ok, o)
		}
	}
}

func TestOutcomeZeroIsNotAnOutcome(t *testing.T) {
	for _, code := range []int{0, -1, 23, 100} {
		if got, ok := pole.OutcomeByCode(code); ok {
			t.Errorf("OutcomeByCode(%d): got %+v, want not found", code, got)
		}
	}
}

func TestOutcomeByCodeGivesShortNameAndHomeOfficeGroup(t *testing.T) {
	tests := []pole.OutcomeType{
		{Code: 1, Name: "Charged/summonsed", Group: "Charged/summonsed"},
		{Code: 8, Name: "Community resolution", Group: "Out-of-court (informal)"},
		{Code: 14, Name: "Evidential difficulties: suspect not identified; victim does not support further action", Group: "Evidential difficulties (victim does not support)"},
		{Code: 15, Name: "Evidential difficulties: named suspect identified; victim supports action", Group: "Evidential difficulties (suspect identified; victim supports)"},
		{Code: 16, Name: "Evidential difficulties: named suspect identified; victim does not support (or withdraws support)", Group: "Evidential difficulties (victim does not support)"},
		{Code: 17, Name: "Prosecution time limit expired", Group: "Prosecution prevented or not in public interest"},
		{Code: 18, Name: "Investigation complete - no suspect identified", Group: "Investigation complete - no suspect"},
		{Code: 19, Name: "National Fraud Intelligence Bureau filed (no suspect)", Group: ""},
		{Code: 21, Name: "Further investigation not in the public interest - police decision", Group: "Further investigation not in public interest"},
		{Code: 22, Name: "Diversionary/educational/intervention activity; not in public interest to take further action", Group: "Diversionary activity"},
	}
	for _, want := range tests {
		got, ok := pole.OutcomeByCode(want.Code)
		if !ok || got != want {
			t.Errorf("OutcomeByCode(%d): got %+v, %v, want %+v, true", want.Code, got, ok, want)
		}
	}
}

func TestProsecutionPreventedOutcomesShareOneHomeOfficeGroup(t *testing.T) {
	const want = "Prosecution prevented or not in public interest"
	for _, code := range []int{5, 9, 10, 11, 12, 13, 17} {
		o, _ := pole.OutcomeByCode(code)
		if o.Group != want {
			t.Errorf("outcome %d group: got %q, want %q", code, o.Group, want)
		}
	}
}

func TestOutcomeTypesReturnsACopy(t *testing.T) {
	first := pole.OutcomeTypes()
	first[0].Name = "changed by caller"
	if got := pole.OutcomeTypes()[0].Name; got != "Charged/summonsed" {
		t.Errorf("got %q after caller changed its slice, want %q", got, "Charged/summonsed")
	}
}

func TestSelfDefinedEthnicityCoversEighteenPlusOne(t *testing.T) {
	want := []string{
		"W1", "W2", "W3", "W9", "M1", "M2", "M3", "M9",
		"A1", "A2", "A3", "A4", "A9", "B1", "B2", "B9", "O2", "O9", "NS",
	}
	for _, code := range want {
		got, ok := pole.SelfDefinedEthnicity(code)
		if !ok || got.Code != code || got.Scheme != "SDE 18+1" || got.Label == "" {
			t.Errorf("SelfDefinedEthnicity(%q): got %+v, %v, want an SDE 18+1 entry", code, got, ok)
		}
	}
	var n int
	for _, e := range pole.EthnicityCodes() {
		if e.Scheme == "SDE 18+1" {
			n++
		}
	}
	if n != len(want) {
		t.Errorf("SDE 18+1 codes: got %d, want %d", n, len(want))
	}
}

func TestSelfDefinedEthnicityLabels(t *testing.T) {
	tests := map[string]string{
		"W1": "White - English/Welsh/Scottish/Northern Irish/British",
		"W3": "White - Gypsy or Irish Traveller",
		"A2": "Asian - Pakistani",
		"A4": "Asian - Chinese",
		"O2": "Other - Arab",
		"NS": "Not stated",
	}
	for code, want := range tests {
		got, _ := pole.SelfDefinedEthnicity(code)
		if got.Label != want {
			t.Errorf("SelfDefinedEthnicity(%q) label: got %q, want %q", code, got.Label, want)
		}
	}
}

func TestSelfDefinedEthnicityRejectsRetiredAndUnissuedCodes(t *testing.T) {
	// O1 was Chinese in 16+1 (now A4); W4 for Roma is not an issued code.
	for _, code := range []string{"O1", "W4", "", "w1", "ns", "IC1"} {
		if got, ok := pole.SelfDefinedEthnicity(code); ok {
			t.Errorf("SelfDefinedEthnicity(%q): got %+v, want not found", code, got)
		}
	}
}

func TestObservedEthnicityCoversSixPlusOne(t *testing.T) {
	tests := map[string]string{
		"IC1": "White - North European",
		"IC2": "White - South European",
		"IC3": "Black",
		"IC4": "Asian - Indian subcontinent",
		"IC5": "Chinese/Japanese/Korean/other South East Asian",
		"IC6": "Arab or North African",
		"IC9": "Unknown",
	}
	for code, want := range tests {
		got, ok := pole.ObservedEthnicity(code)
		if !ok || got != (pole.EthnicityCode{Scheme: "IC 6+1", Code: code, Label: want}) {
			t.Errorf("ObservedEthnicity(%q): got %+v, %v, want label %q in IC 6+1", code, got, ok, want)
		}
	}
}

func TestObservedEthnicityRejectsLocalVariantsAndOtherSchemes(t *testing.T) {
	for _, code := range []string{"IC0", "IC7", "IC8", "ic1", "1", "W1", "NS", ""} {
		if got, ok := pole.ObservedEthnicity(code); ok {
			t.Errorf("ObservedEthnicity(%q): got %+v, want not found", code, got)
		}
	}
}

func TestEthnicityCodesListBothSchemesSelfDefinedFirst(t *testing.T) {
	codes := pole.EthnicityCodes()
	if len(codes) != 26 {
		t.Fatalf("ethnicity codes: got %d, want 26", len(codes))
	}
	if got := codes[0].Scheme; got != "SDE 18+1" {
		t.Errorf("first scheme: got %q, want %q", got, "SDE 18+1")
	}
	if got := codes[len(codes)-1].Scheme; got != "IC 6+1" {
		t.Errorf("last scheme: got %q, want %q", got, "IC 6+1")
	}
	codes[0].Label = "changed by caller"
	if got := pole.EthnicityCodes()[0].Label; got == "changed by caller" {
		t.Errorf("got %q after caller changed its slice, want the package's own copy unchanged", got)
	}
}

func TestIsNationalityTakesThreeCapitalLettersOnly(t *testing.T) {
	for s, want := range map[string]bool{"GBR": true, "PAK": true, "gbr": false, "GB": false, "GBRX": false, "G1R": false, "": false, "ÅLA": false} {
		if got := pole.IsNationality(s); got != want {
			t.Errorf("IsNationality(%q) = %v, want %v", s, got, want)
		}
	}
}
