package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/citebot/citebot/config/configtest"
)

// TestServeAppliesLimits: the limits section reaches the HTTP API
// through serve — past per_client's burst a client gets 429 with the
// JSON error shape and Retry-After — and http.request_timeout is
// accepted from the environment.
func TestServeAppliesLimits(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_LIMITS_PER_CLIENT_RATE", "0.01")
	t.Setenv("CITEBOT_LIMITS_PER_CLIENT_BURST", "2")
	t.Setenv("CITEBOT_HTTP_REQUEST_TIMEOUT", "10s")
	base, logs, stop := startServe(t)
	body := `{"question": "` + refugeeQ + `"}`
	for i := range 2 {
		if code, b := httpDo(t, "POST", base+"/api/ask", body); code != 200 {
			t.Fatalf("question %d within the burst: %d %s\n%s", i+1, code, b, logs)
		}
	}
	req, _ := http.NewRequest("POST", base+"/api/ask", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || e.Error.Code != "rate_limited" || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third request: %d %+v Retry-After %q; want 429 rate_limited with Retry-After", resp.StatusCode, e, resp.Header.Get("Retry-After"))
	}
	// The page is never limited.
	if code, _ := httpDo(t, "GET", base+"/", ""); code != 200 {
		t.Errorf("GET / over the API limit: %d", code)
	}
	if err := stop(); err != nil {
		t.Errorf("serve = %v", err)
	}
}
