package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/phase"
)

func askAt(p50 time.Duration) *phase.Result {
	return &phase.Result{P50: p50, P90: 2 * p50, P99: 3 * p50, PerSec1: 100, PerSec2: 180, At1: 50, At5: 80, Answered: 90}
}

// checkWritten runs write into a buffer, which must succeed, and fails t
// for each of wants that what it wrote lacks; what names the output in
// the messages.
func checkWritten(t *testing.T, what string, write func(io.Writer) error, wants ...string) {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range wants {
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s lacks %q:\n%s", what, want, b.String())
		}
	}
}

// The summary checks the targets against what was measured, says "not
// measured" for what was not, and shows how latency grows between
// corpora asked the same questions.
func TestSummary(t *testing.T) {
	bleve, fts := askAt(time.Millisecond), askAt(3*time.Millisecond)
	bleve.PerSec1, fts.PerSec1 = 200, 25
	rep := &Report{Sizes: []*Size{
		{Name: "squad", Passages: 2000, Questions: 100,
			Citebot: System{Index: &phase.Result{Passages: 2000, IndexSeconds: 1}, Ask: askAt(2 * time.Millisecond)},
			Bleve:   System{Index: &phase.Result{Passages: 2000, IndexSeconds: 2}, Ask: bleve},
			FTS:     System{Ask: fts}},
		{Name: "100k", Passages: 100000, Questions: 100, StartupMedian: 30 * time.Millisecond,
			Citebot: System{Index: &phase.Result{Passages: 100000, IndexSeconds: 20}, Ask: askAt(6 * time.Millisecond)},
			Bleve:   System{Index: &phase.Result{Passages: 100000, IndexSeconds: 19}, Ask: askAt(2 * time.Millisecond)},
			FTS:     System{Ask: askAt(30 * time.Millisecond)}},
	}, Load: &load.AskResult{Clients: 64, PerSec: 3100, ServerCPUPerAnswer: 550 * time.Microsecond}}
	checkWritten(t, "summary", func(w io.Writer) error { return WriteSummary(w, rep) },
		"| answer p50 ≤ 3× the raw Bleve query at squad | 2.00× (2.00 ms against 1.00 ms) | yes |",
		"| answer p50 ≤ 1.5× the raw Bleve query at 1m | – | not measured |",
		"| answer p99 ≤ 1.5× the raw Bleve query's at 1m | – | not measured |",
		"| answers/s on 1 core at squad ≥ 0.5× the raw Bleve query's and ≥ 3× FTS5's | 0.50× and 4.00× (100 against 200 and 25) | yes |",
		"| answers/s on 2 cores ≥ 1.7× on 1 core | squad 1.80×, 100k 1.80× | yes |",
		"| indexing ≥ 0.9× raw Bleve's passages/s at squad and 100k | squad 2.00×, 100k 0.95× | yes |",
		"| start-up from a persisted index < 1 s | 100k 30.0 ms | yes |",
		"| POST /api/ask ≥ 3,000 answers/s, 64 clients, 0 errors | 3,100/s, 0 errors; server CPU 550 µs an answer | yes |",
		"| squad → 100k | ×50 | 2.00 ms → 6.00 ms (k 0.28) |",
	)
}

// Targets missed say "no" with what was measured.
func TestSummaryMisses(t *testing.T) {
	slow := askAt(4 * time.Millisecond)
	slow.PerSec2 = 120
	fts := askAt(2 * time.Millisecond)
	fts.PerSec1 = 50
	rep := &Report{Sizes: []*Size{
		{Name: "squad", Passages: 2000, Questions: 100,
			Citebot: System{Index: &phase.Result{Passages: 2000, IndexSeconds: 2}, Ask: slow},
			Bleve:   System{Index: &phase.Result{Passages: 2000, IndexSeconds: 1}, Ask: askAt(time.Millisecond)},
			FTS:     System{Ask: fts}},
	}, Load: &load.AskResult{Clients: 64, PerSec: 3200, Errors: 3}}
	checkWritten(t, "summary", func(w io.Writer) error { return WriteSummary(w, rep) },
		"| answer p50 ≤ 3× the raw Bleve query at squad | 4.00× (4.00 ms against 1.00 ms) | no |",
		"| answers/s on 1 core at squad ≥ 0.5× the raw Bleve query's and ≥ 3× FTS5's | 1.00× and 2.00× (100 against 100 and 50) | no |",
		"| answers/s on 2 cores ≥ 1.7× on 1 core | squad 1.20× | no |",
		"| indexing ≥ 0.9× raw Bleve's passages/s at squad and 100k | squad 0.50× | no |",
		"| POST /api/ask ≥ 3,000 answers/s, 64 clients, 0 errors | 3,200/s, 3 errors | no |",
	)
}

// A corpus's table shows every system, the ratios, and "–" for what a
// run did not measure (here FTS5's indexing).
func TestWriteSize(t *testing.T) {
	r := &Size{Name: "squad", How: "SQuAD", Documents: 48, Passages: 2300, Questions: 100,
		Citebot: System{Index: &phase.Result{Passages: 2300, IndexSeconds: 2, Runs: 3}, Ask: askAt(2 * time.Millisecond)},
		Bleve:   System{Index: &phase.Result{Passages: 2300, IndexSeconds: 1}, Ask: askAt(time.Millisecond)},
		FTS:     System{Ask: askAt(4 * time.Millisecond)}}
	checkWritten(t, "table", func(w io.Writer) error { return WriteSize(w, r) },
		"### squad — 48 documents, 2,300 passages, 100 questions",
		"Each figure is the median of 3 runs of its phase.",
		"| index: passages/s | 1,150 | 2,300 | – | 0.50× | – |",
		"| answer p50 | 2.00 ms | 1.00 ms | 4.00 ms | 2.00× | 0.50× |",
		"| quote@1 | 50.0% | 50.0% | 50.0% | +0.0 pts | +0.0 pts |",
		"citebot answered 90 of 100 questions",
	)
}
