package discord

import (
	"encoding/json"
	"errors"
	"net/http"
)

// MaxBodyBytes bounds a request from Discord (interactions are a few
// KB).
const MaxBodyBytes = 1 << 20

// InteractionsPath is the Interactions Endpoint URL's path on serve's
// HTTP server.
const InteractionsPath = "/discord/interactions"

// Mount implements adapters.Mounter. In HTTP mode it serves the
// interactions endpoint; in gateway mode nothing (Discord then sends
// interactions over the gateway, never both).
func (a *Adapter) Mount(mux *http.ServeMux) {
	if a.mode != ModeHTTP {
		return
	}
	mux.HandleFunc("POST "+InteractionsPath, a.httpInteraction)
}

// Handler returns the adapter's routes on their own mux (tests, embedding
// without serve).
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	a.Mount(mux)
	return mux
}

// httpInteraction verifies a request (bounded body, signature, freshness)
// before parsing it, answers with the initial response, and does the
// work once that is sent.
func (a *Adapter) httpInteraction(w http.ResponseWriter, r *http.Request) {
	body, ok := a.signed.Read(w, r)
	if !ok {
		return
	}
	in, err := a.interaction(body)
	switch {
	case errors.Is(err, ErrUnsupported):
		a.log.Warn("received an interaction citebot does not handle", "error", err)
		http.Error(w, "unsupported interaction type", http.StatusBadRequest)
		return
	case err != nil:
		a.log.Warn("received an interaction citebot cannot read", "error", err)
		http.Error(w, "the body is not an interaction", http.StatusBadRequest)
		return
	case in.response == nil:
		http.Error(w, "interaction already handled", http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(in.response); err != nil {
		a.log.Warn("could not write the interaction response", "error", err)
		return
	}
	// The initial response reaches Discord before the work starts.
	a.jobs.DispatchAfter(w, "interaction", in.work)
}
