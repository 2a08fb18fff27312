package discord_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/discord/discordtest"
	"github.com/citebot/citebot/bot"
)

// TestConformance runs the chat adapters' conformance kit over both
// transports: questions as gateway mentions (answers read from the
// replies posted) and as signed /ask interactions (answers read from the
// webhook edits); votes as button clicks over the same transport.
func TestConformance(t *testing.T) {
	t.Run("gateway", func(t *testing.T) {
		adaptertest.Run(t, func(t *testing.T, chat *bot.Chat) adaptertest.Driver {
			return &driver{env: start(t, envOptions{chat: chat})}
		})
	})
	t.Run("http", func(t *testing.T) {
		adaptertest.Run(t, func(t *testing.T, chat *bot.Chat) adaptertest.Driver {
			return &driver{env: start(t, envOptions{chat: chat, mode: discord.ModeHTTP}), http: true}
		})
	})
}

type driver struct {
	env  *env
	http bool
}

func (d *driver) Ask(t *testing.T, question string) adaptertest.Reply {
	t.Helper()
	i := adaptertest.Serial()
	var r discordtest.Request
	if d.http {
		id := fmt.Sprint(2100000000000000000 + i)
		if code, body := d.env.signed(t, command(t, id, "ask", map[string]any{"question": question}, guildID, channel), time.Now()); code != 200 {
			t.Fatalf("/ask = %d %s", code, body)
		}
		r = d.env.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-"+id+"/messages/@original")
	} else {
		d.env.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, fmt.Sprint(2200000000000000000+i), channel, question))
		r = d.env.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	}
	body := r.JSON(t)
	quotes := 0
	if es, _ := body["embeds"].([]any); len(es) == 1 {
		fields, _ := es[0].(map[string]any)["fields"].([]any)
		quotes = len(fields)
	}
	return adaptertest.Reply{
		Text:     discord.VisibleText(r.Body),
		Pings:    discord.Pings(r.Body),
		LimitErr: discord.LimitError(r.Body),
		Quotes:   quotes,
		AnswerID: strings.TrimPrefix(customID(t, body, discord.VoteUpID), discord.VoteUpID),
	}
}

func (d *driver) Vote(t *testing.T, r adaptertest.Reply, voter string, vote bot.Vote) {
	t.Helper()
	custom := discord.VoteUpID + r.AnswerID
	if vote == bot.VoteDown {
		custom = discord.VoteDownID + r.AnswerID
	}
	id := fmt.Sprint(2300000000000000000 + adaptertest.Serial())
	if d.http {
		if code, body := d.env.signed(t, click(id, custom, voter, channel), time.Now()); code != 200 {
			t.Fatalf("click = %d %s", code, body)
		}
	} else {
		var ev map[string]any
		if err := jsonUnmarshal(click(id, custom, voter, channel), &ev); err != nil {
			t.Fatal(err)
		}
		d.env.fake.Gateway.Dispatch(t, "INTERACTION_CREATE", ev)
	}
	note := d.env.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-"+id+"/").JSON(t)
	if !strings.Contains(fmt.Sprint(note["content"]), "recorded") {
		t.Errorf("the click was answered %v", note)
	}
	discord.WaitJobs(d.env.adapter)
}
