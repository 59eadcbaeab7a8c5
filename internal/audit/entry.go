// Package audit is the tamper-evident audit log that the Data Protection Act
// 2018 s62 asks of a law enforcement processor: every collection,
// alteration, consultation, disclosure, combination and erasure of personal
// data, and the security events around them, with who, when, what, why and
// from where.
//
// Entries are only appended. Each is encoded canonically and hashed as an
// RFC 6962 leaf; its chain hash is SHA-256(prev_hash || leaf), so that
// changing, removing, reordering or inserting an entry breaks the chain at
// that entry. Anyone who can write to the database can recompute an unkeyed
// chain, so the log also signs checkpoints: the head of the Merkle tree over
// all leaves, as a note signed with the audit key (golang.org/x/mod/sumdb).
// Verify recomputes everything from the entries and checks every
// checkpoint; a rewritten chain or a cut tail fails at the first checkpoint
// that covers it.
//
// What no check here can see: entries appended by someone with the database
// after the last checkpoint, and a tail cut together with the checkpoints
// that cover it. Checkpoints made often, and their notes kept somewhere the
// database's users cannot write, close both.
package audit

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// Action is what was done. The log takes any action in lower-case snake
// case; the constants are the ones caselink records.
type Action string

// The six operations on personal data that s62(1) names.
const (
	Collection   Action = "collection"
	Alteration   Action = "alteration"
	Consultation Action = "consultation"
	Disclosure   Action = "disclosure"
	Combination  Action = "combination"
	Erasure      Action = "erasure"
)

// Security events.
const (
	Login            Action = "login"
	LoginFailed      Action = "login_failed"
	Logout           Action = "logout"
	AccessDenied     Action = "access_denied"
	UserAdded        Action = "user_added"
	UserDisabled     Action = "user_disabled"
	KeyRotated       Action = "key_rotated"
	IdentityRevealed Action = "identity_revealed"
	// Search is a look for personal data that touched no record: the
	// operation s62 names would have to say which records it touched.
	Search Action = "search"
)

// PersonalData reports whether a is one of the six operations on personal
// data, which must say which records they touched.
func (a Action) PersonalData() bool {
	switch a {
	case Collection, Alteration, Consultation, Disclosure, Combination, Erasure:
		return true
	}
	return false
}

// Outcome says whether what was asked for was done.
type Outcome string

const (
	Allowed Outcome = "allowed"
	Denied  Outcome = "denied"
)

// System is the Actor of what caselink does by itself (scheduled linkage,
// ingest from a watched folder).
const System = "system"

// Entry is one entry of the log. The caller fills in who (Actor, a user id
// or System, and ActorLogin), what (Action, RecordKind, RecordIDs), why
// (Purpose), from where (Origin: an address or "cli"), to whom (Recipient,
// for a disclosure), whether it was done (Outcome, allowed if empty) and
// anything else (Detail). The log sets Seq, At (the time Record was called),
// PrevHash and Hash.
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	ActorLogin string    `json:"actor_login"`
	Action     Action    `json:"action"`
	RecordKind string    `json:"record_kind"`
	RecordIDs  []string  `json:"record_ids"`
	Purpose    string    `json:"purpose"`
	Origin     string    `json:"origin"`
	Recipient  string    `json:"recipient"`
	Outcome    Outcome   `json:"outcome"`
	Detail     string    `json:"detail"`
	PrevHash   []byte    `json:"prev_hash"`
	Hash       []byte    `json:"hash"`
}

// wellFormedAction reports whether a is lower case, words joined by _: a
// loop, not a regular expression, as every audited read checks it.
func wellFormedAction(a Action) bool {
	if a == "" || a[0] < 'a' || a[0] > 'z' {
		return false
	}
	for i := 1; i < len(a); i++ {
		c := a[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Validate reports the first field that makes e unfit to record, as
// EINVALID naming the field. s62(2) asks that a consultation or disclosure
// show its justification, and a disclosure its recipient.
func (e *Entry) Validate() error {
	for _, f := range []struct{ name, value string }{
		{"actor", e.Actor}, {"actor_login", e.ActorLogin}, {"action", string(e.Action)},
		{"record_kind", e.RecordKind}, {"purpose", e.Purpose}, {"origin", e.Origin},
		{"recipient", e.Recipient}, {"detail", e.Detail},
	} {
		if err := checkText(f.name, f.value); err != nil {
			return err
		}
	}
	for _, id := range e.RecordIDs {
		if id == "" {
			return pole.Invalid("record_ids", "a record id must not be empty")
		}
		if err := checkText("record_ids", id); err != nil {
			return err
		}
	}
	switch {
	case e.Actor == "":
		return pole.Invalid("actor", "say who acted: a user id or %q", System)
	case !wellFormedAction(e.Action):
		return pole.Invalid("action", "%q is not an action (lower case, words joined by _)", e.Action)
	case e.Outcome != Allowed && e.Outcome != Denied:
		return pole.Invalid("outcome", "%q is neither %q nor %q", e.Outcome, Allowed, Denied)
	}
	if e.Action.PersonalData() {
		switch {
		case e.RecordKind == "":
			return pole.Invalid("record_kind", "a %s must say what kind of record it touched", e.Action)
		case len(e.RecordIDs) == 0:
			return pole.Invalid("record_ids", "a %s must name the records it touched", e.Action)
		case (e.Action == Consultation || e.Action == Disclosure) && e.Purpose == "":
			return pole.Invalid("purpose", "a %s must give its purpose", e.Action)
		case e.Action == Disclosure && e.Recipient == "":
			return pole.Invalid("recipient", "a disclosure must name its recipient")
		}
	}
	return nil
}

// checkText refuses what either database would refuse or alter, which would
// leave the stored entry unable to match its hash.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return pole.Invalid(field, "is not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return pole.Invalid(field, "must not hold a NUL character")
	}
	return nil
}

func (e *Entry) row() store.AuditRow {
	return store.AuditRow{
		Seq: e.Seq, At: e.At, Actor: e.Actor, ActorLogin: e.ActorLogin, Action: string(e.Action),
		RecordKind: e.RecordKind, RecordIDs: e.RecordIDs, Purpose: e.Purpose, Origin: e.Origin,
		Recipient: e.Recipient, Outcome: string(e.Outcome), Detail: e.Detail,
		PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

func entryOf(r *store.AuditRow) Entry {
	return Entry{
		Seq: r.Seq, At: r.At, Actor: r.Actor, ActorLogin: r.ActorLogin, Action: Action(r.Action),
		RecordKind: r.RecordKind, RecordIDs: r.RecordIDs, Purpose: r.Purpose, Origin: r.Origin,
		Recipient: r.Recipient, Outcome: Outcome(r.Outcome), Detail: r.Detail,
		PrevHash: r.PrevHash, Hash: r.Hash,
	}
}
