package slack

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/citebot/citebot/adapters"
)

// MaxBodyBytes bounds a request from Slack (its payloads are a few KB).
const MaxBodyBytes = 1 << 20

// Mount implements adapters.Mounter. In HTTP mode it serves Slack's
// Request URLs; in Socket Mode nothing (Slack then sends no HTTP).
func (a *Adapter) Mount(mux *http.ServeMux) {
	if a.mode != ModeHTTP {
		return
	}
	mux.Handle("POST /slack/events", a.verified(a.httpEvents))
	mux.Handle("POST /slack/commands", a.verified(a.httpCommands))
	mux.Handle("POST /slack/interactions", a.verified(a.httpInteractions))
	// Slack checks the certificate of a command's URL with a GET.
	mux.HandleFunc("GET /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		adapters.Annotate(r.Context(), slog.String("adapter", Name))
	})
}

// Handler returns the adapter's routes on their own mux (tests, embedding
// without serve).
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	a.Mount(mux)
	return mux
}

// verified reads the body (bounded) and checks its signature before
// next sees it; a request that fails gets 401, with X-Slack-No-Retry so
// Slack does not resend it.
func (a *Adapter) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := a.signed.Read(w, r)
		if !ok {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body)) // slack-go parses commands from the request
		next(w, r, body)
	})
}

// httpEvents answers url_verification, acks every verified callback with
// 200 at once (even one it cannot parse, which Slack would otherwise
// retry and count against the app), and handles it after.
func (a *Adapter) httpEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	var head struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		http.Error(w, "the body is not JSON", http.StatusBadRequest)
		return
	}
	switch head.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, head.Challenge)
		return
	case slackevents.AppRateLimited:
		a.log.Warn("Slack is dropping this app's events: over 30,000 in an hour for one workspace")
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		a.log.Warn("acknowledged an event citebot cannot read", "error", err)
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		a.log.Info("Slack redelivered an event", "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	a.jobs.DispatchAfter(w, "event", a.events(ev))
}

func (a *Adapter) httpCommands(w http.ResponseWriter, r *http.Request, _ []byte) {
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "could not read the command", http.StatusBadRequest)
		return
	}
	ack, work := a.slash(cmd)
	writeJSON(w, ack)
	a.jobs.DispatchAfter(w, "slash command", work)
}

func (a *Adapter) httpInteractions(w http.ResponseWriter, _ *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "could not read the form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		a.log.Warn("acknowledged an interaction citebot cannot read", "error", err)
		return
	}
	a.jobs.DispatchAfter(w, "interaction", a.interaction(cb))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
