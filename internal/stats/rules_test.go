package stats

import (
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestTheShippedCountingRulesDefineEveryRuleAReportNames(t *testing.T) {
	r := DefaultRules()
	sum := r.Summary()
	if sum.Version < 1 || len(sum.Digest) != 64 {
		t.Fatalf("version %d, digest %q: want a version and a SHA-256", sum.Version, sum.Digest)
	}
	defined := map[string]bool{}
	for _, d := range sum.Definitions {
		defined[d.ID] = true
	}
	for _, id := range requiredDefinitions {
		if !defined[id] {
			t.Errorf("the shipped rules do not define %q", id)
		}
	}
	if !r.inScope(&pole.Case{OffenceCodes: []string{"22B"}}) || !r.inScope(&pole.Case{Flags: []string{"CSE"}}) ||
		r.inScope(&pole.Case{OffenceCodes: []string{"58A"}}) {
		t.Error("scope: want 22B and a CSE flag in, a code off the list out")
	}
}

func TestParseRulesRefusesWhatWouldMisCount(t *testing.T) {
	base := string(DefaultRulesFile())
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown setting", "[scope]", "[scope]\nofence_codes = []", "unknown setting"},
		{"no version", "version = 2", "version = 0", "version 0"},
		{"loose above strict", "loose_probability = 0.5", "loose_probability = 0.9999", "loose_probability"},
		{"strict of 1", "strict_probability = 0.999", "strict_probability = 1.0", "strict_probability"},
		{"band of 0", "band_years = 5", "band_years = 0", "band_years"},
		{"a definition missing", `id = "group"`, `id = "gang"`, `no definition of "group"`},
		{"a definition twice", `id = "group"`, `id = "victim"`, `"victim" is given twice`},
		{"nothing in scope", "flags = [\"CSE\"]", "flags = []", "nothing would be counted"},
	} {
		if !strings.Contains(base, tc.from) {
			t.Fatalf("%s: the shipped rules hold no %q", tc.name, tc.from)
		}
		text := strings.Replace(base, tc.from, tc.to, 1)
		if tc.name == "nothing in scope" {
			text = strings.Replace(text, text[strings.Index(text, "offence_codes = ["):strings.Index(text, "\nflags")], "offence_codes = []", 1)
		}
		_, err := ParseRules("rules.toml", []byte(text))
		if pole.ErrorCode(err) != pole.EINVALID || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "rules.toml") {
			t.Errorf("%s: got %v, want EINVALID naming rules.toml and %q", tc.name, err, tc.want)
		}
	}
}

func TestTheRulesDigestChangesWithTheRules(t *testing.T) {
	base := DefaultRulesFile()
	a, err := ParseRules("a", base)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseRules("b", []byte(strings.Replace(string(base), "max_group = 40", "max_group = 30", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if a.Summary().Digest == b.Summary().Digest {
		t.Error("two different rule files have one digest")
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add(DefaultRulesFile())
	f.Add([]byte("name = \"x\"\nversion = 1\n"))
	f.Add([]byte("[[definition]]\nid = 1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRules("fuzz.toml", b)
		if err != nil {
			if pole.ErrorCode(err) != pole.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		// Whatever parses is usable: a report can count by it.
		if r.Version < 1 || r.Period.BandYears < 1 || r.Group.MaxGroup < 2 || len(r.Summary().Definitions) < len(requiredDefinitions) {
			t.Fatalf("accepted unusable rules: %+v", r)
		}
	})
}

func TestTheMethodsSayTheThresholdsTheRulesSet(t *testing.T) {
	r := DefaultRules()
	rep := &Report{Disclosure: DefaultDisclosure()}
	var text strings.Builder
	for _, p := range methods(r, rep, &dataset{}) {
		text.WriteString(p.Text)
	}
	for _, want := range []string{"0.999 or more", "0.5 or more", "version 2", r.Summary().Digest, "from 1 to 9", "nearest 5"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the methods lack %q:\n%s", want, text.String())
		}
	}
}
