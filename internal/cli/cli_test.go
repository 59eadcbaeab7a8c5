package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/cli"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = cli.New(&out, &errb, func(k string) string { return env[k] }).Run(context.Background(), args)
	return out.String(), errb.String(), err
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, name := range []string{"demo", "link", "migrate", "synth", "profile", "version", "help"} {
		out, _, err := run(t, nil, name, "--help")
		if err != nil {
			t.Fatalf("%s --help: %v", name, err)
		}
		if !strings.Contains(out, "Usage: caselink "+name) {
			t.Errorf("%s --help printed %q, want its usage", name, out)
		}
	}
	out, _, err := run(t, nil, "help", "migrate")
	if err != nil || !strings.Contains(out, "-db") {
		t.Fatalf("help migrate: got %q (%v), want the --db flag described", out, err)
	}
}

func TestUnknownCommandIsInvalid(t *testing.T) {
	_, stderr, err := run(t, nil, "frobnicate")
	if pole.ErrorCode(err) != pole.EINVALID || !strings.Contains(stderr, "Commands:") {
		t.Fatalf("got %v with stderr %q, want EINVALID and the command list", err, stderr)
	}
	if got := pole.ExitCode(err); got != 65 {
		t.Fatalf("exit code: got %d, want 65", got)
	}
}

func TestBadDatabaseURLNamesTheFlag(t *testing.T) {
	_, _, err := run(t, nil, "migrate", "--db", "mysql://localhost/x")
	if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "db" {
		t.Fatalf("got %v, want EINVALID on db", err)
	}
}

func TestMigrateTakesTheDatabaseFromTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.db")
	out, _, err := run(t, map[string]string{"CASELINK_DB": "sqlite:" + path}, "migrate")
	if err != nil || !strings.Contains(out, fmt.Sprintf("applied %d migrations", store.SchemaTarget())) {
		t.Fatalf("migrate: got %q (%v)", out, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	out, _, err = run(t, map[string]string{"CASELINK_DB": "sqlite:" + path}, "migrate")
	if err != nil || !strings.Contains(out, fmt.Sprintf("applied 0 migrations; sqlite schema is at version %d", store.SchemaTarget())) {
		t.Fatalf("second migrate: got %q (%v)", out, err)
	}
}

func TestDemoLoadsTheSyntheticDataSetOnceAndReportsIt(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	out, _, err := run(t, nil, "demo", "--db", db)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"all data here is synthetic", "south-yorkshire/sy_occurrence_nominal_links.csv", "West Yorkshire Police", "outcome 18:",
		"6. nature and scale", "Suspected offenders", "verifies whole"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "already loaded") {
		t.Errorf("a first demo found files already loaded:\n%s", out)
	}
	again, _, err := run(t, nil, "demo", "--db", db)
	if err != nil || !strings.Contains(again, "already loaded") || strings.Contains(again, "rows:") {
		t.Fatalf("second demo: got %q (%v), want every file already loaded", again, err)
	}
	holdings := func(s string) string { return s[strings.Index(s, "3. the database holds"):strings.Index(s, "4. link")] }
	if holdings(out) != holdings(again) {
		t.Fatalf("the holdings changed on a second run:\n%s\n---\n%s", holdings(out), holdings(again))
	}
	if !strings.Contains(out, "newly trained") || !strings.Contains(again, "this run created 0, joined records to 0, merged 0, split 0") {
		t.Errorf("linkage on the second demo should find nothing new:\n%s\n---\n%s", out, again)
	}
}

func TestDemoRunsOnPostgres(t *testing.T) {
	schema := storetest.PostgresDSN(t)
	out, _, err := run(t, nil, "demo", "--db", schema)
	if err != nil || !strings.Contains(out, "3. the database holds") {
		t.Fatalf("demo on PostgreSQL: got %q (%v)", out, err)
	}
}

// TestBinaryExitCodes runs the real binary, as an operator's script would.
func TestBinaryExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := binary()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"migrate", "--help"}, 0},
		{[]string{"nonsense"}, 65},
		{[]string{"migrate", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db")}, 0},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = append(os.Environ(), "CASELINK_DB=")
		out, _ := cmd.CombinedOutput()
		if got := cmd.ProcessState.ExitCode(); got != tc.code {
			t.Errorf("caselink %v: exit %d, want %d\n%s", tc.args, got, tc.code, out)
		}
	}
}

func TestSynthWritesTheDataSetAndSaysWhere(t *testing.T) {
	out := filepath.Join(t.TempDir(), "set")
	stdout, _, err := run(t, nil, "synth", "--out", out, "--people", "500", "--seed", "3", "--quiet")
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	for _, want := range []string{"synthetic data set in " + out, "truth/mentions.csv", "exports/south-yorkshire/sy_nominal_index.csv"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("synth output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "truth", "persons.csv")); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t, nil, "synth", "--out", out, "--people", "500")
	if pole.ErrorCode(err) != pole.ECONFLICT {
		t.Fatalf("synth into a used directory: got %v, want ECONFLICT", err)
	}
	_, _, err = run(t, nil, "synth", "--people", "500")
	if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "out" {
		t.Fatalf("synth without --out: got %v, want EINVALID on out", err)
	}
}

func TestProfileCheckShowsMappedRowsAndProblemsWritingNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "set")
	if _, _, err := run(t, nil, "synth", "--out", out, "--people", "2000", "--seed", "9", "--quiet"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(out)
	stdout, _, err := run(t, nil, "profile", "check", "--profile", filepath.Join(out, "profiles", "west-midlands.toml"),
		filepath.Join(out, "exports", "west-midlands", "wm_connect_extract.tsv"), "--rows", "1")
	if err != nil {
		t.Fatalf("profile check: %v", err)
	}
	for _, want := range []string{"read through", "row 1", "case WM", "rows read;"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("profile check output lacks %q:\n%s", want, stdout)
		}
	}
	after, _ := os.ReadDir(out)
	if len(after) != len(before) {
		t.Fatalf("profile check wrote into %s", out)
	}
	_, _, err = run(t, nil, "profile", "check", "--profile", filepath.Join(out, "profiles", "nope.toml"), "x.csv")
	if pole.ErrorCode(err) != pole.ENOTFOUND {
		t.Fatalf("a missing profile: got %v, want ENOTFOUND", err)
	}
	_, _, err = run(t, nil, "profile", "frobnicate")
	if pole.ErrorCode(err) != pole.EINVALID {
		t.Fatalf("an unknown subcommand: got %v, want EINVALID", err)
	}
}

func TestProfileDraftPrintsAProfileThatLoads(t *testing.T) {
	out := filepath.Join(t.TempDir(), "set")
	if _, _, err := run(t, nil, "synth", "--out", out, "--people", "1500", "--seed", "2", "--quiet"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(out, "exports", "thames-valley", "tv_occurrence_nominals.csv")
	stdout, _, err := run(t, nil, "profile", "draft", "--force", "thames-valley", file)
	if err != nil {
		t.Fatalf("profile draft: %v", err)
	}
	prof := filepath.Join(t.TempDir(), "tv.toml")
	if err := os.WriteFile(prof, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	check, _, err := run(t, nil, "profile", "check", "--profile", prof, file)
	if err != nil || !strings.Contains(check, "rows read;") {
		t.Fatalf("checking the draft: %v\n%s", err, check)
	}
	_, _, err = run(t, nil, "profile", "draft", "--force", "gotham", file)
	if pole.ErrorField(err) != "force" {
		t.Fatalf("an unknown force: got %v", err)
	}
}
