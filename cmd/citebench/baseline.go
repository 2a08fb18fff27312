package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/citebot/citebot/retrieval/text"
)

// This file holds the plain Bleve usage citebot is benchmarked against: a
// match query on a generation's Bleve index, and batch indexing of the
// same passages with a mapping like citebot's. Nothing in citebot uses it.

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
func matchPassages(ctx context.Context, bi bleve.Index, text string, k int) ([]PassageMatch, error) {
	mq := bleve.NewMatchQuery(text)
	mq.SetField("text")
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := bi.SearchInContext(ctx, req)
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
// index at dir, one Bleve batch per element of batches, with a mapping like
// citebot's (the citebot_en analyzer, BM25, term vectors, nothing stored). It is Bleve alone — no segmentation, no
// document store, no generations — so a benchmark can tell what citebot
// adds to the cost of indexing. It returns how many passages it indexed.
func BuildBleveBaseline(ctx context.Context, dir string, batches [][]BaselinePassage) (int, error) {
	bi, err := bleve.New(filepath.Join(dir, "bleve"), baselineMapping())
	if err != nil {
		return 0, fmt.Errorf("create baseline index: %w", err)
	}
	n := 0
	for _, ps := range batches {
		if err := ctx.Err(); err != nil {
			bi.Close()
			return n, fmt.Errorf("indexing: %w", err)
		}
		b := bi.NewBatch()
		for _, p := range ps {
			pd := map[string]string{"text": p.Text, "doc": p.Doc}
			if err := b.Index(fmt.Sprintf("%s#%d", p.Doc, p.Passage), pd); err != nil {
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

// baselineMapping indexes a passage's text as citebot does (its analyzer,
// BM25, term vectors, nothing stored) and its document id as a keyword.
func baselineMapping() mapping.IndexMapping {
	txt := bleve.NewTextFieldMapping()
	txt.Analyzer = text.AnalyzerName
	txt.Store = false
	txt.IncludeTermVectors = true
	kw := bleve.NewKeywordFieldMapping()
	kw.Store = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", txt)
	dm.AddFieldMappingsAt("doc", kw)
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = text.AnalyzerName
	im.ScoringModel = index.BM25Scoring
	return im
}

// parsePassageID reads DOC#N.
func parsePassageID(id string) (string, int, bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return id[:i], n, true
}
