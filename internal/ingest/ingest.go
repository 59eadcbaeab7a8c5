package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Options are what a person running an ingest says about it.
type Options struct {
	LoadedBy string // who loads the file: the collection of personal data is recorded against them
	// Progress, if set, is called now and then while the file is read.
	Progress func(Progress)
}

// Progress is how far a file has been read.
type Progress struct {
	Rows        int
	Bytes, Size int64
}

// Report says what an ingest did with one file.
type Report struct {
	File          string
	Source        *pole.Source
	AlreadyLoaded bool // the same file was loaded before: nothing changed
	Rows          int  // data rows read
	Quarantined   int  // rows kept out
	Counts        store.LoadCounts
	// Cases and people an earlier export stored, that this one repeats
	// unchanged: not written again.
	UnchangedCases, UnchangedPeople int
	Warnings                        int
	Repairs                         int
	Elapsed                         time.Duration
}

// Ingest loads one export file through its profile: every row that maps
// cleanly is stored, every other row is quarantined with what was wrong,
// and all of it is one transaction, so a failure or a killed process
// leaves nothing of the file behind and a re-run starts clean. The same
// file twice changes nothing; a newer export of the force updates the
// cases and people that changed, keeping their earlier versions as history,
// and duplicates nothing.
func Ingest(ctx context.Context, st *store.Store, p *Profile, file string, opt Options) (*Report, error) {
	const op = "ingest.Ingest"
	start := time.Now()
	if !p.Matches(file) {
		return nil, pole.E(op, pole.Invalid("file", "%s does not match the profile's files pattern %q", filepath.Base(file), p.Files))
	}
	sum, size, err := hashFile(file)
	if err != nil {
		return nil, pole.E(op, err)
	}
	rep := &Report{File: file}
	if found, _, err := st.FindSources(ctx, pole.SourceFilter{Force: p.Force, SHA256: sum}); err != nil {
		return nil, pole.E(op, err)
	} else if len(found) > 0 {
		rep.Source, rep.AlreadyLoaded, rep.Elapsed = found[0], true, time.Since(start)
		return rep, nil
	}
	src := &pole.Source{
		ID: newID(), Force: p.Force, System: p.System, FileName: filepath.Base(file), Profile: p.Path,
		ReceivedAt: time.Now().UTC(), SHA256: sum, LoadedBy: opt.LoadedBy,
	}
	b, err := readAll(ctx, p, file, src.ID, size, opt.Progress)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := b.resolve(ctx, st, p); err != nil {
		return nil, pole.E(op, err)
	}
	src.RowCount = b.rows
	counts, err := st.LoadExport(ctx, store.Export{
		Source: src, Cases: each(b.cases), Mentions: each(b.people), Events: each(b.events),
		Involvements: each(b.involvements), Quarantine: each(b.quarantine), Notes: each(b.notes),
		CaseUpdates: b.caseUpdates, MentionUpdates: b.mentionUpdates,
	})
	if err != nil {
		return nil, pole.E(op, err)
	}
	rep.Source, rep.Rows, rep.Quarantined, rep.Counts = src, b.rows, b.rejected, counts
	rep.UnchangedCases, rep.UnchangedPeople = b.unchangedCases, b.unchangedPeople
	for _, n := range b.notes {
		if n.Kind == "warning" {
			rep.Warnings++
		} else {
			rep.Repairs++
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func hashFile(file string) (string, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", 0, pole.Errorf(pole.ENOTFOUND, "%v", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func each[T any](list []*T) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for _, v := range list {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// batch is everything one file holds, mapped, before it is stored.
type batch struct {
	srcID        string
	rows         int
	rejected     int
	cases        []*pole.Case
	caseByRef    map[string]*pole.Case
	people       []*pole.Mention
	personByRec  map[string]*pole.Mention
	personRow    map[string]int
	events       []*pole.Event
	eventRefs    []Event // the references of events, resolved into events
	eventRaw     []string
	links        []*Link
	linkRows     []int
	linkRaw      []string
	involvements []*pole.Involvement
	quarantine   []*pole.QuarantinedRow
	notes        []*pole.IngestNote
	// What an earlier export of the force stored already.
	caseUpdates     []store.CaseUpdate
	mentionUpdates  []store.MentionUpdate
	storedEvents    map[string]bool
	unchangedCases  int
	unchangedPeople int
}

// readAll maps every row of the file, keeping rows with problems apart.
func readAll(ctx context.Context, p *Profile, file, srcID string, size int64, progress func(Progress)) (*batch, error) {
	r, err := openFile(p, file)
	if err != nil {
		return nil, err
	}
	defer r.close()
	b := &batch{srcID: srcID, caseByRef: map[string]*pole.Case{}, personByRec: map[string]*pole.Mention{}, personRow: map[string]int{}, storedEvents: map[string]bool{}}
	for {
		if b.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(Progress{Rows: b.rows, Bytes: r.count.n, Size: size})
			}
		}
		rec, row, err := r.next()
		if err == io.EOF {
			break
		}
		var rp *rowProblem
		if errors.As(err, &rp) {
			b.rows++
			b.reject(rp.row, rp.raw, []Problem{{Row: rp.row, Reason: "the row " + rp.reason}})
			continue
		}
		if err != nil {
			return nil, err
		}
		b.rows++
		m := p.mapRecord(rec, row)
		b.duplicates(m)
		if len(m.Problems) > 0 {
			b.reject(row, rec.raw(), m.Problems)
			continue
		}
		b.take(m, rec.raw)
	}
	if progress != nil {
		progress(Progress{Rows: b.rows, Bytes: r.count.n, Size: size})
	}
	return b, nil
}

// duplicates adds a problem for a person record id the file has already
// given: a record is one person, once.
func (b *batch) duplicates(m *Mapped) {
	for _, pr := range m.People {
		if first, ok := b.personRow[pr.RecordID]; ok {
			m.Problems = append(m.Problems, Problem{Row: m.Row, Field: "record_id", Value: pr.RecordID,
				Reason: fmt.Sprintf("person record %s is already given at row %d of this file", pr.RecordID, first)})
		}
	}
}

func (b *batch) reject(row int, raw string, problems []Problem) {
	b.rejected++
	for _, pb := range problems {
		b.quarantine = append(b.quarantine, &pole.QuarantinedRow{Field: pb.Field, Value: pb.Value, Reason: pb.Reason, Raw: raw,
			Provenance: pole.Provenance{SourceID: b.srcID, SourceRow: row}})
	}
}

// take keeps a clean row's records. A case repeated on several rows (one
// per person) is kept once, from its first row.
func (b *batch) take(m *Mapped, raw func() string) {
	prov := pole.Provenance{SourceID: b.srcID, SourceRow: m.Row}
	if c := m.Case; c != nil {
		if _, seen := b.caseByRef[c.CrimeRef]; !seen {
			c.ID, c.Provenance = newID(), prov
			b.caseByRef[c.CrimeRef] = c
			b.cases = append(b.cases, c)
		}
	}
	for _, pr := range m.People {
		pr.ID, pr.Provenance = newID(), prov
		if pr.CaseRef != "" {
			pr.CaseID = b.caseByRef[pr.CaseRef].ID
		}
		b.personByRec[pr.RecordID] = pr.Mention
		b.personRow[pr.RecordID] = m.Row
		b.people = append(b.people, pr.Mention)
	}
	// The raw row is kept only where a reference may yet fail to resolve:
	// a link, or an event listed on its own.
	listed := m.Case == nil && len(m.Events) > 0
	for _, e := range m.Events {
		e.Provenance = prov
		b.eventRefs = append(b.eventRefs, e)
		if listed {
			b.eventRaw = append(b.eventRaw, raw())
		} else {
			b.eventRaw = append(b.eventRaw, "")
		}
	}
	if m.Link != nil {
		b.links = append(b.links, m.Link)
		b.linkRows = append(b.linkRows, m.Row)
		b.linkRaw = append(b.linkRaw, raw())
	}
	for _, w := range m.Warnings {
		b.notes = append(b.notes, &pole.IngestNote{Kind: "warning", Field: w.Field, Value: w.Value, Detail: w.Reason, Provenance: prov})
	}
	for _, r := range m.Repairs {
		b.notes = append(b.notes, &pole.IngestNote{Kind: "repair", Field: r.Field, Value: r.Before, Detail: r.After, Provenance: prov})
	}
}
