package linkrun

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/store"
)

func TestScratchBlocking(t *testing.T) {
	dsn := os.Getenv("SCRATCH_DB")
	if dsn == "" {
		t.Skip()
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	d, err := Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("load", time.Since(t0), len(d.Records))
	for _, mb := range []string{"500"} {
		n, _ := strconv.Atoi(mb)
		t0 = time.Now()
		st := linkage.BlockingReport(d.Records, linkage.Options{MaxBlock: n})
		var tot int64
		for _, b := range st {
			tot += b.Pairs
			fmt.Printf("  %+v\n", b)
		}
		fmt.Println("max", n, "pairs", tot, time.Since(t0))
	}
}
