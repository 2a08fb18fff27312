package opensearchindex_test

import (
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
		name := ostest.Name(t, c)
		return buildOpen(t, opensearchindex.Target{Client: c, Name: name, Where: ostest.URL() + "/" + name, Shards: 2, Replicas: 0}, docs)
	})
}
