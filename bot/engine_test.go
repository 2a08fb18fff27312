package bot

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
)

// MemoryEngine indexes docs in memory (the Bleve backend) and returns
// the answering engine over them, closed when the test ends: the real
// retrieval core under bot's tests, inside the package and out.
func MemoryEngine(t testing.TB, docs ...retrieval.Document) *answer.Engine {
	t.Helper()
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	e := answer.New(retrieval.NewLive(ix))
	t.Cleanup(func() { e.Close() })
	return e
}
