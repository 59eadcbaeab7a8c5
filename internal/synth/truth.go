package synth

import (
	"path"
	"strconv"
	"strings"
)

// truthFiles are the answers: who each record really is, which group each
// person belongs to, which cases were closed too early and why, and which
// rows carry planted defects.
type truthFiles struct {
	sum                                        *Summary
	mentions, persons, cases, defects, quality *sink
}

func newTruthFiles(out string, seed uint64, sum *Summary) (*truthFiles, error) {
	t := &truthFiles{sum: sum}
	specs := []struct {
		dst  **sink
		name string
		cols []string
	}{
		{&t.mentions, "mentions.csv", []string{"source_file", "record_id", "person_id"}},
		{&t.persons, "persons.csv", []string{"person_id", "group_id"}},
		{&t.cases, "cases.csv", []string{"force", "case_ref", "closed_too_early", "signals"}},
		{&t.defects, "defects.csv", []string{"source_file", "row", "field", "reason"}},
		{&t.quality, "quality.csv", []string{"force", "field", "role", "recorded_rate"}},
	}
	for _, sp := range specs {
		s, err := newSink(out, path.Join("truth", sp.name), ',', false)
		if err != nil {
			t.close()
			return nil, err
		}
		*sp.dst = s
		sum.Files = append(sum.Files, s.rel)
		// The banner is a comment line: truth files are read by caselink's
		// own tests and benchmarks, which skip lines starting with #.
		if err := s.line("# " + banner(seed)); err != nil {
			return nil, err
		}
		if err := s.header(sp.cols...); err != nil {
			return nil, err
		}
	}
	if err := t.plantedQuality(); err != nil {
		return nil, err
	}
	return t, nil
}

// plantedQuality writes the rate at which each force's export records a
// field for a role: what a data-quality measure over the exports should
// find, before the few rows with planted defects are quarantined.
func (t *truthFiles) plantedQuality() error {
	for _, f := range forceSpecs {
		for _, role := range []string{"suspect", "victim"} {
			missing := f.q.victimEthnicityMissing
			if role == "suspect" {
				missing = f.q.suspectEthnicityMissing
			}
			observed := 1 - missing
			if f.layout == layoutNominal {
				observed = 0 // a nominal index holds self-defined ethnicity only
			}
			rates := []struct {
				field string
				rate  float64
			}{
				{"ethnicity_self", 1 - missing},
				{"ethnicity_observed", observed},
				{"nationality", 1 - missing/2},
				{"dob", 1 - f.q.dobMissing},
			}
			for _, r := range rates {
				if _, err := t.quality.row([]string{f.code, r.field, role, strconv.FormatFloat(r.rate, 'f', 4, 64)}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// mention records that source_file's record_id describes person_id. The
// source file is named relative to exports/, as ingest records it.
func (t *truthFiles) mention(file, recordID, personID string) error {
	t.sum.Mentions++
	_, err := t.mentions.row([]string{strings.TrimPrefix(file, "exports/"), recordID, personID})
	return err
}

func (t *truthFiles) person(p *person) error {
	_, err := t.persons.row([]string{p.id, p.groupID})
	return err
}

func (t *truthFiles) caseRow(force string, c *caseRec) error {
	cte := "false"
	if c.closedTooEarly {
		cte = "true"
	}
	_, err := t.cases.row([]string{force, c.ref, cte, strings.Join(c.signals, "|")})
	return err
}

func (t *truthFiles) defect(file string, row int, field, reason string) error {
	t.sum.Defects++
	_, err := t.defects.row([]string{strings.TrimPrefix(file, "exports/"), strconv.Itoa(row), field, reason})
	return err
}

func (t *truthFiles) close() error {
	var first error
	for _, s := range []*sink{t.mentions, t.persons, t.cases, t.defects, t.quality} {
		if s == nil {
			continue
		}
		if err := s.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
