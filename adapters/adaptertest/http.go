package adaptertest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/citebot/citebot/adapters"
)

// Do sends req and returns the status and the whole body.
func Do(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req.WithContext(t.Context()))
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, string(b)
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
