package language

import (
	"testing"
	"unicode/utf8"
)

// FuzzFind runs Find on arbitrary text: it must never panic, and every hit
// must lie inside the text, after the one before it, with a snippet of at
// most 160 bytes of valid UTF-8.
func FuzzFind(f *testing.F) {
	for _, s := range plantedPhrases {
		f.Add(s)
	}
	for _, s := range innocentPhrases {
		f.Add(s)
	}
	f.Add("Evidential difficulties: named suspect identified; victim does not support (or withdraws support). Victim is streetwise.")
	f.Add("Officer challenged the term ‘lifestyle choice’ used by a partner agency. “boyfriend”")
	f.Add("She isn’t credible; 'cause she's 'streetwise' – which she denies… Mr. J. Smith, 10:30, 1,000.")
	f.Add("not not credible credible in a in a relationship relationship with with him")
	f.Add("\xff\xfeconsent\xc3")
	f.Fuzz(func(t *testing.T, text string) {
		hits := Find(text)
		prevEnd := 0
		for _, h := range hits {
			if h.Start < prevEnd || h.End <= h.Start || h.End > len(text) {
				t.Fatalf("hit %+v out of range or order (previous end %d, text %d bytes)", h, prevEnd, len(text))
			}
			prevEnd = h.End
			if len(h.Snippet) > maxSnippet || !utf8.ValidString(h.Snippet) {
				t.Fatalf("snippet %q: want at most %d bytes of valid UTF-8", h.Snippet, maxSnippet)
			}
			if h.Term == "" || h.Category == "" || h.Flagged != (h.Why == "") {
				t.Fatalf("hit %+v: want a term, a category, and a reason exactly when unflagged", h)
			}
		}
		for _, h := range Flagged(text) {
			if !h.Flagged {
				t.Fatalf("Flagged returned an unflagged hit %+v", h)
			}
		}
	})
}
