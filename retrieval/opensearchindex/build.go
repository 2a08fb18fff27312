package opensearchindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/docstore"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/text"
)

// Target is where Build and Update write: the alias Name on the cluster
// Client, and the layout of the indexes of a new generation.
type Target struct {
	Client *osclient.Client
	Name   string
	// Where names the index in messages (its URL without credentials).
	Where string
	// Shards is the number of primary shards of each index; 0 means 1.
	Shards int
	// Replicas is the number of replicas of each shard; negative means
	// one when the cluster has two or more data nodes, else none (a
	// replica that cannot be placed keeps a cluster yellow).
	Replicas int
}

func (t Target) shards() int { return max(1, t.Shards) }

func (t Target) replicas(ctx context.Context) (int, error) {
	if t.Replicas >= 0 {
		return t.Replicas, nil
	}
	n, err := t.Client.DataNodes(ctx)
	if err != nil {
		return 0, err
	}
	return min(1, max(0, n-1)), nil
}

func (t Target) where() string {
	if t.Where != "" {
		return t.Where
	}
	return t.Client.Where() + "/" + t.Name
}

// maxBulkBytes bounds one _bulk request.
const maxBulkBytes = 8 << 20

// docsPerBatch documents are analysed at a time (on every CPU) while the
// previous batch is being sent.
const docsPerBatch = 256

// Build indexes docs into a new generation and moves the alias to it,
// whatever the alias pointed at before. Update does the same work
// incrementally.
func Build(ctx context.Context, t Target, docs []retrieval.Document, progress retrieval.Progress) (retrieval.BuildStats, error) {
	start := time.Now()
	if err := retrieval.CheckUniqueIDs(docs); err != nil {
		return retrieval.BuildStats{}, err
	}
	prev, err := CurrentGeneration(ctx, t.Client, t.Name)
	if err != nil && !errors.Is(err, ErrNoIndex) {
		return retrieval.BuildStats{}, fmt.Errorf("index %s: %w", t.where(), err)
	}
	return build(ctx, t, prev, docs, progress, start)
}

func build(ctx context.Context, t Target, prev string, docs []retrieval.Document, progress retrieval.Progress, start time.Time) (retrieval.BuildStats, error) {
	st := retrieval.BuildStats{Added: len(docs), Documents: len(docs)}
	w, err := newWriter(ctx, t)
	if err != nil {
		return st, err
	}
	if err := w.fill(ctx, w.createIndexes, docs, progress, prev, &st, start); err != nil {
		return retrieval.BuildStats{}, err
	}
	return st, nil
}

// Update brings the index in line with docs, touching only what changed:
// documents are compared with the served generation by id and content
// hash, and only added, changed and removed ones are indexed or deleted,
// in a clone of the served generation that the alias then moves to. When
// nothing changed it writes nothing. With no index yet it builds one.
func Update(ctx context.Context, t Target, docs []retrieval.Document, progress retrieval.Progress) (retrieval.BuildStats, error) {
	return UpdateWith(ctx, t, docs, progress, retrieval.UpdateOptions{})
}

// UpdateWith is Update scoped by opts (see retrieval.PlanUpdate): re-
// indexing some collections leaves the others' documents alone.
func UpdateWith(ctx context.Context, t Target, docs []retrieval.Document, progress retrieval.Progress, opts retrieval.UpdateOptions) (retrieval.BuildStats, error) {
	start := time.Now()
	if err := retrieval.CheckUniqueIDs(docs); err != nil {
		return retrieval.BuildStats{}, err
	}
	cur, err := CurrentGeneration(ctx, t.Client, t.Name)
	if errors.Is(err, ErrNoIndex) {
		return build(ctx, t, "", docs, progress, start)
	}
	if err != nil {
		return retrieval.BuildStats{}, fmt.Errorf("index %s: %w", t.where(), err)
	}
	m, err := readMeta(ctx, t.Client, passagesIndex(t.Name, cur))
	if err != nil {
		return retrieval.BuildStats{}, fmt.Errorf("index %s: %w", t.where(), err)
	}
	if err := checkFormat(m, t.where()); err != nil {
		if opts.Rebuild && errors.Is(err, ErrIncompatible) {
			// An index this citebot cannot read serves nothing: a rebuild
			// starts afresh with the documents given.
			return build(ctx, t, cur, docs, progress, start)
		}
		return retrieval.BuildStats{}, err
	}
	held := map[string]retrieval.HeldDocument{}
	if err := eachDoc(ctx, t.Client, docsIndex(t.Name, cur), "id,hash,listing.collection", func(r docRecord) {
		held[r.ID] = retrieval.HeldDocument{Hash: r.Hash, Collection: r.Listing.Collection}
	}); err != nil {
		return retrieval.BuildStats{}, fmt.Errorf("index %s: read document hashes: %w", t.where(), err)
	}
	plan, err := retrieval.PlanUpdate(held, docs, opts)
	if err != nil {
		return retrieval.BuildStats{}, err
	}
	if plan.Fresh {
		return build(ctx, t, cur, docs, progress, start)
	}
	put, del, st := plan.Put, plan.Delete, plan.Stats
	st.Gen = cur
	if len(put) == 0 && len(del) == 0 {
		st.Passages = m.Passages
		st.Duration = time.Since(start)
		return st, nil
	}

	w, err := newWriter(ctx, t)
	if err != nil {
		return retrieval.BuildStats{}, err
	}
	w.m = m
	w.m.Generation, w.m.Complete = w.gen, false
	clone := func(ctx context.Context) error {
		if err := w.cloneFrom(ctx, cur); err != nil {
			return err
		}
		return w.remove(ctx, cur, del)
	}
	if err := w.fill(ctx, clone, put, progress, cur, &st, start); err != nil {
		return retrieval.BuildStats{}, err
	}
	return st, nil
}

// writer fills one new generation.
type writer struct {
	t        Target
	c        *osclient.Client
	gen      string
	replicas int
	m        meta
	// df counts, per term, the passages added (positive) or removed
	// (negative) by this run.
	df map[string]int
	// cloned: the generation started as a copy of the served one (an
	// Update), so its terms index already holds frequencies.
	cloned bool
}

func newWriter(ctx context.Context, t Target) (*writer, error) {
	if t.Client == nil || t.Name == "" {
		return nil, errors.New("opensearch index: no client or name")
	}
	replicas, err := t.replicas(ctx)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", t.where(), err)
	}
	gen, err := newGenName(ctx, t)
	if err != nil {
		return nil, err
	}
	return &writer{
		t: t, c: t.Client, gen: gen, replicas: replicas, df: map[string]int{},
		m: meta{Format: Format, Analysis: text.AnalysisVersion, Alias: t.Name, Generation: gen, Shards: t.shards()},
	}, nil
}

// newGenName names a generation by the time in base 36, after every
// generation the cluster holds even if the clock went back.
func newGenName(ctx context.Context, t Target) (string, error) {
	gens, err := listGens(ctx, t.Client, t.Name)
	if err != nil {
		return "", fmt.Errorf("index %s: %w", t.where(), err)
	}
	n := time.Now().UnixNano()
	for g := range gens {
		if v := genNumber(g); v >= n {
			n = v + 1
		}
	}
	return strconv.FormatInt(n, 36), nil
}

func genNumber(gen string) int64 {
	n, err := strconv.ParseInt(gen, 36, 64)
	if err != nil {
		return -1
	}
	return n
}

// listGens lists the generations that have any index on the cluster,
// with their index names.
func listGens(ctx context.Context, c *osclient.Client, name string) (map[string][]string, error) {
	var rows []struct {
		Index string `json:"index"`
	}
	q := url.Values{"format": {"json"}, "h": {"index"}, "expand_wildcards": {"all"}}
	if err := c.Do(ctx, http.MethodGet, "/_cat/indices/"+url.PathEscape(name+"-g*"), q, nil, &rows); err != nil && !osclient.IsStatus(err, http.StatusNotFound) {
		return nil, fmt.Errorf("list generations: %w", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		if g, ok := genIndex(name, r.Index); ok {
			out[g] = append(out[g], r.Index)
		}
	}
	return out, nil
}

// indexSettings are a new index's settings: no refreshes while it is
// written (the build refreshes once at the end).
// fill makes the new generation: prepare sets up its indexes (made
// afresh, or cloned from the served generation), then docs are added,
// its term statistics written and the alias moved to it from prev. On a
// failure the generation is discarded.
func (w *writer) fill(ctx context.Context, prepare func(context.Context) error, docs []retrieval.Document, progress retrieval.Progress, prev string, st *retrieval.BuildStats, start time.Time) error {
	err := prepare(ctx)
	if err == nil {
		err = w.add(ctx, docs, progress)
	}
	if err == nil {
		err = w.writeTerms(ctx)
	}
	if err == nil {
		st.Passages = w.m.Passages
		err = w.finish(ctx, prev, st, start)
	}
	if err != nil {
		w.discard()
	}
	return err
}

func (w *writer) indexSettings(extra map[string]any) map[string]any {
	s := map[string]any{
		"number_of_shards":   w.t.shards(),
		"number_of_replicas": w.replicas,
		"refresh_interval":   "-1",
	}
	for k, v := range extra {
		s[k] = v
	}
	return map[string]any{"index": s}
}

// createIndexes makes the generation's three empty indexes.
func (w *writer) createIndexes(ctx context.Context) error {
	passages := map[string]any{
		"settings": w.indexSettings(map[string]any{
			"similarity": map[string]any{"citebot_bm25": map[string]any{"type": "BM25", "k1": bm25K1, "b": bm25B}},
		}),
		"mappings": map[string]any{
			"dynamic": "strict",
			"_meta":   map[string]any{"citebot": w.m},
			"properties": map[string]any{
				fieldTerms:      map[string]any{"type": "text", "analyzer": "whitespace", "similarity": "citebot_bm25"},
				fieldPositions:  map[string]any{"type": "integer", "index": false, "doc_values": false},
				fieldDoc:        map[string]any{"type": "keyword", "doc_values": false},
				fieldOrd:        map[string]any{"type": "integer", "index": false, "doc_values": false},
				fieldCollection: map[string]any{"type": "keyword", "doc_values": false},
			},
		},
	}
	docs := map[string]any{
		"settings": w.indexSettings(nil),
		"mappings": map[string]any{
			"dynamic": "strict",
			"properties": map[string]any{
				"id":      map[string]any{"type": "keyword"},
				"hash":    map[string]any{"type": "keyword", "index": false},
				"listing": map[string]any{"type": "object", "enabled": false},
				"blob":    map[string]any{"type": "binary"},
			},
		},
	}
	terms := map[string]any{
		"settings": w.indexSettings(nil),
		"mappings": map[string]any{
			"dynamic": "strict",
			"properties": map[string]any{
				"term": map[string]any{"type": "keyword", "index": false, "doc_values": false},
				"df":   map[string]any{"type": "integer", "index": false, "doc_values": false},
			},
		},
	}
	for _, ix := range []struct {
		name string
		body map[string]any
	}{{passagesIndex(w.t.Name, w.gen), passages}, {docsIndex(w.t.Name, w.gen), docs}, {termsIndex(w.t.Name, w.gen), terms}} {
		if err := w.c.Do(ctx, http.MethodPut, "/"+url.PathEscape(ix.name), nil, ix.body, nil); err != nil {
			return fmt.Errorf("index %s: create %s: %w", w.t.where(), ix.name, err)
		}
	}
	return nil
}

// cloneFrom makes the generation's indexes as clones of generation src
// (whose write block makes it clonable), writable.
func (w *writer) cloneFrom(ctx context.Context, src string) error {
	body := map[string]any{"settings": w.indexSettings(map[string]any{"blocks.write": false})}
	delete(body["settings"].(map[string]any)["index"].(map[string]any), "number_of_shards")
	for _, p := range [][2]string{
		{passagesIndex(w.t.Name, src), passagesIndex(w.t.Name, w.gen)},
		{docsIndex(w.t.Name, src), docsIndex(w.t.Name, w.gen)},
		{termsIndex(w.t.Name, src), termsIndex(w.t.Name, w.gen)},
	} {
		if err := w.c.Do(ctx, http.MethodPost, "/"+url.PathEscape(p[0])+"/_clone/"+url.PathEscape(p[1]), nil, body, nil); err != nil {
			return fmt.Errorf("index %s: clone %s: %w", w.t.where(), p[0], err)
		}
	}
	w.cloned = true
	return w.putMeta(ctx)
}

// putMeta writes the build record.
func (w *writer) putMeta(ctx context.Context) error {
	body := map[string]any{"_meta": map[string]any{"citebot": w.m}}
	if err := w.c.Do(ctx, http.MethodPut, "/"+url.PathEscape(passagesIndex(w.t.Name, w.gen))+"/_mapping", nil, body, nil); err != nil {
		return fmt.Errorf("index %s: write the build record: %w", w.t.where(), err)
	}
	return nil
}

// bulk collects _bulk lines and sends them when large enough.
type bulk struct {
	c     *osclient.Client
	where string
	buf   bytes.Buffer
	n     int
}

func (b *bulk) action(op, index, id string, doc any) error {
	line := map[string]any{op: map[string]string{"_index": index, "_id": id}}
	enc, err := json.Marshal(line)
	if err != nil {
		return err
	}
	b.buf.Write(enc)
	b.buf.WriteByte('\n')
	if doc != nil {
		enc, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		b.buf.Write(enc)
		b.buf.WriteByte('\n')
	}
	b.n++
	return nil
}

// flush sends what is collected when over maxBulkBytes, or always when
// force is set.
func (b *bulk) flush(ctx context.Context, force bool) error {
	if b.n == 0 || (!force && b.buf.Len() < maxBulkBytes) {
		return nil
	}
	body := bytes.Clone(b.buf.Bytes())
	b.buf.Reset()
	b.n = 0
	return sendBulk(ctx, b.c, b.where, body)
}

func sendBulk(ctx context.Context, c *osclient.Client, where string, body []byte) error {
	var res struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			ID     string `json:"_id"`
			Status int    `json:"status"`
			Error  *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		} `json:"items"`
	}
	if err := c.Do(ctx, http.MethodPost, "/_bulk", nil, body, &res); err != nil {
		return fmt.Errorf("index %s: bulk write: %w", where, err)
	}
	if !res.Errors {
		return nil
	}
	for _, item := range res.Items {
		for op, r := range item {
			if r.Error == nil || (op == "delete" && r.Status == http.StatusNotFound) {
				continue
			}
			err := fmt.Errorf("index %s: bulk %s of %q: HTTP %d %s: %s", where, op, r.ID, r.Status, r.Error.Type, r.Error.Reason)
			if r.Status == http.StatusTooManyRequests || r.Status >= 500 {
				err = fmt.Errorf("%w (%w)", err, retrieval.ErrUnavailable)
			}
			return err
		}
	}
	return nil
}

// add analyses docs (a batch at a time, the next while the previous is
// sent) and writes their passages and records.
func (w *writer) add(ctx context.Context, docs []retrieval.Document, progress retrieval.Progress) error {
	type batch struct {
		body []byte
		done int
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		for start := 0; start < len(docs); start += docsPerBatch {
			if ctx.Err() != nil {
				return
			}
			end := min(start+docsPerBatch, len(docs))
			body, err := w.batchBody(text.IndexAll(docs[start:end]))
			if err != nil {
				errc <- err
				return
			}
			select {
			case batches <- batch{body, end}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for b := range batches {
		for len(b.body) > 0 {
			// Split at a line boundary under maxBulkBytes.
			cut := len(b.body)
			if cut > maxBulkBytes {
				cut = cutLines(b.body, maxBulkBytes)
			}
			if err := sendBulk(ctx, w.c, w.t.where(), b.body[:cut]); err != nil {
				return err
			}
			b.body = b.body[cut:]
		}
		if progress != nil {
			progress(b.done, len(docs))
		}
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	return nil
}

// cutLines returns the end of the last pair of bulk lines (action and
// document) that ends within limit bytes, or of the first pair when it
// alone is larger.
func cutLines(b []byte, limit int) int {
	end, lines := 0, 0
	for i, c := range b {
		if c != '\n' {
			continue
		}
		lines++
		if lines%2 == 0 {
			if i+1 > limit && end > 0 {
				return end
			}
			end = i + 1
		}
	}
	if end == 0 {
		return len(b)
	}
	return end
}

// batchBody is the bulk of a batch of analysed documents, and counts
// what it adds.
func (w *writer) batchBody(stored []*retrieval.IndexedDoc) ([]byte, error) {
	b := bulk{}
	pIndex, dIndex := passagesIndex(w.t.Name, w.gen), docsIndex(w.t.Name, w.gen)
	for _, d := range stored {
		coll := d.Collection
		if coll == "" {
			coll = retrieval.DefaultCollection
		}
		for i, p := range d.Passages {
			terms := make([]string, len(p.Tokens))
			pos := make([]int, len(p.Tokens))
			for k, tok := range p.Tokens {
				terms[k], pos[k] = tok.Term, tok.Position
			}
			rec := passageRecord{Terms: strings.Join(terms, " "), Pos: pos, Doc: d.ID, Ord: i, Collection: coll}
			if err := b.action("index", pIndex, passageKey(d.ID, i), rec); err != nil {
				return nil, err
			}
			w.count(terms, +1)
		}
		rec := docRecord{ID: d.ID, Hash: d.Hash, Listing: d.Source(), Blob: docstore.Encode(d)}
		if err := b.action("index", dIndex, key(d.ID), rec); err != nil {
			return nil, err
		}
		w.m.Documents++
		w.m.Bytes += len(d.Text)
	}
	return b.buf.Bytes(), nil
}

// count records one passage's terms being added (sign +1) or removed
// (-1).
func (w *writer) count(terms []string, sign int) {
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			w.df[t] += sign
		}
	}
	w.m.Passages += sign
	w.m.Tokens += int64(sign * len(terms))
	if len(terms) > 0 {
		w.m.TermPassages += sign
	}
}

// remove deletes documents (their passages and records) from the new
// generation, reading them from generation src to know what they held.
func (w *writer) remove(ctx context.Context, src string, ids []string) error {
	b := bulk{c: w.c, where: w.t.where()}
	pIndex, dIndex := passagesIndex(w.t.Name, w.gen), docsIndex(w.t.Name, w.gen)
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		got, err := fetchDocs(ctx, w.c, docsIndex(w.t.Name, src), chunk)
		if err != nil {
			return fmt.Errorf("index %s: read documents to remove: %w", w.t.where(), err)
		}
		for _, id := range chunk {
			d, ok := got[id]
			if !ok {
				continue
			}
			for i, p := range d.Passages {
				terms := make([]string, len(p.Tokens))
				for k, tok := range p.Tokens {
					terms[k] = tok.Term
				}
				w.count(terms, -1)
				if err := b.action("delete", pIndex, passageKey(id, i), nil); err != nil {
					return err
				}
			}
			if err := b.action("delete", dIndex, key(id), nil); err != nil {
				return err
			}
			w.m.Documents--
			w.m.Bytes -= len(d.Text)
			if err := b.flush(ctx, false); err != nil {
				return err
			}
		}
	}
	return b.flush(ctx, true)
}

// writeTerms writes the document frequency of every term this run
// touched: for an update, the clone's frequency plus what changed.
func (w *writer) writeTerms(ctx context.Context) error {
	terms := make([]string, 0, len(w.df))
	for t, d := range w.df {
		if d != 0 {
			terms = append(terms, t)
		}
	}
	sort.Strings(terms)
	tIndex := termsIndex(w.t.Name, w.gen)
	before := map[string]int{}
	if w.cloned {
		got, err := fetchDFs(ctx, w.c, tIndex, terms)
		if err != nil {
			return fmt.Errorf("index %s: read term statistics: %w", w.t.where(), err)
		}
		before = got
	}
	b := bulk{c: w.c, where: w.t.where()}
	for _, t := range terms {
		was := before[t]
		now := was + w.df[t]
		switch {
		case now > 0:
			if err := b.action("index", tIndex, key(t), termRecord{Term: t, DF: now}); err != nil {
				return err
			}
			if was == 0 {
				w.m.Terms++
			}
		case was > 0:
			if err := b.action("delete", tIndex, key(t), nil); err != nil {
				return err
			}
			w.m.Terms--
		}
		if err := b.flush(ctx, false); err != nil {
			return err
		}
	}
	return b.flush(ctx, true)
}

// finish makes the generation searchable and complete, moves the alias
// to it and removes generations older than prev.
func (w *writer) finish(ctx context.Context, prev string, st *retrieval.BuildStats, start time.Time) error {
	all := strings.Join([]string{passagesIndex(w.t.Name, w.gen), docsIndex(w.t.Name, w.gen), termsIndex(w.t.Name, w.gen)}, ",")
	if err := w.c.Do(ctx, http.MethodPost, "/"+all+"/_refresh", nil, nil, nil); err != nil {
		return fmt.Errorf("index %s: refresh: %w", w.t.where(), err)
	}
	if err := w.setSimilarity(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	st.Gen, st.Wrote, st.Duration = w.gen, true, time.Since(start)
	w.m.Complete, w.m.Built, w.m.Duration = true, time.Now().UTC(), st.Duration
	w.m.Added, w.m.Changed, w.m.Removed, w.m.Unchanged = st.Added, st.Changed, st.Removed, st.Unchanged
	if err := w.putMeta(ctx); err != nil {
		return err
	}
	// Frozen from now on: answers may read it, and the next Update clones
	// it (which needs the write block).
	block := map[string]any{"index": map[string]any{"blocks.write": true, "refresh_interval": nil}}
	if err := w.c.Do(ctx, http.MethodPut, "/"+all+"/_settings", nil, block, nil); err != nil {
		return fmt.Errorf("index %s: freeze the new generation: %w", w.t.where(), err)
	}
	if err := w.waitReady(ctx, all); err != nil {
		return err
	}
	if err := swapAlias(ctx, w.c, w.t.Name, w.t.where(), prev, w.gen); err != nil {
		return err
	}
	prune(ctx, w.c, w.t.Name, prev, w.gen)
	return nil
}

// setSimilarity tunes the passages index's BM25 so that OpenSearch ranks
// candidates as Bleve would (see the comment of score.go): Lucene's
// length normalisation k1*(1-b+b*len/avgLen) made equal to Bleve's,
// whose average length is distinct terms over passages rather than the
// true one. Similarity can only change on a closed index.
func (w *writer) setSimilarity(ctx context.Context) error {
	k1, b := bm25K1, bm25B
	bleveAvg := bleveAvgLen(w.m.Terms, w.m.Passages)
	if w.m.TermPassages > 0 && bleveAvg > 0 {
		luceneAvg := float64(w.m.Tokens) / float64(w.m.TermPassages)
		m := bm25K1 * bm25B * luceneAvg / bleveAvg
		k1 = bm25K1*(1-bm25B) + m
		b = m / k1
	}
	if math.IsNaN(k1) || math.IsNaN(b) {
		k1, b = bm25K1, bm25B
	}
	idx := "/" + url.PathEscape(passagesIndex(w.t.Name, w.gen))
	if err := w.c.Do(ctx, http.MethodPost, idx+"/_close", nil, nil, nil); err != nil {
		return fmt.Errorf("index %s: close to tune scoring: %w", w.t.where(), err)
	}
	body := map[string]any{"index": map[string]any{"similarity": map[string]any{"citebot_bm25": map[string]any{"type": "BM25", "k1": k1, "b": b}}}}
	if err := w.c.Do(ctx, http.MethodPut, idx+"/_settings", nil, body, nil); err != nil {
		return fmt.Errorf("index %s: tune scoring: %w", w.t.where(), err)
	}
	if err := w.c.Do(ctx, http.MethodPost, idx+"/_open", url.Values{"wait_for_active_shards": {"1"}}, nil, nil); err != nil {
		return fmt.Errorf("index %s: reopen after tuning scoring: %w", w.t.where(), err)
	}
	return nil
}

// waitReady waits until every primary shard of the new generation is
// active, and its replicas too when the cluster can place them, so that
// losing a node right after the swap loses nothing.
func (w *writer) waitReady(ctx context.Context, indexes string) error {
	status := "yellow"
	if n, err := w.c.DataNodes(ctx); err == nil && n > w.replicas {
		status = "green"
	}
	q := url.Values{"wait_for_status": {status}, "timeout": {"120s"}}
	var h struct {
		TimedOut bool   `json:"timed_out"`
		Status   string `json:"status"`
	}
	if err := w.c.Do(ctx, http.MethodGet, "/_cluster/health/"+indexes, q, nil, &h); err != nil && !osclient.IsStatus(err, http.StatusRequestTimeout) {
		return fmt.Errorf("index %s: wait for the new generation's shards: %w", w.t.where(), err)
	}
	if h.Status == "red" {
		return fmt.Errorf("index %s: the new generation's shards did not start (cluster health red): %w", w.t.where(), retrieval.ErrUnavailable)
	}
	return nil
}

// swapAlias moves the alias from generation prev to gen in one atomic
// _aliases call. The move names prev, so if another run moved the alias
// meanwhile, the call fails and nothing changes.
func swapAlias(ctx context.Context, c *osclient.Client, name, where, prev, gen string) error {
	var actions []any
	if prev != "" {
		actions = append(actions, map[string]any{"remove": map[string]any{"index": passagesIndex(name, prev), "alias": name, "must_exist": true}})
	}
	actions = append(actions, map[string]any{"add": map[string]any{"index": passagesIndex(name, gen), "alias": name}})
	err := c.Do(ctx, http.MethodPost, "/_aliases", nil, map[string]any{"actions": actions}, nil)
	switch {
	case err == nil:
		return nil
	case osclient.IsType(err, "aliases_not_found_exception"):
		return fmt.Errorf("index %s: another citebot index run swapped in a generation meanwhile; this one is discarded, run it again", where)
	case osclient.IsType(err, "invalid_alias_name_exception"):
		return fmt.Errorf("index %s: %s is an index that citebot did not build, so it cannot be citebot's alias; choose another NAME or delete that index: %w", where, name, err)
	}
	return fmt.Errorf("index %s: swap in the new generation: %w", where, err)
}

// prune deletes every generation older than gen except prev, which
// answers that started on it may still be reading (the Bleve backend
// keeps its predecessor for the same reason). Generations newer than gen
// are builds in progress and left alone. Failures only leave garbage for
// the next build to remove.
func prune(ctx context.Context, c *osclient.Client, name, prev, gen string) {
	gens, err := listGens(ctx, c, name)
	if err != nil {
		return
	}
	var doomed []string
	for g, indexes := range gens {
		if g == gen || g == prev || genNumber(g) > genNumber(gen) {
			continue
		}
		doomed = append(doomed, indexes...)
	}
	sort.Strings(doomed)
	for start := 0; start < len(doomed); start += 30 {
		list := strings.Join(doomed[start:min(start+30, len(doomed))], ",")
		_ = c.Do(ctx, http.MethodDelete, "/"+list, nil, nil, nil)
	}
}

// discard deletes a generation that was not finished.
func (w *writer) discard() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	all := strings.Join([]string{passagesIndex(w.t.Name, w.gen), docsIndex(w.t.Name, w.gen), termsIndex(w.t.Name, w.gen)}, ",")
	_ = w.c.Do(ctx, http.MethodDelete, "/"+all, url.Values{"ignore_unavailable": {"true"}}, nil, nil)
}

// Reload makes live serve the generation the alias points at, if that is
// not the one it serves already, and reports whether it switched.
func Reload(ctx context.Context, live *retrieval.Live, c *osclient.Client, name, where string) (bool, error) {
	return live.Replace(func(cur retrieval.Backend) (retrieval.Backend, error) {
		gen, err := CurrentGeneration(ctx, c, name)
		if err != nil {
			return nil, fmt.Errorf("reload %s: %w", where, err)
		}
		if gen == cur.Generation() {
			return nil, nil
		}
		return openGen(ctx, c, name, where, gen)
	})
}
