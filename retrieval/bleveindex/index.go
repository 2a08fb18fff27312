// Package bleveindex is citebot's embedded search backend: a
// retrieval.Backend on Bleve (BM25 over the terms retrieval/text
// produces), with a document store beside it (retrieval/docstore). It is
// the default: no server, an index in memory (NewMemory) or in a folder
// (Build, Update, Open) that is rewritten as a new generation and swapped
// in atomically, and followed by a serving process (Follow).
//
// It is the only package outside cmd/ that imports Bleve itself
// (github.com/blevesearch/bleve/v2); retrieval/text uses only Bleve's
// analysis packages.
package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/docstore"
	"github.com/citebot/citebot/retrieval/text"
)

// Bleve field names of a passage.
const (
	fieldText       = "text"
	fieldDoc        = "doc"
	fieldCollection = "collection"
)

// Index is one generation of a Bleve index with its document store; it
// implements retrieval.Backend. Build one in memory with NewMemory, or
// persist one with Build or Update and open it with Open.
type Index struct {
	bi    bleve.Index
	store docstore.Store
	// dir and gen locate a persisted index; both are empty in memory.
	dir, gen string
	// built and buildTime say when the index was built and how long that
	// took (from BUILD.json for a persisted index).
	built     time.Time
	buildTime time.Duration

	// docs caches how many documents the index holds; 0 means unknown
	// (recounted after the index changes).
	docs atomic.Int64
	// closed is set by Close; every later call fails with ErrClosed.
	closed atomic.Bool
	// bm25 are the corpus statistics every search scores with (see
	// corpusStats); nil until known.
	bm25 *search.BM25Stats
	// stats caches TermStats' answers until the index changes (add and
	// remove replace it): every question asks them, and a generation
	// served from disk never changes.
	stats atomic.Pointer[termStatsCache]
}

// termStatsCache holds the passage count and the document frequencies
// TermStats has read.
type termStatsCache struct {
	passages atomic.Int64 // 0: not read yet
	mu       sync.RWMutex
	df       map[string]int
}

// statsCache returns the current cache.
func (ix *Index) statsCache() *termStatsCache {
	for {
		if c := ix.stats.Load(); c != nil {
			return c
		}
		ix.stats.CompareAndSwap(nil, &termStatsCache{df: map[string]int{}})
	}
}

// usable reports ErrClosed once the index is closed.
func (ix *Index) usable() error {
	if ix.closed.Load() {
		return retrieval.ErrClosed
	}
	return nil
}

var _ retrieval.Backend = (*Index)(nil)

// docCount returns how many documents the index holds.
func (ix *Index) docCount() int {
	if n := ix.docs.Load(); n > 0 {
		return int(n)
	}
	n := 0
	_ = ix.store.Each(func(string, string, retrieval.Source) error {
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
	txt := unstored(bleve.NewTextFieldMapping(), text.AnalyzerName, true)
	kw := unstored(bleve.NewKeywordFieldMapping(), keyword.Name, false)

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, txt)
	dm.AddFieldMappingsAt(fieldDoc, kw)
	dm.AddFieldMappingsAt(fieldCollection, kw)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = text.AnalyzerName
	im.ScoringModel = index.BM25Scoring
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// unstored sets f to be analysed with analyzer and kept nowhere but in
// the index's terms (not stored, not in _all, no doc values), with term
// vectors when phrase queries need them.
func unstored(f *mapping.FieldMapping, analyzer string, termVectors bool) *mapping.FieldMapping {
	f.Analyzer = analyzer
	f.Store = false
	f.IncludeInAll = false
	f.IncludeTermVectors = termVectors
	f.DocValues = false
	return f
}

// NewMemory indexes docs in memory.
func NewMemory(ctx context.Context, docs []retrieval.Document) (*Index, error) {
	if err := retrieval.CheckUniqueIDs(docs); err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	start := time.Now()
	ix := &Index{bi: bi, store: docstore.NewMemory()}
	if _, err := ix.add(ctx, docs, nil); err != nil {
		bi.Close()
		return nil, err
	}
	if ix.bm25, err = corpusStats(ix.bi); err != nil {
		ix.Close()
		return nil, err
	}
	ix.built, ix.buildTime = time.Now().UTC(), time.Since(start)
	return ix, nil
}

// corpusStats are the statistics Bleve's BM25 scores with: the number of
// passages and of distinct terms of the passage text (Bleve's average
// document length is their ratio). Left to itself, Bleve reads them from
// the index's segments, summing per-segment term counts, so the same
// corpus scored differently depending on how its segments happened to be
// merged; counted once over the whole generation, the same corpus always
// scores the same.
func corpusStats(bi bleve.Index) (*search.BM25Stats, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("doc count: %w", err)
	}
	st := &search.BM25Stats{DocCount: float64(n), FieldCardinality: map[string]int{}}
	for _, field := range []string{fieldText, fieldCollection} {
		if st.FieldCardinality[field], err = distinctTerms(r, field); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// distinctTerms counts the distinct terms of a field over all segments.
func distinctTerms(r index.IndexReader, field string) (int, error) {
	fd, err := r.FieldDict(field)
	if err != nil {
		return 0, fmt.Errorf("term dictionary of %s: %w", field, err)
	}
	defer fd.Close()
	n := 0
	for {
		e, err := fd.Next()
		if err != nil {
			return 0, fmt.Errorf("term dictionary of %s: %w", field, err)
		}
		if e == nil {
			return n, nil
		}
		n++
	}
}

// Close releases the index; it is safe to call more than once.
func (ix *Index) Close() error {
	if ix.closed.Swap(true) {
		return nil
	}
	return errors.Join(ix.bi.Close(), ix.store.Close())
}

// add segments and analyses docs, stores them and indexes their
// passages, returning the number of passages indexed.
func (ix *Index) add(ctx context.Context, docs []retrieval.Document, progress retrieval.Progress) (int, error) {
	defer ix.docs.Store(0)
	defer ix.stats.Store(nil)
	const docsPerBatch = 256
	total := 0
	if progress != nil && len(docs) > 0 {
		progress(0, len(docs)) // the phase starts: rates are timed from here
	}
	for start := 0; start < len(docs); start += docsPerBatch {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("indexing: %w", err)
		}
		end := min(start+docsPerBatch, len(docs))
		stored := text.IndexAll(docs[start:end])
		batch := ix.bi.NewBatch()
		for _, d := range stored {
			coll := d.Collection
			if coll == "" {
				coll = retrieval.DefaultCollection
			}
			for i, p := range d.Passages {
				pd := passageDoc{Text: d.Text[p.Start:p.End], Doc: d.ID, Collection: coll}
				doc, err := analysedPassage(ix.bi.Mapping(), passageID(d.ID, i), pd, p)
				if err == nil {
					err = batch.IndexAdvanced(doc)
				}
				if err != nil {
					return total, fmt.Errorf("index %s passage %d: %w", d.ID, i, err)
				}
				total++
			}
		}
		if err := ix.store.Put(stored...); err != nil {
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
	defer ix.stats.Store(nil)
	batch := ix.bi.NewBatch()
	for _, id := range ids {
		d, err := ix.store.Get(id)
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
	return ix.store.Delete(ids...)
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
func (ix *Index) Sources(context.Context) ([]retrieval.Source, error) {
	if err := ix.usable(); err != nil {
		return nil, err
	}
	var out []retrieval.Source
	err := ix.store.Each(func(_, _ string, s retrieval.Source) error {
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return out, nil
}

// Stats counts the index's documents, passages and text bytes.
func (ix *Index) Stats(context.Context) (retrieval.Stats, error) {
	if err := ix.usable(); err != nil {
		return retrieval.Stats{}, err
	}
	st := retrieval.Stats{Path: ix.dir, Generation: ix.gen, Built: ix.built, BuildDuration: ix.buildTime}
	err := ix.store.Each(func(_, _ string, s retrieval.Source) error {
		st.Documents++
		st.Passages += s.Passages
		st.Bytes += s.Bytes
		return nil
	})
	return st, err
}

// Generation names the generation an opened persisted index serves (""
// in memory), so a follower can tell when a new one has been swapped in.
func (ix *Index) Generation() string { return ix.gen }

// Document returns an indexed document.
func (ix *Index) Document(_ context.Context, id string) (*retrieval.IndexedDoc, error) {
	if err := ix.usable(); err != nil {
		return nil, err
	}
	return ix.store.Get(id)
}

// Search runs q as Bleve queries: term and phrase queries on the passage
// text, boosted, combined as q says, restricted to f's collections.
func (ix *Index) Search(ctx context.Context, q retrieval.Query, k int, f retrieval.Filter) ([]retrieval.Hit, error) {
	if err := ix.usable(); err != nil {
		return nil, err
	}
	var should []query.Query
	for _, t := range q.Terms {
		tq := bleve.NewTermQuery(t.Term)
		tq.SetField(fieldText)
		tq.SetBoost(t.Boost)
		should = append(should, tq)
	}
	for _, ph := range q.Phrases {
		should = append(should, phraseQuery(ph))
	}
	var must []query.Query
	for _, ph := range q.Required {
		must = append(must, phraseQuery(ph))
	}
	if len(should) > 0 {
		must = append(must, bleve.NewDisjunctionQuery(should...))
	}
	if len(must) == 0 {
		return nil, nil
	}
	qq := must[0]
	if len(q.Required) > 0 {
		qq = bleve.NewConjunctionQuery(must...)
	}
	if len(f.Collections) > 0 {
		var colls []query.Query
		for _, c := range f.Collections {
			// A filter, not a match: it must not change the ranking.
			tq := bleve.NewTermQuery(c)
			tq.SetField(fieldCollection)
			tq.SetBoost(0)
			colls = append(colls, tq)
		}
		qq = bleve.NewConjunctionQuery(qq, bleve.NewDisjunctionQuery(colls...))
	}
	req := bleve.NewSearchRequestOptions(qq, k, 0, false)
	if ix.bm25 != nil {
		req.PreSearchData = map[string]any{search.BM25PreSearchDataKey: ix.bm25}
	}
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]retrieval.Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		doc, ord, ok := parsePassageID(h.ID)
		if !ok {
			continue
		}
		hits = append(hits, retrieval.Hit{Doc: doc, Passage: ord, Score: h.Score})
	}
	return hits, nil
}

// phraseQuery is the Bleve query for an analysed phrase: a multi-phrase
// query, whose empty positions match any term (as Bleve's own match
// phrase query does for stop words).
func phraseQuery(ph retrieval.Phrase) query.Query {
	pq := query.NewMultiPhraseQuery(ph.Positions, fieldText)
	if ph.Boost != 0 {
		pq.SetBoost(ph.Boost)
	}
	return pq
}

// TermStats returns how many passages contain each term, and how many
// passages and documents there are.
func (ix *Index) TermStats(ctx context.Context, terms []string) (retrieval.TermStats, error) {
	if err := ix.usable(); err != nil {
		return retrieval.TermStats{}, err
	}
	cache := ix.statsCache()
	df := make(map[string]int, len(terms))
	if n := cache.passages.Load(); n > 0 {
		cache.mu.RLock()
		for _, t := range terms {
			v, ok := cache.df[t]
			if !ok {
				break
			}
			df[t] = v
		}
		cache.mu.RUnlock()
		if len(df) == len(terms) || len(terms) == 0 {
			return retrieval.TermStats{DF: df, Passages: int(n), Documents: ix.docCount()}, nil
		}
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return retrieval.TermStats{}, fmt.Errorf("index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return retrieval.TermStats{}, fmt.Errorf("index reader: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return retrieval.TermStats{}, fmt.Errorf("doc count: %w", err)
	}
	for _, t := range terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t), fieldText, false, false, false)
		if err != nil {
			return retrieval.TermStats{}, fmt.Errorf("term %q: %w", t, err)
		}
		df[t] = int(tfr.Count())
		tfr.Close()
	}
	cache.mu.Lock()
	for t, v := range df {
		cache.df[t] = v
	}
	cache.mu.Unlock()
	cache.passages.Store(int64(n))
	return retrieval.TermStats{DF: df, Passages: int(n), Documents: ix.docCount()}, nil
}

// analysedPassage is the Bleve document of a passage, as the mapping makes
// it, except that its text is not analysed again: text.IndexDocument has
// already analysed it with the same analyzer (Passage.Tokens), and that
// is the token stream Bleve indexes. Analysing every passage twice was a
// fifth of a build's CPU time.
func analysedPassage(m mapping.IndexMapping, id string, pd passageDoc, p retrieval.Passage) (*document.Document, error) {
	doc := document.NewDocument(id)
	if err := m.MapDocument(doc, pd); err != nil {
		return nil, err
	}
	for i, f := range doc.Fields {
		tf, ok := f.(*document.TextField)
		if !ok || tf.Name() != fieldText {
			continue
		}
		tokens := make(analysis.TokenStream, len(p.Tokens))
		all := make([]analysis.Token, len(p.Tokens))
		for k, t := range p.Tokens {
			all[k] = analysis.Token{Term: []byte(t.Term), Start: t.Start - p.Start, End: t.End - p.Start, Position: t.Position}
			tokens[k] = &all[k]
		}
		doc.Fields[i] = document.NewTextFieldCustom(tf.Name(), tf.ArrayPositions(), tf.Value(), tf.Options(), analysed(tokens))
	}
	return doc, nil
}

// analysed is an analyzer that gives a token stream made already.
type analysed analysis.TokenStream

func (a analysed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }
