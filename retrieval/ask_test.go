package retrieval_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/seeds"
)

var (
	seedOnce sync.Once
	seedIx   *retrieval.Index
	seedErr  error
)

// seedIndex is the embedded seed corpus in memory, built once per test run.
func seedIndex(t testing.TB) *retrieval.Index {
	t.Helper()
	seedOnce.Do(func() {
		docs, errs := retrieval.LoadFS(context.Background(), seeds.FS, "seeds")
		if len(errs) > 0 {
			seedErr = errs[0]
			return
		}
		seedIx, seedErr = retrieval.NewMemoryIndex(context.Background(), docs)
	})
	if seedErr != nil {
		t.Fatalf("seed index: %v", seedErr)
	}
	return seedIx
}

// seedCase is one line of testdata/seed-questions.json: a question about
// the seed articles and what a right answer looks like. The cases are
// written for these tests (not the shared dev set) and include declines
// and query-syntax junk.
type seedCase struct {
	Question string   `json:"question"`
	Answer   string   `json:"answer"`          // the short answer contains this
	InQuote  string   `json:"answer_in_quote"` // the first quote contains this
	Docs     []string `json:"docs"`            // the first citation is from one of these
	Declined bool     `json:"declined"`
	Any      bool     `json:"any"` // only the invariants matter
}

func TestSeedQuestions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "seed-questions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []seedCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	ix := seedIndex(t)
	for _, c := range cases {
		t.Run(c.Question, func(t *testing.T) {
			ans, err := ix.Ask(context.Background(), c.Question, retrieval.AskOptions{Top: 3})
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			checkAnswer(t, ix, ans)
			switch {
			case c.Any:
			case c.Declined:
				if ans.Answered {
					t.Errorf("answered %q from %q; want a decline", ans.Short, ans.Citations[0].Quote)
				}
				if ans.Reason == "" {
					t.Error("declined without a reason")
				}
			default:
				if !ans.Answered {
					t.Fatalf("declined (%s); want an answer", ans.Reason)
				}
				if c.Answer != "" && !strings.Contains(ans.Short, c.Answer) {
					t.Errorf("answer %q; want it to contain %q", ans.Short, c.Answer)
				}
				if c.InQuote != "" && !strings.Contains(ans.Citations[0].Quote, c.InQuote) {
					t.Errorf("first quote %q; want it to contain %q", ans.Citations[0].Quote, c.InQuote)
				}
				if len(c.Docs) > 0 && !contains(c.Docs, ans.Citations[0].Doc) {
					t.Errorf("first citation from %s; want one of %v", ans.Citations[0].Doc, c.Docs)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkAnswer asserts the contract every answer keeps: citations exactly
// when answered, closest only when declined, every quote exactly the
// document's text between its offsets (so no highlight markup), highlights
// inside their quotes, and a short answer that is a quote or part of one.
func checkAnswer(t *testing.T, ix *retrieval.Index, ans retrieval.Answer) {
	t.Helper()
	if ans.Answered != (len(ans.Citations) > 0) {
		t.Fatalf("answered=%v with %d citations", ans.Answered, len(ans.Citations))
	}
	if ans.Answered && len(ans.Closest) > 0 {
		t.Errorf("answered with %d closest passages", len(ans.Closest))
	}
	if ans.Answered && ans.Short == "" {
		t.Error("answered with an empty answer")
	}
	for _, cs := range [][]retrieval.Citation{ans.Citations, ans.Closest} {
		for _, c := range cs {
			text, err := ix.DocumentText(c.Doc)
			if err != nil {
				t.Fatalf("citation of unknown document %s: %v", c.Doc, err)
			}
			if c.Start < 0 || c.End > len(text) || c.Start >= c.End || text[c.Start:c.End] != c.Quote {
				t.Fatalf("quote %q is not document %s [%d:%d]", c.Quote, c.Doc, c.Start, c.End)
			}
			if strings.Contains(c.Quote, "<mark>") || strings.Contains(c.Quote, "</mark>") {
				t.Errorf("highlight markup in quote %q", c.Quote)
			}
			if c.Paragraph < 1 {
				t.Errorf("paragraph %d", c.Paragraph)
			}
			if h := c.Highlight; h != nil && (h.Start < c.Start || h.End > c.End || h.Start >= h.End) {
				t.Errorf("highlight %v outside quote [%d:%d]", *h, c.Start, c.End)
			}
			if c.Score < 0 || c.Score > 1 {
				t.Errorf("score %v outside [0, 1]", c.Score)
			}
		}
	}
	if ans.Answered {
		inQuote := false
		for _, c := range ans.Citations {
			if strings.Contains(c.Quote, ans.Short) {
				inQuote = true
			}
		}
		first := ans.Citations[0]
		if !inQuote && (first.Highlight == nil) {
			t.Errorf("short answer %q is in no quote", ans.Short)
		}
	}
}

// TestTopBoundsCitations: --top bounds citations and closest passages.
func TestTopBoundsCitations(t *testing.T) {
	ix := seedIndex(t)
	for _, top := range []int{1, 2, 5} {
		for _, q := range []string{"What was the FY2026 refugee cap?", "What is the boiling point of water?"} {
			ans, err := ix.Ask(context.Background(), q, retrieval.AskOptions{Top: top})
			if err != nil {
				t.Fatal(err)
			}
			if len(ans.Citations) > top || len(ans.Closest) > top {
				t.Errorf("top %d: %d citations, %d closest", top, len(ans.Citations), len(ans.Closest))
			}
		}
	}
}

// TestJunkQuestions: long junk, control characters and invalid UTF-8 get an
// answer or a decline, never an error.
func TestJunkQuestions(t *testing.T) {
	ix := seedIndex(t)
	junk := []string{
		strings.Repeat("refugee cap ", 1000),
		strings.Repeat("x", 10000),
		strings.Repeat("a* b~ c: d+ \"e\" /f/ (g) [h] {i} ^j ", 300),
		"\xff\xfe\x00 refugee \x01 cap",
		"",
		"   ",
	}
	for _, q := range junk {
		ans, err := ix.Ask(context.Background(), q, retrieval.AskOptions{})
		if err != nil {
			t.Errorf("Ask(%.40q…): %v", q, err)
			continue
		}
		checkAnswer(t, ix, ans)
	}
}

// TestDeclineOffersClosest: a decline says why and offers the nearest
// passages.
func TestDeclineOffersClosest(t *testing.T) {
	ix := seedIndex(t)
	ans, err := ix.Ask(context.Background(), "What is the refugee cap for fiscal 2027?", retrieval.AskOptions{Top: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Answered {
		t.Fatalf("answered %q; a question about fiscal 2027 must not get the 2026 figure", ans.Short)
	}
	if !strings.Contains(ans.Reason, "2027") {
		t.Errorf("reason %q; want it to name 2027", ans.Reason)
	}
	if len(ans.Closest) == 0 {
		t.Fatal("no closest passages")
	}
	found := false
	for _, c := range ans.Closest {
		if strings.Contains(strings.ToLower(c.Quote), "refugee cap") {
			found = true
		}
	}
	if !found {
		t.Errorf("closest passages %v; want one about the refugee cap", ans.Closest)
	}
}

// TestPersistedIndexAnswersLikeMemory: an index built to disk and opened
// again (without the documents) answers exactly as the in-memory one.
func TestPersistedIndexAnswersLikeMemory(t *testing.T) {
	docs, errs := retrieval.LoadFS(context.Background(), seeds.FS, "seeds")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	dir := t.TempDir()
	if _, err := retrieval.Build(context.Background(), dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	disk, err := retrieval.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer disk.Close()
	mem := seedIndex(t)
	for _, q := range []string{"What was the FY2026 refugee cap?", "Who wrote the CRBC News article?", "What is the refugee cap for fiscal 2027?"} {
		a, err := mem.Ask(context.Background(), q, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := disk.Ask(context.Background(), q, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%q:\n memory %s\n disk   %s", q, ja, jb)
		}
		checkAnswer(t, disk, b)
	}
}

// TestAskConcurrently: one index serves many questions at once (run with
// -race).
func TestAskConcurrently(t *testing.T) {
	ix := seedIndex(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			q := []string{"What was the FY2026 refugee cap?", "Who said a nation without borders is not a nation?"}[i%2]
			for k := 0; k < 5; k++ {
				ans, err := ix.Ask(context.Background(), q, retrieval.AskOptions{})
				if err != nil || !ans.Answered {
					t.Errorf("Ask(%q) = %v, %v", q, ans.Answered, err)
				}
			}
		}(i)
	}
	wg.Wait()
}

// TestAskCancelled: a cancelled context is an error, not a decline.
func TestAskCancelled(t *testing.T) {
	ix := seedIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Ask(ctx, "What was the FY2026 refugee cap?", retrieval.AskOptions{}); err == nil {
		t.Error("Ask with a cancelled context succeeded")
	}
}
