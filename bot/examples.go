package bot

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Examples are the sample inputs help and the web page's question box
// show: a question to ask, a text to check, a text to ask the speaker
// of. They fit the documents actually served, whatever they are: a
// question about one of their headlines (ExamplesFor), or wording that
// names no document (GenericExamples) — never the seed articles' text
// when those are not what is served.
type Examples struct {
	Question string `json:"question"`
	Quote    string `json:"quote"`
	Who      string `json:"who"`
}

// GenericExamples name no document. Help shows them when the documents
// give nothing to build a question from; the web page always does, as
// anyone may load it, token or not, and a headline is the documents'.
var GenericExamples = Examples{
	Question: "What did the council decide about the budget?",
	Quote:    "the words as you have them, … for any left out",
	Who:      "the words whose speaker you want",
}

// exampleTitleRunes bounds the headline quoted in an example question.
const exampleTitleRunes = 70

// ExamplesFor are examples for docs (in listing order): a question about
// the first headline of at least three words, GenericExamples' texts to
// check (the listing holds no passage to quote), and GenericExamples
// whole when no document has such a headline.
func ExamplesFor(docs []DocumentInfo) Examples {
	ex := GenericExamples
	for _, d := range docs {
		title := strings.Join(strings.Fields(d.Title), " ")
		if len(strings.Fields(title)) < 3 {
			continue
		}
		ex.Question = "What do the documents say about “" + DefuseMentions(cutWords(title, exampleTitleRunes)) + "”?"
		break
	}
	return ex
}

// cutWords shortens s to at most limit runes at a word boundary, ending
// it with "…".
func cutWords(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)[:limit]
	if i := lastIndexSpace(r); i > 0 {
		r = r[:i]
	}
	return strings.TrimRight(string(r), " ,;:—-") + "…"
}

// examplesTTL is how long a channel's examples are kept: help is free of
// the rate limits, and the document list can be long.
const examplesTTL = time.Minute

// Examples are the examples help shows in a channel: built from the
// documents the channel may see, GenericExamples where the bot does not
// answer or the document list cannot be read.
func (c *Chat) Examples(channel string, direct bool) Examples {
	rule, ok := c.rules.For(channel, direct)
	if !ok {
		return GenericExamples
	}
	return c.examplesFor(rule)
}

// examplesFor are the examples for the documents rule lets a channel
// see, kept examplesTTL per set of collections.
func (c *Chat) examplesFor(rule ChannelRule) Examples {
	key := strings.Join(rule.Collections, "\x00")
	if ex, ok := c.examples.get(key); ok {
		return ex
	}
	docs, err := c.sources(rule)
	if err != nil {
		c.log.Warn("the document list could not be read; help shows generic examples", "adapter", c.platform, "error", err)
		return GenericExamples
	}
	ex := ExamplesFor(docs)
	c.examples.put(key, ex)
	return ex
}
