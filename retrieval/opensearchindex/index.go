// Package opensearchindex is citebot's distributed search backend: a
// retrieval.Backend on an OpenSearch cluster, for archives that outgrow
// one embedded index and for several citebot replicas answering from one
// index. It stores what the Bleve backend stores (retrieval/text's
// passages, sentences and analysed terms; documents as retrieval/docstore
// records) and answers the same searches with the same scores, so a
// question gets the same answer from either.
//
// Layout: the index named NAME (http://HOST:PORT/NAME) is an alias. Each
// generation is three physical indexes, NAME-g<gen>-passages (the alias
// points here; also holding the generation's build record in its
// mapping's _meta), NAME-g<gen>-docs and NAME-g<gen>-terms. Build and
// Update write a new generation and then move the alias in one atomic
// _aliases call; a crash before that leaves the old one serving. A
// generation is never changed once the alias points at it (it carries a
// write block), so an Update clones it (_clone) and applies only the
// documents that changed; the previous generation is kept until the next
// build, so answers still running on it finish.
//
// Matching and scoring: each passage's analysed terms are indexed with
// OpenSearch's whitespace analyzer (OpenSearch never analyses English
// itself), so a term is matched as retrieval/text made it. OpenSearch
// finds candidate passages; the backend verifies phrases and computes the
// final scores in Go with Bleve's BM25 from statistics kept per
// generation (see score.go), so scores do not depend on shards,
// replicas or segment merges.
package opensearchindex

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf16"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/docstore"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/text"
)

// Format names what a generation holds (index mappings, the document
// records); with text.AnalysisVersion it says whether this citebot can
// read an index. Change it whenever what is written changes.
var Format = fmt.Sprintf("citebot-opensearch/1+docstore%d", docstore.Version)

// ErrNoIndex is returned by Open when the alias does not exist.
var ErrNoIndex = errors.New("no index")

// ErrIncompatible is returned by Open and Update for an index written by
// a citebot whose index format or text analysis differs from this one's.
var ErrIncompatible = errors.New("index built by an incompatible version of citebot")

// Field names of a passage.
const (
	fieldTerms      = "terms"
	fieldPositions  = "pos"
	fieldDoc        = "doc"
	fieldOrd        = "ord"
	fieldCollection = "collection"
)

// meta is a generation's build record, kept in the _meta of its
// passages index's mapping.
type meta struct {
	Format     string `json:"format"`
	Analysis   string `json:"analysis"`
	Alias      string `json:"alias"`
	Generation string `json:"generation"`
	// Complete is set last, just before the alias may point here.
	Complete bool          `json:"complete"`
	Built    time.Time     `json:"built"`
	Duration time.Duration `json:"duration_ns"`
	Shards   int           `json:"shards"`

	Documents int `json:"documents"`
	Passages  int `json:"passages"`
	Bytes     int `json:"bytes"`
	// Terms counts the distinct terms of the passage text (Bleve's field
	// cardinality, for its average length); Tokens all of them, and
	// TermPassages the passages holding any (Lucene's average length).
	Terms        int   `json:"terms"`
	Tokens       int64 `json:"tokens"`
	TermPassages int   `json:"term_passages"`

	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// Index names of a generation.
func passagesIndex(name, gen string) string { return name + "-g" + gen + "-passages" }
func docsIndex(name, gen string) string     { return name + "-g" + gen + "-docs" }
func termsIndex(name, gen string) string    { return name + "-g" + gen + "-terms" }

// genIndex reads a generation index's name back: NAME-g<gen>-<role>.
func genIndex(name, index string) (gen string, ok bool) {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `-g([0-9a-z]+)-(passages|docs|terms)$`)
	m := re.FindStringSubmatch(index)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// maxKey is the longest document id or term used as an OpenSearch _id
// as it is (OpenSearch allows 512 bytes); longer ones are hashed.
const maxKey = 400

// key is the _id of a document id or a term.
func key(s string) string {
	if len(s) <= maxKey && !strings.HasPrefix(s, "sha256:") {
		return s
	}
	h := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(h[:])
}

func passageKey(doc string, ord int) string { return key(doc) + "#" + strconv.Itoa(ord) }

// Caches per open generation: documents decoded from their records and
// document frequencies. A generation never changes, so neither goes stale.
const (
	cachedDocs  = 2048
	cachedTerms = 1 << 16
)

// Index is one generation of an OpenSearch index; it implements
// retrieval.Backend. Open it with Open. The client is the caller's: Close
// leaves it open.
type Index struct {
	c    *osclient.Client
	name string
	// where names the index in messages (its URL, no credentials).
	where string
	gen   string
	meta  meta

	docs   *lru.Cache[string, *retrieval.IndexedDoc]
	dfs    *lru.Cache[string, int]
	closed atomic.Bool
}

var _ retrieval.Backend = (*Index)(nil)

// CurrentGeneration resolves the alias name to the generation it points
// at. An alias that does not exist is ErrNoIndex.
func CurrentGeneration(ctx context.Context, c *osclient.Client, name string) (string, error) {
	var aliases map[string]json0
	err := c.Do(ctx, http.MethodGet, "/_alias/"+url.PathEscape(name), nil, nil, &aliases)
	if osclient.IsStatus(err, http.StatusNotFound) {
		return "", ErrNoIndex
	}
	if err != nil {
		return "", fmt.Errorf("resolve alias %s: %w", name, err)
	}
	var gens []string
	for idx := range aliases {
		gen, ok := genIndex(name, idx)
		if !ok {
			return "", fmt.Errorf("alias %s points at index %s, which citebot did not build; use another NAME or remove the alias", name, idx)
		}
		gens = append(gens, gen)
	}
	switch len(gens) {
	case 0:
		return "", ErrNoIndex
	case 1:
		return gens[0], nil
	}
	return "", fmt.Errorf("alias %s points at %d indexes; citebot keeps it on exactly one (rebuild with: citebot index --rebuild)", name, len(gens))
}

// json0 is a JSON value whose content is not read.
type json0 = struct{}

// Open opens the generation the alias name points at on the cluster c.
// where names the index in messages (its URL without credentials).
func Open(ctx context.Context, c *osclient.Client, name, where string) (*Index, error) {
	gen, err := CurrentGeneration(ctx, c, name)
	if errors.Is(err, ErrNoIndex) {
		return nil, fmt.Errorf("%w at %s (build one with: citebot index --corpus DIR --index %s)", ErrNoIndex, where, where)
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", where, err)
	}
	return openGen(ctx, c, name, where, gen)
}

// openGen opens one generation, refusing an incompatible or unfinished
// one.
func openGen(ctx context.Context, c *osclient.Client, name, where, gen string) (*Index, error) {
	m, err := readMeta(ctx, c, passagesIndex(name, gen))
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", where, err)
	}
	if err := checkFormat(m, where); err != nil {
		return nil, err
	}
	if !m.Complete {
		return nil, fmt.Errorf("open index %s: generation %s is not complete (a build that did not finish); rebuild with: citebot index --corpus DIR --index %s", where, gen, where)
	}
	ix := &Index{c: c, name: name, where: where, gen: gen, meta: m}
	ix.docs, _ = lru.New[string, *retrieval.IndexedDoc](cachedDocs)
	ix.dfs, _ = lru.New[string, int](cachedTerms)
	return ix, nil
}

// readMeta reads a generation's build record.
func readMeta(ctx context.Context, c *osclient.Client, index string) (meta, error) {
	var mappings map[string]struct {
		Mappings struct {
			Meta struct {
				Citebot *meta `json:"citebot"`
			} `json:"_meta"`
		} `json:"mappings"`
	}
	if err := c.Do(ctx, http.MethodGet, "/"+url.PathEscape(index)+"/_mapping", nil, nil, &mappings); err != nil {
		return meta{}, fmt.Errorf("read the build record of %s: %w", index, err)
	}
	for _, m := range mappings {
		if m.Mappings.Meta.Citebot != nil {
			return *m.Mappings.Meta.Citebot, nil
		}
	}
	return meta{}, nil
}

// checkFormat refuses an index a citebot with another format or analysis
// wrote.
func checkFormat(m meta, where string) error {
	if m.Format == Format && m.Analysis == text.AnalysisVersion {
		return nil
	}
	was := m.Format
	if was == "" {
		was = "not a citebot index, or an older format"
	}
	return fmt.Errorf("index %s: %w (it is %s with analysis %q; this citebot reads %s with %q); rebuild it with: citebot index --rebuild --corpus DIR --index %s",
		where, ErrIncompatible, was, m.Analysis, Format, text.AnalysisVersion, where)
}

// usable reports ErrClosed once the index is closed.
func (ix *Index) usable() error {
	if ix.closed.Load() {
		return retrieval.ErrClosed
	}
	return nil
}

// Close releases the generation (not the client); it is safe to call
// more than once.
func (ix *Index) Close() error {
	ix.closed.Store(true)
	return nil
}

// Generation names the generation served.
func (ix *Index) Generation() string { return ix.gen }

// failed adds context to a request's error. A generation that has been
// deleted (two builds came after it) is unavailable, not broken: a
// follower serves the newer one.
func (ix *Index) failed(what string, err error) error {
	if osclient.IsType(err, "index_not_found_exception") {
		return fmt.Errorf("%s: generation %s of %s is gone (newer ones were built since): %w", what, ix.gen, ix.where, retrieval.ErrUnavailable)
	}
	return fmt.Errorf("%s in %s: %w", what, ix.where, err)
}

// Stats describes the generation from its build record.
func (ix *Index) Stats(context.Context) (retrieval.Stats, error) {
	if err := ix.usable(); err != nil {
		return retrieval.Stats{}, err
	}
	return retrieval.Stats{
		Documents: ix.meta.Documents, Passages: ix.meta.Passages, Bytes: ix.meta.Bytes,
		Path: ix.where, Generation: ix.gen, Built: ix.meta.Built, BuildDuration: ix.meta.Duration,
	}, nil
}

// docRecord is a document as the docs index holds it.
type docRecord struct {
	ID      string           `json:"id"`
	Hash    string           `json:"hash"`
	Listing retrieval.Source `json:"listing"`
	// Blob is docstore.Encode of the IndexedDoc (base64 in JSON).
	Blob []byte `json:"blob"`
}

// Document returns an indexed document.
func (ix *Index) Document(ctx context.Context, id string) (*retrieval.IndexedDoc, error) {
	if err := ix.usable(); err != nil {
		return nil, err
	}
	if d, ok := ix.docs.Get(id); ok {
		return d, nil
	}
	got, err := fetchDocs(ctx, ix.c, docsIndex(ix.name, ix.gen), []string{id})
	if err != nil {
		return nil, ix.failed("read document "+strconv.Quote(id), err)
	}
	d, ok := got[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", retrieval.ErrNoDocument, id)
	}
	ix.docs.Add(id, d)
	return d, nil
}

// fetchDocs reads documents by id from a docs index; missing ones are
// left out.
func fetchDocs(ctx context.Context, c *osclient.Client, index string, ids []string) (map[string]*retrieval.IndexedDoc, error) {
	records, err := mget[docRecord](ctx, c, index, ids, "id,blob")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*retrieval.IndexedDoc, len(ids))
	for _, r := range records {
		d, err := docstore.Decode(r.Blob)
		if err != nil {
			return nil, fmt.Errorf("document %q: %w", r.ID, err)
		}
		out[d.ID] = d
	}
	return out, nil
}

// mget reads the records of index whose ids (before key) are ids, with
// the source fields fields ("" for all), in one _mget; ids not held are
// left out.
func mget[R any](ctx context.Context, c *osclient.Client, index string, ids []string, fields string) ([]R, error) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = key(id)
	}
	var res struct {
		Docs []struct {
			Found  bool `json:"found"`
			Source R    `json:"_source"`
		} `json:"docs"`
	}
	q := url.Values{"realtime": {"false"}}
	if fields != "" {
		q.Set("_source_includes", fields)
	}
	if err := c.Do(ctx, http.MethodPost, "/"+url.PathEscape(index)+"/_mget", q, map[string]any{"ids": keys}, &res); err != nil {
		return nil, err
	}
	var out []R
	for _, d := range res.Docs {
		if d.Found {
			out = append(out, d.Source)
		}
	}
	return out, nil
}

// pageSize is how many hits one page of a listing reads.
const pageSize = 1000

// Sources lists the documents in id order.
func (ix *Index) Sources(ctx context.Context) ([]retrieval.Source, error) {
	if err := ix.usable(); err != nil {
		return nil, err
	}
	var out []retrieval.Source
	err := eachDoc(ctx, ix.c, docsIndex(ix.name, ix.gen), "listing", func(r docRecord) {
		out = append(out, r.Listing)
	})
	if err != nil {
		return nil, ix.failed("list documents", err)
	}
	return out, nil
}

// eachDoc pages through a docs index in id order, reading the fields
// named.
func eachDoc(ctx context.Context, c *osclient.Client, index, fields string, fn func(docRecord)) error {
	var after []any
	for {
		body := map[string]any{
			"size": pageSize, "sort": []any{map[string]string{"id": "asc"}},
			"_source": strings.Split(fields, ","), "track_total_hits": false,
		}
		if after != nil {
			body["search_after"] = after
		}
		var res struct {
			Shards shardsInfo `json:"_shards"`
			Hits   struct {
				Hits []struct {
					Source docRecord `json:"_source"`
					Sort   []any     `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := c.Do(ctx, http.MethodPost, "/"+url.PathEscape(index)+"/_search", nil, body, &res); err != nil {
			return err
		}
		if err := res.Shards.check(); err != nil {
			return err
		}
		for _, h := range res.Hits.Hits {
			fn(h.Source)
		}
		if len(res.Hits.Hits) < pageSize {
			return nil
		}
		after = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
	}
}

// shardsInfo is a search answer's account of its shards.
type shardsInfo struct {
	Total  int `json:"total"`
	Failed int `json:"failed"`
}

// check refuses partial results: a search that lost shards (a node
// died) would silently answer from part of the corpus.
func (s shardsInfo) check() error {
	if s.Failed > 0 {
		return fmt.Errorf("%d of %d shards failed to answer: %w", s.Failed, s.Total, retrieval.ErrUnavailable)
	}
	return nil
}

// TermStats returns how many passages hold each term, and how many
// passages and documents the generation holds.
func (ix *Index) TermStats(ctx context.Context, terms []string) (retrieval.TermStats, error) {
	if err := ix.usable(); err != nil {
		return retrieval.TermStats{}, err
	}
	df, err := ix.docFreqs(ctx, terms)
	if err != nil {
		return retrieval.TermStats{}, err
	}
	return retrieval.TermStats{DF: df, Passages: ix.meta.Passages, Documents: ix.meta.Documents}, nil
}

// docFreqs reads document frequencies from the terms index (one _mget
// for those not cached).
func (ix *Index) docFreqs(ctx context.Context, terms []string) (map[string]int, error) {
	df := make(map[string]int, len(terms))
	var missing []string
	for _, t := range terms {
		if n, ok := ix.dfs.Get(t); ok {
			df[t] = n
		} else if _, dup := df[t]; !dup {
			df[t] = 0
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return df, nil
	}
	got, err := fetchDFs(ctx, ix.c, termsIndex(ix.name, ix.gen), missing)
	if err != nil {
		return nil, ix.failed("read term statistics", err)
	}
	for _, t := range missing {
		df[t] = got[t]
		ix.dfs.Add(t, got[t])
	}
	return df, nil
}

// termRecord is a term as the terms index holds it.
type termRecord struct {
	Term string `json:"term"`
	DF   int    `json:"df"`
}

// fetchDFs reads document frequencies of terms (0 for a term not held).
func fetchDFs(ctx context.Context, c *osclient.Client, index string, terms []string) (map[string]int, error) {
	out := make(map[string]int, len(terms))
	for start := 0; start < len(terms); start += pageSize {
		records, err := mget[termRecord](ctx, c, index, terms[start:min(start+pageSize, len(terms))], "")
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			out[r.Term] = r.DF
		}
	}
	return out, nil
}

// candidate is a passage OpenSearch found, with what scoring reads.
type candidate struct {
	Doc   string
	Ord   int
	Terms []string
	Pos   []int
}

// passageRecord is a passage as the passages index holds it.
type passageRecord struct {
	Terms      string `json:"terms"`
	Pos        []int  `json:"pos"`
	Doc        string `json:"doc"`
	Ord        int    `json:"ord"`
	Collection string `json:"collection"`
}

// Candidates: OpenSearch returns this many passages for a search of k,
// ranked by a BM25 tuned to rank as Bleve does (see buildSimilarity); the
// backend scores them exactly and keeps k.
func candidates(k int) int { return max(100, 8*k) }

// Search returns up to k passages matching q, scored as the Bleve backend
// scores them.
func (ix *Index) Search(ctx context.Context, q retrieval.Query, k int, f retrieval.Filter) ([]retrieval.Hit, error) {
	if err := ix.usable(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	p, ok := newPlan(q)
	if !ok || k <= 0 {
		return nil, nil
	}
	df, err := ix.docFreqs(ctx, queryTerms(q))
	if err != nil {
		return nil, err
	}
	c := &corpus{passages: float64(ix.meta.Passages), avgLen: bleveAvgLen(ix.meta.Terms, ix.meta.Passages), df: df}
	bodies := candidateQueries(q, f, c, candidates(k))
	header := map[string]any{"index": passagesIndex(ix.name, ix.gen), "allow_partial_search_results": false}
	if ix.meta.Shards > 1 {
		// Lucene's idf and average length from the whole index, not each
		// shard's, so which candidates come back does not depend on how
		// passages fell into shards.
		header["search_type"] = "dfs_query_then_fetch"
	}
	var nd bytes.Buffer
	enc := json.NewEncoder(&nd)
	for _, b := range bodies {
		if err := enc.Encode(header); err != nil {
			return nil, err
		}
		if err := enc.Encode(b); err != nil {
			return nil, err
		}
	}
	var res struct {
		Responses []struct {
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
			Shards shardsInfo      `json:"_shards"`
			Hits   struct {
				Hits []struct {
					Source passageRecord `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		} `json:"responses"`
	}
	if err := ix.c.Do(ctx, http.MethodPost, "/_msearch", nil, nd.Bytes(), &res); err != nil {
		return nil, ix.failed("search", err)
	}
	seen := map[string]bool{}
	var cands []candidate
	for _, r := range res.Responses {
		if len(r.Error) > 0 {
			err := fmt.Errorf("HTTP %d: %s", r.Status, r.Error)
			if r.Status == http.StatusTooManyRequests || r.Status >= 500 {
				err = fmt.Errorf("%w: %w", retrieval.ErrUnavailable, err)
			}
			if bytes.Contains(r.Error, []byte("index_not_found_exception")) {
				err = &osclient.Error{Status: r.Status, Type: "index_not_found_exception"}
			}
			return nil, ix.failed("search", err)
		}
		if err := r.Shards.check(); err != nil {
			return nil, ix.failed("search", err)
		}
		for _, h := range r.Hits.Hits {
			k := passageKey(h.Source.Doc, h.Source.Ord)
			if seen[k] {
				continue
			}
			seen[k] = true
			cands = append(cands, candidate{Doc: h.Source.Doc, Ord: h.Source.Ord, Terms: splitTerms(h.Source.Terms), Pos: h.Source.Pos})
		}
	}
	return p.scoreAll(c, cands, k), nil
}

// splitTerms reads back the terms field: terms joined by single spaces
// (what the whitespace analyzer splits on; a term holds no space).
func splitTerms(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

// candidateQueries are the OpenSearch searches for q's candidates:
// optional terms boosted by their Bleve weight (boost*idf, so Lucene's
// idf makes it Bleve's idf²), optional phrases as span queries, required
// phrases as scored must clauses, the collection filter as a filter.
// Bleve multiplies a passage's score by the share of the optional clauses
// it matches, which Lucene does not, so a passage matching two clauses
// can rank far higher in Bleve than in Lucene (where a passage repeating
// one term many times wins): with two or more optional clauses, a second
// search asks for passages matching at least two, and the candidates are
// both searches' hits.
func candidateQueries(q retrieval.Query, f retrieval.Filter, c *corpus, size int) []map[string]any {
	body := candidateQuery(q, f, c, size)
	b, ok := body["query"].(map[string]any)["bool"].(map[string]any)
	if !ok {
		return []map[string]any{body}
	}
	should, _ := b["should"].([]any)
	if len(should) < 2 {
		return []map[string]any{body}
	}
	two := map[string]any{}
	for k, v := range b {
		two[k] = v
	}
	two["minimum_should_match"] = 2
	second := map[string]any{}
	for k, v := range body {
		second[k] = v
	}
	second["query"] = map[string]any{"bool": two}
	return []map[string]any{body, second}
}

// candidateQuery is one search for candidates (see candidateQueries).
func candidateQuery(q retrieval.Query, f retrieval.Filter, c *corpus, size int) map[string]any {
	var should, must, filter []any
	for _, t := range q.Terms {
		if tq, ok := termQuery(t.Term, max(0, t.Boost)*c.idf(t.Term)); ok {
			should = append(should, tq)
		}
	}
	for _, ph := range q.Phrases {
		if pq, ok := phraseQuery(ph, c); ok {
			should = append(should, pq)
		}
	}
	for _, ph := range q.Required {
		pq, ok := phraseQuery(ph, c)
		if !ok {
			// A phrase no passage can hold: nothing matches.
			return map[string]any{"size": 0, "query": map[string]any{"match_none": map[string]any{}}}
		}
		must = append(must, pq)
	}
	if len(f.Collections) > 0 {
		filter = append(filter, map[string]any{"terms": map[string]any{fieldCollection: f.Collections}})
	}
	b := map[string]any{}
	if len(should) > 0 {
		b["should"] = should
		b["minimum_should_match"] = 1
	} else if len(q.Terms)+len(q.Phrases) > 0 {
		// Optional clauses none of which can match: nothing does.
		return map[string]any{"size": 0, "query": map[string]any{"match_none": map[string]any{}}}
	}
	if len(must) > 0 {
		b["must"] = must
	}
	if len(filter) > 0 {
		b["filter"] = filter
	}
	return map[string]any{
		"size":             size,
		"track_total_hits": false,
		"_source":          []string{fieldTerms, fieldPositions, fieldDoc, fieldOrd},
		"query":            map[string]any{"bool": b},
	}
}

// maxTermChars is the longest term (in UTF-16 code units, as Java
// counts) that OpenSearch's built-in whitespace analyzer keeps whole; it
// splits longer ones, so a longer query term finds no candidates there.
// (The analyzer's limit can only be raised with the analysis-common
// module, which a core cluster lacks.)
const maxTermChars = 255

func tooLong(term string) bool {
	n := 0
	for _, r := range term {
		n += utf16.RuneLen(r)
	}
	return n > maxTermChars
}

func termQuery(term string, boost float64) (map[string]any, bool) {
	if term == "" || tooLong(term) || strings.Contains(term, " ") {
		return nil, false
	}
	return map[string]any{"term": map[string]any{fieldTerms: map[string]any{"value": term, "boost": boost}}}, true
}

// phraseQuery is a span query that finds at least every passage holding
// the phrase: its terms in order, with as many words between as the
// phrase has dropped words inside (the indexed positions leave no gaps
// for stop words, so this may also find passages without the phrase,
// which scoring then drops).
func phraseQuery(ph retrieval.Phrase, c *corpus) (map[string]any, bool) {
	pos := ph.Positions
	for len(pos) > 0 && isEmpty(pos[0]) {
		pos = pos[1:]
	}
	for len(pos) > 0 && isEmpty(pos[len(pos)-1]) {
		pos = pos[:len(pos)-1]
	}
	if len(pos) == 0 {
		return nil, false
	}
	boost := ph.Boost
	if boost == 0 {
		boost = 1
	}
	var clauses []any
	gaps, sumIDF, sumIDF2 := 0, 0.0, 0.0
	for _, terms := range pos {
		if isEmpty(terms) {
			gaps++
			continue
		}
		var alts []any
		for _, t := range terms {
			if t == "" || tooLong(t) {
				continue
			}
			idf := c.idf(t)
			sumIDF += idf
			sumIDF2 += idf * idf
			alts = append(alts, map[string]any{"span_term": map[string]any{fieldTerms: t}})
		}
		switch len(alts) {
		case 0:
			return nil, false
		case 1:
			clauses = append(clauses, alts[0])
		default:
			clauses = append(clauses, map[string]any{"span_or": map[string]any{"clauses": alts}})
		}
	}
	// Bleve scores a phrase as the sum of its terms' boost*idf² weights;
	// a span query scores with the sum of their idfs.
	w := boost
	if sumIDF > 0 {
		w = boost * sumIDF2 / sumIDF
	}
	if len(clauses) == 1 {
		if st, ok := clauses[0].(map[string]any)["span_term"]; ok {
			return map[string]any{"term": map[string]any{fieldTerms: map[string]any{"value": st.(map[string]any)[fieldTerms], "boost": w}}}, true
		}
		return map[string]any{"span_or": map[string]any{"clauses": clauses[0].(map[string]any)["span_or"].(map[string]any)["clauses"], "boost": w}}, true
	}
	return map[string]any{"span_near": map[string]any{"clauses": clauses, "slop": gaps, "in_order": true, "boost": w}}, true
}
