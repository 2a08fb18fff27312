package answer

import (
	"context"
	"sync"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/seeds"
)

var (
	seedOnce sync.Once
	seedEng  *Engine
	seedErr  error
)

// seedEngine answers from the embedded seed corpus in memory, built once
// per test run.
func seedEngine(t testing.TB) *Engine {
	t.Helper()
	seedOnce.Do(func() {
		docs, errs := ingest.LoadFS(context.Background(), seeds.FS, "seeds")
		if len(errs) > 0 {
			seedErr = errs[0]
			return
		}
		ix, err := bleveindex.NewMemory(context.Background(), docs)
		if err != nil {
			seedErr = err
			return
		}
		seedEng = New(retrieval.NewLive(ix))
	})
	if seedErr != nil {
		t.Fatalf("seed index: %v", seedErr)
	}
	return seedEng
}

// newEngine answers from docs indexed in memory for one test.
func newEngine(t testing.TB, docs []retrieval.Document) *Engine {
	t.Helper()
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	e := New(retrieval.NewLive(ix))
	t.Cleanup(func() { e.Close() })
	return e
}
