package retrieval

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// storedDoc is what the index keeps per document besides Bleve's postings:
// the text quotes are cut from, metadata, and the segmentation, so answering
// never re-reads or re-segments source files.
type storedDoc struct {
	Document
	Hash     string
	Passages []Passage

	lowerOnce sync.Once
	lower     string // Text in lower case, made on first use

	// Passages analysed as the index analyses them, made on first use:
	// ranking needs every candidate passage's tokens, and analysing was a
	// quarter of answering's CPU when redone for every question. All
	// documents' caches together stay under tokenCacheLimit tokens.
	tokensMu   sync.Mutex
	tokens     map[int][]token
	tokensDone bool // released: the document left its store
}

// tokenCacheLimit bounds the tokens all documents keep cached (a token is
// about 60 bytes with its term): beyond it passages are analysed afresh,
// as they were before the cache, rather than memory growing with the
// corpus.
const tokenCacheLimit = 4 << 20

// tokensCached counts the tokens all documents keep cached.
var tokensCached atomic.Int64

// passageTokens returns passage ord's tokens, with offsets into the
// passage's text. The slice is shared: callers must not modify it.
func (d *storedDoc) passageTokens(ord int) []token {
	d.tokensMu.Lock()
	toks, ok := d.tokens[ord]
	d.tokensMu.Unlock()
	if ok {
		return toks
	}
	p := d.Passages[ord]
	toks = analyze(d.Text[p.Start:p.End])
	d.tokensMu.Lock()
	defer d.tokensMu.Unlock()
	if _, ok := d.tokens[ord]; ok || d.tokensDone || tokensCached.Load()+int64(len(toks)) > tokenCacheLimit {
		return toks
	}
	if d.tokens == nil {
		d.tokens = map[int][]token{}
	}
	d.tokens[ord] = toks
	tokensCached.Add(int64(len(toks)))
	return toks
}

// releaseTokens drops d's cached tokens from the shared budget when d
// leaves its store (evicted, replaced or deleted); a query still holding
// d analyses afresh.
func (d *storedDoc) releaseTokens() {
	d.tokensMu.Lock()
	defer d.tokensMu.Unlock()
	n := 0
	for _, t := range d.tokens {
		n += len(t)
	}
	tokensCached.Add(-int64(n))
	d.tokens, d.tokensDone = nil, true
}

// mentions reports whether the document's text holds s as whole words,
// ignoring case.
func (d *storedDoc) mentions(s string) bool {
	d.lowerOnce.Do(func() { d.lower = strings.ToLower(d.Text) })
	return containsLower(d.lower, strings.ToLower(s))
}

// pageAt returns the 1-based page of the source that holds the byte at
// offset, or 0 when the document has no pages (or offset falls between
// them). Citations carry it so a quote from a PDF can say "p. 4".
func (d *storedDoc) pageAt(offset int) int {
	i := sort.Search(len(d.Pages), func(i int) bool { return d.Pages[i].End > offset })
	if i < len(d.Pages) && d.Pages[i].Start <= offset {
		return i + 1
	}
	return 0
}

func (d *storedDoc) source() Source {
	return Source{ID: d.ID, Metadata: d.Metadata, Collection: d.Collection, Passages: len(d.Passages), Bytes: len(d.Text)}
}

// docStore holds storedDocs by id. The in-memory store serves indexes built
// for one process; the bbolt store persists next to the Bleve index.
type docStore interface {
	get(id string) (*storedDoc, error)
	put(docs ...*storedDoc) error
	delete(ids ...string) error
	// each calls fn for every document's metadata, in id order.
	each(fn func(id string, hash string, src Source) error) error
	close() error
}

var errNoDoc = errors.New("document not in store")

// memStore is a docStore in a map.
type memStore struct {
	mu   sync.RWMutex
	docs map[string]*storedDoc
}

func newMemStore() *memStore { return &memStore{docs: map[string]*storedDoc{}} }

func (m *memStore) get(id string) (*storedDoc, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	d, ok := m.docs[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", errNoDoc, id)
	}
	return d, nil
}

func (m *memStore) put(docs ...*storedDoc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range docs {
		if old, ok := m.docs[d.ID]; ok && old != d {
			old.releaseTokens()
		}
		m.docs[d.ID] = d
	}
	return nil
}

func (m *memStore) delete(ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if d, ok := m.docs[id]; ok {
			d.releaseTokens()
		}
		delete(m.docs, id)
	}
	return nil
}

func (m *memStore) each(fn func(string, string, Source) error) error {
	m.mu.RLock()
	ids := make([]string, 0, len(m.docs))
	for id := range m.docs {
		ids = append(ids, id)
	}
	m.mu.RUnlock()
	sort.Strings(ids)
	for _, id := range ids {
		d, err := m.get(id)
		if err != nil {
			continue
		}
		if err := fn(id, d.Hash, d.source()); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range m.docs {
		d.releaseTokens()
	}
	return nil
}

// boltStore is a docStore in a bbolt file. Documents are in one bucket,
// their metadata (for listings and incremental re-indexing) in another so
// listing never decodes texts.
type boltStore struct {
	db *bolt.DB
	// cache keeps recently decoded documents: answering touches the same
	// few documents again and again. Bounded so memory does not grow
	// with the corpus.
	cacheMu sync.Mutex
	cache   map[string]*storedDoc
}

const docCacheSize = 1024

func (b *boltStore) cached(id string) *storedDoc {
	b.cacheMu.Lock()
	defer b.cacheMu.Unlock()
	return b.cache[id]
}

func (b *boltStore) remember(d *storedDoc) {
	b.cacheMu.Lock()
	defer b.cacheMu.Unlock()
	if len(b.cache) >= docCacheSize {
		for k, old := range b.cache { // evict an arbitrary entry
			old.releaseTokens()
			delete(b.cache, k)
			break
		}
	}
	if old, ok := b.cache[d.ID]; ok && old != d {
		old.releaseTokens()
	}
	b.cache[d.ID] = d
}

func (b *boltStore) forget(id string) {
	b.cacheMu.Lock()
	defer b.cacheMu.Unlock()
	if d, ok := b.cache[id]; ok {
		d.releaseTokens()
	}
	delete(b.cache, id)
}

var (
	bucketDocs = []byte("docs")
	bucketMeta = []byte("meta")
)

func openBoltStore(path string, readOnly bool) (*boltStore, error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: readOnly, Timeout: 0})
	if err != nil {
		return nil, fmt.Errorf("open document store %s: %w", path, err)
	}
	if !readOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketDocs, bucketMeta} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("init document store %s: %w", path, err)
		}
	}
	return &boltStore{db: db, cache: map[string]*storedDoc{}}, nil
}

func (b *boltStore) get(id string) (*storedDoc, error) {
	if d := b.cached(id); d != nil {
		return d, nil
	}
	var d *storedDoc
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketDocs)
		if bk == nil {
			return fmt.Errorf("%w: %q", errNoDoc, id)
		}
		v := bk.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: %q", errNoDoc, id)
		}
		var err error
		d, err = decodeDoc(v)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.remember(d)
	return d, nil
}

func (b *boltStore) put(docs ...*storedDoc) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bd, bm := tx.Bucket(bucketDocs), tx.Bucket(bucketMeta)
		for _, d := range docs {
			if err := bd.Put([]byte(d.ID), encodeDoc(d)); err != nil {
				return fmt.Errorf("store %q: %w", d.ID, err)
			}
			if err := bm.Put([]byte(d.ID), encodeMeta(d)); err != nil {
				return fmt.Errorf("store %q: %w", d.ID, err)
			}
			b.forget(d.ID)
		}
		return nil
	})
}

func (b *boltStore) delete(ids ...string) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if err := tx.Bucket(bucketDocs).Delete([]byte(id)); err != nil {
				return err
			}
			if err := tx.Bucket(bucketMeta).Delete([]byte(id)); err != nil {
				return err
			}
			b.forget(id)
		}
		return nil
	})
}

func (b *boltStore) each(fn func(string, string, Source) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketMeta)
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, v []byte) error {
			hash, src, err := decodeMeta(v)
			if err != nil {
				return fmt.Errorf("metadata of %q: %w", k, err)
			}
			return fn(string(k), hash, src)
		})
	})
}

func (b *boltStore) close() error {
	b.cacheMu.Lock()
	for _, d := range b.cache {
		d.releaseTokens()
	}
	b.cacheMu.Unlock()
	return b.db.Close()
}

// The encodings are length-prefixed strings and varints: compact, and an
// order of magnitude faster to decode than gob or JSON for long texts.

type encoder struct{ buf []byte }

func (e *encoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}
func (e *encoder) num(n int) { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }

type decoder struct {
	buf []byte
	err error
}

func (d *decoder) num() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 || v > 1<<40 {
		d.err = errors.New("corrupt record")
		return 0
	}
	d.buf = d.buf[n:]
	return int(v)
}

func (d *decoder) str() string {
	n := d.num()
	if d.err != nil {
		return ""
	}
	if n > len(d.buf) {
		d.err = errors.New("corrupt record")
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

// recordVersion 2 added page spans to document records; version 1
// records (no pages) still decode.
const recordVersion = 2

func encodeMetaFields(e *encoder, d *storedDoc) {
	e.num(recordVersion)
	for _, s := range []string{d.ID, d.Title, d.Publisher, d.Author, d.Date, d.URL, d.Collection, d.Source, d.Hash} {
		e.str(s)
	}
}

func decodeMetaFields(dec *decoder) *storedDoc {
	if v := dec.num(); (v < 1 || v > recordVersion) && dec.err == nil {
		dec.err = fmt.Errorf("record version %d; want 1 to %d (rebuild the index)", v, recordVersion)
	}
	d := &storedDoc{}
	for _, p := range []*string{&d.ID, &d.Title, &d.Publisher, &d.Author, &d.Date, &d.URL, &d.Collection, &d.Document.Source, &d.Hash} {
		*p = dec.str()
	}
	return d
}

func encodeMeta(d *storedDoc) []byte {
	e := &encoder{}
	encodeMetaFields(e, d)
	e.num(len(d.Passages))
	e.num(len(d.Text))
	return e.buf
}

func decodeMeta(b []byte) (string, Source, error) {
	dec := &decoder{buf: b}
	d := decodeMetaFields(dec)
	src := d.source()
	src.Passages = dec.num()
	src.Bytes = dec.num()
	return d.Hash, src, dec.err
}

func encodeDoc(d *storedDoc) []byte {
	e := &encoder{buf: make([]byte, 0, len(d.Text)+64+len(d.Passages)*32)}
	encodeMetaFields(e, d)
	e.str(d.Text)
	e.num(len(d.Passages))
	for _, p := range d.Passages {
		e.num(p.Paragraph)
		e.num(p.Start)
		e.num(p.End - p.Start)
		e.num(len(p.Sentences))
		prev := p.Start
		for _, s := range p.Sentences {
			e.num(s.Start - prev)
			e.num(s.End - s.Start)
			prev = s.End
		}
	}
	e.num(len(d.Pages))
	prev := 0
	for _, p := range d.Pages {
		e.num(p.Start - prev)
		e.num(p.End - p.Start)
		prev = p.End
	}
	return e.buf
}

func decodeDoc(b []byte) (*storedDoc, error) {
	dec := &decoder{buf: b}
	d := decodeMetaFields(dec)
	d.Text = dec.str()
	n := dec.num()
	if n > len(d.Text)+1 {
		return nil, errors.New("corrupt document record")
	}
	d.Passages = make([]Passage, 0, n)
	for i := 0; i < n && dec.err == nil; i++ {
		var p Passage
		p.Paragraph = dec.num()
		p.Start = dec.num()
		p.End = p.Start + dec.num()
		ns := dec.num()
		if ns > p.End-p.Start+1 {
			return nil, errors.New("corrupt document record")
		}
		p.Sentences = make([]Span, ns)
		prev := p.Start
		for j := range p.Sentences {
			s := prev + dec.num()
			p.Sentences[j] = Span{Start: s, End: s + dec.num()}
			prev = p.Sentences[j].End
		}
		d.Passages = append(d.Passages, p)
	}
	// Version 1 records end here; later ones list page spans.
	if dec.err == nil && len(dec.buf) > 0 {
		np := dec.num()
		if np > len(d.Text)+1 {
			return nil, errors.New("corrupt document record: too many pages")
		}
		if np > 0 {
			d.Pages = make([]Span, np)
		}
		prev := 0
		for i := 0; i < np && dec.err == nil; i++ {
			s := prev + dec.num()
			d.Pages[i] = Span{Start: s, End: s + dec.num()}
			prev = d.Pages[i].End
		}
		if prev > len(d.Text) {
			return nil, errors.New("corrupt document record: page outside text")
		}
	}
	if dec.err != nil {
		return nil, fmt.Errorf("decode document: %w", dec.err)
	}
	for _, p := range d.Passages {
		if p.End > len(d.Text) || p.Start > p.End {
			return nil, errors.New("corrupt document record: passage outside text")
		}
	}
	return d, nil
}
