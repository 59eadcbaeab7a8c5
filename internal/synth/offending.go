package synth

import (
	"math"
	"slices"

	"github.com/caselink/caselink/internal/pole"
)

// caseRec is one case as the owning force records it: the crime, the people
// in it as recorded (with the force's errors), and the events.
type caseRec struct {
	force          int
	ref            string
	offenceCodes   []string
	from, to       pole.PartialDate
	recorded       pole.PartialDate
	outcome        int
	outcomeDate    pole.PartialDate
	decisionMaker  string
	rationale      string
	narrative      string
	flags          []string
	people         []*mentionRec
	closedTooEarly bool
	signals        []string
}

// mentionRec is one person in one case, as recorded.
type mentionRec struct {
	p         *person
	role      pole.Role
	recordID  string
	forename  string
	middle    string
	surname   string
	aliases   []string
	dob       pole.PartialDate
	sex       string
	sde, ic   string
	national  string
	addr      *address
	phones    []string
	vehicles  []string
	vuln      []string
	events    []eventRec
	defect    string // a planted defect: "dob" or "ethnicity"
	defectWhy string
}

type eventRec struct {
	typ  string
	date pole.PartialDate
}

// group is a network: offenders who abuse victims together, around shared
// venues, cars and phones.
type group struct {
	id        string
	offenders []*person
	victims   []*person
	venues    []address
	first     int // first and last year of offending
	last      int
	forces    []int // home force, then any neighbour it reaches into
}

const (
	firstYear = 2005
	lastYear  = 2025
)

func (g *generator) makeGroup() {
	g.nextGroup++
	gr := &group{id: "G" + pad(g.nextGroup, 6)}
	home := g.r.IntN(len(forceSpecs))
	gr.forces = []int{home}
	if nb := forceSpecs[home].neighbours; len(nb) > 0 && g.r.Float64() < 0.25 {
		gr.forces = append(gr.forces, forceIndex(nb[g.r.IntN(len(nb))]))
	}
	gr.first = firstYear + g.r.IntN(lastYear-firstYear-1)
	gr.last = min(lastYear, gr.first+g.r.IntN(6))

	// Group sizes fall off with size: most groups are small, a few large.
	n := 2
	for n < 15 && g.r.Float64() < 0.62 {
		n++
	}
	dominant := g.community(pickShare(g.r, groupOffenderMix))
	for i := range n {
		comm := dominant
		if g.r.Float64() < 0.2 {
			comm = g.community(pickShare(g.r, groupOffenderMix))
		}
		f := gr.forces[0]
		if len(gr.forces) > 1 && i%3 == 2 {
			f = gr.forces[1]
		}
		sex := "M"
		if g.r.Float64() < 0.03 {
			sex = "F"
		}
		p := g.newPerson(comm, sex, gr.first-18-g.r.IntN(30), f, gr.id)
		g.equipOffender(p)
		gr.offenders = append(gr.offenders, p)
	}
	// Shared phones and cars: some offenders use another's.
	for _, p := range gr.offenders {
		if g.r.Float64() < 0.15 {
			other := gr.offenders[g.r.IntN(len(gr.offenders))]
			if other != p && len(other.phones) > 0 {
				p.phones = append(p.phones, other.phones[0])
			}
		}
		if g.r.Float64() < 0.15 {
			other := gr.offenders[g.r.IntN(len(gr.offenders))]
			if other != p && len(other.vehicles) > 0 {
				p.vehicles = append(p.vehicles, other.vehicles[0])
			}
		}
	}
	for range 1 + g.r.IntN(4) {
		kind := []string{"takeaway", "taxi_office", "hotel", "flat", "flat", "takeaway"}[g.r.IntN(6)]
		gr.venues = append(gr.venues, g.address(gr.forces[g.r.IntN(len(gr.forces))], kind))
	}
	nv := max(2, int(math.Round(float64(n)*(0.8+1.2*g.r.Float64()))))
	for i := range nv {
		f := gr.forces[0]
		if len(gr.forces) > 1 && i%2 == 1 {
			f = gr.forces[1]
		}
		gr.victims = append(gr.victims, g.newVictim(gr.first, f, gr.id))
	}
	g.sum.Groups++
	g.groupCases(gr)
}

// makeLoneOffender makes one man who abuses one or two children alone.
func (g *generator) makeLoneOffender() {
	home := g.r.IntN(len(forceSpecs))
	first := firstYear + g.r.IntN(lastYear-firstYear)
	gr := &group{first: first, last: min(lastYear, first+g.r.IntN(3)), forces: []int{home}}
	p := g.newPerson(g.community(pickShare(g.r, loneOffenderMix)), "M", first-18-g.r.IntN(40), home, "")
	g.equipOffender(p)
	gr.offenders = []*person{p}
	for range 1 + g.r.IntN(2) {
		gr.victims = append(gr.victims, g.newVictim(first, home, ""))
	}
	if g.r.Float64() < 0.3 {
		gr.venues = []address{p.home}
	}
	g.groupCases(gr)
}

func (g *generator) equipOffender(p *person) {
	g.giveAliases(p)
	for range 1 + g.r.IntN(2) {
		if g.r.Float64() < 0.85 {
			p.phones = append(p.phones, g.phone())
		}
	}
	if g.r.Float64() < 0.55 {
		p.vehicles = append(p.vehicles, g.vehicle())
	}
}

// newVictim makes a child aged 11 to 17 when the abuse began. About half
// are looked after, more than a third disabled, many repeatedly missing
// (IICSA's findings; reference/domain.md).
func (g *generator) newVictim(firstYear, force int, groupID string) *person {
	sex := "F"
	if g.r.Float64() < 0.12 {
		sex = "M"
	}
	age := 11 + g.r.IntN(7)
	p := g.newPerson(g.populationCommunity(), sex, firstYear-age, force, groupID)
	if g.r.Float64() < 0.5 {
		p.vuln = append(p.vuln, "looked_after")
		if g.r.Float64() < 0.3 {
			p.vuln = append(p.vuln, "out_of_area_placement")
		}
	}
	if g.r.Float64() < 0.38 {
		p.vuln = append(p.vuln, []string{"disability", "learning_disability", "mental_health"}[g.r.IntN(3)])
	}
	if g.r.Float64() < 0.6 {
		p.vuln = append(p.vuln, "missing_episodes")
	}
	if g.r.Float64() < 0.2 {
		p.vuln = append(p.vuln, "substance_misuse")
	}
	if g.r.Float64() < 0.3 {
		p.vuln = append(p.vuln, "child_protection")
	}
	return p
}

// groupCases records each victim's abuse as one or more cases, each naming
// some of the group's offenders, in the force where it was reported.
func (g *generator) groupCases(gr *group) {
	for _, v := range gr.victims {
		nc := 1
		for nc < 4 && g.r.Float64() < 0.25 {
			nc++
		}
		for range nc {
			f := v.force
			if len(gr.forces) > 1 && g.r.Float64() < 0.2 {
				f = gr.forces[g.r.IntN(len(gr.forces))]
			}
			// The abuse of a child: never past the victim's eighteenth year.
			year := min(gr.first+g.r.IntN(gr.last-gr.first+1), v.dob.Year+17)
			var suspects []*person
			ns := 1 + g.r.IntN(min(3, len(gr.offenders)))
			for len(suspects) < ns {
				// Earlier offenders are the group's core: they appear most.
				k := int(float64(len(gr.offenders)) * g.r.Float64() * g.r.Float64())
				if s := gr.offenders[k]; !slices.Contains(suspects, s) {
					suspects = append(suspects, s)
				}
			}
			g.makeCase(gr, f, year, v, suspects)
		}
	}
}
