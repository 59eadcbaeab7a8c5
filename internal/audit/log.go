package audit

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Options tune a Log. The zero value is the default.
type Options struct {
	// CheckpointEvery is how many entries the log records between the
	// checkpoints it makes by itself: 0 means 1000, a negative number never
	// (Checkpoint and Close still make them).
	CheckpointEvery int
	// MaxBatch caps how many entries one transaction appends: 0 means 1000.
	MaxBatch int
	// Now is the clock that sets each entry's time; nil means time.Now.
	Now func() time.Time
	// Logger hears of checkpoints the log failed to make by itself; nil
	// means it does not (Close still returns the last such failure).
	Logger *slog.Logger
}

// Log records entries. Record may be called from many goroutines: their
// entries are gathered and appended in one transaction by one goroutine
// (group commit), so that an audited read costs a share of a commit, not a
// commit of its own. Close drains it.
type Log struct {
	st     *store.Store
	signer note.Signer
	every  int
	max    int
	now    func() time.Time
	logger *slog.Logger

	queue   chan *request
	urgent  chan struct{} // a caller waits: end a lingering batch now
	quit    chan struct{}
	stopped chan struct{}

	// failed holds the error of the last append of queued entries that
	// failed, until an append succeeds; Queue refuses while it is set.
	failed atomic.Pointer[error]

	// mu guards closed; Record holds it for reading while it queues, so
	// that once Close holds it nothing more can be queued.
	mu     sync.RWMutex
	closed bool

	// checkpointing serialises this process's checkpoints.
	checkpointing sync.Mutex
	// since counts entries appended since the last automatic checkpoint,
	// and lastErr is the last such checkpoint's failure; both belong to the
	// goroutine that appends.
	since   int
	lastErr error
}

type request struct {
	row  store.AuditRow
	done chan error
}

// linger is how long a batch of queued entries, none of them waited on,
// waits for more before it is appended: the window in which a crash could
// lose a queued entry grows by it, and the cost of auditing a read falls.
const linger = 5 * time.Millisecond

// ErrClosed is returned by Record after Close.
var ErrClosed = pole.Errorf(pole.EINTERNAL, "the audit log is closed")

// New starts a log that appends to st and signs its checkpoints with
// signer. Close it to flush and stop it.
func New(st *store.Store, signer note.Signer, opts Options) *Log {
	l := &Log{
		st: st, signer: signer,
		every: opts.CheckpointEvery, max: opts.MaxBatch, now: opts.Now, logger: opts.Logger,
		quit: make(chan struct{}), stopped: make(chan struct{}), urgent: make(chan struct{}, 1),
	}
	if l.every == 0 {
		l.every = 1000
	}
	if l.max <= 0 {
		l.max = 1000
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.queue = make(chan *request, l.max)
	go l.run()
	return l
}

// Record appends e to the log and returns once it is committed: call it,
// and see it succeed, before showing or changing the data it covers. e's
// Seq, At and hashes are set by the log. A ctx that ends first makes Record
// return ctx's error; the entry may still be appended.
func (l *Log) Record(ctx context.Context, e Entry) error {
	return l.add(ctx, "audit.Record", e, true)
}

// Queue appends e to the log without waiting for the commit: the entry is
// in the next transaction, which starts as soon as the one before ends, so
// it is durable within a transaction's time (milliseconds), and Close
// commits whatever is queued. It is for routine consultations, where
// waiting for each commit would cost a read several times its own price;
// a disclosure, a reveal or a refusal is recorded with Record. Once an
// append of queued entries has failed, Queue refuses until an append
// succeeds again, so that reads stop rather than go unrecorded.
func (l *Log) Queue(ctx context.Context, e Entry) error {
	const op = "audit.Queue"
	if err := l.failed.Load(); err != nil {
		return pole.E(op, *err)
	}
	return l.add(ctx, op, e, false)
}

func (l *Log) add(ctx context.Context, op string, e Entry, wait bool) error {
	if e.Outcome == "" {
		e.Outcome = Allowed
	}
	if err := e.Validate(); err != nil {
		return pole.E(op, err)
	}
	e.Seq, e.PrevHash, e.Hash = 0, nil, nil
	e.At = l.now().UTC().Truncate(time.Microsecond)
	e.RecordIDs = slices.Clone(e.RecordIDs)
	req := &request{row: e.row()}
	if wait {
		req.done = make(chan error, 1)
	}

	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return pole.E(op, ErrClosed)
	}
	select {
	case l.queue <- req:
	case <-ctx.Done():
		l.mu.RUnlock()
		return pole.E(op, ctx.Err())
	}
	l.mu.RUnlock()
	if !wait {
		return nil
	}
	select {
	case l.urgent <- struct{}{}:
	default: // already signalled
	}
	select {
	case err := <-req.done:
		return pole.E(op, err)
	case <-ctx.Done():
		return pole.E(op, ctx.Err())
	}
}

// Close appends what is queued, makes a checkpoint over every entry, and
// stops the log. It returns the failure of that checkpoint, or else of the
// last one the log made by itself.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		<-l.stopped
		return nil
	}
	l.closed = true
	close(l.quit)
	l.mu.Unlock()
	<-l.stopped
	if _, err := l.Checkpoint(context.Background()); err != nil {
		return err
	}
	return l.lastErr
}

// run appends whatever has queued up while the last transaction committed,
// up to max entries at a time.
func (l *Log) run() {
	defer close(l.stopped)
	for {
		select {
		case first := <-l.queue:
			l.append(first)
		case <-l.quit:
			// Close holds mu, so nothing more is being queued.
			for {
				select {
				case first := <-l.queue:
					l.append(first)
				default:
					return
				}
			}
		}
	}
}

func (l *Log) append(first *request) {
	batch := []*request{first}
	waiting := first.done != nil
gather:
	for len(batch) < l.max {
		select {
		case r := <-l.queue:
			batch = append(batch, r)
			waiting = waiting || r.done != nil
		default:
			break gather
		}
	}
	// When no caller waits on this batch, it lingers a moment for more
	// queued entries, so that a stream of reads shares transactions instead
	// of paying one each. It does not take entries while it lingers, so
	// queuing one wakes no one; a caller that waits ends the lingering.
	if !waiting && len(batch) < l.max {
		timer := time.NewTimer(linger)
		select {
		case <-timer.C:
		case <-l.urgent:
		case <-l.quit:
		}
		timer.Stop()
	more:
		for len(batch) < l.max {
			select {
			case r := <-l.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
	}
	// A signal left from a caller whose entry is in this batch stays: it
	// only cuts the next lingering short.
	ctx := context.Background() // the batch is many callers'; each waits on its own ctx
	err := l.st.AppendAudit(ctx, func(next int64, prev []byte) ([]store.AuditRow, error) {
		rows := coalesce(batch)
		link(rows, next, prev)
		return rows, nil
	})
	queued := 0
	for _, r := range batch {
		if r.done != nil {
			r.done <- err
		} else {
			queued++
		}
	}
	if err != nil {
		if queued > 0 {
			l.failed.Store(&err)
			l.lastErr = err
			if l.logger != nil {
				l.logger.Error("audit entries lost: their append failed", slog.Int("entries", queued), slog.Any("err", err))
			}
		}
		return
	}
	l.failed.Store(nil)
	l.since += len(batch) // entries recorded, though coalescing may store fewer rows
	if l.every > 0 && l.since >= l.every {
		l.since = 0
		if _, err := l.Checkpoint(ctx); err != nil {
			l.lastErr = err
			if l.logger != nil {
				l.logger.Error("audit checkpoint failed", slog.Any("err", err))
			}
		}
	}
}

// maxCoalesced caps how many record ids one coalesced entry names.
const maxCoalesced = 1000

// coalesce turns a batch into rows. Queued entries that follow one another
// and differ only in the records they name (one user reading record after
// record, for the same purpose, from the same place) become one entry that
// names every record, timed at the first: the log says the same, in fewer
// rows. An entry someone waits on is never merged.
func coalesce(batch []*request) []store.AuditRow {
	rows := make([]store.AuditRow, 0, len(batch))
	var seen map[string]bool
	mergeable := false // the last row came from a queued entry
	for _, r := range batch {
		if r.done == nil && mergeable {
			last := &rows[len(rows)-1]
			if sameButRecords(last, &r.row) && len(last.RecordIDs)+len(r.row.RecordIDs) <= maxCoalesced {
				for _, id := range r.row.RecordIDs {
					if !seen[id] {
						seen[id] = true
						last.RecordIDs = append(last.RecordIDs, id)
					}
				}
				continue
			}
		}
		rows = append(rows, r.row)
		mergeable = r.done == nil
		if mergeable {
			seen = make(map[string]bool, len(r.row.RecordIDs))
			for _, id := range r.row.RecordIDs {
				seen[id] = true
			}
		}
	}
	return rows
}

func sameButRecords(a, b *store.AuditRow) bool {
	return a.Actor == b.Actor && a.ActorLogin == b.ActorLogin && a.Action == b.Action && a.RecordKind == b.RecordKind &&
		a.Purpose == b.Purpose && a.Origin == b.Origin && a.Recipient == b.Recipient && a.Outcome == b.Outcome && a.Detail == b.Detail
}

// link numbers rows from next and chains them to prev, the hash of the
// entry before (nil for none).
func link(rows []store.AuditRow, next int64, prev []byte) {
	if prev == nil {
		prev = genesis[:]
	}
	var h hasher
	for i := range rows {
		r := &rows[i]
		r.Seq, r.PrevHash = next+int64(i), prev
		sum := chain(prev, h.leaf(r))
		r.Hash = sum[:]
		prev = r.Hash
	}
}

// Checkpoint signs the head of the tree over every entry stored and stores
// it, unless the latest checkpoint covers them all already; it returns the
// head. It hashes only the entries after the latest checkpoint, checking
// their chain first: it will not sign entries that have been tampered with.
func (l *Log) Checkpoint(ctx context.Context) (tlog.Tree, error) {
	l.checkpointing.Lock()
	defer l.checkpointing.Unlock()
	return Checkpoint(ctx, l.st, l.signer)
}

// Checkpoint is Log.Checkpoint for a store without a Log.
func Checkpoint(ctx context.Context, st *store.Store, signer note.Signer) (tlog.Tree, error) {
	const op = "audit.Checkpoint"
	var t tree
	latest, err := st.LatestAuditCheckpoint(ctx)
	switch {
	case pole.ErrorCode(err) == pole.ENOTFOUND:
	case err != nil:
		return tlog.Tree{}, pole.E(op, err)
	default:
		if t, err = treeAt(latest); err != nil {
			return tlog.Tree{}, pole.E(op, pole.Errorf(pole.EINVALID, "%v", err))
		}
	}
	from := t.size
	prev := genesis[:]
	var h hasher
	for row, err := range st.ScanAudit(ctx, max(from-1, 0)) {
		if err != nil {
			return tlog.Tree{}, pole.E(op, err)
		}
		leaf := h.leaf(&row)
		if sum := chain(row.PrevHash, leaf); !bytes.Equal(sum[:], row.Hash) {
			return tlog.Tree{}, pole.E(op, pole.Errorf(pole.EINVALID, "entry %d does not match its hash: not signing; run verify", row.Seq))
		}
		if row.Seq < from {
			prev = row.Hash // the last entry the latest checkpoint covers
			continue
		}
		if row.Seq != t.size || !bytes.Equal(row.PrevHash, prev) {
			return tlog.Tree{}, pole.E(op, pole.Errorf(pole.EINVALID, "entry %d does not follow entry %d: not signing; run verify", t.size, t.size-1))
		}
		t.add(leaf)
		prev = row.Hash
	}
	head := tlog.Tree{N: t.size, Hash: t.root()}
	if t.size == 0 || t.size == from {
		return head, nil
	}
	signed, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(head))}, signer)
	if err != nil {
		return tlog.Tree{}, pole.E(op, err)
	}
	err = st.SaveAuditCheckpoint(ctx, &store.AuditCheckpoint{
		TreeSize: head.N, RootHash: head.Hash[:], Frontier: t.frontier(), SignedNote: signed,
	})
	// Another process made the same checkpoint first: Verify checks the one
	// stored against the entries.
	if err != nil && pole.ErrorCode(err) != pole.ECONFLICT {
		return tlog.Tree{}, pole.E(op, err)
	}
	return head, nil
}
