package httpapi

import (
	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// DefaultRequestTimeout bounds answering one request when
// Options.RequestTimeout is zero.
const DefaultRequestTimeout = adapters.DefaultRequestTimeout

// NewGuard returns the guard of /api/* that opts describe (token,
// per-client limit, request timeout, MaxBodyBytes), to share with other
// routes API clients call (serve's /mcp) through Options.Guard.
func NewGuard(opts Options) *adapters.Guard {
	return adapters.NewGuard(adapters.GuardOptions{
		Token:          opts.Token,
		PerClient:      bot.NewLimiter(opts.PerClient, 0),
		RequestTimeout: opts.RequestTimeout,
		MaxBodyBytes:   MaxBodyBytes,
	})
}
