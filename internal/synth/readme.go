package synth

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// writeReadme describes the data set for whoever writes its mapping
// profiles: what each force's files hold and how they spell things.
func writeReadme(out string, seed uint64, sum *Summary) error {
	var b strings.Builder
	b.WriteString(banner(seed) + "\n\n")
	b.WriteString("Force exports (exports/FORCE/...), each in the style of a different records system:\n\n")
	for _, f := range forceSpecs {
		b.WriteString("  " + f.code + ": " + layoutNotes[f.layout] + "\n")
	}
	b.WriteString(`
Every export starts with one banner line (a JSON object in JSON Lines files) before its header.
Lists within a field are separated by ";", "|", "/" or "," as each system does. Dates of birth
may be partial (a year alone) or wrong in the ways real records are: day and month transposed,
a year out, 1 January by default. Two-digit years (dd-mm-yy) pivot at 30: 30-99 are 19xx,
00-29 are 20xx.

Ground truth (truth/...), each with a "# SYNTHETIC" comment line first:

  mentions.csv  source_file,record_id,person_id  every person record in the exports and who
                it really is; source_file is relative to exports/
  persons.csv   person_id,group_id                every person; group_id is empty for lone
                offenders, victims of lone offenders, witnesses and others
  cases.csv     force,case_ref,closed_too_early,signals  signals separated by "|"
  defects.csv   source_file,row,field,reason       defects planted for ingest to quarantine;
                row counts data rows from 1, after the banner and header lines
  quality.csv   force,field,role,recorded_rate    how often each force's export records a field
                (ethnicity_self, ethnicity_observed, nationality, dob) for suspects and victims
`)
	b.WriteString("\nThis run: seed " + strconv.FormatUint(seed, 10) + ", " + strconv.Itoa(sum.People) + " people, " +
		strconv.Itoa(sum.Cases) + " cases, " + strconv.Itoa(sum.Mentions) + " person records.\n")
	return os.WriteFile(filepath.Join(out, "README.txt"), []byte(b.String()), 0o644)
}

var layoutNotes = map[layout]string{
	layoutNicheCSV:   "one row per person in a case; comma-separated, UTF-8; ISO dates (yyyy-mm-dd, yyyy-mm, yyyy); names in three fields; numeric Home Office outcome types; SDE and IC codes",
	layoutAthenaSemi: "one row per person in a case; semicolon-separated, Windows-1252, CRLF; dd/mm/yyyy dates; one name field 'SURNAME, Forename Middle'; outcomes and ethnicity as text labels",
	layoutConnectTab: "one row per person in a case; tab-separated, UTF-8, no quoting; dates as '03 March 1989'; local text outcome labels (NFA - ...); offence codes and flags separated by spaces; lower-case postcodes",
	layoutJSONLines:  "JSON Lines, one case a line with its people and events nested; ISO dates; numeric outcome types",
	layoutNominal:    "a nominal index of people (dd-mm-yy dates, sex 1/2, ethnicity labels) beside an occurrence list, a link table (V/S/W/O) and the people's events",
}
