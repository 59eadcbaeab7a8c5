package stats

import "time"

// Report is the nature-and-scale report: headline counts with their
// linkage spread, the tables behind them, the data-quality figures, and
// the methods, all after disclosure control. Nothing in it is a raw count
// but the sources' files, rows and quarantined rows, which count rows of
// exports, not people: a Report can be written out as it is.
type Report struct {
	Title     string    `json:"title"`
	Generated time.Time `json:"generated"`
	// Rules is the counting-rule set used, with its version and digest;
	// every table and headline names the rule of Rules it counts by.
	Rules      RuleSummary  `json:"rules"`
	Disclosure Disclosure   `json:"disclosure"`
	Linkage    LinkageBasis `json:"linkage"`
	Headlines  []Headline   `json:"headlines"`
	Tables     []*Table     `json:"tables"`
	Quality    []*Quality   `json:"quality"`
	// Sources lists the exports the counts were made from, per force.
	Sources []SourceSummary `json:"sources"`
	// Methods is the methods section: paragraphs written from the rule set
	// and the run, in order, each with a heading.
	Methods []Paragraph `json:"methods"`

	// sourceIDs are the exports counted, for the audit log.
	sourceIDs []string
}

// RuleSummary names the counting-rule set and gives each rule's
// definition as published.
type RuleSummary struct {
	Name        string       `json:"name"`
	Version     int          `json:"version"`
	Digest      string       `json:"digest"` // SHA-256 of the rule file, hex
	Definitions []Definition `json:"definitions"`
}

// Definition is one counting rule as a reader sees it.
type Definition struct {
	ID   string `json:"id"`   // "victim"
	Name string `json:"name"` // "Victim"
	Text string `json:"text"` // what counts, in a sentence or two
}

// LinkageBasis says which linkage the de-duplicated counts rest on and
// what the spread beside each headline means.
type LinkageBasis struct {
	RunID        string  `json:"run_id"`
	ModelVersion int     `json:"model_version"`
	Entities     Cell    `json:"entities"`    // the people (linked entities and records not linked yet) of every role counted over
	StrictAt     float64 `json:"strict_at"`   // the match probability the "high" counts keep links at or above
	LooseAt      float64 `json:"loose_at"`    // the probability the "low" counts also merge review pairs at or above
	LooseMerge   int     `json:"loose_merge"` // how many people counted apart the "low" counts join into one at most
}

// Headline is one headline figure with its spread: Low is the count if
// every uncertain pair at or above LooseAt were the same person, High if
// only links at or above StrictAt were.
type Headline struct {
	ID    string `json:"id"` // "victims"
	Label string `json:"label"`
	Rule  string `json:"rule"`
	Value Cell   `json:"value"`
	Low   Cell   `json:"low"`
	High  Cell   `json:"high"`
	// Records is how many person or case records the count was made from.
	Records Cell `json:"records"`
}

// Quality is one data-quality measure over records, per force and per
// year: how many records it applies to, how many have the field recorded,
// and how many of those hold a valid value. Rates whose denominator is
// below the disclosure threshold are withheld.
type Quality struct {
	ID      string          `json:"id"` // "suspect-ethnicity-self"
	Label   string          `json:"label"`
	Rule    string          `json:"rule"` // the rule that says which records it applies to
	Field   string          `json:"field"`
	Overall QualityFigure   `json:"overall"`
	ByForce []QualityFigure `json:"by_force"`
	ByYear  []QualityFigure `json:"by_year"`
}

// QualityFigure is one measure for one force or year ("" and 0 for all).
type QualityFigure struct {
	Force    string `json:"force,omitempty"`
	Year     int    `json:"year,omitempty"`
	Records  Cell   `json:"records"`
	Recorded Cell   `json:"recorded"`
	Valid    Cell   `json:"valid"`
	// Completeness is Recorded/Records and Validity Valid/Recorded, as
	// percentages to one decimal place, computed from the unrounded
	// counts; Withheld when the denominator is below the threshold.
	Completeness Rate `json:"completeness"`
	Validity     Rate `json:"validity"`
}

// Rate is a published percentage, or withheld.
type Rate struct {
	Percent  float64 `json:"percent"`
	Withheld bool    `json:"withheld,omitempty"`
}

// SourceSummary is what one force sent.
type SourceSummary struct {
	Force       string `json:"force"`
	Files       int    `json:"files"`
	Rows        int    `json:"rows"`
	Quarantined int    `json:"quarantined"`
}

// Paragraph is a part of the methods section.
type Paragraph struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// FormatHeadline is a headline figure as a line of text gives it: the
// value and its range, suppressed values as "c".
func FormatHeadline(h Headline) string {
	cell := func(c Cell) string {
		if c.Suppressed {
			return "c"
		}
		return formatCount(c.Value)
	}
	return cell(h.Value) + " (range " + cell(h.Low) + " to " + cell(h.High) + ")"
}
