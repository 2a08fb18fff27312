package opensearchindex_test

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/backendtest"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
)

// The OpenSearch backend passes the conformance kit on a live cluster.
func TestConformance(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	backendtest.Run(t, func(t *testing.T, docs []retrieval.Document) retrieval.Backend {
		ctx := context.Background()
		name := ostest.Name(t, c)
		target := opensearchindex.Target{Client: c, Name: name, Shards: 2, Replicas: 0}
		if _, err := opensearchindex.Build(ctx, target, docs, nil); err != nil {
			t.Fatal(err)
		}
		ix, err := opensearchindex.Open(ctx, c, name, ostest.URL()+"/"+name)
		if err != nil {
			t.Fatal(err)
		}
		return ix
	})
}
