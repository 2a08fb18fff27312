package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// listing is an index that only lists its documents (and counts how
// often it is asked to).
type listing struct {
	docs  []retrieval.Source
	err   error
	calls *int
}

func (l listing) Ask(context.Context, string, retrieval.AskOptions) (retrieval.Answer, error) {
	return retrieval.Answer{}, nil
}

func (l listing) Sources() ([]retrieval.Source, error) {
	*l.calls++
	return l.docs, l.err
}

func doc(id, collection, title string) retrieval.Source {
	return retrieval.Source{ID: id, Collection: collection, Metadata: retrieval.Metadata{Title: title}}
}

// TestExamplesFor: the example question is about the first headline of
// three words or more, cut at a word and defused; without one, the
// examples are the generic ones; the texts to check are always generic
// (a listing holds no passage).
func TestExamplesFor(t *testing.T) {
	got := bot.ExamplesFor([]retrieval.Source{doc("a", "", ""), doc("b", "", "Brief"), doc("c", "", "Judge delays ruling on the ferry contract")})
	if got.Question != "What do the documents say about “Judge delays ruling on the ferry contract”?" {
		t.Errorf("question = %q; want one about the first headline of three words or more", got.Question)
	}
	if got.Quote != bot.GenericExamples.Quote || got.Who != bot.GenericExamples.Who {
		t.Errorf("texts to check = %q, %q; want the generic ones", got.Quote, got.Who)
	}
	long := bot.ExamplesFor([]retrieval.Source{doc("d", "", "@everyone Riverton council passes a $412 million budget after a long night of amendments and a walkout")}).Question
	if !strings.HasPrefix(long, "What do the documents say about “@\u2060everyone Riverton council") || !strings.HasSuffix(long, "…”?") || strings.Contains(long, "walkout") {
		t.Errorf("long headline question = %q; want it defused and cut at a word", long)
	}
	for _, docs := range [][]retrieval.Source{nil, {doc("e", "", "Two words")}} {
		if got := bot.ExamplesFor(docs); got != bot.GenericExamples {
			t.Errorf("ExamplesFor(%v) = %+v; want the generic examples", docs, got)
		}
	}
}

// TestChatExamplesFollowTheChannel: help's examples come from the
// documents the channel may see (and from no other collection), are
// generic where the bot does not answer or the list cannot be read, and
// are kept rather than listed again for every help.
func TestChatExamplesFollowTheChannel(t *testing.T) {
	calls := 0
	ix := listing{calls: &calls, docs: []retrieval.Source{
		doc("courts/ferry", "courts", "Judge delays ruling on the ferry contract"),
		doc("metro/budget", "metro", "Riverton council passes a $412 million budget"),
	}}
	rules := bot.Rules{OnlyListed: true, Channels: map[string]bot.ChannelRule{"C-METRO": {Collections: []string{"metro"}}, "C-ALL": {}}}
	c := bot.NewChat(bot.New(ix), bot.ChatOptions{Platform: "test", Rules: rules})
	for _, tc := range []struct {
		channel, want string
	}{
		{"C-METRO", "Riverton council passes"},
		{"C-ALL", "Judge delays ruling"},
		{"C-ELSEWHERE", bot.GenericExamples.Question},
	} {
		if got := c.Examples(tc.channel, false).Question; !strings.Contains(got, tc.want) {
			t.Errorf("%s: example question %q; want one with %q", tc.channel, got, tc.want)
		}
		turn, err := c.Handle(context.Background(), bot.Message{Channel: tc.channel, Mentioned: true, Text: "help"})
		if tc.channel != "C-ELSEWHERE" && (err != nil || turn.Action != bot.ActionHelp || !strings.Contains(turn.Examples.Question, tc.want)) {
			t.Errorf("%s: help turn %+v, %v; want its examples to have %q", tc.channel, turn, err, tc.want)
		}
	}
	if calls != 2 {
		t.Errorf("the documents were listed %d times for two channels' help, asked twice each; want once per set of collections", calls)
	}

	broken := bot.NewChat(bot.New(listing{calls: new(int), err: errors.New("disk gone")}), bot.ChatOptions{Platform: "test"})
	if got := broken.Examples("C1", false); got != bot.GenericExamples {
		t.Errorf("with the list unreadable, examples = %+v; want the generic ones", got)
	}
}
