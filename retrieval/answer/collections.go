package answer

import (
	"context"
	"slices"
	"sync"

	"github.com/citebot/citebot/retrieval"
)

// collectionsCache remembers the collections of the generation last
// asked about, so checking a request's collections costs a listing of
// the documents once per generation, not once per question.
type collectionsCache struct {
	mu    sync.Mutex
	gen   retrieval.Backend
	names []string
}

// Collections lists the collections the served generation holds, in
// name order (a document without one is in retrieval.DefaultCollection).
func (e *Engine) Collections() ([]string, error) {
	cache := &e.collections
	var names []string
	err := e.live.With(func(b retrieval.Backend) error {
		cache.mu.Lock()
		defer cache.mu.Unlock()
		if cache.gen == b {
			names = cache.names
			return nil
		}
		src, err := b.Sources(context.Background())
		if err != nil {
			return err
		}
		names = retrieval.CollectionsOf(src)
		cache.gen, cache.names = b, names
		return nil
	})
	return slices.Clone(names), err
}
