package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMixedLoad is the harness at a size the suite can afford: 2,000
// mixed requests (every kind in the mix, valid and hostile) at 64
// connections against a real `citebot serve` process with both chat
// adapters in HTTP mode, while `citebot index` rebuilds the served
// index. Run fails on any 5xx, any request without a response, a status
// a kind must not get, an error in the server's log, a dead server or
// memory grown past the bound. The full run (10,000 requests) is
// `go run ./cmd/citeload`, see RELIABILITY.md.
func TestMixedLoad(t *testing.T) {
	var build []string
	if raceEnabled {
		build = append(build, "-race") // reuses the packages this test was built from
	}
	rep, err := Run(context.Background(), Options{
		BuildFlags: build, Corpus: "../../seeds", Requests: 2000, Conns: 64,
		Timeout: 5 * time.Minute, Reindex: true, MaxRSSGrowthKB: 512 * 1024, Log: testWriter{t},
	})
	if rep != nil {
		var b strings.Builder
		rep.Print(&b)
		t.Log("\n" + b.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Kinds) != len(mix) {
		t.Errorf("%d kinds of request sent; want all %d", len(rep.Kinds), len(mix))
	}
	// Every question asked through Slack or Discord is answered once:
	// an event, a command and an interaction per kind (votes on answers
	// the store never had are told so, privately, through the response
	// URL, which counts too).
	if rep.AnswersPosted < int64(rep.Kinds["slack event"].Sent+rep.Kinds["slack command"].Sent+rep.Kinds["discord ask"].Sent) {
		t.Errorf("%d answers posted; fewer than the questions asked over chat", rep.AnswersPosted)
	}
}

func TestCLIRejectsUnboundedRuns(t *testing.T) {
	for _, args := range [][]string{{"--requests", "0"}, {"--requests", "2000000"}, {"--conns", "0"}} {
		if code := cli(context.Background(), args, os.Stdout, testWriter{t}); code != 2 {
			t.Errorf("%v: exit %d; want 2", args, code)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
