package bot

import (
	"slices"
	"strings"
)

// ChannelRule is how the bot behaves in one chat channel.
type ChannelRule struct {
	// MentionOnly answers only messages addressed to the bot (a mention,
	// a slash command), not un-mentioned follow-ups in a thread the bot
	// takes part in.
	MentionOnly bool
	// Collections limits the documents answers in the channel may quote
	// (and `sources` lists) to these collections; empty means all. It is
	// passed to the retrieval core as Request.Collections.
	Collections []string
}

// Rules say where a chat adapter answers, from configuration (config →
// cmd → bot: the adapters never read configuration themselves). The zero
// Rules answer everywhere the bot is invited, mentioned or not, with
// every collection. Slack's slack.channels and Discord's equivalent map
// onto it one to one.
type Rules struct {
	// Channels holds the rules of listed channels, by platform channel
	// ID.
	Channels map[string]ChannelRule
	// OnlyListed answers only in Channels (and direct messages); other
	// channels are ignored even when the bot is mentioned there.
	OnlyListed bool
	// Default applies to channels not listed.
	Default ChannelRule
	// Direct applies to direct messages, which are always answered and
	// never need a mention.
	Direct ChannelRule
}

// For returns the rule of a channel, and false when the bot must not
// answer there.
func (r Rules) For(channel string, direct bool) (ChannelRule, bool) {
	if direct {
		return r.Direct, true
	}
	if rule, ok := r.Channels[channel]; ok {
		return rule, true
	}
	return r.Default, !r.OnlyListed
}

// CommandKind is what a chat message asks the bot to do.
type CommandKind int

// Command kinds.
const (
	CommandAsk     CommandKind = iota // answer Command.Question
	CommandHelp                       // explain usage (also for an empty message)
	CommandSources                    // list the documents
	CommandQuote                      // check Command.Question as a quote ("quote …")
	CommandWho                        // say who said Command.Question ("quote --who …")
)

// Command is a parsed chat message or slash-command argument.
type Command struct {
	Kind     CommandKind
	Question string
}

// ParseCommand reads what a user wrote to the bot (the text after
// "/ask", or a mention with the mention removed): "help" or nothing asks
// for usage, "sources" for the document list, "quote TEXT" for a quote
// check and "quote --who TEXT" for who said it (see ParseQuote),
// anything else is a question.
func ParseCommand(text string) Command {
	q := strings.TrimSpace(text)
	switch strings.ToLower(strings.TrimRight(q, "?!. ")) {
	case "", "help", "usage":
		return Command{Kind: CommandHelp}
	case "sources", "documents", "docs":
		return Command{Kind: CommandSources}
	}
	if word, rest, _ := strings.Cut(q, " "); strings.EqualFold(word, "quote") && strings.TrimSpace(rest) != "" {
		return ParseQuote(rest)
	}
	return Command{Kind: CommandAsk, Question: q}
}

// ParseQuote reads the argument of a quote command (the text after
// "/quote", or after "quote" in a message): "--who TEXT" asks who said
// TEXT, "help" or nothing asks for usage, anything else is the text to
// check.
func ParseQuote(text string) Command {
	q := strings.TrimSpace(text)
	switch strings.ToLower(q) {
	case "", "help", "usage", "--who":
		return Command{Kind: CommandHelp}
	}
	if rest, ok := strings.CutPrefix(q, "--who"); ok && (rest == "" || rest[0] == ' ') {
		return Command{Kind: CommandWho, Question: strings.TrimSpace(rest)}
	}
	return Command{Kind: CommandQuote, Question: q}
}

// HelpItem is one line of usage: how to reach the bot, and what it does.
type HelpItem struct {
	Usage string // e.g. "/ask What did the council decide about the budget?"
	What  string
}

// Help is the usage every chat adapter shows for "help", an empty
// command, or a mention with no question. command is the platform's
// slash command ("/ask"), mention how users mention the bot
// ("@citebot"), ex the examples to show (Chat.Examples, or Turn.Examples
// for a help turn); adapters format the items in their own markup and
// may add platform notes.
func Help(command, mention string, ex Examples) (intro string, items []HelpItem) {
	intro = "I answer questions about the newsroom's documents with verbatim quotes and their sources " +
		"(headline, publisher, author, date), or say it is not in the documents, with the closest passages."
	items = []HelpItem{
		{command + " " + ex.Question, "answers you privately"},
		{mention + " " + ex.Question, "in a channel: answers in a thread under your message; " +
			"ask a follow-up in that thread (“and the year before?”) and the earlier question is its context"},
		{"a direct message", "answers in the conversation"},
		{"/quote " + ex.Quote, "checks a quote: found word for word, found with different words (marked), or not in the documents"},
		{"/quote --who " + ex.Who, "says who the documents say said it"},
		{command + " sources", "lists the documents I answer from"},
		{command + " help", "shows this help"},
	}
	return intro, items
}

// allowedCollection reports whether a document of collection may be
// shown under rule.
func (r ChannelRule) allowedCollection(collection string) bool {
	return len(r.Collections) == 0 || slices.Contains(r.Collections, collection)
}
