package retrieval

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// This file holds the plain Bleve usage citebot is benchmarked against
// (cmd/citebench): a match query on the same index, and batch indexing of
// the same passages with the same mapping. Nothing in answering uses it;
// it lives here because Bleve lives only in this package.

// PassageMatch is one passage a baseline search found.
type PassageMatch struct {
	Doc string
	// Passage is the passage's 0-based number in its document, in the
	// order Segment returns passages.
	Passage int
	Score   float64
}

// MatchPassages is the floor Ask is measured against: a plain Bleve match
// query of text on the passage field (the field's own analyzer, terms
// OR-ed, BM25), top k by score, with no question analysis, boosting,
// phrase matching, re-ranking or quote cutting. Like Ask, it never parses
// text as query syntax.
func (ix *Index) MatchPassages(ctx context.Context, text string, k int) ([]PassageMatch, error) {
	mq := bleve.NewMatchQuery(text)
	mq.SetField(fieldText)
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("match query: %w", err)
	}
	out := make([]PassageMatch, 0, len(res.Hits))
	for _, h := range res.Hits {
		doc, ord, ok := parsePassageID(h.ID)
		if !ok {
			continue
		}
		out = append(out, PassageMatch{Doc: doc, Passage: ord, Score: h.Score})
	}
	return out, nil
}

// BaselinePassage is one passage for BuildBleveBaseline.
type BaselinePassage struct {
	Doc     string
	Passage int // 0-based number in the document
	Text    string
}

// BuildBleveBaseline indexes already segmented passages into a new Bleve
// index at dir, one Bleve batch per element of batches, with exactly
// citebot's mapping (the citebot_en analyzer, BM25, term vectors, keyword
// doc and collection fields, nothing stored) and the same index options
// citebot's own builds use. It is Bleve alone — no segmentation, no
// document store, no generations — so a benchmark can tell what citebot
// adds to the cost of indexing. It returns how many passages it indexed.
func BuildBleveBaseline(ctx context.Context, dir string, batches [][]BaselinePassage) (int, error) {
	bi, err := newBleve(filepath.Join(dir, bleveDir))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ps := range batches {
		if err := ctx.Err(); err != nil {
			bi.Close()
			return n, fmt.Errorf("indexing: %w", err)
		}
		b := bi.NewBatch()
		for _, p := range ps {
			pd := passageDoc{Text: p.Text, Doc: p.Doc, Collection: DefaultCollection}
			if err := b.Index(passageID(p.Doc, p.Passage), pd); err != nil {
				bi.Close()
				return n, fmt.Errorf("index %s passage %d: %w", p.Doc, p.Passage, err)
			}
			n++
		}
		if err := bi.Batch(b); err != nil {
			bi.Close()
			return n, fmt.Errorf("index batch: %w", err)
		}
	}
	if err := bi.Close(); err != nil {
		return n, fmt.Errorf("close baseline index: %w", err)
	}
	return n, nil
}
