// Package docstore keeps what a backend holds per document besides its
// search postings: the IndexedDoc (text, metadata, passages, sentences and
// analysed tokens), so answering never re-reads, re-segments or
// re-analyses a source file. Memory serves indexes built for one process,
// Bolt persists beside a Bleve index, and Encode/Decode are the record
// format both use (and any backend may store as a blob).
package docstore

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/citebot/citebot/retrieval"
)

// Store holds IndexedDocs by id. Implementations are safe for concurrent
// use; the documents they return are shared and must not be modified.
type Store interface {
	// Get returns a document, or an error wrapping retrieval.ErrNoDocument.
	Get(id string) (*retrieval.IndexedDoc, error)
	Put(docs ...*retrieval.IndexedDoc) error
	Delete(ids ...string) error
	// Each calls fn for every document's id, content hash and listing,
	// in id order, without decoding texts.
	Each(fn func(id, hash string, src retrieval.Source) error) error
	Close() error
}

func noDoc(id string) error { return fmt.Errorf("%w: %q", retrieval.ErrNoDocument, id) }

// Memory is a Store in a map.
type Memory struct {
	mu   sync.RWMutex
	docs map[string]*retrieval.IndexedDoc
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{docs: map[string]*retrieval.IndexedDoc{}} }

// Get implements Store.
func (m *Memory) Get(id string) (*retrieval.IndexedDoc, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	d, ok := m.docs[id]
	if !ok {
		return nil, noDoc(id)
	}
	return d, nil
}

// Put implements Store.
func (m *Memory) Put(docs ...*retrieval.IndexedDoc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range docs {
		m.docs[d.ID] = d
	}
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.docs, id)
	}
	return nil
}

// Each implements Store.
func (m *Memory) Each(fn func(string, string, retrieval.Source) error) error {
	m.mu.RLock()
	ids := make([]string, 0, len(m.docs))
	for id := range m.docs {
		ids = append(ids, id)
	}
	m.mu.RUnlock()
	sort.Strings(ids)
	for _, id := range ids {
		d, err := m.Get(id)
		if err != nil {
			continue
		}
		if err := fn(id, d.Hash, d.Source()); err != nil {
			return err
		}
	}
	return nil
}

// Close implements Store.
func (m *Memory) Close() error { return nil }

// Bolt is a Store in a bbolt file. Documents are in one bucket, their
// listings (for sources and incremental re-indexing) in another so listing
// never decodes texts. Recently decoded documents are cached: answering
// touches the same few documents again and again.
type Bolt struct {
	db *bolt.DB

	cacheMu sync.Mutex
	cache   map[string]*retrieval.IndexedDoc
}

// cacheSize bounds the decoded documents Bolt keeps, so memory does not
// grow with the corpus.
const cacheSize = 1024

var (
	bucketDocs = []byte("docs")
	bucketMeta = []byte("meta")
)

// OpenBolt opens (or, unless readOnly, creates) the store at path.
func OpenBolt(path string, readOnly bool) (*Bolt, error) {
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
	return &Bolt{db: db, cache: map[string]*retrieval.IndexedDoc{}}, nil
}

func (b *Bolt) cached(id string) *retrieval.IndexedDoc {
	b.cacheMu.Lock()
	defer b.cacheMu.Unlock()
	return b.cache[id]
}

func (b *Bolt) remember(d *retrieval.IndexedDoc) {
	b.cacheMu.Lock()
	defer b.cacheMu.Unlock()
	if len(b.cache) >= cacheSize {
		for k := range b.cache { // evict an arbitrary entry
			delete(b.cache, k)
			break
		}
	}
	b.cache[d.ID] = d
}

func (b *Bolt) forget(id string) {
	b.cacheMu.Lock()
	defer b.cacheMu.Unlock()
	delete(b.cache, id)
}

// Get implements Store.
func (b *Bolt) Get(id string) (*retrieval.IndexedDoc, error) {
	if d := b.cached(id); d != nil {
		return d, nil
	}
	var d *retrieval.IndexedDoc
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketDocs)
		if bk == nil {
			return noDoc(id)
		}
		v := bk.Get([]byte(id))
		if v == nil {
			return noDoc(id)
		}
		var err error
		d, err = Decode(v)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.remember(d)
	return d, nil
}

// Put implements Store.
func (b *Bolt) Put(docs ...*retrieval.IndexedDoc) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bd, bm := tx.Bucket(bucketDocs), tx.Bucket(bucketMeta)
		for _, d := range docs {
			if err := bd.Put([]byte(d.ID), Encode(d)); err != nil {
				return fmt.Errorf("store %q: %w", d.ID, err)
			}
			if err := bm.Put([]byte(d.ID), EncodeListing(d)); err != nil {
				return fmt.Errorf("store %q: %w", d.ID, err)
			}
			b.forget(d.ID)
		}
		return nil
	})
}

// Delete implements Store.
func (b *Bolt) Delete(ids ...string) error {
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

// Each implements Store.
func (b *Bolt) Each(fn func(string, string, retrieval.Source) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketMeta)
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, v []byte) error {
			hash, src, err := DecodeListing(v)
			if err != nil {
				return fmt.Errorf("metadata of %q: %w", k, err)
			}
			return fn(string(k), hash, src)
		})
	})
}

// Close implements Store.
func (b *Bolt) Close() error {
	b.cacheMu.Lock()
	clear(b.cache)
	b.cacheMu.Unlock()
	return b.db.Close()
}

var errCorrupt = errors.New("corrupt document record")
