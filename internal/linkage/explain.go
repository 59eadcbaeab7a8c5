package linkage

import (
	"fmt"
	"math"
	"strings"
)

// Explanation says why a pair scored what it did: each comparison's level
// and the weight it added, in bits (log2 of the likelihood ratio m/u).
type Explanation struct {
	A, B        Record        `json:"-"`
	Prior       float64       `json:"prior_bits"`
	Fields      []FieldWeight `json:"fields"`
	Weight      float64       `json:"weight_bits"`
	Probability float64       `json:"probability"`
}

// FieldWeight is one comparison's part in an explanation.
type FieldWeight struct {
	Comparison string  `json:"comparison"`
	Level      string  `json:"level"`
	LevelIndex int     `json:"level_index"`
	A          string  `json:"a,omitempty"`
	B          string  `json:"b,omitempty"`
	M          float64 `json:"m,omitempty"`
	U          float64 `json:"u,omitempty"`
	Bits       float64 `json:"bits"`
	// TermFrequency is set when the exact level's u was replaced by how
	// often the value occurs.
	TermFrequency float64 `json:"term_frequency,omitempty"`
}

// Explain scores records i and j of records under model m and says why. The
// term frequencies come from all of records. clusters, when given, are the
// people the records are linked into as they stand (records sharing a
// non-negative value are one person, -1 a record alone): the associates
// comparison is read from them, and is null without them.
func Explain(records []Record, m *Model, clusters []int32, i, j int) (*Explanation, error) {
	if i < 0 || j < 0 || i >= len(records) || j >= len(records) {
		return nil, fmt.Errorf("linkage: explain records %d and %d of %d", i, j, len(records))
	}
	if clusters != nil && len(clusters) != len(records) {
		return nil, fmt.Errorf("linkage: explain: %d clusters for %d records", len(clusters), len(records))
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	p := prepare(records)
	if clusters != nil {
		p.setAssociates(denseLabels(clusters), p.caseMembers())
	}
	return explainPrepared(p, newScorer(p, m), m, i, j), nil
}

func explainPrepared(p *prepared, s *scorer, m *Model, i, j int) *Explanation {
	g := s.pattern(i, j)
	e := &Explanation{A: p.records[i], B: p.records[j], Prior: s.prior}
	for k, mc := range m.Comparisons {
		l := g.level(k)
		fw := FieldWeight{Comparison: mc.Name, Level: mc.Levels[l], LevelIndex: int(l)}
		fw.A, fw.B = fieldText(&p.records[i], mc.Name), fieldText(&p.records[j], mc.Name)
		if l != 0 {
			fw.M, fw.U, fw.Bits = mc.M[l], mc.U[l], s.bits[k][l]
			if l == 1 && s.tf[k] != 0 {
				fw.Bits = s.termBits(k, i)
				fw.TermFrequency = mc.M[l] / math.Exp2(fw.Bits)
			}
		}
		e.Fields = append(e.Fields, fw)
	}
	e.Weight = s.weight(i, j, g)
	e.Probability = probability(e.Weight)
	return e
}

func fieldText(r *Record, comparison string) string {
	switch comparison {
	case "forename":
		return r.Forename
	case "middle":
		return r.MiddleNames
	case "surname":
		return r.Surname
	case "dob":
		return r.DOB.String()
	case "sex":
		return r.Sex
	case "postcode":
		return strings.Join(r.Postcodes, "; ")
	case "premises":
		return r.Premises
	case "street":
		return r.Street
	case "locality":
		return r.Locality
	case "phone":
		return strings.Join(r.Phones, "; ")
	case "vehicle":
		return strings.Join(r.Vehicles, "; ")
	case "email":
		return r.Email
	case "alias":
		return strings.Join(r.Aliases, "; ")
	case associatesName:
		if len(r.Cases) == 0 {
			return ""
		}
		return fmt.Sprintf("in %d case(s)", len(r.Cases))
	}
	return ""
}

// String renders an explanation as a table for the terminal.
func (e *Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %-36s %-24s %-24s %7s\n", "field", "level", "first", "second", "bits")
	fmt.Fprintf(&b, "%-10s %-36s %-24s %-24s %+7.2f\n", "prior", "", "", "", e.Prior)
	for _, f := range e.Fields {
		bits := "      -"
		if f.LevelIndex != 0 {
			bits = fmt.Sprintf("%+7.2f", f.Bits)
		}
		level := f.Level
		if f.TermFrequency > 0 {
			level += fmt.Sprintf(" (tf %.4f)", f.TermFrequency)
		}
		fmt.Fprintf(&b, "%-10s %-36s %-24s %-24s %s\n", f.Comparison, level, clip(f.A, 24), clip(f.B, 24), bits)
	}
	fmt.Fprintf(&b, "total weight %+.2f bits, match probability %.4f\n", e.Weight, e.Probability)
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
