package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
	"github.com/citebot/citebot/cmd/citebench/internal/machine"
	"github.com/citebot/citebot/cmd/citebench/internal/stats"
)

// AskResult is what the /api/ask load measured (`citebench load`).
type AskResult struct {
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
	// ServerCPUSeconds is the CPU time (user and system) the server
	// process used during the measured requests, and ServerCPUPerAnswer
	// that over the 200 responses: what an answer costs the server,
	// whatever else shares the cores. Zero when the server's process was
	// not known (load -pid) or its /proc could not be read.
	ServerCPUSeconds   float64       `json:"server_cpu_seconds,omitempty"`
	ServerCPUPerAnswer time.Duration `json:"server_cpu_per_answer_ns,omitempty"`
	// LoadCPUSeconds is the CPU time the load generator itself used
	// meanwhile, on the same cores.
	LoadCPUSeconds float64 `json:"load_cpu_seconds,omitempty"`
}

// DefaultQuestions are asked when no question file is given: the seeds'
// dev questions, answered and declined ones.
var DefaultQuestions = []string{
	"What was the FY2026 refugee cap?",
	"Which regions were the diplomats told to lobby?",
	"Who wrote the CRBC News article?",
	"What did the president say about borders?",
	"How many talking points did the cable include?",
	"What is the population of Canada?",
	"Who said a nation without borders is not a nation?",
	"When was the cable sent?",
}

// ReadQuestions reads a question file: a JSON Lines question set (.jsonl,
// the ../shared/qa format) or one question a line. An empty path gives
// DefaultQuestions.
func ReadQuestions(path string) ([]string, error) {
	if path == "" {
		return DefaultQuestions, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	defer f.Close()
	var qs []string
	if strings.HasSuffix(path, ".jsonl") {
		items, err := citebot.ReadQuestionSet(f)
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

// Ask POSTs questions round-robin to url (a citebot /api/ask) from
// clients concurrent connections: warmup requests first, then n measured
// ones. A warm-up request without a response fails the run. With the
// server's process ID (pid > 0) it also measures the CPU time the server
// spends on the measured requests.
func Ask(ctx context.Context, url, token string, questions []string, clients, n, warmup, pid int) (*AskResult, error) {
	bodies := make([][]byte, len(questions))
	for i, q := range questions {
		b, err := json.Marshal(map[string]string{"question": q})
		if err != nil {
			return nil, fmt.Errorf("encode question: %w", err)
		}
		bodies[i] = b
	}
	client := NewClient(clients, 30*time.Second)
	defer client.CloseIdleConnections()
	newRequest := func(i int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i%len(bodies)]))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, nil
	}

	warm, _ := Drive(ctx, client, warmup, clients, newRequest, nil)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, r := range warm {
		if r.Err != nil {
			return nil, fmt.Errorf("load: warm-up request failed: %w", r.Err)
		}
	}
	answered := []byte(`"answered":true`)
	var nAnswered atomic.Int64
	serverCPU, loadCPU := 0.0, machine.CPUSeconds()
	if pid > 0 {
		serverCPU = machine.ProcessCPUSeconds(pid)
	}
	results, elapsed := Drive(ctx, client, n, clients, newRequest, func(_ int, status int, b []byte) {
		if status == http.StatusOK && bytes.Contains(b, answered) {
			nAnswered.Add(1)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &AskResult{URL: url, Clients: clients, Requests: n, Status: map[string]int{}, Seconds: elapsed.Seconds(),
		Answered: int(nAnswered.Load()), LoadCPUSeconds: machine.CPUSeconds() - loadCPU}
	if pid > 0 && serverCPU > 0 {
		res.ServerCPUSeconds = machine.ProcessCPUSeconds(pid) - serverCPU
	}
	lat := make([]time.Duration, 0, n)
	for _, r := range results {
		lat = append(lat, r.Latency)
		switch {
		case r.Err != nil:
			res.Errors++
			res.Status["error"]++
		case r.Status != http.StatusOK:
			res.Errors++
			res.Status[strconv.Itoa(r.Status)]++
		default:
			res.OK++
			res.Status["200"]++
		}
	}
	res.PerSec = float64(res.OK) / elapsed.Seconds()
	if res.ServerCPUSeconds > 0 && res.OK > 0 {
		res.ServerCPUPerAnswer = time.Duration(res.ServerCPUSeconds / float64(res.OK) * 1e9)
	}
	l := stats.Summarize(lat)
	res.P50, res.P90, res.P99, res.Max = l.P50, l.P90, l.P99, l.Max
	return res, nil
}

// Write prints r as `citebench load` does.
func (r *AskResult) Write(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%s: %d requests from %d clients in %.2fs\n"+
		"answers/s   %.0f (%d answered, %d declined)\n"+
		"errors      %d %v\n"+
		"latency     p50 %s  p90 %s  p99 %s  max %s\n",
		r.URL, r.Requests, r.Clients, r.Seconds,
		r.PerSec, r.Answered, r.OK-r.Answered, r.Errors, r.Status,
		stats.FormatDuration(r.P50), stats.FormatDuration(r.P90), stats.FormatDuration(r.P99), stats.FormatDuration(r.Max))
	if err == nil && r.ServerCPUSeconds > 0 {
		_, err = fmt.Fprintf(w, "server CPU  %.2f s, %s per answer (%.0f answers per CPU-second); load generator %.2f s\n",
			r.ServerCPUSeconds, stats.FormatDuration(r.ServerCPUPerAnswer), float64(r.OK)/r.ServerCPUSeconds, r.LoadCPUSeconds)
	}
	return err
}
