package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/bot"
)

// TestRunWaitsForWhatItStarted: Run returns once ctx ends, after the
// setup goroutine has stopped and the work in flight has finished; work
// dispatched after that is dropped.
func TestRunWaitsForWhatItStarted(t *testing.T) {
	logs, log := adaptertest.NewLogs(slog.LevelDebug)
	jobs := NewJobs("test", log)
	ctx, cancel := context.WithCancel(context.Background())
	setupStopped := make(chan struct{})
	runDone := make(chan error, 1)
	go func() {
		runDone <- Run(ctx, jobs, func(ctx context.Context) { <-ctx.Done(); close(setupStopped) }, nil)
	}()
	release, running := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	jobs.Dispatch("answer", func(context.Context) {
		close(running)
		<-release
		finished.Store(true)
	})
	adaptertest.Receive(t, running, "the job starting")
	cancel()
	adaptertest.Receive(t, setupStopped, "setup seeing ctx end")
	close(release)
	if err := adaptertest.Receive(t, runDone, "Run returning"); err != nil {
		t.Errorf("Run = %v; want nil after a clean stop", err)
	}
	if !finished.Load() {
		t.Error("Run returned before the job in flight finished")
	}
	ran := false
	jobs.Dispatch("late", func(context.Context) { ran = true })
	jobs.Wait()
	if ran || !strings.Contains(logs.String(), "shutting down; not answering") {
		t.Errorf("work dispatched after Run ran (%v), or its drop was not logged:\n%s", ran, logs)
	}
}

// TestRunReturnsServeError: a connection that cannot go on ends Run with
// its error, and the setup goroutine is stopped first.
func TestRunReturnsServeError(t *testing.T) {
	_, log := adaptertest.NewLogs(slog.LevelDebug)
	refused := errors.New("the token was rejected")
	var setupDone atomic.Bool
	err := Run(context.Background(), NewJobs("test", log),
		func(ctx context.Context) { <-ctx.Done(); setupDone.Store(true) },
		func(context.Context) error { return refused })
	if !errors.Is(err, refused) || !setupDone.Load() {
		t.Errorf("Run = %v, setup stopped %v; want serve's error, setup stopped", err, setupDone.Load())
	}
}

// TestJobsBoundAndPanics: no more than MaxJobs jobs run at once, all of
// them run, and a job that panics is logged while the others carry on.
func TestJobsBoundAndPanics(t *testing.T) {
	logs, log := adaptertest.NewLogs(slog.LevelDebug)
	jobs := NewJobs("test", log)
	release := make(chan struct{})
	var running, most, done atomic.Int32
	const n = MaxJobs + 5
	for i := range n {
		jobs.Dispatch("job", func(ctx context.Context) {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("a job without a deadline")
			}
			now := running.Add(1)
			for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
			}
			<-release
			running.Add(-1)
			done.Add(1)
			if i == 0 {
				panic("nil map")
			}
		})
	}
	adaptertest.Eventually(t, "MaxJobs jobs running", func() bool { return running.Load() == MaxJobs })
	close(release)
	jobs.Close()
	if most.Load() > MaxJobs || done.Load() != n {
		t.Errorf("%d jobs at once, %d of %d done; want at most %d at once, all done", most.Load(), done.Load(), n, MaxJobs)
	}
	if !strings.Contains(logs.String(), "test handler panicked") || !strings.Contains(logs.String(), "nil map") {
		t.Errorf("the panic is not logged:\n%s", logs)
	}
}

// TestDispatchAfterFlushes: the acknowledgement a handler wrote reaches
// the platform before the work starts.
func TestDispatchAfterFlushes(t *testing.T) {
	_, log := adaptertest.NewLogs(slog.LevelDebug)
	jobs := NewJobs("test", log)
	w := httptest.NewRecorder()
	io.WriteString(w, `{"type":5}`)
	flushed := make(chan bool, 1)
	jobs.DispatchAfter(w, "interaction", func(context.Context) { flushed <- w.Flushed })
	if !adaptertest.Receive(t, flushed, "the work running") {
		t.Error("the work started before the acknowledgement was flushed")
	}
	jobs.DispatchAfter(w, "nothing", nil) // nothing to do, nothing dispatched
	jobs.Close()
}

// cancelOnWarn is a log handler that ends a context when a warning is
// logged: Retry logs one just before it waits.
type cancelOnWarn struct {
	slog.Handler
	cancel context.CancelFunc
}

func (c cancelOnWarn) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		c.cancel()
	}
	return c.Handler.Handle(ctx, r)
}

func TestRetry(t *testing.T) {
	limited, failed, fatal := errors.New("429"), errors.New("503"), errors.New("400")
	classify := func(err error) Failure {
		switch err {
		case limited:
			return Failure{RetryAfter: time.Millisecond}
		case failed:
			return Failure{Again: true}
		}
		return Failure{}
	}
	cases := []struct {
		name    string
		errs    []error // what the calls return, in turn; then nil
		calls   int
		want    error
		warning string
	}{
		{"rate limited, then through", []error{limited, limited}, 3, nil, "limited; again"},
		{"failed, then through", []error{failed, failed}, 3, nil, "failed; again"},
		{"not to be repeated", []error{fatal, limited}, 1, fatal, ""},
		{"attempts spent", []error{failed, limited, failed, limited, failed, limited}, MaxAttempts, failed, "failed; again"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			logs, log := adaptertest.NewLogs(slog.LevelDebug)
			r := Retry{Backoff: time.Millisecond, Log: log, RateLimited: "limited; again", Failed: "failed; again"}
			calls := 0
			err := r.Do(context.Background(), func() error {
				calls++
				if calls <= len(c.errs) {
					return c.errs[calls-1]
				}
				return nil
			}, classify, "call", "post")
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) || calls != c.calls {
				t.Errorf("Do = %v after %d calls; want %v after %d", err, calls, c.want, c.calls)
			}
			if c.warning != "" && (!strings.Contains(logs.String(), c.warning) || !strings.Contains(logs.String(), `"call":"post"`)) {
				t.Errorf("no %q warning with the caller's attributes:\n%s", c.warning, logs)
			}
		})
	}

	// A Retry-After longer than MaxRetryAfter waits MaxRetryAfter, and
	// the wait ends with ctx.
	var buf bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(cancelOnWarn{slog.NewJSONHandler(&buf, nil), cancel})
	r := Retry{Backoff: time.Millisecond, Log: log, RateLimited: "limited; again"}
	err := r.Do(ctx, func() error { return limited }, func(error) Failure { return Failure{RetryAfter: time.Hour} })
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting to call again") {
		t.Errorf("Do = %v; want the wait ended by ctx", err)
	}
	var line struct {
		RetryAfter string `json:"retry_after"`
	}
	if json.Unmarshal(buf.Bytes(), &line); line.RetryAfter != MaxRetryAfter.String() {
		t.Errorf("waited %q for a Retry-After of an hour; want %s", line.RetryAfter, MaxRetryAfter)
	}
}

// TestStartup: a step that fails is called again until it succeeds;
// every outcome is reported, each distinct failure logged once; a step
// still failing when ctx ends is left, with nothing more reported.
func TestStartup(t *testing.T) {
	old := startupFirstWait
	startupFirstWait = time.Millisecond
	t.Cleanup(func() { startupFirstWait = old })

	logs, log := adaptertest.NewLogs(slog.LevelDebug)
	down, refused := errors.New("connection refused"), errors.New("invalid_auth")
	outcomes := []error{down, down, refused, nil}
	var reported []error
	calls := 0
	s := Startup{Timeout: time.Minute, Log: log, Failed: "the platform refused; retrying"}
	s.Run(context.Background(), func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("a start-up call without a deadline")
		}
		calls++
		return outcomes[calls-1]
	}, func(err error) { reported = append(reported, err) })
	if calls != 4 || len(reported) != 4 || reported[3] != nil || reported[0] != down {
		t.Errorf("%d calls, reported %v; want 4 calls, each outcome reported, the last nil", calls, reported)
	}
	if n := strings.Count(logs.String(), "the platform refused; retrying"); n != 2 {
		t.Errorf("%d failures logged; want 2 (each distinct one once):\n%s", n, logs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reported = nil
	s.Run(ctx, func(context.Context) error { cancel(); return down }, func(err error) { reported = append(reported, err) })
	if len(reported) != 0 {
		t.Errorf("reported %v after ctx ended; want nothing", reported)
	}
}

func TestSignedAt(t *testing.T) {
	now := time.Unix(1700000000, 0)
	missing := errors.New("missing X-Sig or X-Ts")
	for ts, ok := range map[string]bool{
		"1700000000": true, "1699999701": true, "1700000299": true,
		"1699999699": false, "1700000301": false, "soon": false, "+1700000000x": false,
	} {
		h := http.Header{"X-Sig": {"abc"}, "X-Ts": {ts}}
		sig, got, err := SignedAt(h, "X-Sig", "X-Ts", now, missing)
		if (err == nil) != ok || (!ok && !errors.Is(err, ErrStaleTimestamp)) || (ok && (sig != "abc" || got != ts)) {
			t.Errorf("SignedAt(timestamp %q) = %q, %q, %v; want ok %v", ts, sig, got, err, ok)
		}
	}
	for _, h := range []http.Header{{}, {"X-Sig": {"abc"}}, {"X-Ts": {"1700000000"}}} {
		if _, _, err := SignedAt(h, "X-Sig", "X-Ts", now, missing); err != missing {
			t.Errorf("SignedAt(%v) = %v; want the platform's missing error", h, err)
		}
	}
}

// TestSigned: a verified body is returned as sent; a bad signature is
// 401 (with the platform's headers, logged without the body), an
// oversized body 413, an unreadable one 400, and none of them reaches
// the caller.
func TestSigned(t *testing.T) {
	logs, log := adaptertest.NewLogs(slog.LevelDebug)
	s := &Signed{Adapter: "test", Platform: "Testland", MaxBytes: 16, Log: log,
		Verify: func(h http.Header, body []byte) error {
			if h.Get("X-Signature") != "good" {
				return errors.New("signature does not match")
			}
			return nil
		},
		Rejected: func(h http.Header) { h.Set("X-No-Retry", "1") },
	}
	read := func(sig string, body io.Reader) (*httptest.ResponseRecorder, []byte, bool) {
		r := httptest.NewRequest("POST", "/events", body)
		r.Header.Set("X-Signature", sig)
		w := httptest.NewRecorder()
		b, ok := s.Read(w, r)
		return w, b, ok
	}
	if w, b, ok := read("good", strings.NewReader(`{"type":1}`)); !ok || string(b) != `{"type":1}` || w.Body.Len() != 0 {
		t.Errorf("verified = %q, %v, wrote %q; want the body, nothing written", b, ok, w.Body)
	}
	w, _, ok := read("forged", strings.NewReader(`{"type":1}`))
	if ok || w.Code != http.StatusUnauthorized || w.Header().Get("X-No-Retry") != "1" {
		t.Errorf("forged = %v, %d %v; want 401 with the platform's header", ok, w.Code, w.Header())
	}
	if !strings.Contains(logs.String(), "not verifiably from Testland") || strings.Contains(logs.String(), `{\"type\":1}`) {
		t.Errorf("the rejection is not logged, or logged with the body:\n%s", logs)
	}
	if w, _, ok := read("good", strings.NewReader(strings.Repeat("x", 17))); ok || w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized = %v, %d; want 413", ok, w.Code)
	}
	if w, _, ok := read("good", io.MultiReader(strings.NewReader("{"), errReader{})); ok || w.Code != http.StatusBadRequest {
		t.Errorf("unreadable = %v, %d; want 400", ok, w.Code)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadiness(t *testing.T) {
	r := NewReadiness("slack web api", errors.New("not checked yet"), errors.New("connecting"))
	if err := r.Err(); err == nil || err.Error() != "slack web api: not checked yet" {
		t.Errorf("before start-up: %v", err)
	}
	r.SetSetup(nil)
	if err := r.Err(); err == nil || err.Error() != "connecting" {
		t.Errorf("set up, not connected: %v", err)
	}
	r.SetConn(nil)
	if err := r.Err(); err != nil {
		t.Errorf("set up and connected: %v", err)
	}
}

// TestLogTurn: each outcome at its level, and the question only at
// debug.
func TestLogTurn(t *testing.T) {
	answered := bot.Turn{Action: bot.ActionAnswer, Question: "the secret question", Reply: bot.Reply{Answer: bot.Answer{Answered: true}}}
	cases := []struct {
		turn  bot.Turn
		err   error
		level slog.Level
		want  string
	}{
		{answered, nil, slog.LevelInfo, `"outcome":"answered"`},
		{bot.Turn{Action: bot.ActionAnswer}, nil, slog.LevelInfo, `"outcome":"declined"`},
		{bot.Turn{Action: bot.ActionHelp}, nil, slog.LevelInfo, `"outcome":"command"`},
		{bot.Turn{Action: bot.ActionIgnore, Why: "not mentioned"}, nil, slog.LevelDebug, `"why":"not mentioned"`},
		{bot.Turn{}, &bot.Error{Code: bot.CodeRateLimited, Message: "slow down"}, slog.LevelInfo, `"msg":"rate limited"`},
		{bot.Turn{}, &bot.Error{Code: bot.CodeUnavailable, Message: "index closed"}, slog.LevelWarn, `"code":"unavailable"`},
	}
	for _, c := range cases {
		logs, log := adaptertest.NewLogs(slog.LevelDebug)
		LogTurn(log, "message", c.turn, c.err)
		if !strings.Contains(logs.String(), c.want) || !strings.Contains(logs.String(), `"level":"`+c.level.String()+`"`) {
			t.Errorf("turn %+v, %v logged:\n%s\nwant %s at %s", c.turn, c.err, logs, c.want, c.level)
		}
	}
	logs, log := adaptertest.NewLogs(slog.LevelInfo)
	LogTurn(log, "message", answered, nil)
	if strings.Contains(logs.String(), "the secret question") {
		t.Errorf("the question is logged above debug:\n%s", logs)
	}
}

// TestMarkup: citation and source lines in a platform's syntax (here a
// toy one: escapes in {}, links in <>), with the parts a document lacks
// left out.
func TestMarkup(t *testing.T) {
	m := Markup{
		Escape: func(s string) string { return "{" + s + "}" },
		Link: func(label, url string) string {
			if url == "" {
				return label
			}
			return "<" + url + "|" + label + ">"
		},
		Cut: func(s string, n int) string { return s[:min(len(s), n)] },
	}
	for _, c := range []struct {
		src  bot.Source
		want string
	}{
		{bot.Source{Title: "Cap cut", Byline: "CRBC News, 2025", URL: "https://x.example", Paragraph: 4}, "<https://x.example|{Cap cut}> — {CRBC News, 2025} · paragraph 4"},
		{bot.Source{Title: "Cap cut"}, "{Cap cut}"},
		// A PDF's quote says its page before the paragraph.
		{bot.Source{Title: "Budget", Byline: "County", Paragraph: 12, Page: 2}, "{Budget} — {County} · p. 2 · paragraph 12"},
	} {
		if got := m.CitationLine(c.src); got != c.want {
			t.Errorf("CitationLine(%+v) = %q; want %q", c.src, got, c.want)
		}
	}
	doc := bot.DocumentInfo{ID: "007_doc", Metadata: bot.Metadata{Publisher: "@everyone Daily", Date: "2025", URL: "javascript:alert(1)"}, Collection: "seeds"}
	got := m.SourceLine(doc, 12)
	if !strings.HasPrefix(got, "• {007_doc} — {@\u2060everyone Da}") || !strings.HasSuffix(got, " · {seeds}") || strings.Contains(got, "javascript") {
		t.Errorf("SourceLine = %q; want the ID for the missing headline, cut, defused, unlinked, with its collection", got)
	}
}
