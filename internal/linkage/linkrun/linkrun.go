// Package linkrun runs person linkage over a store: it loads the mentions,
// the current entities and people's judgements, links, and writes back
// stable entity ids with a history of every join, merge and split, so that
// any merge can be undone.
package linkrun

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/google/uuid"
)

// MemoryLimit is the soft heap limit 'caselink link' runs under
// (runtime/debug.SetMemoryLimit): a million mentions link within it, the
// collector working harder instead of letting the heap double.
const MemoryLimit = 1536 << 20

// Options tune a run.
type Options struct {
	// Full re-clusters every record instead of linking only new and
	// changed ones; entity ids still carry over.
	Full bool
	// Retrain estimates a new model even when one is saved.
	Retrain bool
	Now     func() time.Time
}

// Report is what a run did.
type Report struct {
	RunID        string                  `json:"run_id"`
	ModelVersion int                     `json:"model_version"`
	Trained      bool                    `json:"trained"`
	Full         bool                    `json:"full"`
	Records      int                     `json:"records"`
	NewRecords   int                     `json:"new_records"`
	Entities     int                     `json:"entities"`
	Created      int                     `json:"created"`
	Joined       int                     `json:"joined"`
	Merged       int                     `json:"merged"`
	Split        int                     `json:"split"`
	Objects      map[string]int          `json:"objects"`
	Stats        linkage.RunStats        `json:"stats"`
	Blocking     []linkage.BlockingStats `json:"blocking"`
	Training     linkage.TrainingReport  `json:"training"`
	Timings      map[string]int          `json:"timings_ms"`
}

// Data is the store's person records as linkage records, with the mention
// id of each in Record.Key, in mention id order.
type Data struct {
	Records []linkage.Record
	// Updated is when each record was last changed by a newer export; zero
	// if never.
	Updated []time.Time
	bySrc   map[[2]string]int // built on first use
	// objects are the keys of the records' phones, vehicles and places, by
	// kind in objectKinds' order, as met: unsorted, with repeats.
	objects [len(objectKinds)][]string
}

// objectKinds are the kinds of entity records share.
var objectKinds = [...]string{"phone", "vehicle", "place"}

// Index returns the record of a mention id.
func (d *Data) Index(mentionID string) (int, bool) {
	// Records are in mention id order.
	return slices.BinarySearchFunc(d.Records, mentionID, func(r linkage.Record, id string) int { return strings.Compare(r.Key, id) })
}

// Find returns the record with a source label and record id as the source
// file gives it.
func (d *Data) Find(source, recordID string) (int, bool) {
	if d.bySrc == nil {
		d.bySrc = make(map[[2]string]int, len(d.Records))
		for i, r := range d.Records {
			d.bySrc[[2]string{r.Source, r.ID}] = i
		}
	}
	i, ok := d.bySrc[[2]string{source, recordID}]
	return i, ok
}

// Load reads every mention as a linkage record. A record's Source is
// "force/file name" of the export it came from.
func Load(ctx context.Context, st *store.Store) (*Data, error) {
	labels, err := st.MentionSources(ctx)
	if err != nil {
		return nil, err
	}
	// The store reads the table in parts side by side (decoding rows and
	// opening victims' identities is most of the load); the parts are put
	// back in mention id order, the order a run works in. A part holds its
	// records in chunks, so that growing it never copies them.
	type loaded struct {
		r       linkage.Record
		updated time.Time
	}
	const chunk = 1 << 14
	type part struct {
		chunks  [][]loaded
		objects [len(objectKinds)][]string // keys as met, repeats and all
	}
	parts := make([]part, runtime.GOMAXPROCS(0))
	err = st.ScanLinkageFieldsInParts(ctx, len(parts), func(k int, m *pole.Mention) error {
		p := &parts[k]
		if len(p.chunks) == 0 || len(p.chunks[len(p.chunks)-1]) == chunk {
			p.chunks = append(p.chunks, make([]loaded, 0, chunk))
		}
		last := &p.chunks[len(p.chunks)-1]
		*last = append(*last, loaded{FromMention(m), m.UpdatedAt})
		(*last)[len(*last)-1].r.Source = labels[m.SourceID]
		p.objects[0] = append(p.objects[0], m.Phones...)
		p.objects[1] = append(p.objects[1], m.Vehicles...)
		for _, a := range m.Addresses {
			if k := PlaceKey(a); k != "" {
				p.objects[2] = append(p.objects[2], k)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var all []*loaded
	for k := range parts {
		for _, c := range parts[k].chunks {
			for i := range c {
				all = append(all, &c[i])
			}
		}
	}
	// Ids rise in the order mentions are stored, so the parts, ranges of
	// storage order, usually come in id order already.
	cmpKeys := func(a, b *loaded) int { return strings.Compare(a.r.Key, b.r.Key) }
	if !slices.IsSortedFunc(all, cmpKeys) {
		slices.SortFunc(all, cmpKeys)
	}
	d := &Data{Records: make([]linkage.Record, len(all)), Updated: make([]time.Time, len(all))}
	for i, l := range all {
		d.Records[i], d.Updated[i] = l.r, l.updated
	}
	for kind := range objectKinds {
		for _, p := range parts {
			d.objects[kind] = append(d.objects[kind], p.objects[kind]...)
		}
	}
	// A nominal record is in the cases its force's link table puts it in.
	invs, err := st.LoadInvolvements(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range invs {
		if i, ok := d.Index(v.MentionID); ok && !slices.Contains(d.Records[i].Cases, v.CaseID) {
			d.Records[i].Cases = append(d.Records[i].Cases, v.CaseID)
		}
	}
	// A case's id is read once per record in it: one copy is kept.
	ids := make(map[string]string, len(d.Records)/3)
	last := ""
	for i := range d.Records {
		for k, c := range d.Records[i].Cases {
			if c == last { // the records of a case mostly come together
				d.Records[i].Cases[k] = last
				continue
			}
			x, ok := ids[c]
			if !ok {
				x = c
				ids[c] = c
			}
			d.Records[i].Cases[k], last = x, x
		}
	}
	return d, nil
}

// Clusters numbers the records' stored entities for linkage: records of
// one entity share a number, a record in none is -1. members maps mention
// ids to entity ids, as store.EntityMembers gives them.
func (d *Data) Clusters(members map[string]string) []int32 {
	return entityNumbers(len(d.Records), func(i int) string { return members[d.Records[i].Key] })
}

// entityNumbers numbers n records' entities, as entity gives them ("" for
// none, numbered -1), in the order they are met.
func entityNumbers(n int, entity func(i int) string) []int32 {
	out := make([]int32, n)
	ids := map[string]int32{}
	for i := range out {
		e := entity(i)
		if e == "" {
			out[i] = -1
			continue
		}
		k, ok := ids[e]
		if !ok {
			k = int32(len(ids))
			ids[e] = k
		}
		out[i] = k
	}
	return out
}

// FromMention takes the fields linkage compares from a mention.
func FromMention(m *pole.Mention) linkage.Record {
	r := linkage.Record{
		ID: m.RecordID, Key: m.ID,
		Forename: m.Forename, MiddleNames: m.MiddleNames, Surname: m.Surname,
		Aliases: m.Aliases, DOB: m.DOB, Sex: m.Sex,
		Phones: m.Phones, Vehicles: m.Vehicles,
	}
	if m.CaseID != "" {
		r.Cases = []string{m.CaseID}
	}
	if r.Forename == "" && r.Surname == "" && m.NameAsWritten != "" {
		r.Surname = m.NameAsWritten
	}
	for _, a := range m.Addresses {
		if a.Postcode != "" {
			r.Postcodes = append(r.Postcodes, a.Postcode)
		}
	}
	return r
}

// Run links the store's person records and writes the result back.
func Run(ctx context.Context, st *store.Store, opt Options) (*Report, error) {
	const op = "linkrun.Run"
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	started := now().UTC()
	timings := map[string]int{}
	t0 := time.Now()
	lap := func(name string) {
		timings[name] = int(time.Since(t0).Milliseconds())
		t0 = time.Now()
	}
	d, err := Load(ctx, st)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if len(d.Records) == 0 {
		return nil, pole.E(op, pole.Invalid("mentions", "there are no person records to link: ingest an export first"))
	}
	members, err := st.EntityMembers(ctx)
	if err != nil {
		return nil, pole.E(op, err)
	}
	judged, err := st.FindJudgements(ctx)
	if err != nil {
		return nil, pole.E(op, err)
	}
	lap("load")
	rep := &Report{Records: len(d.Records), Objects: map[string]int{}, Timings: timings}

	// Phones, vehicles and places are stored as entities while the people
	// are linked: the one needs the store's writer, the other the CPUs.
	// The run waits for them before it writes its own result, and stops
	// them if it fails first.
	objCtx, stopObjects := context.WithCancel(ctx)
	var (
		objects    sync.WaitGroup
		objectsErr error
		objectsMS  int
	)
	objects.Go(func() {
		t := time.Now()
		objectsErr = linkObjects(objCtx, st, d, rep.Objects)
		objectsMS = int(time.Since(t).Milliseconds())
	})
	defer func() {
		stopObjects()
		objects.Wait()
	}()

	// The model: the saved one unless asked to retrain or there is none.
	var model *linkage.Model
	var modelID string
	if !opt.Retrain {
		saved, err := st.LatestLinkModel(ctx)
		switch {
		case err == nil:
			model = new(linkage.Model)
			if err := json.Unmarshal(saved.Params, model); err != nil {
				return nil, pole.E(op, fmt.Errorf("link model version %d: %w", saved.Version, err))
			}
			if err := model.Validate(); err != nil {
				return nil, pole.E(op, fmt.Errorf("link model version %d: %w", saved.Version, err))
			}
			modelID, rep.ModelVersion = saved.ID, saved.Version
		case pole.ErrorCode(err) != pole.ENOTFOUND:
			return nil, pole.E(op, err)
		}
	}

	// Entity ids now, and which records are new: a run with no entities yet,
	// a new model, or a full run re-clusters everything.
	// A record a newer export changed since the last run is linked again
	// like a new one; it keeps its entity if it still belongs there.
	var lastRun time.Time
	switch last, err := st.LatestLinkRun(ctx); {
	case err == nil:
		lastRun = last.StartedAt
	case pole.ErrorCode(err) != pole.ENOTFOUND:
		return nil, pole.E(op, err)
	}
	prevEntity := make([]string, len(d.Records))
	changed := make([]bool, len(d.Records))
	newCount := 0
	for i, r := range d.Records {
		prevEntity[i] = members[r.Key]
		changed[i] = prevEntity[i] != "" && !lastRun.IsZero() && d.Updated[i].After(lastRun)
		if prevEntity[i] == "" || changed[i] {
			newCount++
		}
	}
	// A "different" judgement on two records of one stored entity is newer
	// than the entity: both are linked again, apart.
	for _, j := range judged {
		if j.Decision != "different" {
			continue
		}
		a, okA := d.Index(j.A)
		b, okB := d.Index(j.B)
		if okA && okB && prevEntity[a] != "" && prevEntity[a] == prevEntity[b] {
			for _, i := range []int{a, b} {
				if !changed[i] {
					changed[i] = true
					newCount++
				}
			}
		}
	}
	full := opt.Full || model == nil || newCount == len(d.Records)
	rep.Full, rep.NewRecords = full, newCount
	var existing []int32
	if !full {
		existing = entityNumbers(len(d.Records), func(i int) string {
			if changed[i] {
				return ""
			}
			return prevEntity[i]
		})
	}
	var js, labels []linkage.Judgement
	for _, j := range judged {
		a, okA := d.Index(j.A)
		b, okB := d.Index(j.B)
		if !okA || !okB {
			continue
		}
		lj := linkage.Judgement{I: a, J: b, Decision: linkage.Decision(j.Decision)}
		js = append(js, lj)
		if lj.Decision != linkage.Unsure {
			labels = append(labels, lj)
		}
	}
	res, err := linkage.Link(d.Records, linkage.Options{Model: model, Judgements: js, Labels: labels, Existing: existing})
	if err != nil {
		return nil, pole.E(op, err)
	}
	lap("link")
	if model == nil && res.Model != nil {
		params, err := json.Marshal(res.Model)
		if err != nil {
			return nil, pole.E(op, err)
		}
		stats, _ := json.Marshal(res.Model.Training)
		lm := &store.LinkModel{Params: params, Stats: stats}
		if err := st.SaveLinkModel(ctx, lm); err != nil {
			return nil, pole.E(op, err)
		}
		modelID, rep.ModelVersion, rep.Trained = lm.ID, lm.Version, true
	}
	runID := newID()
	result := assignClusters(d.Records, prevEntity, changed, res.Cluster, runID, started)
	result.ReplaceAllPairs = full
	if !full {
		for i, e := range prevEntity {
			if e == "" || changed[i] {
				result.PairsFor = append(result.PairsFor, d.Records[i].Key)
			}
		}
	}
	for _, p := range res.Pairs {
		if p.Linked && !p.Merged {
			continue // redundant evidence inside an entity
		}
		a, b := d.Records[p.I].Key, d.Records[p.J].Key
		if a > b {
			a, b = b, a
		}
		band := "review"
		if p.Linked {
			band = "link"
		}
		result.Pairs = append(result.Pairs, store.LinkPair{A: a, B: b, Weight: p.Weight, Probability: p.Probability(), Levels: Levels(p.Pattern, len(res.Model.Comparisons)), Band: band})
	}
	rep.Created = len(result.Entities)
	for _, c := range result.Changes {
		switch c.Kind {
		case "join":
			rep.Joined++
		case "merge":
			rep.Merged++
		case "split":
			rep.Split++
		}
	}
	rep.Stats, rep.Blocking = res.Stats, res.Blocking
	if res.Model != nil && rep.Trained {
		rep.Training = res.Model.Training
	}
	rep.Entities = res.Stats.Clusters
	rep.RunID = runID
	lap("assign")
	objects.Wait()
	if objectsErr != nil {
		return nil, pole.E(op, objectsErr)
	}
	// Objects ran beside linking: their time is their own, and what the
	// run waited for them is in "objects_wait".
	lap("objects_wait")
	timings["objects"] = objectsMS
	stats, _ := json.Marshal(rep)
	run := &store.LinkRun{ID: runID, ModelID: modelID, StartedAt: started, FinishedAt: now().UTC(), Stats: stats}
	if err := st.SaveLinkRun(ctx, run, result); err != nil {
		return nil, pole.E(op, err)
	}
	lap("save")
	return rep, nil
}

// Levels writes a pair's comparison levels as "3,2,0,1", in model order.
func Levels(pattern uint64, n int) string {
	var b strings.Builder
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(pattern>>(4*k)) & 0xf))
	}
	return b.String()
}

// assignClusters gives each cluster an entity id that carries over from
// the last run: a cluster keeps the id of the stored entity it shares most
// records with, each id going to one cluster only. What moved is recorded
// as changes: records joining an entity, entities merged, entities split.
//
// Records re-linked because a newer export changed them count for less
// than records that stayed put: an entity's id stays with the records that
// did not change.
func assignClusters(records []linkage.Record, prev []string, relinked []bool, cluster []int32, runID string, at time.Time) store.LinkResult {
	var out store.LinkResult
	// Members of each cluster, in record order, held by cluster number (the
	// smallest record index in it, so below len(cluster)): members[start[c]:
	// start[c+1]]. Clusters are then visited in ascending number.
	n := len(cluster)
	start := make([]int32, n+1)
	for _, c := range cluster {
		start[c+1]++
	}
	for c := range n {
		start[c+1] += start[c]
	}
	members := make([]int32, n)
	fill := slices.Clone(start[:n])
	for i, c := range cluster {
		members[fill[c]] = int32(i)
		fill[c]++
	}
	of := func(c int) []int32 { return members[start[c]:start[c+1]] }

	// Overlap with stored entities.
	type overlap struct {
		cluster int32
		entity  string
		n       int
	}
	var overlaps []overlap
	prevSize := map[string]int{}
	for _, e := range prev {
		if e != "" {
			prevSize[e]++
		}
	}
	var count []overlap // one cluster's stored entities, with repeats
	for c := range n {
		count = count[:0]
		for _, i := range of(c) {
			switch {
			case prev[i] == "":
			case relinked != nil && relinked[i]:
				count = append(count, overlap{int32(c), prev[i], 1})
			default:
				count = append(count, overlap{int32(c), prev[i], 2})
			}
		}
		slices.SortFunc(count, func(a, b overlap) int { return strings.Compare(a.entity, b.entity) })
		for k, o := range count {
			if k > 0 && count[k-1].entity == o.entity {
				overlaps[len(overlaps)-1].n += o.n
			} else {
				overlaps = append(overlaps, o)
			}
		}
	}
	slices.SortFunc(overlaps, func(a, b overlap) int {
		if a.n != b.n {
			return b.n - a.n
		}
		if a.entity != b.entity {
			return strings.Compare(a.entity, b.entity)
		}
		return int(a.cluster - b.cluster)
	})
	idOf := make([]string, n) // by cluster
	taken := map[string]bool{}
	for _, o := range overlaps {
		if idOf[o.cluster] != "" || taken[o.entity] {
			continue
		}
		idOf[o.cluster], taken[o.entity] = o.entity, true
	}
	seq := 0
	change := func(kind, entity, other string, mentions []string, reason string) {
		seq++
		out.Changes = append(out.Changes, store.EntityChange{ID: newID(), RunID: runID, Seq: seq, At: at, Kind: kind, EntityID: entity, OtherID: other, Mentions: mentions, Reason: reason})
	}
	created := make([]bool, n) // by cluster
	for c := range n {
		if start[c] < start[c+1] && idOf[c] == "" {
			id := newID()
			idOf[c], created[c] = id, true
			out.Entities = append(out.Entities, store.Entity{ID: id, Kind: "person", CreatedAt: at, CreatedByRun: runID})
		}
	}
	// Where each stored entity's records went, for splits and retirements.
	whereWent := map[string]map[string][]string{} // old entity -> new entity -> mentions
	for c := range n {
		id := idOf[c]
		var joined []string
		for _, i := range of(c) {
			key := records[i].Key
			if prev[i] == id {
				continue
			}
			out.Members = append(out.Members, store.Membership{MentionID: key, EntityID: id})
			if prev[i] == "" {
				joined = append(joined, key)
				continue
			}
			if whereWent[prev[i]] == nil {
				whereWent[prev[i]] = map[string][]string{}
			}
			whereWent[prev[i]][id] = append(whereWent[prev[i]][id], key)
		}
		// A new entity's records are its membership rows and the run that
		// created it; only records joining an entity that existed before
		// are history worth a change of their own.
		if len(joined) > 0 && !created[c] {
			change("join", id, "", joined, "new records joined the entity")
		}
	}
	olds := make([]string, 0, len(whereWent))
	for e := range whereWent {
		olds = append(olds, e)
	}
	slices.Sort(olds)
	for _, old := range olds {
		moves := whereWent[old]
		targets := make([]string, 0, len(moves))
		for t := range moves {
			targets = append(targets, t)
		}
		slices.Sort(targets)
		moved := 0
		for _, t := range targets {
			moved += len(moves[t])
		}
		whole := moved == prevSize[old] // nothing of old is left under its id
		for _, t := range targets {
			if whole && !taken[old] && len(targets) == 1 {
				// All of old went into t: a merge of old into t.
				change("merge", t, old, moves[t], "linkage found the two entities to be one person")
			} else {
				change("split", old, t, moves[t], "linkage found these records to be another person")
			}
		}
		if !taken[old] {
			into := ""
			if len(targets) == 1 {
				into = targets[0]
			}
			out.Retired = append(out.Retired, store.Entity{ID: old, Kind: "person", RetiredAt: at, MergedInto: into})
		}
	}
	return out
}

// newID is a new entity, change or run id. Version 7 ids rise with time
// (the uuid package keeps them rising within a millisecond too), so a run's
// new entities, made in the order of their first record, are appended to
// the B-trees that hold entities and memberships by entity rather than
// scattered over them: random ids made the first run's write back half as
// slow again.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// PlaceKey is the key a place links on: its postcode and house number or
// name, "BD11 1HA|12". Without a postcode there is no key.
func PlaceKey(a pole.Address) string {
	if a.Postcode == "" {
		return ""
	}
	return a.Postcode + "|" + houseNumber(a.Text)
}

// houseNumber is the first word of an address holding a digit ("12",
// "12a", "Flat 3" gives "3"), upper-cased; empty when none.
func houseNumber(text string) string {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' }) {
		if strings.ContainsAny(w, "0123456789") {
			return strings.ToUpper(w)
		}
	}
	return ""
}

// linkObjects gives every phone, vehicle and place an entity of its own,
// keyed by its normalised form, so that people who share one are linked
// through it.
func linkObjects(ctx context.Context, st *store.Store, d *Data, counts map[string]int) error {
	for k, kind := range objectKinds {
		keys := d.objects[k]
		slices.Sort(keys)
		keys = slices.Compact(keys)
		if len(keys) == 0 {
			continue
		}
		if _, err := st.EnsureObjectEntities(ctx, kind, keys); err != nil {
			return err
		}
		counts[kind] = len(keys)
		// Done with: let the keys go while linking still needs the memory.
		d.objects[k] = nil
	}
	return nil
}

// Unmerge undoes a merge: the mentions the merge moved go back to the
// entity they came from, and "different" judgements between them and the
// entity's other mentions keep every later run from merging them again.
// It returns the unmerge change.
func Unmerge(ctx context.Context, st *store.Store, changeID, who string, at time.Time) (*store.EntityChange, error) {
	const op = "linkrun.Unmerge"
	c, err := st.FindEntityChange(ctx, changeID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if c.Kind != "merge" {
		return nil, pole.E(op, pole.Invalid("change", "change %s is a %s, not a merge: only merges can be undone", changeID, c.Kind))
	}
	if c.UndoneBy != "" {
		return nil, pole.E(op, pole.Errorf(pole.ECONFLICT, "merge %s was already undone by %s", changeID, c.UndoneBy))
	}
	current, err := st.EntityMentions(ctx, c.EntityID)
	if err != nil {
		return nil, pole.E(op, err)
	}
	moving := map[string]bool{}
	var moved []string
	for _, m := range c.Mentions {
		moving[m] = true
	}
	var staying []string
	for _, m := range current {
		if moving[m] {
			moved = append(moved, m)
		} else {
			staying = append(staying, m)
		}
	}
	if len(moved) == 0 || len(staying) == 0 {
		return nil, pole.E(op, pole.Errorf(pole.ECONFLICT, "entity %s no longer holds the merged records beside others: a later run changed it", c.EntityID))
	}
	// Every moved record is judged different from some of those staying
	// (three: enough to keep the two apart however either later divides,
	// without a judgement per pair of a large entity).
	var js []store.Judgement
	for _, a := range moved {
		for _, b := range staying[:min(3, len(staying))] {
			js = append(js, store.Judgement{A: a, B: b, Decision: "different", MadeBy: who, Note: "unmerge of " + changeID, MadeAt: at})
		}
	}
	to := store.Entity{ID: c.OtherID, Kind: "person", CreatedAt: at}
	ch, err := st.ApplyUnmerge(ctx, changeID, c.EntityID, to, moved, who, js, at)
	if err != nil {
		return nil, pole.E(op, err)
	}
	return ch, nil
}
