// Package peers holds the systems citebench measures, each built from the
// same documents and asked the same questions: citebot itself, and the
// two things a newsroom developer would try instead — a plain Bleve index
// of the same passages (Bleve's standard English analyzer, BM25, a match
// query) and SQLite FTS5 (porter unicode61, bm25), each returning the
// best passages, from which the sentence sharing the most words with the
// question is quoted.
//
// For each system a Builder indexes (the part that is timed runs in
// Build; preparing its input does not) and an Asker answers (Ask is
// timed; cutting quotes from what it returned is not).
package peers

import (
	"context"
	"fmt"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
)

// The systems, by the names phases and reports use.
const (
	Citebot = "citebot"
	Bleve   = "bleve"
	FTS5    = "fts5"
)

// Names lists the systems in report order.
var Names = []string{Citebot, Bleve, FTS5}

// PeerTop is how many passages the Bleve and FTS5 peers return for a
// question; citebot returns its CitebotTop citations.
const (
	PeerTop    = 10
	CitebotTop = 5
)

// Builder indexes documents into dir; Build is the timed part and
// returns how many passages it indexed.
type Builder interface {
	Build(ctx context.Context) (int, error)
}

// NewBuilder prepares system's build of docs into dir (for the peers:
// segmenting into citebot's passages, not timed).
func NewBuilder(system, dir string, docs []citebot.Document) (Builder, error) {
	switch system {
	case Citebot:
		return citebotBuilder{dir: dir, docs: docs}, nil
	case Bleve:
		return &bleveBuilder{dir: dir, batches: passageBatches(docs)}, nil
	case FTS5:
		var rows []passage
		for _, b := range passageBatches(docs) {
			rows = append(rows, b...)
		}
		return &ftsBuilder{path: dir, rows: rows}, nil
	}
	return nil, fmt.Errorf("unknown system %q", system)
}

// Result is what Ask returned, for Quotes.
type Result any

// Asker answers questions from a built index.
type Asker interface {
	// Ask answers one question as the system would serve it.
	Ask(ctx context.Context, question string) (Result, error)
	// Quotes are what a result offers, best first, and whether it is an
	// answer (citebot declines; a peer answers whenever it finds a
	// passage).
	Quotes(question string, res Result) ([]corpus.Quote, bool, error)
	Close() error
}

// Open opens system's index at dir for asking.
func Open(system, dir string) (Asker, error) {
	switch system {
	case Citebot:
		return openCitebot(dir)
	case Bleve:
		return openBleve(dir)
	case FTS5:
		return openFTS(dir)
	}
	return nil, fmt.Errorf("unknown system %q", system)
}

// passage is one passage of a document as the peers index it: citebot's
// segmentation, so every system searches the same units.
type passage struct {
	doc   string
	ord   int // its number in the document
	start int // byte offset in the document
	text  string
}

// passageBatches segments docs (in parallel, as citebot does) into
// passages, a batch per 256 documents: citebot indexes in batches of
// 256 documents, so the peers' indexing is batched alike.
func passageBatches(docs []citebot.Document) [][]passage {
	segs := corpus.SegmentAll(docs)
	var batches [][]passage
	for start := 0; start < len(docs); start += 256 {
		var b []passage
		for i := start; i < min(start+256, len(docs)); i++ {
			for k, p := range segs[i] {
				b = append(b, passage{doc: docs[i].ID, ord: k, start: p.Start, text: docs[i].Text[p.Start:p.End]})
			}
		}
		batches = append(batches, b)
	}
	return batches
}

// quoteFrom cuts a peer's quote from a passage at start in doc: the
// sentence with the most of the question's content words.
func quoteFrom(doc string, start int, text string, questionWords []string) corpus.Quote {
	sp := bestSentence(text, citebot.Span{End: len(text)}, nil, questionWords)
	return corpus.Quote{Doc: doc, Span: citebot.Span{Start: start + sp.Start, End: start + sp.End}, Text: text[sp.Start:sp.End]}
}
