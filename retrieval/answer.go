package retrieval

// Citation says where a quote comes from. Quote is exactly the document's
// text from Start to End (byte offsets); Paragraph is 1-based.
type Citation struct {
	Doc string `json:"doc"`
	Metadata
	Collection string  `json:"collection,omitempty"`
	Paragraph  int     `json:"paragraph"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Quote      string  `json:"quote"`
	Score      float64 `json:"score"`
	// Highlight is the part of the quote that answers the question (the
	// short answer's own occurrence), as document offsets within
	// [Start, End); renderers emphasise it. Nil when the whole quote is the
	// answer.
	Highlight *Span `json:"highlight,omitempty"`
	// Page is the 1-based page of a paginated source (PDF) the quote
	// starts on, so a citation can say "p. 4"; 0 (omitted) for sources
	// without pages.
	Page int `json:"page,omitempty"`
	// FromMetadata marks the citation of an answer read from the
	// document's metadata (who wrote it, who published it, when, its
	// headline): the quote is the line that shows it (byline, dateline,
	// headline), or the document's first passage when none does.
	FromMetadata bool `json:"metadata,omitempty"`
}

// Answer is citebot's reply to one question. Either Answered is true and
// Citations holds at least one quote, best first, or Answered is false (a
// decline, not an error) and Closest offers the nearest passages. Answer is
// the short answer (a number, name, date …) when one was found in the best
// quote, else the best quote itself; it is empty when declined. (Its JSON name is
// "answer".)
type Answer struct {
	Question  string     `json:"question"`
	Answered  bool       `json:"answered"`
	Short     string     `json:"answer"`
	Citations []Citation `json:"citations"`
	Closest   []Citation `json:"closest"`
	// AnswerType is the kind of answer the question asked for ("number",
	// "person", …), empty when none in particular.
	AnswerType string `json:"answer_type,omitempty"`
	// Reason says, when declined, why the documents do not answer (for
	// example which name or year none of them mentions).
	Reason string `json:"reason,omitempty"`
	// Confidence is the estimated probability (0–1) that the first quote
	// answers the question; for a decline, that the closest passage
	// would. A logistic model over the evidence the decline model weighs
	// gives it, fitted on questions whose answers are known (RANKING.md;
	// citebot eval prints how well it is calibrated). Renderers mark
	// answers under LowConfidence as possibly not answering.
	Confidence float64 `json:"confidence"`

	// Newsroom additions, set at the end of answering.

	// AsOf is the document date the answer stands on (ISO): the first
	// citation's, or when that document is undated, the newest date of
	// the documents stating the same value. Empty when none is dated.
	AsOf string `json:"as_of,omitempty"`
	// Agreement says whether the cited documents agree on a number, date
	// or name answer; nil when fewer than two documents state one.
	Agreement *Agreement `json:"agreement,omitempty"`
}

// AskOptions tune one question.
type AskOptions struct {
	// Top is the most citations (and closest passages) to return; 0 means
	// DefaultTop.
	Top int
	// Filter restricts the documents the question may see.
	Filter Filter
	// NeverDecline answers with the best sentence whatever the evidence.
	// It exists to measure ranking apart from declining (citebot eval
	// --never-decline); users get declines.
	NeverDecline bool
}

// LowConfidence is the Confidence under which an answer is shown with "this
// may not answer your question": below it, the first quote is more often
// wrong than right.
const LowConfidence = 0.5

// DefaultTop is how many citations an answer carries unless asked otherwise.
const DefaultTop = 3

// MaxTop bounds Top so one request cannot ask for unbounded work.
const MaxTop = 20

// Filter restricts which documents a question may see.
type Filter struct {
	// Collections, when non-empty, limits answers (and closest passages)
	// to documents of these collections.
	Collections []string
}
