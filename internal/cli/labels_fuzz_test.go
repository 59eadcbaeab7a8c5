package cli

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/linkage/linkrun"
)

func FuzzReadLabels(f *testing.F) {
	d := &linkrun.Data{Records: []linkage.Record{
		{Source: "wy/a.csv", ID: "1", Key: "k1"},
		{Source: "wy/a.csv", ID: "2", Key: "k2"},
		{Source: "lc/b.csv", ID: "1", Key: "k3"},
	}}
	f.Add([]byte("unique_id_l,source_dataset_l,unique_id_r,source_dataset_r,clerical_match_score\n1,wy/a.csv,2,wy/a.csv,1.0\n2,wy/a.csv,1,lc/b.csv,0\n"))
	f.Add([]byte("unique_id_l,source_dataset_l,unique_id_r,source_dataset_r,clerical_match_score\n1,wy/a.csv,9,wy/a.csv,1\n"))
	f.Add([]byte("\ufeffunique_id_l,source_dataset_l,unique_id_r,source_dataset_r,clerical_match_score\n1,wy/a.csv,2,wy/a.csv,\n"))
	f.Add([]byte("a,b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "labels.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		js, err := readLabels(path, d, "fuzz")
		if err != nil {
			return
		}
		keys := []string{"k1", "k2", "k3"}
		for _, j := range js {
			if !slices.Contains(keys, j.A) || !slices.Contains(keys, j.B) {
				t.Fatalf("judgement on unknown records %q %q", j.A, j.B)
			}
			if j.Decision != "same" && j.Decision != "different" && j.Decision != "unsure" {
				t.Fatalf("decision %q", j.Decision)
			}
		}
	})
}
