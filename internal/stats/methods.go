package stats

import (
	"fmt"
	"strings"
)

// methods writes the methods section from the rule set and the run, so
// that it always says what the figures beside it were counted by.
func methods(r *Rules, rep *Report, d *dataset) []Paragraph {
	records := rep.Disclosure.Count(len(d.people))
	persons := rep.Disclosure.Count(d.entities)
	linkage := "No linkage run is stored: every person record counts as a person of its own, so people named in several records are counted several times."
	if rep.Linkage.RunID != "" {
		linkage = fmt.Sprintf("People are counted once across records, cases and forces through caselink's probabilistic person linkage "+
			"(run %s, model version %d): %s person records resolve to %s people. A record not linked yet counts as a person of its own.",
			rep.Linkage.RunID, rep.Linkage.ModelVersion, published(records), published(persons))
	}
	codes := strings.Join(r.Scope.OffenceCodes, ", ")
	flags := strings.Join(r.Scope.Flags, ", ")
	return []Paragraph{
		{"Counting rules", fmt.Sprintf("Every figure is counted by the rule set %q, version %d (SHA-256 %s), whose definitions follow. "+
			"An offence is in scope when its Home Office offence codes include one of %s, or it carries the flag %s.", r.Name, r.Version, r.digest, codes, flags)},
		{"De-duplication", linkage},
		{"Linkage spread", fmt.Sprintf("Linkage is never certain, so each headline figure comes with the range the linkage scores allow. "+
			"The low end counts again with the scored pairs of match probability %g or more that linkage kept apart (left for review, or merges its "+
			"cluster check refused) taken as the same person, strongest first, joining at most %d people counted apart into one, and never "+
			"pairs a person judged different; the high end keeps only the links of probability %g or more, and the pairs people judged the same. "+
			"Offences are crime records and do not depend on linkage.", r.Linkage.LooseProbability, looseMerge, r.Linkage.StrictProbability)},
		{"Periods and ages", fmt.Sprintf("An offence falls in the year its offending began, else ended, else the year it was recorded, in bands of %d years from %d. "+
			"A person's age is taken at the earliest offence in scope they were recorded in, from their date of birth on that record (or their most precise one elsewhere); "+
			"where a partial date allows two age bands the age is counted as not known.", r.Period.BandYears, r.Period.FirstYear)},
		{"Groups", fmt.Sprintf("Groups follow the national inquiry's definition of a network: two or more suspected offenders associated by offending in the same case "+
			"or against the same victim, over offences in scope. A connected set of more than %d offenders is split into its communities (Louvain modularity).", r.Group.MaxGroup)},
		{"Disclosure control", fmt.Sprintf("Counts from 1 to %d are suppressed and shown as c; the rest are rounded to the nearest %d. "+
			"Further cells are suppressed where needed so that no suppressed count can be worked out from the totals of its row or column, "+
			"and a table does not say which suppressed cells are small. Percentages are computed from unrounded counts and withheld when "+
			"their base is under %d. Headline ranges are rounded the same way.", rep.Disclosure.Threshold-1, rep.Disclosure.Base, rep.Disclosure.Threshold)},
		{"Data quality", "Data-quality measures count records, not people, so that they show how each force records. A field is recorded when the record holds a value, " +
			"and valid when the value is usable: a self-defined ethnicity code of the 18+1 list other than not stated; an officer-observed code other than IC9 (unknown); " +
			"a three-letter nationality code; a full date of birth not after the offence; a full offence date not after the date recorded; a known outcome type. " +
			"Rows a force's export held that could not be read are counted under sources, not here. " +
			"Each count is protected with the others of its measure (the forces, or the years, adding up to the whole), and a percentage is worked out " +
			"from the published counts, withheld where a count in it, or the part missing, is suppressed or small. " +
			"The sources' counts of files, rows and quarantined rows are published exactly: they count rows of exports, not people."},
		{"Limits", "A suspect is a person the police recorded as a suspect, not a person convicted. The figures count what the forces' exports hold: crimes never " +
			"recorded, and people never named, are not in them. Linkage errors move counts both ways, within the ranges shown."},
	}
}

// published is a count as a sentence gives it.
func published(c Cell) string {
	if c.Suppressed {
		return "fewer than the disclosure threshold of"
	}
	return formatCount(c.Value)
}
