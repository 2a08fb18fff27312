package adapters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// Check is a readiness condition /readyz reports besides the adapters,
// such as "index": the index is open and answers.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Supervisor runs adapters side by side behind one HTTP server: it mounts
// every Mounter's routes on one ServeMux, serves /healthz and /readyz,
// starts each adapter's Run, reports one that fails by name (and keeps the
// others running), and on shutdown lets in-flight requests and adapters
// finish, within ShutdownTimeout.
//
// Set the fields, then call Serve once.
type Supervisor struct {
	Adapters []Adapter
	// Checks are extra readiness conditions for /readyz.
	Checks []Check
	// Logger receives adapter failures and one line per HTTP request;
	// nil discards them.
	Logger *slog.Logger
	// ShutdownTimeout bounds the wait for in-flight requests and adapters
	// once ctx ends (default 15s). Past it, connections are closed and
	// Serve returns an error.
	ShutdownTimeout time.Duration

	mu       sync.Mutex
	states   []adapterState
	stopping bool
}

// adapterState is what /readyz says about one adapter.
type adapterState struct {
	adapter Adapter
	running bool
	err     error // why it is not running, nil while starting or after a clean stop
}

// Timeouts of the HTTP server. Reading a request is bounded so slow
// clients cannot hold connections; writing allows for a slow answer on a
// large index.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// DefaultShutdownTimeout is used when Supervisor.ShutdownTimeout is zero.
const DefaultShutdownTimeout = 15 * time.Second

// Serve runs the HTTP server on ln and every adapter until ctx ends, then
// shuts down gracefully: the listener closes at once, requests in flight
// run to completion (their contexts are not cancelled by ctx), adapters
// return from Run, and Serve returns nil. It returns an error when the
// server fails, or when shutdown outlasts ShutdownTimeout (remaining
// connections are then closed and in-flight contexts cancelled). Serve
// closes ln.
func (s *Supervisor) Serve(ctx context.Context, ln net.Listener) error {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := s.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	s.mu.Lock()
	s.states = make([]adapterState, len(s.Adapters))
	for i, a := range s.Adapters {
		s.states[i].adapter = a
		if m, ok := a.(Mounter); ok {
			if err := mount(m, mux); err != nil {
				s.states[i].err = err
				log.Error("adapter failed to start", "adapter", a.Name(), "error", err)
				continue
			}
		}
		s.states[i].running = true
	}
	s.mu.Unlock()

	// Requests get a context that outlives ctx, so a shutdown lets them
	// finish; it is cancelled only when the shutdown gives up waiting.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	srv := &http.Server{
		Handler:           LogRequests(log, mux),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	runCtx, stopAdapters := context.WithCancel(ctx)
	defer stopAdapters()
	var wg sync.WaitGroup
	for i, st := range s.states {
		if st.running {
			wg.Go(func() { s.run(runCtx, log, i) })
		}
	}
	adaptersDone := make(chan struct{})
	go func() { wg.Wait(); close(adaptersDone) }()

	var failed error
	select {
	case <-ctx.Done():
		log.Info("shutting down", "timeout", timeout.String())
	case err := <-serveErr:
		failed = fmt.Errorf("http server: %w", err)
		log.Error("http server failed; stopping", "error", err)
	}
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	stopAdapters()

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("http server did not finish its requests within %s: %w", timeout, err))
		srv.Close()
		cancelRequests()
	}
	select {
	case <-adaptersDone:
	case <-shutdownCtx.Done():
		errs = append(errs, fmt.Errorf("adapters %v did not stop within %s", s.runningNames(), timeout))
	}
	if failed != nil {
		return failed
	}
	if len(errs) > 0 {
		return fmt.Errorf("shutdown: %w", errors.Join(errs...))
	}
	log.Info("stopped")
	return nil
}

// mount calls m.Mount, turning a panic (a route registered twice) into an
// error so one adapter cannot take serve down.
func mount(m Mounter, mux *http.ServeMux) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("mount routes: %v", p)
		}
	}()
	m.Mount(mux)
	return nil
}

// run runs adapter i until it returns, recording why it stopped.
func (s *Supervisor) run(ctx context.Context, log *slog.Logger, i int) {
	a := s.states[i].adapter
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				log.Error("adapter panicked", "adapter", a.Name(), "panic", p, "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return a.Run(ctx)
	}()
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("adapter failed", "adapter", a.Name(), "error", err)
	case err != nil:
		log.Warn("adapter stopped with an error", "adapter", a.Name(), "error", err)
	case ctx.Err() == nil:
		err = errors.New("stopped on its own")
		log.Warn("adapter stopped on its own", "adapter", a.Name())
	}
	s.mu.Lock()
	s.states[i].running, s.states[i].err = false, err
	s.mu.Unlock()
}

func (s *Supervisor) runningNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, st := range s.states {
		if st.running {
			names = append(names, st.adapter.Name())
		}
	}
	return names
}

// Status is the JSON body of /readyz.
type Status struct {
	Ready bool `json:"ready"`
	// Checks maps each readiness check to "ok" or what is wrong.
	Checks map[string]string `json:"checks"`
	// Adapters maps each adapter to "up", or why it is not: "failed: …",
	// "not ready: …", "stopped".
	Adapters map[string]string `json:"adapters"`
}

// Status reports readiness: every check passes, every adapter is up, and
// no shutdown has begun.
func (s *Supervisor) Status(ctx context.Context) Status {
	st := Status{Ready: true, Checks: map[string]string{}, Adapters: map[string]string{}}
	for _, c := range s.Checks {
		st.Checks[c.Name] = "ok"
		if err := c.Check(ctx); err != nil {
			st.Checks[c.Name], st.Ready = err.Error(), false
		}
	}
	s.mu.Lock()
	states := append([]adapterState(nil), s.states...)
	if s.stopping {
		st.Ready = false
		st.Checks["shutdown"] = "shutting down"
	}
	s.mu.Unlock()
	for _, as := range states {
		name, state := as.adapter.Name(), "up"
		switch {
		case as.err != nil:
			state = "failed: " + as.err.Error()
		case !as.running:
			state = "stopped"
		default:
			if r, ok := as.adapter.(Readier); ok {
				if err := r.Ready(); err != nil {
					state = "not ready: " + err.Error()
				}
			}
		}
		if state != "up" {
			st.Ready = false
		}
		st.Adapters[name] = state
	}
	return st
}

func (s *Supervisor) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Supervisor) readyz(w http.ResponseWriter, r *http.Request) {
	st := s.Status(r.Context())
	code := http.StatusOK
	if !st.Ready {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, st)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// Failed returns an adapter that could not be built (a bad token format,
// a platform SDK that refused its options): the Supervisor reports it
// under name with err, and /readyz shows it down, while the other
// adapters run.
func Failed(name string, err error) Adapter { return failedAdapter{name, err} }

type failedAdapter struct {
	name string
	err  error
}

func (f failedAdapter) Name() string              { return f.name }
func (f failedAdapter) Run(context.Context) error { return f.err }
