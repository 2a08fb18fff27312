// Package ostest connects tests to a real OpenSearch cluster (there is no
// fake one): the cluster at CITEBOT_TEST_OPENSEARCH_URL (default
// http://127.0.0.1:9200, what `.ci/opensearch start` runs). Without a
// reachable cluster the live tests skip, unless CITEBOT_TEST_REQUIRE_OPENSEARCH
// is 1 (as .ci/run sets it), when they fail.
package ostest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

// DefaultURL is where the tests look for a cluster when
// CITEBOT_TEST_OPENSEARCH_URL is not set.
const DefaultURL = "http://127.0.0.1:9200"

// URL is the base URL of the test cluster.
func URL() string {
	if u := os.Getenv("CITEBOT_TEST_OPENSEARCH_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Required reports whether a missing cluster fails the tests:
// CITEBOT_TEST_REQUIRE_OPENSEARCH=1, or the name the OpenSearch issue
// gave the switch first, CITEBOT_REQUIRE_OPENSEARCH=1, which CI scripts
// may still set.
func Required() bool {
	return os.Getenv("CITEBOT_TEST_REQUIRE_OPENSEARCH") == "1" || os.Getenv("CITEBOT_REQUIRE_OPENSEARCH") == "1"
}

// Client returns a client for the cluster at base, skipping the test (or
// failing it, see Required) when the cluster does not answer. The client
// is closed when the test ends.
func Client(t testing.TB, base string) *osclient.Client {
	t.Helper()
	c, err := osclient.New(osclient.Options{Addresses: []string{base}, RequestTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		if Required() {
			t.Fatalf("no OpenSearch cluster at %s and CITEBOT_TEST_REQUIRE_OPENSEARCH=1: %v", base, err)
		}
		t.Skipf("no OpenSearch cluster at %s (start one with .ci/opensearch start): %v", base, err)
	}
	return c
}

// Name returns a fresh index name for one test; every index starting
// with it is deleted when the test ends.
func Name(t testing.TB, c *osclient.Client) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	name := "citebot-test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		q := url.Values{"ignore_unavailable": {"true"}, "allow_no_indices": {"true"}, "expand_wildcards": {"all"}}
		if err := c.Do(ctx, http.MethodDelete, "/"+name+"*", q, nil, nil); err != nil {
			t.Logf("delete the test's indexes %s*: %v", name, err)
		}
	})
	return name
}
