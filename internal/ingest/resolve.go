package ingest

import (
	"context"
	"errors"
	"iter"
	"reflect"
	"slices"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// prepare matches the file against what the force's earlier exports stored
// and resolves what can be resolved before people and events are read
// again: cases (unchanged, updated or new), people already stored (unchanged
// or updated, in a second pass only when there are any), references from
// outside the file, and links.
func (b *batch) prepare(ctx context.Context, st *store.Store) error {
	p := b.p
	if err := b.matchStoredCases(ctx, st); err != nil {
		return err
	}
	var err error
	if b.storedCases, err = st.CaseIDsByRef(ctx, p.Force, keys(b.outsideCases)); err != nil {
		return err
	}
	records := keys(b.outsideRecords)
	for rec := range b.personRow {
		records = append(records, rec)
	}
	if b.storedPeople, err = st.MentionIDsByRecord(ctx, p.Force, p.System, unique(records)); err != nil {
		return err
	}
	if err := b.matchStoredPeople(ctx, st); err != nil {
		return err
	}
	return b.resolveLinks(ctx, st)
}

func (b *batch) caseID(ref string) string {
	if c, ok := b.caseByRef[ref]; ok {
		return c.ID
	}
	return b.storedCases[ref]
}

func (b *batch) mentionID(rec string) string {
	if id, ok := b.personID[rec]; ok {
		return id
	}
	return b.storedPeople[rec]
}

// matchStoredCases turns the file's cases that an earlier export stored
// into updates (when they changed) or nothing (when they did not), and
// points the file's references at the stored ids.
func (b *batch) matchStoredCases(ctx context.Context, st *store.Store) error {
	refs := make([]string, 0, len(b.cases))
	for _, c := range b.cases {
		refs = append(refs, c.CrimeRef)
	}
	stored, err := st.CaseIDsByRef(ctx, b.p.Force, refs)
	if err != nil {
		return err
	}
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
		c.ID = old.ID // caseByRef holds c: the file's people now name the stored case
		if sameCase(old, c) {
			b.unchangedCases++
			continue
		}
		b.caseUpdates = append(b.caseUpdates, store.CaseUpdate{Old: old, New: c})
	}
	b.cases = kept
	return nil
}

// matchStoredPeople reads the file again for the people an earlier export
// of the same system stored: unchanged ones are left alone, changed ones
// become updates, and their stored events are noted so as not to repeat
// them. A first load of a force has none and skips the pass.
func (b *batch) matchStoredPeople(ctx context.Context, st *store.Store) error {
	repeated := false
	for rec := range b.personRow {
		if _, ok := b.storedPeople[rec]; ok {
			repeated = true
			break
		}
	}
	if !repeated {
		return nil
	}
	return b.each(ctx, false, nil, 0, func(m *Mapped, _ func() string) error {
		for _, pr := range m.People {
			id, ok := b.storedPeople[pr.RecordID]
			if !ok {
				continue
			}
			old, err := st.FindMentionWithIdentity(ctx, id)
			if err != nil {
				return err
			}
			b.personID[pr.RecordID] = old.ID
			events, _, err := st.FindEvents(ctx, pole.EventFilter{MentionID: old.ID})
			if err != nil {
				return err
			}
			for _, e := range events {
				b.storedEvents[eventKey(e.CaseID, e.MentionID, e.Type, e.Date)] = true
			}
			now := pr.Mention
			now.ID, now.Provenance = old.ID, pole.Provenance{SourceID: b.srcID, SourceRow: m.Row}
			if pr.CaseRef != "" {
				now.CaseID = b.caseID(pr.CaseRef)
			}
			if sameMention(old, now) {
				b.unchangedPeople++
				continue
			}
			b.mentionUpdates = append(b.mentionUpdates, store.MentionUpdate{Old: old, New: now})
		}
		return nil
	})
}

// streamPeople reads the file again and yields the people no earlier
// export stored, each pointing at its case. It gathers the row's events on
// the way, now that their people have ids: an event naming a case or person
// stored nowhere keeps its row out, with what to load first; an event an
// earlier export stored is not repeated. Events are small, so they are held
// rather than read a third time.
func (b *batch) streamPeople(ctx context.Context) iter.Seq2[*pole.Mention, error] {
	return func(yield func(*pole.Mention, error) bool) {
		stop := errors.New("stopped")
		err := b.each(ctx, false, nil, 0, func(m *Mapped, raw func() string) error {
			for _, pr := range m.People {
				if _, stored := b.storedPeople[pr.RecordID]; stored {
					continue
				}
				p := pr.Mention
				p.ID, p.Provenance = newID(), pole.Provenance{SourceID: b.srcID, SourceRow: m.Row}
				if pr.CaseRef != "" {
					p.CaseID = b.caseID(pr.CaseRef)
				}
				b.personID[p.RecordID] = p.ID
				if !yield(p, nil) {
					return stop
				}
			}
			b.takeEvents(m, raw)
			return nil
		})
		if err != nil && err != stop {
			yield(nil, err)
		}
	}
}

func (b *batch) takeEvents(m *Mapped, raw func() string) {
	p := b.p
	for _, e := range m.Events {
		ev := e.Event
		ev.Provenance = pole.Provenance{SourceID: b.srcID, SourceRow: m.Row}
		ev.CaseID, ev.MentionID = b.caseID(e.CaseRef), b.mentionID(e.RecordID)
		switch {
		case e.CaseRef != "" && ev.CaseID == "":
			b.missing(m.Row, raw(), p.Event.CrimeRef, e.CaseRef, "case "+e.CaseRef+" is not stored for "+p.Force+": load the force's case list first")
			return
		case ev.MentionID == "":
			b.missing(m.Row, raw(), p.Event.RecordID, e.RecordID, "person record "+e.RecordID+" is not stored for "+p.Force+": load the force's nominal index first")
			return
		case b.storedEvents[eventKey(ev.CaseID, ev.MentionID, ev.Type, ev.Date)]:
			// An earlier export stored this event already.
		default:
			b.events = append(b.events, &ev)
		}
	}
}

// missing keeps out a row whose reference resolves to nothing.
func (b *batch) missing(row int, raw string, field Field, value, reason string) {
	b.rejectedRows[row] = true
	b.quarantine = append(b.quarantine, &pole.QuarantinedRow{Field: field.Column, Value: value, Reason: reason, Raw: raw,
		Provenance: pole.Provenance{SourceID: b.srcID, SourceRow: row}})
}

// resolveLinks turns a link table's rows into involvements; a link stored
// before is not repeated.
func (b *batch) resolveLinks(ctx context.Context, st *store.Store) error {
	p := b.p
	seen := map[[3]string]bool{}
	for _, cid := range b.storedCases {
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
		cid, mid := b.caseID(l.CaseRef), b.mentionID(l.RecordID)
		switch {
		case cid == "":
			b.missing(row, b.linkRaw[i], p.Link.CrimeRef, l.CaseRef, "case "+l.CaseRef+" is not stored for "+p.Force+": load the force's case list first")
		case mid == "":
			b.missing(row, b.linkRaw[i], p.Link.RecordID, l.RecordID, "person record "+l.RecordID+" is not stored for "+p.Force+": load the force's nominal index first")
		case seen[[3]string{cid, mid, string(l.Role)}]:
			// The same link twice says nothing new.
		default:
			seen[[3]string{cid, mid, string(l.Role)}] = true
			b.involvements = append(b.involvements, &pole.Involvement{CaseID: cid, MentionID: mid, Role: l.Role,
				Provenance: pole.Provenance{SourceID: b.srcID, SourceRow: row}})
		}
	}
	return nil
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
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
		m.ID, m.Provenance, m.Version, m.UpdatedAt, m.Pseudonym = "", pole.Provenance{}, 0, time.Time{}, ""
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
