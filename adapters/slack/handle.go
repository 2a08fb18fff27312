package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/citebot/citebot/adapters/internal/chat"
	"github.com/citebot/citebot/bot"
)

// This file handles Slack's payloads the same way whichever transport
// brought them: each handler returns at once with what to acknowledge
// and the work to do once the acknowledgement is sent (nil for none),
// which the transport passes to the adapter's jobs.

// slash handles a slash command. It returns the immediate, ephemeral
// response (the HTTP body or the Socket Mode ack payload): usage for
// help, else a "Looking…" notice; the answer follows through the
// command's response_url, replacing the notice.
func (a *Adapter) slash(cmd slack.SlashCommand) (*ackMessage, chat.Job) {
	text := plainText(cmd.Text, a.botUserID(""))
	parsed := bot.ParseCommand(text)
	if cmd.Command == QuoteCommand {
		// "/quote TEXT" is "quote TEXT" to the conversation layer.
		parsed, text = bot.ParseQuote(text), "quote "+text
	}
	if parsed.Kind == bot.CommandHelp {
		blocks, fallback := helpMessage(cmd.Command, a.chat.Examples(cmd.ChannelID, isDirect(cmd.ChannelID)))
		return &ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: fallback, Blocks: blocks}, nil
	}
	notice := "Listing the documents…"
	switch parsed.Kind {
	case bot.CommandAsk:
		notice = "Looking for “" + escape(bot.DefuseMentions(cutRunes(parsed.Question, 200))) + "” in the documents…"
	case bot.CommandQuote, bot.CommandWho:
		notice = "Checking “" + escape(bot.DefuseMentions(cutRunes(parsed.Question, 200))) + "” against the documents…"
	}
	m := bot.Message{
		Channel: cmd.ChannelID, Direct: isDirect(cmd.ChannelID), User: cmd.UserID,
		Mentioned: true, Text: text,
	}
	url := cmd.ResponseURL
	answer := func(ctx context.Context) {
		turn, err := a.chat.Handle(ctx, m)
		chat.LogTurn(a.log, "slash command", turn, err)
		blocks, fallback := a.turnMessage(turn, err, view{answerID: turn.AnswerID, private: true})
		if err := a.resend(ctx, slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionReplaceOriginal(url),
			slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(fallback, false)); err != nil {
			a.log.Error("could not deliver the answer to a slash command", "error", err)
		}
	}
	return &ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: notice}, answer
}

// ackMessage is the immediate response to a slash command: the HTTP
// body, or the Socket Mode ack payload. (slack.Msg would also carry
// empty metadata and attachments fields.)
type ackMessage struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

// turnMessage renders what Chat decided.
func (a *Adapter) turnMessage(t bot.Turn, err error, v view) ([]slack.Block, string) {
	switch {
	case err != nil:
		msg := escape(bot.ErrorText(err))
		return textMessage(msg), msg
	case t.Action == bot.ActionHelp:
		return helpMessage("/ask", t.Examples)
	case t.Action == bot.ActionSources:
		return sourcesMessage(t)
	case t.Action == bot.ActionQuote:
		return quoteMessage(t)
	case t.Action == bot.ActionIgnore:
		msg := "I am not set up to answer in this channel; ask me in a direct message, or ask an admin to add the channel (slack.channels)."
		return textMessage(msg), msg
	}
	if t.FollowUp {
		v.readAs = t.Question
	}
	return answerMessage(t.Reply, v)
}

// events handles one Events API callback (app_mention, message). It is
// deduplicated on event_id, and each message on its channel and
// timestamp (a mention arrives as both app_mention and message).
func (a *Adapter) events(ev slackevents.EventsAPIEvent) chat.Job {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return nil
	}
	if cb.EventID != "" && !a.first("event:"+cb.EventID) {
		a.log.Info("skipped a redelivered event", "event_id", cb.EventID)
		return nil
	}
	fromEvent := ""
	for _, au := range cb.Authorizations {
		if au.IsBot {
			fromEvent = au.UserID
		}
	}
	if fromEvent == "" && len(cb.AuthedUsers) == 1 {
		fromEvent = cb.AuthedUsers[0]
	}
	botUser := a.botUserID(fromEvent)

	var m bot.Message
	var channel, threadTS, ts string
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.Edited != nil || e.User == "" {
			return nil
		}
		channel, ts = e.Channel, e.TimeStamp
		threadTS = e.ThreadTimeStamp
		if threadTS == "" {
			threadTS = e.TimeStamp // answer in a thread under the question
		}
		text := e.Text
		if botUser == "" {
			text = leadingMention.ReplaceAllString(text, "")
		}
		m = bot.Message{Channel: channel, Direct: isDirect(channel), User: e.User, Mentioned: true,
			InThread:     e.ThreadTimeStamp != "" && e.ThreadTimeStamp != e.TimeStamp,
			Conversation: bot.ConversationKey(Name, ev.TeamID, channel, threadTS), Text: plainText(text, botUser)}
	case *slackevents.MessageEvent:
		// Other bots, the bot itself, edits, joins and the like never
		// start an answer.
		if e.SubType != "" || e.BotID != "" || e.User == "" || e.User == botUser {
			return nil
		}
		channel, ts, threadTS = e.Channel, e.TimeStamp, e.ThreadTimeStamp
		direct := e.ChannelType == "im" || isDirect(channel)
		mentionsBot := botUser != "" && strings.Contains(e.Text, "<@"+botUser)
		switch {
		case direct:
			key := bot.ConversationKey(Name, ev.TeamID, channel)
			if threadTS != "" {
				key = bot.ConversationKey(Name, ev.TeamID, channel, threadTS)
			}
			m = bot.Message{Channel: channel, Direct: true, User: e.User, Mentioned: mentionsBot, Conversation: key, Text: plainText(e.Text, botUser)}
		case mentionsBot || (botUser == "" && strings.Contains(e.Text, "<@")):
			return nil // the app_mention of the same message answers it
		case threadTS == "" || threadTS == ts:
			return nil // top-level chatter
		default:
			m = bot.Message{Channel: channel, User: e.User, InThread: true,
				Conversation: bot.ConversationKey(Name, ev.TeamID, channel, threadTS), Text: plainText(e.Text, botUser)}
		}
	default:
		return nil
	}
	if !a.first("message:" + channel + "/" + ts) {
		return nil
	}
	return func(ctx context.Context) {
		turn, err := a.chat.Handle(ctx, m)
		chat.LogTurn(a.log, "event", turn, err)
		if err == nil && turn.Action == bot.ActionIgnore {
			return
		}
		blocks, fallback := a.turnMessage(turn, err, view{answerID: turn.AnswerID})
		opts := []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(fallback, false),
			slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()}
		if threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(threadTS))
		}
		if err := a.send(ctx, channel, opts...); err != nil {
			a.log.Error("could not post an answer", "channel", channel, "error", err)
		}
	}
}

// interaction handles a button click: a vote is recorded and
// acknowledged to the voter alone; "Share in channel" posts the answer
// for everyone, "asked by" its asker, and removes the private copy.
func (a *Adapter) interaction(cb slack.InteractionCallback) chat.Job {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil
	}
	var todo []chat.Job
	for _, act := range cb.ActionCallback.BlockActions {
		if act == nil {
			continue
		}
		id, user, channel, url := act.Value, cb.User.ID, cb.Channel.ID, cb.ResponseURL
		switch act.ActionID {
		case ActionVoteUp, ActionVoteDown:
			vote := bot.VoteUp
			if act.ActionID == ActionVoteDown {
				vote = bot.VoteDown
			}
			todo = append(todo, func(ctx context.Context) {
				changed, err := a.chat.Vote(ctx, id, user, channel, vote)
				var note string
				switch {
				case err != nil:
					a.log.Warn("could not record a vote", "error", err)
					note = "Sorry — " + bot.ErrorMessage(err) + "."
				case changed:
					a.log.Info("vote recorded", "vote", string(vote), "answer", id)
					note = "Thanks — your " + map[bot.Vote]string{bot.VoteUp: "👍", bot.VoteDown: "👎"}[vote] + " is recorded."
				default:
					note = "Your vote was already recorded."
				}
				a.respond(ctx, url, note)
			})
		case ActionShare:
			if !a.first("share:" + id + "/" + user) {
				continue
			}
			todo = append(todo, func(ctx context.Context) { a.share(ctx, id, user, channel, url) })
		}
	}
	if len(todo) == 0 {
		a.log.Debug("ignored an interaction with no citebot button", "type", string(cb.Type))
		return nil
	}
	return func(ctx context.Context) {
		for _, j := range todo {
			j(ctx)
		}
	}
}

// share posts a recorded answer in the channel through the click's
// response_url (which works where the bot is not a member), then deletes
// the private copy.
func (a *Adapter) share(ctx context.Context, id, user, channel, url string) {
	rec, err := a.chat.Recall(ctx, id)
	if err != nil {
		a.respond(ctx, url, "Sorry — "+bot.ErrorMessage(err)+".")
		return
	}
	// The asker, from the record (only they see the private answer, so
	// they are also the clicker).
	asker := rec.User
	if !userID.MatchString(asker) {
		asker = user
	}
	if !userID.MatchString(asker) {
		a.log.Warn("a share click without a valid user ID", "answer", id)
		return
	}
	blocks, fallback := answerMessage(rec.Reply, view{answerID: id, askedBy: asker})
	opts := []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(fallback, false)}
	if url != "" {
		err = a.send(ctx, "", append(opts, slack.MsgOptionResponseURL(url, slack.ResponseTypeInChannel))...)
	} else {
		err = a.send(ctx, channel, append(opts, slack.MsgOptionDisableLinkUnfurl())...)
	}
	if err != nil {
		a.log.Error("could not share an answer", "error", err)
		a.respond(ctx, url, "Sorry — the answer could not be posted in the channel.")
		return
	}
	a.log.Info("answer shared in channel", "answer", id)
	if url != "" {
		if err := a.resend(ctx, slack.MsgOptionDeleteOriginal(url)); err != nil {
			a.log.Warn("could not remove the private copy of a shared answer", "error", err)
		}
	}
}

// respond tells the clicking user alone, through the click's
// response_url.
func (a *Adapter) respond(ctx context.Context, url, text string) {
	if url == "" {
		return
	}
	if err := a.send(ctx, "", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionText(text, true)); err != nil {
		a.log.Warn("could not respond to a click", "error", err)
	}
}

// isDirect reports a direct-message channel ID.
func isDirect(channel string) bool { return strings.HasPrefix(channel, "D") }
