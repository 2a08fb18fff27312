package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/phase"
)

func askAt(p50 time.Duration) *phase.Result {
	return &phase.Result{P50: p50, P90: 2 * p50, P99: 3 * p50, PerSec1: 100, At1: 50, At5: 80, Answered: 90}
}

// The summary checks the targets against what was measured, says "not
// measured" for what was not, and shows how latency grows between
// corpora asked the same questions.
func TestSummary(t *testing.T) {
	rep := &Report{Sizes: []*Size{
		{Name: "squad", Passages: 2000, Questions: 100,
			Citebot: System{Index: &phase.Result{Passages: 2000, IndexSeconds: 1}, Ask: askAt(2 * time.Millisecond)},
			Bleve:   System{Index: &phase.Result{Passages: 2000, IndexSeconds: 2}, Ask: askAt(time.Millisecond)},
			FTS:     System{Ask: askAt(3 * time.Millisecond)}},
		{Name: "100k", Passages: 100000, Questions: 100,
			Citebot: System{Ask: askAt(6 * time.Millisecond)},
			Bleve:   System{Ask: askAt(2 * time.Millisecond)},
			FTS:     System{Ask: askAt(30 * time.Millisecond)}},
	}, Load: &load.AskResult{Clients: 64, PerSec: 2500}}
	var b bytes.Buffer
	if err := WriteSummary(&b, rep); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| answer p50 ≤ 2× the raw Bleve query | squad 2.0×, 100k 3.0× | no |",
		"| answer p99 ≤ 20 ms at 100k passages | 18.0 ms | yes |",
		"| indexing ≥ 0.8× raw Bleve batch indexing | squad 2.00× | yes |",
		"| start-up from a persisted 100k index < 1 s | – | not measured |",
		"| POST /api/ask ≥ 2,000 answers/s on the seeds, 64 clients | 2,500/s, 0 errors | yes |",
		"| squad → 100k | ×50 | 2.00 ms → 6.00 ms (k 0.28) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// A corpus's table shows every system, the ratios, and "–" for what a
// run did not measure (here FTS5's indexing).
func TestWriteSize(t *testing.T) {
	r := &Size{Name: "squad", How: "SQuAD", Documents: 48, Passages: 2300, Questions: 100,
		Citebot: System{Index: &phase.Result{Passages: 2300, IndexSeconds: 2, Runs: 3}, Ask: askAt(2 * time.Millisecond)},
		Bleve:   System{Index: &phase.Result{Passages: 2300, IndexSeconds: 1}, Ask: askAt(time.Millisecond)},
		FTS:     System{Ask: askAt(4 * time.Millisecond)}}
	var b bytes.Buffer
	if err := WriteSize(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"### squad — 48 documents, 2,300 passages, 100 questions",
		"Each figure is the median of 3 runs of its phase.",
		"| index: passages/s | 1,150 | 2,300 | – | 0.50× | – |",
		"| answer p50 | 2.00 ms | 1.00 ms | 4.00 ms | 2.00× | 0.50× |",
		"| quote@1 | 50.0% | 50.0% | 50.0% | +0.0 pts | +0.0 pts |",
		"citebot answered 90 of 100 questions",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
