package slack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot/adapters/internal/chat"
	"github.com/citebot/citebot/bot"
)

// Action IDs of the buttons on an answer; their value is the answer's ID
// (bot.AnswerRecord).
const (
	ActionShare    = "citebot_share"
	ActionVoteUp   = "citebot_vote_up"
	ActionVoteDown = "citebot_vote_down"
)

// Slack's message limits, with margins. Slack documents 50 blocks and
// 3,000 characters per text object; chat.postMessage also rejects a
// message whose block text adds up to about 12,000 characters
// (msg_blocks_too_long, undocumented), and Socket Mode drops
// acknowledgements of 20 KB or more.
const (
	MaxBlocks       = 50
	MaxTextObject   = 3000
	MaxBlockText    = 10000
	MaxMessageBytes = 16 << 10
)

// planLimits lay an answer out for Slack before the fitting loop drops
// quotes.
var planLimits = bot.PlanLimits{MaxQuotes: 10, MaxQuoteRunes: 1200, MaxShortRunes: 300, MaxFieldRunes: 200}

// view is how an answer is shown.
type view struct {
	answerID string // buttons refer to it; none when empty
	private  bool   // a /ask answer only the asker sees: offer "Share in channel"
	askedBy  string // shared in a channel: the asker's user ID
	readAs   string // a follow-up, resolved to this question
}

// answerMessage renders a reply as Block Kit that fits Slack's limits,
// leaving out quotes from the end ("… (n more quotes)") until it does,
// and the notification text that goes with it. Like every *Message
// function here, it returns the text escaped, ready to send as is.
func answerMessage(r bot.Reply, v view) ([]slack.Block, string) {
	plan := bot.NewPlan(r, planLimits)
	blocks := answerBlocks(plan, v)
	for !fits(blocks) && len(plan.Quotes) > 0 {
		plan = plan.Keep(len(plan.Quotes) - 1)
		blocks = answerBlocks(plan, v)
	}
	return blocks, fallbackText(plan)
}

func fallbackText(p bot.Plan) string {
	if !p.Answered {
		return "Not in the documents."
	}
	text := "Answer: " + p.Short
	if p.Caution != "" {
		text = p.Caution + " " + text
	}
	if len(p.Quotes) > 0 {
		text += " — " + p.Quotes[0].Source.Title
	}
	return escape(text)
}

// answerBlocks lays a plan out: who asked (shared) or how a follow-up was
// read; the short answer in bold (with whether its sources agree and
// the date it stands on) — after the caution, and not bold, when the
// answer may not answer — or "Not in the documents" with the reason;
// each quote as a rich-text quote with its answer span in bold,
// followed by its citation line; the note on quotes left out; buttons.
//
// Quotes and the short answer are rich_text elements: their text is
// literal (no mrkdwn, no entity or mention parsing; mentions would be
// separate user/broadcast elements, which document text never becomes),
// so they carry the document's characters without entity escaping,
// which would show as "&lt;". A control sequence's opening "<!", "<@" or
// "<#" still gets an invisible word joiner (literal), so the text is
// inert even to a client that parsed it. Text that goes into mrkdwn
// (citation lines, reasons, the question) is escaped and marked
// verbatim, so "<!channel>" in a document shows as text.
func answerBlocks(p bot.Plan, v view) []slack.Block {
	var blocks []slack.Block
	switch {
	case v.askedBy != "":
		blocks = append(blocks, contextBlock(fmt.Sprintf("<@%s> asked: %s", v.askedBy, escape(bot.DefuseMentions(p.Question)))))
	case v.readAs != "":
		blocks = append(blocks, contextBlock("Read as: "+escape(bot.DefuseMentions(v.readAs))))
	}
	if p.Answered {
		// An answer that may not answer is cautioned first, and its
		// short answer is plain, not a bold fact.
		short := &slack.RichTextSectionTextStyle{Bold: true}
		if p.Caution != "" {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(":warning: "+escape(p.Caution)), nil, nil))
			short = nil
		}
		blocks = append(blocks, slack.NewRichTextBlock("",
			slack.NewRichTextSection(slack.NewRichTextSectionTextElement(literal(p.Short), short))))
		if note := p.SourcesNote(); note != "" {
			blocks = append(blocks, contextBlock(escape(note)))
		}
	} else {
		text := "*Not in the documents.*"
		if p.Reason != "" {
			text = "*Not in the documents* (" + escape(p.Reason) + ")."
		}
		if len(p.Quotes) > 0 {
			text += "\nClosest passages:"
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, nil))
	}
	for _, q := range p.Quotes {
		var elems []slack.RichTextSectionElement
		for _, s := range q.Segments {
			var style *slack.RichTextSectionTextStyle
			if s.Emphasis {
				style = &slack.RichTextSectionTextStyle{Bold: true}
			}
			elems = append(elems, slack.NewRichTextSectionTextElement(literal(s.Text), style))
		}
		blocks = append(blocks,
			slack.NewRichTextBlock("", &slack.RichTextQuote{Type: slack.RTEQuote, Elements: elems}),
			contextBlock(markup.CitationLine(q.Source)))
	}
	if note := p.MoreNote(); note != "" {
		blocks = append(blocks, contextBlock(escape(note)))
	}
	if v.answerID != "" {
		var buttons []slack.BlockElement
		if v.private {
			share := slack.NewButtonBlockElement(ActionShare, v.answerID, slack.NewTextBlockObject(slack.PlainTextType, "Share in channel", false, false))
			share.Style = slack.StylePrimary
			buttons = append(buttons, share)
		}
		buttons = append(buttons,
			slack.NewButtonBlockElement(ActionVoteUp, v.answerID, slack.NewTextBlockObject(slack.PlainTextType, "👍 Helpful", true, false)),
			slack.NewButtonBlockElement(ActionVoteDown, v.answerID, slack.NewTextBlockObject(slack.PlainTextType, "👎 Not helpful", true, false)))
		blocks = append(blocks, slack.NewActionBlock("citebot_actions", buttons...))
	}
	return blocks
}

// controlOpen matches the start of a Slack control sequence.
var controlOpen = regexp.MustCompile(`<([!@#])`)

// literal prepares document text for a rich_text element (see
// answerBlocks).
func literal(s string) string { return controlOpen.ReplaceAllString(s, "<\u2060$1") }

// markup writes citation lines and document lists in mrkdwn.
var markup = chat.Markup{Escape: escape, Link: link, Cut: cutRunes}

// link makes label a link to u, <u|label>: the characters that would end
// the link are percent-encoded and & is escaped as Slack expects. An
// overlong URL is not linked.
func link(label, u string) string {
	if u == "" || len(u) > 1000 {
		return label
	}
	u = strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E").Replace(u)
	return "<" + strings.ReplaceAll(u, "&", "&amp;") + "|" + label + ">"
}

// mrkdwn is a mrkdwn text object with verbatim set, so Slack does not
// auto-link channel names or parse mentions in it.
func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, cutRunes(text, MaxTextObject), false, true)
}

func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(text))
}

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// textMessage is a short notice (an error, "Looking…").
func textMessage(text string) []slack.Block {
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}
}

// helpMessage explains usage; command is how this workspace reaches the
// bot, ex the examples for the channel (bot.Chat.Examples).
func helpMessage(command string, ex bot.Examples) ([]slack.Block, string) {
	intro, items := bot.Help(command, "@citebot", ex)
	var lines []string
	for _, it := range items {
		usage := escape(it.Usage)
		if strings.HasPrefix(it.Usage, "/") || strings.HasPrefix(it.Usage, "@") {
			usage = "`" + usage + "`"
		}
		lines = append(lines, "• "+usage+" — "+escape(it.What))
	}
	return []slack.Block{
		slack.NewSectionBlock(mrkdwn(escape(intro)), nil, nil),
		slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil),
		contextBlock("Answers to " + escape(command) + " are private until you press “Share in channel”. 👍/👎 on an answer tells the newsroom whether it helped."),
	}, "How to ask citebot"
}

// sourcesMessage lists the documents of a turn, as many as fit.
func sourcesMessage(t bot.Turn) ([]slack.Block, string) {
	n := len(t.Sources)
	if n == 0 {
		return textMessage("No documents are available in this channel."), "No documents"
	}
	head := fmt.Sprintf("*%d documents* I answer from:", n)
	if n == 1 {
		head = "*1 document* I answer from:"
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head), nil, nil)}
	var chunk []string
	size, total, shown := 0, 0, 0
	flush := func() {
		if len(chunk) > 0 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(chunk, "\n")), nil, nil))
			chunk, size = nil, 0
		}
	}
	for _, s := range t.Sources {
		line := markup.SourceLine(s, 200)
		l := utf8.RuneCountInString(line) + 1
		if total+l > MaxBlockText-500 || len(blocks) >= MaxBlocks-3 {
			break
		}
		if size+l > MaxTextObject-100 {
			flush()
		}
		chunk, size, total, shown = append(chunk, line), size+l, total+l, shown+1
	}
	flush()
	if shown < n {
		blocks = append(blocks, contextBlock(fmt.Sprintf("… and %d more", n-shown)))
	}
	return blocks, fmt.Sprintf("%d documents", n)
}

// fits reports whether blocks are within Slack's limits.
func fits(blocks []slack.Block) bool {
	m := measure(blocks)
	return m.blocks <= MaxBlocks && m.text <= MaxBlockText && m.longest <= MaxTextObject && m.bytes <= MaxMessageBytes
}

// size is what Slack's limits count in a message.
type size struct {
	blocks  int
	text    int // runes of every "text" string, all blocks together
	longest int // runes of the longest one
	bytes   int // the JSON of the blocks
}

func measure(blocks []slack.Block) size {
	b, err := json.Marshal(blocks)
	if err != nil {
		return size{blocks: len(blocks), bytes: 1 << 30}
	}
	return measureJSON(b)
}

// measureJSON measures blocks as sent.
func measureJSON(b []byte) size {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return size{bytes: 1 << 30}
	}
	list, _ := v.([]any)
	s := size{blocks: len(list), bytes: len(b)}
	walkObjects(v, func(obj map[string]any) {
		if t, ok := obj["text"].(string); ok {
			n := utf8.RuneCountInString(t)
			s.text += n
			s.longest = max(s.longest, n)
		}
	})
	return s
}

// walkObjects calls visit with every object in v (decoded JSON), each
// before the objects inside it.
func walkObjects(v any, visit func(obj map[string]any)) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			walkObjects(e, visit)
		}
	case map[string]any:
		visit(v)
		for _, e := range v {
			walkObjects(e, visit)
		}
	}
}

// userID matches a Slack user ID, the only mention citebot writes ("asked
// by"), and only from the payload's own user field.
var userID = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
