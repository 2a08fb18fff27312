package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/adapters/internal/chat"
	"github.com/citebot/citebot/bot"
)

// This file handles Discord's payloads the same way whichever transport
// brought them: a handler returns at once with the initial response (for
// an interaction) and the work to do after it, which the transport
// passes to the adapter's jobs.

// inbound is one interaction: the initial response to give, and the
// work after it. A nil response means there is nothing to answer (an
// interaction seen before).
type inbound struct {
	i        *discordgo.Interaction
	response *discordgo.InteractionResponse
	work     chat.Job
}

// ErrUnsupported is an interaction type citebot does not handle
// (autocomplete, modals).
var ErrUnsupported = errors.New("unsupported interaction type")

// partialChannel is the channel an interaction payload describes (not
// in discordgo v0.29's Interaction): its type tells a thread, and
// parent_id its channel.
type partialChannel struct {
	Channel *struct {
		ID       string                `json:"id"`
		Type     discordgo.ChannelType `json:"type"`
		ParentID string                `json:"parent_id"`
	} `json:"channel"`
}

// interaction reads an interaction's JSON and decides its initial
// response: PONG for PING; the help at once; for everything else the
// deferred response (type 5, ephemeral for private answers and votes),
// which the work then replaces with the answer through the interaction's
// webhook. Errors are for JSON citebot cannot read and ErrUnsupported.
func (a *Adapter) interaction(raw []byte) (inbound, error) {
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		return inbound{}, fmt.Errorf("read the interaction: %w", err)
	}
	in := inbound{i: &i}
	if i.Type == discordgo.InteractionPing {
		in.response = &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
		return in, nil
	}
	if i.AppID == "" {
		i.AppID = a.appID // the webhook URLs need it; Discord's own example lacks it
	}
	if i.ID != "" && !a.first("interaction:"+i.ID) {
		a.log.Info("skipped a redelivered interaction", "interaction", i.ID)
		return in, nil
	}
	var pc partialChannel
	json.Unmarshal(raw, &pc) // best effort; the channel is looked up otherwise
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return a.command(in, pc)
	case discordgo.InteractionMessageComponent:
		return a.component(in)
	}
	return inbound{}, fmt.Errorf("%w: %d", ErrUnsupported, i.Type)
}

// deferred is the initial "thinking…" response.
func deferred(private bool) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{AllowedMentions: noPings()}
	if private {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: d}
}

// immediate is an initial response that is the message itself.
func immediate(m message, private bool) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noPings()}
	if private {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

// command handles a slash command.
func (a *Adapter) command(in inbound, pc partialChannel) (inbound, error) {
	i := in.i
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return inbound{}, errors.New("read the interaction: a command without command data")
	}
	opts := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range data.Options {
		if o != nil {
			opts[o.Name] = o
		}
	}
	str := func(name string) string {
		if o := opts[name]; o != nil {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
		return ""
	}
	private := false
	if o := opts[OptionPrivate]; o != nil {
		private, _ = o.Value.(bool)
	}
	var text string
	switch data.Name {
	case CommandHelp:
		in.response = immediate(a.help(i, pc), true)
		return in, nil
	case CommandSources:
		text, private = "sources", true
	case CommandAsk:
		text = str(OptionQuestion)
	case CommandQuote:
		// "/quote text: X" is "quote X" to the conversation layer, and
		// who: True makes it "quote --who X" (bot.ParseQuote).
		text = strings.TrimSpace(str(OptionText))
		if o := opts[OptionWho]; o != nil && o.Value == true && !strings.HasPrefix(text, "--who") {
			text = "--who " + text
		}
		if bot.ParseQuote(text).Kind == bot.CommandHelp {
			in.response = immediate(a.help(i, pc), true)
			return in, nil
		}
		text = "quote " + text
	default:
		in.response = immediate(textMessage("I do not know the command /"+escape(data.Name)+"; try /help."), true)
		return in, nil
	}
	user := interactionUser(i)
	in.response = deferred(private)
	in.work = func(ctx context.Context) {
		pl := a.place(ctx, i.GuildID, i.ChannelID, pc)
		conv, inThread := "", false
		var cont continuation
		if !private { // nobody can reply to an answer only its asker sees
			if pl.thread && !pl.direct {
				cont = a.continued(ctx, "", pl.channel)
			}
			conv, inThread = conversation(pl, cont, "ask-"+i.ID)
		}
		m := bot.Message{Channel: pl.rules, Direct: pl.direct, User: user, Conversation: conv, Mentioned: true, InThread: inThread, Text: text}
		turn, err := a.chat.Handle(ctx, m)
		chat.LogTurn(a.log, "slash command /"+data.Name, turn, err)
		sent, err := a.edit(ctx, i, a.turnMessage(turn, err, view{answerID: turn.AnswerID}))
		if err != nil {
			a.log.Error("could not deliver the answer to a slash command", "error", err)
			return
		}
		if conv != "" && sent != nil {
			a.recordAnswer(ctx, sent.ID, conv, cont)
		}
	}
	return in, nil
}

// component handles a button click: a vote is recorded and acknowledged
// to the voter alone.
func (a *Adapter) component(in inbound) (inbound, error) {
	i := in.i
	data, ok := i.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return inbound{}, errors.New("read the interaction: a click without component data")
	}
	vote, id := bot.Vote(""), ""
	if rest, ok := strings.CutPrefix(data.CustomID, VoteUpID); ok {
		vote, id = bot.VoteUp, rest
	} else if rest, ok := strings.CutPrefix(data.CustomID, VoteDownID); ok {
		vote, id = bot.VoteDown, rest
	}
	if id == "" {
		in.response = immediate(textMessage("This button no longer does anything."), true)
		return in, nil
	}
	user, channel := interactionUser(i), i.ChannelID
	in.response = deferred(true)
	in.work = func(ctx context.Context) {
		changed, err := a.chat.Vote(ctx, id, user, channel, vote)
		var note string
		switch {
		case err != nil:
			a.log.Warn("could not record a vote", "error", err)
			note = "Sorry — " + escape(bot.ErrorMessage(err)) + "."
		case changed:
			a.log.Info("vote recorded", "vote", string(vote), "answer", id)
			note = "Thanks — your " + map[bot.Vote]string{bot.VoteUp: "👍", bot.VoteDown: "👎"}[vote] + " is recorded."
		default:
			note = "Your vote was already recorded."
		}
		if _, err := a.edit(ctx, i, textMessage(note)); err != nil {
			a.log.Warn("could not acknowledge a vote", "error", err)
		}
	}
	return in, nil
}

// interactionUser is who triggered an interaction: the member in a
// guild, the user in a direct message.
func interactionUser(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// message handles a message from the gateway: a mention, a reply to
// one of the bot's answers, a message in a thread started from one, or
// a direct message. Other messages are left alone after at most the
// answer lookups (continued), which a reply, or a message in a thread
// or an unknown channel, takes; a message in a plain channel without a
// reference takes none.
func (a *Adapter) message(m *discordgo.Message) chat.Job {
	botUser := a.botUserID()
	direct := m.GuildID == ""
	mentioned := mentions(m, botUser)
	var cont continuation
	if !direct {
		replyTo, thread := "", m.ChannelID
		if m.MessageReference != nil {
			replyTo = m.MessageReference.MessageID
		}
		if p, known := a.knownPlace(m.GuildID, m.ChannelID, partialChannel{}); known && !p.thread {
			thread = "" // a plain channel: no answer has its ID
		}
		cont = a.continued(context.Background(), replyTo, thread)
	}
	if !direct && !mentioned && cont.conversation == "" {
		return nil
	}
	text := plainText(m, botUser)
	return func(ctx context.Context) {
		pl := a.place(ctx, m.GuildID, m.ChannelID, partialChannel{})
		conv, inThread := conversation(pl, cont, m.ID)
		msg := bot.Message{Channel: pl.rules, Direct: direct, User: m.Author.ID, Conversation: conv,
			Mentioned: mentioned, InThread: inThread, Text: text}
		turn, err := a.chat.Handle(ctx, msg)
		chat.LogTurn(a.log, "message", turn, err)
		if err == nil && turn.Action == bot.ActionIgnore {
			return
		}
		out := a.turnMessage(turn, err, view{answerID: turn.AnswerID})
		var sent *discordgo.Message
		err = a.call(ctx, "post an answer", func(opts ...discordgo.RequestOption) error {
			var err error
			sent, err = a.sendMessage(m.ChannelID, &discordgo.MessageSend{
				Content: out.Content, Embeds: out.Embeds, Components: out.Components,
				AllowedMentions: noPings(), Reference: m.SoftReference(),
			}, m.ID, opts...)
			return err
		})
		if err != nil {
			a.log.Error("could not post an answer", "channel", m.ChannelID, "error", err)
			return
		}
		if sent != nil {
			a.recordAnswer(ctx, sent.ID, conv, cont)
		}
	}
}

// edit replaces an interaction's deferred response with out.
func (a *Adapter) edit(ctx context.Context, i *discordgo.Interaction, out message) (*discordgo.Message, error) {
	var sent *discordgo.Message
	err := a.call(ctx, "edit the interaction response", func(opts ...discordgo.RequestOption) error {
		var err error
		sent, err = a.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
			Content: &out.Content, Embeds: &out.Embeds, Components: &out.Components, AllowedMentions: noPings(),
		}, opts...)
		return err
	})
	return sent, err
}

// place is where a message or interaction happened.
type place struct {
	direct  bool
	guild   string
	channel string // the channel or thread itself
	rules   string // the channel whose rules apply: a thread's parent
	thread  bool
}

// place looks the channel up (the interaction's own description, the
// gateway's state, else the REST API) to tell a thread and its parent.
// A failed lookup treats the channel as a plain one.
func (a *Adapter) place(ctx context.Context, guild, channel string, pc partialChannel) place {
	if p, ok := a.knownPlace(guild, channel, pc); ok {
		return p
	}
	p := place{guild: guild, channel: channel, rules: channel}
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	var ch *discordgo.Channel
	err := a.call(lctx, "look up a channel", func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = a.s.Channel(channel, opts...)
		return err
	})
	cancel()
	if err != nil || ch == nil {
		a.log.Debug("could not look up a channel; taking it for a plain one", "channel", channel, "error", err)
		return p
	}
	a.s.State.ChannelAdd(ch) // cached when its guild is known
	return p.of(ch.Type, ch.ParentID)
}

// knownPlace is place from what is at hand, the interaction's own
// description of its channel or the gateway's state; false when neither
// describes the channel.
func (a *Adapter) knownPlace(guild, channel string, pc partialChannel) (place, bool) {
	p := place{direct: guild == "", guild: guild, channel: channel, rules: channel}
	switch {
	case p.direct:
		return p, true
	case pc.Channel != nil && pc.Channel.ID == channel:
		return p.of(pc.Channel.Type, pc.Channel.ParentID), true
	}
	ch, err := a.s.State.Channel(channel)
	if err != nil {
		return p, false
	}
	a.s.State.RLock()
	typ, parent := ch.Type, ch.ParentID
	a.s.State.RUnlock()
	return p.of(typ, parent), true
}

// of is p in a channel of type typ whose parent is parent: a thread
// follows its parent's rules.
func (p place) of(typ discordgo.ChannelType, parent string) place {
	if (&discordgo.Channel{Type: typ}).IsThread() {
		p.thread = true
		if parent != "" {
			p.rules = parent
		}
	}
	return p
}

// help is the help a slash command's channel gets at once, its examples
// from the documents the channel's rules let it see. A channel neither
// the interaction nor the gateway's state describes gets the generic
// examples rather than a lookup, which could outlast the initial
// response's 3 seconds, or a thread the rules of a channel it is not.
func (a *Adapter) help(i *discordgo.Interaction, pc partialChannel) message {
	pl, ok := a.knownPlace(i.GuildID, i.ChannelID, pc)
	if !ok {
		return helpMessage(bot.GenericExamples)
	}
	return helpMessage(a.chat.Examples(pl.rules, pl.direct))
}

// conversation keys the conversation a message belongs to (see
// bot.Threads), and says whether it sits in a thread the bot did not
// start (which answers only mentions):
//
//   - a direct message: the DM channel;
//   - a reply to one of the bot's answers, or a message in a thread
//     started from one (cont, see continued): that answer's
//     conversation;
//   - a message in another thread: the thread;
//   - anything else starts a conversation of its own (root: the
//     message or interaction ID), which the answer's replies continue.
func conversation(p place, cont continuation, root string) (key string, inThread bool) {
	switch {
	case p.direct:
		return bot.ConversationKey(Name, "dm", p.channel), false
	case cont.conversation != "":
		return cont.conversation, false
	case p.thread:
		return bot.ConversationKey(Name, p.guild, p.channel), true
	}
	return bot.ConversationKey(Name, p.guild, p.channel, root), false
}

// continuation is the bot's answer a message continues.
type continuation struct {
	conversation string // the answer's conversation; "" for none
	answer       string // the answer's message ID
}

// continued finds the bot's answer a message continues: the one it
// replies to (replyTo), else the one its thread was started from (a
// thread started from a message has the message's ID; thread is ""
// when the message is not in a thread). The answers are in the
// MessageStore, which replicas share; each lookup is bounded by
// storeTimeout. A store that cannot answer is logged and the message
// taken for one that continues no answer: it then starts a
// conversation of its own (or, unaddressed, is left alone), as Chat
// treats a conversation it cannot read.
func (a *Adapter) continued(ctx context.Context, replyTo, thread string) continuation {
	for _, id := range []string{replyTo, thread} {
		if id == "" {
			continue
		}
		lctx, cancel := context.WithTimeout(ctx, storeTimeout)
		key, ok, err := a.answers.Conversation(lctx, answerKey(id))
		cancel()
		if err != nil {
			a.log.Error("could not read which conversation an answer belongs to; taking the message for a new conversation", "message", id, "error", err)
			return continuation{}
		}
		if ok {
			return continuation{conversation: key, answer: id}
		}
	}
	return continuation{}
}

// recordAnswer records that the bot's answer messageID belongs to the
// conversation key, so replies to it, and a thread started from it,
// continue the conversation. The answer the message continued (cont) is
// recorded again, which restarts its time to live: a thread started
// from it stays a follow-up as long as the conversation goes on. A
// store that cannot record is logged; a follow-up to the answer then
// lacks its context.
func (a *Adapter) recordAnswer(ctx context.Context, messageID, key string, cont continuation) {
	for _, id := range []string{messageID, cont.answer} {
		if id == "" {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, storeTimeout)
		err := a.answers.PutMessage(pctx, answerKey(id), key)
		cancel()
		if err != nil {
			a.log.Error("could not record which conversation an answer belongs to; a reply to it will lack its context", "message", id, "error", err)
			return
		}
	}
}

// answerKey is an answer message's key in the MessageStore, unique
// across platforms.
func answerKey(messageID string) string { return bot.ConversationKey(Name, messageID) }

// mentions reports whether a message mentions the bot: in its mentions
// (which also lists the author of a message replied to with a ping), or
// as <@ID> in its content.
func mentions(m *discordgo.Message, botUser string) bool {
	if botUser == "" {
		return false
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == botUser {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+botUser+">") || strings.Contains(m.Content, "<@!"+botUser+">")
}

var (
	mentionRef = regexp.MustCompile(`<(@!?|@&|#)(\d+)>`)
	emojiRef   = regexp.MustCompile(`<a?:(\w+):\d+>`)
)

// plainText turns a message's content into the question as typed: the
// bot's mention removed, other mentions replaced by names, custom emoji
// by their :name:, white space collapsed.
func plainText(m *discordgo.Message, botUser string) string {
	names := map[string]string{}
	for _, u := range m.Mentions {
		if u != nil {
			name := u.GlobalName
			if name == "" {
				name = u.Username
			}
			names[u.ID] = name
		}
	}
	text := mentionRef.ReplaceAllStringFunc(m.Content, func(s string) string {
		sub := mentionRef.FindStringSubmatch(s)
		switch kind, id := sub[1], sub[2]; {
		case kind == "#":
			return "#channel"
		case kind == "@&":
			return "@role"
		case id == botUser:
			return ""
		case names[id] != "":
			return "@" + names[id]
		}
		return "@user"
	})
	text = emojiRef.ReplaceAllString(text, ":$1:")
	return strings.Join(strings.Fields(text), " ")
}

// turnMessage renders what Chat decided.
func (a *Adapter) turnMessage(t bot.Turn, err error, v view) message {
	switch {
	case err != nil:
		return textMessage(escape(bot.ErrorText(err)))
	case t.Action == bot.ActionHelp:
		return helpMessage(t.Examples)
	case t.Action == bot.ActionSources:
		return sourcesMessage(t)
	case t.Action == bot.ActionQuote:
		return quoteMessage(t)
	case t.Action == bot.ActionIgnore:
		return textMessage("I am not set up to answer in this channel; ask me in a direct message, or ask an admin to add the channel (discord.channels).")
	}
	if t.FollowUp {
		v.readAs = t.Question
	}
	return answerMessage(t.Reply, v)
}
