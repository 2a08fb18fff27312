package adapters

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// annotations collect what a handler adds to its request's log line.
type annotations struct {
	mu    sync.Mutex
	attrs []slog.Attr
	debug []slog.Attr
}

type annotationsKey struct{}

// Annotate adds attributes to the log line of the request ctx belongs to,
// typically adapter ("slack") and outcome ("answered"). Outside a request
// logged by LogRequests it does nothing.
func Annotate(ctx context.Context, attrs ...slog.Attr) {
	if a, ok := ctx.Value(annotationsKey{}).(*annotations); ok {
		a.mu.Lock()
		a.attrs = append(a.attrs, attrs...)
		a.mu.Unlock()
	}
}

// AnnotateDebug adds attributes logged only when the logger is at debug
// level: what users wrote (question text) stays out of normal logs.
func AnnotateDebug(ctx context.Context, attrs ...slog.Attr) {
	if a, ok := ctx.Value(annotationsKey{}).(*annotations); ok {
		a.mu.Lock()
		a.debug = append(a.debug, attrs...)
		a.mu.Unlock()
	}
}

// LogRequests logs one line per request: method, path, status, latency,
// adapter (default "http") and outcome (default "ok", "rejected" for 4xx,
// "error" for 5xx), plus what the handler added with Annotate. Later
// attributes win, so a handler's adapter and outcome replace the
// defaults. A handler that panics is logged with its stack and answered
// with a 500 when nothing was written yet.
func LogRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ann := &annotations{}
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if p != nil {
				log.Error("handler panicked", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, map[string]any{"error": map[string]string{
						"code": "internal", "message": "something went wrong; the error has been logged"}})
				}
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			outcome, level := "ok", slog.LevelInfo
			switch {
			case rec.status >= 500:
				outcome, level = "error", slog.LevelError
			case rec.status >= 400:
				outcome = "rejected"
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Duration("latency", time.Since(start)),
				slog.String("adapter", "http"),
				slog.String("outcome", outcome),
			}
			ann.mu.Lock()
			attrs = append(attrs, ann.attrs...)
			if log.Enabled(r.Context(), slog.LevelDebug) {
				attrs = append(attrs, ann.debug...)
			}
			ann.mu.Unlock()
			log.LogAttrs(r.Context(), level, "request", dedupe(attrs)...)
		}()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), annotationsKey{}, ann)))
	})
}

// dedupe keeps one attribute per key, the last, where the key first
// appeared.
func dedupe(attrs []slog.Attr) []slog.Attr {
	out := make([]slog.Attr, 0, len(attrs))
	pos := map[string]int{}
	for _, a := range attrs {
		if i, ok := pos[a.Key]; ok {
			out[i] = a
			continue
		}
		pos[a.Key] = len(out)
		out = append(out, a)
	}
	return out
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through the recorder.
func (s *statusRecorder) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	http.NewResponseController(s.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
