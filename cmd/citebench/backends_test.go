package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/citebot/citebot/cmd/citebench/internal/backends"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
)

// TestBackendsSideBySide runs `citebench backends` on the seeds against
// the live cluster: both backends measured, the same passages, the same
// answers (citebot scores OpenSearch's candidates with its own BM25), and
// the cluster's indexes deleted afterwards.
func TestBackendsSideBySide(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	name := ostest.Name(t, c)
	var stdout, stderr bytes.Buffer
	args := []string{"backends", "-opensearch", ostest.URL(), "-name", name, "-sizes", "seeds", "-scale-from", "seeds",
		"-shared", testShared(t), "-questions", "0", "-c", "2", "-work", t.TempDir(), "-json"}
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var rs []backends.Result
	if err := json.Unmarshal(stdout.Bytes(), &rs); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if len(rs) != 2 || rs[0].Backend != backends.Bleve || rs[1].Backend != backends.OpenSearch {
		t.Fatalf("results %+v; want bleve then opensearch", rs)
	}
	bl, os := rs[0], rs[1]
	for _, r := range rs {
		if r.Passages == 0 || r.PassagesPerSec <= 0 || r.Serial.P50 <= 0 || r.Serial.P50 > r.Serial.P99 || r.AnswersPerSec <= 0 {
			t.Errorf("%s: %+v; want passages, rates and ordered percentiles", r.Backend, r)
		}
	}
	if os.Passages != bl.Passages || os.Quote1 != bl.Quote1 || os.Answered != bl.Answered {
		t.Errorf("opensearch %d passages, quote@1 %v, answered %v; bleve %d, %v, %v", os.Passages, os.Quote1, os.Answered, bl.Passages, bl.Quote1, bl.Answered)
	}
	if os.SameAsBleve != 1 || os.SameTextAsBleve != 1 {
		t.Errorf("opensearch gave the same answer as bleve to %.0f%% of the seed questions; want all", 100*os.SameAsBleve)
	}
	if bl.Quote1 < 0.9 {
		t.Errorf("quote@1 %.2f on the seeds' dev questions; want ≥ 0.9", bl.Quote1)
	}
	err := c.Do(context.Background(), http.MethodGet, "/_alias/"+name+"-seeds", nil, nil, nil)
	if !osclient.IsStatus(err, http.StatusNotFound) {
		t.Errorf("after the run, GET /_alias/%s-seeds: %v; want 404 (indexes deleted)", name, err)
	}
}
