// Package chat is the lifecycle every chat adapter shares (Slack,
// Discord, and the next one: Matrix, Teams): Run, which runs an adapter
// until its context ends and then waits for everything it started;
// Jobs, the bounded pool that does the work following an
// acknowledgement; Retry, which repeats a platform call through rate
// limits (Retry-After) and failures with back-off; Startup, which
// repeats a start-up step (checking a token, registering commands)
// until the platform answers; Signed and SignedAt, which read a signed
// request body once, bounded, check its timestamp and have the
// platform's verifier check its signature; LogTurn; Readiness; and
// Markup, the chat-neutral citation and source lines in a platform's
// syntax.
//
// It imports no chat SDK: an adapter plugs its platform in through
// small functions (a verifier, a classifier of failed calls, a start-up
// step), and keeps its protocol, rendering and SDK calls to itself.
package chat

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// Limits every chat adapter keeps.
const (
	// JobTimeout bounds the work after one acknowledgement: answering,
	// and posting through rate limits. (A Discord interaction's token
	// lasts 15 minutes, a Slack response URL 30.)
	JobTimeout = 5 * time.Minute
	// MaxAttempts bounds the calls of one request through 429s and
	// failures.
	MaxAttempts = 5
	// MaxRetryAfter caps one wait, for a platform's Retry-After or a
	// back-off.
	MaxRetryAfter = time.Minute
	// MaxJobs is how many acknowledged events are worked on at once;
	// more wait their turn.
	MaxJobs = 16
)

// Run runs an adapter until ctx ends, and returns once everything it
// started has finished:
//
//   - setup runs in its own goroutine from the start (a Startup loop);
//     it gets a context that ends when Run is about to return, and Run
//     waits for it;
//   - serve holds the platform connection (a websocket) and returns
//     when its context ends, or with an error when the connection
//     cannot go on; nil means the platform reaches the adapter over
//     HTTP, and Run just waits for ctx;
//   - then jobs stops taking work and the work in flight finishes.
//
// Run returns serve's error, nil after a clean shutdown.
func Run(ctx context.Context, jobs *Jobs, setup func(ctx context.Context), serve func(ctx context.Context) error) error {
	defer jobs.Close()
	ctx, cancel := context.WithCancel(ctx)
	setupDone := make(chan struct{})
	go func() {
		defer close(setupDone)
		setup(ctx)
	}()
	defer func() {
		cancel()
		<-setupDone
	}()
	if serve == nil {
		<-ctx.Done()
		return nil
	}
	return serve(ctx)
}

// Job is the work that follows an acknowledgement.
type Job func(ctx context.Context)

// Jobs runs the work that follows acknowledgements, at most MaxJobs at a
// time, each with its own deadline (JobTimeout) rather than the
// context of the request or connection that brought it: a shutdown lets
// an answer in flight finish instead of dropping it. Close stops it.
type Jobs struct {
	adapter string
	log     *slog.Logger
	sem     chan struct{}

	mu     sync.Mutex
	wg     sync.WaitGroup
	closed bool
}

// NewJobs returns the pool of the adapter named adapter ("slack"),
// logging to log.
func NewJobs(adapter string, log *slog.Logger) *Jobs {
	return &Jobs{adapter: adapter, log: log, sem: make(chan struct{}, MaxJobs)}
}

// Dispatch starts work (nil is nothing to do); what names it in logs
// ("slash command"). A panic in work is logged, not raised. After Close
// the work is dropped, with a warning.
func (j *Jobs) Dispatch(what string, work Job) {
	if work == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		j.log.Warn("shutting down; not answering", "handling", what)
		return
	}
	j.wg.Go(func() {
		j.sem <- struct{}{}
		defer func() { <-j.sem }()
		ctx, cancel := context.WithTimeout(context.Background(), JobTimeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				j.log.Error(j.adapter+" handler panicked", "handling", what, "panic", p, "stack", string(debug.Stack()))
			}
		}()
		work(ctx)
	})
}

// DispatchAfter sends what the handler wrote to w (an acknowledgement,
// or an empty 200 when it wrote nothing) to the platform at once, then
// dispatches work: the platform's time limit applies to the
// acknowledgement, never to the work.
func (j *Jobs) DispatchAfter(w http.ResponseWriter, what string, work Job) {
	if work == nil {
		return
	}
	_ = http.NewResponseController(w).Flush() // a writer that cannot flush sends it when the handler returns
	j.Dispatch(what, work)
}

// Wait waits for the work dispatched so far.
func (j *Jobs) Wait() { j.wg.Wait() }

// Close stops taking work and waits for the work in flight.
func (j *Jobs) Close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.wg.Wait()
}
