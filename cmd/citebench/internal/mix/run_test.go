package mix

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/discord"
)

const discordMaxBody = discord.MaxBodyBytes

// TestMixedLoad is the mixed load at a size the suite can afford: 2,000
// requests (every kind in the mix, valid and hostile, every variant of
// each) at 64 connections against a real `citebot serve` process with
// both chat adapters in HTTP mode, while `citebot index` rebuilds the
// served index. Run fails on any 5xx, any request without a response, a
// status a kind must not get, an error in the server's log, a dead
// server, an answer never delivered or memory grown past the bound. Its
// time limit is the test's own: nothing here depends on how fast the
// machine is. The full run (10,000 requests) is `go run ./cmd/citebench
// mix`, see RELIABILITY.md.
func TestMixedLoad(t *testing.T) {
	// A race-built process sleeps a second before it exits (to let
	// other threads report): each re-index would.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	var build []string
	if raceEnabled {
		build = append(build, "-race") // reuses the packages this test was built from
	}
	rep, err := Run(context.Background(), Options{
		BuildFlags: build, Corpus: "../../../../seeds", Requests: 2000, Conns: 64,
		Timeout: testTimeLimit(t), Reindex: true, MaxRSSGrowthKB: 512 * 1024, Log: testWriter{t},
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
	for name, k := range rep.Kinds {
		if k.Sent != 2000/len(mix) {
			t.Errorf("%s: %d sent; want %d", name, k.Sent, 2000/len(mix))
		}
	}
	// Every oversized body got 413, not a reset connection and not
	// another status: 125 each to /api/ask and /slack/events, and every
	// tenth Discord junk delivery (13).
	if want := 2*125 + 13; rep.OversizedSent != want || rep.Oversized413 != want {
		t.Errorf("oversized bodies: %d sent, %d got 413; want %d and %d", rep.OversizedSent, rep.Oversized413, want, want)
	}
	for _, name := range []string{"api oversized body", "slack oversized body"} {
		if got := rep.Kinds[name].Statuses[http.StatusRequestEntityTooLarge]; got != 125 {
			t.Errorf("%s: %d answered 413; want all 125", name, got)
		}
	}
	// Every question asked through Slack or Discord is answered once:
	// an event, a command and an interaction per kind.
	asked := rep.Kinds["slack event"].Sent + rep.Kinds["slack command"].Sent + rep.Kinds["discord ask"].Sent
	if rep.AnswersExpected != int64(asked) || rep.AnswersPosted < rep.AnswersExpected {
		t.Errorf("%d answers posted, %d expected; want at least the %d questions asked over chat", rep.AnswersPosted, rep.AnswersExpected, asked)
	}
	if rep.Reindexes < 1 {
		t.Errorf("%d re-indexes completed during the load", rep.Reindexes)
	}
}

// testTimeLimit is what is left of the test's own deadline, less a
// margin to report in; 10 minutes without one.
func testTimeLimit(t *testing.T) time.Duration {
	if d, ok := t.Deadline(); ok {
		return time.Until(d) - 10*time.Second
	}
	return 10 * time.Minute
}

// Every variant of a kind is sent in turn: the request number within
// the kind picks it, not the request number, which would repeat one
// variant for kinds at an even place in the mix.
func TestEveryVariantIsSent(t *testing.T) {
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &secrets{apiToken: "t", slackSecret: "s", discordKey: key, discordAppID: "1", slackResponse: "http://127.0.0.1:1/slack/response/"}
	stale := func(req *http.Request) bool {
		ts := req.Header.Get("X-Slack-Request-Timestamp") + req.Header.Get("X-Signature-Timestamp")
		sec, _ := strconv.ParseInt(ts, 10, 64)
		return time.Since(time.Unix(sec, 0)) > 30*time.Minute
	}
	variants := map[string]map[string]bool{}
	for i := range 64 * len(mix) {
		k := mix[i%len(mix)]
		req := k.make("http://127.0.0.1:1", s, newRequest(i))
		var v string
		switch k.name {
		case "api hostile question", "api bad JSON":
			b, _ := io.ReadAll(req.Body)
			v = string(b)
		case "api bad token":
			v = req.Header.Get("Authorization")
		case "slack bad signature", "discord bad signature":
			v = fmt.Sprint(req.URL.Path, stale(req))
		case "api good question", "slack event", "discord ask":
			b, _ := io.ReadAll(req.Body)
			for _, q := range questions {
				if strings.Contains(string(b), q) {
					v = q
				}
			}
		}
		if variants[k.name] == nil {
			variants[k.name] = map[string]bool{}
		}
		variants[k.name][v] = true
	}
	for name, want := range map[string]int{
		"api good question":     len(questions),
		"slack event":           len(questions),
		"discord ask":           len(questions),
		"api hostile question":  len(junkQuestions),
		"api bad JSON":          4,
		"api bad token":         2, // none, and a wrong one
		"slack bad signature":   6, // three endpoints, each with the wrong secret and replayed
		"discord bad signature": 2, // another key, and stale
	} {
		if got := len(variants[name]); got != want {
			t.Errorf("%s: %d variants sent; want %d", name, got, want)
		}
	}
	oversized := 0
	for i := range 160 * len(mix) {
		if k := mix[i%len(mix)]; k.name == "discord junk" && k.oversized(newRequest(i)) {
			oversized++
			if req := k.make("http://127.0.0.1:1", s, newRequest(i)); req.ContentLength <= discordMaxBody {
				t.Errorf("an oversized Discord delivery of %d bytes", req.ContentLength)
			}
		}
	}
	if oversized != 16 {
		t.Errorf("%d oversized Discord junk deliveries in 160; want every tenth, 16", oversized)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
