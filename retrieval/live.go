package retrieval

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Live holds the index a server answers from and replaces it while
// questions keep flowing: every question runs on the index that was
// current when it started, and a replaced index is closed only once the
// last question using it has finished. It is safe for concurrent use and
// satisfies bot.Index.
//
// A Live over a persisted index (OpenLive) follows the index folder:
// Reload opens the generation CURRENT names if it is newer. A Live over an
// in-memory index (NewLive) is given replacements with Swap.
type Live struct {
	dir string
	mu  sync.Mutex // serialises Reload, Swap and Close
	cur atomic.Pointer[liveRef]
}

// liveRef counts the users of one index: one for being current, one per
// question in flight. The count never rises again once it reached zero,
// so a closed index is never used.
type liveRef struct {
	ix   *Index
	refs atomic.Int64
}

func (r *liveRef) release() {
	if r.refs.Add(-1) == 0 {
		r.ix.Close()
	}
}

// ErrClosed is returned by a Live after Close.
var ErrClosed = errors.New("index closed")

// NewLive serves ix until Swap replaces it.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.install(ix)
	return l
}

// OpenLive opens the persisted index at dir for serving.
func OpenLive(dir string) (*Live, error) {
	ix, err := Open(dir)
	if err != nil {
		return nil, err
	}
	l := NewLive(ix)
	l.dir = dir
	return l, nil
}

// install makes ix current and releases the one it replaces.
func (l *Live) install(ix *Index) {
	var next *liveRef
	if ix != nil {
		next = &liveRef{ix: ix}
		next.refs.Store(1)
	}
	if old := l.cur.Swap(next); old != nil {
		old.release()
	}
}

// acquire returns the current index with a reference the caller must
// release.
func (l *Live) acquire() (*liveRef, error) {
	for {
		r := l.cur.Load()
		if r == nil {
			return nil, ErrClosed
		}
		n := r.refs.Load()
		if n > 0 && r.refs.CompareAndSwap(n, n+1) {
			return r, nil
		}
		// r is being retired; the next Load sees its successor.
	}
}

// Swap serves ix from now on. Questions already running finish on the
// index they started with, which is then closed.
func (l *Live) Swap(ix *Index) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur.Load() == nil {
		ix.Close() // closed meanwhile
		return
	}
	l.install(ix)
}

// Reload serves the generation the index folder's CURRENT names, if it is
// not the one served already, and reports whether it switched. It is for
// a Live made by OpenLive.
func (l *Live) Reload() (bool, error) {
	if l.dir == "" {
		return false, errors.New("reload: not a persisted index")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.cur.Load()
	if r == nil {
		return false, ErrClosed
	}
	gen, err := CurrentGeneration(l.dir)
	if err != nil {
		return false, err
	}
	if gen == r.ix.Generation() {
		return false, nil
	}
	ix, err := Open(l.dir)
	if err != nil {
		return false, fmt.Errorf("reload %s: %w", l.dir, err)
	}
	l.install(ix)
	return true, nil
}

// Close stops serving; the index closes once running questions finish.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.install(nil)
	return nil
}

// with runs fn on the current index.
func (l *Live) with(fn func(*Index) error) error {
	r, err := l.acquire()
	if err != nil {
		return err
	}
	defer r.release()
	return fn(r.ix)
}

// Ask answers from the current index (see Index.Ask).
func (l *Live) Ask(ctx context.Context, question string, opts AskOptions) (Answer, error) {
	var a Answer
	err := l.with(func(ix *Index) error {
		var err error
		a, err = ix.Ask(ctx, question, opts)
		return err
	})
	return a, err
}

// Sources lists the current index's documents.
func (l *Live) Sources() ([]Source, error) {
	var s []Source
	err := l.with(func(ix *Index) error {
		var err error
		s, err = ix.Sources()
		return err
	})
	return s, err
}

// Stats describes the current index: documents, passages, when it was
// built and how long that took (the numbers a server exports as gauges).
func (l *Live) Stats() (Stats, error) {
	var s Stats
	err := l.with(func(ix *Index) error {
		var err error
		s, err = ix.Stats()
		return err
	})
	return s, err
}

// DocumentText returns a document's text from the current index.
func (l *Live) DocumentText(id string) (string, error) {
	var t string
	err := l.with(func(ix *Index) error {
		var err error
		t, err = ix.DocumentText(id)
		return err
	})
	return t, err
}

// Generation names the generation served ("" in memory or after Close).
func (l *Live) Generation() string {
	var g string
	_ = l.with(func(ix *Index) error {
		g = ix.Generation()
		return nil
	})
	return g
}
