package retrieval_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
)

func memory(t *testing.T, docs ...retrieval.Document) retrieval.Backend {
	t.Helper()
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func sourceIDs(t *testing.T, l *retrieval.Live) []string {
	t.Helper()
	srcs, err := l.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.SourceIDs(srcs)
}

// TestLiveSwap: a Live serves the generation it is given; one acquired
// before a swap stays open until released, then closes.
func TestLiveSwap(t *testing.T) {
	ctx := context.Background()
	live := retrieval.NewLive(memory(t, retrieval.Document{ID: "a", Text: "Alpha text."}))
	if ids := sourceIDs(t, live); !slices.Equal(ids, []string{"a"}) {
		t.Fatalf("sources %v", ids)
	}
	held, release, err := live.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	live.Swap(memory(t, retrieval.Document{ID: "b", Text: "Beta text."}))
	if ids := sourceIDs(t, live); !slices.Equal(ids, []string{"b"}) {
		t.Errorf("after swap: sources %v", ids)
	}
	if _, err := held.Sources(ctx); err != nil {
		t.Errorf("a generation acquired before the swap closed while held: %v", err)
	}
	release()
	if _, err := held.Sources(ctx); err == nil {
		t.Error("a replaced generation stayed open after its last user released it")
	}
	replaced, err := live.Replace(func(cur retrieval.Backend) (retrieval.Backend, error) { return nil, nil })
	if err != nil || replaced {
		t.Errorf("Replace keeping the current generation: %v, %v", replaced, err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := live.Acquire(); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Acquire after Close: %v; want ErrClosed", err)
	}
	if _, err := live.Replace(func(retrieval.Backend) (retrieval.Backend, error) { return nil, nil }); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Replace after Close: %v; want ErrClosed", err)
	}
}
