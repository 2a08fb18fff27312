package discord

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/adapters/internal/chat"
	"github.com/citebot/citebot/bot"
)

// Custom IDs of the buttons on an answer; the answer's ID
// (bot.AnswerRecord, 20 characters) follows, well within Discord's 100.
const (
	VoteUpID   = "citebot:vote:up:"
	VoteDownID = "citebot:vote:down:"
)

// Discord's message limits (https://discord.com/developers/docs/resources/message,
// "Embed Limits"). Discord counts characters after trimming surrounding
// white space; the adapter counts UTF-16 code units, which is never
// fewer.
const (
	MaxContent          = 2000
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxEmbedTotal       = 6000
)

// Embed colours: answered, declined, notices.
const (
	colorAnswered = 0x2E7D32
	colorCaution  = 0xF9A825 // an answer under bot.LowConfidence
	colorDeclined = 0x757575
	colorInfo     = 0x1565C0
)

// planLimits lay an answer out for Discord before the fitting loop drops
// quotes: a quote field holds 1,024 characters, escapes included.
var planLimits = bot.PlanLimits{MaxQuotes: 10, MaxQuoteRunes: 600, MaxShortRunes: 200, MaxFieldRunes: 120}

// message is what the adapter sends: content, embeds and buttons.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// noPings is the allowed_mentions every message, interaction response
// and edit carries: parse nothing. It must be an empty list, not nil:
// discordgo marshals a nil Parse as "parse": null, whose meaning Discord
// does not define.
func noPings() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// view is how an answer is shown.
type view struct {
	answerID string // buttons refer to it; none when empty
	readAs   string // a follow-up, resolved to this question
}

// answerMessage renders a reply as an embed within Discord's limits,
// leaving out quotes from the end ("… (n more quotes)") until it fits,
// with 👍/👎 buttons when the answer is on record.
func answerMessage(r bot.Reply, v view) message {
	plan := bot.NewPlan(r, planLimits)
	cites := r.Citations
	if !r.Answered {
		cites = r.Closest
	}
	e := answerEmbed(plan, cites, v)
	for !embedFits(e) && len(plan.Quotes) > 0 {
		plan = plan.Keep(len(plan.Quotes) - 1)
		e = answerEmbed(plan, cites, v)
	}
	m := message{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{}}
	if v.answerID != "" {
		m.Components = voteButtons(v.answerID)
	}
	return m
}

// answerEmbed lays a plan out: the short answer as the title (with
// whether its sources agree and the date it stands on under it; when the
// answer may not answer, the caution is the title and the short answer
// plain text under it), or
// "Not in the documents" with the reason; how a follow-up was read; each
// quote
// (or closest passage) as a field, its answer span in bold and its
// citation line under it; the note on quotes left out in the footer.
// cites are the citations the plan's quotes came from, in order.
func answerEmbed(p bot.Plan, cites []bot.Citation, v view) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Color: colorAnswered}
	var desc []string
	name := "Quote %d"
	switch {
	case p.Caution != "": // answered, maybe not the question asked
		// The caution is the title, and the short answer plain text
		// under it, not a bold fact.
		e.Title, e.Color = "⚠️ "+escape(p.Caution), colorCaution
		desc = append(desc, "Answer: "+escape(p.Short))
	case p.Answered:
		e.Title = cutRunes(escape(p.Short), MaxEmbedTitle)
	}
	if note := p.SourcesNote(); p.Answered && note != "" {
		desc = append(desc, escape(note))
	}
	if v.readAs != "" {
		desc = append(desc, "Read as: "+escape(bot.DefuseMentions(v.readAs)))
	}
	if !p.Answered {
		e.Title, e.Color, name = "Not in the documents", colorDeclined, "Closest passage %d"
		if p.Reason != "" {
			desc = append(desc, escape(capitalise(p.Reason))+".")
		}
		if len(p.Quotes) > 0 {
			desc = append(desc, "The closest passages:")
		}
	}
	e.Description = cutRunes(strings.Join(desc, "\n"), MaxEmbedDescription)
	for i, q := range p.Quotes {
		var c bot.Citation
		if i < len(cites) {
			c = cites[i]
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: fmt.Sprintf(name, i+1), Value: quoteValue(q, c)})
	}
	if note := p.MoreNote(); note != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: note}
	}
	return e
}

// quoteValue is a quote field: the quote as a block quote with its
// answer span in bold, then its citation line. A quote whose escaped
// form is too long for a field is laid out again from its citation,
// shorter, around its answer span.
func quoteValue(q bot.Quote, c bot.Citation) string {
	v := quoteText(q) + "\n" + markup.CitationLine(q.Source)
	if units(v) <= MaxFieldValue || c.Quote == "" {
		return cutRunes(v, MaxFieldValue)
	}
	one := bot.Reply{Answer: bot.Answer{Answered: true, Citations: []bot.Citation{c}}}
	for _, limit := range []int{450, 300, 200, 120, 60} {
		p := bot.NewPlan(one, bot.PlanLimits{MaxQuoteRunes: limit, MaxFieldRunes: planLimits.MaxFieldRunes})
		if len(p.Quotes) == 0 {
			break
		}
		q = p.Quotes[0]
		if v = quoteText(q) + "\n" + markup.CitationLine(q.Source); units(v) <= MaxFieldValue {
			return v
		}
	}
	return cutRunes(quoteText(q)+"\n"+escape(q.Source.Line()), MaxFieldValue)
}

// quoteText renders a quote's segments as a Markdown block quote, the
// emphasised span in bold. Document text is escaped (see escape).
func quoteText(q bot.Quote) string {
	var b strings.Builder
	for _, s := range q.Segments {
		t := escape(s.Text)
		if s.Emphasis && strings.TrimSpace(s.Text) != "" {
			// Bold must hug the words: "** x**" does not render.
			lead := t[:len(t)-len(strings.TrimLeft(t, " \t\n"))]
			trail := t[len(strings.TrimRight(t, " \t\n")):]
			t = lead + "**" + strings.TrimSpace(t) + "**" + trail
		}
		b.WriteString(t)
	}
	return "> " + strings.ReplaceAll(strings.TrimSpace(b.String()), "\n", "\n> ")
}

// markup writes citation lines and document lists in Discord's
// Markdown.
var markup = chat.Markup{Escape: escape, Link: masked, Cut: cutRunes}

// masked makes label a masked link to u, [label](u): the characters
// that would end it are percent-encoded. An overlong URL is not linked.
func masked(label, u string) string {
	if u == "" || len(u) > 512 {
		return label
	}
	return "[" + label + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u) + ")"
}

// mdInline are the characters that start Markdown anywhere on a line:
// emphasis, strike-through, code, spoilers, masked links, and "<" which
// opens mentions (<@id>, <@&id>, <#id>), timestamps, emoji and command
// mentions.
const mdInline = "\\*_~`|<[]"

// lineStart matches what Markdown reads at the start of a line: headings
// (#, -#), lists (-, +, *, 1.) and block quotes (>).
var lineStart = regexp.MustCompile(`(?m)^([ \t]*)([#>+-]|\d+[.)])`)

// escape makes document text literal in Discord Markdown: every
// character that could start formatting gets a backslash (Discord shows
// the character, not the backslash), and "<@", "<#" get an invisible word
// joiner as well, so no client takes a document's "<@123>" for a
// mention. Mass mentions (@everyone, @here) are defused by
// bot.DefuseMentions, which bot.NewPlan already applied to quotes.
func escape(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range s {
		if strings.ContainsRune(mdInline, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		if r == '<' && i+1 < len(s) && (s[i+1] == '@' || s[i+1] == '#') {
			b.WriteRune('\u2060')
		}
	}
	return lineStart.ReplaceAllStringFunc(b.String(), func(m string) string {
		trimmed := strings.TrimLeft(m, " \t")
		ws := m[:len(m)-len(trimmed)]
		if n := len(trimmed); n > 1 { // "12." → "12\."
			return ws + trimmed[:n-1] + "\\" + trimmed[n-1:]
		}
		return ws + "\\" + trimmed
	})
}

// voteButtons are the 👍/👎 buttons of a recorded answer.
func voteButtons(answerID string) []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Helpful", Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: VoteUpID + answerID},
		discordgo.Button{Label: "Not helpful", Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: VoteDownID + answerID},
	}}}
}

// textMessage is a short notice (an error, a vote recorded) as plain
// content, already escaped.
func textMessage(text string) message {
	return message{Content: cutRunes(text, MaxContent), Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}}
}

// helpMessage explains usage, in Discord's terms: bot.Help's items with
// the slash commands as Discord users type them, ex the examples for the
// channel (bot.Chat.Examples).
func helpMessage(ex bot.Examples) message {
	intro, items := bot.Help("/ask", "@citebot", ex)
	var lines []string
	for _, it := range items {
		usage, what := discordUsage(it)
		if strings.HasPrefix(usage, "/") || strings.HasPrefix(usage, "@") {
			usage = "`" + strings.ReplaceAll(usage, "`", "'") + "`"
		} else {
			usage = escape(usage)
		}
		lines = append(lines, "• "+usage+" — "+escape(what))
	}
	e := &discordgo.MessageEmbed{
		Title: "How to ask citebot", Color: colorInfo,
		Description: cutRunes(escape(intro)+"\n\n"+strings.Join(lines, "\n"), MaxEmbedDescription),
		Footer: &discordgo.MessageEmbedFooter{Text: "/ask answers everyone in the channel; add private: True to see the answer alone. " +
			"👍/👎 on an answer tells the newsroom whether it helped."},
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{}}
}

// discordUsage turns a help item written for "/ask TEXT" into Discord's
// slash command syntax.
func discordUsage(it bot.HelpItem) (string, string) {
	switch {
	case it.Usage == "/ask sources":
		return "/sources", it.What
	case it.Usage == "/ask help":
		return "/help", it.What
	case strings.HasPrefix(it.Usage, "/ask "):
		return "/ask question: " + strings.TrimPrefix(it.Usage, "/ask "), "answers everyone in the channel (private: True for you alone)"
	case strings.HasPrefix(it.Usage, "/quote --who "):
		return "/quote text: " + strings.TrimPrefix(it.Usage, "/quote --who ") + " who: True", it.What
	case strings.HasPrefix(it.Usage, "/quote "):
		return "/quote text: " + strings.TrimPrefix(it.Usage, "/quote "), it.What
	case strings.HasPrefix(it.Usage, "@citebot"):
		return it.Usage, "in a channel or thread: answers as a reply; reply to the answer with a follow-up " +
			"(“and the year before?”) and the earlier question is its context"
	}
	return it.Usage, it.What
}

// sourcesMessage lists the documents of a turn, as many as fit.
func sourcesMessage(t bot.Turn) message {
	n := len(t.Sources)
	if n == 0 {
		return textMessage("No documents are available in this channel.")
	}
	title := fmt.Sprintf("%d documents I answer from", n)
	if n == 1 {
		title = "1 document I answer from"
	}
	var lines []string
	size, shown := 0, 0
	for _, s := range t.Sources {
		line := markup.SourceLine(s, 150)
		if size+units(line)+1 > MaxEmbedDescription-100 {
			break
		}
		lines, size, shown = append(lines, line), size+units(line)+1, shown+1
	}
	e := &discordgo.MessageEmbed{Title: title, Color: colorInfo, Description: strings.Join(lines, "\n")}
	if shown < n {
		e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("… and %d more", n-shown)}
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{}}
}

// embedFits reports whether an embed is within Discord's limits.
func embedFits(e *discordgo.MessageEmbed) bool { return embedError(e) == nil }

// embedError says which of Discord's embed limits e breaks, or nil.
func embedError(e *discordgo.MessageEmbed) error {
	total := 0
	check := func(what, s string, limit int) error {
		n := units(strings.TrimSpace(s))
		total += n
		if n > limit {
			return fmt.Errorf("the embed's %s has %d characters; Discord allows %d", what, n, limit)
		}
		return nil
	}
	if err := check("title", e.Title, MaxEmbedTitle); err != nil {
		return err
	}
	if err := check("description", e.Description, MaxEmbedDescription); err != nil {
		return err
	}
	if len(e.Fields) > MaxEmbedFields {
		return fmt.Errorf("the embed has %d fields; Discord allows %d", len(e.Fields), MaxEmbedFields)
	}
	for i, f := range e.Fields {
		if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
			return fmt.Errorf("field %d has an empty name or value, which Discord rejects", i+1)
		}
		if err := check(fmt.Sprintf("field %d name", i+1), f.Name, MaxFieldName); err != nil {
			return err
		}
		if err := check(fmt.Sprintf("field %d value", i+1), f.Value, MaxFieldValue); err != nil {
			return err
		}
	}
	if e.Footer != nil {
		if err := check("footer", e.Footer.Text, MaxFooter); err != nil {
			return err
		}
	}
	if e.Author != nil {
		if err := check("author", e.Author.Name, 256); err != nil {
			return err
		}
	}
	if total > MaxEmbedTotal {
		return fmt.Errorf("the embed has %d characters in all; Discord allows %d", total, MaxEmbedTotal)
	}
	return nil
}

// units counts s in UTF-16 code units, Discord's count or more.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cutRunes shortens s to at most limit UTF-16 units, ending it with "…".
func cutRunes(s string, limit int) string {
	if units(s) <= limit {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n+utf16.RuneLen(r) > limit-1 {
			break
		}
		b.WriteRune(r)
		n += utf16.RuneLen(r)
	}
	out := strings.TrimRight(b.String(), " \\")
	return out + "…"
}

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}
