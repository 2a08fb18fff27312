package slack

import (
	"github.com/slack-go/slack"

	"github.com/citebot/citebot/bot"
)

// QuoteCommand is the slash command that checks quotes: "/quote TEXT"
// says whether the documents hold TEXT (exact, near with the differing
// words marked, or not found); "/quote --who TEXT" says who they say
// said it.
const QuoteCommand = "/quote"

// quoteMessage renders a quote check or an attribution as Block Kit that
// fits Slack's limits, leaving out passages from the end until it does,
// and the notification text that goes with it.
func quoteMessage(t bot.Turn) ([]slack.Block, string) {
	var p bot.QuotePlan
	switch {
	case t.Who != nil:
		p = bot.NewWhoPlan(*t.Who, planLimits)
	case t.Quote != nil:
		p = bot.NewQuotePlan(*t.Quote, planLimits)
	default:
		msg := "Sorry — the quote could not be checked."
		return textMessage(msg), msg
	}
	blocks := quoteBlocks(p)
	for !fits(blocks) && p.Len() > 0 {
		p = p.Keep(p.Len() - 1)
		blocks = quoteBlocks(p)
	}
	return blocks, escape(p.Headline)
}

// quoteBlocks lays a quote plan out: the checked text, the verdict in
// bold, then each passage as a rich-text quote (the matched words, or
// the speaker, in bold; the document's words that differ from the
// checked text in code style) with its citation line and its
// differences or speaker; then other wordings or the closest passages;
// the note on passages left out. Document text goes into rich_text
// elements (literal), everything in mrkdwn is escaped, as for answers.
func quoteBlocks(p bot.QuotePlan) []slack.Block {
	lead := "Quote check: “" + escape(p.Text) + "”"
	if p.Who {
		lead = "Who said: “" + escape(p.Text) + "”"
	}
	blocks := []slack.Block{
		contextBlock(lead),
		slack.NewSectionBlock(mrkdwn("*"+escape(p.Headline)+"*"), nil, nil),
	}
	passages := func(ps []bot.QuotePassage) {
		for _, q := range ps {
			var elems []slack.RichTextSectionElement
			for _, s := range q.Segments {
				var style *slack.RichTextSectionTextStyle
				switch {
				case s.Differs:
					style = &slack.RichTextSectionTextStyle{Code: true}
				case s.Emphasis:
					style = &slack.RichTextSectionTextStyle{Bold: true}
				}
				elems = append(elems, slack.NewRichTextSectionTextElement(literal(s.Text), style))
			}
			line := markup.CitationLine(q.Source)
			switch {
			case p.Who && q.Speaker != "":
				line += " · said by " + escape(q.Speaker)
			case p.Who:
				line += " · no speaker named here"
			}
			blocks = append(blocks,
				slack.NewRichTextBlock("", &slack.RichTextQuote{Type: slack.RTEQuote, Elements: elems}),
				contextBlock(line))
			if note := q.DifferencesNote(); note != "" {
				blocks = append(blocks, contextBlock(escape(note)))
			}
		}
	}
	passages(p.Quotes)
	if len(p.Others) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+escape(p.OthersTitle)+":*"), nil, nil))
		passages(p.Others)
	}
	if note := p.MoreNote(); note != "" {
		blocks = append(blocks, contextBlock(escape(note)))
	}
	return blocks
}
