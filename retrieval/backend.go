package retrieval

import (
	"context"
	"errors"
	"time"
)

// Backend is a search engine behind citebot: it holds indexed documents
// (each an IndexedDoc: text, metadata, passages, sentences and analysed
// tokens) and finds passages by analysed terms with BM25. It is all the
// answering core (retrieval/answer, retrieval/quote) needs, so a new engine
// is one package implementing it and passing retrieval/backendtest.
//
// Terms: every backend indexes the terms retrieval/text produces for a
// passage (Passage.Tokens), and a Query is made of such terms, never of
// query syntax; so the same question retrieves the same passages whichever
// backend serves it.
//
// Generations: a Backend value serves one generation of an index, a fixed
// set of documents that does not change while it is open. Re-indexing
// writes a new generation beside it (a folder under gens/ for Bleve, a
// physical index behind an alias for OpenSearch) and Live swaps it in, so
// every call made for one answer sees the same documents and a reader never
// sees a half-built index. Generation names it ("" for an index held only
// in memory).
//
// Errors: a document the generation does not hold is ErrNoDocument
// (wrapped, with its id); an engine that cannot be reached right now is
// ErrUnavailable (wrapped; asking again later may succeed); any other error
// is a failure to read the index. Every method honours ctx.
//
// Concurrency: every method is safe for concurrent use. Close releases the
// generation and must not be called while other calls run (Live counts its
// users and closes a replaced generation once the last one is done); after
// Close every call fails with ErrClosed, and Close again does nothing.
type Backend interface {
	// Search returns up to k passages matching q among the documents f
	// allows, best first by BM25 score. A passage matches when it holds
	// every phrase of q.Required and, when q has optional terms or
	// phrases, at least one of them.
	Search(ctx context.Context, q Query, k int, f Filter) ([]Hit, error)
	// TermStats says how many passages hold each term (document
	// frequency), and how many passages and documents there are: the
	// corpus statistics ranking weighs terms by.
	TermStats(ctx context.Context, terms []string) (TermStats, error)
	// Document returns an indexed document by id. The value is shared:
	// callers must not modify it.
	Document(ctx context.Context, id string) (*IndexedDoc, error)
	// Sources lists the documents, in id order.
	Sources(ctx context.Context) ([]Source, error)
	// Stats describes the generation's size and age.
	Stats(ctx context.Context) (Stats, error)
	// Generation names the generation served; "" in memory.
	Generation() string
	// Close releases the generation.
	Close() error
}

// Query is a search built from analysed terms (see retrieval/text), never
// parsed from a user's text.
type Query struct {
	// Terms are optional terms; a passage's score adds each matched
	// term's BM25 weight times its boost.
	Terms []QueryTerm
	// Phrases are optional phrases, scored like terms.
	Phrases []Phrase
	// Required are phrases every hit must hold.
	Required []Phrase
}

// QueryTerm is one analysed term of a Query with its boost.
type QueryTerm struct {
	Term  string
	Boost float64
}

// Phrase is a run of analysed terms that must occur in order. Positions[i]
// lists the terms allowed at the i-th word position (usually one); an
// empty list is a word the analyser dropped (a stop word), which any word
// may fill, so "a nation without borders" matches the way it was written.
type Phrase struct {
	Positions [][]string
	// Boost scales the phrase's score; 0 means 1.
	Boost float64
}

// PhraseOf turns tokens (as retrieval/text analyses a phrase) into a
// Phrase: one position per word position, gaps kept. It returns false
// when there are no tokens.
func PhraseOf(tokens []Token, boost float64) (Phrase, bool) {
	if len(tokens) == 0 {
		return Phrase{}, false
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	pos := make([][]string, last-first+1)
	for _, t := range tokens {
		pos[t.Position-first] = append(pos[t.Position-first], t.Term)
	}
	return Phrase{Positions: pos, Boost: boost}, true
}

// Hit is one passage a search found.
type Hit struct {
	Doc string
	// Passage indexes the document's IndexedDoc.Passages.
	Passage int
	Score   float64
}

// TermStats are corpus statistics for a question's terms.
type TermStats struct {
	// DF maps each term asked about to the number of passages holding it
	// (0 for a term found nowhere).
	DF map[string]int
	// Passages and Documents count what the generation holds.
	Passages  int
	Documents int
}

// Stats describes an index's size and age; a server exports them as
// gauges.
type Stats struct {
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
	Bytes     int    `json:"bytes"`
	Path      string `json:"path,omitempty"`
	// Generation names the persisted generation served ("" in memory).
	Generation string `json:"generation,omitempty"`
	// Built is when the index was built; BuildDuration how long that
	// took. Zero for indexes built before this was recorded.
	Built         time.Time     `json:"built,omitzero"`
	BuildDuration time.Duration `json:"build_duration_ns,omitempty"`
}

// Backend errors (see Backend).
var (
	ErrNoDocument  = errors.New("document not in the index")
	ErrUnavailable = errors.New("index unavailable")
	// ErrClosed is returned by a Live after Close.
	ErrClosed = errors.New("index closed")
)

// Progress is told how many documents of a build are done. A phase calls
// it once with done 0 as it starts, so a rate can be timed from there.
type Progress func(done, total int)
