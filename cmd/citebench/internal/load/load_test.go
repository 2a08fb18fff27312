package load

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Drive sends every request once, records each result at its own
// number, and stops sending when its context ends.
func TestDrive(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Query().Get("i") == "7" {
			w.WriteHeader(http.StatusTeapot)
		}
		io.WriteString(w, r.URL.Query().Get("i"))
	}))
	defer srv.Close()
	client := NewClient(4, 10*time.Second)
	bodies := make([]string, 50)
	results, elapsed := Drive(context.Background(), client, 50, 4, func(i int) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, srv.URL+"/?i="+itoa(i), nil)
	}, func(i int, _ int, b []byte) { bodies[i] = string(b) })
	if hits.Load() != 50 || elapsed <= 0 {
		t.Fatalf("%d requests arrived in %v; want 50", hits.Load(), elapsed)
	}
	for i, r := range results {
		want := http.StatusOK
		if i == 7 {
			want = http.StatusTeapot
		}
		if !r.Sent || r.Err != nil || r.Status != want || r.Latency <= 0 || bodies[i] != itoa(i) {
			t.Errorf("request %d: %+v, body %q", i, r, bodies[i])
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results, _ = Drive(ctx, client, 10, 2, func(int) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, srv.URL, nil)
	}, nil)
	for i, r := range results {
		if r.Sent {
			t.Errorf("request %d was sent after the context ended", i)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// Ask counts 200s, answers among them and everything else, and fails
// when a warm-up request gets no response.
func TestAsk(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q struct{ Question string }
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil || r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		switch n.Add(1) % 4 {
		case 0:
			w.WriteHeader(http.StatusTooManyRequests)
		case 1:
			io.WriteString(w, `{"answered":false}`)
		default:
			io.WriteString(w, `{"answered":true}`)
		}
	}))
	defer srv.Close()
	res, err := Ask(context.Background(), srv.URL, "tok", []string{"a?", "b?"}, 4, 400, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != 300 || res.Answered != 200 || res.Errors != 100 || res.Status["429"] != 100 || res.Status["200"] != 300 {
		t.Errorf("%+v", res)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 || res.PerSec <= 0 {
		t.Errorf("latency %+v", res)
	}
	var b strings.Builder
	if err := res.Write(&b); err != nil || !strings.Contains(b.String(), "200 answered, 100 declined") {
		t.Errorf("%q, %v", b.String(), err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	if _, err := Ask(context.Background(), dead.URL, "", []string{"a?"}, 1, 1, 1, 0); err == nil {
		t.Error("a warm-up against a closed server succeeded")
	}
}

func TestReadQuestions(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "q.txt")
	os.WriteFile(plain, []byte("Who?\n\n  When?  \n"), 0o644)
	set := filepath.Join(dir, "q.jsonl")
	os.WriteFile(set, []byte(`{"id":"1","question":"Where?","answers":["x"]}`+"\n"), 0o644)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	for path, want := range map[string]string{"": strings.Join(DefaultQuestions, "|"), plain: "Who?|When?", set: "Where?"} {
		qs, err := ReadQuestions(path)
		if err != nil || strings.Join(qs, "|") != want {
			t.Errorf("%q: %q, %v; want %q", path, qs, err, want)
		}
	}
	if _, err := ReadQuestions(empty); err == nil {
		t.Error("a file with no questions was read")
	}
}
