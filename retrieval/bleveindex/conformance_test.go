package bleveindex_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/backendtest"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
)

// The Bleve backend passes the conformance kit in memory and persisted.
func TestConformance(t *testing.T) {
	t.Run("Memory", func(t *testing.T) {
		backendtest.Run(t, func(t *testing.T, docs []retrieval.Document) retrieval.Backend {
			ix, err := bleveindex.NewMemory(context.Background(), docs)
			if err != nil {
				t.Fatal(err)
			}
			return ix
		})
	})
	t.Run("Persisted", func(t *testing.T) {
		backendtest.Run(t, func(t *testing.T, docs []retrieval.Document) retrieval.Backend {
			dir := filepath.Join(t.TempDir(), "index")
			if _, err := bleveindex.Build(context.Background(), dir, docs, nil); err != nil {
				t.Fatal(err)
			}
			ix, err := bleveindex.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			return ix
		})
	})
}

// TestPersistedIndexAnswersLikeMemory: an index built to disk and opened
// again (without the documents) answers exactly as the in-memory one.
func TestPersistedIndexAnswersLikeMemory(t *testing.T) {
	ctx := context.Background()
	docs := seedtest.Docs(t)
	dir := t.TempDir()
	if _, err := bleveindex.Build(ctx, dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	disk, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := bleveindex.NewMemory(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, inMemory := answer.New(retrieval.NewLive(disk)), answer.New(retrieval.NewLive(mem))
	defer onDisk.Close()
	defer inMemory.Close()
	for _, q := range []string{"What was the FY2026 refugee cap?", "Who wrote the CRBC News article?", "What is the refugee cap for fiscal 2027?", "Who said a nation without borders is not a nation?"} {
		a, err := inMemory.Ask(ctx, q, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := onDisk.Ask(ctx, q, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%q:\n memory %s\n disk   %s", q, ja, jb)
		}
		backendtest.CheckAnswer(t, onDisk, b)
	}
}
