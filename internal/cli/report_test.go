package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestReportWritesTheNatureAndScaleReportAndAuditsItsPurpose(t *testing.T) {
	db, _, analyst := linkedDB(t)
	dir := filepath.Join(t.TempDir(), "report")
	out, _, err := run(t, analyst, "report", "nature-and-scale", "--db", db, "--out", dir, "--purpose", "annual return to the Home Office")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"report.html", "Victims", "Suspected offenders", "Groups", "Offences", "(range "} {
		if !strings.Contains(out, want) {
			t.Errorf("report output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"report.html", "report.json", "tables/victims-by-force.csv", "tables/offences-by-force-and-period.csv",
		"quality/suspect-ethnicity-self.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the report lacks %s: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Disclosure struct{ Threshold, Base int }
		Headlines  []struct {
			ID    string
			Value struct {
				Value      int
				Suppressed bool
			}
		}
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Disclosure.Threshold != 10 || rep.Disclosure.Base != 5 || len(rep.Headlines) != 4 {
		t.Fatalf("report.json: disclosure %+v, %d headlines; want 10 and 5 by default, and 4", rep.Disclosure, len(rep.Headlines))
	}
	for _, h := range rep.Headlines {
		if !h.Value.Suppressed && h.Value.Value%5 != 0 {
			t.Errorf("headline %s published as %d, not rounded to 5", h.ID, h.Value.Value)
		}
	}
	auditor := actingAs(t, db, pole.RoleAuditor, "")
	log, _, err := run(t, auditor, "audit", "export", "--db", db, "--from", "2020-01-01", "--to", "2100-01-01", "--purpose", "check")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log, "combination") || !strings.Contains(log, "annual return to the Home Office") {
		t.Errorf("the audit log holds no combination with the report's purpose:\n%.2000s", log)
	}
}

func TestReportRefusesBadSettingsNamingTheField(t *testing.T) {
	db, _, analyst := linkedDB(t)
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.toml")
	if _, _, err := run(t, analyst, "report", "nature-and-scale", "--write-rules", rules); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rules)
	if err != nil || !strings.Contains(string(b), "version = 2") {
		t.Fatalf("the written rules: %v\n%s", err, b)
	}
	if err := os.WriteFile(rules, []byte(strings.Replace(string(b), "version = 2", "version = 0", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		field string
	}{
		{[]string{"--threshold", "0"}, "threshold"},
		{[]string{"--round", "0"}, "base"},
		{[]string{"--threshold", "3"}, "threshold"},
		{[]string{"--round", "1"}, "base"},
		{[]string{"--rules", rules}, "rules"},
		{[]string{"--rules", filepath.Join(dir, "missing.toml")}, "rules"},
		{nil, "out"},
	} {
		args := append([]string{"report", "nature-and-scale", "--db", db}, tc.args...)
		if tc.field != "out" {
			args = append(args, "--out", filepath.Join(dir, "out"))
		}
		_, _, err := run(t, analyst, args...)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != tc.field {
			t.Errorf("report %v: got %v, want EINVALID on %s", tc.args, err, tc.field)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("a refused report wrote its directory: %v", err)
	}
	if _, _, err := run(t, analyst, "report", "nature-and-scale", "--db", db, "--out", filepath.Join(dir, "exact"),
		"--threshold", "1", "--round", "1", "--below-default-disclosure"); err != nil {
		t.Errorf("exact figures asked for in so many words: %v", err)
	}
}
