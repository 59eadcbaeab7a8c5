package stats

import (
	"context"
	"fmt"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// NatureAndScale produces the report for the user of rq: it counts every
// force's records, so it needs report.produce with national reach, and it
// is recorded in the audit log as one combination of personal data: the
// exports it counted, its purpose, and the rule set it counted by.
func NatureAndScale(ctx context.Context, st *store.Store, guard *access.Guard, rq access.Request, opt Options) (*Report, error) {
	const op = "stats.NatureAndScale"
	reach, err := guard.AuthorizeList(ctx, rq, access.ReportProduce, "report")
	if err != nil {
		return nil, pole.E(op, err)
	}
	if reach.Forces != nil {
		return nil, pole.E(op, pole.Errorf(pole.EFORBIDDEN, "the report counts every force's records; it is for the national team"))
	}
	rep, err := Produce(ctx, st, opt)
	if err != nil {
		return nil, pole.E(op, err)
	}
	detail := fmt.Sprintf("nature-and-scale report counted by %s version %d (sha256 %s), disclosure threshold %d, rounding base %d",
		rep.Rules.Name, rep.Rules.Version, rep.Rules.Digest, rep.Disclosure.Threshold, rep.Disclosure.Base)
	if len(rep.sourceIDs) == 0 {
		return rep, nil // nothing loaded: no personal data was read
	}
	if err := guard.Note(ctx, rq, audit.Combination, "source", rep.sourceIDs, detail); err != nil {
		return nil, pole.E(op, err)
	}
	return rep, nil
}
