package stats

import (
	"cmp"
	"slices"

	"github.com/caselink/caselink/internal/network"
	"github.com/caselink/caselink/internal/pole"
)

// partition says which person each record is: of[record] is a dense person
// index below n.
type partition struct {
	of []int32
	n  int
}

// unionFind joins sets of dense indexes.
type unionFind []int32

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = int32(i)
	}
	return u
}

func (u unionFind) find(x int32) int32 {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a != b {
		u[max(a, b)] = min(a, b)
	}
}

// dense relabels each record's set root as a dense person index.
func (u unionFind) dense(of func(rec int) int32, records int) partition {
	index := make([]int32, len(u))
	for i := range index {
		index[i] = -1
	}
	p := partition{of: make([]int32, records)}
	for i := range records {
		root := u.find(of(i))
		if index[root] < 0 {
			index[root] = int32(p.n)
			p.n++
		}
		p.of[i] = index[root]
	}
	return p
}

// headline is the linkage as stored.
func (d *dataset) headline() partition { return partition{d.entity, d.entities} }

// looseMerge is how many stored people the loose linkage joins into one
// at most.
const looseMerge = 4

// loose is the linkage with the uncertain pairs taken as the same person:
// people stored apart are joined by the scored pairs of at least at
// (linked, left for review, or merges the clusterer refused), strongest
// first, unless someone judged the records different. A join that would
// make one of more than looseMerge stored people is not made: components
// over every pair would chain a million records into a few giants.
func (d *dataset) loose(at float64) partition {
	// cannot[e] lists the people e may not join: a record of theirs was
	// judged different from one of e's. Kept per set as sets join, so that
	// no chain of pairs joins two records judged different.
	cannot := map[int32][]int32{}
	for _, j := range d.judgements {
		if ea, eb := d.entity[j.a], d.entity[j.b]; !j.same && ea != eb {
			cannot[ea] = append(cannot[ea], eb)
			cannot[eb] = append(cannot[eb], ea)
		}
	}
	order := make([]int32, 0, len(d.pairs))
	for k, p := range d.pairs {
		if p.p >= at && d.entity[p.a] != d.entity[p.b] {
			order = append(order, int32(k))
		}
	}
	slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(d.pairs[y].p, d.pairs[x].p) })
	u := newUnionFind(d.entities)
	size := make([]int32, d.entities)
	for i := range size {
		size[i] = 1
	}
	apart := func(a, b int32) bool {
		for _, c := range cannot[a] {
			if u.find(c) == b {
				return true
			}
		}
		return false
	}
	for _, k := range order {
		a, b := u.find(d.entity[d.pairs[k].a]), u.find(d.entity[d.pairs[k].b])
		if a == b || size[a]+size[b] > looseMerge || apart(a, b) || apart(b, a) {
			continue
		}
		u.union(a, b)
		root := u.find(a)
		size[root] = size[a] + size[b]
		merged := append(cannot[a], cannot[b]...)
		delete(cannot, a)
		delete(cannot, b)
		if len(merged) > 0 {
			cannot[root] = merged
		}
	}
	return u.dense(func(i int) int32 { return d.entity[i] }, len(d.people))
}

// strict is the linkage with only the links of at least at (and the pairs
// judged the same) holding records together, inside the entities stored:
// the most people the scores allow.
func (d *dataset) strict(at float64) partition {
	u := newUnionFind(len(d.people))
	for _, p := range d.pairs {
		if !p.review && p.p >= at && d.entity[p.a] == d.entity[p.b] {
			u.union(p.a, p.b)
		}
	}
	for _, j := range d.judgements {
		if j.same && d.entity[j.a] == d.entity[j.b] {
			u.union(j.a, j.b)
		}
	}
	return u.dense(func(i int) int32 { return int32(i) }, len(d.people))
}

// involved is what a partition's people did in offences in scope: for
// each person counted as a victim or offender, the earliest such offence,
// the record that shows it, and the forces whose records show it.
type involved struct {
	first  []int32 // case index of the earliest offence in scope; -1 for none
	rec    []int32 // the record of the person in that case
	force  []int16 // the one force recording the part, or multipleForces
	people int
	parts  int
}

const multipleForces = -2

func newInvolved(n int) *involved {
	v := &involved{first: make([]int32, n), rec: make([]int32, n), force: make([]int16, n)}
	for i := range v.first {
		v.first[i] = -1
		v.force[i] = -1
	}
	return v
}

func (v *involved) add(d *dataset, person int32, p part, force int16) {
	v.parts++
	if v.first[person] < 0 {
		v.people++
		v.first[person], v.rec[person], v.force[person] = p.cas, p.rec, force
		return
	}
	if v.force[person] != force {
		v.force[person] = multipleForces
	}
	if first := v.first[person]; d.earlier(p.cas, first) || p.cas == first && d.people[p.rec].ID < d.people[v.rec[person]].ID {
		v.first[person], v.rec[person] = p.cas, p.rec
	}
}

// earlier says whether case a's offending began before case b's, in an
// order that does not depend on the order the cases were read in: a dated
// case before an undated one, then by date, a more precise date before a
// less precise one that it falls in, then by case id.
func (d *dataset) earlier(a, b int32) bool {
	da, db := d.dates[a], d.dates[b]
	switch {
	case a == b:
		return false
	case da.IsZero() != db.IsZero():
		return !da.IsZero()
	case da.Before(db):
		return true
	case db.Before(da):
		return false
	case da.Precision() != db.Precision():
		return da.Precision() > db.Precision()
	}
	return d.cases[a].ID < d.cases[b].ID
}

// counted is one partition's counts: victims and offenders with their
// earliest offences, and the groups their offending forms.
type counted struct {
	victims, offenders *involved
	groups             [][]uint32 // people of each group
	// groupForces counts the forces each group spans: 1, or 2 for more.
	groupForces []int
}

// count counts victims, offenders and groups under partition pt. Groups
// are found as the network package finds them, over compact lists of who
// offended with whom and against whom.
func (d *dataset) count(r *Rules, pt partition, forces *forceIndex) (*counted, error) {
	c := &counted{victims: newInvolved(pt.n), offenders: newInvolved(pt.n)}
	var (
		co       []network.Tie
		victimOf [][2]uint32 // (victim, offender) pairs
		suspects []uint32
		victims  []uint32
	)
	flush := func() {
		slices.Sort(suspects)
		suspects = slices.Compact(suspects)
		slices.Sort(victims)
		victims = slices.Compact(victims)
		for i, a := range suspects {
			for _, b := range suspects[i+1:] {
				co = append(co, network.Tie{A: a, B: b, Weight: 1})
			}
			for _, v := range victims {
				if v != a {
					victimOf = append(victimOf, [2]uint32{v, a})
				}
			}
		}
		suspects, victims = suspects[:0], victims[:0]
	}
	cur := int32(-1)
	for _, p := range d.parts {
		if p.cas != cur {
			flush()
			cur = p.cas
		}
		if !d.inScope[p.cas] || (p.role != pole.RoleVictim && p.role != pole.RoleSuspect) {
			continue
		}
		person := pt.of[p.rec]
		f := forces.of(d.people[p.rec].Force)
		if p.role == pole.RoleVictim {
			c.victims.add(d, person, p, f)
			victims = append(victims, uint32(person))
		} else {
			c.offenders.add(d, person, p, f)
			suspects = append(suspects, uint32(person))
		}
	}
	flush()
	// The offenders around each victim, each once.
	slices.SortFunc(victimOf, func(a, b [2]uint32) int {
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		return int(a[1]) - int(b[1])
	})
	victimOf = slices.Compact(victimOf)
	var shared [][]uint32
	for i := 0; i < len(victimOf); {
		j := i
		for j < len(victimOf) && victimOf[j][0] == victimOf[i][0] {
			j++
		}
		if j-i >= 2 {
			list := make([]uint32, 0, j-i)
			for _, vo := range victimOf[i:j] {
				list = append(list, vo[1])
			}
			shared = append(shared, list)
		}
		i = j
	}
	offender := make([]bool, pt.n)
	for p, first := range c.offenders.first {
		offender[p] = first >= 0
	}
	groups, err := network.FindGroups(offender, co, shared, r.Group.MaxGroup, 1)
	if err != nil {
		return nil, err
	}
	c.groups = groups
	c.groupForces = make([]int, len(groups))
	for i, g := range groups {
		one := c.offenders.force[g[0]]
		c.groupForces[i] = 1
		for _, m := range g {
			if f := c.offenders.force[m]; f == multipleForces || f != one {
				c.groupForces[i] = 2
				break
			}
		}
	}
	return c, nil
}

// forceIndex numbers the forces of the records, in name order.
type forceIndex struct {
	codes []string
	index map[string]int16
}

func newForceIndex(d *dataset) *forceIndex {
	fi := &forceIndex{index: map[string]int16{}}
	for i := range d.people {
		if _, ok := fi.index[d.people[i].Force]; !ok {
			fi.index[d.people[i].Force] = 0
			fi.codes = append(fi.codes, d.people[i].Force)
		}
	}
	for _, c := range d.cases {
		if _, ok := fi.index[c.Force]; !ok {
			fi.index[c.Force] = 0
			fi.codes = append(fi.codes, c.Force)
		}
	}
	slices.SortFunc(fi.codes, func(a, b string) int {
		if na, nb := forceName(a), forceName(b); na != nb {
			if na < nb {
				return -1
			}
			return 1
		}
		return 0
	})
	for i, code := range fi.codes {
		fi.index[code] = int16(i)
	}
	return fi
}

func (fi *forceIndex) of(code string) int16 { return fi.index[code] }

// ageBand places an age range in one of bands (each an upper bound,
// exclusive, the last open); -1 when the range spans two bands.
func ageBand(lo, hi int, bounds []int) int {
	band := func(a int) int {
		for i, b := range bounds {
			if a < b {
				return i
			}
		}
		return len(bounds)
	}
	if b := band(lo); b == band(hi) {
		return b
	}
	return -1
}

var (
	victimAgeBounds   = []int{10, 13, 16, 18}
	victimAgeLabels   = []string{"Under 10", "10 to 12", "13 to 15", "16 to 17", "18 and over"}
	offenderAgeBounds = []int{18, 25, 35, 45}
	offenderAgeLabels = []string{"Under 18", "18 to 24", "25 to 34", "35 to 44", "45 and over"}
	ethnicGroups      = []string{"White", "Mixed or multiple", "Asian or Asian British", "Black, Black British, Caribbean or African", "Other ethnic group"}
	sexLabels         = []string{"Female", "Male", "Not known"}
)

// ethnicGroup is the census group of a usable self-defined code, or -1.
func ethnicGroup(code string) int {
	if !usableSelfDefined(code) {
		return -1
	}
	return slices.Index([]byte("WMABO"), code[0])
}

func usableSelfDefined(code string) bool {
	_, ok := pole.SelfDefinedEthnicity(code)
	return ok && code != "NS"
}

func usableObserved(code string) bool {
	_, ok := pole.ObservedEthnicity(code)
	return ok && code != "IC9"
}
