package synth

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/caselink/caselink/internal/pole"
)

// defectRate is how often a recorded person carries a planted defect that
// ingest must quarantine.
const defectRate = 1.0 / 3000

// record describes person p in case c as the owning force would have
// recorded them: with its spelling, typing and data-entry habits.
func (g *generator) record(c *caseRec, p *person, role pole.Role) *mentionRec {
	q := forceSpecs[c.force].q
	m := &mentionRec{p: p, role: role, sex: p.sex, national: p.comm.Nationality}
	m.recordID = g.recordID(c.force, p)

	m.forename, m.middle, m.surname = g.variant(p.forename, q), p.middle, g.variant(p.surname, q)
	if g.r.Float64() < q.middleMissing {
		m.middle = ""
	}
	if g.r.Float64() < q.nicknameAsForename && len(p.aliases) > 0 {
		m.forename = p.aliases[0]
	}
	if g.r.Float64() < q.typo {
		if g.r.IntN(2) == 0 {
			m.forename = g.typo(m.forename)
		} else {
			m.surname = g.typo(m.surname)
		}
	}
	if g.r.Float64() < q.swapped {
		m.forename, m.surname = m.surname, m.forename
	}
	if g.r.Float64() < q.aliasRecorded {
		m.aliases = p.aliases
	}

	m.dob = p.dob
	switch x := g.r.Float64(); {
	case x < q.dobMissing:
		m.dob = pole.PartialDate{}
	case x < q.dobMissing+q.dobWrong:
		m.dob = g.wrongDOB(p.dob)
	case x < q.dobMissing+q.dobWrong+0.04:
		m.dob = pole.YearOnly(p.dob.Year)
	}

	missing := q.victimEthnicityMissing
	if role == pole.RoleSuspect {
		missing = q.suspectEthnicityMissing
	}
	if g.r.Float64() >= missing {
		m.sde = p.comm.SDE
	}
	if g.r.Float64() >= missing {
		m.ic = p.comm.IC
	}
	if g.r.Float64() < missing/2 {
		m.national = ""
	}
	if g.r.Float64() < 0.7 {
		m.addr = &p.home
	}
	if g.r.Float64() < q.phoneRecorded {
		m.phones = p.phones
	}
	if g.r.Float64() < q.vehicleRecorded {
		m.vehicles = p.vehicles
	}
	if role == pole.RoleVictim {
		m.vuln = p.vuln
	}
	if g.r.Float64() < defectRate {
		if g.r.IntN(2) == 0 {
			m.defect, m.defectWhy = "dob", "date of birth does not exist"
		} else {
			m.defect, m.defectWhy = "ethnicity", "unknown ethnicity code"
		}
	}
	return m
}

// recordID gives the person's record in a force's export. Forces that keep
// a nominal index give a person one reference for all their cases (and now
// and then a duplicate, as real indexes hold); the others give each
// appearance its own.
func (g *generator) recordID(f int, p *person) string {
	spec := forceSpecs[f]
	if spec.layout == layoutNominal {
		if id, ok := p.recordIDs[f]; ok && g.r.Float64() > 0.05 {
			return id
		}
		g.nextRecord++
		id := spec.prefix + "-N" + pad(g.nextRecord, 8)
		if p.recordIDs == nil {
			p.recordIDs = map[int]string{}
		}
		if _, ok := p.recordIDs[f]; !ok {
			p.recordIDs[f] = id
		}
		return id
	}
	g.nextRecord++
	return spec.prefix + "-P" + pad(g.nextRecord, 8)
}

// variant spells a name another way it is known to be spelt, at the force's
// rate, where it has other spellings.
func (g *generator) variant(name string, q quality) string {
	if g.r.Float64() >= q.variant {
		return name
	}
	vs := SpellingVariants(name)
	if len(vs) == 0 {
		return name
	}
	return vs[g.r.IntN(len(vs))]
}

// typo makes one keying error: a dropped, doubled, swapped or wrong letter.
func (g *generator) typo(s string) string {
	rs := []rune(s)
	if len(rs) < 3 {
		return s
	}
	i := 1 + g.r.IntN(len(rs)-2)
	switch g.r.IntN(4) {
	case 0:
		rs = slices.Delete(rs, i, i+1)
	case 1:
		rs = slices.Insert(rs, i, rs[i])
	case 2:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	default:
		const keys = "aeioulnrst"
		r := rune(keys[g.r.IntN(len(keys))])
		if unicode.IsUpper(rs[i]) {
			r = unicode.ToUpper(r)
		}
		rs[i] = r
	}
	return string(rs)
}

// wrongDOB is a date of birth as it is wrongly recorded: day and month
// transposed, a year out, or the 1 January that systems default to.
func (g *generator) wrongDOB(d pole.PartialDate) pole.PartialDate {
	switch g.r.IntN(3) {
	case 0:
		if d.Day <= 12 && d.Day != d.Month {
			return pole.Date(d.Year, d.Day, d.Month)
		}
		return pole.Date(d.Year+1, d.Month, d.Day)
	case 1:
		return pole.Date(d.Year+[]int{-1, 1}[g.r.IntN(2)], d.Month, d.Day)
	default:
		return pole.Date(d.Year, 1, 1)
	}
}

func dateTime(d pole.PartialDate) time.Time {
	return time.Date(d.Year, time.Month(max(d.Month, 1)), max(d.Day, 1), 0, 0, 0, 0, time.UTC)
}

// upper writes a surname as legacy systems do: in capitals.
func upper(s string) string { return strings.ToUpper(s) }
