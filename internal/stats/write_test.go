package stats

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// publishedCell is a count as published; suppressedCell a suppressed one.
func publishedCell(v int) Cell { return Cell{Value: v} }

var suppressedCell = Cell{Suppressed: true}

func publishedRate(p float64) Rate { return Rate{Percent: p} }

var withheldRate = Rate{Withheld: true}

// sampleReport is a small report as disclosure control leaves it: counts
// rounded to 5, small ones suppressed, one rate withheld.
func sampleReport() *Report {
	return &Report{
		Title:     "Group-based child sexual exploitation: nature and scale",
		Generated: time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC),
		Rules: RuleSummary{
			Name:    "nature-and-scale",
			Version: 3,
			Digest:  "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
			Definitions: []Definition{
				{ID: "victim", Name: "Victim", Text: "A person under 18 at the time of an offence recorded in a group-based case."},
				{ID: "offender", Name: "Offender", Text: "A person named as a suspect in a group-based case, counted once however many cases name them."},
				{ID: "record", Name: "Record", Text: "A person record as sent by a force, before linkage."},
			},
		},
		Disclosure: Disclosure{Threshold: 10, Base: 5},
		Linkage:    LinkageBasis{RunID: "run-2026-03-01", ModelVersion: 4, Entities: Cell{Value: 12875}, StrictAt: 0.95, LooseAt: 0.8},
		Headlines: []Headline{
			{ID: "victims", Label: "Victims", Rule: "victim", Value: publishedCell(1235), Low: publishedCell(1180), High: publishedCell(1310), Records: publishedCell(2045)},
			{ID: "offenders", Label: "Offenders", Rule: "offender", Value: publishedCell(840), Low: publishedCell(790), High: publishedCell(905), Records: publishedCell(1510)},
		},
		Tables: []*Table{
			{
				ID: "victims-by-force-year", Title: "Victims by force and year of first offence", Rule: "victim",
				Unit: "victims", RowHeader: "Force", ColHeader: "Year",
				Rows:      []string{"Greater Manchester Police", "West Yorkshire Police"},
				Cols:      []string{"2021", "2022", "2023"},
				Cells:     [][]Cell{{publishedCell(45), suppressedCell, suppressedCell}, {publishedCell(30), suppressedCell, suppressedCell}},
				RowTotals: []Cell{publishedCell(115), publishedCell(70)},
				ColTotals: []Cell{publishedCell(75), suppressedCell, suppressedCell},
				Total:     publishedCell(185),
			},
			{
				ID: "offenders-by-age", Title: "Offenders by age at first offence", Rule: "offender",
				Unit: "offenders", RowHeader: "Age",
				Rows:      []string{"Under 18", "18 to 24", "25 to 34", "35 and over", "Not known"},
				Cols:      []string{"offenders"},
				Cells:     [][]Cell{{suppressedCell}, {publishedCell(210)}, {publishedCell(385)}, {publishedCell(230)}, {suppressedCell}},
				RowTotals: []Cell{suppressedCell, publishedCell(210), publishedCell(385), publishedCell(230), suppressedCell},
				ColTotals: []Cell{publishedCell(840)},
				Total:     publishedCell(840),
				Note:      "Age is worked out from date of birth where it is known.",
			},
		},
		Quality: []*Quality{
			{
				ID: "victim-ethnicity", Label: "Victim ethnicity", Rule: "record", Field: "ethnicity_self",
				Overall: QualityFigure{Records: publishedCell(2045), Recorded: publishedCell(1490), Valid: publishedCell(1455), Completeness: publishedRate(72.9), Validity: publishedRate(97.6)},
				ByForce: []QualityFigure{
					{Force: "west-yorkshire", Records: publishedCell(905), Recorded: publishedCell(700), Valid: publishedCell(690), Completeness: publishedRate(77.3), Validity: publishedRate(98.6)},
					{Force: "greater-manchester", Records: publishedCell(1135), Recorded: publishedCell(790), Valid: publishedCell(765), Completeness: publishedRate(69.6), Validity: publishedRate(96.8)},
					{Force: "south-yorkshire", Records: suppressedCell, Recorded: suppressedCell, Valid: suppressedCell, Completeness: withheldRate, Validity: withheldRate},
				},
				ByYear: []QualityFigure{
					{Year: 2021, Records: publishedCell(610), Recorded: publishedCell(400), Valid: publishedCell(390), Completeness: publishedRate(65.6), Validity: publishedRate(97.5)},
					{Year: 2022, Records: suppressedCell, Recorded: suppressedCell, Valid: suppressedCell, Completeness: withheldRate, Validity: withheldRate},
					{Year: 2023, Records: publishedCell(720), Recorded: publishedCell(560), Valid: publishedCell(545), Completeness: publishedRate(77.8), Validity: publishedRate(97.3)},
					{Year: 2024, Records: publishedCell(710), Recorded: publishedCell(525), Valid: publishedCell(515), Completeness: publishedRate(73.9), Validity: publishedRate(98.1)},
				},
			},
			{
				ID: "suspect-ethnicity-self", Label: "Suspect ethnicity (self-defined)", Rule: "record", Field: "ethnicity_self",
				Overall: QualityFigure{Records: publishedCell(1510), Recorded: publishedCell(1060), Valid: publishedCell(1050), Completeness: publishedRate(70.2), Validity: publishedRate(99.1)},
				ByForce: []QualityFigure{
					{Force: "greater-manchester", Records: publishedCell(820), Recorded: publishedCell(655), Valid: publishedCell(650), Completeness: publishedRate(79.9), Validity: publishedRate(99.2)},
					{Force: "west-yorkshire", Records: publishedCell(690), Recorded: publishedCell(405), Valid: publishedCell(400), Completeness: publishedRate(58.7), Validity: publishedRate(98.8)},
				},
				ByYear: []QualityFigure{
					{Year: 2021, Records: publishedCell(480), Recorded: publishedCell(300), Valid: publishedCell(295), Completeness: publishedRate(62.5), Validity: publishedRate(98.3)},
					{Year: 2022, Records: publishedCell(505), Recorded: publishedCell(365), Valid: publishedCell(360), Completeness: publishedRate(72.3), Validity: publishedRate(98.6)},
					{Year: 2023, Records: publishedCell(525), Recorded: publishedCell(395), Valid: publishedCell(395), Completeness: publishedRate(75.2), Validity: publishedRate(100)},
				},
			},
		},
		Sources: []SourceSummary{
			{Force: "greater-manchester", Files: 3, Rows: 48210, Quarantined: 112},
			{Force: "west-yorkshire", Files: 2, Rows: 39877, Quarantined: 40},
		},
		Methods: []Paragraph{
			{Heading: "Linkage", Text: "Person records were linked across forces by a probabilistic model.\n\nPairs between the two thresholds were reviewed."},
			{Heading: "Disclosure control", Text: "Counts were rounded to the nearest 5 and small counts suppressed."},
		},
	}
}

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	return b.String()
}

func TestTableCSVWritesSuppressedCellAsCWithTotals(t *testing.T) {
	b, err := tableCSV(sampleReport().Tables[0])
	if err != nil {
		t.Fatal(err)
	}
	want := "Force,2021,2022,2023,Total\n" +
		"Greater Manchester Police,45,c,c,115\n" +
		"West Yorkshire Police,30,c,c,70\n" +
		"Total,75,c,c,185\n"
	if got := string(b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTableCSVOneWayHeadsCountColumnWithUnit(t *testing.T) {
	b, err := tableCSV(sampleReport().Tables[1])
	if err != nil {
		t.Fatal(err)
	}
	want := "Age,offenders\n" +
		"Under 18,c\n18 to 24,210\n25 to 34,385\n35 and over,230\nNot known,c\n" +
		"Total,840\n"
	if got := string(b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTableCSVOneWayWithoutUnitHeadsCountColumnCount(t *testing.T) {
	tb := sampleReport().Tables[1]
	tb.Unit = ""
	b, err := tableCSV(tb)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.SplitN(string(b), "\n", 2)[0], "Age,Count"; got != want {
		t.Errorf("got header %q, want %q", got, want)
	}
}

func TestTableCSVQuotesLabelWithComma(t *testing.T) {
	tb := sampleReport().Tables[1]
	tb.Rows[4] = "Not known, or not recorded"
	b, err := tableCSV(tb)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\n\"Not known, or not recorded\",c\n") {
		t.Errorf("label with a comma not quoted:\n%s", b)
	}
}

func TestQualityCSVWritesWithheldRateAndSuppressedCountsAsC(t *testing.T) {
	b, err := qualityCSV(sampleReport().Quality[0])
	if err != nil {
		t.Fatal(err)
	}
	want := "scope,force,year,records,recorded,valid,completeness_percent,validity_percent\n" +
		"overall,,,2045,1490,1455,72.9,97.6\n" +
		"force,west-yorkshire,,905,700,690,77.3,98.6\n" +
		"force,greater-manchester,,1135,790,765,69.6,96.8\n" +
		"force,south-yorkshire,,c,c,c,c,c\n" +
		"year,,2021,610,400,390,65.6,97.5\n" +
		"year,,2022,c,c,c,c,c\n" +
		"year,,2023,720,560,545,77.8,97.3\n" +
		"year,,2024,710,525,515,73.9,98.1\n"
	if got := string(b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteDirWritesEveryFileReadableByAllAndNoTempFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := sampleReport().WriteDir(dir); err != nil {
		t.Fatalf("WriteDir: %v", err)
	}
	var got []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		got = append(got, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm() != 0o644 {
			t.Errorf("%s: got mode %v, want 0644", rel, info.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"quality/suspect-ethnicity-self.csv", "quality/victim-ethnicity.csv",
		"report.html", "report.json",
		"tables/offenders-by-age.csv", "tables/victims-by-force-year.csv",
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}

	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if want := renderHTML(t, sampleReport()); string(page) != want {
		t.Error("report.html differs from WriteHTML's output")
	}
}

func TestWriteDirReplacesEarlierFiles(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport()
	if err := r.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	r.Tables[1].Total = publishedCell(845)
	if err := r.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "tables", "offenders-by-age.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), "\nTotal,845\n") {
		t.Errorf("got\n%s\nwant it to end with Total,845", b)
	}
	dropped := r.Tables[0].ID
	r.Tables = r.Tables[1:]
	if err := r.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tables", dropped+".csv")); !os.IsNotExist(err) {
		t.Errorf("the table %s this report no longer has is still written: %v", dropped, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tables", "offenders-by-age.csv")); err != nil {
		t.Errorf("a table the report has: %v", err)
	}
}

func TestReportJSONRoundTripsWithSuppressedCellsCarryingNoValue(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport()
	if err := r.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}

	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, &back, cmp.AllowUnexported(Cell{}, Report{})); diff != "" {
		t.Errorf("round trip (-wrote +read):\n%s", diff)
	}

	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	suppressed, withheldRates := 0, 0
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["suppressed"] == true {
				suppressed++
				if v["value"] != 0.0 || len(v) != 2 {
					t.Errorf("%s: suppressed cell %v, want only value 0 and suppressed true", path, v)
				}
			}
			if v["withheld"] == true {
				withheldRates++
				if v["percent"] != 0.0 || len(v) != 2 {
					t.Errorf("%s: withheld rate %v, want only percent 0 and withheld true", path, v)
				}
			}
			for k, e := range v {
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range v {
				walk(path+"[]", e)
			}
		}
	}
	walk("report", doc)
	// 6 table cells and 2 row totals and 2 column totals; 6 quality counts.
	if suppressed != 16 {
		t.Errorf("got %d suppressed cells in the JSON, want 16", suppressed)
	}
	if withheldRates != 4 {
		t.Errorf("got %d withheld rates in the JSON, want 4", withheldRates)
	}
	if got := doc["disclosure"]; !cmp.Equal(got, map[string]any{"threshold": 10.0, "base": 5.0}) {
		t.Errorf("got disclosure %v, want threshold 10 and base 5", got)
	}
}

func TestWriteRefusesSuppressedCellCarryingValue(t *testing.T) {
	r := sampleReport()
	r.Tables[0].Cells[0][1] = Cell{Value: 3, Suppressed: true}
	if err := r.WriteHTML(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "suppressed cell with a value") {
		t.Errorf("WriteHTML: got %v, want a refusal of the suppressed cell with a value", err)
	}
	dir := t.TempDir()
	if err := r.WriteDir(dir); err == nil {
		t.Error("WriteDir wrote a suppressed cell with a value")
	}
	if _, err := os.Stat(filepath.Join(dir, "report.json")); !os.IsNotExist(err) {
		t.Errorf("report.json: got %v, want it not written", err)
	}
}

func TestWriteRefusesWithheldRateCarryingPercent(t *testing.T) {
	r := sampleReport()
	r.Quality[0].ByYear[1].Completeness = Rate{Percent: 40, Withheld: true}
	if err := r.WriteHTML(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "withheld rate with a value") {
		t.Errorf("got %v, want a refusal of the withheld rate with a value", err)
	}
}

func TestWriteRefusesRuleWithoutDefinition(t *testing.T) {
	r := sampleReport()
	r.Tables[1].Rule = "suspect"
	err := r.WriteHTML(&bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `rule "suspect", which has no definition`) {
		t.Errorf("got %v, want a refusal naming rule suspect", err)
	}
}

func TestWriteDirRefusesTableIDThatIsAPath(t *testing.T) {
	r := sampleReport()
	r.Tables[0].ID = "../victims"
	dir := t.TempDir()
	if err := r.WriteDir(filepath.Join(dir, "out")); err == nil {
		t.Fatal("got no error for table id ../victims")
	}
	if _, err := os.Stat(filepath.Join(dir, "victims.csv")); !os.IsNotExist(err) {
		t.Errorf("victims.csv outside the output: got %v, want not written", err)
	}
}

func TestWriteRefusesTableWhoseCellsMissAColumn(t *testing.T) {
	r := sampleReport()
	r.Tables[0].Cells[1] = r.Tables[0].Cells[1][:2]
	if err := r.WriteHTML(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "row 1 has 2 cells for 3 columns") {
		t.Errorf("got %v, want a refusal of the short row", err)
	}
}

var ruleHref = regexp.MustCompile(`href="#rule-([^"]*)"`)

func TestWriteHTMLLinksEveryRuleToItsDefinition(t *testing.T) {
	r := sampleReport()
	page := renderHTML(t, r)
	linked := map[string]int{}
	for _, m := range ruleHref.FindAllStringSubmatch(page, -1) {
		linked[m[1]]++
	}
	for id := range linked {
		if !strings.Contains(page, `<div id="rule-`+id+`"><dt>`) {
			t.Errorf("link to #rule-%s has no definition with that id", id)
		}
	}
	// Two headlines, two tables and two quality measures each link once.
	want := map[string]int{"victim": 2, "offender": 2, "record": 2}
	if diff := cmp.Diff(want, linked); diff != "" {
		t.Errorf("rule links (-want +got):\n%s", diff)
	}
	for _, tb := range r.Tables {
		section := sliceBetween(page, `<section id="table-`+tb.ID+`"`, "</section>")
		if !strings.Contains(section, `<a href="#rule-`+tb.Rule+`">`) {
			t.Errorf("table %s does not link to rule %s", tb.ID, tb.Rule)
		}
	}
}

func TestWriteHTMLShowsSuppressedCellAsCWithoutSayingWhy(t *testing.T) {
	page := renderHTML(t, sampleReport())
	mark := `<abbr class="c" title="suppressed: fewer than 10, or hidden so that a small count cannot be worked out">c</abbr>`
	row := `<tr><th scope="row">Greater Manchester Police</th><td class="num">45</td><td class="num">` + mark +
		`</td><td class="num">` + mark + `</td><td class="num total">115</td></tr>`
	if !strings.Contains(page, row) {
		t.Errorf("page lacks the row\n%s", row)
	}
	for _, word := range []string{"primary", "secondary"} {
		if strings.Contains(strings.ToLower(page), word) {
			t.Errorf("page says %q: it must not tell which suppressed counts are small", word)
		}
	}
}

func TestWriteHTMLShowsHeadlineWithRange(t *testing.T) {
	page := renderHTML(t, sampleReport())
	headline := sliceBetween(page, `<div class="headline" id="headline-victims">`, "</div>")
	for _, want := range []string{
		`<p class="figure">1,235</p>`,
		`<p class="range">range 1,180–1,310</p>`,
		`<p class="records">from 2,045 records</p>`,
	} {
		if !strings.Contains(headline, want) {
			t.Errorf("victims headline lacks %s:\n%s", want, headline)
		}
	}
	howTo := sliceBetween(page, `<section id="how-to-read"`, "</section>")
	for _, want := range []string{"nearest 5", "fewer than 10", "probability of 0.8 or more", "probability of 0.95 or more"} {
		if !strings.Contains(howTo, want) {
			t.Errorf("how to read lacks %q", want)
		}
	}
}

func TestWriteHTMLIsDeterministic(t *testing.T) {
	first := renderHTML(t, sampleReport())
	for range 3 {
		if got := renderHTML(t, sampleReport()); got != first {
			t.Fatal("two renderings of the same report differ")
		}
	}
}

func TestWriteHTMLEscapesScriptInLabels(t *testing.T) {
	const evil = `<script>alert("x")</script>`
	r := sampleReport()
	r.Title = evil
	r.Headlines[0].Label = evil
	r.Tables[0].Title = evil
	r.Tables[0].Rows[0] = evil
	r.Tables[0].Cols[0] = evil
	r.Tables[1].Rows[0] = evil
	r.Quality[0].Label = evil
	r.Rules.Definitions[0].Name = evil
	r.Methods[0].Text = evil
	r.Sources[0].Force = evil
	page := renderHTML(t, r)
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("page contains an unescaped <script")
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("page does not show the escaped label")
	}
	for i, svg := range svgParts(page) {
		if err := parseXML(svg); err != nil {
			t.Errorf("svg %d does not parse with an escaped label: %v", i, err)
		}
	}
}

func TestWriteHTMLHasNoScriptsInlineStylesOrExternalResources(t *testing.T) {
	page := renderHTML(t, sampleReport())
	for _, re := range []string{`(?i)<script`, `(?i)\sstyle=`, `(?i)\son[a-z]+=`, `(?i)<link`, `(?i)\ssrc=`, `(?i)<iframe`, `(?i)@import`} {
		if loc := regexp.MustCompile(re).FindStringIndex(page); loc != nil {
			t.Errorf("page matches %s at %q", re, page[max(loc[0]-40, 0):min(loc[1]+40, len(page))])
		}
	}
	// The only absolute URL is the SVG namespace, which is never fetched.
	urls := regexp.MustCompile(`https?://[^"\s<]+`).FindAllString(page, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("page refers to %s", u)
		}
	}
	if got := strings.Count(page, "<style>"); got != 1 {
		t.Errorf("got %d <style> elements, want 1", got)
	}
}

func TestReportStyleHashMatchesEmittedStyle(t *testing.T) {
	page := renderHTML(t, sampleReport())
	style := sliceBetween(page, "<style>", "</style>")
	style = strings.TrimSuffix(strings.TrimPrefix(style, "<style>"), "</style>")
	if style == "" {
		t.Fatal("page has no <style>")
	}
	sum := sha256.Sum256([]byte(style))
	want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if got := ReportStyleHash(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWriteHTMLHeadingsDescendOneLevelAtATime(t *testing.T) {
	page := renderHTML(t, sampleReport())
	level := 0
	for _, m := range regexp.MustCompile(`<h([1-6])[ >]`).FindAllStringSubmatch(page, -1) {
		l := int(m[1][0] - '0')
		if l > level+1 {
			t.Errorf("heading h%d follows h%d", l, level)
		}
		level = l
	}
	if !strings.Contains(page, `<html lang="en-GB">`) {
		t.Error(`page lacks lang="en-GB"`)
	}
}

func TestWriteHTMLNamesForcesInQualityAndSources(t *testing.T) {
	page := renderHTML(t, sampleReport())
	grid := sliceBetween(page, `<caption id="completeness-by-force-caption">`, "</table>")
	// Sorted by name; South Yorkshire has a figure only for victim ethnicity.
	want := `<tr><th scope="row">South Yorkshire Police</th><td class="num"><abbr class="c" title="withheld: worked out from fewer than 10 records, or withheld so that a small count cannot be worked out">c</abbr></td><td class="num">–</td></tr>`
	if !strings.Contains(grid, want) {
		t.Errorf("completeness grid lacks\n%s\nin\n%s", want, grid)
	}
	if i, j := strings.Index(grid, "Greater Manchester Police"), strings.Index(grid, "West Yorkshire Police"); i < 0 || j < i {
		t.Errorf("forces not in order of name: Greater Manchester at %d, West Yorkshire at %d", i, j)
	}
	sources := sliceBetween(page, `<section id="sources"`, "</section>")
	if !strings.Contains(sources, `<tr><th scope="row">Greater Manchester Police</th><td class="num">3</td><td class="num">48,210</td><td class="num">112</td></tr>`) {
		t.Errorf("sources lack Greater Manchester's row:\n%s", sources)
	}
}

func TestFormatCountSeparatesThousands(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0"}, {5, "5"}, {999, "999"}, {1000, "1,000"}, {48210, "48,210"}, {1234567, "1,234,567"}, {-1500, "-1,500"}} {
		if got := formatCount(c.n); got != c.want {
			t.Errorf("formatCount(%d): got %q, want %q", c.n, got, c.want)
		}
	}
}

// between returns s from the first start to the first end after it,
// both included, or "" if start is absent.
func sliceBetween(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+len(end)]
}

func TestWriteHTMLRendersReportWithNothingCounted(t *testing.T) {
	r := &Report{Title: "Empty", Disclosure: Disclosure{Threshold: 10, Base: 5}}
	page := renderHTML(t, r)
	if got := len(svgParts(page)); got != 0 {
		t.Errorf("got %d charts, want none", got)
	}
	if !strings.Contains(page, `<h2 id="headlines-heading">Headline figures</h2>`) {
		t.Error("page lacks the headline section")
	}
}
