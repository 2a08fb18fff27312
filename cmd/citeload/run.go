package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
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
	Requests       int                    `json:"requests"`
	Conns          int                    `json:"conns"`
	Reindex        bool                   `json:"reindex"`
	Reindexes      int                    `json:"reindexes_completed"`
	Seconds        float64                `json:"seconds"`
	PerSecond      float64                `json:"requests_per_second"`
	ServerErrors   int                    `json:"server_errors"` // 5xx
	FailedRequests int                    `json:"failed_requests"`
	Unexpected     int                    `json:"unexpected_statuses"`
	P50ms          float64                `json:"p50_ms"`
	P99ms          float64                `json:"p99_ms"`
	MaxMs          float64                `json:"max_ms"`
	RSSBeforeKB    int64                  `json:"rss_before_kb"`
	RSSAfterKB     int64                  `json:"rss_after_kb"`
	RSSPeakKB      int64                  `json:"rss_peak_kb"`
	ServerAlive    bool                   `json:"server_alive"`
	AnswersPosted  int64                  `json:"answers_posted"` // to the fake Slack and Discord APIs
	Kinds          map[string]*KindResult `json:"kinds"`
	FirstErrors    []string               `json:"first_errors,omitempty"`
}

// Print writes the report as a table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d requests, %d connections, %.1f s (%.0f/s)%s\n", r.Requests, r.Conns, r.Seconds, r.PerSecond,
		map[bool]string{true: fmt.Sprintf(", during %d completed re-indexes", r.Reindexes)}[r.Reindex])
	fmt.Fprintf(w, "5xx: %d   no response: %d   unexpected status: %d   server alive: %v   answers posted: %d\n",
		r.ServerErrors, r.FailedRequests, r.Unexpected, r.ServerAlive, r.AnswersPosted)
	fmt.Fprintf(w, "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", r.P50ms, r.P99ms, r.MaxMs)
	fmt.Fprintf(w, "server RSS before %.1f MiB, after %.1f MiB, peak %.1f MiB\n",
		float64(r.RSSBeforeKB)/1024, float64(r.RSSAfterKB)/1024, float64(r.RSSPeakKB)/1024)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\tsent\tstatuses\tunexpected\tno response")
	names := make([]string, 0, len(r.Kinds))
	for n := range r.Kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k := r.Kinds[n]
		var st []string
		codes := make([]int, 0, len(k.Statuses))
		for c := range k.Statuses {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			st = append(st, fmt.Sprintf("%d×%d", c, k.Statuses[c]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\n", n, k.Sent, strings.Join(st, " "), k.Unexpected, k.Errors)
	}
	tw.Flush()
	for _, e := range r.FirstErrors {
		fmt.Fprintln(w, "  ", e)
	}
}

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
	logf := func(format string, args ...any) { fmt.Fprintf(logw, "citeload: "+format+"\n", args...) }

	tmp, err := os.MkdirTemp("", "citeload-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := o.Citebot
	if bin == "" {
		bin = filepath.Join(tmp, "citebot")
		logf("building citebot")
		args := append(append([]string{"build"}, o.BuildFlags...), "-o", bin, "github.com/citebot/citebot/cmd/citebot")
		if out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build citebot: %w\n%s", err, out)
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
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	s := &secrets{apiToken: randomHex(16), slackSecret: randomHex(16), discordKey: key,
		discordAppID: "1100000000000000001", slackResponse: api.srv.URL + "/slack/response/"}
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
`, index, filepath.Join(tmp, "data"), s.apiToken, s.slackSecret, api.srv.URL+"/api/", s.discordAppID,
		hex.EncodeToString(key.Public().(ed25519.PublicKey)), api.srv.URL)
	cfgFile := filepath.Join(tmp, "citebot.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		return nil, err
	}

	srv, err := startServe(ctx, bin, cfgFile, tmp)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	logf("serving on %s (pid %d)", srv.base, srv.cmd.Process.Pid)

	rep := &Report{Requests: o.Requests, Conns: o.Conns, Reindex: o.Reindex, Kinds: map[string]*KindResult{}}
	rep.RSSBeforeKB = rss(srv.cmd.Process.Pid, "VmRSS")

	var reindexes atomic.Int64
	loadCtx, stopLoad := context.WithCancel(ctx)
	var bg sync.WaitGroup
	var reindexErr error
	if o.Reindex {
		bg.Add(1)
		go func() {
			defer bg.Done()
			for loadCtx.Err() == nil {
				if err := reindex(loadCtx); err != nil {
					if loadCtx.Err() == nil {
						reindexErr = err
					}
					return
				}
				reindexes.Add(1)
			}
		}()
	}

	logf("sending %d requests on %d connections", o.Requests, o.Conns)
	transport := &http.Transport{MaxIdleConnsPerHost: o.Conns, MaxConnsPerHost: o.Conns, DisableCompression: true}
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	type result struct {
		kind    int
		status  int
		err     error
		latency time.Duration
	}
	results := make([]result, o.Requests)
	next := atomic.Int64{}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(w), 42))
			for {
				i := int(next.Add(1)) - 1
				if i >= o.Requests || loadCtx.Err() != nil {
					return
				}
				k := i % len(mix)
				req := mix[k].make(srv.base, s, i, rng).WithContext(loadCtx)
				t0 := time.Now()
				resp, err := client.Do(req)
				r := result{kind: k, err: err}
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					r.status = resp.StatusCode
				}
				r.latency = time.Since(t0)
				results[i] = r
			}
		}()
	}
	wg.Wait()
	rep.Seconds = time.Since(start).Seconds()
	stopLoad()
	bg.Wait()
	rep.Reindexes = int(reindexes.Load())

	var lat []time.Duration
	sent := 0
	for _, r := range results {
		if r.latency == 0 && r.err == nil && r.status == 0 {
			continue // never sent (timed out)
		}
		sent++
		name := mix[r.kind].name
		kr := rep.Kinds[name]
		if kr == nil {
			kr = &KindResult{Statuses: map[int]int{}}
			rep.Kinds[name] = kr
		}
		kr.Sent++
		lat = append(lat, r.latency)
		switch {
		case r.err != nil:
			kr.Errors++
			rep.FailedRequests++
			if len(rep.FirstErrors) < 5 {
				rep.FirstErrors = append(rep.FirstErrors, name+": "+r.err.Error())
			}
		default:
			kr.Statuses[r.status]++
			if r.status >= 500 {
				rep.ServerErrors++
			}
			if !slices.Contains(mix[r.kind].ok, r.status) {
				kr.Unexpected++
				rep.Unexpected++
			}
		}
	}
	rep.PerSecond = float64(sent) / rep.Seconds
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		pct := func(p float64) float64 { return float64(lat[min(n-1, int(p*float64(n)))].Microseconds()) / 1000 }
		rep.P50ms, rep.P99ms, rep.MaxMs = pct(0.50), pct(0.99), float64(lat[n-1].Microseconds())/1000
	}
	// Let the answers already acknowledged finish before measuring.
	srv.waitIdle(api)
	rep.AnswersPosted = api.posts.Load()
	rep.RSSAfterKB = rss(srv.cmd.Process.Pid, "VmRSS")
	rep.RSSPeakKB = rss(srv.cmd.Process.Pid, "VmHWM")
	rep.ServerAlive = srv.alive()
	if rep.ServerAlive {
		if resp, err := http.Get(srv.base + "/healthz"); err != nil || resp.StatusCode != 200 {
			rep.ServerAlive = false
		} else {
			resp.Body.Close()
		}
	}

	var problems []string
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
	if !rep.ServerAlive {
		problems = append(problems, "the server died or stopped answering /healthz:\n"+srv.logs.tail())
	}
	if g := rep.RSSAfterKB - rep.RSSBeforeKB; g > o.MaxRSSGrowthKB {
		problems = append(problems, fmt.Sprintf("resident memory grew by %d KiB (limit %d)", g, o.MaxRSSGrowthKB))
	}
	if reindexErr != nil {
		problems = append(problems, reindexErr.Error())
	}
	if o.Reindex && rep.Reindexes == 0 {
		problems = append(problems, "no re-index completed during the load")
	}
	if l := srv.logs.find(`"level":"ERROR"`); l != "" {
		problems = append(problems, "the server logged an error: "+l)
	}
	if len(problems) > 0 {
		return rep, errors.New(strings.Join(problems, "; "))
	}
	return rep, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// rss reads a memory figure (VmRSS, VmHWM) of a process, in KiB; 0 when
// it cannot (not Linux, or the process is gone).
func rss(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// server is a running `citebot serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	logs *logTail
	done chan struct{}
}

// logTail keeps serve's log lines.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

func (l *logTail) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
	if len(l.lines) > 100000 {
		l.lines = l.lines[len(l.lines)-50000:]
	}
}

func (l *logTail) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = nil
}

func (l *logTail) find(sub string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			return s
		}
	}
	return ""
}

func (l *logTail) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines[max(0, len(l.lines)-20):], "\n")
}

func startServe(ctx context.Context, bin, cfgFile, dir string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--config", cfgFile)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start citebot serve: %w", err)
	}
	s := &server{cmd: cmd, logs: &logTail{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.logs.add(line)
			var m struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &m) == nil && m.Msg == "listening" {
				select {
				case addr <- m.Addr:
				default:
				}
			}
		}
		cmd.Wait()
		close(s.done)
	}()
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.done:
		return nil, fmt.Errorf("citebot serve exited before listening:\n%s", s.logs.tail())
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	// Ready: both adapters up (the fakes answer their start-up calls).
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				// From here on an error in the log is a failure; the
				// 503s of /readyz while starting are not.
				s.logs.reset()
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("citebot serve exited before it was ready:\n%s", s.logs.tail())
		case <-ctx.Done():
			s.stop()
			return nil, fmt.Errorf("citebot serve never became ready: %w\n%s", ctx.Err(), s.logs.tail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// waitIdle waits until the fake APIs have had no call for a second
// (answers acknowledged during the load are delivered after it), at
// most a minute.
func (s *server) waitIdle(api *fakeAPI) {
	last, quiet := api.calls.Load(), 0
	for range 600 {
		time.Sleep(100 * time.Millisecond)
		if n := api.calls.Load(); n != last {
			last, quiet = n, 0
			continue
		}
		if quiet++; quiet >= 10 {
			return
		}
	}
}

// stop sends SIGINT (serve shuts down gracefully) and waits, killing it
// after 30 seconds.
func (s *server) stop() {
	if !s.alive() {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}
