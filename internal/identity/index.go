package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
)

// Kinds of blind index, each over a normalised value.
const (
	// IndexName is over a whole name, forename then surname ("Siobhán
	// O'Neill"), as normalise.NameKey folds it: case folded, accents,
	// apostrophes, hyphens and dots removed, spaces single. A name split
	// differently into forename and surname by two forces still matches.
	IndexName = "name"
	// IndexSurname is over the surname, as normalise.NameKey folds it.
	IndexSurname = "surname"
	// IndexDOB is over a date of birth known to the day, in ISO form
	// (2009-03-12); a year or a month alone is too common to index.
	IndexDOB = "dob"
	// IndexPostcode is over a UK postcode in its canonical form (HG2 7QT);
	// anything else written as a postcode is indexed in capitals without
	// spaces, so it still matches itself.
	IndexPostcode = "postcode"
)

// IndexSize is the length of a blind index: HMAC-SHA256 cut to 128 bits.
// Equality search needs only that different values rarely share an index,
// and at 128 bits even 2^32 values of one kind share one with odds under
// 2^-64; what keeps the values secret is the key, not the length. Half the
// bytes halves the index column and its B-tree.
const IndexSize = 16

// BlindIndex returns the blind index of value as kind: HMAC-SHA256 under the
// ring's index key of kind, a 0 byte and value normalised for kind, cut to
// IndexSize bytes. Values equal once normalised have equal indexes, so a
// search computes the index of what it looks for and matches it.
//
// It returns nil, which matches nothing, only for a blank value and for a
// date of birth not known to the day; a name of punctuation alone ("-") has
// the index of the empty name. It panics on a kind that is not one of the
// Index kinds, which is a mistake in the caller's code.
//
// A blind index shows anyone who can read the store which victims share a
// value, though not what the value is.
func (s *Sealer) BlindIndex(kind, value string) []byte {
	v, ok := normaliseFor(kind, value)
	if !ok {
		return nil
	}
	mac := hmac.New(sha256.New, s.indexKey)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(v))
	return mac.Sum(nil)[:IndexSize]
}

func normaliseFor(kind, value string) (string, bool) {
	blank := strings.TrimSpace(value) == ""
	switch kind {
	case IndexName, IndexSurname:
		return normalise.NameKey(value), !blank
	case IndexDOB:
		d, err := pole.ParsePartialDate(strings.TrimSpace(value))
		return d.String(), err == nil && d.Precision() == pole.PrecisionDay
	case IndexPostcode:
		if p, err := normalise.ParsePostcode(value); err == nil {
			return p.Full, true
		}
		return strings.ToUpper(strings.Join(strings.Fields(value), "")), !blank
	}
	panic(fmt.Sprintf("identity: %q is not a kind of blind index", kind))
}

// Index is one blind index of an identity.
type Index struct {
	Kind  string
	Value []byte
}

// Indexes returns the blind indexes to store for id: its name (when it has
// both forename and surname), surname, date of birth and each distinct
// postcode of its addresses, leaving out those it has nothing for.
func (s *Sealer) Indexes(id Identity) []Index {
	var out []Index
	add := func(kind, value string) {
		v := s.BlindIndex(kind, value)
		if v == nil {
			return
		}
		for _, x := range out {
			if x.Kind == kind && string(x.Value) == string(v) {
				return
			}
		}
		out = append(out, Index{Kind: kind, Value: v})
	}
	if id.Forename != "" && id.Surname != "" {
		add(IndexName, id.Forename+" "+id.Surname)
	}
	add(IndexSurname, id.Surname)
	add(IndexDOB, id.DOB.String())
	for _, a := range id.Addresses {
		add(IndexPostcode, a.Postcode)
	}
	return out
}
