package retrieval

import (
	"context"
	"sync"
	"sync/atomic"
)

// Live holds the generation a server answers from and replaces it while
// questions keep flowing: every answer runs on the generation that was
// current when it started (Acquire), and a replaced generation is closed
// only once the last answer using it has finished. It is safe for
// concurrent use.
//
// What to replace it with is the backend's business: an in-memory index
// rebuilt from watched folders is handed to Swap; a persisted index is
// followed with Replace, which compares generations under Live's lock
// (see bleveindex.Follow).
type Live struct {
	mu  sync.Mutex // serialises Swap, Replace and Close
	cur atomic.Pointer[liveRef]
}

// liveRef counts the users of one generation: one for being current, one
// per answer in flight. The count never rises again once it reached zero,
// so a closed generation is never used.
type liveRef struct {
	b    Backend
	refs atomic.Int64
}

func (r *liveRef) release() {
	if r.refs.Add(-1) == 0 {
		r.b.Close()
	}
}

// NewLive serves b until it is replaced.
func NewLive(b Backend) *Live {
	l := &Live{}
	l.install(b)
	return l
}

// install makes b current and releases the generation it replaces.
func (l *Live) install(b Backend) {
	var next *liveRef
	if b != nil {
		next = &liveRef{b: b}
		next.refs.Store(1)
	}
	if old := l.cur.Swap(next); old != nil {
		old.release()
	}
}

// Acquire returns the current generation and a release function the
// caller must call once done with it (once: it is not idempotent). Every
// call an answer makes should go to this one generation.
func (l *Live) Acquire() (Backend, func(), error) {
	for {
		r := l.cur.Load()
		if r == nil {
			return nil, nil, ErrClosed
		}
		n := r.refs.Load()
		if n > 0 && r.refs.CompareAndSwap(n, n+1) {
			return r.b, r.release, nil
		}
		// r is being retired; the next Load sees its successor.
	}
}

// Swap serves b from now on. Answers already running finish on the
// generation they started with, which is then closed.
func (l *Live) Swap(b Backend) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur.Load() == nil {
		b.Close() // closed meanwhile
		return
	}
	l.install(b)
}

// Replace calls next with the current generation, under the lock that
// serialises replacements; when next returns a Backend, it is served
// from now on (as by Swap). It reports whether it replaced the
// generation. next returning (nil, nil) keeps the current one.
func (l *Live) Replace(next func(cur Backend) (Backend, error)) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.cur.Load()
	if r == nil {
		return false, ErrClosed
	}
	b, err := next(r.b)
	if err != nil || b == nil {
		return false, err
	}
	l.install(b)
	return true, nil
}

// Close stops serving; the generation closes once running answers finish.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.install(nil)
	return nil
}

// With runs fn on the current generation.
func (l *Live) With(fn func(Backend) error) error {
	b, release, err := l.Acquire()
	if err != nil {
		return err
	}
	defer release()
	return fn(b)
}

// Sources lists the current generation's documents.
func (l *Live) Sources(ctx context.Context) ([]Source, error) {
	var s []Source
	err := l.With(func(b Backend) error {
		var err error
		s, err = b.Sources(ctx)
		return err
	})
	return s, err
}

// Stats describes the current generation: documents, passages, when it
// was built and how long that took (the numbers a server exports as
// gauges).
func (l *Live) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := l.With(func(b Backend) error {
		var err error
		s, err = b.Stats(ctx)
		return err
	})
	return s, err
}

// Document returns a document of the current generation.
func (l *Live) Document(ctx context.Context, id string) (*IndexedDoc, error) {
	var d *IndexedDoc
	err := l.With(func(b Backend) error {
		var err error
		d, err = b.Document(ctx, id)
		return err
	})
	return d, err
}

// Generation names the generation served ("" in memory or after Close).
func (l *Live) Generation() string {
	var g string
	_ = l.With(func(b Backend) error {
		g = b.Generation()
		return nil
	})
	return g
}
