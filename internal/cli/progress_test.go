package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/ingest"
)

func TestProgressPrintsPlainLinesWhenNotATerminal(t *testing.T) {
	var errb bytes.Buffer
	m := New(&bytes.Buffer{}, &errb, func(string) string { return "" })
	p := newProgress(m, "wy.csv")
	if p.tty {
		t.Fatal("a buffer taken for a terminal")
	}
	p.show(ingest.Progress{Rows: 10, Bytes: 100, Size: 1000})
	if errb.Len() != 0 {
		t.Fatalf("a line before ten seconds had passed: %q", errb.String())
	}
	p.start, p.last = p.start.Add(-20*time.Second), p.last.Add(-20*time.Second)
	p.show(ingest.Progress{Rows: 5000, Bytes: 500, Size: 1000})
	p.done()
	line := errb.String()
	if !strings.HasPrefix(line, "wy.csv: 5000 rows, ") || !strings.Contains(line, "50%") || !strings.HasSuffix(line, "s left\n") || strings.Contains(line, "\r") {
		t.Fatalf("progress line: %q", line)
	}
}
