package adapters_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
)

// waiter is an adapter that runs until ctx ends and serves one route.
type waiter struct {
	name    string
	pattern string
	ready   error
	stopped chan struct{}
}

func (w *waiter) Name() string { return w.name }
func (w *waiter) Run(ctx context.Context) error {
	<-ctx.Done()
	if w.stopped != nil {
		close(w.stopped)
	}
	return nil
}
func (w *waiter) Mount(mux *http.ServeMux) {
	if w.pattern == "" {
		return
	}
	mux.HandleFunc(w.pattern, func(rw http.ResponseWriter, r *http.Request) {
		adapters.Annotate(r.Context(), slog.String("adapter", w.name), slog.String("outcome", "answered"))
		adapters.AnnotateDebug(r.Context(), slog.String("question", "secret words"))
		io.WriteString(rw, w.name)
	})
}

// readyWaiter adds Readier to waiter.
type readyWaiter struct {
	waiter
	mu sync.Mutex
}

func (w *readyWaiter) Ready() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ready
}

func (w *readyWaiter) setReady(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ready = err
}

// failing cannot start.
type failing struct{ name string }

func (f failing) Name() string { return f.name }
func (f failing) Run(ctx context.Context) error {
	return errors.New("the token was rejected (invalid_auth)")
}

// panicky panics in Run.
type panicky struct{}

func (panicky) Name() string                  { return "panicky" }
func (panicky) Run(ctx context.Context) error { panic("nil map") }

// start runs s on a loopback port and returns its base URL and a stop
// function that cancels and returns Serve's result.
func start(t *testing.T, s *adapters.Supervisor) (string, func() error) {
	t.Helper()
	base, serving := adaptertest.ServeSupervisor(t, s)
	return base, func() error { return serving.Stop(t) }
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return adaptertest.Call(t, "GET", url, "", "")
}

func readyz(t *testing.T, base string) (int, adapters.Status) {
	t.Helper()
	code, body := get(t, base+"/readyz")
	var st adapters.Status
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("/readyz body %q: %v", body, err)
	}
	return code, st
}

func TestSupervisorReportsFailingAdapterAndKeepsOthers(t *testing.T) {
	logs, log := adaptertest.NewLogs(slog.LevelInfo)
	web := &waiter{name: "web", pattern: "GET /hello", stopped: make(chan struct{})}
	s := &adapters.Supervisor{
		Adapters: []adapters.Adapter{web, failing{name: "slack"}, panicky{}},
		Checks:   []adapters.Check{{Name: "index", Check: func(context.Context) error { return nil }}},
		Logger:   log,
	}
	base, stop := start(t, s)

	code, st := 0, adapters.Status{}
	adaptertest.Eventually(t, "slack and panicky reported as failed", func() bool {
		code, st = readyz(t, base)
		return strings.HasPrefix(st.Adapters["slack"], "failed") && strings.HasPrefix(st.Adapters["panicky"], "failed")
	})
	if code != http.StatusServiceUnavailable || st.Ready {
		t.Errorf("/readyz = %d ready=%v; want 503, not ready, while an adapter is down", code, st.Ready)
	}
	if st.Adapters["web"] != "up" || st.Checks["index"] != "ok" {
		t.Errorf("/readyz = %+v; want web up and index ok", st)
	}
	if !strings.Contains(st.Adapters["slack"], "invalid_auth") {
		t.Errorf("slack state %q does not give the reason", st.Adapters["slack"])
	}
	if code, body := get(t, base+"/hello"); code != 200 || body != "web" {
		t.Errorf("GET /hello = %d %q; want the running adapter to keep serving", code, body)
	}
	if code, body := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz = %d %q; want 200 ok", code, body)
	}

	var failedLine map[string]any
	for _, l := range logs.Lines(t) {
		if l["msg"] == "adapter failed" && l["adapter"] == "slack" {
			failedLine = l
		}
	}
	if failedLine == nil || !strings.Contains(failedLine["error"].(string), "invalid_auth") || failedLine["level"] != "ERROR" {
		t.Errorf("no error log naming slack and its reason; logs:\n%v", logs.Lines(t))
	}

	if err := stop(); err != nil {
		t.Errorf("Serve = %v; want nil after a clean shutdown", err)
	}
	select {
	case <-web.stopped:
	default:
		t.Error("the running adapter's Run did not end with the shutdown")
	}
}

func TestSupervisorReadiness(t *testing.T) {
	var mu sync.Mutex
	indexErr := errors.New("index is closed")
	rw := &readyWaiter{waiter: waiter{name: "discord"}}
	rw.setReady(errors.New("gateway not connected yet"))
	s := &adapters.Supervisor{
		Adapters: []adapters.Adapter{rw},
		Checks: []adapters.Check{{Name: "index", Check: func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			return indexErr
		}}},
	}
	base, stop := start(t, s)
	code, st := readyz(t, base)
	if code != 503 || st.Checks["index"] != "index is closed" || st.Adapters["discord"] != "not ready: gateway not connected yet" {
		t.Errorf("/readyz = %d %+v; want 503 naming the index and the adapter's reason", code, st)
	}

	mu.Lock()
	indexErr = nil
	mu.Unlock()
	rw.setReady(nil)
	code, st = readyz(t, base)
	if code != 200 || !st.Ready || st.Adapters["discord"] != "up" {
		t.Errorf("/readyz = %d %+v; want 200 once everything is up", code, st)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestSupervisorMountConflict(t *testing.T) {
	s := &adapters.Supervisor{Adapters: []adapters.Adapter{
		&waiter{name: "first", pattern: "GET /same"},
		&waiter{name: "second", pattern: "GET /same"},
	}}
	base, _ := start(t, s)
	_, st := readyz(t, base)
	if st.Adapters["first"] != "up" || !strings.HasPrefix(st.Adapters["second"], "failed: mount routes") {
		t.Errorf("adapters = %v; want first up and second failed to mount", st.Adapters)
	}
	if code, body := get(t, base+"/same"); code != 200 || body != "first" {
		t.Errorf("GET /same = %d %q; want the first adapter's route", code, body)
	}
}

func TestSupervisorShutdownIsBounded(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	stuck := &waiter{name: "stuck"}
	s := &adapters.Supervisor{
		Adapters: []adapters.Adapter{stuck, routeFunc{"GET /hang", func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			select {
			case <-release:
			case <-r.Context().Done(): // cancelled when shutdown gives up
			}
		}}},
		ShutdownTimeout: 100 * time.Millisecond,
	}
	base, stop := start(t, s)
	go http.Get(base + "/hang")
	<-entered
	err := stop()
	if err == nil || !strings.Contains(err.Error(), "did not finish its requests within 100ms") {
		t.Errorf("Serve = %v; want an error saying the requests did not finish in time", err)
	}
}

// routeFunc is an adapter that is only a route.
type routeFunc struct {
	pattern string
	h       http.HandlerFunc
}

func (r routeFunc) Name() string                  { return "route" }
func (r routeFunc) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (r routeFunc) Mount(mux *http.ServeMux)      { mux.HandleFunc(r.pattern, r.h) }

func TestRequestLogLines(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		logs, log := adaptertest.NewLogs(level)
		s := &adapters.Supervisor{
			Adapters: []adapters.Adapter{&waiter{name: "slack", pattern: "POST /slack/events"},
				routeFunc{"GET /boom", func(http.ResponseWriter, *http.Request) { panic("bug") }}},
			Logger: log,
		}
		base, stop := start(t, s)
		resp, err := http.Post(base+"/slack/events", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if code, body := get(t, base+"/boom"); code != 500 || !strings.Contains(body, `"code":"internal"`) {
			t.Errorf("a panicking handler answered %d %q; want 500 with the error JSON", code, body)
		}
		get(t, base+"/nowhere")
		if err := stop(); err != nil {
			t.Fatal(err)
		}

		byPath := map[string]map[string]any{}
		for _, l := range logs.Lines(t) {
			if l["msg"] == "request" {
				if _, dup := byPath[l["path"].(string)]; dup {
					t.Errorf("two log lines for %s", l["path"])
				}
				byPath[l["path"].(string)] = l
			}
		}
		ev := byPath["/slack/events"]
		if ev == nil || ev["adapter"] != "slack" || ev["outcome"] != "answered" || ev["status"] != float64(200) || ev["method"] != "POST" {
			t.Errorf("level %v: request line = %v; want adapter slack, outcome answered, status 200", level, ev)
		}
		if _, ok := ev["latency"]; !ok {
			t.Errorf("request line has no latency: %v", ev)
		}
		if q, has := ev["question"]; has != (level == slog.LevelDebug) {
			t.Errorf("level %v: question attribute = %v (present %v); want it only at debug", level, q, has)
		}
		if l := byPath["/nowhere"]; l == nil || l["adapter"] != "http" || l["outcome"] != "rejected" || l["status"] != float64(404) {
			t.Errorf("404 line = %v; want adapter http, outcome rejected", l)
		}
		if l := byPath["/boom"]; l == nil || l["outcome"] != "error" || l["level"] != "ERROR" {
			t.Errorf("panic line = %v; want outcome error at level ERROR", l)
		}
	}
}
