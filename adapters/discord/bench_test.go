package discord_test

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/bot"
)

// BenchmarkInteractionAck measures the path Discord's 3-second limit
// applies to: a signed /ask read, verified, parsed and answered with the
// deferred response (the answer itself runs after, against the local
// REST API).
func BenchmarkInteractionAck(b *testing.B) {
	fake := newFake(b)
	pub, priv := testKey(b)
	chat := bot.NewChat(bot.New(seedIndex(b)), bot.ChatOptions{Platform: "discord"})
	a, err := discord.New(discord.Options{Mode: discord.ModeHTTP, BotToken: botToken, AppID: appID,
		PublicKey: hex.EncodeToString(pub), APIURL: fake.api, Chat: chat})
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		body := []byte(fmt.Sprintf(`{"id":"%d","application_id":%q,"type":2,"token":"t%d","version":1,"guild_id":%q,"channel_id":%q,`+
			`"member":{"user":{"id":%q}},"data":{"id":"1","name":"ask","type":1,"options":[{"type":3,"name":"question","value":%q}]}}`,
			3000000000000000000+i, appID, i, guildID, channel, user, question))
		req := httptest.NewRequest("POST", discord.InteractionsPath, strings.NewReader(string(body)))
		req.Header = discord.Sign(priv, fmt.Sprint(time.Now().Unix()), body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("ack = %d %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	discord.WaitJobs(a)
}
