package review

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// eventTypes are the events the rules look at.
var eventTypes = []string{"suspect_interview", "victim_account", "missing_episode", "victim_arrest", "victim_caution", "victim_conviction"}

// LoadFacts reads what triage needs of every referred case: the case, its
// people with their events, and what linkage found of its suspects
// elsewhere. Victims' dates of birth are opened to compute their ages and
// go no further. It returns the facts of each referral's case by case id.
func LoadFacts(ctx context.Context, st *store.Store, referrals []store.Referral) (map[string]*Facts, error) {
	const op = "review.LoadFacts"
	if len(referrals) == 0 {
		return map[string]*Facts{}, nil
	}
	// The reads are independent; on two cores they overlap.
	var (
		referred     []*pole.Case
		forces       map[string]string
		members      map[string]string
		involvements []*pole.Involvement
		marks        []store.EventMark
		people       []*pole.Mention
	)
	err := parallel(
		func() (err error) {
			referred, forces, err = st.FindReferredCases(ctx)
			return err
		},
		func() (err error) {
			if members, err = st.EntityMembers(ctx); err == nil {
				involvements, err = st.FindInvolvements(ctx, "", "")
			}
			return err
		},
		func() (err error) {
			marks, err = st.FindEventMarks(ctx, eventTypes)
			return err
		},
		func() error {
			for m, err := range st.ScanPeopleForTriage(ctx) {
				if err != nil {
					return err
				}
				people = append(people, m)
			}
			return nil
		},
	)
	if err != nil {
		return nil, pole.E(op, err)
	}
	facts := make(map[string]*Facts, len(referrals))
	for _, c := range referred {
		facts[c.ID] = &Facts{Case: c}
	}
	for _, r := range referrals {
		if facts[r.CaseID] == nil {
			return nil, pole.E(op, pole.Errorf(pole.EINTERNAL, "referred case %s is not stored", r.CaseID))
		}
	}
	linkedParts := map[string][]*pole.Involvement{}
	for _, v := range involvements {
		linkedParts[v.MentionID] = append(linkedParts[v.MentionID], v)
	}
	byMention := map[string][]store.EventMark{}
	for _, e := range marks {
		if e.MentionID != "" {
			byMention[e.MentionID] = append(byMention[e.MentionID], e)
		}
	}
	net := newParts(forces)
	for _, m := range people {
		entity, ok := members[m.ID]
		if !ok {
			entity = "mention:" + m.ID
		}
		add := func(caseID string, role pole.Role) {
			net.add(caseID, entity, role)
			if f, ok := facts[caseID]; ok {
				f.People = append(f.People, Person{Mention: m, Role: role, Events: eventsIn(byMention[m.ID], caseID), Entity: entity})
			}
		}
		if m.CaseID != "" {
			add(m.CaseID, m.Role)
		}
		for _, v := range linkedParts[m.ID] {
			add(v.CaseID, v.Role)
		}
	}
	net.fill(facts)
	return facts, nil
}

// parallel runs each function in a goroutine of its own and returns the
// first error.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// eventsIn keeps a person's events that belong to a case: a force's
// nominal record may be in several cases, and what was done in one (an
// account taken, an arrest) says nothing of another.
func eventsIn(events []store.EventMark, caseID string) []store.EventMark {
	var out []store.EventMark
	for _, e := range events {
		if e.CaseID == "" || e.CaseID == caseID {
			out = append(out, e)
		}
	}
	return out
}

// parts is who played which part in which case, over every case, with
// cases and linked people numbered so that the walk over them is plain
// slices.
type parts struct {
	caseNo, entityNo map[string]int32
	caseForce        []string
	suspectCases     [][]int32 // entity -> cases it is a suspect in
	caseSuspects     [][]int32 // case -> suspect entities
	caseVictims      [][]int32 // case -> victim entities
	victimCases      [][]int32 // entity -> cases it is a victim in
}

func newParts(forces map[string]string) *parts {
	p := &parts{caseNo: make(map[string]int32, len(forces)), entityNo: map[string]int32{}}
	for id, force := range forces {
		p.caseNo[id] = int32(len(p.caseForce))
		p.caseForce = append(p.caseForce, force)
	}
	p.caseSuspects = make([][]int32, len(p.caseForce))
	p.caseVictims = make([][]int32, len(p.caseForce))
	return p
}

func (p *parts) entity(key string) int32 {
	e, ok := p.entityNo[key]
	if !ok {
		e = int32(len(p.suspectCases))
		p.entityNo[key] = e
		p.suspectCases = append(p.suspectCases, nil)
		p.victimCases = append(p.victimCases, nil)
	}
	return e
}

func (p *parts) add(caseID, entity string, role pole.Role) {
	c, ok := p.caseNo[caseID]
	if !ok {
		return
	}
	switch role {
	case pole.RoleSuspect:
		e := p.entity(entity)
		p.suspectCases[e] = addNew(p.suspectCases[e], c)
		p.caseSuspects[c] = addNew(p.caseSuspects[c], e)
	case pole.RoleVictim:
		e := p.entity(entity)
		p.caseVictims[c] = addNew(p.caseVictims[c], e)
		p.victimCases[e] = addNew(p.victimCases[e], c)
	}
}

func addNew(list []int32, v int32) []int32 {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// fill says, for each suspect of a referred case, what linkage found of
// them in other cases: the cases, their victims, their forces, and the
// suspects associated with them by a case or a victim in common.
func (p *parts) fill(facts map[string]*Facts) {
	seen := make([]uint32, len(p.suspectCases)) // entity -> the stamp of the last count that saw it
	var stamp uint32
	next := func() uint32 {
		stamp++
		return stamp
	}
	associates := map[int32]int{}
	for caseID, f := range facts {
		c := p.caseNo[caseID]
		for i := range f.People {
			person := &f.People[i]
			if person.Role != pole.RoleSuspect {
				continue
			}
			e := p.entityNo[person.Entity]
			n, ok := associates[e]
			if !ok {
				s := next()
				seen[e] = s
				for _, oc := range p.suspectCases[e] {
					for _, other := range p.caseSuspects[oc] {
						if seen[other] != s {
							seen[other] = s
							n++
						}
					}
					for _, v := range p.caseVictims[oc] {
						for _, vc := range p.victimCases[v] {
							for _, other := range p.caseSuspects[vc] {
								if seen[other] != s {
									seen[other] = s
									n++
								}
							}
						}
					}
				}
				associates[e] = n
			}
			s := next()
			for _, v := range p.caseVictims[c] {
				seen[v] = s // this case's own victims are not others
			}
			var others []string
			victims, cases := 0, 0
			for _, oc := range p.suspectCases[e] {
				if oc == c {
					continue
				}
				cases++
				for _, v := range p.caseVictims[oc] {
					if seen[v] != s {
						seen[v] = s
						victims++
					}
				}
				if force := p.caseForce[oc]; force != f.Case.Force && !slices.Contains(others, force) {
					others = append(others, force)
				}
			}
			slices.Sort(others)
			person.Elsewhere = Elsewhere{Cases: cases, Victims: victims, Forces: others, Associates: n}
		}
	}
}
