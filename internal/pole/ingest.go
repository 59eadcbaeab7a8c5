package pole

import "time"

// QuarantinedRow is a row of an export that could not be taken, kept with
// what was wrong so that a person can put it right: nothing read is lost.
type QuarantinedRow struct {
	ID     string
	Field  string // the column (or JSON path) as the file names it; empty for the whole row
	Value  string
	Reason string
	Raw    string // the row as read
	Provenance
}

// IngestNote is a value taken differently from how it was written: a
// contact detail left out because it could not be read (a warning), or
// double-decoded text put right (a repair).
type IngestNote struct {
	ID     string
	Kind   string // "warning" or "repair"
	Field  string
	Value  string // as written
	Detail string // the reason, or the repaired text
	Provenance
}

// Involvement is a person record's part in a case when a force keeps its
// people in a nominal index apart from its cases: the link table's row.
type Involvement struct {
	ID        string
	CaseID    string
	MentionID string
	Role      Role
	Provenance
	CreatedAt time.Time
}

// RecordVersion is an earlier version of a case or a person record, kept
// when a newer export changed it: what it said, which export said it, and
// which export replaced it.
type RecordVersion struct {
	ID         string
	Kind       string // "case" or "mention"
	RecordID   string
	Version    int
	Data       string // the record as it was, in JSON
	SourceID   string // the export it came from
	ReplacedBy string // the export that replaced it
	ReplacedAt time.Time
}
