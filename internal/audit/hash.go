package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/bits"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/caselink/caselink/internal/store"
)

// leafVersion begins every encoded entry, so that a later encoding can never
// be mistaken for this one.
const leafVersion = "caselink audit entry v1\n"

// genesis is the prev_hash of entry 0.
var genesis tlog.Hash

// encode appends the canonical encoding of r's content to b: the version,
// seq and time (microseconds since 1970, UTC) as 8 bytes big-endian, then
// each text field and each record id as its length (uvarint) and its bytes,
// in a fixed order. Every field is in it, and no two entries share an
// encoding. The hashes are not in it; the chain adds prev_hash.
func encode(b []byte, r *store.AuditRow) []byte {
	b = append(b, leafVersion...)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(r.At.UnixMicro()))
	for _, s := range [...]string{r.Actor, r.ActorLogin, r.Action, r.RecordKind, r.Purpose, r.Origin, r.Recipient, r.Outcome, r.Detail} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(r.RecordIDs)))
	for _, id := range r.RecordIDs {
		b = appendString(b, id)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// hasher computes leaf and chain hashes, reusing one buffer.
type hasher struct{ buf []byte }

// leaf is r's RFC 6962 leaf hash, SHA-256(0x00 || encoding).
func (h *hasher) leaf(r *store.AuditRow) tlog.Hash {
	h.buf = encode(h.buf[:0], r)
	return tlog.RecordHash(h.buf)
}

// chain is the hash that links a leaf to the entry before it.
func chain(prev []byte, leaf tlog.Hash) tlog.Hash {
	var b [2 * tlog.HashSize]byte
	copy(b[:], prev)
	copy(b[tlog.HashSize:], leaf[:])
	return sha256.Sum256(b[:])
}

// tree is the RFC 6962 Merkle tree over the first size leaves, held as the
// roots of the perfect subtrees it is made of, largest first: one for each
// set bit of size. Adding a leaf costs O(1) hashes amortised, so a tree of
// a million leaves is built while streaming them, in constant memory.
type tree struct {
	size  int64
	roots []tlog.Hash
}

func (t *tree) add(leaf tlog.Hash) {
	h := leaf
	// Each trailing one bit of size is a full subtree as big as the one
	// being completed: merge them, as a binary increment carries.
	for n := t.size; n&1 == 1; n >>= 1 {
		h = tlog.NodeHash(t.roots[len(t.roots)-1], h)
		t.roots = t.roots[:len(t.roots)-1]
	}
	t.roots = append(t.roots, h)
	t.size++
}

// root is the tree head, MTH in RFC 6962: the largest subtree on the left,
// the rest, hashed the same way, on the right.
func (t *tree) root() tlog.Hash {
	if t.size == 0 {
		return tlog.Hash(sha256.Sum256(nil))
	}
	h := t.roots[len(t.roots)-1]
	for i := len(t.roots) - 2; i >= 0; i-- {
		h = tlog.NodeHash(t.roots[i], h)
	}
	return h
}

func (t *tree) frontier() []byte {
	b := make([]byte, 0, len(t.roots)*tlog.HashSize)
	for _, h := range t.roots {
		b = append(b, h[:]...)
	}
	return b
}

// treeAt rebuilds the tree a checkpoint stored, checking that its frontier
// hashes to its root.
func treeAt(cp *store.AuditCheckpoint) (tree, error) {
	n := bits.OnesCount64(uint64(cp.TreeSize))
	if len(cp.Frontier) != n*tlog.HashSize {
		return tree{}, fmt.Errorf("checkpoint of %d entries: its frontier holds %d bytes, want %d", cp.TreeSize, len(cp.Frontier), n*tlog.HashSize)
	}
	t := tree{size: cp.TreeSize, roots: make([]tlog.Hash, n)}
	for i := range t.roots {
		copy(t.roots[i][:], cp.Frontier[i*tlog.HashSize:])
	}
	if got := t.root(); string(got[:]) != string(cp.RootHash) {
		return tree{}, fmt.Errorf("checkpoint of %d entries: its frontier does not hash to its root", cp.TreeSize)
	}
	return t, nil
}
