package linkage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/linkage/linkbench"
)

// benchmarksRoot finds shared/benchmarks/linkage beside the repository.
func benchmarksRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test")
		}
		dir = parent
	}
	root := filepath.Join(dir, "..", "shared", "benchmarks", "linkage")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("benchmark data absent: %v", err)
	}
	return root
}

// The figures the linkage issue asks for, pairwise over the closure of the
// predicted clusters.
var wantF1 = map[string]float64{
	"febrl1": 0.97, "febrl2": 0.97, "febrl3": 0.97, "febrl4": 0.97,
	"fake_1000": 0.93, "ons": 0.97,
}

func TestLinkageReachesTheBenchmarkF1(t *testing.T) {
	root := benchmarksRoot(t)
	for _, name := range linkbench.Names() {
		t.Run(name, func(t *testing.T) {
			d, err := linkbench.Load(root, name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := linkage.Link(d.Records, linkage.Options{LinkOnly: d.LinkOnly})
			if err != nil {
				t.Fatal(err)
			}
			sc := linkbench.Score(d, res.Cluster)
			cands := linkage.CandidatePairs(d.Records, linkage.Options{LinkOnly: d.LinkOnly})
			br := d.BlockingRecall(func(yield func(int, int) bool) {
				for _, c := range cands {
					if !yield(int(c[0]), int(c[1])) {
						return
					}
				}
			})
			t.Logf("%s: %v; blocking %v; EM converged=%v in %d iterations; %d candidate pairs",
				name, sc, br, res.Model.Training.Converged, res.Model.Training.Iterations, res.Stats.CandidatePairs)
			if sc.F1 < wantF1[name] {
				t.Errorf("%s: F1 %.4f, want at least %.2f", name, sc.F1, wantF1[name])
			}
		})
	}
}

// BenchmarkLink times a whole in-memory run (prepare, block, train, score,
// cluster) on the labelled data sets.
func BenchmarkLink(b *testing.B) {
	root := benchmarksRoot(b)
	for _, name := range []string{"febrl3", "ons"} {
		d, err := linkbench.Load(root, name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := linkage.Link(d.Records, linkage.Options{LinkOnly: d.LinkOnly}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(d.Records)), "records")
		})
	}
}
