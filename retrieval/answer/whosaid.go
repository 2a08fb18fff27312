package answer

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer/agree"
	"github.com/citebot/citebot/retrieval/quote"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// whoSaidQuestion matches "Who said …?" (and says, wrote, stated, told
// …); the rest is the quotation.
var whoSaidQuestion = regexp.MustCompile(`(?is)^\s*who\s+(?:said|says|wrote|writes|stated|states|declared|tweeted)\s+(?:that\s+|the\s+words\s+)?(.+?)[\s?]*$`)

// WhoSaidQuestion returns the quotation a "Who said …?" question asks
// about, without its quotation marks, and whether the question is one.
func WhoSaidQuestion(q string) (string, bool) {
	m := whoSaidQuestion.FindStringSubmatch(q)
	if m == nil {
		return "", false
	}
	text := strings.TrimFunc(m[1], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"“”‘’'«»?", r)
	})
	if len(strings.Fields(text)) < 3 {
		return "", false // "Who said it?" names no quotation
	}
	return text, true
}

// whoSaid answers a "Who said …?" question with the attribution tool
// when the documents name the speaker (see answerWhoSaid); any other
// question keeps ans.
func whoSaid(ctx context.Context, b retrieval.Backend, question string, opts retrieval.AskOptions, ans retrieval.Answer) retrieval.Answer {
	text, ok := WhoSaidQuestion(question)
	if !ok {
		return ans
	}
	at, err := quote.WhoSaid(ctx, b, text, retrieval.QuoteOptions{Top: opts.Top, Filter: opts.Filter})
	if err != nil {
		return ans // the retrieval answer stands
	}
	return answerWhoSaid(ans, at, opts.Top)
}

// answerWhoSaid presents an attribution as the answer to a "Who said
// …?" question: the short answer is the speaker, and the places that
// attribute the quotation come first among the citations, the speaker's
// words highlighted. An attribution to a role ("the president") does not
// replace an answer that is a name. The answer keeps its JSON shape.
func answerWhoSaid(ans retrieval.Answer, at retrieval.Attribution, top int) retrieval.Answer {
	if at.Verdict != retrieval.Attributed || at.Speaker == "" {
		return ans
	}
	if ans.Answered && !rtext.StartsUpper(at.Speaker) && rtext.StartsUpper(ans.Short) {
		return ans
	}
	if top <= 0 {
		top = retrieval.DefaultTop
	}
	var cites []retrieval.Citation
	seen := map[string]bool{}
	add := func(c retrieval.Citation) {
		key := fmt.Sprintf("%s#%d", c.Doc, c.Start)
		if len(cites) < top && !seen[key] {
			seen[key] = true
			cites = append(cites, c)
		}
	}
	for _, s := range at.Sources {
		if s.Speaker == at.Speaker {
			add(s.Citation)
		}
	}
	for _, s := range at.Sources {
		if s.Speaker != "" {
			add(s.Citation)
		}
	}
	for _, c := range ans.Citations {
		add(c)
	}
	ans.Answered, ans.Short, ans.AnswerType, ans.Reason = true, at.Speaker, "person", ""
	ans.Citations, ans.Closest = cites, []retrieval.Citation{}
	ans.Agreement, ans.AsOf = nil, ""
	agree.Finish(&ans, nil, nil)
	return ans
}
