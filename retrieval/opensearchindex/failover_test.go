package opensearchindex_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
)

// script is .ci/opensearch, which starts, stops and kills nodes of a
// local cluster.
var script = filepath.Join("..", "..", ".ci", "opensearch")

// threeNodes starts (or reuses) a 3-node cluster on the port
// CITEBOT_TEST_OPENSEARCH_FAILOVER_PORT names, and stops it when the test
// ends (the node the test kills leaves it unfit for reuse). Without the
// variable the test skips, unless CITEBOT_TEST_REQUIRE_OPENSEARCH=1.
func threeNodes(t *testing.T) (port string, urls []string) {
	t.Helper()
	port = os.Getenv("CITEBOT_TEST_OPENSEARCH_FAILOVER_PORT")
	if port == "" {
		if ostest.Required() {
			t.Fatal("CITEBOT_TEST_REQUIRE_OPENSEARCH=1 but CITEBOT_TEST_OPENSEARCH_FAILOVER_PORT is not set: the failover test needs a port for its 3-node cluster")
		}
		t.Skip("set CITEBOT_TEST_OPENSEARCH_FAILOVER_PORT (e.g. 9300) to run the failover test on a 3-node cluster it starts with .ci/opensearch")
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(script, "start", "--nodes", "3", "--port", port)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf(".ci/opensearch start --nodes 3 --port %s: %v\n%s", port, err, errb.String())
	}
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", "--port", port).CombinedOutput(); err != nil {
			t.Logf(".ci/opensearch stop --port %s: %v\n%s", port, err, out)
		}
	})
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if u := strings.TrimSpace(sc.Text()); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) != 3 {
		t.Fatalf("the script printed %q; want 3 node URLs", urls)
	}
	// The last line is node 0: put it first.
	urls = append(urls[len(urls)-1:], urls[:len(urls)-1]...)
	return port, urls
}

// TestFailover: on 3 nodes with one replica per shard, a node is killed
// while clients ask. Every answer either succeeds or fails with
// ErrUnavailable (retryable), and each client's answers succeed again
// within a bounded number of attempts, from the other nodes.
func TestFailover(t *testing.T) {
	port, urls := threeNodes(t)
	ctx := context.Background()
	c, err := osclient.New(osclient.Options{Addresses: urls, RequestTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	eng := answer.New(retrieval.NewLive(buildOpen(t, opensearchindex.Target{Client: c, Name: ostest.Name(t, c), Shards: 3, Replicas: 1}, seedDocs(t, ""))))
	defer eng.Close()

	const clients, before, after, maxAttempts = 8, 10, 10, 40
	killed := make(chan struct{})
	var started sync.WaitGroup
	started.Add(clients)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failures, worst := 0, 0
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ask := func() error {
				a, err := eng.Ask(ctx, "What was the FY2026 refugee cap?", retrieval.AskOptions{})
				if err == nil && !a.Answered {
					t.Errorf("client %d: declined (%s)", i, a.Reason)
				}
				return err
			}
			for range before {
				if err := ask(); err != nil {
					t.Errorf("client %d before the kill: %v", i, err)
				}
			}
			started.Done()
			<-killed
			// After the kill: failures must be retryable, and answers
			// come back within maxAttempts.
			for n := 0; n < after; n++ {
				attempts := 0
				for {
					attempts++
					err := ask()
					if err == nil {
						break
					}
					if !errors.Is(err, retrieval.ErrUnavailable) {
						t.Errorf("client %d: a failure that is not retryable: %v", i, err)
						return
					}
					mu.Lock()
					failures++
					mu.Unlock()
					if attempts >= maxAttempts {
						t.Errorf("client %d: still failing after %d attempts: %v", i, attempts, err)
						return
					}
					// A client backs off between retries.
					time.Sleep(time.Duration(attempts) * 50 * time.Millisecond)
				}
				mu.Lock()
				worst = max(worst, attempts)
				mu.Unlock()
			}
		}()
	}
	started.Wait()
	if out, err := exec.Command(script, "kill-node", "--port", port, "--node", "2").CombinedOutput(); err != nil {
		t.Fatalf("kill-node: %v\n%s", err, out)
	}
	close(killed)
	wg.Wait()
	t.Logf("node 2 (port %s) killed: %d retryable failures, at most %d attempts for an answer", strconv.Itoa(mustAtoi(t, port)+2), failures, worst)
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
