// Package linkbench reads the labelled person-linkage benchmarks kept beside
// the repository (shared/benchmarks/linkage: FEBRL 1-4, Splink's fake_1000
// and the ONS working-linkage exercise) as linkage records with their true
// entities, and scores predicted clusters and candidate pairs against them
// the way the field does: pairwise precision, recall and F1 over the
// transitive closure of the clusters, and blocking recall.
package linkbench

import (
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/pole"
)

// Dataset is one benchmark: its records and, for each, the entity it truly
// belongs to.
type Dataset struct {
	Name    string // one of Names
	Records []linkage.Record
	Truth   []string // Truth[i] is the true entity of Records[i]
	// LinkOnly is set when the benchmark links two files and only pairs
	// across them count (febrl4, ons): pairs within one Source are neither
	// true nor predicted matches.
	LinkOnly bool
}

// Names lists the benchmarks Load reads.
func Names() []string {
	return []string{"febrl1", "febrl2", "febrl3", "febrl4", "fake_1000", "ons"}
}

// Load reads the benchmark called name from root, the folder
// shared/benchmarks/linkage.
func Load(root, name string) (*Dataset, error) {
	op := "linkbench.Load " + name
	d := &Dataset{Name: name}
	var err error
	switch name {
	case "febrl1", "febrl2", "febrl3":
		file := "dataset" + name[len(name)-1:] + ".csv"
		d.Records, d.Truth, err = readFEBRL(filepath.Join(root, "febrl", file), name)
	case "febrl4":
		d.LinkOnly = true
		d.Records, d.Truth, err = readFEBRL4(filepath.Join(root, "febrl"))
	case "fake_1000":
		d.Records, d.Truth, err = readFake1000(filepath.Join(root, "splink", "fake_1000.csv"))
	case "ons":
		d.LinkOnly = true
		pivot := birthYearPivot(time.Now().Year())
		d.Records, d.Truth, err = readONS(filepath.Join(root, "ons", "working_data_a.csv"), filepath.Join(root, "ons", "working_data_b.csv"), pivot)
	default:
		return nil, pole.E(op, pole.Invalid("name", "unknown benchmark %q (known: %v)", name, Names()))
	}
	if err != nil {
		return nil, pole.E(op, err)
	}
	return d, nil
}

// readFEBRL4 reads FEBRL4's two files, each record of dataset4a having its
// one true match in dataset4b.
func readFEBRL4(dir string) ([]linkage.Record, []string, error) {
	recs, truth, err := readFEBRL(filepath.Join(dir, "dataset4a.csv"), "dataset4a")
	if err != nil {
		return nil, nil, err
	}
	recsB, truthB, err := readFEBRL(filepath.Join(dir, "dataset4b.csv"), "dataset4b")
	if err != nil {
		return nil, nil, err
	}
	return append(recs, recsB...), append(truth, truthB...), nil
}

// Root finds shared/benchmarks/linkage beside the repository that holds
// dir: the folder above the one holding go.mod. It is ENOTFOUND when there
// is no go.mod above dir or the folder is absent.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", pole.Errorf(pole.ENOTFOUND, "no go.mod above %s", dir)
		}
		dir = parent
	}
	root := filepath.Join(dir, "..", "shared", "benchmarks", "linkage")
	if _, err := os.Stat(root); err != nil {
		return "", pole.Errorf(pole.ENOTFOUND, "benchmark data not found beside the repository: %v", err)
	}
	return root, nil
}

// birthYearPivot is the two-digit year pivot for dates of birth written in
// thisYear: a year after this one's two digits is last century's.
func birthYearPivot(thisYear int) int {
	return min(thisYear%100+1, 99)
}

// Sources returns the Source of each record, as the link-only metrics take
// them.
func (d *Dataset) Sources() []string {
	s := make([]string, len(d.Records))
	for i := range d.Records {
		s[i] = d.Records[i].Source
	}
	return s
}

// TruePairs counts the pairs of records that are the same person, across
// sources only when d is LinkOnly.
func (d *Dataset) TruePairs() int64 {
	if d.LinkOnly {
		return TruePairCountLinkOnly(d.Truth, d.Sources())
	}
	return TruePairCount(d.Truth)
}

// Score scores predicted clusters of d's records, cluster[i] being any id of
// the cluster of d.Records[i], counting only cross-source pairs when d is
// LinkOnly.
func Score[T comparable](d *Dataset, cluster []T) Scores {
	if d.LinkOnly {
		return PairwiseScoresLinkOnly(d.Truth, cluster, d.Sources())
	}
	return PairwiseScores(d.Truth, cluster)
}

// BlockingRecall measures the candidate pairs of d's records that
// candidates yields, by index into d.Records, counting only cross-source
// true pairs when d is LinkOnly.
func (d *Dataset) BlockingRecall(candidates iter.Seq2[int, int]) BlockingScores {
	if d.LinkOnly {
		return BlockingRecallLinkOnly(d.Truth, d.Sources(), candidates)
	}
	return BlockingRecall(d.Truth, candidates)
}

// lineError reports a bad line of a benchmark file, naming the file, the
// line and the column at fault.
func lineError(path string, line int, column, format string, args ...any) error {
	return &pole.Error{Code: pole.EINVALID, Field: "file", Message: fmt.Sprintf("%s line %d, %s: ", path, line, column) + fmt.Sprintf(format, args...)}
}
