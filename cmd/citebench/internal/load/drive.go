// Package load sends HTTP requests at a server from a fixed number of
// concurrent keep-alive connections and records what each got. Drive is
// the one request loop of citebench: the /api/ask load (Ask, `citebench
// load`) and the mixed load (package mix) both use it.
package load

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one request got.
type Result struct {
	Sent    bool          // false: never sent (the context ended first)
	Status  int           // 0 when Err is set
	Err     error         // no response, or its body could not be read
	Latency time.Duration // from sending to the end of the body
}

// NewClient is an HTTP client for conns concurrent connections to one
// loopback server: no proxy, no compression, keep-alive connections
// reused, each request cut off after timeout.
func NewClient(conns int, timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
		Timeout: timeout,
	}
}

// Drive sends n requests from conns goroutines, each taking the next
// request number i and sending newRequest(i), until all n are sent or ctx
// ends. When body is not nil it is given each response's body. It returns
// every request's result, in order, and the time it took.
func Drive(ctx context.Context, client *http.Client, n, conns int,
	newRequest func(i int) (*http.Request, error), body func(i int, status int, b []byte)) ([]Result, time.Duration) {
	results := make([]Result, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				results[i] = send(ctx, client, i, newRequest, body)
			}
		})
	}
	wg.Wait()
	return results, time.Since(start)
}

func send(ctx context.Context, client *http.Client, i int,
	newRequest func(int) (*http.Request, error), body func(int, int, []byte)) Result {
	req, err := newRequest(i)
	if err != nil {
		return Result{Sent: true, Err: err}
	}
	start := time.Now()
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return Result{Sent: true, Err: err, Latency: time.Since(start)}
	}
	var b []byte
	if body != nil {
		b, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	r := Result{Sent: true, Status: resp.StatusCode, Err: err, Latency: time.Since(start)}
	if err != nil {
		r.Status = 0
	} else if body != nil {
		body(i, resp.StatusCode, b)
	}
	return r
}
