package chat

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Retry repeats a platform call that failed without harm, up to
// MaxAttempts calls: after a rate limit, once the platform's
// Retry-After has passed; after a failure that surely did nothing (a
// 5xx, a connection never opened), after a back-off that starts at
// Backoff and doubles, with jitter. Waits are capped at MaxRetryAfter
// and end with ctx. Which failures are which is the platform's to say
// (Failure).
type Retry struct {
	// Backoff is the first wait after a failure.
	Backoff time.Duration
	Log     *slog.Logger
	// RateLimited and Failed are the warnings logged before calling
	// again after a rate limit and after a failure.
	RateLimited, Failed string
}

// Failure is what a platform makes of a failed call.
type Failure struct {
	// RetryAfter, when positive, says the platform limited the rate and
	// asked for this wait before the next call.
	RetryAfter time.Duration
	// Again says the call failed without effect and may be repeated
	// after the back-off.
	Again bool
}

// Do calls call until it succeeds, classify says a failure must not be
// repeated, MaxAttempts calls are spent or ctx ends, and returns the
// last error (or why the wait before the next call ended). attrs are
// added to the warnings it logs.
func (r Retry) Do(ctx context.Context, call func() error, classify func(error) Failure, attrs ...any) error {
	backoff := r.Backoff
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		if attempt == MaxAttempts || ctx.Err() != nil {
			return err
		}
		var wait time.Duration
		attrs := attrs[:len(attrs):len(attrs)] // appending copies
		switch f := classify(err); {
		case f.RetryAfter > 0:
			wait = min(f.RetryAfter, MaxRetryAfter)
			r.Log.Warn(r.RateLimited, append(attrs, "retry_after", wait.String(), "attempt", attempt)...)
		case f.Again:
			wait = min(backoff+rand.N(backoff/2+1), MaxRetryAfter)
			backoff *= 2
			r.Log.Warn(r.Failed, append(attrs, "error", err, "retry_in", wait.String(), "attempt", attempt)...)
		default:
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting to call again: %w", err)
		}
	}
}

// sleep waits for d, or until ctx ends (returning why).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
