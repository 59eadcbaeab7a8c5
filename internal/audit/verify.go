package audit

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Report is what Verify found. BadSeq is the first entry found changed,
// missing or inserted, and BadCheckpoint the size of the checkpoint that
// failed; each is -1 when there is none. When a checkpoint fails but every
// link of the chain holds, the chain was rewritten from some entry the
// checkpoint covers: BadSeq is then the first entry that no good checkpoint
// vouches for.
type Report struct {
	Entries       int64 // entries whose hashes were checked and found good
	Checkpoints   int   // checkpoints whose signature and root were found good
	Signed        int64 // entries covered by the largest good checkpoint
	BadSeq        int64
	BadCheckpoint int64
	Reason        string
}

// OK reports whether the log was found whole.
func (r Report) OK() bool { return r.Reason == "" }

// Verify reads the whole log in order and proves it whole: seq runs from 0
// with no gaps, every entry's hash is recomputed from its content and the
// entry before, and every stored checkpoint must be signed by one of the
// verifiers (the audit key, and its predecessors if it was rotated) and hold
// the tree head recomputed at its size. It stops at the first problem,
// which it returns, as EINVALID, as well as describing it in the report.
// Verify streams: its memory does not grow with the log.
func Verify(ctx context.Context, st *store.Store, verifiers ...note.Verifier) (Report, error) {
	const op = "audit.Verify"
	rep := Report{BadSeq: -1, BadCheckpoint: -1}
	if len(verifiers) == 0 || slices.Contains(verifiers, nil) {
		return rep, pole.E(op, pole.Invalid("key", "verifying needs the audit log's public key"))
	}
	fail := func(seq, checkpoint int64, format string, args ...any) (Report, error) {
		rep.BadSeq, rep.BadCheckpoint = seq, checkpoint
		rep.Reason = fmt.Sprintf(format, args...)
		return rep, pole.E(op, pole.Errorf(pole.EINVALID, "%s", rep.Reason))
	}
	cps, err := st.AuditCheckpoints(ctx)
	if err != nil {
		return rep, pole.E(op, err)
	}
	known := note.VerifierList(verifiers...)
	// checkpoint checks cp against the tree of the entries read so far, if
	// given. bad is the first entry that cp shows to be bad, or -1.
	checkpoint := func(cp *store.AuditCheckpoint, t *tree) (bad int64, reason string) {
		n, err := note.Open(cp.SignedNote, known)
		if err != nil {
			return -1, fmt.Sprintf("the checkpoint of %d entries is not signed by the audit key: %v", cp.TreeSize, err)
		}
		head, err := tlog.ParseTree([]byte(n.Text))
		if err != nil {
			return -1, fmt.Sprintf("the checkpoint of %d entries holds no tree head: %v", cp.TreeSize, err)
		}
		if head.N != cp.TreeSize || !bytes.Equal(head.Hash[:], cp.RootHash) {
			return -1, fmt.Sprintf("the checkpoint of %d entries was altered: its signed note is for %d entries with root %v", cp.TreeSize, head.N, head.Hash)
		}
		if t != nil && head.Hash != t.root() {
			return rep.Signed, fmt.Sprintf("the entries do not hash to the signed root of the checkpoint of %d entries: one of entries %d to %d was changed and the chain after it rewritten",
				cp.TreeSize, rep.Signed, cp.TreeSize-1)
		}
		return -1, ""
	}

	var (
		t    tree
		h    hasher
		c    int       // the next checkpoint to reach
		last = genesis // the hash of the last entry found good
		pph  []byte    // the stored prev_hash of that entry
	)
	for row, err := range st.ScanAudit(ctx, 0) {
		if err != nil {
			return rep, pole.E(op, err)
		}
		n := t.size
		if row.Seq != n {
			return fail(n, -1, "entry %d is missing: the next entry stored is %d", n, row.Seq)
		}
		if !bytes.Equal(row.PrevHash, last[:]) {
			if n > 0 && shifted(&h, &row, pph) && !bytes.Equal(row.Hash, last[:]) {
				return fail(n-1, -1, "entry %d was inserted: entry %d is the entry that was %d, moved one place along", n-1, n, n-1)
			}
			if n == 0 {
				return fail(0, -1, "entry 0 does not begin the chain: it was changed, or put in the place of one removed")
			}
			return fail(n, -1, "entry %d does not follow entry %d: it was changed, moved, or put in the place of one removed", n, n-1)
		}
		leaf := h.leaf(&row)
		sum := chain(last[:], leaf)
		if !bytes.Equal(sum[:], row.Hash) {
			return fail(n, -1, "entry %d was changed: its content does not match its hash", n)
		}
		t.add(leaf)
		last, pph = sum, row.PrevHash
		rep.Entries++
		for c < len(cps) && cps[c].TreeSize == t.size {
			if bad, reason := checkpoint(&cps[c], &t); reason != "" {
				return fail(bad, cps[c].TreeSize, "%s", reason)
			}
			rep.Checkpoints++
			rep.Signed = t.size
			c++
		}
	}
	// What remains covers more entries than the log holds: the tail was cut,
	// unless the checkpoint itself is forged.
	if c < len(cps) {
		if bad, reason := checkpoint(&cps[c], nil); reason != "" {
			return fail(bad, cps[c].TreeSize, "%s", reason)
		}
		return fail(t.size, cps[c].TreeSize, "entries from %d are missing: a checkpoint of %d entries was signed, and the log holds %d", t.size, cps[c].TreeSize, t.size)
	}
	return rep, nil
}

// shifted reports whether row is whole as the entry one place before its
// own, following the same entry as the entry before it, whose prev_hash is
// pph: then an entry was slipped in ahead of it, and the entry before, which
// checked out, is that insertion.
func shifted(h *hasher, row *store.AuditRow, pph []byte) bool {
	if !bytes.Equal(row.PrevHash, pph) {
		return false
	}
	was := *row
	was.Seq--
	sum := chain(row.PrevHash, h.leaf(&was))
	return bytes.Equal(sum[:], row.Hash)
}
