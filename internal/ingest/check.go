package ingest

import (
	"context"
	"errors"
	"io"
	"path/filepath"

	"github.com/caselink/caselink/internal/pole"
)

// maxProblemsKept bounds the problems a check keeps to show; the count
// goes on. A profile that misreads a column fails every row alike.
const maxProblemsKept = 1000

// CheckReport is what a dry run of a profile over a file found.
type CheckReport struct {
	File        string
	Rows        int
	Quarantined int // rows with at least one problem
	Problems    []Problem
	More        int // problems found beyond those kept
	Warnings    []Problem
	MoreWarn    int
	Repairs     []Repair
	MoreRepairs int
	Samples     []*Mapped // how the first rows map
	// Unfound are the profile's JSON paths that held a value in no line:
	// most likely misspelt.
	Unfound []string
}

// Check reads the whole file through the profile and reports how the first
// sample rows map and every problem, writing nothing anywhere.
func Check(ctx context.Context, p *Profile, file string, sample int) (*CheckReport, error) {
	const op = "ingest.Check"
	if !p.Matches(file) {
		return nil, pole.E(op, pole.Invalid("file", "%s does not match the profile's files pattern %q", filepath.Base(file), p.Files))
	}
	r, err := openFile(p, file)
	if err != nil {
		return nil, pole.E(op, err)
	}
	defer r.close()
	rep := &CheckReport{File: file}
	for {
		if rep.Rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, pole.E(op, err)
			}
		}
		rec, row, err := r.next()
		if err == io.EOF {
			break
		}
		var rp *rowProblem
		if errors.As(err, &rp) {
			rep.Rows++
			rep.Quarantined++
			rep.addProblems([]Problem{{Row: rp.row, Reason: "the row " + rp.reason, Value: rp.raw}})
			continue
		}
		if err != nil {
			return nil, pole.E(op, err)
		}
		rep.Rows++
		m := p.mapRecord(rec, row)
		if len(m.Problems) > 0 {
			rep.Quarantined++
			rep.addProblems(m.Problems)
		}
		for _, w := range m.Warnings {
			if len(rep.Warnings) < maxProblemsKept {
				rep.Warnings = append(rep.Warnings, w)
			} else {
				rep.MoreWarn++
			}
		}
		for _, r := range m.Repairs {
			if len(rep.Repairs) < maxProblemsKept {
				rep.Repairs = append(rep.Repairs, r)
			} else {
				rep.MoreRepairs++
			}
		}
		if len(rep.Samples) < sample {
			rep.Samples = append(rep.Samples, m)
		}
	}
	if r.found != nil && rep.Rows > 0 {
		for _, f := range p.columns() {
			if !r.found[f.Column] {
				rep.Unfound = append(rep.Unfound, f.Column)
			}
		}
		for _, path := range []string{p.Person.Path, p.Event.Path} {
			if path != "" && !r.found[path] {
				rep.Unfound = append(rep.Unfound, path)
			}
		}
	}
	return rep, nil
}

func (r *CheckReport) addProblems(ps []Problem) {
	for _, p := range ps {
		if len(r.Problems) < maxProblemsKept {
			r.Problems = append(r.Problems, p)
		} else {
			r.More++
		}
	}
}
