package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// writeProfiles writes the mapping profile of every force's export, in the
// format ingest reads, named after the force (and the layout, where a force
// has several files): profiles/west-yorkshire.toml,
// profiles/south-yorkshire-nominal_index.toml, ...
func writeProfiles(out string, seed uint64, sum *Summary) error {
	dir := filepath.Join(out, "profiles")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range forceSpecs {
		for _, pr := range profilesFor(f, seed) {
			rel := filepath.ToSlash(filepath.Join("profiles", pr.name))
			if err := os.WriteFile(filepath.Join(out, rel), []byte(pr.text), 0o644); err != nil {
				return err
			}
			sum.Files = append(sum.Files, rel)
		}
	}
	return nil
}

type profileText struct{ name, text string }

func profilesFor(f forceSpec, seed uint64) []profileText {
	file := strings.ToLower(f.prefix)
	head := func(system, layout, files string) string {
		return fmt.Sprintf("# %s\n# Mapping profile for %s's %s export.\nforce = %q\nsystem = %q\nlayout = %q\nfiles = %q\n",
			banner(seed), f.code, system, f.code, system, layout, files)
	}
	switch f.layout {
	case layoutNicheCSV:
		return []profileText{{f.code + ".toml", head("Niche", "person_rows", file+"_occurrence_nominals.csv") + `
[format]
delimiter = ","
encoding = "utf-8"
skip_lines = 1
dates = ["yyyy-mm-dd", "yyyy-mm", "yyyy"]

[case]
crime_ref = "OccurrenceRef"
recorded = "RecordedDate"
offence_from = "OffenceFromDate"
offence_to = "OffenceToDate"
offence_codes = { column = "HOOffenceCodes", split = "|" }
outcome = "OutcomeCode"
outcome_date = "OutcomeDate"
decision_maker = "DecisionMaker"
flags = { column = "Flags", split = "|" }
closure_rationale = "ClosureRationale"
narrative = "Narrative"

[person]
record_id = "PersonRef"
role = "Role"
surname = "Surname"
forename = "Forename"
middle_names = "MiddleNames"
aliases = { column = "Aliases", split = ";" }
dob = "DOB"
sex = "Sex"
ethnicity_self = "SelfDefinedEthnicity"
ethnicity_observed = "ObservedEthnicity"
nationality = "Nationality"
address = "Address"
postcode = "Postcode"
premises = "PremisesType"
phones = { column = "Phones", split = ";" }
vehicles = { column = "Vehicles", split = ";" }
vulnerabilities = { column = "Vulnerabilities", split = ";" }

[events]
missing_episode = { column = "MissingEpisodeDates", split = ";" }
victim_account = { column = "VictimAccountDate", split = ";" }
arrest = { column = "ArrestDate", split = ";" }
suspect_interview = { column = "InterviewDate", split = ";" }
charge = { column = "ChargeDate", split = ";" }
victim_arrest = { column = "VictimArrestDate", split = ";" }
victim_caution = { column = "VictimCautionDate", split = ";" }
victim_conviction = { column = "VictimConvictionDate", split = ";" }
`}}
	case layoutAthenaSemi:
		return []profileText{{f.code + ".toml", head("Athena", "person_rows", file+"_crime_export.csv") + `
[format]
delimiter = ";"
encoding = "windows-1252"
skip_lines = 1
dates = ["dd/mm/yyyy", "mm/yyyy", "yyyy"]

[case]
crime_ref = "Crime Number"
recorded = "Date Reported"
offence_from = "Committed From"
offence_to = "Committed To"
offence_codes = { column = "Offence Classification", split = "," }
outcome = "Outcome"
outcome_date = "Outcome Date"
decision_maker = "OIC"
flags = { column = "Flags", split = "," }
closure_rationale = "Closure Reason"
narrative = "Summary"

[person]
record_id = "Nominal Id"
role = "Involvement"
name = { column = "Name", style = "surname_comma_forenames" }
aliases = { column = "Also Known As", split = "/" }
dob = "Date of Birth"
sex = "Gender"
ethnicity_self = "Ethnicity (SDE)"
ethnicity_observed = "Ethnicity (Officer)"
nationality = "Nationality"
address = "Home Address"
postcode = "Post Code"
phones = { column = "Telephone", split = "/" }
vehicles = { column = "VRM", split = "/" }
vulnerabilities = { column = "Warning Markers", split = ";" }

[events]
missing_episode = { column = "Missing From Home", split = ";" }
victim_account = { column = "ABE Interview", split = ";" }
arrest = { column = "Arrested", split = ";" }
suspect_interview = { column = "Interviewed", split = ";" }
charge = { column = "Charged", split = ";" }
victim_arrest = { column = "Victim Arrested", split = ";" }
victim_caution = { column = "Victim Cautioned", split = ";" }
victim_conviction = { column = "Victim Convicted", split = ";" }

[codes.sex]
Male = "M"
Female = "F"
` + codeTable("outcome", outcomeNameCodes()) + codeTable("ethnicity_self", ethnicityLabelCodes(pole.SelfDefinedEthnicity)) +
			codeTable("ethnicity_observed", ethnicityLabelCodes(pole.ObservedEthnicity)) + codeTable("vulnerability", markerCodes(0))}}
	case layoutConnectTab:
		return []profileText{{f.code + ".toml", head("Connect", "person_rows", file+"_connect_extract.tsv") + `
[format]
delimiter = "\t"
encoding = "utf-8"
skip_lines = 1
dates = ["dd Month yyyy", "Month yyyy", "yyyy"]

[case]
crime_ref = "CRIME_REF"
recorded = "REPORTED_ON"
offence_from = "OFFENCE_START"
offence_to = "OFFENCE_END"
offence_codes = { column = "HO_CODES", split = " " }
outcome = "DISPOSAL"
outcome_date = "DISPOSAL_DATE"
decision_maker = "DECIDED_BY"
flags = { column = "FLAGS", split = " " }
closure_rationale = "RATIONALE"
narrative = "MO_TEXT"

[person]
record_id = "INVOLVEMENT_ID"
role = "ROLE"
surname = "FAMILY_NAME"
forenames = "GIVEN_NAMES"
aliases = { column = "AKA", split = "|" }
dob = "BIRTH_DATE"
sex = "SEX"
ethnicity_self = "SDE_CODE"
ethnicity_observed = "IC_CODE"
nationality = "NATIONALITY"
address = "ADDRESS"
postcode = "POSTCODE"
premises = "PREMISES"
phones = { column = "PHONE", split = "|" }
vehicles = { column = "VEHICLE", split = "|" }
vulnerabilities = { column = "MARKERS", split = "," }

[events]
missing_episode = { column = "MISSING_EPISODES", split = ";" }
victim_account = { column = "ABE_DATE", split = ";" }
arrest = { column = "ARREST_DATE", split = ";" }
suspect_interview = { column = "INTERVIEW_DATE", split = ";" }
charge = { column = "CHARGE_DATE", split = ";" }
victim_arrest = { column = "VICTIM_ARREST", split = ";" }
victim_caution = { column = "VICTIM_CAUTION", split = ";" }
victim_conviction = { column = "VICTIM_CONVICTION", split = ";" }

[codes.role]
VIC = "victim"
SUS = "suspect"
WIT = "witness"
OTH = "other"
` + codeTable("outcome", invert(connectOutcome)) + codeTable("vulnerability", markerCodes(1))}}
	case layoutJSONLines:
		return []profileText{{f.code + ".toml", head("Athena JSON", "json_cases", file+"_occurrences.jsonl") + `
[format]
encoding = "utf-8"
skip_lines = 1
dates = ["yyyy-mm-dd", "yyyy-mm", "yyyy"]

[case]
crime_ref = "ref"
recorded = "recorded"
offence_from = "offence.from"
offence_to = "offence.to"
offence_codes = "offence.codes"
outcome = "outcome.type"
outcome_date = "outcome.date"
decision_maker = "outcome.by"
closure_rationale = "outcome.rationale"
flags = "flags"
narrative = "narrative"

[person]
path = "people"
record_id = "ref"
role = "role"
forename = "name.given"
middle_names = "name.middle"
surname = "name.family"
aliases = "aliases"
dob = "dob"
sex = "sex"
ethnicity_self = "ethnicity.self"
ethnicity_observed = "ethnicity.observed"
nationality = "nationality"
address = "addresses.0.text"
postcode = "addresses.0.postcode"
premises = "addresses.0.type"
phones = "phones"
vehicles = "vehicles"
vulnerabilities = "markers"

[event]
path = "events"
record_id = "person"
type = "type"
date = "date"
`}}
	default:
		nominalHead := `
[format]
delimiter = ","
encoding = "utf-8"
skip_lines = 1
dates = ["dd-mm-yy", "mm-yyyy", "yyyy"]
# Two-digit years of 30-99 are 19xx, of 00-29 20xx.
two_digit_year_pivot = 30
`
		outcomes := map[string]int{}
		for _, o := range pole.OutcomeTypes() {
			outcomes["HO"+strconv.Itoa(o.Code)] = o.Code
		}
		return []profileText{
			{f.code + "-nominal_index.toml", head("Niche RMS", "nominal_index", file+"_nominal_index.csv") + nominalHead + `
[person]
record_id = "NOMINAL_REF"
surname = "SURNAME"
forenames = "FORENAMES"
dob = "DOB"
sex = "SEX"
ethnicity_self = "ETHNICITY"
nationality = "NATIONALITY"
address = "ADDRESS"
postcode = "POSTCODE"
phones = { column = "PHONE", split = ";" }
vehicles = { column = "VRM", split = ";" }
aliases = { column = "ALIASES", split = ";" }
vulnerabilities = { column = "MARKERS", split = ";" }

[codes.sex]
1 = "M"
2 = "F"
` + codeTable("ethnicity_self", invert(nominalEthnicity)) + codeTable("vulnerability", markerCodes(1))},
			{f.code + "-case_list.toml", head("Niche RMS", "case_list", file+"_occurrences.csv") + nominalHead + `
[case]
crime_ref = "URN"
recorded = "REPORTED"
offence_from = "FROM"
offence_to = "TO"
offence_codes = { column = "HO_CODES", split = "/" }
outcome = "OUTCOME"
outcome_date = "OUTCOME_DATE"
decision_maker = "DECISION_BY"
flags = { column = "FLAGS", split = ";" }
closure_rationale = "RATIONALE"
narrative = "NARRATIVE"
` + codeTable("outcome", outcomes)},
			{f.code + "-link_table.toml", head("Niche RMS", "link_table", file+"_occurrence_nominal_links.csv") + nominalHead + `
[link]
crime_ref = "URN"
record_id = "NOMINAL_REF"
role = "INVOLVEMENT"

[codes.role]
V = "victim"
S = "suspect"
W = "witness"
O = "other"
`},
			{f.code + "-person_events.toml", head("Niche RMS", "person_events", file+"_nominal_events.csv") + nominalHead + `
[event]
crime_ref = "URN"
record_id = "NOMINAL_REF"
type = "EVENT"
date = "EVENT_DATE"
`},
		}
	}
}

// codeTable writes a [codes.NAME] table with its labels sorted, so that
// the same seed writes the same bytes.
func codeTable[V string | int](name string, m map[string]V) string {
	labels := make([]string, 0, len(m))
	for l := range m {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	var b strings.Builder
	b.WriteString("\n[codes." + name + "]\n")
	for _, l := range labels {
		switch v := any(m[l]).(type) {
		case string:
			fmt.Fprintf(&b, "%q = %q\n", l, v)
		case int:
			fmt.Fprintf(&b, "%q = %d\n", l, v)
		}
	}
	return b.String()
}

func invert[K comparable](m map[K]string) map[string]K {
	out := make(map[string]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

func outcomeNameCodes() map[string]int {
	out := map[string]int{}
	for _, o := range pole.OutcomeTypes() {
		out[o.Name] = o.Code
	}
	return out
}

func ethnicityLabelCodes(lookup func(string) (pole.EthnicityCode, bool)) map[string]string {
	out := map[string]string{}
	for _, e := range pole.EthnicityCodes() {
		if _, ok := lookup(e.Code); ok {
			out[e.Label] = e.Code
		}
	}
	return out
}

// markerCodes maps the label (0) or short code (1) of each marker to
// caselink's code.
func markerCodes(which int) map[string]string {
	out := map[string]string{}
	for code, labels := range markerLabels {
		out[labels[which]] = code
	}
	return out
}
