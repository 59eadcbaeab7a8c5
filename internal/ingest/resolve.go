package ingest

import (
	"context"
	"reflect"
	"slices"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// resolve turns the references between records (crime references, person
// record ids) into ids: within the file first, then among what the force's
// earlier exports stored. A link or event whose case or person is nowhere
// is quarantined with what to load first.
func (b *batch) resolve(ctx context.Context, st *store.Store, p *Profile) error {
	if err := b.matchStored(ctx, st, p); err != nil {
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
	storedPeople, err := st.MentionIDsByRecord(ctx, p.Force, p.System, unique(records))
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
		case b.storedEvents[eventKey(ev.CaseID, ev.MentionID, ev.Type, ev.Date)]:
			// An earlier export stored this event already.
		default:
			b.events = append(b.events, &ev)
		}
	}
	seen := map[[3]string]bool{}
	for _, cid := range storedCases {
		links, err := st.FindInvolvements(ctx, cid, "")
		if err != nil {
			return err
		}
		for _, v := range links {
			seen[[3]string{v.CaseID, v.MentionID, string(v.Role)}] = true
		}
	}
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

// matchStored finds the file's cases and people that the force's earlier
// exports stored already (people within the same records system): unchanged ones are not written again, changed ones
// become updates that keep the earlier version as history, and the file's
// people, events and links point at the stored ids.
func (b *batch) matchStored(ctx context.Context, st *store.Store, p *Profile) error {
	refs := make([]string, 0, len(b.cases))
	for _, c := range b.cases {
		refs = append(refs, c.CrimeRef)
	}
	stored, err := st.CaseIDsByRef(ctx, p.Force, refs)
	if err != nil {
		return err
	}
	moved := map[string]string{} // the id a case was given here -> its stored id
	kept := b.cases[:0]
	for _, c := range b.cases {
		id, ok := stored[c.CrimeRef]
		if !ok {
			kept = append(kept, c)
			continue
		}
		old, err := st.FindCaseByID(ctx, id)
		if err != nil {
			return err
		}
		moved[c.ID], c.ID = old.ID, old.ID
		if sameCase(old, c) {
			b.unchangedCases++
			continue
		}
		b.caseUpdates = append(b.caseUpdates, store.CaseUpdate{Old: old, New: c})
	}
	b.cases = kept
	records := make([]string, 0, len(b.people))
	for _, m := range b.people {
		if id, ok := moved[m.CaseID]; ok {
			m.CaseID = id
		}
		records = append(records, m.RecordID)
	}
	storedPeople, err := st.MentionIDsByRecord(ctx, p.Force, p.System, records)
	if err != nil {
		return err
	}
	keptPeople := b.people[:0]
	for _, m := range b.people {
		id, ok := storedPeople[m.RecordID]
		if !ok {
			keptPeople = append(keptPeople, m)
			continue
		}
		old, err := st.FindMentionByID(ctx, id)
		if err != nil {
			return err
		}
		m.ID = old.ID // the file's events of this person now name the stored record
		events, _, err := st.FindEvents(ctx, pole.EventFilter{MentionID: old.ID})
		if err != nil {
			return err
		}
		for _, e := range events {
			b.storedEvents[eventKey(e.CaseID, e.MentionID, e.Type, e.Date)] = true
		}
		if sameMention(old, m) {
			b.unchangedPeople++
			continue
		}
		b.mentionUpdates = append(b.mentionUpdates, store.MentionUpdate{Old: old, New: m})
	}
	b.people = keptPeople
	return nil
}

func eventKey(caseID, mentionID, typ string, d pole.PartialDate) string {
	return caseID + "|" + mentionID + "|" + typ + "|" + d.String()
}

// sameCase reports whether two versions of a case say the same, whatever
// their ids, provenance, versions and times.
func sameCase(a, b *pole.Case) bool {
	x, y := *a, *b
	for _, c := range []*pole.Case{&x, &y} {
		c.ID, c.Provenance, c.Version, c.CreatedAt, c.UpdatedAt = "", pole.Provenance{}, 0, time.Time{}, time.Time{}
		c.OffenceCodes, c.Flags = nilIfEmpty(c.OffenceCodes), nilIfEmpty(c.Flags)
	}
	return reflect.DeepEqual(x, y)
}

// sameMention reports whether two versions of a person record say the same.
func sameMention(a, b *pole.Mention) bool {
	x, y := *a, *b
	for _, m := range []*pole.Mention{&x, &y} {
		m.ID, m.Provenance, m.Version, m.UpdatedAt = "", pole.Provenance{}, 0, time.Time{}
		m.Aliases, m.Phones, m.Vehicles, m.Vulnerabilities = nilIfEmpty(m.Aliases), nilIfEmpty(m.Phones), nilIfEmpty(m.Vehicles), nilIfEmpty(m.Vulnerabilities)
		if len(m.Addresses) == 0 {
			m.Addresses = nil
		}
	}
	return reflect.DeepEqual(x, y)
}

func nilIfEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

func unique(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}
