package chat

import (
	"context"
	"log/slog"
	"time"
)

// Startup repeats a start-up step that needs the platform (checking the
// bot token, registering commands) until it succeeds or its context
// ends, so that an adapter whose platform is unreachable or refuses
// keeps serving what it can (verifying and acknowledging HTTP requests)
// and comes ready on its own once the platform answers.
type Startup struct {
	// Timeout bounds one call of the step.
	Timeout time.Duration
	Log     *slog.Logger
	// Failed is the error logged when the step fails: once per distinct
	// failure, so a platform that stays down does not flood the log.
	Failed string
}

// Backing off between start-up attempts (tests shorten the first wait).
var (
	startupFirstWait = 2 * time.Second
	startupMaxWait   = 5 * time.Minute
)

// Run calls step until it succeeds, waiting 2 seconds after the first
// failure, doubling up to 5 minutes. report hears every outcome (nil
// for the success), for the adapter's readiness; nothing is reported
// once ctx has ended.
func (s Startup) Run(ctx context.Context, step func(ctx context.Context) error, report func(err error)) {
	wait, lastErr := startupFirstWait, ""
	for {
		callCtx, cancel := context.WithTimeout(ctx, s.Timeout)
		err := step(callCtx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		report(err)
		if err == nil {
			return
		}
		if msg := err.Error(); msg != lastErr {
			s.Log.Error(s.Failed, "error", err, "retry_in", wait.String())
			lastErr = msg
		}
		if sleep(ctx, wait) != nil {
			return
		}
		wait = min(2*wait, startupMaxWait)
	}
}
