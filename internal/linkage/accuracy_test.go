package linkage_test

import (
	"testing"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/linkage/linkbench"
)

// benchmarksRoot finds the benchmark data; tests skip when it is absent.
func benchmarksRoot(t testing.TB) string {
	t.Helper()
	root, err := linkbench.Root(".")
	if err != nil {
		t.Skip(err)
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

func TestAnIndexLinksAddedRecordsAsAFreshRunWould(t *testing.T) {
	d, err := linkbench.Load(benchmarksRoot(t), "febrl3")
	if err != nil {
		t.Fatal(err)
	}
	const old = 4000
	x := linkage.NewIndex(d.Records[:old])
	first, err := x.Link(linkage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x.Add(d.Records[old:])
	if x.Len() != len(d.Records) {
		t.Fatalf("index holds %d records, want %d", x.Len(), len(d.Records))
	}
	existing := make([]int32, len(d.Records))
	copy(existing, first.Cluster)
	for i := old; i < len(existing); i++ {
		existing[i] = -1
	}
	opt := linkage.Options{Model: first.Model, Existing: existing}
	got, err := x.Link(opt)
	if err != nil {
		t.Fatal(err)
	}
	want, err := linkage.Link(d.Records, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Cluster {
		if got.Cluster[i] != want.Cluster[i] {
			t.Fatalf("record %d: cluster %d from the index, %d from a fresh run", i, got.Cluster[i], want.Cluster[i])
		}
	}
	if got.Stats.CandidatePairs != want.Stats.CandidatePairs || got.Stats.CandidatePairs == 0 {
		t.Fatalf("candidate pairs %d from the index, %d fresh", got.Stats.CandidatePairs, want.Stats.CandidatePairs)
	}
	for i := 0; i < old; i++ {
		if got.Cluster[i] != got.Cluster[first.Cluster[i]] {
			t.Fatalf("record %d left its cluster when new records arrived", i)
		}
	}
}
