package stats

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The charts are drawn here, on the server, as SVG text: the report page
// carries no scripts. Every string that comes from the report passes
// through esc; numbers are formatted with fixed precision so that the same
// report always gives the same bytes.

// palette is Paul Tol's "muted" qualitative scheme, in his recommended
// order: its colours stay distinct under the common colour-vision
// deficiencies. Bars also get a dark outline, as some are light.
var palette = []string{"#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"}

// heatColours bin completeness into fifths, light to dark (ColorBrewer
// Blues, darkened at the top so that white text on them stays readable).
var heatColours = []string{"#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#08306b"}

var heatLabels = []string{"0–19.9%", "20–39.9%", "40–59.9%", "60–79.9%", "80–100%"}

const (
	chartWidth = 640
	barColour  = "#332288"
	gridColour = "#d0d0d0"
	axisColour = "#505a5f"
	inkColour  = "#1b1b1b"
	// charWidth is a rough width of one character at the 12px chart font,
	// used to size label columns without measuring text.
	charWidth = 6.5
	// maxSeries is the most columns a two-way chart draws: one colour each.
	maxSeries = 9
)

// svgChart accumulates one chart's markup.
type svgChart struct {
	id string
	b  strings.Builder
}

// newChart opens an <svg> labelled by its own title and description, with
// the hatch pattern that marks suppressed values. id must be unique in the
// page, as pattern and label ids share the document's namespace.
func newChart(id string, width, height float64, title, desc string) *svgChart {
	c := &svgChart{id: id}
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="12" fill="%s">`,
		num(width), num(height), num(width), num(height), esc(id), esc(id), inkColour)
	c.printf(`<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	c.printf(`<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f2f1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6f777b" stroke-width="2"/></pattern></defs>`, esc(id))
	return c
}

func (c *svgChart) printf(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

// hatch is the fill reference of the chart's suppressed-value pattern.
func (c *svgChart) hatch() string { return "url(#" + esc(c.id) + "-hatch)" }

// text writes a text element; anchor is start, middle or end.
func (c *svgChart) text(x, y float64, anchor, s string) {
	c.printf(`<text x="%s" y="%s" text-anchor="%s" dy=".35em">%s</text>`, num(x), num(y), anchor, esc(s))
}

// suppressedMark draws the mark for a withheld value: a hatched square
// with "c" beside it, the same whatever the hidden value was, so that it
// suggests no size.
func (c *svgChart) suppressedMark(x, y, size float64, why string) {
	c.printf(`<g class="suppressed"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"/>`,
		esc(why), num(x), num(y), num(size), num(size), c.hatch(), axisColour)
	c.text(x+size+4, y+size/2, "start", "c")
	c.printf(`</g>`)
}

func (c *svgChart) html() template.HTML {
	c.printf(`</svg>`)
	// Safe: every value written into the markup went through esc or num.
	return template.HTML(c.b.String())
}

// barChart draws a one-way table as horizontal bars, one per row.
func barChart(id string, t *Table, why string) template.HTML {
	labels := t.Rows
	cells := make([]Cell, len(t.Rows))
	for r := range t.Rows {
		cells[r] = t.Cells[r][0]
	}
	labelW := labelWidth(labels)
	const top, barH, gap, valueW = 8.0, 20.0, 8.0, 64.0
	plotW := chartWidth - labelW - valueW
	plotH := float64(len(labels)) * (barH + gap)
	height := top + plotH + 44

	ticks := niceTicks(maxValue(cells))
	scale := plotW / ticks[len(ticks)-1]
	c := newChart(id, chartWidth, height, t.Title, chartDesc(t, "Horizontal bar chart"))
	c.axis(labelW, top, plotH, scale, ticks, unitLabel(t))
	for r, label := range labels {
		y := top + float64(r)*(barH+gap) + gap/2
		c.text(labelW-6, y+barH/2, "end", truncate(label, labelW))
		c.bar(labelW, y, barH, scale, cells[r], barColour, why)
	}
	return c.html()
}

// groupedBarChart draws a two-way table as groups of horizontal bars, one
// group per row and one coloured bar per column, with a legend. Tables
// with more columns than colours are not drawn: their data table stands
// alone.
func groupedBarChart(id string, t *Table, why string) template.HTML {
	if len(t.Cols) > maxSeries || len(t.Cols) == 0 {
		return ""
	}
	labelW := labelWidth(t.Rows)
	const barH, innerGap, groupGap, valueW = 12.0, 2.0, 14.0, 64.0
	plotW := chartWidth - labelW - valueW

	// The legend flows left to right and wraps at the chart's width.
	type item struct{ x, y float64 }
	items := make([]item, len(t.Cols))
	x, y := 0.0, 8.0
	for i, col := range t.Cols {
		w := 18 + float64(utf8.RuneCountInString(col))*charWidth + 16
		if x > 0 && x+w > chartWidth {
			x, y = 0, y+18
		}
		items[i] = item{x, y}
		x += w
	}
	top := y + 24
	groupH := float64(len(t.Cols))*(barH+innerGap) + groupGap
	plotH := float64(len(t.Rows)) * groupH
	height := top + plotH + 44

	var all []Cell
	for _, row := range t.Cells {
		all = append(all, row...)
	}
	ticks := niceTicks(maxValue(all))
	scale := plotW / ticks[len(ticks)-1]
	c := newChart(id, chartWidth, height, t.Title, chartDesc(t, "Grouped bar chart"))
	c.printf(`<g class="legend">`)
	for i, col := range t.Cols {
		c.printf(`<rect x="%s" y="%s" width="12" height="12" fill="%s" stroke="%s" stroke-width="0.5"/>`,
			num(items[i].x), num(items[i].y), palette[i], inkColour)
		c.text(items[i].x+18, items[i].y+6, "start", col)
	}
	c.printf(`</g>`)
	c.axis(labelW, top, plotH, scale, ticks, unitLabel(t))
	for r, label := range t.Rows {
		gy := top + float64(r)*groupH + groupGap/2
		c.text(labelW-6, gy+(groupH-groupGap)/2, "end", truncate(label, labelW))
		for col := range t.Cols {
			c.bar(labelW, gy+float64(col)*(barH+innerGap), barH, scale, t.Cells[r][col], palette[col], why)
		}
	}
	return c.html()
}

// axis draws vertical grid lines at the ticks, their labels below the
// plot, and the unit under them.
func (c *svgChart) axis(left, top, plotH, scale float64, ticks []float64, unit string) {
	bottom := top + plotH
	for _, t := range ticks {
		x := left + t*scale
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(x), num(top), num(x), num(bottom), gridColour)
		c.text(x, bottom+12, "middle", formatCount(int(t)))
	}
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(left), num(top), num(left), num(bottom), axisColour)
	right := left + ticks[len(ticks)-1]*scale
	c.text((left+right)/2, bottom+30, "middle", unit)
}

// bar draws one count as a bar from the axis with its value at the end,
// or the suppressed mark in its place.
func (c *svgChart) bar(left, y, h, scale float64, cell Cell, fill, why string) {
	if cell.Suppressed {
		c.suppressedMark(left+2, y, h, why)
		return
	}
	w := float64(cell.Value) * scale
	if w > 0 {
		c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="0.5"/>`,
			num(left), num(y), num(w), num(h), fill, inkColour)
	}
	c.text(left+w+4, y+h/2, "start", formatCount(cell.Value))
}

// heatGrid draws completeness as a grid of forces by measures, each cell
// coloured by its fifth and labelled with its percentage.
func heatGrid(id string, measures []string, rows []forceRow, why string) template.HTML {
	if len(measures) == 0 || len(rows) == 0 {
		return ""
	}
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r.Label
	}
	labelW := labelWidth(labels)
	const cellW, cellH, lineH = 96.0, 24.0, 14.0
	const headChars = 13 // characters that fit a heading line in cellW
	heads := make([][]string, len(measures))
	headLines := 1
	for i, m := range measures {
		heads[i] = wrap(m, headChars, 3)
		headLines = max(headLines, len(heads[i]))
	}
	top := float64(headLines)*lineH + 10
	legendW := 8.0
	for _, l := range heatLabels {
		legendW += 18 + float64(utf8.RuneCountInString(l))*charWidth + 14
	}
	legendW += 90 // the withheld mark and its word
	width := math.Max(labelW+float64(len(measures))*cellW+8, legendW)
	legendY := top + float64(len(rows))*cellH + 16
	height := legendY + 44

	desc := fmt.Sprintf("Grid of completeness by force and measure, %d forces by %d measures; each cell is coloured by its fifth (%s) and labelled with the percentage. Hatched cells marked c are withheld; cells marked – have no figure. The same figures are in the table that follows.",
		len(rows), len(measures), strings.Join(heatLabels, ", "))
	c := newChart(id, width, height, "Completeness by force and measure", desc)
	for i, lines := range heads {
		x := labelW + float64(i)*cellW + cellW/2
		for j, line := range lines {
			c.text(x, float64(j)*lineH+8, "middle", line)
		}
	}
	for r, row := range rows {
		y := top + float64(r)*cellH
		c.text(labelW-6, y+cellH/2, "end", truncate(row.Label, labelW))
		for m := range measures {
			x := labelW + float64(m)*cellW
			fig := row.Figs[m]
			switch {
			case fig == nil:
				c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" stroke="%s"/>`, num(x), num(y), num(cellW), num(cellH), gridColour)
				c.text(x+cellW/2, y+cellH/2, "middle", "–")
			case fig.Completeness.Withheld:
				c.printf(`<g class="suppressed"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff"/>`,
					esc(why), num(x), num(y), num(cellW), num(cellH), c.hatch())
				c.printf(`<rect x="%s" y="%s" width="16" height="16" fill="#ffffff"/>`, num(x+cellW/2-8), num(y+cellH/2-8))
				c.text(x+cellW/2, y+cellH/2, "middle", "c")
				c.printf(`</g>`)
			default:
				p := fig.Completeness.Percent
				bin := heatBin(p)
				ink := inkColour
				if bin >= 3 {
					ink = "#ffffff"
				}
				c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff"/>`, num(x), num(y), num(cellW), num(cellH), heatColours[bin])
				c.printf(`<text x="%s" y="%s" text-anchor="middle" dy=".35em" fill="%s">%s</text>`, num(x+cellW/2), num(y+cellH/2), ink, esc(formatPercent(p)))
			}
		}
	}
	// Legend: the five bins, then the withheld mark.
	x := 8.0
	for i, colour := range heatColours {
		c.printf(`<rect x="%s" y="%s" width="14" height="14" fill="%s" stroke="%s" stroke-width="0.5"/>`, num(x), num(legendY), colour, inkColour)
		c.text(x+18, legendY+7, "start", heatLabels[i])
		x += 18 + float64(utf8.RuneCountInString(heatLabels[i]))*charWidth + 14
	}
	c.suppressedMark(x, legendY, 14, why)
	c.text(x+32, legendY+7, "start", "withheld")
	return c.html()
}

// heatBin is the fifth a percentage falls in, 0 to 4.
func heatBin(p float64) int {
	return min(max(int(p/20), 0), len(heatColours)-1)
}

// lineChart draws completeness over the years, 0 to 100 per cent. Withheld
// years break the line and are marked "c" on the axis.
func lineChart(id, title string, figs []QualityFigure, why string) template.HTML {
	if len(figs) == 0 {
		return ""
	}
	figs = slices.Clone(figs)
	slices.SortStableFunc(figs, func(a, b QualityFigure) int { return a.Year - b.Year })
	const height, left, right, top, bottom = 260.0, 48.0, 24.0, 20.0, 40.0
	plotW := chartWidth - left - right
	plotH := height - top - bottom
	first, last := figs[0].Year, figs[len(figs)-1].Year
	xOf := func(year int) float64 {
		if first == last {
			return left + plotW/2
		}
		return left + float64(year-first)/float64(last-first)*plotW
	}
	yOf := func(p float64) float64 { return top + plotH - p/100*plotH }

	desc := fmt.Sprintf("Line chart of completeness by year, %d to %d, on a scale of 0 to 100 per cent. Years marked c are withheld and break the line. The same figures are in the table that follows.", first, last)
	c := newChart(id, chartWidth, height, title, desc)
	for _, p := range niceTicks(100) {
		y := yOf(p)
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(left), num(y), num(left+plotW), num(y), gridColour)
		c.text(left-6, y, "end", formatCount(int(p))+"%")
	}
	labelEvery := (len(figs) + 11) / 12
	for i, f := range figs {
		if i%labelEvery == 0 || i == len(figs)-1 {
			c.text(xOf(f.Year), top+plotH+14, "middle", strconv.Itoa(f.Year))
		}
	}
	c.text(left+plotW/2, top+plotH+32, "middle", "Year")

	// Runs of published years are joined; a withheld year ends a run.
	var run []string
	flush := func() {
		if len(run) > 1 {
			c.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(run, " "), barColour)
		}
		run = run[:0]
	}
	for _, f := range figs {
		if f.Completeness.Withheld {
			flush()
			continue
		}
		run = append(run, num(xOf(f.Year))+","+num(yOf(f.Completeness.Percent)))
	}
	flush()
	for _, f := range figs {
		x := xOf(f.Year)
		if f.Completeness.Withheld {
			c.suppressedMark(x-7, top+plotH-16, 12, why)
			continue
		}
		y := yOf(f.Completeness.Percent)
		c.printf(`<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, num(x), num(y), barColour)
		c.text(x, y-10, "middle", formatPercent(f.Completeness.Percent))
	}
	return c.html()
}

// niceTicks returns axis ticks from 0 past max at a step of 1, 2 or 5
// times a power of ten, about five of them. Counts are whole, so the step
// is at least 1.
func niceTicks(max float64) []float64 {
	if max <= 0 {
		return []float64{0, 1}
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	step = math.Max(step, 1)
	n := int(math.Ceil(max / step))
	ticks := make([]float64, n+1)
	for i := range ticks {
		ticks[i] = float64(i) * step
	}
	return ticks
}

func maxValue(cells []Cell) float64 {
	m := 0
	for _, c := range cells {
		if !c.Suppressed {
			m = max(m, c.Value)
		}
	}
	return float64(m)
}

// chartDesc says what a table's chart shows, for readers who cannot see it.
func chartDesc(t *Table, kind string) string {
	s := fmt.Sprintf("%s of %s by %s", kind, unitLabel(t), strings.ToLower(t.RowHeader))
	if len(t.Cols) > 1 && t.ColHeader != "" {
		s += " and " + strings.ToLower(t.ColHeader)
	}
	return s + ". Suppressed counts are drawn as a hatched square marked c, with no bar. The same figures are in the table that follows."
}

// unitLabel names what a table counts: its unit, or "Count".
func unitLabel(t *Table) string {
	if t.Unit == "" {
		return "Count"
	}
	return t.Unit
}

// labelWidth is the width of a column of row labels, within bounds.
func labelWidth(labels []string) float64 {
	n := 0
	for _, l := range labels {
		n = max(n, utf8.RuneCountInString(l))
	}
	return math.Min(math.Max(float64(n)*charWidth+12, 60), 220)
}

// truncate shortens a label to fit width, ending it with an ellipsis. The
// full label is in the data table beside the chart.
func truncate(s string, width float64) string {
	limit := int((width - 12) / charWidth)
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:limit-1])) + "…"
}

// wrap breaks s at spaces into at most maxLines lines of about width
// characters; the last line is truncated if there is more.
func wrap(s string, width, maxLines int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	lines = append(lines, line)
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] += "…"
	}
	return lines
}

// esc escapes text for XML content and attribute values alike; it also
// replaces characters XML forbids, which HTML escaping would let through.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

// num formats a coordinate to one decimal place, dropping a trailing ".0".
func num(x float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(x, 'f', 1, 64), ".0")
}
