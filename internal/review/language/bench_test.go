package language

import "testing"

// benchText is a realistic closure rationale and narrative: about 400 bytes,
// one planted phrase, one innocent one, and an outcome name with "does not
// support" before them.
const benchText = "Evidential difficulties: named suspect identified; victim does not support (or withdraws support). " +
	"Victim is streetwise. Synthetic account. Victim reports being taken to premises (takeaway) at Kebab House, " +
	"12 High Street LS1 4AB. She was given gifts and lifts. She named a man known as 'Taz'. Victim was clear she " +
	"did not consent to the suspect. Officer challenged the term 'lifestyle choice' used by a partner agency."

// benchPlain is the same length of text with no term at all, the common case.
const benchPlain = "Evidential difficulties: named suspect identified; victim does not support (or withdraws support). " +
	"Synthetic account. Victim reports being taken to premises (takeaway) at Kebab House, 12 High Street LS1 4AB. " +
	"She was given gifts and lifts. She named a man known as 'Taz'. She was moved between towns. Alcohol and " +
	"cannabis were supplied. She could not describe the men. Further enquiries were made at the address."

func BenchmarkFind(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Find(benchText)
	}
}

func BenchmarkFindNoTerm(b *testing.B) {
	b.SetBytes(int64(len(benchPlain)))
	b.ReportAllocs()
	for b.Loop() {
		Find(benchPlain)
	}
}
