// Package linkage decides which person records are the same person, in the
// Fellegi-Sunter tradition: candidate pairs from blocking, comparison levels
// per field, match weights estimated by EM, then clusters.
//
// This first part is its comparison kernel: string similarities (Jaro,
// Jaro-Winkler, optimal string alignment distance, token-set similarity) and
// phonetic codes (Soundex, NYSIIS, Double Metaphone). They expect keys made by
// normalise.NameKey (lower case, accents, apostrophes and hyphens removed).
// The similarities run for every candidate pair, so they do not allocate for
// names of up to 64 runes; the phonetic codes are meant to be computed once
// per record and allocate only the codes they return.
package linkage
