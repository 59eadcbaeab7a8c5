package web

import (
	"bytes"
	"net/http"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/stats"
)

// ReportPurpose is the purpose a report request is recorded with when it
// gives none.
const ReportPurpose = "nature and scale report"

// natureAndScale is GET /api/report/nature-and-scale: the report as JSON,
// counted by the shipped rules under the default disclosure control (the
// web offers no way to lower it).
func (a *api) natureAndScale(w http.ResponseWriter, r *http.Request, rq access.Request) error {
	rep, err := stats.NatureAndScale(r.Context(), a.st, a.guard, rq, stats.Options{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// natureAndScalePage is GET /report/nature-and-scale: the same report as
// its HTML page, whose one style element the page's policy allows by hash.
func (a *api) natureAndScalePage(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	if q := readQuery(r); q.err != nil {
		return nil, q.err
	}
	rep, err := stats.NatureAndScale(r.Context(), a.st, a.guard, rq, stats.Options{})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := rep.WriteHTML(&b); err != nil {
		return nil, err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+stats.ReportStyleHash()+"; frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
	return nil, nil
}
