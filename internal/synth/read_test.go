package synth

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// A reader of the synthetic exports for the tests: just enough of each
// layout to check the data set against its truth. Ingest proper reads them
// through mapping profiles.

type exportRow struct {
	file     string // relative to exports/
	recordID string
	caseRef  string
	role     string // victim, suspect, witness
	forename string
	surname  string
	dob      string // as written
	sde      string // as written: code or label
	markers  string // as written
	from     string // offence from, as written
}

type csvFile struct {
	header []string
	rows   [][]string
}

func readCSV(t *testing.T, path string, comma rune, cp1252 bool) csvFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if cp1252 {
		r = charmap.Windows1252.NewDecoder().Reader(r)
	}
	br := bufio.NewReader(r)
	if _, err := br.ReadString('\n'); err != nil { // the banner
		t.Fatal(err)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	all, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return csvFile{header: all[0], rows: all[1:]}
}

func (c csvFile) col(row []string, name string) string {
	for i, h := range c.header {
		if h == name {
			return row[i]
		}
	}
	panic("no column " + name)
}

func readExports(t *testing.T, out string) []exportRow {
	t.Helper()
	var rows []exportRow
	for _, f := range forceSpecs {
		dir := filepath.Join(out, "exports", f.code)
		file := strings.ToLower(f.prefix)
		rel := func(name string) string { return f.code + "/" + name }
		switch f.layout {
		case layoutNicheCSV:
			name := file + "_occurrence_nominals.csv"
			c := readCSV(t, filepath.Join(dir, name), ',', false)
			for _, r := range c.rows {
				rows = append(rows, exportRow{rel(name), c.col(r, "PersonRef"), c.col(r, "OccurrenceRef"), strings.ToLower(c.col(r, "Role")),
					c.col(r, "Forename"), c.col(r, "Surname"), c.col(r, "DOB"), c.col(r, "SelfDefinedEthnicity"), c.col(r, "Vulnerabilities"), c.col(r, "OffenceFromDate")})
			}
		case layoutAthenaSemi:
			name := file + "_crime_export.csv"
			c := readCSV(t, filepath.Join(dir, name), ';', true)
			for _, r := range c.rows {
				surname, forenames, _ := strings.Cut(c.col(r, "Name"), ", ")
				rows = append(rows, exportRow{rel(name), c.col(r, "Nominal Id"), c.col(r, "Crime Number"), strings.ToLower(c.col(r, "Involvement")),
					strings.Fields(forenames + " ")[0], surname, c.col(r, "Date of Birth"), c.col(r, "Ethnicity (SDE)"), c.col(r, "Warning Markers"), c.col(r, "Committed From")})
			}
		case layoutConnectTab:
			name := file + "_connect_extract.tsv"
			c := readCSV(t, filepath.Join(dir, name), '\t', false)
			roles := map[string]string{"VIC": "victim", "SUS": "suspect", "WIT": "witness", "OTH": "other"}
			for _, r := range c.rows {
				rows = append(rows, exportRow{rel(name), c.col(r, "INVOLVEMENT_ID"), c.col(r, "CRIME_REF"), roles[c.col(r, "ROLE")],
					strings.Fields(c.col(r, "GIVEN_NAMES") + " ")[0], c.col(r, "FAMILY_NAME"), c.col(r, "BIRTH_DATE"), c.col(r, "SDE_CODE"), c.col(r, "MARKERS"), c.col(r, "OFFENCE_START")})
			}
		case layoutJSONLines:
			name := file + "_occurrences.jsonl"
			fh, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(fh)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			sc.Scan() // the banner object
			for sc.Scan() {
				var c struct {
					Ref     string
					Offence struct{ From string }
					People  []struct {
						Ref, Role, DOB string
						Name           struct{ Given, Family string }
						Ethnicity      map[string]any
						Markers        []string
					}
				}
				if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, p := range c.People {
					sde, _ := p.Ethnicity["self"].(string)
					rows = append(rows, exportRow{rel(name), p.Ref, c.Ref, p.Role, p.Name.Given, p.Name.Family, p.DOB, sde, strings.Join(p.Markers, ";"), c.Offence.From})
				}
			}
			fh.Close()
		case layoutNominal:
			idx := readCSV(t, filepath.Join(dir, file+"_nominal_index.csv"), ',', false)
			occ := readCSV(t, filepath.Join(dir, file+"_occurrences.csv"), ',', false)
			links := readCSV(t, filepath.Join(dir, file+"_occurrence_nominal_links.csv"), ',', false)
			nominals := map[string][]string{}
			for _, r := range idx.rows {
				nominals[idx.col(r, "NOMINAL_REF")] = r
			}
			from := map[string]string{}
			for _, r := range occ.rows {
				from[occ.col(r, "URN")] = occ.col(r, "FROM")
			}
			roles := map[string]string{"V": "victim", "S": "suspect", "W": "witness", "O": "other"}
			for _, l := range links.rows {
				ref := links.col(l, "NOMINAL_REF")
				n, ok := nominals[ref]
				if !ok {
					t.Fatalf("%s: link to nominal %s that the index lacks", f.code, ref)
				}
				urn := links.col(l, "URN")
				rows = append(rows, exportRow{rel(file + "_nominal_index.csv"), ref, urn, roles[links.col(l, "INVOLVEMENT")],
					strings.Fields(idx.col(n, "FORENAMES") + " ")[0], idx.col(n, "SURNAME"), idx.col(n, "DOB"), idx.col(n, "ETHNICITY"), idx.col(n, "MARKERS"), from[urn]})
			}
		}
	}
	return rows
}

// readTruth reads a truth file, skipping its comment banner.
func readTruth(t *testing.T, out, name string) csvFile {
	t.Helper()
	f, err := os.Open(filepath.Join(out, "truth", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	all, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return csvFile{header: all[0], rows: all[1:]}
}
