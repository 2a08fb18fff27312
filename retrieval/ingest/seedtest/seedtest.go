// Package seedtest loads the embedded seed articles for tests, as ingest
// reads them, failing the test on any error. It lives apart from
// ingesttest because ingest's own tests use ingesttest, and this package
// imports ingest.
package seedtest

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/seeds"
)

// Docs returns the seed articles as ingest.LoadFS reads them into the
// seeds collection; any error fails t.
func Docs(t testing.TB) []retrieval.Document {
	t.Helper()
	docs, errs := ingest.LoadFS(context.Background(), seeds.FS, "seeds")
	if len(errs) > 0 {
		t.Fatalf("load the embedded seeds: %v", errs)
	}
	return docs
}
