package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Bleve field names of a passage.
const (
	fieldText       = "text"
	fieldDoc        = "doc"
	fieldCollection = "collection"
)

// DefaultCollection is the collection of documents whose corpus has no name.
const DefaultCollection = "default"

// Index answers questions over a set of documents. It is safe for concurrent
// use. Build one in memory with NewMemoryIndex, or persist one with Build
// and open it with Open.
type Index struct {
	bi    bleve.Index
	store docStore
	// dir and gen locate a persisted index; both are empty in memory.
	dir, gen string
	// built and buildTime say when the index was built and how long that
	// took (from BUILD.json for a persisted index).
	built     time.Time
	buildTime time.Duration

	// docs caches how many documents the index holds; 0 means unknown
	// (recounted after the index changes).
	docs atomic.Int64
}

// docCount returns how many documents the index holds.
func (ix *Index) docCount() int {
	if n := ix.docs.Load(); n > 0 {
		return int(n)
	}
	n := 0
	_ = ix.store.each(func(string, string, Source) error {
		n++
		return nil
	})
	ix.docs.Store(int64(n))
	return n
}

// passageDoc is what Bleve indexes for one passage.
type passageDoc struct {
	Text       string `json:"text"`
	Doc        string `json:"doc"`
	Collection string `json:"collection"`
}

// newMapping returns the index mapping: passage text analysed with
// citebot's English analyzer and scored with BM25, plus keyword fields for
// the document id and collection. Term vectors are kept for phrase queries;
// nothing is stored, since texts live in the document store.
func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerName
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = true
	text.DocValues = false

	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store = false
	kw.IncludeInAll = false
	kw.IncludeTermVectors = false
	kw.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text)
	dm.AddFieldMappingsAt(fieldDoc, kw)
	dm.AddFieldMappingsAt(fieldCollection, kw)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = analyzerName
	im.ScoringModel = index.BM25Scoring
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// NewMemoryIndex indexes docs in memory.
func NewMemoryIndex(ctx context.Context, docs []Document) (*Index, error) {
	bi, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	start := time.Now()
	ix := &Index{bi: bi, store: newMemStore()}
	if _, err := ix.add(ctx, docs, nil); err != nil {
		bi.Close()
		return nil, err
	}
	ix.built, ix.buildTime = time.Now().UTC(), time.Since(start)
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error {
	return errors.Join(ix.bi.Close(), ix.store.close())
}

// Progress is told how many documents of a build are done.
type Progress func(done, total int)

// add segments docs, stores them and indexes their passages, returning the
// number of passages indexed.
func (ix *Index) add(ctx context.Context, docs []Document, progress Progress) (int, error) {
	defer ix.docs.Store(0)
	const docsPerBatch = 256
	total := 0
	for start := 0; start < len(docs); start += docsPerBatch {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("indexing: %w", err)
		}
		end := min(start+docsPerBatch, len(docs))
		stored := segmentAll(docs[start:end])
		batch := ix.bi.NewBatch()
		for _, d := range stored {
			coll := d.Collection
			if coll == "" {
				coll = DefaultCollection
			}
			for i, p := range d.Passages {
				pd := passageDoc{Text: d.Text[p.Start:p.End], Doc: d.ID, Collection: coll}
				if err := batch.Index(passageID(d.ID, i), pd); err != nil {
					return total, fmt.Errorf("index %s passage %d: %w", d.ID, i, err)
				}
				total++
			}
		}
		if err := ix.store.put(stored...); err != nil {
			return total, err
		}
		if err := ix.bi.Batch(batch); err != nil {
			return total, fmt.Errorf("index batch: %w", err)
		}
		if progress != nil {
			progress(end, len(docs))
		}
	}
	return total, nil
}

// remove deletes documents (all their passages) from the index.
func (ix *Index) remove(ids []string) error {
	defer ix.docs.Store(0)
	batch := ix.bi.NewBatch()
	for _, id := range ids {
		d, err := ix.store.get(id)
		if err != nil {
			continue
		}
		for i := range d.Passages {
			batch.Delete(passageID(id, i))
		}
	}
	if err := ix.bi.Batch(batch); err != nil {
		return fmt.Errorf("delete passages: %w", err)
	}
	return ix.store.delete(ids...)
}

// segmentAll segments documents in parallel.
func segmentAll(docs []Document) []*storedDoc {
	out := make([]*storedDoc, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				d := docs[i]
				out[i] = &storedDoc{Document: d, Hash: d.Hash(), Passages: Segment(d.Text)}
			}
		}()
	}
	for i := range docs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func passageID(doc string, ord int) string { return doc + "#" + strconv.Itoa(ord) }

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

// Sources lists the indexed documents in id order.
func (ix *Index) Sources() ([]Source, error) {
	var out []Source
	err := ix.store.each(func(_, _ string, s Source) error {
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return out, nil
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

// Stats counts the index's documents, passages and text bytes.
func (ix *Index) Stats() (Stats, error) {
	st := Stats{Path: ix.dir, Generation: ix.gen, Built: ix.built, BuildDuration: ix.buildTime}
	err := ix.store.each(func(_, _ string, s Source) error {
		st.Documents++
		st.Passages += s.Passages
		st.Bytes += s.Bytes
		return nil
	})
	return st, err
}

// passageHit is one passage Bleve found, with its BM25 score.
type passageHit struct {
	doc   string
	ord   int
	score float64
}

// Filter restricts which documents a question may see.
type Filter struct {
	// Collections, when non-empty, limits answers (and closest passages)
	// to documents of these collections.
	Collections []string
}

// searchPassages runs the BM25 retrieval: a disjunction of the question's
// analysed terms (each boosted by its weight) and its quoted phrases. The
// question is never parsed as query syntax.
func (ix *Index) searchPassages(ctx context.Context, q *Question, k int, f Filter) ([]passageHit, error) {
	if len(q.Terms) == 0 {
		return nil, nil
	}
	var should []query.Query
	for _, t := range q.Terms {
		tq := bleve.NewTermQuery(t.Term)
		tq.SetField(fieldText)
		tq.SetBoost(t.Weight)
		should = append(should, tq)
	}
	for _, ph := range q.Phrases {
		pq := bleve.NewMatchPhraseQuery(ph.Text)
		pq.SetField(fieldText)
		pq.Analyzer = analyzerName
		pq.SetBoost(2)
		should = append(should, pq)
	}
	var qq query.Query = bleve.NewDisjunctionQuery(should...)
	if len(f.Collections) > 0 {
		var colls []query.Query
		for _, c := range f.Collections {
			tq := bleve.NewTermQuery(c)
			tq.SetField(fieldCollection)
			colls = append(colls, tq)
		}
		cq := bleve.NewDisjunctionQuery(colls...)
		qq = bleve.NewConjunctionQuery(qq, cq)
	}
	req := bleve.NewSearchRequestOptions(qq, k, 0, false)
	req.Score = ""
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]passageHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		doc, ord, ok := parsePassageID(h.ID)
		if !ok {
			continue
		}
		hits = append(hits, passageHit{doc: doc, ord: ord, score: h.Score})
	}
	return hits, nil
}

// termStats returns how many passages contain each term, and how many
// passages there are.
func (ix *Index) termStats(ctx context.Context, terms []Term) (map[string]int, int, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, 0, fmt.Errorf("index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, 0, fmt.Errorf("index reader: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return nil, 0, fmt.Errorf("doc count: %w", err)
	}
	df := make(map[string]int, len(terms))
	for _, t := range terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t.Term), fieldText, false, false, false)
		if err != nil {
			return nil, 0, fmt.Errorf("term %q: %w", t.Term, err)
		}
		df[t.Term] = int(tfr.Count())
		tfr.Close()
	}
	return df, int(n), nil
}

// idf is BM25's inverse document frequency: rare terms weigh more. A term
// found nowhere gets the weight of one found once, so junk words do not
// swamp a question.
func idf(df, n int) float64 {
	if df < 1 {
		df = 1
	}
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// DocumentText returns the text of an indexed document, the text every
// quote of it is cut from.
func (ix *Index) DocumentText(id string) (string, error) {
	d, err := ix.store.get(id)
	if err != nil {
		return "", err
	}
	return d.Text, nil
}
