package adaptertest

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// Running is a function going on in the background of a test: an
// adapter's Run, a Supervisor's Serve, a whole command.
type Running struct {
	what   string
	done   chan struct{}
	err    error
	taken  atomic.Bool
	stop   sync.Once
	cancel context.CancelFunc
}

// Go runs run in the background until the test ends (or Stop), with a
// context that ends then; what names it in failures.
func Go(t testing.TB, what string, run func(ctx context.Context) error) *Running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{what: what, done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(r.done)
		r.err = run(ctx)
	}()
	t.Cleanup(cancel)
	return r
}

// RunAdapter runs a.Run until the test ends, and then checks the
// promise every adapter makes (adapters.Adapter): once its context ends,
// Run returns, and returns nil after a clean shutdown. A test that
// expects Run to stop on its own takes the result with Wait instead.
func RunAdapter(t testing.TB, a adapters.Adapter) *Running {
	t.Helper()
	r := Go(t, a.Name()+"'s Run", a.Run)
	t.Cleanup(func() {
		if r.taken.Load() {
			return
		}
		if err := r.Stop(t); err != nil {
			t.Errorf("%s: Run = %v after its context ended; want nil", a.Name(), err)
		}
	})
	return r
}

// Stop ends the context and waits for the function to return (failing
// t only at Deadline), and returns its error. Stopping again returns
// the same.
func (r *Running) Stop(t testing.TB) error {
	t.Helper()
	r.stop.Do(func() {
		r.cancel()
		Receive(t, r.done, r.what+" returning after its context ended")
	})
	return r.err
}

// Cancel ends the context without waiting for the function to return
// (a signal that starts a shutdown); Stop then waits.
func (r *Running) Cancel() { r.cancel() }

// Wait waits for the function to return (on its own: the context has
// not ended) and returns its error.
func (r *Running) Wait(t testing.TB) error {
	t.Helper()
	r.taken.Store(true)
	Receive(t, r.done, r.what+" returning")
	return r.err
}

// Returned says whether the function has returned already.
func (r *Running) Returned() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// ServeSupervisor serves s on a loopback port in the background (Go)
// and returns its base URL; Stop ends it as SIGTERM ends serve.
func ServeSupervisor(t testing.TB, s *adapters.Supervisor) (string, *Running) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + ln.Addr().String(), Go(t, "Serve", func(ctx context.Context) error { return s.Serve(ctx, ln) })
}

// Serve serves h on a loopback port until the test ends and returns its
// base URL: an adapter in HTTP mode, seen as the platform sees it.
func Serve(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// WaitOrDump waits for wait (the work a request started) to return,
// failing t with every goroutine's stack when it has not by Deadline.
func WaitOrDump(t testing.TB, what string, wait func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	timer := time.NewTimer(time.Until(Deadline(t)))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		buf := make([]byte, 1<<20)
		t.Fatalf("%s never finished:\n%s", what, buf[:runtime.Stack(buf, true)])
	}
}

// Counter is a bot.Observer counting the questions that reached the
// index and the votes recorded.
type Counter struct {
	questions atomic.Int32
	mu        sync.Mutex
	votes     map[bot.Vote]int
}

// ObserveQuestion implements bot.Observer.
func (c *Counter) ObserveQuestion(bot.QuestionEvent) { c.questions.Add(1) }

// ObserveFeedback implements bot.Observer.
func (c *Counter) ObserveFeedback(ev bot.FeedbackEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.votes == nil {
		c.votes = map[bot.Vote]int{}
	}
	c.votes[ev.Vote]++
}

// Questions is how many questions reached the index.
func (c *Counter) Questions() int { return int(c.questions.Load()) }

// Votes is how many votes v were recorded.
func (c *Counter) Votes(v bot.Vote) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.votes[v]
}

// Env is a chat adapter under test and what it was built around.
type Env struct {
	// Chat is the adapter's conversation layer: over the seed index,
	// unless the test brought its own.
	Chat *bot.Chat
	// Store holds the votes of the Chat over the seeds (nil for the
	// test's own), and Obs counts its questions and votes.
	Store bot.Store
	Obs   *Counter
	// Logs has what the adapter logged.
	Logs *Logs
	// Base is the URL serving the adapter's HTTP handler (in HTTP mode).
	Base string
	// Run is the adapter's Run, going on until the test ends.
	Run *Running
}

// EnvOptions say how Start builds an adapter's surroundings.
type EnvOptions struct {
	// Chat replaces the Chat over the seed index.
	Chat *bot.Chat
	// ChatOptions configure the Chat over the seed index (its Store is
	// the Env's).
	ChatOptions bot.ChatOptions
	// LogLevel is the level of the adapter's logger.
	LogLevel slog.Level
	// HTTP serves the adapter's handler (its Handler method) on a
	// loopback port.
	HTTP bool
}

// Start builds a Chat (over the seed index, unless o has one) and a
// logger, has build make the adapter around them, serves its handler in
// HTTP mode, and runs it until the test ends (RunAdapter, and its check
// that Run stops cleanly).
func Start(t testing.TB, o EnvOptions, build func(chat *bot.Chat, log *slog.Logger) (adapters.Adapter, error)) *Env {
	t.Helper()
	e := &Env{Chat: o.Chat, Obs: &Counter{}}
	if e.Chat == nil {
		e.Store = bot.NewMemoryStore()
		co := o.ChatOptions
		co.Store = e.Store
		e.Chat = bot.NewChat(bot.New(SeedIndex(t), bot.WithObserver(e.Obs)), co)
	}
	logs, log := NewLogs(o.LogLevel)
	e.Logs = logs
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the adapter logged:\n%s", logs)
		}
	})
	a, err := build(e.Chat, log)
	if err != nil {
		t.Fatal(err)
	}
	if o.HTTP {
		h, ok := a.(interface{ Handler() http.Handler })
		if !ok {
			t.Fatalf("%s has no HTTP handler", a.Name())
		}
		e.Base = Serve(t, h.Handler())
	}
	e.Run = RunAdapter(t, a)
	return e
}

// StoredVotes reads the votes in the feedback store at path (what
// serve keeps under data.dir), once serve has stopped.
func StoredVotes(t testing.TB, path string) []bot.Feedback {
	t.Helper()
	s, err := bot.OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	votes, err := s.Votes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return votes
}
