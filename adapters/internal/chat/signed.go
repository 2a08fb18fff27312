package chat

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/citebot/citebot/adapters"
)

// ReplayWindow is how far a signed request's timestamp may be from the
// local clock. Without one, a captured request could be replayed for
// ever.
const ReplayWindow = 5 * time.Minute

// ErrStaleTimestamp is a signed request whose timestamp is outside
// ReplayWindow, or not a timestamp at all.
var ErrStaleTimestamp = errors.New("request timestamp outside the 5-minute window (a replay, or a clock off)")

// SignedAt reads a signed request's signature and timestamp headers
// (named sigHeader and tsHeader) and checks the timestamp, Unix seconds
// as Slack's and Discord's carry it, is within ReplayWindow of now. Its
// errors are missing (the platform's own) when either header is absent,
// and ErrStaleTimestamp. Checking the signature itself is the
// platform's.
func SignedAt(h http.Header, sigHeader, tsHeader string, now time.Time, missing error) (sig, ts string, err error) {
	sig, ts = h.Get(sigHeader), h.Get(tsHeader)
	if sig == "" || ts == "" {
		return "", "", missing
	}
	if err := checkTimestamp(ts, now); err != nil {
		return "", "", err
	}
	return sig, ts, nil
}

// checkTimestamp checks ts (Unix seconds) is within ReplayWindow of now.
func checkTimestamp(ts string, now time.Time) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrStaleTimestamp, ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > ReplayWindow || d < -ReplayWindow {
		return ErrStaleTimestamp
	}
	return nil
}

// Signed reads the requests a platform signs: the body once, bounded,
// then the platform's own check of the signature over those exact
// bytes, before anything parses them.
type Signed struct {
	// Adapter names the adapter on the request's log line ("slack").
	Adapter string
	// Platform names the platform in the warning about a rejected
	// request ("Slack").
	Platform string
	// MaxBytes bounds a body.
	MaxBytes int64
	// Verify checks a request's signature over its raw body; the error
	// says why it does not hold.
	Verify func(h http.Header, body []byte) error
	// Rejected, when set, adds headers to a 401 (Slack's
	// X-Slack-No-Retry).
	Rejected func(h http.Header)
	Log      *slog.Logger
}

// Read returns r's verified body, or false once it has answered: 413 for
// a body over MaxBytes (see adapters.ReadBody), 400 for one that cannot
// be read, 401 for a signature that does not hold (logged, with the
// reason, never the secret).
func (s *Signed) Read(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	adapters.Annotate(r.Context(), slog.String("adapter", s.Adapter))
	body, err := adapters.ReadBody(w, r, s.MaxBytes, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
	})
	switch {
	case errors.Is(err, adapters.ErrBodyTooLarge):
		return nil, false
	case err != nil:
		http.Error(w, "could not read the request", http.StatusBadRequest)
		return nil, false
	}
	if err := s.Verify(r.Header, body); err != nil {
		s.Log.Warn("rejected a request that is not verifiably from "+s.Platform, "path", r.URL.Path, "reason", err.Error())
		adapters.Annotate(r.Context(), slog.String("reason", err.Error()))
		if s.Rejected != nil {
			s.Rejected(w.Header())
		}
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}
