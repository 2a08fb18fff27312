package adapters_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// echoBody answers 200 with the body it was given and whether its
// context has a deadline.
var echoBody = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	_, hasDeadline := r.Context().Deadline()
	w.Header().Set("X-Deadline", strconv.FormatBool(hasDeadline))
	w.Write(b)
})

// guarded sends one request through g to echoBody.
func guarded(g *adapters.Guard, addr, token string, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/guarded", body)
	req.RemoteAddr = addr
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	g.Wrap("test", echoBody).ServeHTTP(rec, req)
	return rec
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var e adapters.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Message == "" {
		t.Fatalf("%d body %q (%v); want the JSON error shape with a message", rec.Code, rec.Body, err)
	}
	return e.Error.Code
}

// onlyReader hides a body's length, as a chunked request does.
type onlyReader struct{ io.Reader }

// TestGuard checks each promise of a Guard, in its order: the rate limit
// first (wrong tokens count), the token before the body is read, the
// body bounded however it is sent, and a deadline on what passes.
func TestGuard(t *testing.T) {
	const token = "guard-token-0123456789"
	g := adapters.NewGuard(adapters.GuardOptions{
		Token: token, PerClient: bot.NewLimiter(bot.Rate{PerSecond: 0.01, Burst: 4}, 0),
		RequestTimeout: time.Minute, MaxBodyBytes: 1 << 10,
	})
	const client = "192.0.2.1:1000"
	if !g.HasToken() || g.MaxBodyBytes() != 1<<10 {
		t.Fatalf("HasToken %v, MaxBodyBytes %d; want true, 1024", g.HasToken(), g.MaxBodyBytes())
	}

	rec := guarded(g, client, token, strings.NewReader(`{"question": "ok"}`))
	if rec.Code != 200 || rec.Body.String() != `{"question": "ok"}` || rec.Header().Get("X-Deadline") != "true" {
		t.Errorf("a good request: %d %q, deadline %s; want its body passed on with a deadline", rec.Code, rec.Body, rec.Header().Get("X-Deadline"))
	}

	huge := strings.Repeat("x", 2<<10)
	rec = guarded(g, client, "", strings.NewReader(huge))
	if rec.Code != http.StatusUnauthorized || errorCode(t, rec) != "unauthorized" || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("an oversized body without the token: %d %s; want 401 before the body is read", rec.Code, rec.Body)
	}
	for name, body := range map[string]io.Reader{"sized": strings.NewReader(huge), "chunked": onlyReader{strings.NewReader(huge)}} {
		rec = guarded(g, client, token, body)
		if rec.Code != http.StatusRequestEntityTooLarge || errorCode(t, rec) != "invalid" || !strings.Contains(rec.Body.String(), "larger than 1 KiB") {
			t.Errorf("a %s oversized body: %d %s; want 413 saying the limit", name, rec.Code, rec.Body)
		}
	}

	// Four requests so far: the fifth is over the burst, token or not.
	rec = guarded(g, "192.0.2.1:2000", "", strings.NewReader("{}"))
	if rec.Code != http.StatusTooManyRequests || errorCode(t, rec) != "rate_limited" {
		t.Fatalf("the fifth request: %d %s; want 429", rec.Code, rec.Body)
	}
	if secs, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After = %q; want whole seconds ≥ 1", rec.Header().Get("Retry-After"))
	}
	if rec := guarded(g, "192.0.2.2:1000", token, strings.NewReader("{}")); rec.Code != 200 {
		t.Errorf("another client: %d; want its own allowance", rec.Code)
	}

	open := adapters.NewGuard(adapters.GuardOptions{})
	if rec := guarded(open, client, "", strings.NewReader("{}")); rec.Code != 200 || open.HasToken() {
		t.Errorf("a guard without a token or limit: %d; want 200", rec.Code)
	}
}
