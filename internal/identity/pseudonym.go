package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a pseudonym
// read aloud or copied by hand is not mistaken for another.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// pseudonymChars is how many base32 characters a pseudonym has: 50 bits.
const pseudonymChars = 10

// Pseudonym returns the name a victim goes by everywhere outside the sealed
// identity: "V-" and two groups of 5 Crockford base32 characters, the first
// 50 bits of HMAC-SHA256(pseudonym key, rowID), as in V-7K3QX-M2A9P. It is
// the same for a row every time, and without the key cannot be guessed from
// the row id nor turned back into it.
//
// There are 2^50 (about 1.1 × 10^15) pseudonyms: among a million victims,
// the odds that any two share one are about 1 in 2,250. Pages show a
// pseudonym beside its force and case, so even then two victims are not
// confused.
func (s *Sealer) Pseudonym(rowID string) string {
	mac := hmac.New(sha256.New, s.pseudonymKey)
	mac.Write([]byte(rowID))
	bits := binary.BigEndian.Uint64(mac.Sum(nil)) >> (64 - 5*pseudonymChars)
	p := []byte("V-00000-00000")
	for i := range pseudonymChars {
		at := 2 + i
		if i >= 5 {
			at++
		}
		p[at] = crockford[(bits>>(5*(pseudonymChars-1-i)))&31]
	}
	return string(p)
}
