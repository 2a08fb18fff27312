package discord

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/bot"
)

// OptionWho is /quote's option asking who said the text rather than
// whether the documents hold it.
const OptionWho = "who"

// quoteLimits shorten passages step by step until every field of a quote
// check fits Discord's 1,024 characters, escapes and marks included.
var quoteLimits = []int{600, 400, 250, 150, 80}

// quoteMessage renders a quote check or an attribution (bot.QuotePlan)
// as an embed within Discord's limits: passages are laid out shorter
// until each fits its field, then left out from the end until the embed
// fits.
func quoteMessage(t bot.Turn) message {
	plan := func(limit int) (bot.QuotePlan, bool) {
		lim := planLimits
		lim.MaxQuoteRunes = limit
		switch {
		case t.Who != nil:
			return bot.NewWhoPlan(*t.Who, lim), true
		case t.Quote != nil:
			return bot.NewQuotePlan(*t.Quote, lim), true
		}
		return bot.QuotePlan{}, false
	}
	var e *discordgo.MessageEmbed
	var p bot.QuotePlan
	for _, limit := range quoteLimits {
		var ok bool
		if p, ok = plan(limit); !ok {
			return textMessage("Sorry — the quote could not be checked.")
		}
		if e = quoteEmbed(p); fieldsFit(e) {
			break
		}
	}
	for !embedFits(e) && p.Len() > 0 {
		p = p.Keep(p.Len() - 1)
		e = quoteEmbed(p)
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{}}
}

// quoteEmbed lays a quote plan out: the verdict as the title, the
// checked text under it, then each passage as a field (the matched words,
// or the speaker's, in bold; the document's words that differ from the
// checked text underlined) with its citation line and its differences or
// speaker; then other wordings or the closest passages; the note on
// passages left out in the footer.
func quoteEmbed(p bot.QuotePlan) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: cutRunes(escape(p.Headline), MaxEmbedTitle), Color: colorDeclined}
	switch p.Verdict {
	case "exact", "attributed":
		e.Color = colorAnswered
	case "near", "unattributed":
		e.Color = colorInfo
	}
	lead := "Quote check: “" + escape(p.Text) + "”"
	if p.Who {
		lead = "Who said: “" + escape(p.Text) + "”"
	}
	e.Description = cutRunes(lead, MaxEmbedDescription)
	add := func(name string, ps []bot.QuotePassage) {
		for i, q := range ps {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: fmt.Sprintf(name, i+1), Value: passageValue(p, q)})
		}
	}
	add("Passage %d", p.Quotes)
	if len(p.Others) > 0 {
		add(escape(p.OthersTitle)+" (%d)", p.Others)
	}
	if note := p.MoreNote(); note != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: note}
	}
	return e
}

// passageValue is one passage's field: the passage as a block quote,
// its citation line (with who spoke, for an attribution), and how its
// words differ from the checked text.
func passageValue(p bot.QuotePlan, q bot.QuotePassage) string {
	var b strings.Builder
	for _, s := range q.Segments {
		t := escape(s.Text)
		mark := ""
		switch {
		case strings.TrimSpace(s.Text) == "":
		case s.Differs:
			mark = "__"
		case s.Emphasis:
			mark = "**"
		}
		if mark != "" {
			lead := t[:len(t)-len(strings.TrimLeft(t, " \t\n"))]
			trail := t[len(strings.TrimRight(t, " \t\n")):]
			t = lead + mark + strings.TrimSpace(t) + mark + trail
		}
		b.WriteString(t)
	}
	v := "> " + strings.ReplaceAll(strings.TrimSpace(b.String()), "\n", "\n> ") + "\n" + markup.CitationLine(q.Source)
	switch {
	case p.Who && q.Speaker != "":
		v += " · said by " + escape(q.Speaker)
	case p.Who:
		v += " · no speaker named here"
	}
	if note := q.DifferencesNote(); note != "" {
		v += "\n" + escape(note)
	}
	return cutRunes(v, MaxFieldValue)
}

// fieldsFit reports whether every field of e is within its limit before
// any cut (cutRunes keeps them within it anyway, at the cost of the
// passage's end).
func fieldsFit(e *discordgo.MessageEmbed) bool {
	for _, f := range e.Fields {
		if units(f.Value) >= MaxFieldValue {
			return false
		}
	}
	return true
}
