package linkrun

import (
	"fmt"
	"os"
	"testing"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/store/storetest"
)

func TestScratchFalse(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	s := storetest.SQLite(t)
	dir := synthStore(t, s, 3000, 11)
	d, _ := Load(ctx, s)
	tr := truth(t, dir)
	res, err := linkage.Link(d.Records, linkage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	shown := 0
	for _, p := range res.Pairs {
		a, b := d.Records[p.I], d.Records[p.J]
		if p.Linked && tr[[2]string{a.Source, a.ID}] != tr[[2]string{b.Source, b.ID}] && shown < 8 {
			shown++
			e, _ := linkage.Explain(d.Records, res.Model, int(p.I), int(p.J))
			fmt.Printf("%s %s\n%s\n", tr[[2]string{a.Source, a.ID}], tr[[2]string{b.Source, b.ID}], e)
		}
	}
}
