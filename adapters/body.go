package adapters

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// How much of an oversized request body ReadBody reads and throws away
// after answering 413, so that the client, still sending, reads the
// answer rather than a reset connection.
const (
	// DrainBytes bounds the bytes read: a client sending more may see
	// the connection reset before it reads the 413.
	DrainBytes = 8 << 20
	// DrainTimeout bounds the time spent reading them (a read deadline
	// on the connection).
	DrainTimeout = 10 * time.Second
)

// ErrBodyTooLarge is what ReadBody returns (wrapped, along with the
// *http.MaxBytesError) for a body over its limit, once it has answered
// 413.
var ErrBodyTooLarge = errors.New("request body too large")

// drainTimeout is DrainTimeout; tests shorten it.
var drainTimeout = DrainTimeout

// ReadBody reads r's body, at most limit bytes, and returns it. Every
// surface on serve's HTTP server reads bodies through it.
//
// A body over the limit is answered at once by tooLarge, which writes
// the surface's own 413 (its usual error shape); the response asks for
// the connection to close. Then, as a well-behaved HTTP server does,
// ReadBody reads and discards the rest of the body (at most DrainBytes,
// for at most DrainTimeout) before the connection closes: a server that
// closes while the client is still sending makes the client's TCP stack
// see a reset, and the client may lose the 413 it has not read yet.
// ReadBody then returns an error matching ErrBodyTooLarge; the 413 is
// written and the caller must write nothing more.
//
// Any other failure to read the body is returned as it is, with
// nothing written.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64, tooLarge http.HandlerFunc) ([]byte, error) {
	src := r.Body // the rest is drained from here: MaxBytesReader fails for good once over
	body, err := io.ReadAll(http.MaxBytesReader(w, src, limit))
	var over *http.MaxBytesError
	switch {
	case err == nil:
		return body, nil
	case !errors.As(err, &over):
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	if r.ProtoMajor != 1 {
		// HTTP/2 and later reset the stream, not the connection: the
		// answer is not lost.
		tooLarge(w, r)
		return nil, tooLargeError(limit, over)
	}
	rc := http.NewResponseController(w)
	// Reading on after answering is what full duplex means in HTTP/1;
	// the server would otherwise refuse or skip it. The errors say only
	// that w cannot (a test's recorder), where nothing is to be drained.
	_ = rc.EnableFullDuplex()
	w.Header().Set("Connection", "close")
	tooLarge(w, r)
	_ = rc.Flush()
	_ = rc.SetReadDeadline(time.Now().Add(drainTimeout))
	// A read error (the deadline, the client hanging up) ends the
	// drain like EOF does; either way the connection closes next.
	_, _ = io.CopyN(io.Discard, src, DrainBytes)
	return nil, tooLargeError(limit, over)
}

func tooLargeError(limit int64, over *http.MaxBytesError) error {
	return fmt.Errorf("%w: more than %d bytes (%w)", ErrBodyTooLarge, limit, over)
}
