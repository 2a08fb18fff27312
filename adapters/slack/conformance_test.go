package slack_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
)

// TestConformance runs the chat adapters' conformance kit over HTTP
// mode: questions arrive as signed app_mention events, answers are read
// from what chat.postMessage received, votes are signed clicks.
func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T, chat *bot.Chat) adaptertest.Driver {
		return &driver{env: start(t, envOptions{chat: chat})}
	})
}

type driver struct {
	env *env
}

func (d *driver) Ask(t *testing.T, question string) adaptertest.Reply {
	t.Helper()
	i := adaptertest.Serial()
	ts := fmt.Sprintf("1700000100.%06d", i)
	body := mention(t, fmt.Sprintf("EvConf%d", i), ts, "", question)
	if code, text := d.env.signed(t, "/slack/events", jsonT, body, time.Now(), nil); code != 200 {
		t.Fatalf("event = %d %s", code, text)
	}
	p := d.env.fake.next(t)
	if p.ThreadTS != ts {
		t.Errorf("answered in thread %q; want %s", p.ThreadTS, ts)
	}
	return adaptertest.Reply{
		Text:     slack.VisibleText(p.Blocks),
		Pings:    slack.Pings(p.Blocks, p.Text, ""),
		LimitErr: slack.LimitError(p.Blocks),
		Quotes:   strings.Count(string(p.Blocks), `"rich_text_quote"`),
		AnswerID: buttonValue(t, p.Blocks, slack.ActionVoteUp),
	}
}

func (d *driver) Vote(t *testing.T, r adaptertest.Reply, user string, vote bot.Vote) {
	t.Helper()
	action := slack.ActionVoteUp
	if vote == bot.VoteDown {
		action = slack.ActionVoteDown
	}
	body := interaction(user, "C123ABC456", action, r.AnswerID, d.env.fake.url+"response/conformance")
	if code, text := d.env.signed(t, "/slack/interactions", form, body, time.Now(), nil); code != 200 {
		t.Fatalf("click = %d %s", code, text)
	}
	if p := d.env.fake.next(t); !strings.Contains(p.Text, "recorded") {
		t.Errorf("the click was answered %q", p.Text)
	}
}
