package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Export writes the entries recorded at or after from and before to as JSON
// Lines, in seq order, one Entry a line with every field present (hashes in
// base64), and returns how many it wrote. A zero from means since the
// start, a zero to until now. With the hashes, a reader can check the chain
// within the range without the database.
func Export(ctx context.Context, st *store.Store, from, to time.Time, w io.Writer) (int64, error) {
	const op = "audit.Export"
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return 0, pole.E(op, pole.Invalid("to", "must be after from (%s), got %s", from.Format(time.RFC3339), to.Format(time.RFC3339)))
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var n int64
	for row, err := range st.FindAudit(ctx, from, to) {
		if err != nil {
			return n, pole.E(op, err)
		}
		e := entryOf(&row)
		if e.RecordIDs == nil {
			e.RecordIDs = []string{}
		}
		if err := enc.Encode(&e); err != nil {
			return n, pole.E(op, err)
		}
		n++
	}
	return n, pole.E(op, bw.Flush())
}
