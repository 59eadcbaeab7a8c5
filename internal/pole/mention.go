package pole

import (
	"regexp"
	"slices"
	"time"
)

// Role is the part a person plays in a case.
type Role string

const (
	RoleVictim  Role = "victim"
	RoleSuspect Role = "suspect"
	RoleWitness Role = "witness"
	RoleOther   Role = "other"
)

// Roles lists every role.
var Roles = []Role{RoleVictim, RoleSuspect, RoleWitness, RoleOther}

// Sex as recorded: M, F, X (neither, or indeterminate), or "" when not recorded.
var Sexes = []string{"M", "F", "X"}

// PremisesTypes are the kinds of place that matter in group-based exploitation.
var PremisesTypes = []string{
	"residence", "flat", "hotel", "takeaway", "taxi_office", "shop",
	"care_home", "school", "park", "vehicle", "other",
}

// Vulnerabilities are the markers a record can carry on a person.
var Vulnerabilities = []string{
	"looked_after",          // in local authority care
	"out_of_area_placement", // placed in care outside the home authority
	"missing_episodes",      // repeated missing or absent episodes
	"disability",
	"learning_disability",
	"mental_health",
	"substance_misuse",
	"child_protection", // known to children's social care
	"pregnancy",
}

// Address is a location named in a record.
type Address struct {
	Text     string `json:"text,omitempty"`
	Postcode string `json:"postcode,omitempty"` // canonical UK form: "SW1A 1AA"
	Premises string `json:"premises,omitempty"` // from PremisesTypes
}

// Mention is one appearance of a person in one record: in a case with a role,
// or in a force's nominal index (CaseID empty). Names are kept as written;
// linkage decides who is the same person.
type Mention struct {
	ID       string
	Force    string // the force of the mention's source
	CaseID   string // empty for a nominal index entry
	RecordID string // the person's reference as the export gives it, unique within its source
	Role     Role

	Forename      string
	MiddleNames   string
	Surname       string
	NameAsWritten string   // the name field exactly as exported
	Aliases       []string // aliases, nicknames, street names

	DOB               PartialDate
	Sex               string
	EthnicitySelf     string // self-defined, SDE 18+1 code
	EthnicityObserved string // officer-observed IC code
	Nationality       string // ISO 3166-1 alpha-3, e.g. GBR

	Addresses       []Address
	Phones          []string // E.164
	Vehicles        []string // registration marks, upper case without spaces
	Vulnerabilities []string // from Vulnerabilities

	// Pseudonym stands for a person whose identity is sealed (a victim, or
	// a nominal index entry that may be one) everywhere the identity is not
	// shown, as in V-7K3QX-M2A9P. The store sets it; it is empty for
	// everyone else.
	Pseudonym string

	Provenance
	Version int
	// UpdatedAt is when the mention was last changed after it was loaded;
	// zero until then. A mention is created when its source is loaded, so its
	// force and creation time are its source's and are not kept twice.
	UpdatedAt time.Time
}

var (
	postcodePattern = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$`)
	phonePattern    = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	vehiclePattern  = regexp.MustCompile(`^[A-Z0-9]{1,8}$`)
)

// IsNationality reports whether s has the form of an ISO 3166-1 alpha-3
// code (three capital letters), as a stored nationality must.
func IsNationality(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Validate checks that m can be stored, naming the first field at fault.
// Values are checked in the canonical forms that ingest normalises to.
func (m *Mention) Validate() error {
	if err := validateID(m.ID); err != nil {
		return err
	}
	if _, ok := ForceByCode(m.Force); !ok {
		return Invalid("force", "unknown force code %q", m.Force)
	}
	if err := validateOptionalID("case_id", m.CaseID); err != nil {
		return err
	}
	if m.RecordID == "" {
		return Invalid("record_id", "is required")
	}
	if !slices.Contains(Roles, m.Role) {
		return Invalid("role", "unknown role %q (victim, suspect, witness or other)", m.Role)
	}
	if m.Forename == "" && m.Surname == "" && m.NameAsWritten == "" && len(m.Aliases) == 0 {
		return Invalid("surname", "a person needs at least one name, alias or name as written")
	}
	if err := validateDate("dob", m.DOB); err != nil {
		return err
	}
	if m.Sex != "" && !slices.Contains(Sexes, m.Sex) {
		return Invalid("sex", "unknown sex %q (M, F or X)", m.Sex)
	}
	if m.EthnicitySelf != "" {
		if _, ok := SelfDefinedEthnicity(m.EthnicitySelf); !ok {
			return Invalid("ethnicity_self", "unknown self-defined ethnicity code %q", m.EthnicitySelf)
		}
	}
	if m.EthnicityObserved != "" {
		if _, ok := ObservedEthnicity(m.EthnicityObserved); !ok {
			return Invalid("ethnicity_observed", "unknown officer-observed ethnicity code %q", m.EthnicityObserved)
		}
	}
	if m.Nationality != "" && !IsNationality(m.Nationality) {
		return Invalid("nationality", "%q is not an ISO 3166-1 alpha-3 code", m.Nationality)
	}
	for _, a := range m.Addresses {
		if a.Text == "" && a.Postcode == "" {
			return Invalid("addresses", "an address needs text or a postcode")
		}
		if a.Postcode != "" && !postcodePattern.MatchString(a.Postcode) {
			return Invalid("addresses", "%q is not a UK postcode in canonical form (SW1A 1AA)", a.Postcode)
		}
		if a.Premises != "" && !slices.Contains(PremisesTypes, a.Premises) {
			return Invalid("addresses", "unknown premises type %q", a.Premises)
		}
	}
	for _, p := range m.Phones {
		if !phonePattern.MatchString(p) {
			return Invalid("phones", "%q is not an E.164 number (+447700900123)", p)
		}
	}
	for _, v := range m.Vehicles {
		if !vehiclePattern.MatchString(v) {
			return Invalid("vehicles", "%q is not a registration mark in upper case without spaces", v)
		}
	}
	for _, v := range m.Vulnerabilities {
		if !slices.Contains(Vulnerabilities, v) {
			return Invalid("vulnerabilities", "unknown marker %q", v)
		}
	}
	return m.Provenance.validate()
}

// MentionFilter selects mentions; zero fields match everything.
// MaxFilterIDs is the most ids a filter may list: a search ranks its
// candidates before it asks the store for them.
const MaxFilterIDs = 1000

type MentionFilter struct {
	Force string
	// Reach, when not nil, is the access policy's filter, applied inside
	// the query.
	Reach    *Reach
	SourceID string
	CaseID   string
	RecordID string
	Role     Role
	Surname  string // exact, ignoring case
	// IDs, when not nil, limits the mentions to these, at most
	// MaxFilterIDs of them; an empty, non-nil list matches nothing.
	IDs    []string
	Offset int
	Limit  int
}
