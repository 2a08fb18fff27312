package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// serveFrom sends one request to h as if from addr.
func serveFrom(h http.Handler, addr, method, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestPerClientRateLimit(t *testing.T) {
	const token = "0123456789abcdef0123"
	h := httpapi.New(bot.New(seedIndex(t)), httpapi.Options{Token: token, PerClient: bot.Rate{PerSecond: 0.01, Burst: 3}}).Handler()
	const alice, bob = "192.0.2.10:5000", "192.0.2.11:6000"
	for i := range 2 {
		if rec := serveFrom(h, alice, "GET", "/api/sources", token, ""); rec.Code != 200 {
			t.Fatalf("request %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	// A wrong token counts too: guessing tokens is limited like asking.
	if rec := serveFrom(h, alice, "POST", "/api/ask", "wrong-token-wrong-token", `{"question": "x"}`); rec.Code != 401 {
		t.Fatalf("wrong token: %d; want 401", rec.Code)
	}
	rec := serveFrom(h, "192.0.2.10:5001", "POST", "/api/ask", token, `{"question": "What was the FY2026 refugee cap?"}`)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("4th request from one address (another port): %d %s; want 429", rec.Code, rec.Body)
	}
	var e httpapi.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "rate_limited" || e.Error.Message == "" {
		t.Errorf("429 body %s (%v); want the JSON error shape with code rate_limited", rec.Body, err)
	}
	if secs, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After = %q; want whole seconds ≥ 1", rec.Header().Get("Retry-After"))
	}
	if rec := serveFrom(h, bob, "GET", "/api/sources", token, ""); rec.Code != 200 {
		t.Errorf("another client: %d; want its own allowance", rec.Code)
	}
	// The page and the probes are never limited.
	for _, p := range []string{"/", "/static/app.js"} {
		if rec := serveFrom(h, alice, "GET", p, "", ""); rec.Code == http.StatusTooManyRequests {
			t.Errorf("GET %s limited", p)
		}
	}
}

func TestClientKey(t *testing.T) {
	h := httpapi.New(bot.New(seedIndex(t)), httpapi.Options{PerClient: bot.Rate{PerSecond: 0.01, Burst: 1}}).Handler()
	limited := func(addr string) bool {
		return serveFrom(h, addr, "GET", "/api/sources", "", "").Code == http.StatusTooManyRequests
	}
	if limited("[2001:db8:1:2::1]:443") || !limited("[2001:db8:1:2:ffff::9]:80") {
		t.Error("two addresses of one IPv6 /64 are not one client")
	}
	if limited("[2001:db8:1:3::1]:443") {
		t.Error("another /64 shares its neighbour's limit")
	}
	if limited("198.51.100.7:1") || !limited("[::ffff:198.51.100.7]:2") {
		t.Error("an IPv4-mapped IPv6 address is not its IPv4 client")
	}
}

// hungIndex is an index that never answers: every question waits for
// its context to end. It stands for a disk or a search gone slow.
type hungIndex struct {
	deadline chan time.Time
}

func (h hungIndex) Ask(ctx context.Context, _ string, _ retrieval.AskOptions) (retrieval.Answer, error) {
	d, _ := ctx.Deadline()
	h.deadline <- d
	<-ctx.Done()
	return retrieval.Answer{}, ctx.Err()
}

func (hungIndex) Sources() ([]retrieval.Source, error) { return nil, nil }

// TestRequestTimeout: a request whose answer does not come is cut off at
// RequestTimeout with 503, rather than holding its connection for ever.
func TestRequestTimeout(t *testing.T) {
	ix := hungIndex{deadline: make(chan time.Time, 1)}
	srv := httptest.NewServer(httpapi.New(bot.New(ix), httpapi.Options{RequestTimeout: 50 * time.Millisecond}).Handler())
	defer srv.Close()
	start := time.Now()
	resp, err := http.Post(srv.URL+"/api/ask", "application/json", strings.NewReader(`{"question": "anything"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e httpapi.ErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || e.Error.Code != "unavailable" {
		t.Errorf("hung answer: %d %+v; want 503 unavailable", resp.StatusCode, e)
	}
	if d := <-ix.deadline; d.IsZero() || d.Before(start) {
		t.Errorf("the index was asked with deadline %v; want one set by RequestTimeout", d)
	}
}
