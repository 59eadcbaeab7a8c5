package stats

import (
	"context"
	"slices"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// part is one part a person record plays in a case: its own case's role,
// or a role a force's link table gives a nominal record.
type part struct {
	rec  int32
	cas  int32
	role pole.Role
}

// dataset is what a report is counted from, read from the store once:
// cases, person records with their linked entity, the parts records play
// in cases, and the scored pairs that make the linkage spread.
type dataset struct {
	cases   []*pole.Case
	inScope []bool
	dates   []pole.PartialDate // when each case's offending began, as far as known
	people  []store.StatsPerson
	parts   []part
	// entity[i] is record i's person in the linkage as stored, as a dense
	// index; a record not linked yet is a person of its own.
	entity   []int32
	entities int
	// pairs are scored pairs between records, both ends known.
	pairs      []scoredPair
	judgements []judgement
	sources    []store.SourceTally
	run        *store.LinkRun
	model      *store.LinkModel
}

type scoredPair struct {
	a, b   int32
	p      float64
	review bool
}

type judgement struct {
	a, b int32
	same bool // else "different"; "unsure" is not kept
}

// load reads the dataset. The scored pairs kept are those of at least the
// loose probability, the lowest the spread looks at.
func load(ctx context.Context, st *store.Store, r *Rules) (*dataset, error) {
	d := &dataset{}
	var err error
	// The person records are the slow read; cases, pairs and the rest
	// are read beside it.
	people := make(chan error, 1)
	var sp *store.StatsPeople
	go func() {
		var err error
		sp, err = st.LoadPeopleForStats(ctx)
		people <- err
	}()
	if d.cases, err = st.LoadCasesForStats(ctx); err != nil {
		<-people
		return nil, err
	}
	var rawPairs []store.ScoredPair
	for p, err := range st.ScanScoredPairs(ctx, r.Linkage.LooseProbability) {
		if err != nil {
			<-people
			return nil, err
		}
		rawPairs = append(rawPairs, p)
	}
	involvements, err := st.LoadInvolvements(ctx)
	if err != nil {
		<-people
		return nil, err
	}
	judgements, err := st.FindJudgements(ctx)
	if err != nil {
		<-people
		return nil, err
	}
	if d.sources, err = st.TallySources(ctx); err != nil {
		<-people
		return nil, err
	}
	if err := <-people; err != nil {
		return nil, err
	}
	if d.run, err = st.LatestLinkRun(ctx); err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
		return nil, err
	}
	if d.model, err = st.LatestLinkModel(ctx); err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
		return nil, err
	}

	caseIndex := make(map[string]int32, len(d.cases))
	d.inScope = make([]bool, len(d.cases))
	d.dates = make([]pole.PartialDate, len(d.cases))
	for i, c := range d.cases {
		caseIndex[c.ID] = int32(i)
		d.inScope[i] = r.inScope(c)
		d.dates[i] = caseDate(c)
	}
	d.people, d.entities = sp.People, sp.Entities
	d.entity = make([]int32, len(d.people))
	for i := range d.people {
		p := &d.people[i]
		if p.Entity >= 0 {
			d.entity[i] = p.Entity
		} else {
			// A record not linked yet is a person of its own.
			d.entity[i] = int32(d.entities)
			d.entities++
		}
		if p.CaseID != "" {
			if c, ok := caseIndex[p.CaseID]; ok {
				d.parts = append(d.parts, part{int32(i), c, p.Role})
			}
		}
	}
	for _, v := range involvements {
		rec, okR := sp.Find(v.MentionID)
		c, okC := caseIndex[v.CaseID]
		if okR && okC {
			d.parts = append(d.parts, part{rec, c, v.Role})
		}
	}
	slices.SortFunc(d.parts, func(a, b part) int { return int(a.cas - b.cas) })
	for _, p := range rawPairs {
		a, okA := sp.Find(p.A)
		b, okB := sp.Find(p.B)
		if okA && okB {
			d.pairs = append(d.pairs, scoredPair{a, b, p.Probability, p.Review})
		}
	}
	for _, j := range judgements {
		a, okA := sp.Find(j.A)
		b, okB := sp.Find(j.B)
		if !okA || !okB || j.Decision == "unsure" {
			continue
		}
		d.judgements = append(d.judgements, judgement{a, b, j.Decision == "same"})
	}
	return d, nil
}
