package linkage

import "github.com/caselink/caselink/internal/pole"

// Record is one person record as linkage sees it: the identifying fields of a
// mention, or of a row of a benchmark file. Text fields may be given as
// written; Prepare normalises them with normalise.NameKey. A field left empty
// is missing and neither agrees nor disagrees.
type Record struct {
	// Source names the file or system the record came from; ID is the
	// record's reference within it, exactly as the source gives it. Together
	// they identify the record.
	Source string
	ID     string
	// Key is the stored mention id, when the record was loaded from a store.
	Key string

	Forename    string
	MiddleNames string
	Surname     string
	Aliases     []string // other names the person is known by, each as written

	DOB pole.PartialDate
	Sex string // "M", "F" or empty

	// Address parts. Postcodes are UK postcodes in any spelling; a record
	// that is not from the UK may put its postal code in Postcodes too.
	Postcodes []string
	Premises  string // house number or name
	Street    string
	Locality  string // suburb, town or city

	Phones   []string // E.164
	Vehicles []string // registration marks
	Email    string

	// Cases are the cases the record is recorded in, by keys unique across
	// sources. Two records of one case are almost always two people; two
	// records whose cases name a third person in common are likelier one
	// (the "associates" comparison).
	Cases []string
}
