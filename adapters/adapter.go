// Package adapters holds the contract every chat surface implements so
// `citebot serve` can run them side by side: the HTTP API and web page,
// Slack, Discord, and whatever comes next (adding Matrix or Teams touches
// only adapters/ and one line of wiring). Each surface lives in its own
// sub-package and never imports another; the chat adapters share their
// lifecycle (job pool, retries, start-up, signed bodies) through
// adapters/internal/chat, and every surface reads request bodies through
// ReadBody.
package adapters

import (
	"context"
	"net/http"
)

// Adapter is one chat surface run by citebot serve.
type Adapter interface {
	// Name identifies the adapter in logs, metrics and /readyz ("slack").
	Name() string
	// Run connects to the platform and serves until ctx ends. It returns
	// nil after a clean shutdown, and an error (naming what failed) when
	// it cannot start or stops for good; serve reports the error and
	// keeps the other adapters running.
	Run(ctx context.Context) error
}

// Mounter is implemented by adapters that receive requests on serve's
// shared HTTP server (the HTTP API, Slack and Discord in HTTP mode). Mount
// is called before Run, and before the server starts listening.
type Mounter interface {
	Mount(mux *http.ServeMux)
}

// Readier is implemented by adapters whose readiness differs from "Run has
// been called and has not returned" (for example a Slack adapter whose
// token was rejected but whose HTTP endpoints still verify requests).
// Ready returns nil when the adapter is ready, else why not.
type Readier interface {
	Ready() error
}
