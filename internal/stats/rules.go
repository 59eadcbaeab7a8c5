package stats

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/caselink/caselink/internal/pole"
)

//go:embed rules/counting.toml
var defaultRulesFile []byte

// Rules is a versioned set of counting rules: what is in scope, how
// periods are banded, where the linkage spread is taken, how groups are
// found, and the published definition of everything counted.
type Rules struct {
	Name    string `toml:"name"`
	Version int    `toml:"version"`
	Scope   struct {
		OffenceCodes []string `toml:"offence_codes"`
		Flags        []string `toml:"flags"`
	} `toml:"scope"`
	Period struct {
		FirstYear int `toml:"first_year"`
		BandYears int `toml:"band_years"`
	} `toml:"period"`
	Linkage struct {
		StrictProbability float64 `toml:"strict_probability"`
		LooseProbability  float64 `toml:"loose_probability"`
	} `toml:"linkage"`
	Group struct {
		MaxGroup int `toml:"max_group"`
	} `toml:"group"`
	Definitions []Definition `toml:"definition"`

	digest string
}

// The rules every report counts by, and so must define.
var requiredDefinitions = []string{"offence", "victim", "offender", "group", "force", "record"}

// DefaultRules returns the counting rules caselink ships.
func DefaultRules() *Rules {
	r, err := ParseRules("rules/counting.toml", defaultRulesFile)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return r
}

// DefaultRulesFile returns the shipped rules as written, for a user to
// copy and edit.
func DefaultRulesFile() []byte { return bytes.Clone(defaultRulesFile) }

// LoadRules reads a counting-rule file.
func LoadRules(path string) (*Rules, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, pole.Invalid("rules", "%v", err)
	}
	return ParseRules(path, b)
}

// ParseRules reads counting rules from TOML; name says where they came
// from in errors. Every setting must be known and every rule defined.
func ParseRules(name string, b []byte) (*Rules, error) {
	var r Rules
	md, err := toml.Decode(string(b), &r)
	if err != nil {
		return nil, pole.Invalid("rules", "%s: %v", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, pole.Invalid("rules", "%s: unknown setting %s", name, und[0])
	}
	bad := func(format string, args ...any) error {
		return pole.Invalid("rules", "%s: "+format, append([]any{name}, args...)...)
	}
	switch {
	case strings.TrimSpace(r.Name) == "":
		return nil, bad("name the rule set")
	case r.Version < 1:
		return nil, bad("version %d: give the rule set a version of 1 or more, so that a report says which rules made it", r.Version)
	case len(r.Scope.OffenceCodes) == 0 && len(r.Scope.Flags) == 0:
		return nil, bad("[scope] names no offence codes and no flags: nothing would be counted")
	case r.Period.FirstYear < 1900 || r.Period.FirstYear > 2100:
		return nil, bad("[period] first_year %d is not a year from 1900 to 2100", r.Period.FirstYear)
	case r.Period.BandYears < 1 || r.Period.BandYears > 50:
		return nil, bad("[period] band_years %d is not 1 to 50", r.Period.BandYears)
	case !(r.Linkage.LooseProbability > 0 && r.Linkage.LooseProbability <= r.Linkage.StrictProbability && r.Linkage.StrictProbability < 1):
		return nil, bad("[linkage] want 0 < loose_probability (%g) <= strict_probability (%g) < 1", r.Linkage.LooseProbability, r.Linkage.StrictProbability)
	case r.Group.MaxGroup < 2:
		return nil, bad("[group] max_group %d is below 2", r.Group.MaxGroup)
	}
	seen := map[string]bool{}
	for i, d := range r.Definitions {
		if d.ID == "" || strings.TrimSpace(d.Text) == "" || strings.TrimSpace(d.Name) == "" {
			return nil, bad("definition %d: give it an id, a name and a text", i+1)
		}
		if seen[d.ID] {
			return nil, bad("definition %q is given twice", d.ID)
		}
		seen[d.ID] = true
	}
	for _, id := range requiredDefinitions {
		if !seen[id] {
			return nil, bad("no definition of %q: every figure must trace to one", id)
		}
	}
	sum := sha256.Sum256(b)
	r.digest = hex.EncodeToString(sum[:])
	return &r, nil
}

// Summary is the rule set as a report publishes it.
func (r *Rules) Summary() RuleSummary {
	return RuleSummary{Name: r.Name, Version: r.Version, Digest: r.digest, Definitions: slices.Clone(r.Definitions)}
}

// inScope says whether a case is an offence the report counts.
func (r *Rules) inScope(c *pole.Case) bool {
	for _, f := range c.Flags {
		if slices.Contains(r.Scope.Flags, f) {
			return true
		}
	}
	for _, code := range c.OffenceCodes {
		if slices.Contains(r.Scope.OffenceCodes, code) {
			return true
		}
	}
	return false
}

// caseYear is the year a case's offending falls in, 0 when unknown.
func caseYear(c *pole.Case) int {
	switch {
	case c.OffenceFrom.Year != 0:
		return c.OffenceFrom.Year
	case c.OffenceTo.Year != 0:
		return c.OffenceTo.Year
	}
	return c.Recorded.Year
}

// caseDate is the date a case's offending began, as far as it is known.
func caseDate(c *pole.Case) pole.PartialDate {
	switch {
	case !c.OffenceFrom.IsZero():
		return c.OffenceFrom
	case !c.OffenceTo.IsZero():
		return c.OffenceTo
	}
	return c.Recorded
}
