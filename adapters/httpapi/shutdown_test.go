package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// gatedIndex is the real seed index, held at a gate: Ask signals that it
// has been entered, waits for the test to open the gate, then delegates.
// It makes "a request in flight" deterministic without sleeping.
type gatedIndex struct {
	bot.Index
	entered chan struct{}
	open    chan struct{}
	once    sync.Once
}

func (g *gatedIndex) Ask(ctx context.Context, q string, opts retrieval.AskOptions) (retrieval.Answer, error) {
	g.once.Do(func() { close(g.entered) })
	select {
	case <-g.open:
	case <-ctx.Done():
		return retrieval.Answer{}, ctx.Err()
	}
	return g.Index.Ask(ctx, q, opts)
}

func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	ix := &gatedIndex{Index: seedIndex(t), entered: make(chan struct{}), open: make(chan struct{})}
	logs, log := adaptertest.NewLogs(slog.LevelInfo)
	sup := &adapters.Supervisor{
		Adapters:        []adapters.Adapter{httpapi.New(bot.New(ix), httpapi.Options{})},
		Logger:          log,
		ShutdownTimeout: time.Minute, // generous: the test must not depend on speed
	}
	base, serving := adaptertest.ServeSupervisor(t, sup)
	addr := strings.TrimPrefix(base, "http://")

	type result struct {
		code int
		body []byte
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/api/ask", "application/json", strings.NewReader(`{"question": "What was the FY2026 refugee cap?"}`))
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, b, err}
	}()

	<-ix.entered     // the request is in flight, inside the bot
	serving.Cancel() // SIGINT/SIGTERM in serve

	// Shutdown has begun once the listener refuses new connections.
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(5 * time.Millisecond)
	}
	if serving.Returned() {
		t.Fatalf("Serve returned (%v) while a request was still in flight", serving.Stop(t))
	}

	close(ix.open)
	r := <-got
	if r.err != nil {
		t.Fatalf("in-flight request failed: %v", r.err)
	}
	if r.code != http.StatusOK {
		t.Fatalf("in-flight request: %d %s; want 200 with the full answer", r.code, r.body)
	}
	var reply bot.Reply
	if err := json.Unmarshal(r.body, &reply); err != nil {
		t.Fatalf("in-flight answer is not complete JSON: %v\n%s", err, r.body)
	}
	if !reply.Answered || reply.Short != "7,500" || len(reply.Citations) == 0 {
		t.Errorf("in-flight answer = %s; want 7,500 with citations", r.body)
	}
	if err := serving.Stop(t); err != nil {
		t.Errorf("Serve = %v; want nil after a clean shutdown", err)
	}

	// One log line for the request, with adapter and outcome, and no
	// question text at info level.
	var line map[string]any
	for _, m := range logs.Lines(t) {
		if m["msg"] == "request" && m["path"] == "/api/ask" {
			if line != nil {
				t.Error("two log lines for one request")
			}
			line = m
		}
	}
	if line == nil || line["adapter"] != "http" || line["outcome"] != "answered" || line["status"] != float64(200) {
		t.Errorf("request log line = %v; want adapter http, outcome answered, status 200", line)
	}
	if strings.Contains(logs.String(), "refugee cap") {
		t.Errorf("question text logged at info level:\n%s", logs.String())
	}
}
