package stats

import (
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var svgPart = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)

func svgParts(page string) []string { return svgPart.FindAllString(page, -1) }

// parseXML reads a whole document with the strict XML decoder.
func parseXML(doc string) error {
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// svgRoot decodes the root element and its title and desc.
type svgRoot struct {
	XMLName xml.Name `xml:"svg"`
	Role    string   `xml:"role,attr"`
	Labels  string   `xml:"aria-labelledby,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
}

func TestEverySVGInReportParsesAsXMLWithTitleAndDesc(t *testing.T) {
	page := renderHTML(t, sampleReport())
	parts := svgParts(page)
	// Two tables, the completeness grid and a by-year chart per measure.
	if len(parts) != 5 {
		t.Fatalf("got %d svg elements, want 5", len(parts))
	}
	for i, svg := range parts {
		if err := parseXML(svg); err != nil {
			t.Errorf("svg %d: %v", i, err)
			continue
		}
		var root svgRoot
		if err := xml.Unmarshal([]byte(svg), &root); err != nil {
			t.Fatalf("svg %d: %v", i, err)
		}
		if root.Role != "img" || root.Title == "" || root.Desc == "" {
			t.Errorf("svg %d: got role %q, title %q, desc %q; want role img and a title and desc", i, root.Role, root.Title, root.Desc)
		}
		for _, id := range strings.Fields(root.Labels) {
			if !strings.Contains(svg, `id="`+id+`"`) {
				t.Errorf("svg %d is labelled by %s, which it lacks", i, id)
			}
		}
	}
	if root := parts[0]; !strings.Contains(root, "<title id=\"chart-table-victims-by-force-year-title\">Victims by force and year of first offence</title>") {
		t.Errorf("first chart is not titled with its table: %.300s", root)
	}
}

func TestChartIDsAreUniqueInPage(t *testing.T) {
	page := renderHTML(t, sampleReport())
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if seen[m[1]] {
			t.Errorf("id %q is used twice", m[1])
		}
		seen[m[1]] = true
	}
}

func TestNiceTicksStepByOneTwoOrFiveTimesAPowerOfTen(t *testing.T) {
	for _, c := range []struct {
		max  float64
		want []float64
	}{
		{0, []float64{0, 1}},
		{3, []float64{0, 1, 2, 3}},
		{7, []float64{0, 2, 4, 6, 8}},
		{23, []float64{0, 5, 10, 15, 20, 25}},
		{95, []float64{0, 20, 40, 60, 80, 100}},
		{100, []float64{0, 20, 40, 60, 80, 100}},
		{385, []float64{0, 100, 200, 300, 400}},
		{1235, []float64{0, 500, 1000, 1500}},
	} {
		if got := niceTicks(c.max); !slices.Equal(got, c.want) {
			t.Errorf("niceTicks(%v): got %v, want %v", c.max, got, c.want)
		}
	}
}

func TestBarChartDrawsSuppressedBarAsHatchedCWithoutLength(t *testing.T) {
	tb := sampleReport().Tables[1] // Under 18 and Not known suppressed
	svg := string(barChart("b", tb, "suppressed"))
	if got := strings.Count(svg, `fill="`+barColour+`"`); got != 3 {
		t.Errorf("got %d drawn bars, want 3 (the published counts)", got)
	}
	// The mark is a bar-high square, whatever the hidden value.
	if got := strings.Count(svg, `width="20" height="20" fill="url(#b-hatch)"`); got != 2 {
		t.Errorf("got %d bar-high hatched marks, want 2", got)
	}
	if got := strings.Count(svg, `>c</text>`); got != 2 {
		t.Errorf("got %d labels c, want 2", got)
	}
}

func TestBarChartLongestBarReachesTopTick(t *testing.T) {
	tb := &Table{ID: "t", Title: "Offenders by age", Unit: "offenders", RowHeader: "Age",
		Rows: []string{"18 to 24", "25 to 34"}, Cols: []string{"offenders"},
		Cells: [][]Cell{{publishedCell(20)}, {publishedCell(50)}}}
	svg := string(barChart("b", tb, "suppressed"))
	plotW := chartWidth - labelWidth(tb.Rows) - 64
	for _, w := range []string{num(plotW), num(plotW * 20 / 50)} {
		if !strings.Contains(svg, `width="`+w+`" height="20" fill="`+barColour+`"`) {
			t.Errorf("no bar %s wide (plot %s wide, ticks to 50)", w, num(plotW))
		}
	}
	if !strings.Contains(svg, ">50</text>") || strings.Contains(svg, ">60</text>") {
		t.Error("axis does not end at tick 50")
	}
}

func TestGroupedBarChartHasLegendEntryPerColumn(t *testing.T) {
	svg := string(groupedBarChart("g", sampleReport().Tables[0], "suppressed"))
	legend := sliceBetween(svg, `<g class="legend">`, "</g>")
	for i, col := range []string{"2021", "2022", "2023"} {
		if !strings.Contains(legend, `fill="`+palette[i]+`"`) || !strings.Contains(legend, ">"+col+"</text>") {
			t.Errorf("legend lacks %s in %s", col, palette[i])
		}
	}
	// 45 and 30 drawn in the 2021 colour; four suppressed marks.
	if got := strings.Count(svg, `fill="`+palette[0]+`"`); got != 3 {
		t.Errorf("got %d shapes in the 2021 colour, want 3 (legend and two bars)", got)
	}
	if got := strings.Count(svg, `fill="url(#g-hatch)"`); got != 4 {
		t.Errorf("got %d suppressed marks, want 4", got)
	}
}

func TestGroupedBarChartLeavesTooManyColumnsToTheTable(t *testing.T) {
	cols := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	row := make([]Cell, len(cols))
	tb := &Table{ID: "wide", Title: "Wide", Rows: []string{"r"}, Cols: cols, Cells: [][]Cell{row}}
	if got := groupedBarChart("g", tb, "suppressed"); got != "" {
		t.Errorf("got a chart of %d columns, want none", len(cols))
	}
}

func TestHeatGridShowsWithheldRateAsHatchedC(t *testing.T) {
	r := sampleReport()
	svg := string(heatGrid("h", []string{"Victim ethnicity", "Suspect ethnicity (self-defined)"}, forceRows(r.Quality), "withheld"))
	if err := parseXML(svg); err != nil {
		t.Fatal(err)
	}
	// South Yorkshire's one figure is withheld; the legend has a mark too.
	if got := strings.Count(svg, `fill="url(#h-hatch)"`); got != 2 {
		t.Errorf("got %d hatched shapes, want 2 (a cell and the legend)", got)
	}
	// 77.3 is in the fourth fifth, dark enough for white text.
	fourth := regexp.MustCompile(`fill="` + heatColours[3] + `" stroke="#ffffff"/><text [^>]*fill="#ffffff">77.3</text>`)
	if !fourth.MatchString(svg) {
		t.Error("77.3 is not drawn in the fourth colour with white text")
	}
	for _, want := range []string{`>58.7</text>`, `>–</text>`, `>South Yorkshire Police</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("grid lacks %s", want)
		}
	}
}

func TestHeatBinPutsPercentInItsFifth(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want int
	}{{0, 0}, {19.9, 0}, {20, 1}, {59.9, 2}, {60, 3}, {80, 4}, {100, 4}} {
		if got := heatBin(c.p); got != c.want {
			t.Errorf("heatBin(%v): got %d, want %d", c.p, got, c.want)
		}
	}
}

func TestLineChartBreaksLineAtWithheldYear(t *testing.T) {
	q := sampleReport().Quality[0] // 2022 withheld
	svg := string(lineChart("l", "Completeness", q.ByYear, "withheld"))
	if err := parseXML(svg); err != nil {
		t.Fatal(err)
	}
	// 2021 stands alone; 2023 and 2024 are joined.
	if got := strings.Count(svg, "<polyline"); got != 1 {
		t.Errorf("got %d lines, want 1", got)
	}
	if got := strings.Count(svg, "<circle"); got != 3 {
		t.Errorf("got %d points, want 3", got)
	}
	if got := strings.Count(svg, `fill="url(#l-hatch)"`); got != 1 {
		t.Errorf("got %d withheld marks, want 1", got)
	}
	for _, year := range []string{"2021", "2022", "2023", "2024"} {
		if !strings.Contains(svg, ">"+year+"</text>") {
			t.Errorf("axis lacks %s", year)
		}
	}
}

func TestLineChartSortsYears(t *testing.T) {
	figs := sampleReport().Quality[1].ByYear
	reversed := slices.Clone(figs)
	slices.Reverse(reversed)
	if a, b := lineChart("l", "C", figs, "w"), lineChart("l", "C", reversed, "w"); a != b {
		t.Error("chart depends on the order of the years given")
	}
}

func TestChartEscapesLabels(t *testing.T) {
	tb := &Table{ID: "t", Title: `A & "B" <script>`, Unit: "victims", RowHeader: "Force",
		Rows: []string{"<b>x</b>", "O'Brien\x01"}, Cols: []string{"victims"}, Cells: [][]Cell{{publishedCell(10)}, {suppressedCell}}}
	svg := string(barChart("b", tb, "<why>"))
	if err := parseXML(svg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`A &amp; &#34;B&#34; &lt;script&gt;`, `&lt;b&gt;x&lt;/b&gt;`, "O&#39;Brien\uFFFD", "&lt;why&gt;"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s", want)
		}
	}
}

func TestWrapBreaksMeasureNamesAtSpaces(t *testing.T) {
	got := wrap("Suspect ethnicity (self-defined)", 13, 3)
	want := []string{"Suspect", "ethnicity", "(self-defined)"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := wrap("one two three four five six seven", 5, 2); !slices.Equal(got, []string{"one", "two…"}) {
		t.Errorf("got %q, want two lines ending in an ellipsis", got)
	}
}
