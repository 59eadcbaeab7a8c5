// Package stats makes the nature-and-scale report of an operation: how many
// victims, offenders, groups and offences there are once linked records are
// counted as one, by published counting rules, with data-quality figures and
// a methods section. Every count it publishes has passed disclosure control
// (Disclosure): small counts are suppressed, with enough others that they
// cannot be worked out from the totals, and the rest are rounded.
package stats
