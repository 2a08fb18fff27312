package retrieval

// Verdict is the outcome of a quote check.
type Verdict string

// Quote check verdicts.
const (
	// VerdictExact: every part of the text (split at ellipses, in order)
	// occurs word for word in one paragraph of a document, up to case,
	// quotation marks, apostrophes, dashes, punctuation and white space.
	VerdictExact Verdict = "exact"
	// VerdictNear: no exact occurrence, but a passage says nearly the
	// same words (similarity at least NearThreshold); its differing
	// words are listed.
	VerdictNear Verdict = "near"
	// VerdictNotFound: nothing in the documents comes close.
	VerdictNotFound Verdict = "not_found"
)

// MaxQuoteBytes bounds the text one quote check compares; longer text is
// cut at a rune boundary (the bot rejects it instead).
const MaxQuoteBytes = 5000

// QuoteMatch is one place a checked text occurs. The Citation's quote is
// the sentence or sentences holding the match, verbatim; its Highlight is
// the matched run of words (nil when that is the whole quote); its Score is
// the similarity, 1 for an exact match. Differences are the runs where the
// document's words differ from the checked text's, empty for exact
// matches (an ellipsis's omitted words are not differences).
type QuoteMatch struct {
	Citation
	Differences []Difference `json:"differences"`
}

// QuoteCheck is the answer to "do the documents say this?". Verdict is
// exact (Matches lists every place, up to 10; Variants the places that
// word it differently, such as another article quoting the same talking
// point), near (Matches lists the closest passages with their
// differences, best first) or not_found (Matches is empty; Closest may
// offer passages sharing some words).
type QuoteCheck struct {
	Text     string       `json:"text"`
	Verdict  Verdict      `json:"verdict"`
	Matches  []QuoteMatch `json:"matches"`
	Variants []QuoteMatch `json:"variants"`
	Closest  []QuoteMatch `json:"closest"`
	// Reason says why nothing could be looked up, when that is so.
	Reason string `json:"reason,omitempty"`
}

// QuoteOptions tune a quote check.
type QuoteOptions struct {
	// Top is the most near matches (or closest passages) to return; 0
	// means DefaultTop. Exact matches are listed up to 10 regardless.
	Top int
	// Filter restricts the documents searched.
	Filter Filter
}

// Difference is a run of words where a checked text and the document
// part ways. Expected is what the checked text says there, Found what the
// document says (empty when the document lacks the words, in which case
// Start = End marks where they would be); Start and End are document byte
// offsets of Found, so renderers can mark it in the quote.
type Difference struct {
	Expected string `json:"expected"`
	Found    string `json:"found"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// AttributionVerdict says whether the documents say who said a quotation.
type AttributionVerdict string

// Attribution verdicts.
const (
	// Attributed: the text is a direct quotation (inside quotation marks)
	// and a speech verb in its sentence or a neighbouring one names who
	// said it.
	Attributed AttributionVerdict = "attributed"
	// Unattributed: the documents hold the text, but nowhere as a
	// quotation with a speaker.
	Unattributed AttributionVerdict = "unattributed"
	// AttributionNotFound: the documents do not hold the text (a quote
	// check found neither an exact nor a near match).
	AttributionNotFound AttributionVerdict = "not_found"
)

// Attribution answers "who said this?". Speaker is the best-supported
// speaker over every place the text was found (a name before a role such
// as "the president", and that before an unresolved pronoun); Sources
// lists each place with its own speaker, or none. QuoteVerdict says how
// the text was found (exact or near).
type Attribution struct {
	Text         string             `json:"text"`
	Verdict      AttributionVerdict `json:"verdict"`
	Speaker      string             `json:"speaker,omitempty"`
	QuoteVerdict Verdict            `json:"quote_verdict"`
	Sources      []AttributedQuote  `json:"sources"`
}

// AttributedQuote is one place a quotation was found. The Citation's
// quote runs from the sentence naming the speaker to the end of the
// quotation's sentence, verbatim; its Highlight marks the speaker's words
// (nil when unattributed). Quotation is where the checked text is, as
// document offsets; Differences are as in a quote check (empty when
// exact).
type AttributedQuote struct {
	Citation
	// Speaker is who the text says spoke, as written ("Trump", "the
	// president", "a State Department spokesperson"); a pronoun is
	// resolved to the name it stands for when a preceding sentence gives
	// one. Empty when unattributed.
	Speaker string `json:"speaker,omitempty"`
	// Verb is the speech verb that attributes it ("said", "according
	// to", "quoted … saying").
	Verb        string       `json:"verb,omitempty"`
	Quotation   Span         `json:"quotation"`
	Differences []Difference `json:"differences"`
}
