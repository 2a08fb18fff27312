package adaptertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters"
)

// NewRequest is method url with body (none when body is empty) and,
// when token is not empty, the bearer token the HTTP API and /mcp ask
// for.
func NewRequest(t testing.TB, method, url, token, body string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// Fetch sends req and returns the response and its whole body (so the
// handler has returned), giving up only at Deadline.
func Fetch(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithDeadline(t.Context(), Deadline(t))
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", req.Method, req.URL.Path, err)
	}
	return resp, b
}

// Do sends req and returns the status and the whole body (Fetch).
func Do(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	resp, b := Fetch(t, req)
	return resp.StatusCode, string(b)
}

// Call sends NewRequest(method, url, token, body) and returns the
// status and the whole body (Fetch).
func Call(t testing.TB, method, url, token, body string) (int, string) {
	t.Helper()
	return Do(t, NewRequest(t, method, url, token, body))
}

// Oversized checks that target (a URL on a real TCP listener) answers a
// body far over its limit with a 413 the client can read, times times.
// Each time it opens a connection and sends a POST with header and a
// body of adapters.DrainBytes bytes (more than the kernel's buffers
// take in: a server that stopped reading blocks the sender), in 16 KiB
// pieces, with a Content-Length or, every other time, chunked; only
// then does it read the answer, as clients that send their whole
// request before reading do. Every write must land (a server that closes
// while the client still sends resets the connection, and the client
// loses the answer) and every answer must be a 413. It returns the
// answers' bodies, for the caller to check the surface's error shape.
func Oversized(t testing.TB, target string, header http.Header, times int) []string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	piece := bytes.Repeat([]byte("x"), 16<<10)
	var bodies []string
	for i := range times {
		chunked := i%2 == 1
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(Deadline(t))
		var head bytes.Buffer
		fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", u.RequestURI(), u.Host)
		header.Write(&head)
		if chunked {
			head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		} else {
			fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", adapters.DrainBytes)
		}
		w := bufio.NewWriter(conn)
		w.Write(head.Bytes())
		for sent := 0; sent < adapters.DrainBytes; sent += len(piece) {
			p := piece[:min(len(piece), adapters.DrainBytes-sent)]
			if chunked {
				fmt.Fprintf(w, "%x\r\n%s\r\n", len(p), p)
			} else {
				w.Write(p)
			}
			if err := w.Flush(); err != nil {
				conn.Close()
				t.Fatalf("attempt %d (chunked %v): the server hung up after %d of %d bytes: %v; a client still sending loses the answer",
					i+1, chunked, sent, adapters.DrainBytes, err)
			}
		}
		if chunked {
			w.WriteString("0\r\n\r\n")
		}
		if err := w.Flush(); err != nil {
			conn.Close()
			t.Fatalf("attempt %d (chunked %v): the server hung up at the end of the body: %v", i+1, chunked, err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("attempt %d (chunked %v): no answer to an oversized body: %v", i+1, chunked, err)
		}
		b, err := io.ReadAll(resp.Body)
		conn.Close()
		if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("attempt %d (chunked %v): answered %d %q (%v); want a readable 413", i+1, chunked, resp.StatusCode, b, err)
		}
		bodies = append(bodies, string(b))
	}
	return bodies
}

// ServeFuzzed serves a fuzzed request to a signed endpoint with h (an
// adapter's handler), waits for the work it started (wait), and checks
// what must hold whatever the body: nothing panicked (watch, the
// adapter's log), no 5xx, and the signature alone decides a 401 (good
// says whether req's is).
func ServeFuzzed(t testing.TB, h http.Handler, req *http.Request, good bool, wait func(), watch *PanicWatch) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	WaitOrDump(t, "the work started by "+req.URL.Path, wait)
	watch.Check(t, "handling "+req.URL.Path)
	switch {
	case rec.Code >= 500:
		t.Fatalf("%s answered %d %s", req.URL.Path, rec.Code, rec.Body)
	case !good && rec.Code != http.StatusUnauthorized:
		t.Fatalf("%s with a bad signature answered %d; want 401", req.URL.Path, rec.Code)
	case good && rec.Code == http.StatusUnauthorized:
		t.Fatalf("%s with a good signature answered 401: %s", req.URL.Path, rec.Body)
	}
}

// AcceptAll is a platform API that takes every call at once: it reads
// the request and answers answer(r), JSON. Fuzzing makes an adapter
// answer thousands of requests, which a fake that records each call
// for the test would keep.
func AcceptAll(t testing.TB, answer func(r *http.Request) string) string {
	t.Helper()
	return Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer(r))
	}))
}

// DeadURL is a platform API URL where nothing listens: every connection
// is refused, as when the platform cannot be reached.
func DeadURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/api/"
	ln.Close() // connection refused from now on
	return url
}

// Recorder is a platform endpoint (response URLs, webhooks) that
// records the JSON bodies sent to it, for a test to take in order.
type Recorder struct {
	// URL is where it listens.
	URL    string
	bodies chan map[string]any
}

// Record serves a Recorder until the test ends. A request that accept
// takes (nil takes all) is recorded, its path under "path", and
// answered reply (JSON); any other is answered 503, as by a platform
// that is failing.
func Record(t testing.TB, accept func(r *http.Request) bool, reply string) *Recorder {
	t.Helper()
	rec := &Recorder{bodies: make(chan map[string]any, 100)}
	rec.URL = Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if accept != nil && !accept(r) {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"message":"Service Unavailable","code":0}`)
			return
		}
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			m = map[string]any{"error": err.Error()}
		}
		m["path"] = r.URL.Path
		rec.bodies <- m
		io.WriteString(w, reply)
	}))
	return rec
}

// Next takes the next body recorded, failing t at Deadline.
func (r *Recorder) Next(t testing.TB) map[string]any {
	t.Helper()
	return Receive(t, r.bodies, "a call to "+r.URL)
}

// CheckMetrics checks that /metrics on the server at base has each of
// lines, whole.
func CheckMetrics(t testing.TB, base string, lines ...string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	code, metrics := Do(t, req)
	for _, line := range lines {
		if code != http.StatusOK || !strings.Contains(metrics, line+"\n") {
			t.Errorf("/metrics (%d) lacks %q", code, line)
		}
	}
}
