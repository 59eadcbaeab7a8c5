// Package pole is caselink's domain model: the People, Objects, Locations and
// Events of UK policing's POLE model as they arrive in force exports (sources,
// cases, mentions of people, events), the code lists they are checked against,
// and the one error type every other package speaks. It has no I/O: storage,
// ingest and the web all speak in these types.
package pole

import (
	"regexp"
	"time"
)

// Provenance says where a stored value came from: the export file and the
// 1-based data row within it. Every case, mention and event has one.
type Provenance struct {
	SourceID  string
	SourceRow int
}

func (p Provenance) validate() error {
	if p.SourceID == "" {
		return Invalid("source_id", "is required: every stored value must say which export it came from")
	}
	if p.SourceRow < 1 {
		return Invalid("source_row", "must be 1 or more, got %d", p.SourceRow)
	}
	return nil
}

// Source is one export file from one force.
type Source struct {
	ID         string
	Force      string // code from Forces()
	System     string // records system that produced it: Niche, Athena, Connect, ...
	FileName   string
	Profile    string // mapping profile it was read with
	ReceivedAt time.Time
	SHA256     string // hex of the file's bytes; the same file is never stored twice
	RowCount   int
	LoadedBy   string // who loaded it: the collection of personal data is theirs
	CreatedAt  time.Time
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks that s can be stored.
func (s *Source) Validate() error {
	if err := validateID(s.ID); err != nil {
		return err
	}
	if _, ok := ForceByCode(s.Force); !ok {
		return Invalid("force", "unknown force code %q", s.Force)
	}
	if s.FileName == "" {
		return Invalid("file_name", "is required")
	}
	if !sha256Hex.MatchString(s.SHA256) {
		return Invalid("sha256", "must be 64 lower-case hex digits, got %q", s.SHA256)
	}
	if s.RowCount < 0 {
		return Invalid("row_count", "must not be negative, got %d", s.RowCount)
	}
	if s.ReceivedAt.IsZero() {
		return Invalid("received_at", "is required")
	}
	return nil
}

// SourceFilter selects sources; zero fields match everything.
type SourceFilter struct {
	Force  string
	SHA256 string
	Offset int
	Limit  int
}

// IsID reports whether id is a UUID in canonical lower-case form. Checked by
// hand: it runs for every row of a bulk load.
func IsID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := id[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

func validateID(id string) error {
	if !IsID(id) {
		return Invalid("id", "must be a lower-case UUID, got %q", id)
	}
	return nil
}

func validateOptionalID(field, id string) error {
	if id != "" && !IsID(id) {
		return Invalid(field, "must be a lower-case UUID, got %q", id)
	}
	return nil
}
