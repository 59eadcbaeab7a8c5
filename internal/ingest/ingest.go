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
	"slices"
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
//
// The file is read twice so that memory does not grow with the people in
// it: a first pass finds the cases, the rows to keep out and the
// references; the second streams the people into the store and gathers
// their events (a third reads the people an earlier export stored, when
// there are any).
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
	b, err := scan(ctx, p, file, src.ID, size, opt.Progress)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := b.prepare(ctx, st); err != nil {
		return nil, pole.E(op, err)
	}
	src.RowCount = b.rows
	counts, err := st.LoadExport(ctx, store.Export{
		Source: src, Cases: later(&b.cases), CaseUpdates: b.caseUpdates,
		Mentions: b.streamPeople(ctx), MentionUpdates: b.mentionUpdates,
		Events: later(&b.events), Involvements: later(&b.involvements),
		Quarantine: b.quarantined(), Notes: later(&b.notes),
	})
	if err != nil {
		return nil, pole.E(op, err)
	}
	rep.Source, rep.Rows, rep.Quarantined, rep.Counts = src, b.rows, len(b.rejectedRows), counts
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

// later yields the records of a list as it stands when the store comes to
// it: the people's pass fills the events and adds to the quarantine after
// the load has begun.
func later[T any](list *[]*T) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for _, v := range *list {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// batch is what the passes over a file keep: the cases, the rows kept out,
// the references to resolve, the links and the events; not the people,
// which are read again as they are stored.
type batch struct {
	p            *Profile
	file         string
	srcID        string
	rows         int
	rejectedRows map[int]bool
	cases        []*pole.Case
	caseByRef    map[string]*pole.Case
	personRow    map[string]int // record id -> the row that gave it
	links        []*Link
	linkRows     []int
	linkRaw      []string
	involvements []*pole.Involvement
	quarantine   []*pole.QuarantinedRow
	notes        []*pole.IngestNote
	// References to records the file does not hold, from listed events
	// and links, looked up among what earlier exports stored.
	outsideCases, outsideRecords map[string]bool
	storedCases, storedPeople    map[string]string
	// What an earlier export of the force stored already.
	caseUpdates     []store.CaseUpdate
	mentionUpdates  []store.MentionUpdate
	storedEvents    map[string]bool
	unchangedCases  int
	unchangedPeople int
	// personID maps the file's record ids to the ids they are stored under.
	personID map[string]string
	events   []*pole.Event // gathered while people are streamed
}

// scan is the first pass: it maps every row, keeps rows with problems
// apart, and keeps the cases (once each) and what must be resolved.
func scan(ctx context.Context, p *Profile, file, srcID string, size int64, progress func(Progress)) (*batch, error) {
	b := &batch{p: p, file: file, srcID: srcID, rejectedRows: map[int]bool{}, caseByRef: map[string]*pole.Case{},
		personRow: map[string]int{}, outsideCases: map[string]bool{}, outsideRecords: map[string]bool{},
		storedEvents: map[string]bool{}, personID: map[string]string{}}
	err := b.each(ctx, true, progress, size, func(m *Mapped, raw func() string) error {
		b.duplicates(m)
		if len(m.Problems) > 0 {
			b.reject(m.Row, raw(), m.Problems)
			return nil
		}
		b.take(m, raw)
		return nil
	})
	return b, err
}

// each reads the file through the profile and calls fn with every mapped
// row; in the first pass with every row, later only with the rows kept.
func (b *batch) each(ctx context.Context, first bool, progress func(Progress), size int64, fn func(m *Mapped, raw func() string) error) error {
	r, err := openFile(b.p, b.file)
	if err != nil {
		return err
	}
	defer r.close()
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(Progress{Rows: n, Bytes: r.count.n, Size: size})
			}
		}
		rec, row, err := r.next()
		if err == io.EOF {
			break
		}
		var rp *rowProblem
		if errors.As(err, &rp) {
			if first {
				b.rows++
				b.reject(rp.row, rp.raw, []Problem{{Row: rp.row, Reason: "the row " + rp.reason}})
			}
			continue
		}
		if err != nil {
			return err
		}
		if first {
			b.rows++
		} else if b.rejectedRows[row] {
			continue
		}
		if err := fn(b.p.mapRecord(rec, row), rec.raw); err != nil {
			return err
		}
	}
	if progress != nil {
		progress(Progress{Rows: b.rows, Bytes: r.count.n, Size: size})
	}
	return nil
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
	b.rejectedRows[row] = true
	for _, pb := range problems {
		b.quarantine = append(b.quarantine, &pole.QuarantinedRow{Field: pb.Field, Value: pb.Value, Reason: pb.Reason, Raw: raw,
			Provenance: pole.Provenance{SourceID: b.srcID, SourceRow: row}})
	}
}

// take keeps what the first pass needs of a clean row. A case repeated on
// several rows (one per person) is kept once, from its first row.
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
		b.personRow[pr.RecordID] = m.Row
	}
	for _, e := range m.Events {
		if _, ok := b.caseByRef[e.CaseRef]; !ok && e.CaseRef != "" {
			b.outsideCases[e.CaseRef] = true
		}
		if _, ok := b.personRow[e.RecordID]; !ok {
			b.outsideRecords[e.RecordID] = true
		}
	}
	if l := m.Link; l != nil {
		b.links = append(b.links, l)
		b.linkRows = append(b.linkRows, m.Row)
		b.linkRaw = append(b.linkRaw, raw())
		b.outsideCases[l.CaseRef], b.outsideRecords[l.RecordID] = true, true
	}
	for _, w := range m.Warnings {
		b.notes = append(b.notes, &pole.IngestNote{Kind: "warning", Field: w.Field, Value: w.Value, Detail: w.Reason, Provenance: prov})
	}
	for _, r := range m.Repairs {
		b.notes = append(b.notes, &pole.IngestNote{Kind: "repair", Field: r.Field, Value: r.Before, Detail: r.After, Provenance: prov})
	}
}

// quarantined yields the rows kept out, read when the store comes to them:
// the events pass adds rows whose references resolve to nothing.
func (b *batch) quarantined() iter.Seq2[*pole.QuarantinedRow, error] {
	return func(yield func(*pole.QuarantinedRow, error) bool) {
		slices.SortStableFunc(b.quarantine, func(a, c *pole.QuarantinedRow) int { return a.SourceRow - c.SourceRow })
		later(&b.quarantine)(yield)
	}
}

// IngestSet loads every export of a data set laid out as caselink synth
// writes it (profiles/*.toml, exports/FORCE/...), in an order that stores
// what each file names before the file. each, when set, is told of every
// file loaded.
func IngestSet(ctx context.Context, st *store.Store, dir string, opt Options, each func(file string, rep *Report)) error {
	paths, err := filepath.Glob(filepath.Join(dir, "profiles", "*.toml"))
	if err != nil {
		return err
	}
	var profiles []*Profile
	for _, p := range paths {
		prof, err := LoadProfile(p)
		if err != nil {
			return err
		}
		profiles = append(profiles, prof)
	}
	SortForLoading(profiles)
	for _, p := range profiles {
		files, _ := filepath.Glob(filepath.Join(dir, "exports", p.Force, "*"))
		for _, f := range files {
			if !p.Matches(f) {
				continue
			}
			rep, err := Ingest(ctx, st, p, f, opt)
			if err != nil {
				return err
			}
			if each != nil {
				each(p.Force+"/"+filepath.Base(f), rep)
			}
		}
	}
	return nil
}
