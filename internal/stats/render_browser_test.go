package stats

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium on a file with extra arguments, in a
// fresh profile and with nothing fetched from the network, and returns
// its stdout and stderr.
func chromium(t *testing.T, page string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(append(base, args...), "file://"+page)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\nstderr:\n%s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

// pageProblems picks from Chromium's log the lines about the page itself:
// console messages (the page has no scripts, so any is a fault) and errors
// naming the file. Chromium's own noise about D-Bus, the GPU and the
// sandbox names no page and is left out.
func pageProblems(log, page string) []string {
	var problems []string
	for line := range strings.Lines(log) {
		line = strings.TrimSpace(line)
		switch {
		case strings.Contains(line, ":CONSOLE"), strings.Contains(line, "Uncaught"):
			problems = append(problems, line)
		case strings.Contains(line, ":ERROR:") && strings.Contains(line, page):
			problems = append(problems, line)
		}
	}
	return problems
}

func TestReportRendersInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CASELINK_REQUIRE_BROWSER") != "" {
			t.Fatalf("CASELINK_REQUIRE_BROWSER is set but %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("%s not installed; install chromium (or set CASELINK_REQUIRE_BROWSER to make this a failure)", chromiumPath)
	}
	dir := t.TempDir()
	if err := sampleReport().WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")

	dom, log := chromium(t, page, "--dump-dom")
	for _, want := range []string{
		`<section id="headlines" aria-labelledby="headlines-heading">`,
		`<p class="figure">1,235</p>`,
		`<div id="rule-victim">`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %s", want)
		}
	}
	if got := strings.Count(dom, "<svg "); got != 5 {
		t.Errorf("rendered DOM has %d svg elements, want 5", got)
	}
	for _, p := range pageProblems(log, page) {
		t.Errorf("chromium reported: %s", p)
	}

	artefacts := os.Getenv("CASELINK_ARTEFACTS")
	if artefacts == "" {
		artefacts = t.TempDir()
	} else if err := os.MkdirAll(artefacts, 0o755); err != nil {
		t.Fatal(err)
	}
	// Desktop and tablet widths: the page must read at both.
	for _, shot := range []struct{ name, size string }{
		{"report-1280.png", "1280,2000"},
		{"report-768.png", "768,2000"},
	} {
		path := filepath.Join(artefacts, shot.name)
		_, log := chromium(t, page, "--screenshot="+path, "--window-size="+shot.size, "--hide-scrollbars")
		info, err := os.Stat(path)
		if err != nil || info.Size() == 0 {
			t.Errorf("screenshot %s not written: %v", shot.name, err)
		}
		for _, p := range pageProblems(log, page) {
			t.Errorf("chromium reported: %s", p)
		}
	}
}
