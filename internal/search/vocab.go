package search

import (
	"strings"

	"github.com/caselink/caselink/internal/linkage"
)

// vocab holds every name key indexed, by id, with what a comparison needs
// to know of it, worked out once per name rather than per mention.
type vocab struct {
	strs   []string
	phon   []uint32      // Double Metaphone codes: phonKey(primary)<<16 | phonKey(alternate)
	groups lists[int32]  // variant groups: forename groups, then surname groups after them
	bucket [256][]uint32 // name ids by first byte, for finding near spellings
}

// The kinds of name token a mention has. A token is a name id<<3 | kind.
const (
	kindForename    = iota // the first given name
	kindMiddle             // any other given name
	kindSurname            // the surname, its parts run together
	kindSurnamePart        // a part of a hyphenated or double-barrelled surname
	kindAlias              // a word of an alias
	kindAliasWhole         // an alias of several words, whole
	kindWritten            // a word of the name as written, when no forename or surname is
)

// phonKey packs a Double Metaphone code (at most four of A F H J K L M N P
// R S T X 0) into 16 bits, so that codes index an array with no table of
// their own; 0 is no code.
func phonKey(code string) uint32 {
	var k uint32
	for i := 0; i < len(code) && i < 4; i++ {
		c := uint32(strings.IndexByte("AFHJKLMNPRSTX0", code[i]) + 1)
		if c == 0 {
			c = 15
		}
		k = k<<4 | c
	}
	return k
}

// phonOf returns the packed codes of a name key; a key of several words
// (a whole alias) has none, since its words are coded one by one.
func phonOf(key string) uint32 {
	if strings.Contains(key, " ") {
		return 0
	}
	p, a := linkage.DoubleMetaphone(key)
	pk, ak := phonKey(p), phonKey(a)
	if ak == pk {
		ak = 0
	}
	return pk<<16 | ak
}

// groupCount is how many variant groups there are, forename and surname.
func groupCount() int {
	return linkage.ForenameVariants().Len() + linkage.SurnameVariants().Len()
}

// appendGroups appends the variant groups of a name key, ascending. A
// name may be a forename and a surname (Ali, Hussain), and a search does
// not know which field a user meant, so both lists count.
func appendGroups(out []int32, key string) []int32 {
	fv := linkage.ForenameVariants()
	out = append(out, fv.Groups(key)...)
	for _, g := range linkage.SurnameVariants().Groups(key) {
		out = append(out, int32(fv.Len())+g)
	}
	return out
}

// sharesPhon reports whether two names share a Double Metaphone code,
// primary or alternate.
func sharesPhon(a, b uint32) bool {
	for _, x := range [2]uint32{a >> 16, a & 0xffff} {
		if x != 0 && (x == b>>16 || x == b&0xffff) {
			return true
		}
	}
	return false
}
