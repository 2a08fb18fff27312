package answer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/ingest"
)

type diagItem struct {
	ID           string   `json:"id"`
	Question     string   `json:"question"`
	Answers      []string `json:"answers"`
	Docs         []string `json:"docs"`
	Unanswerable bool     `json:"unanswerable"`
	Kind         string   `json:"kind"`
}

func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 {
			b.WriteRune(r)
		} else if r == ',' {
		} else {
			b.WriteRune(' ')
		}
	}
	return " " + strings.Join(strings.Fields(b.String()), " ") + " "
}
func holds(s string, golds []string) bool {
	t := norm(s)
	for _, g := range golds {
		if ng := norm(g); strings.TrimSpace(ng) != "" && strings.Contains(t, ng) {
			return true
		}
	}
	return false
}

var diagEng *Engine

func diagEngine(t *testing.T) *Engine {
	if diagEng != nil {
		return diagEng
	}
	docs, _ := ingest.LoadDir(context.Background(), "/work/shared/data/news/wikinews-2019-2020/docs", "wn")
	diagEng = newEngine(t, docs)
	return diagEng
}

func TestDiag(t *testing.T) {
	set := os.Getenv("DIAG_SET")
	if set == "" {
		t.Skip()
	}
	eng := diagEngine(t)
	f, _ := os.Open(set)
	sc := bufio.NewScanner(f)
	out, _ := os.Create(os.Getenv("DIAG_OUT"))
	defer out.Close()
	ctx := context.Background()
	for sc.Scan() {
		var it diagItem
		json.Unmarshal(sc.Bytes(), &it)
		ans, _ := eng.Ask(ctx, it.Question, retrieval.AskOptions{Top: 3})
		cands, _ := eng.Candidates(ctx, it.Question)
		q := AnalyzeQuestion(it.Question)
		rank := -1
		for i, c := range cands.Sentences {
			inDoc := len(it.Docs) == 0
			for _, d := range it.Docs {
				if d == c.Doc {
					inDoc = true
				}
			}
			if inDoc && holds(c.Quote, it.Answers) {
				rank = i
				break
			}
		}
		fq := ""
		if len(ans.Citations) > 0 {
			fq = ans.Citations[0].Quote
		}
		status := "OK"
		if it.Unanswerable {
			if ans.Answered {
				status = "ANS-UNANS"
			}
		} else if !ans.Answered {
			status = "DECL"
		} else if !holds(fq, it.Answers) {
			status = "WRONGQ"
		} else if !holds(ans.Short, it.Answers) {
			status = "WRONGSHORT"
		}
		fmt.Fprintf(out, "%s [%s] %s type=%s head=%q\n  Q: %s\n  gold=%q docs=%v goldrank=%d/%d\n  A: %q reason=%q\n  Q1: %.300q\n", it.ID, it.Kind, status, q.Type, q.Head, it.Question, it.Answers, it.Docs, rank, len(cands.Sentences), ans.Short, ans.Reason, fq)
		if rank > 0 && rank < len(cands.Sentences) {
			fmt.Fprintf(out, "  GOLD: %.300q\n", cands.Sentences[rank].Quote)
		}
	}
}
