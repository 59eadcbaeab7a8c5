package stats

// Cell is one count as published: its rounded value, or a mark that it is
// suppressed. A suppressed cell is published without its value and without
// saying whether it was small itself (primary) or hidden so that a small
// one cannot be worked out from the totals (secondary): a reader who knew
// which would know more about the small ones.
type Cell struct {
	// Value is the published count (rounded to Base); 0 when Suppressed.
	Value int `json:"value"`
	// Suppressed marks a cell whose value is withheld.
	Suppressed bool `json:"suppressed,omitempty"`

	// raw is the count before disclosure control. It never leaves the
	// package: writers publish Value and Suppressed only.
	raw int
	// primary marks a cell suppressed because it is small.
	primary bool
}

// Table is a table of counts with its margins. The rows partition what is
// counted (each counted thing falls in exactly one row and one column), so
// that rows add up to the column totals and columns to the row totals: the
// relations disclosure control protects against. A one-way table has a
// single column.
type Table struct {
	ID    string `json:"id"`    // file name stem: "victims-by-force"
	Title string `json:"title"` // "Victims by force of record"
	// Rule is the id of the counting rule that defines what is counted
	// ("victim", "offender", "group", "offence", "record").
	Rule      string   `json:"rule"`
	Unit      string   `json:"unit"` // "victims"
	RowHeader string   `json:"row_header"`
	ColHeader string   `json:"col_header,omitempty"`
	Rows      []string `json:"rows"`
	Cols      []string `json:"cols"`
	// Cells[r][c]; RowTotals[r] sums row r, ColTotals[c] column c.
	Cells     [][]Cell `json:"cells"`
	RowTotals []Cell   `json:"row_totals"`
	ColTotals []Cell   `json:"col_totals"`
	Total     Cell     `json:"total"`
	Note      string   `json:"note,omitempty"`
}

// newTable makes a table of raw counts, margins summed. counts[r][c].
func newTable(id, title, rule, unit, rowHeader, colHeader string, rows, cols []string, counts [][]int) *Table {
	t := &Table{ID: id, Title: title, Rule: rule, Unit: unit, RowHeader: rowHeader, ColHeader: colHeader,
		Rows: rows, Cols: cols}
	t.Cells = make([][]Cell, len(rows))
	t.RowTotals = make([]Cell, len(rows))
	t.ColTotals = make([]Cell, len(cols))
	total := 0
	colSums := make([]int, len(cols))
	for r := range rows {
		t.Cells[r] = make([]Cell, len(cols))
		sum := 0
		for c := range cols {
			n := counts[r][c]
			t.Cells[r][c] = Cell{raw: n}
			sum += n
			colSums[c] += n
		}
		t.RowTotals[r] = Cell{raw: sum}
		total += sum
	}
	for c := range cols {
		t.ColTotals[c] = Cell{raw: colSums[c]}
	}
	t.Total = Cell{raw: total}
	return t
}
