package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/citebot/citebot/retrieval/qaeval"
)

// loadResult is what `citebench load` measured.
type loadResult struct {
	URL      string         `json:"url"`
	Clients  int            `json:"clients"`
	Requests int            `json:"requests"`
	OK       int            `json:"ok"` // 200 responses
	Answered int            `json:"answered"`
	Errors   int            `json:"errors"` // transport errors and non-200 responses
	Status   map[string]int `json:"status"`
	Seconds  float64        `json:"seconds"`
	PerSec   float64        `json:"answers_per_sec"` // 200 responses a second
	P50      time.Duration  `json:"p50_ns"`
	P90      time.Duration  `json:"p90_ns"`
	P99      time.Duration  `json:"p99_ns"`
	Max      time.Duration  `json:"max_ns"`
	// Server is what the orchestrating run knows of the server (its
	// corpus and log level); empty when load ran alone.
	Server string `json:"server,omitempty"`
}

// runLoad is `citebench load [-c N] [-n N] [-questions FILE] URL`: it
// POSTs questions to URL (a citebot /api/ask) from N concurrent clients
// over keep-alive connections and reports answers/s and latency.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench load", flag.ContinueOnError)
	fl.SetOutput(stderr)
	clients := fl.Int("c", 64, "concurrent clients")
	n := fl.Int("n", 20000, "requests to measure")
	warmup := fl.Int("warmup", 1000, "requests sent before measuring")
	qfile := fl.String("questions", "", "questions: a .jsonl question set (../shared/qa format) or one question a line (default: the seeds' dev questions in the binary)")
	token := fl.String("token", "", "send Authorization: Bearer `TOKEN`")
	asJSON := fl.Bool("json", false, "print the result as JSON")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: citebench load [-c 64] [-n 20000] [-warmup 1000] [-questions FILE] [-json] URL")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return usageError{err}
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return usageError{errors.New("load: give the URL of POST /api/ask, e.g. http://127.0.0.1:8080/api/ask")}
	}
	if *clients < 1 || *n < 1 || *warmup < 0 {
		return usageError{errors.New("load: -c and -n must be at least 1, -warmup at least 0")}
	}
	qs, err := loadQuestions(*qfile)
	if err != nil {
		return err
	}
	res, err := generateLoad(ctx, fl.Arg(0), *token, qs, *clients, *n, *warmup)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	return writeLoad(stdout, res)
}

// defaultLoadQuestions are asked when no -questions file is given: the
// seeds' dev questions, answered and declined ones.
var defaultLoadQuestions = []string{
	"What was the FY2026 refugee cap?",
	"Which regions were the diplomats told to lobby?",
	"Who wrote the CRBC News article?",
	"What did the president say about borders?",
	"How many talking points did the cable include?",
	"What is the population of Canada?",
	"Who said a nation without borders is not a nation?",
	"When was the cable sent?",
}

// loadQuestions reads a question file: a JSON Lines question set or plain
// lines.
func loadQuestions(path string) ([]string, error) {
	if path == "" {
		return defaultLoadQuestions, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	if strings.HasSuffix(path, ".jsonl") {
		items, err := qaeval.ReadJSONL(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, it := range items {
			qs = append(qs, it.Question)
		}
	} else {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s != "" {
				qs = append(qs, s)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return qs, nil
}

// generateLoad sends warmup and then n requests from clients goroutines.
func generateLoad(ctx context.Context, url, token string, qs []string, clients, n, warmup int) (*loadResult, error) {
	bodies := make([][]byte, len(qs))
	for i, q := range qs {
		b, err := json.Marshal(map[string]string{"question": q})
		if err != nil {
			return nil, err
		}
		bodies[i] = b
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        clients,
		MaxIdleConnsPerHost: clients,
		MaxConnsPerHost:     clients,
		IdleConnTimeout:     time.Minute,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	answered := []byte(`"answered":true`)

	type outcome struct {
		lat      time.Duration
		status   int
		answered bool
		err      error
	}
	do := func(i int) outcome {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(bodies[i%len(bodies)]))
		if err != nil {
			return outcome{err: err}
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return outcome{lat: time.Since(start), err: err}
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		o := outcome{lat: time.Since(start), status: resp.StatusCode, err: err}
		o.answered = err == nil && resp.StatusCode == http.StatusOK && bytes.Contains(body, answered)
		return o
	}
	run := func(total int, record func(int, outcome)) time.Duration {
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= total || ctx.Err() != nil {
						return
					}
					record(i, do(i))
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}

	var firstErr atomic.Value
	run(warmup, func(_ int, o outcome) {
		if o.err != nil {
			firstErr.CompareAndSwap(nil, o.err)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if v := firstErr.Load(); v != nil && warmup > 0 {
		return nil, fmt.Errorf("load: warm-up request failed: %w", v.(error))
	}
	outs := make([]outcome, n)
	elapsed := run(n, func(i int, o outcome) { outs[i] = o })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &loadResult{URL: url, Clients: clients, Requests: n, Status: map[string]int{}, Seconds: elapsed.Seconds()}
	lat := make([]time.Duration, 0, n)
	for _, o := range outs {
		lat = append(lat, o.lat)
		switch {
		case o.err != nil:
			res.Errors++
			res.Status["error"]++
		case o.status != http.StatusOK:
			res.Errors++
			res.Status[strconv.Itoa(o.status)]++
		default:
			res.OK++
			res.Status["200"]++
			if o.answered {
				res.Answered++
			}
		}
		res.Max = max(res.Max, o.lat)
	}
	res.PerSec = float64(res.OK) / elapsed.Seconds()
	res.P50, res.P90, res.P99 = qaeval.Percentile(lat, 50), qaeval.Percentile(lat, 90), qaeval.Percentile(lat, 99)
	return res, nil
}

func writeLoad(w io.Writer, r *loadResult) error {
	_, err := fmt.Fprintf(w, "%s: %d requests from %d clients in %.2fs\n"+
		"answers/s   %.0f (%d answered, %d declined)\n"+
		"errors      %d %v\n"+
		"latency     p50 %s  p90 %s  p99 %s  max %s\n",
		r.URL, r.Requests, r.Clients, r.Seconds,
		r.PerSec, r.Answered, r.OK-r.Answered, r.Errors, r.Status,
		ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	return err
}

// serveLoad starts `citebot serve` on the embedded seeds on a free
// loopback port, waits until it is ready, runs `citebench load` against
// it as a separate process, and stops the server.
func serveLoad(ctx context.Context, citebot, workDir, questions string, clients, n int, logLevel string, stderr io.Writer) (*loadResult, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(workDir, "serve-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	logs, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	defer logs.Close()
	srv := exec.CommandContext(ctx, citebot, "serve", "--addr", addr, "--log-level", logLevel, "--log-format", "json")
	// No configuration file or CITEBOT_* variable may change what is
	// measured: the server runs in an empty folder with defaults, except
	// the per-client rate limit, which is off: every load client shares
	// the loopback address, and what is measured is answering, not the
	// limiter's 429s.
	srv.Dir = dir
	srv.Env = append(cleanEnv(), "XDG_CONFIG_HOME="+dir, "HOME="+dir, "CITEBOT_LIMITS_PER_CLIENT_RATE=0")
	srv.Stdout, srv.Stderr = logs, logs
	srv.Cancel = func() error { return srv.Process.Signal(os.Interrupt) }
	srv.WaitDelay = 20 * time.Second
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start citebot serve: %w", err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(ctx, base+"/readyz", 60*time.Second); err != nil {
		return nil, fmt.Errorf("citebot serve: %w (its log: %s)", err, logs.Name())
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"load", "-json", "-c", strconv.Itoa(clients), "-n", strconv.Itoa(n)}
	if questions != "" {
		args = append(args, "-questions", questions)
	}
	gen := exec.CommandContext(ctx, self, append(args, base+"/api/ask")...)
	gen.Env = append(os.Environ(), envLoadChild+"=1")
	gen.Stderr = stderr
	out, err := gen.Output()
	if err != nil {
		return nil, fmt.Errorf("citebench load: %w", err)
	}
	var res loadResult
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("citebench load: %w", err)
	}
	res.Server = fmt.Sprintf("citebot serve on the embedded seeds, defaults but no per-client rate limit, log level %s (JSON to a file)", logLevel)
	return &res, nil
}

// envLoadChild marks a citebench process started by another one (tests
// use it to run the test binary as citebench).
const envLoadChild = "CITEBENCH_CHILD"

// cleanEnv is the environment without CITEBOT_* variables.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CITEBOT_") {
			out = append(out, kv)
		}
	}
	return out
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls url until it answers 200.
func waitReady(ctx context.Context, url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
