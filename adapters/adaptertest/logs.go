package adaptertest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Logs collects the JSON log lines an adapter writes from its
// goroutines; it is a writer of any output that a test reads while a
// program still writes to it.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// NewLogs returns a log sink and a JSON logger at level writing to it.
func NewLogs(level slog.Level) (*Logs, *slog.Logger) {
	l := &Logs{}
	return l, slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: level}))
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Lines decodes the lines logged so far.
func (l *Logs) Lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// Find returns the first line logged so far with message msg, nil when
// there is none yet.
func (l *Logs) Find(msg string) map[string]any {
	for _, line := range strings.Split(l.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			return m
		}
	}
	return nil
}

// PanicWatch is a log sink for fuzzing, which logs too much to keep: it
// keeps only a line reporting a recovered panic.
type PanicWatch struct{ panicked atomic.Pointer[string] }

// NewPanicWatch returns a watch and a JSON logger writing to it.
func NewPanicWatch() (*PanicWatch, *slog.Logger) {
	w := &PanicWatch{}
	return w, slog.New(slog.NewJSONHandler(w, nil))
}

func (w *PanicWatch) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("panicked")) {
		line := string(p)
		w.panicked.Store(&line)
	}
	return len(p), nil
}

// Check fails t when a panic was logged.
func (w *PanicWatch) Check(t testing.TB, what string) {
	t.Helper()
	if l := w.panicked.Load(); l != nil {
		t.Fatalf("%s panicked: %s", what, *l)
	}
}
