package ingest

import (
	"context"
	"slices"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// resolve turns the references between records (crime references, person
// record ids) into ids: within the file first, then among what the force's
// earlier exports stored. A link or event whose case or person is nowhere
// is quarantined with what to load first.
func (b *batch) resolve(ctx context.Context, st *store.Store, p *Profile) error {
	if err := b.refuseStoredCases(ctx, st, p); err != nil {
		return err
	}
	var caseRefs, records []string
	for _, e := range b.eventRefs {
		if _, ok := b.caseByRef[e.CaseRef]; !ok {
			caseRefs = append(caseRefs, e.CaseRef)
		}
		if _, ok := b.personByRec[e.RecordID]; !ok {
			records = append(records, e.RecordID)
		}
	}
	for _, l := range b.links {
		caseRefs = append(caseRefs, l.CaseRef)
		records = append(records, l.RecordID)
	}
	storedCases, err := st.CaseIDsByRef(ctx, p.Force, unique(caseRefs))
	if err != nil {
		return err
	}
	storedPeople, err := st.MentionIDsByRecord(ctx, p.Force, unique(records))
	if err != nil {
		return err
	}
	caseID := func(ref string) string {
		if c, ok := b.caseByRef[ref]; ok {
			return c.ID
		}
		return storedCases[ref]
	}
	personID := func(rec string) string {
		if m, ok := b.personByRec[rec]; ok {
			return m.ID
		}
		return storedPeople[rec]
	}
	rejected := map[int]bool{}
	missing := func(row int, raw string, field Field, value, reason string) {
		if !rejected[row] {
			rejected[row] = true
			b.rejected++
		}
		b.quarantine = append(b.quarantine, &pole.QuarantinedRow{Field: field.Column, Value: value, Reason: reason, Raw: raw,
			Provenance: pole.Provenance{SourceID: b.srcID, SourceRow: row}})
	}
	for i, e := range b.eventRefs {
		ev := e.Event
		ev.CaseID, ev.MentionID = caseID(e.CaseRef), personID(e.RecordID)
		switch {
		case e.CaseRef != "" && ev.CaseID == "":
			missing(e.SourceRow, b.eventRaw[i], p.Event.CrimeRef, e.CaseRef, "case "+e.CaseRef+" is not stored for "+p.Force+": load the force's case list first")
		case ev.MentionID == "":
			missing(e.SourceRow, b.eventRaw[i], p.Event.RecordID, e.RecordID, "person record "+e.RecordID+" is not stored for "+p.Force+": load the force's nominal index first")
		default:
			b.events = append(b.events, &ev)
		}
	}
	seen := map[[3]string]bool{}
	for i, l := range b.links {
		row := b.linkRows[i]
		cid, mid := caseID(l.CaseRef), personID(l.RecordID)
		switch {
		case cid == "":
			missing(row, b.linkRaw[i], p.Link.CrimeRef, l.CaseRef, "case "+l.CaseRef+" is not stored for "+p.Force+": load the force's case list first")
		case mid == "":
			missing(row, b.linkRaw[i], p.Link.RecordID, l.RecordID, "person record "+l.RecordID+" is not stored for "+p.Force+": load the force's nominal index first")
		case seen[[3]string{cid, mid, string(l.Role)}]:
			// The same link twice says nothing new.
		default:
			seen[[3]string{cid, mid, string(l.Role)}] = true
			b.involvements = append(b.involvements, &pole.Involvement{CaseID: cid, MentionID: mid, Role: l.Role,
				Provenance: pole.Provenance{SourceID: b.srcID, SourceRow: row}})
		}
	}
	slices.SortStableFunc(b.quarantine, func(a, c *pole.QuarantinedRow) int { return a.SourceRow - c.SourceRow })
	return nil
}

// refuseStoredCases stops a file whose cases an earlier export already
// stored: bringing a case up to date from a newer export, with its history,
// is the next piece of ingest to build.
func (b *batch) refuseStoredCases(ctx context.Context, st *store.Store, p *Profile) error {
	if len(b.cases) == 0 {
		return nil
	}
	refs := make([]string, 0, len(b.cases))
	for _, c := range b.cases {
		refs = append(refs, c.CrimeRef)
	}
	stored, err := st.CaseIDsByRef(ctx, p.Force, refs)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if _, ok := stored[ref]; ok {
			return pole.Errorf(pole.ECONFLICT, "case %s of %s is already stored from an earlier export, and updating cases from a newer export is not supported yet: nothing of this file was loaded (%d of its cases are stored already)", ref, p.Force, len(stored))
		}
	}
	return nil
}

func unique(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}
