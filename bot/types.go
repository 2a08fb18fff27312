package bot

import "github.com/citebot/citebot/retrieval"

// The retrieval core's value types that replies are made of. Adapters
// render these through bot and never import retrieval themselves, so the
// dependency rule (adapters → bot → retrieval) holds.
type (
	// Answer is the retrieval core's answer (see retrieval.Answer).
	Answer = retrieval.Answer
	// Citation says where a quote comes from (see retrieval.Citation).
	Citation = retrieval.Citation
	// DocumentInfo describes an indexed document for listings (see
	// retrieval.Source; bot.Source is a citation line of a Plan).
	DocumentInfo = retrieval.Source
	// Stats describes an index's size (see retrieval.Stats).
	Stats = retrieval.Stats
	// Metadata is a document's headline, publisher, author, date and URL.
	Metadata = retrieval.Metadata
	// Span is a byte range into a document's text.
	Span = retrieval.Span
	// QuoteMatch is one place a checked quote was found (see
	// retrieval.QuoteMatch).
	QuoteMatch = retrieval.QuoteMatch
	// QuoteDifference is a run of words where a checked quote and the
	// document part ways, with document offsets (see
	// retrieval.Difference; bot.Difference is its laid-out form).
	QuoteDifference = retrieval.Difference
)

// MaxTop is the most citations a question may ask for.
const MaxTop = retrieval.MaxTop
