package answer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// The hot path at SQuAD size, stage by stage, beside the plain Bleve query
// a developer would write instead, so the ratios come from one run:
//
//	go test ./retrieval/answer -run '^$' -bench 'BenchmarkSQuAD/' -benchmem -count 5
//
// Every sub-benchmark takes the SQuAD v1.1 dev questions in the same
// shuffled order, one per operation, over the same 48 articles. BleveMatch is the reference: a
// persisted Bleve index of citebot's passages with one text field under
// Bleve's standard English analyzer, BM25, the text stored, asked with a
// MatchQuery for the top 10 (citebench's raw Bleve peer). The rest are
// citebot's stages: AnalyzeQuestion (question.Analyze), AnalyzePassage
// (rtext.Analyze of one passage's text, the index-time analysis),
// IndexDocument (segmentation, analysis and entities of one article, what
// a build does per document), Search (the backend's BM25 search for the
// question's candidate passages), Rank (ranking those passages'
// sentences, with the search and term statistics answered from memory so
// that only ranking is timed), and Ask (the whole answer from the
// persisted index, as citebot serves it, after one pass over the
// questions so that what is derived once per document is there).
func BenchmarkSQuAD(b *testing.B) {
	fx := squadFixture(b)
	qs := fx.questions
	b.Run("BleveMatch", func(b *testing.B) {
		inTurn(b, len(qs), func(k int) error {
			mq := bleve.NewMatchQuery(qs[k])
			mq.SetField("text")
			_, err := fx.plain.Search(bleve.NewSearchRequestOptions(mq, 10, 0, false))
			return err
		})
	})
	b.Run("AnalyzeQuestion", func(b *testing.B) {
		inTurn(b, len(qs), func(k int) error {
			question.Analyze(qs[k])
			return nil
		})
	})
	b.Run("AnalyzePassage", func(b *testing.B) {
		inTurn(b, len(fx.passages), func(k int) error {
			rtext.Analyze(fx.passages[k])
			return nil
		})
	})
	b.Run("IndexDocument", func(b *testing.B) {
		inTurn(b, len(fx.docs), func(k int) error {
			rtext.IndexDocument(fx.docs[k])
			return nil
		})
	})
	b.Run("Search", func(b *testing.B) {
		inTurn(b, len(qs), func(k int) error {
			_, err := fx.backend.Search(context.Background(), fx.queries[k], candidatePassages, retrieval.Filter{})
			return err
		})
	})
	b.Run("Rank", func(b *testing.B) {
		inTurn(b, len(qs), func(k int) error {
			q := fx.analysed[k]
			_, _, err := rankSentences(context.Background(), fx.replay[k], &q, retrieval.Filter{})
			return err
		})
	})
	b.Run("Ask", func(b *testing.B) {
		// Steady state, as a server answers: every question once before
		// the clock starts, so what is made once per document (docFacts)
		// is made.
		for _, q := range qs {
			if _, err := fx.engine.Ask(context.Background(), q, retrieval.AskOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		askInTurn(b, fx.engine, qs)
	})
}

// hotPathFixture is what BenchmarkSQuAD's sub-benchmarks share.
type hotPathFixture struct {
	docs      []retrieval.Document
	questions []string
	passages  []string // every passage's text, in document order
	plain     bleve.Index
	backend   retrieval.Backend
	engine    *Engine
	// Per question: its analysis, its search query, and a backend that
	// replays its search and term statistics from memory.
	analysed []question.Question
	queries  []retrieval.Query
	replay   []retrieval.Backend
}

// squadFixture builds both persisted indexes in b's temporary folder.
func squadFixture(b *testing.B) *hotPathFixture {
	b.Helper()
	ctx := context.Background()
	docs, qs := squadDev(b)
	// A fixed shuffle, so that the questions any run gets to are a
	// sample of the whole set, not the first article's.
	rand.New(rand.NewPCG(15, 15)).Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	dir := b.TempDir()
	fx := &hotPathFixture{docs: docs, questions: qs}
	for _, d := range rtext.IndexAll(docs) {
		for _, p := range d.Passages {
			fx.passages = append(fx.passages, d.Text[p.Start:p.End])
		}
	}
	var err error
	if fx.plain, err = buildPlainBleve(filepath.Join(dir, "plain"), fx.passages); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fx.plain.Close() })
	citeDir := filepath.Join(dir, "citebot")
	if _, err := bleveindex.Build(ctx, citeDir, docs, nil); err != nil {
		b.Fatalf("build citebot index: %v", err)
	}
	ix, err := bleveindex.Open(citeDir)
	if err != nil {
		b.Fatalf("open citebot index: %v", err)
	}
	fx.backend = ix
	fx.engine = New(retrieval.NewLive(ix))
	b.Cleanup(func() { fx.engine.Close() })
	for _, text := range qs {
		q := question.Analyze(text)
		sq := searchQuery(&q)
		hits, err := ix.Search(ctx, sq, candidatePassages, retrieval.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		terms := make([]string, len(q.Terms))
		for i, t := range q.Terms {
			terms[i] = t.Term
		}
		st, err := ix.TermStats(ctx, terms)
		if err != nil {
			b.Fatal(err)
		}
		fx.analysed = append(fx.analysed, q)
		fx.queries = append(fx.queries, sq)
		fx.replay = append(fx.replay, replayBackend{Backend: ix, hits: hits, stats: st})
	}
	return fx
}

// replayBackend answers one question's search and term statistics from
// memory, and everything else (documents) from the index.
type replayBackend struct {
	retrieval.Backend
	hits  []retrieval.Hit
	stats retrieval.TermStats
}

func (r replayBackend) Search(context.Context, retrieval.Query, int, retrieval.Filter) ([]retrieval.Hit, error) {
	return r.hits, nil
}

func (r replayBackend) TermStats(context.Context, []string) (retrieval.TermStats, error) {
	return r.stats, nil
}

// buildPlainBleve indexes passages as citebench's raw Bleve peer does:
// one stored text field, Bleve's English analyzer, BM25, batches of 256.
func buildPlainBleve(dir string, passages []string) (bleve.Index, error) {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.IncludeInAll = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	im.ScoringModel = index.BM25Scoring
	ix, err := bleve.New(dir, im)
	if err != nil {
		return nil, fmt.Errorf("create plain bleve index: %w", err)
	}
	for start := 0; start < len(passages); start += 256 {
		batch := ix.NewBatch()
		for i := start; i < min(start+256, len(passages)); i++ {
			if err := batch.Index(fmt.Sprint(i), struct {
				Text string `json:"text"`
			}{passages[i]}); err != nil {
				return nil, err
			}
		}
		if err := ix.Batch(batch); err != nil {
			return nil, fmt.Errorf("plain bleve batch: %w", err)
		}
	}
	if err := ix.Close(); err != nil {
		return nil, err
	}
	return bleve.Open(dir)
}
