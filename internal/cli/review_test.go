package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

func TestTheReviewQueueListsReferredCasesByTriageScoreAsCSV(t *testing.T) {
	db, _, analyst := linkedDB(t)
	reviewer := actingAs(t, db, pole.RoleNationalReviewer, "")
	out, _, err := run(t, reviewer, "refer", "--db", db, "--closed", "--reason", "operation referral")
	if err != nil || !strings.HasPrefix(out, "referred ") {
		t.Fatalf("refer --closed: %q (%v)", out, err)
	}
	referred, _ := strconv.Atoi(strings.Fields(out)[1])
	out, _, err = run(t, analyst, "triage", "--db", db)
	if err != nil || !strings.Contains(out, "scored "+strconv.Itoa(referred)+" referred cases ("+strconv.Itoa(referred)+" newly triaged)") {
		t.Fatalf("triage: %q (%v)", out, err)
	}
	out, _, err = run(t, reviewer, "review", "list", "--db", db, "--order", "score", "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	ref, force, score := slices.Index(header, "case_ref"), slices.Index(header, "force"), slices.Index(header, "score")
	if ref < 0 || force < 0 || score < 0 {
		t.Fatalf("header %v lacks case_ref, force or score", header)
	}
	if len(rows)-1 != referred {
		t.Fatalf("%d rows, want the %d referred", len(rows)-1, referred)
	}
	last := 1 << 30
	for _, r := range rows[1:] {
		s, err := strconv.Atoi(r[score])
		if err != nil || s > last || r[ref] == "" || r[force] == "" {
			t.Fatalf("row %v out of order or incomplete (previous score %d)", r, last)
		}
		last = s
	}
	// The top case explains its score rule by rule, with evidence.
	out, _, err = run(t, reviewer, "review", "show", "--db", db, rows[1][0])
	if err != nil || !strings.Contains(out, "triage score "+rows[1][score]) || !regexp.MustCompile(`\+\d+ +\w+: `).MatchString(out) {
		t.Fatalf("review show: %v\n%s", err, out)
	}
	// --json speaks the API's shape.
	out, _, err = run(t, reviewer, "review", "show", "--db", db, "--json", rows[1][0])
	var detail struct {
		Review struct {
			CaseRef string `json:"case_ref"`
			Version int    `json:"version"`
		} `json:"review"`
		Triage struct {
			Reasons []struct {
				Rule string `json:"rule"`
			} `json:"reasons"`
		} `json:"triage"`
	}
	if err != nil || json.Unmarshal([]byte(out), &detail) != nil || detail.Review.CaseRef != rows[1][ref] || detail.Review.Version < 1 || len(detail.Triage.Reasons) == 0 {
		t.Fatalf("review show --json: %v\n%s", err, out)
	}
	out, _, err = run(t, reviewer, "review", "list", "--db", db, "--format", "json", "--limit", "2")
	var queue struct {
		Total   int `json:"total"`
		Reviews []struct {
			CaseRef string `json:"case_ref"`
		} `json:"reviews"`
	}
	if err != nil || json.Unmarshal([]byte(out), &queue) != nil || queue.Total != referred || len(queue.Reviews) != 2 || queue.Reviews[0].CaseRef != rows[1][ref] {
		t.Fatalf("review list --format json: %v\n%s", err, out)
	}
	// New linkage is new evidence: the link command scores them again.
	out, _, err = run(t, analyst, "link", "--db", db)
	if err != nil || !strings.Contains(out, "scored "+strconv.Itoa(referred)+" referred cases again") {
		t.Fatalf("link after referrals: %v\n%s", err, out)
	}
}

func TestAReviewStepOnAStaleVersionIsRefusedFromTheCommandLine(t *testing.T) {
	f := newPolicyFixture(t)
	r := f.review("own", pole.ReviewTriaged)
	reviewer := actingAs(t, f.db, pole.RoleNationalReviewer, "")
	out, _, err := run(t, reviewer, "review", "start", "--db", f.db, "--version", strconv.Itoa(r.Version), r.ID)
	if err != nil || !strings.Contains(out, "is under_review, version "+strconv.Itoa(r.Version+1)) {
		t.Fatalf("start: %q (%v)", out, err)
	}
	if _, _, err := run(t, reviewer, "review", "answer", "--db", f.db, "--version", strconv.Itoa(r.Version), r.ID, "suspect_interviewed=done"); pole.ErrorCode(err) != pole.ECONFLICT {
		t.Fatalf("an answer on the version before: got %v, want ECONFLICT", err)
	}
	if _, _, err := run(t, reviewer, "review", "answer", "--db", f.db, "--version", strconv.Itoa(r.Version+1), r.ID, "suspect_interviewed=maybe"); pole.ErrorField(err) != "checklist" {
		t.Fatalf("an unknown answer: got %v, want EINVALID on checklist", err)
	}
	if _, _, err := run(t, reviewer, "review", "start", "--db", f.db, r.ID); pole.ErrorField(err) != "version" {
		t.Fatalf("a step without --version: got %v, want EINVALID on version", err)
	}
}
