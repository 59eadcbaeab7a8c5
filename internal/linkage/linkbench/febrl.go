package linkbench

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// febrlColumns is the header of every FEBRL file. soc_sec_id is never read:
// it is almost a unique key, which police records rarely carry, and the
// benchmark rules forbid it.
var febrlColumns = []string{"rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"}

// readFEBRL reads a FEBRL file: fields separated by ", ", any of them empty,
// lines ended by LF or CRLF, the last perhaps by nothing. rec_id is
// rec-N-org or rec-N-dup-k, and N is the true entity.
//
// The generator planted dates of birth that do not exist (month 13, day 0);
// they are left unknown, as a force's impossible date would be. Postcodes are
// Australian and kept as the four digits; state is not read, as suburb and
// postcode already place the address.
func readFEBRL(path, source string) ([]linkage.Record, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, pole.Errorf(pole.ENOTFOUND, "%v", err)
	}
	defer f.Close()
	dates, err := normalise.CompileDateLayouts([]string{"yyyymmdd"}, 0)
	if err != nil {
		return nil, nil, err
	}
	var recs []linkage.Record
	var truth []string
	seen := make(map[string]int)
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(strings.TrimSuffix(sc.Text(), "\r"), ", ")
		if line == 1 {
			if !slices.Equal(fields, febrlColumns) {
				return nil, nil, lineError(path, line, "header", "got columns %q, want %q", fields, febrlColumns)
			}
			continue
		}
		if len(fields) != len(febrlColumns) {
			return nil, nil, lineError(path, line, "row", "%d fields separated by \", \", want %d", len(fields), len(febrlColumns))
		}
		for i := range fields {
			// The generator's typos include stray spaces ("villa3 ").
			fields[i] = strings.TrimSpace(fields[i])
		}
		id := fields[0]
		entity, ok := febrlEntity(id)
		if !ok {
			return nil, nil, lineError(path, line, "rec_id", "%q is not rec-N-org or rec-N-dup-k", id)
		}
		if first, dup := seen[id]; dup {
			return nil, nil, lineError(path, line, "rec_id", "%q is already given at line %d", id, first)
		}
		seen[id] = line
		dob, err := febrlDate(dates, fields[9])
		if err != nil {
			return nil, nil, lineError(path, line, "date_of_birth", "%v", err)
		}
		r := linkage.Record{
			Source:   source,
			ID:       id,
			Forename: fields[1],
			Surname:  fields[2],
			Premises: fields[3],
			// address_2 is a second address line, often a property name;
			// it stays with the street so that no part of the address is lost.
			Street:   strings.TrimSpace(fields[4] + " " + fields[5]),
			Locality: fields[6],
			DOB:      dob,
		}
		if fields[7] != "" {
			r.Postcodes = []string{fields[7]}
		}
		recs = append(recs, r)
		truth = append(truth, entity)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, pole.E("read "+path, err)
	}
	if line == 0 {
		return nil, nil, lineError(path, 1, "header", "the file is empty")
	}
	return recs, truth, nil
}

// febrlEntity returns N of rec-N-org or rec-N-dup-k.
func febrlEntity(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, "rec-")
	if !ok {
		return "", false
	}
	n, kind, ok := strings.Cut(rest, "-")
	if !ok || !allDigits(n) {
		return "", false
	}
	if k, dup := strings.CutPrefix(kind, "dup-"); !(kind == "org" || dup && allDigits(k)) {
		return "", false
	}
	return n, true
}

// febrlDate reads yyyymmdd. Eight digits that are no date are a planted
// error and give no date; anything else is a misread file.
func febrlDate(dates *normalise.DateParser, s string) (pole.PartialDate, error) {
	if s == "" {
		return pole.PartialDate{}, nil
	}
	if len(s) != 8 || !allDigits(s) {
		return pole.PartialDate{}, fmt.Errorf("%q is not yyyymmdd", s)
	}
	d, err := dates.Parse(s)
	if err != nil {
		return pole.PartialDate{}, nil
	}
	return d, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
