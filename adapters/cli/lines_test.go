package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// askerFunc is an Asker made of a function.
type askerFunc func(ctx context.Context, req bot.Request) (bot.Reply, error)

func (f askerFunc) Ask(ctx context.Context, req bot.Request) (bot.Reply, error) { return f(ctx, req) }

// lineRecorder is a writer that records, under a lock, what was written
// and where each flush fell.
type lineRecorder struct {
	mu      sync.Mutex
	buf     strings.Builder
	lines   int
	flushes []int // buf.Len() at each flush
}

func (w *lineRecorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines += strings.Count(string(p), "\n")
	return w.buf.Write(p)
}

func (w *lineRecorder) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushes = append(w.flushes, w.buf.Len())
	return nil
}

func (w *lineRecorder) written() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lines
}

// numbered is n questions "q0" … "q{n-1}", one per line.
func numbered(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "q%d\n", i)
	}
	return b.String()
}

// questionNumber reads the i of "q{i}".
func questionNumber(t *testing.T, q string) int {
	i, err := strconv.Atoi(strings.TrimPrefix(q, "q"))
	if err != nil {
		t.Errorf("unexpected question %q", q)
	}
	return i
}

// TestAskLinesKeepsInputOrder: answers that finish in any order (random
// delays, eight workers) are written in the order the questions came,
// failed questions as their error lines in place, each answer flushed
// on its own.
func TestAskLinesKeepsInputOrder(t *testing.T) {
	const n = 400
	rng := rand.New(rand.NewPCG(1, 2))
	delays := make([]time.Duration, n)
	for i := range delays {
		delays[i] = time.Duration(rng.IntN(2000)) * time.Microsecond
	}
	var asked atomic.Int32
	a := askerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		asked.Add(1)
		i := questionNumber(t, req.Question)
		time.Sleep(delays[i])
		if i%7 == 3 {
			return bot.Reply{}, &bot.Error{Code: bot.CodeInvalid, Message: "bad question " + req.Question}
		}
		return bot.Reply{Answer: retrieval.Answer{Question: req.Question, Answered: true, Short: "a" + req.Question[1:]}}, nil
	})
	out := &lineRecorder{}
	if err := AskLines(context.Background(), a, strings.NewReader(numbered(n)), out, Options{JSON: true, Workers: 8}); err != nil {
		t.Fatal(err)
	}
	if asked.Load() != n {
		t.Errorf("%d questions asked, want %d", asked.Load(), n)
	}
	lines := strings.Split(strings.TrimSuffix(out.buf.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines for %d questions", len(lines), n)
	}
	end := 0
	for i, l := range lines {
		var got struct {
			Question string `json:"question"`
			Answer   string `json:"answer"`
			Error    *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
		q := fmt.Sprintf("q%d", i)
		switch {
		case got.Question != q:
			t.Fatalf("line %d answers %q, want %q: order broken", i, got.Question, q)
		case i%7 == 3 && (got.Error == nil || got.Error.Code != "invalid" || got.Error.Message != "bad question "+q):
			t.Errorf("line %d: want the question's error, got %s", i, l)
		case i%7 != 3 && got.Answer != fmt.Sprintf("a%d", i):
			t.Errorf("line %d: answer %q, want a%d", i, got.Answer, i)
		}
		end += len(l) + 1
		if i >= len(out.flushes) || out.flushes[i] != end {
			t.Fatalf("flush %d not right after answer %d (flushes %v…)", i, i, out.flushes[:min(len(out.flushes), i+1)])
		}
	}
}

// TestAskLinesBoundsReadAhead: however long the input, a question is not
// asked until the answer window(workers)+1 places before it has been
// written, so a slow question holds back the reading instead of letting
// answers pile up in memory. The first question here waits until as many
// questions as the window allows have started.
func TestAskLinesBoundsReadAhead(t *testing.T) {
	const workers = 2
	limit := window(workers)
	out := &lineRecorder{}
	var started atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	a := askerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		i := questionNumber(t, req.Question)
		if w := out.written(); w < i-limit {
			t.Errorf("q%d asked with %d answers written: more than %d lines in flight", i, w, limit+1)
		}
		if int(started.Add(1)) >= limit+1 {
			once.Do(func() { close(release) })
		}
		if i == 0 {
			select {
			case <-release:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
		}
		return bot.Reply{Answer: retrieval.Answer{Question: req.Question}}, nil
	})
	if err := AskLines(context.Background(), a, strings.NewReader(numbered(20*limit)), out, Options{JSON: true, Workers: workers}); err != nil {
		t.Fatal(err)
	}
	if got := out.written(); got != 20*limit {
		t.Errorf("%d answers written, want %d", got, 20*limit)
	}
}

// TestAskLinesTextKeepsOrder: answers for a person come in input order,
// a blank line between them.
func TestAskLinesTextKeepsOrder(t *testing.T) {
	a := askerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		if req.Question == "q0" {
			time.Sleep(2 * time.Millisecond) // the first answer is the last to be ready
		}
		return bot.Reply{Answer: retrieval.Answer{Question: req.Question}}, nil
	})
	var out strings.Builder
	if err := AskLines(context.Background(), a, strings.NewReader("q0\n\n  q1 \nq2\n"), &out, Options{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	want := "Q: q0\nNot in the documents.\n\nQ: q1\nNot in the documents.\n\nQ: q2\nNot in the documents.\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// failingWriter fails every write after the first ok.
type failingWriter struct {
	ok     int
	writes int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.writes == w.ok {
		return 0, errDiskFull
	}
	w.writes++
	return len(p), nil
}

// TestAskLinesStopsOnWriteError: a failed write ends the run with its
// error, and the questions still running are cancelled.
func TestAskLinesStopsOnWriteError(t *testing.T) {
	var cancelled atomic.Int32
	a := askerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		if questionNumber(t, req.Question) >= 3 {
			<-ctx.Done() // answers only once the run stops
			cancelled.Add(1)
			return bot.Reply{}, ctx.Err()
		}
		return bot.Reply{Answer: retrieval.Answer{Question: req.Question}}, nil
	})
	w := &failingWriter{ok: 2}
	err := AskLines(context.Background(), a, strings.NewReader(numbered(1000)), w, Options{JSON: true, Workers: 4})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("got %v, want the write error", err)
	}
	if cancelled.Load() == 0 {
		t.Error("no running question was cancelled")
	}
}

// brokenReader gives its text, then fails.
type brokenReader struct{ text string }

var errUnplugged = errors.New("unplugged")

func (r *brokenReader) Read(p []byte) (int, error) {
	if r.text == "" {
		return 0, errUnplugged
	}
	n := copy(p, r.text)
	r.text = r.text[n:]
	return n, nil
}

// TestAskLinesReadError: the answers to the lines read before a read
// error are written, then the error is returned, saying what was read.
func TestAskLinesReadError(t *testing.T) {
	a := askerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		return bot.Reply{Answer: retrieval.Answer{Question: req.Question}}, nil
	})
	out := &lineRecorder{}
	err := AskLines(context.Background(), a, &brokenReader{numbered(5)}, out, Options{JSON: true, Workers: 2})
	if !errors.Is(err, errUnplugged) || !strings.Contains(err.Error(), "read questions") {
		t.Fatalf("got %v, want the read error", err)
	}
	if out.written() != 5 {
		t.Errorf("%d answers written before the read error, want 5", out.written())
	}
}

// TestAskLinesCancelled: a cancelled context ends the run with its error.
func TestAskLinesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	a := askerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		if req.Question == "q2" {
			cancel()
		}
		return bot.Reply{Answer: retrieval.Answer{Question: req.Question}}, nil
	})
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write([]byte(numbered(3))) // the stream stays open: only the cancellation ends the run
	err := AskLines(ctx, a, pr, io.Discard, Options{JSON: true, Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
