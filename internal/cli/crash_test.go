package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

var binary = sync.OnceValues(func() (string, error) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "bin-test"))
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "caselink")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/caselink/caselink/cmd/caselink").CombinedOutput()
	if err != nil {
		return "", &exec.Error{Name: string(out), Err: err}
	}
	return bin, nil
})

type holdings struct{ sources, cases, people, events, quarantined int }

func holdingsOf(t *testing.T, dsn string) holdings {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetSealer(identity.NewSealer(storetest.Keys(t)))
	var h holdings
	srcs, n, _ := s.FindSources(ctx, pole.SourceFilter{})
	h.sources = n
	_, h.cases, _ = s.FindCases(ctx, pole.CaseFilter{Limit: 1})
	_, h.people, _ = s.FindMentions(ctx, pole.MentionFilter{Limit: 1})
	_, h.events, _ = s.FindEvents(ctx, pole.EventFilter{Limit: 1})
	for _, src := range srcs {
		q, _ := s.FindQuarantine(ctx, src.ID)
		h.quarantined += len(q)
	}
	return h
}

// TestIngestKilledPartWayLeavesNothingAndARerunIsClean kills a real caselink
// process while it loads a file, then loads the file again: the database
// must hold exactly what one clean load gives, with nothing twice and
// nothing lost.
func TestIngestKilledPartWayLeavesNothingAndARerunIsClean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and a data set")
	}
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	set := filepath.Join(t.TempDir(), "set")
	if _, _, err := run(t, nil, "synth", "--out", set, "--people", "120000", "--seed", "4", "--quiet"); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(set, "profiles", "west-yorkshire.toml")
	file := filepath.Join(set, "exports", "west-yorkshire", "wy_occurrence_nominals.csv")
	ingestArgs := func(dsn string) []string {
		return []string{"ingest", "--db", dsn, "--profile", profile, file}
	}
	// ingest runs the binary as a West Yorkshire supervisor of dsn.
	envs := map[string][]string{}
	ingest := func(dsn string) *exec.Cmd {
		cmd := exec.Command(bin, ingestArgs(dsn)...)
		cmd.Env = append(os.Environ(), envs[dsn]...)
		return cmd
	}

	engines := map[string]func(testing.TB) string{"sqlite": storetest.SQLiteDSN, "postgres": storetest.PostgresDSN}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			clean, crashed := engines[name](t), engines[name](t)
			for _, dsn := range []string{clean, crashed} {
				if out, err := exec.Command(bin, "migrate", "--db", dsn).CombinedOutput(); err != nil {
					t.Fatalf("migrate: %v\n%s", err, out)
				}
				for k, v := range actingAs(t, dsn, pole.RoleForceSupervisor, "west-yorkshire") {
					envs[dsn] = append(envs[dsn], k+"="+v)
				}
			}
			began := time.Now()
			if out, err := ingest(clean).CombinedOutput(); err != nil {
				t.Fatalf("clean ingest: %v\n%s", err, out)
			}
			took := time.Since(began)
			want := holdingsOf(t, clean)

			// Kill the load at points through its run, timed from how long a
			// clean load took, so that the kills land while it works (most
			// of its time is the store's transaction).
			killedRunning := 0
			for _, share := range []float64{0.3, 0.6, 0.85} {
				cmd := ingest(crashed)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Duration(share * float64(took)))
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
				if !cmd.ProcessState.Exited() {
					killedRunning++
				}
				if got := holdingsOf(t, crashed); got != (holdings{}) && got != want {
					t.Fatalf("after a kill at %.0f%% of a load the database holds %+v: neither nothing nor one whole load (%+v)", share*100, got, want)
				}
			}
			if killedRunning == 0 {
				t.Fatalf("every load finished before its kill (a clean load took %v): nothing was crashed", took)
			}
			if out, err := ingest(crashed).CombinedOutput(); err != nil {
				t.Fatalf("ingest after the kills: %v\n%s", err, out)
			}
			if got := holdingsOf(t, crashed); got != want {
				t.Fatalf("after kills and a re-run: %+v, want one clean load %+v", got, want)
			}
		})
	}
}
