package peers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
)

// The Bleve peer is what a developer would build with Bleve alone: an
// index of the passages with one text field analysed by Bleve's standard
// English analyzer ("en": unicode words, possessives, lower case, English
// stop words, Porter stemming), BM25 scoring, the text stored so quotes
// can be cut from what a search returns; a passage's ID is its document
// and byte offset. It is asked with a plain match query (terms OR-ed),
// the top PeerTop passages, from one goroutine.
const bleveTextField = "text"

// blevePassage is the indexed document.
type blevePassage struct {
	Text string `json:"text"`
}

func bleveMapping() *mapping.IndexMappingImpl {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	// The query names its field, so no _all field is built.
	text.IncludeInAll = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(bleveTextField, text)
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	im.ScoringModel = index.BM25Scoring
	return im
}

// bleveID is a passage's ID: document and byte offset.
func bleveID(doc string, start int) string { return doc + "#" + strconv.Itoa(start) }

func parseBleveID(id string) (doc string, start int, err error) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return "", 0, fmt.Errorf("passage id %q has no offset", id)
	}
	start, err = strconv.Atoi(id[i+1:])
	if err != nil {
		return "", 0, fmt.Errorf("passage id %q: %w", id, err)
	}
	return id[:i], start, nil
}

// bleveBuilder batch-indexes the passages into a new index.
type bleveBuilder struct {
	dir     string
	batches [][]passage
}

func (b *bleveBuilder) Build(ctx context.Context) (int, error) {
	ix, err := bleve.New(b.dir, bleveMapping())
	if err != nil {
		return 0, fmt.Errorf("create bleve index: %w", err)
	}
	n := 0
	for _, ps := range b.batches {
		if err := ctx.Err(); err != nil {
			ix.Close()
			return n, fmt.Errorf("bleve indexing: %w", err)
		}
		batch := ix.NewBatch()
		for _, p := range ps {
			if err := batch.Index(bleveID(p.doc, p.start), blevePassage{Text: p.text}); err != nil {
				ix.Close()
				return n, fmt.Errorf("index %s passage %d: %w", p.doc, p.ord, err)
			}
			n++
		}
		if err := ix.Batch(batch); err != nil {
			ix.Close()
			return n, fmt.Errorf("bleve batch: %w", err)
		}
	}
	if err := ix.Close(); err != nil {
		return n, fmt.Errorf("close bleve index: %w", err)
	}
	return n, nil
}

// bleveAsker searches the peer's index.
type bleveAsker struct{ ix bleve.Index }

func openBleve(dir string) (*bleveAsker, error) {
	ix, err := bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open bleve index: %w", err)
	}
	return &bleveAsker{ix: ix}, nil
}

// Ask runs the match query; it returns the IDs of the best passages.
func (a *bleveAsker) Ask(ctx context.Context, q string) (Result, error) {
	mq := bleve.NewMatchQuery(q)
	mq.SetField(bleveTextField)
	res, err := a.ix.SearchInContext(ctx, bleve.NewSearchRequestOptions(mq, PeerTop, 0, false))
	if err != nil {
		return nil, fmt.Errorf("bleve match query: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// Quotes reads each passage's stored text and cuts its best sentence.
func (a *bleveAsker) Quotes(q string, res Result) ([]corpus.Quote, bool, error) {
	qw := contentWords(q)
	var quotes []corpus.Quote
	for _, id := range res.([]string) {
		doc, start, err := parseBleveID(id)
		if err != nil {
			return nil, false, err
		}
		text, err := a.storedText(id)
		if err != nil {
			return nil, false, err
		}
		quotes = append(quotes, quoteFrom(doc, start, text, qw))
	}
	return quotes, len(quotes) > 0, nil
}

func (a *bleveAsker) storedText(id string) (string, error) {
	d, err := a.ix.Document(id)
	if err != nil {
		return "", fmt.Errorf("bleve passage %s: %w", id, err)
	}
	if d == nil {
		return "", fmt.Errorf("bleve passage %s is not in the index", id)
	}
	var text string
	d.VisitFields(func(f index.Field) {
		if f.Name() == bleveTextField {
			text = string(f.Value())
		}
	})
	return text, nil
}

func (a *bleveAsker) Close() error { return a.ix.Close() }
