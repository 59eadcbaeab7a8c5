package linkbench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

// benchRoot finds the benchmark data; tests skip when it is absent.
func benchRoot(t *testing.T) string {
	t.Helper()
	root, err := Root(".")
	if err != nil {
		t.Skip(err)
	}
	return root
}

func load(t *testing.T, name string) *Dataset {
	t.Helper()
	d, err := Load(benchRoot(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadReadsEveryBenchmarkWithItsPublishedCounts(t *testing.T) {
	root := benchRoot(t)
	for _, tc := range []struct {
		name      string
		sources   map[string]int
		truePairs int64
		linkOnly  bool
	}{
		{"febrl1", map[string]int{"febrl1": 1000}, 500, false},
		{"febrl2", map[string]int{"febrl2": 5000}, 1934, false},
		{"febrl3", map[string]int{"febrl3": 5000}, 6538, false},
		{"febrl4", map[string]int{"dataset4a": 5000, "dataset4b": 5000}, 5000, true},
		{"fake_1000", map[string]int{"fake_1000": 1000}, 2031, false},
		{"ons", map[string]int{"ons_a": 14934, "ons_b": 7434}, 7434, true},
	} {
		d, err := Load(root, tc.name)
		if err != nil {
			t.Fatalf("Load(%q): %v", tc.name, err)
		}
		if d.Name != tc.name || d.LinkOnly != tc.linkOnly {
			t.Errorf("%s: got name %q link-only %v, want %q %v", tc.name, d.Name, d.LinkOnly, tc.name, tc.linkOnly)
		}
		if len(d.Truth) != len(d.Records) {
			t.Fatalf("%s: %d truth labels for %d records", tc.name, len(d.Truth), len(d.Records))
		}
		got := make(map[string]int)
		for _, r := range d.Records {
			got[r.Source]++
		}
		if len(got) != len(tc.sources) {
			t.Errorf("%s: got sources %v, want %v", tc.name, got, tc.sources)
		}
		for s, n := range tc.sources {
			if got[s] != n {
				t.Errorf("%s: got %d records from %s, want %d", tc.name, got[s], s, n)
			}
		}
		if n := d.TruePairs(); n != tc.truePairs {
			t.Errorf("%s: got %d true pairs, want %d", tc.name, n, tc.truePairs)
		}
		// The truth scores itself perfectly.
		if s := Score(d, d.Truth); s.Precision != 1 || s.Recall != 1 || s.TruePairs != tc.truePairs {
			t.Errorf("%s: scoring the truth as clusters gives %v, want precision and recall 1 over %d pairs", tc.name, s, tc.truePairs)
		}
	}
}

func TestLinkOnlyBenchmarksHaveNoTruePairWithinAFile(t *testing.T) {
	for _, name := range []string{"febrl4", "ons"} {
		d := load(t, name)
		if all, cross := TruePairCount(d.Truth), d.TruePairs(); all != cross {
			t.Errorf("%s: %d true pairs in all, %d across files, want all across", name, all, cross)
		}
	}
}

func TestLoadRejectsUnknownBenchmark(t *testing.T) {
	_, err := Load(t.TempDir(), "febrl5")
	var pe *pole.Error
	if !errors.As(err, &pe) || pe.Code != pole.EINVALID || !strings.Contains(err.Error(), "febrl5") {
		t.Errorf("got %v, want an invalid-name error naming febrl5", err)
	}
}

func TestLoadReportsMissingFileAsNotFound(t *testing.T) {
	_, err := Load(t.TempDir(), "febrl1")
	var pe *pole.Error
	if !errors.As(err, &pe) || pe.Code != pole.ENOTFOUND || !strings.Contains(err.Error(), "dataset1.csv") {
		t.Errorf("got %v, want a not-found error naming dataset1.csv", err)
	}
}

func TestBirthYearPivotPutsLaterTwoDigitYearsInTheLastCentury(t *testing.T) {
	for _, tc := range []struct{ year, want int }{{2026, 27}, {2000, 1}, {2099, 99}} {
		if got := birthYearPivot(tc.year); got != tc.want {
			t.Errorf("birthYearPivot(%d) = %d, want %d", tc.year, got, tc.want)
		}
	}
}

// writeBench writes files, by path under a benchmark root, and returns the
// root.
func writeBench(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// wantLineError checks that err names the file, line and column at fault.
func wantLineError(t *testing.T, err error, file string, line int, column string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one naming %s line %d, %s", file, line, column)
	}
	want := fmt.Sprintf("%s line %d, %s:", filepath.FromSlash(file), line, column)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to name %q", err, want)
	}
}
