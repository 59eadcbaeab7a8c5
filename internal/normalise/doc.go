// Package normalise turns values as forces write them into caselink's
// canonical forms: clean text, names split into their parts, postcodes, phone
// numbers in E.164, vehicle registration marks and partial dates. Ingest uses
// it to store one form of each value, and linkage uses it for comparison keys
// (NameKey), so that "O'NEILL" in one force's export meets "O’Neill" in
// another's.
package normalise
