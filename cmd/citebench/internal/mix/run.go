// Package mix is citebench's mixed load (`citebench mix`, formerly
// cmd/citeload): it starts `citebot serve` as a separate process on
// loopback, with the Slack and Discord adapters in HTTP mode pointed at
// local fake APIs, and sends a bounded number of mixed requests at a
// fixed number of concurrent connections — good questions, junk,
// oversized bodies, bad JSON, bad tokens, and validly and badly signed
// Slack and Discord deliveries — to /api/ask, /slack/events,
// /slack/commands, /slack/interactions and /discord/interactions. With
// Reindex, `citebot index` rebuilds the served index in a loop meanwhile
// (serve follows it).
//
// Run reports status codes per kind of request, latency percentiles and
// the server's resident memory before and after, and fails on any 5xx,
// any request without a response, any status a kind must not get (every
// oversized body must get 413), an error in the server's log, a server
// that died, an answer asked for over chat and never delivered, or
// memory grown past a bound.
package mix

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/serveproc"
	"github.com/citebot/citebot/cmd/citebench/internal/stats"
)

// Options configure one load run.
type Options struct {
	Citebot        string        // binary; empty builds ./cmd/citebot
	BuildFlags     []string      // extra go build flags when building it
	Corpus         string        // folder to index
	Requests       int           // how many to send
	Conns          int           // how many at once
	Timeout        time.Duration // for the whole run
	Reindex        bool          // rebuild the index in a loop meanwhile
	MaxRSSGrowthKB int64         // fail beyond this growth
	Log            io.Writer     // progress; nil discards
}

// KindResult is what one kind of request got.
type KindResult struct {
	Sent       int         `json:"sent"`
	Statuses   map[int]int `json:"statuses"`
	Unexpected int         `json:"unexpected"` // a status not in the kind's list
	Errors     int         `json:"errors"`     // no response at all
}

// Report is the outcome of a run.
type Report struct {
	Requests       int     `json:"requests"`
	Conns          int     `json:"conns"`
	Reindex        bool    `json:"reindex"`
	Reindexes      int     `json:"reindexes_completed"`
	Seconds        float64 `json:"seconds"`
	PerSecond      float64 `json:"requests_per_second"`
	ServerErrors   int     `json:"server_errors"` // 5xx
	FailedRequests int     `json:"failed_requests"`
	Unexpected     int     `json:"unexpected_statuses"`
	P50ms          float64 `json:"p50_ms"`
	P99ms          float64 `json:"p99_ms"`
	MaxMs          float64 `json:"max_ms"`
	RSSBeforeKB    int64   `json:"rss_before_kb"`
	RSSAfterKB     int64   `json:"rss_after_kb"`
	RSSPeakKB      int64   `json:"rss_peak_kb"`
	ServerAlive    bool    `json:"server_alive"`
	AnswersPosted  int64   `json:"answers_posted"` // to the fake Slack and Discord APIs
	// AnswersExpected is how many questions were asked over Slack and
	// Discord and acknowledged: each must be answered.
	AnswersExpected int64 `json:"answers_expected"`
	// OversizedSent requests carried a body over their endpoint's limit;
	// Oversized413 of them got 413 (all must).
	OversizedSent int                    `json:"oversized_sent"`
	Oversized413  int                    `json:"oversized_413"`
	Kinds         map[string]*KindResult `json:"kinds"`
	FirstErrors   []string               `json:"first_errors,omitempty"`
}

// Print writes the report as a table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d requests, %d connections, %.1f s (%.0f/s)%s\n", r.Requests, r.Conns, r.Seconds, r.PerSecond,
		map[bool]string{true: fmt.Sprintf(", during %d completed re-indexes", r.Reindexes)}[r.Reindex])
	fmt.Fprintf(w, "5xx: %d   no response: %d   unexpected status: %d   server alive: %v   answers posted: %d of %d\n",
		r.ServerErrors, r.FailedRequests, r.Unexpected, r.ServerAlive, r.AnswersPosted, r.AnswersExpected)
	fmt.Fprintf(w, "oversized bodies: %d sent, %d answered 413\n", r.OversizedSent, r.Oversized413)
	fmt.Fprintf(w, "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", r.P50ms, r.P99ms, r.MaxMs)
	fmt.Fprintf(w, "server RSS before %.1f MiB, after %.1f MiB, peak %.1f MiB\n",
		float64(r.RSSBeforeKB)/1024, float64(r.RSSAfterKB)/1024, float64(r.RSSPeakKB)/1024)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\tsent\tstatuses\tunexpected\tno response")
	for _, n := range slices.Sorted(maps.Keys(r.Kinds)) {
		k := r.Kinds[n]
		var st []string
		for _, c := range slices.Sorted(maps.Keys(k.Statuses)) {
			st = append(st, fmt.Sprintf("%d×%d", c, k.Statuses[c]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\n", n, k.Sent, strings.Join(st, " "), k.Unexpected, k.Errors)
	}
	tw.Flush()
	for _, e := range r.FirstErrors {
		fmt.Fprintln(w, "  ", e)
	}
}

// answersWithin bounds the wait, after the load, for answers the server
// acknowledged to reach the fake APIs; answer jobs have deadlines well
// inside it, so it only ends a run whose answers were lost.
const answersWithin = time.Minute

// Run builds the index, starts `citebot serve`, sends the load and
// returns the report; the error says why the run failed (the report is
// returned too when there is one).
func Run(ctx context.Context, o Options) (*Report, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	logf := func(format string, args ...any) { fmt.Fprintf(logw, "citebench mix: "+format+"\n", args...) }

	tmp, err := os.MkdirTemp("", "citebench-mix-")
	if err != nil {
		return nil, fmt.Errorf("work folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := o.Citebot
	if bin == "" {
		logf("building citebot")
		if bin, err = serveproc.Build(ctx, tmp, o.BuildFlags...); err != nil {
			return nil, err
		}
	}
	index := filepath.Join(tmp, "index")
	reindex := func(ctx context.Context) error {
		out, err := exec.CommandContext(ctx, bin, "index", "--rebuild", "--corpus", "seeds="+o.Corpus, "--index", index).CombinedOutput()
		if err != nil {
			return fmt.Errorf("citebot index: %w\n%s", err, out)
		}
		return nil
	}
	logf("indexing %s", o.Corpus)
	if err := reindex(ctx); err != nil {
		return nil, err
	}

	api := newFakeAPI()
	defer api.srv.Close()
	s, cfgFile, err := writeConfig(tmp, index, api.srv.URL)
	if err != nil {
		return nil, err
	}
	srv, err := serveproc.Start(ctx, serveproc.Options{Binary: bin, Dir: tmp, Args: []string{"--config", cfgFile}})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	logf("serving on %s (pid %d)", srv.URL, srv.Pid())

	rep := &Report{Requests: o.Requests, Conns: o.Conns, Reindex: o.Reindex, Kinds: map[string]*KindResult{}}
	rep.RSSBeforeKB = srv.Memory().RSSKB

	// The re-index loop starts a rebuild whenever the last one is done,
	// for as long as the load runs; the rebuild running when the load
	// ends is let finish, so at least one overlaps the load whatever the
	// speed of the machine.
	var loadDone atomic.Bool
	var reindexes atomic.Int64
	reindexErr := make(chan error, 1)
	if o.Reindex {
		go func() {
			for !loadDone.Load() {
				if err := reindex(ctx); err != nil {
					reindexErr <- err
					return
				}
				reindexes.Add(1)
			}
			reindexErr <- nil
		}()
	}

	logf("sending %d requests on %d connections", o.Requests, o.Conns)
	client := load.NewClient(o.Conns, time.Minute)
	defer client.CloseIdleConnections()
	results, elapsed := load.Drive(ctx, client, o.Requests, o.Conns, func(i int) (*http.Request, error) {
		return mix[i%len(mix)].make(srv.URL, s, newRequest(i)), nil
	}, nil)
	loadDone.Store(true)
	rep.Seconds = elapsed.Seconds()
	var problems []string
	if o.Reindex {
		if err := <-reindexErr; err != nil {
			problems = append(problems, err.Error())
		}
		rep.Reindexes = int(reindexes.Load())
	}

	sent := rep.tally(results)
	rep.PerSecond = float64(sent) / rep.Seconds
	// Every question asked over chat and acknowledged is answered, after
	// the acknowledgement: wait for the answers before measuring memory.
	for _, name := range []string{"slack event", "slack command", "discord ask"} {
		if k := rep.Kinds[name]; k != nil {
			rep.AnswersExpected += int64(k.Statuses[http.StatusOK])
		}
	}
	waitCtx, stopWait := context.WithTimeout(ctx, answersWithin)
	for api.posts.Load() < rep.AnswersExpected && waitCtx.Err() == nil {
		select {
		case <-waitCtx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	stopWait()
	rep.AnswersPosted = api.posts.Load()
	mem := srv.Memory()
	rep.RSSAfterKB, rep.RSSPeakKB = mem.RSSKB, mem.PeakKB
	rep.ServerAlive = srv.Healthy(ctx)

	if sent < o.Requests {
		problems = append(problems, fmt.Sprintf("only %d of %d requests were sent before the time limit", sent, o.Requests))
	}
	if rep.ServerErrors > 0 {
		problems = append(problems, fmt.Sprintf("%d server errors (5xx)", rep.ServerErrors))
	}
	if rep.FailedRequests > 0 {
		problems = append(problems, fmt.Sprintf("%d requests got no response", rep.FailedRequests))
	}
	if rep.Unexpected > 0 {
		problems = append(problems, fmt.Sprintf("%d unexpected statuses", rep.Unexpected))
	}
	if rep.Oversized413 < rep.OversizedSent {
		problems = append(problems, fmt.Sprintf("%d of %d oversized bodies did not get 413", rep.OversizedSent-rep.Oversized413, rep.OversizedSent))
	}
	if rep.AnswersPosted < rep.AnswersExpected {
		problems = append(problems, fmt.Sprintf("%d answers posted for %d questions asked over chat", rep.AnswersPosted, rep.AnswersExpected))
	}
	if !rep.ServerAlive {
		problems = append(problems, "the server died or stopped answering /healthz:\n"+srv.LogTail(20))
	}
	if g := rep.RSSAfterKB - rep.RSSBeforeKB; g > o.MaxRSSGrowthKB {
		problems = append(problems, fmt.Sprintf("resident memory grew by %d KiB (limit %d)", g, o.MaxRSSGrowthKB))
	}
	if o.Reindex && rep.Reindexes == 0 {
		problems = append(problems, "no re-index completed during the load")
	}
	if l := srv.LogLineAfterReady(`"level":"ERROR"`); l != "" {
		problems = append(problems, "the server logged an error: "+l)
	}
	if len(problems) > 0 {
		return rep, errors.New(strings.Join(problems, "; "))
	}
	return rep, nil
}

// tally counts the results by kind and status into r and returns how
// many requests were sent.
func (r *Report) tally(results []load.Result) int {
	var lat []time.Duration
	sent := 0
	for i, res := range results {
		if !res.Sent {
			continue // the time limit came first
		}
		sent++
		k := mix[i%len(mix)]
		kr := r.Kinds[k.name]
		if kr == nil {
			kr = &KindResult{Statuses: map[int]int{}}
			r.Kinds[k.name] = kr
		}
		kr.Sent++
		lat = append(lat, res.Latency)
		oversized := k.oversized != nil && k.oversized(newRequest(i))
		if oversized {
			r.OversizedSent++
		}
		switch {
		case res.Err != nil:
			kr.Errors++
			r.FailedRequests++
			if len(r.FirstErrors) < 5 {
				r.FirstErrors = append(r.FirstErrors, k.name+": "+res.Err.Error())
			}
		default:
			kr.Statuses[res.Status]++
			if res.Status >= 500 {
				r.ServerErrors++
			}
			if oversized && res.Status == http.StatusRequestEntityTooLarge {
				r.Oversized413++
			}
			if !slices.Contains(k.ok, res.Status) || (oversized && res.Status != http.StatusRequestEntityTooLarge) {
				kr.Unexpected++
				r.Unexpected++
			}
		}
	}
	l := stats.Summarize(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.P50ms, r.P99ms, r.MaxMs = ms(l.P50), ms(l.P99), ms(l.Max)
	return sent
}

// writeConfig writes serve's configuration (the HTTP API, Slack and
// Discord in HTTP mode against the fake APIs at apiURL, rate limits off)
// with secrets made up for the run.
func writeConfig(dir, index, apiURL string) (*secrets, string, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", fmt.Errorf("discord key: %w", err)
	}
	s := &secrets{apiToken: randomHex(16), slackSecret: randomHex(16), discordKey: key,
		discordAppID: "1100000000000000001", slackResponse: apiURL + "/slack/response/"}
	cfg := fmt.Sprintf(`http:
  addr: 127.0.0.1:0
index:
  path: %q
data:
  dir: %q
api:
  token: %q
limits:
  # Off: the load is about robustness, not about how fast the limiter
  # says no (it is tested on its own).
  per_user: {rate: 0}
  per_channel: {rate: 0}
  per_client: {rate: 0}
log:
  level: info
  format: json
slack:
  enabled: true
  mode: http
  bot_token: xoxb-load-test
  signing_secret: %q
  api_url: %q
discord:
  enabled: true
  mode: http
  bot_token: load-test-bot-token
  app_id: %q
  public_key: %q
  api_url: %q
`, index, filepath.Join(dir, "data"), s.apiToken, s.slackSecret, apiURL+"/api/", s.discordAppID,
		hex.EncodeToString(key.Public().(ed25519.PublicKey)), apiURL)
	path := filepath.Join(dir, "citebot.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, "", fmt.Errorf("write serve's configuration: %w", err)
	}
	return s, path, nil
}

// newRequest numbers request i of a run.
func newRequest(i int) request {
	return request{i: i, n: i / len(mix), rng: mrand.New(mrand.NewPCG(uint64(i), 42))}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
