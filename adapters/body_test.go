package adapters_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
)

const testLimit = 64 << 10

// tooLargeJSON is a surface's 413 in its own shape.
func tooLargeJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	io.WriteString(w, `{"error":{"code":"invalid","message":"the request body is larger than 64 KiB"}}`)
}

// uploads serves POST /upload through ReadBody, behind LogRequests as
// on serve's server; done hears each request's ReadBody error.
func uploads(t *testing.T) (string, chan error) {
	t.Helper()
	done := make(chan error, 100)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		body, err := adapters.ReadBody(w, r, testLimit, tooLargeJSON)
		done <- err
		if err == nil {
			fmt.Fprintf(w, "%d bytes", len(body))
		}
	})
	srv := httptest.NewServer(adapters.LogRequests(slog.New(slog.DiscardHandler), mux))
	t.Cleanup(srv.Close)
	return srv.URL + "/upload", done
}

// TestOversizedBodyGetsReadable413 sends bodies far over the limit, as a
// client that writes its whole request before reading (the one that
// meets a reset connection when the server answers and closes while it
// still sends) and as Go's client: every one must read the 413, in the
// surface's shape, every time.
func TestOversizedBodyGetsReadable413(t *testing.T) {
	url, done := uploads(t)
	for i, body := range adaptertest.Oversized(t, url, http.Header{"Content-Type": {"application/json"}}, 20) {
		if !strings.Contains(body, `"code":"invalid"`) {
			t.Errorf("answer %d = %q; want the surface's JSON error", i+1, body)
		}
		if err := <-done; !errors.Is(err, adapters.ErrBodyTooLarge) {
			t.Errorf("ReadBody = %v; want ErrBodyTooLarge", err)
		}
	}
	for i := range 10 {
		resp, err := http.Post(url, "application/json", strings.NewReader(strings.Repeat("x", adapters.DrainBytes)))
		if err != nil {
			t.Fatalf("Go client, attempt %d: %v", i+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), `"code":"invalid"`) {
			t.Fatalf("Go client, attempt %d: %d %q (%v); want the 413", i+1, resp.StatusCode, b, err)
		}
		<-done
	}
	// A body within the limit is read as it is.
	resp, err := http.Post(url, "application/json", strings.NewReader(strings.Repeat("x", testLimit)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != fmt.Sprintf("%d bytes", testLimit) {
		t.Errorf("a body at the limit = %d %q; want it read whole", resp.StatusCode, b)
	}
}

// endless is a request body that never ends, counting what is read.
type endless struct{ read int }

func (e *endless) Read(p []byte) (int, error) {
	e.read += len(p)
	return len(p), nil
}

// TestReadBodyDrainIsBounded: an endless body is answered 413, asking the
// connection to close, and read no further than the limit and
// DrainBytes; over HTTP/2 (which resets a stream, not the connection)
// it is not drained at all.
func TestReadBodyDrainIsBounded(t *testing.T) {
	for _, proto := range []int{1, 2} {
		body := &endless{}
		r := httptest.NewRequest("POST", "/upload", body)
		r.ProtoMajor = proto
		w := httptest.NewRecorder()
		_, err := adapters.ReadBody(w, r, testLimit, tooLargeJSON)
		var over *http.MaxBytesError
		if !errors.Is(err, adapters.ErrBodyTooLarge) || !errors.As(err, &over) || w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("HTTP/%d: ReadBody = %v, answered %d; want ErrBodyTooLarge and the 413", proto, err, w.Code)
		}
		want := testLimit + 1 + adapters.DrainBytes
		if proto == 2 {
			want = testLimit + 1
		} else if w.Header().Get("Connection") != "close" {
			t.Errorf("HTTP/1 413 without Connection: close")
		}
		if body.read != want {
			t.Errorf("HTTP/%d: read %d bytes of an endless body; want %d (the limit, and then the drain's bound)", proto, body.read, want)
		}
	}
}

// TestReadBodyDrainStopsAtDeadline: a client that stops sending halfway
// through an oversized body still reads the 413, and the handler returns
// once the drain's read deadline passes (the connection then closes).
func TestReadBodyDrainStopsAtDeadline(t *testing.T) {
	adapters.SetDrainTimeout(t, 50*time.Millisecond)
	url, done := uploads(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(url, "/upload"), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(adaptertest.Deadline(t))
	fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", adapters.DrainBytes, strings.Repeat("x", 2*testLimit))
	rd := bufio.NewReader(conn)
	resp, err := http.ReadResponse(rd, nil)
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("stalled client read %v, %v; want the 413", resp, err)
	}
	io.ReadAll(resp.Body)
	if err := adaptertest.Receive(t, done, "the handler returning while the client stalls"); !errors.Is(err, adapters.ErrBodyTooLarge) {
		t.Errorf("ReadBody = %v; want ErrBodyTooLarge", err)
	}
	if n, err := rd.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d more bytes; want the connection closed after the 413", n)
	}
}

// TestReadBodyFailure: a body that cannot be read is reported, and
// nothing is answered for the caller.
func TestReadBodyFailure(t *testing.T) {
	broken := errors.New("connection reset")
	r := httptest.NewRequest("POST", "/upload", io.MultiReader(strings.NewReader("{"), brokenReader{broken}))
	w := httptest.NewRecorder()
	called := false
	_, err := adapters.ReadBody(w, r, testLimit, func(http.ResponseWriter, *http.Request) { called = true })
	if !errors.Is(err, broken) || errors.Is(err, adapters.ErrBodyTooLarge) || called || w.Body.Len() != 0 {
		t.Errorf("ReadBody = %v, 413 written %v, body %q; want the read error, nothing written", err, called, w.Body)
	}
}

type brokenReader struct{ err error }

func (f brokenReader) Read([]byte) (int, error) { return 0, f.err }
