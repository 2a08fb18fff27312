package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/bot"
)

// TestHTTPPing: the vector's exact request (Discord's PING, signed with
// the RFC 8032 test key) is answered with PONG, as is a freshly signed
// one, while Discord's REST API is unreachable.
func TestHTTPPing(t *testing.T) {
	v, _, h, now := loadVector(t)
	e := start(t, envOptions{mode: discord.ModeHTTP, apiURL: adaptertest.DeadURL(t), now: func() time.Time { return now }})
	req, _ := http.NewRequest("POST", e.Base+discord.InteractionsPath, strings.NewReader(v.Body))
	req.Header = h.Clone()
	req.Header.Set("Content-Type", "application/json")
	if code, body := adaptertest.Do(t, req); code != 200 || strings.TrimSpace(body) != `{"type":1}` {
		t.Errorf("vector PING = %d %s; want 200 {\"type\":1}", code, body)
	}

	e = start(t, envOptions{mode: discord.ModeHTTP, apiURL: adaptertest.DeadURL(t)})
	code, body := e.signed(t, adaptertest.Fixture(t, "discord-ping.json"), time.Now())
	var pong, want map[string]any
	json.Unmarshal([]byte(body), &pong)
	json.Unmarshal(adaptertest.Fixture(t, "discord-pong-response.json"), &want)
	if code != 200 || fmt.Sprint(pong) != fmt.Sprint(want) {
		t.Errorf("PING = %d %s; want 200 and discord-pong-response.json", code, body)
	}
	adaptertest.Eventually(t, "Ready reporting the unreachable REST API", func() bool {
		err := e.adapter.Ready()
		return err != nil && strings.Contains(err.Error(), "discord commands")
	})
}

// TestHTTPRejectsUnverifiedRequests sends requests that are unsigned,
// stale, tampered, signed with another key or malformed: each gets 401
// and nothing reaches the bot or Discord.
func TestHTTPRejectsUnverifiedRequests(t *testing.T) {
	e := start(t, envOptions{mode: discord.ModeHTTP})
	e.fake.Next(t, "PUT", "/applications/") // registration, before counting
	body := command(t, "2000000000000000001", "ask", map[string]any{"question": question}, guildID, channel)
	now := time.Now()
	ts := fmt.Sprint(now.Unix())
	_, otherPriv := otherKey(t)
	cases := map[string]func(*http.Request){
		"unsigned": func(r *http.Request) {},
		"no timestamp": func(r *http.Request) {
			r.Header.Set("X-Signature-Ed25519", discord.Sign(e.priv, ts, body).Get("X-Signature-Ed25519"))
		},
		"no signature": func(r *http.Request) { r.Header.Set("X-Signature-Timestamp", ts) },
		"stale": func(r *http.Request) {
			r.Header = discord.Sign(e.priv, fmt.Sprint(now.Add(-6*time.Minute).Unix()), body)
		},
		"tampered":    func(r *http.Request) { r.Header = discord.Sign(e.priv, ts, append([]byte(" "), body...)) },
		"another key": func(r *http.Request) { r.Header = discord.Sign(otherPriv, ts, body) },
		"garbage": func(r *http.Request) {
			r.Header.Set("X-Signature-Timestamp", ts)
			r.Header.Set("X-Signature-Ed25519", "not-hex")
		},
	}
	for name, sign := range cases {
		req, _ := http.NewRequest("POST", e.Base+discord.InteractionsPath, strings.NewReader(string(body)))
		sign(req)
		req.Header.Set("Content-Type", "application/json")
		if code, text := adaptertest.Do(t, req); code != http.StatusUnauthorized {
			t.Errorf("%s = %d %q; want 401", name, code, text)
		}
	}
	discord.WaitJobs(e.adapter)
	if n := e.Obs.Questions(); n != 0 {
		t.Errorf("the bot was asked %d questions by unverified requests; want none", n)
	}
	if n := e.fake.Count("POST", "/") + e.fake.Count("PATCH", "/"); n != 0 {
		t.Errorf("%d calls to Discord for unverified requests; want none", n)
	}
	if !strings.Contains(e.Logs.String(), "not verifiably from Discord") {
		t.Errorf("rejections are not logged:\n%s", e.Logs)
	}

	big := make([]byte, discord.MaxBodyBytes+1)
	if code, _ := e.signed(t, big, time.Now()); code != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized body = %d; want 413", code)
	}
	// Far over the limit, from a client that sends it all before reading
	// the answer: the 413 reaches it every time.
	for _, body := range adaptertest.Oversized(t, e.Base+discord.InteractionsPath, http.Header{"Content-Type": {"application/json"}}, 6) {
		if !strings.Contains(body, "request body too large") {
			t.Errorf("oversized body answered %q", body)
		}
	}
	if code, _ := e.signed(t, []byte(`{"type":`), time.Now()); code != http.StatusBadRequest {
		t.Errorf("signed junk = %d; want 400", code)
	}
	if code, _ := e.signed(t, []byte(`{"id":"1","type":4,"token":"t","data":{}}`), time.Now()); code != http.StatusBadRequest {
		t.Errorf("an autocomplete interaction = %d; want 400 (unsupported)", code)
	}
}

// otherKey is a key pair that is not the application's.
func otherKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "not the application's key")
	priv := ed25519.NewKeyFromSeed(seed)
	return priv.Public().(ed25519.PublicKey), priv
}

// TestHTTPAskIsDeferredThenEdited: /ask answers at once with the
// deferred response (public by default, ephemeral with private:true),
// then the answer replaces it through the interaction's webhook:
// embed, buttons, allowed_mentions parse [].
func TestHTTPAskIsDeferredThenEdited(t *testing.T) {
	e := start(t, envOptions{mode: discord.ModeHTTP})
	for _, private := range []bool{false, true} {
		id := "2000000000000000011"
		opts := map[string]any{"question": question}
		if private {
			id = "2000000000000000012"
			opts["private"] = true
		}
		code, body := e.signed(t, command(t, id, "ask", opts, guildID, channel), time.Now())
		var resp map[string]any
		if code != 200 || json.Unmarshal([]byte(body), &resp) != nil {
			t.Fatalf("/ask = %d %s", code, body)
		}
		data, _ := resp["data"].(map[string]any)
		flags, _ := data["flags"].(float64)
		if resp["type"] != 5.0 || (flags == 64) != private {
			t.Errorf("initial response (private %v) = %s; want type 5, flags 64 only when private", private, body)
		}
		noPings(t, "deferred response", data)
		edit := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-"+id+"/messages/@original")
		b := edit.JSON(t)
		noPings(t, "answer edit", b)
		em := embed(t, b)
		fields, _ := em["fields"].([]any)
		if em["title"] != "7,500" || len(fields) == 0 || !strings.Contains(fields[0].(map[string]any)["value"].(string), "**7,500**") {
			t.Errorf("answer embed = %v; want title 7,500 and the span bold in the quotes", em)
		}
		if customID(t, b, discord.VoteUpID) == "" {
			t.Errorf("no vote buttons: %v", b["components"])
		}
		if b["content"] != "" {
			t.Errorf("the edit leaves content %q; want it cleared", b["content"])
		}
	}
	// The official interaction has no application_id: the webhook uses
	// the configured one.
	raw := adaptertest.JSONFixture(t, "discord-interaction-command.json")
	raw["data"] = map[string]any{"id": "1", "name": "ask", "type": 1, "options": []any{map[string]any{"type": 3, "name": "question", "value": question}}}
	b, _ := json.Marshal(raw)
	if code, _ := e.signed(t, b, time.Now()); code != 200 {
		t.Fatalf("official interaction = %d", code)
	}
	e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/A_UNIQUE_TOKEN/messages/@original")
}

// TestHTTPRESTDownStillAcks: with Discord's REST API unreachable, a
// signed /ask still gets its deferred response within the request.
func TestHTTPRESTDownStillAcks(t *testing.T) {
	discord.SetRetryBackoff(t, time.Millisecond) // the dead API is called MaxSendAttempts times
	e := start(t, envOptions{mode: discord.ModeHTTP, apiURL: adaptertest.DeadURL(t)})
	code, body := e.signed(t, command(t, "2000000000000000021", "ask", map[string]any{"question": question}, guildID, channel), time.Now())
	if code != 200 || !strings.Contains(body, `"type":5`) {
		t.Errorf("/ask with REST down = %d %s; want the deferred response", code, body)
	}
	discord.WaitJobs(e.adapter)
	if !strings.Contains(e.Logs.String(), "could not deliver the answer") {
		t.Errorf("the failed delivery is not logged:\n%s", e.Logs)
	}
	if strings.Contains(e.Logs.String(), botToken) || strings.Contains(e.Logs.String(), "token-2000000000000000021") {
		t.Errorf("a token was logged:\n%s", e.Logs)
	}
	if !strings.Contains(e.Logs.String(), "/webhooks/"+appID+"/[token]/") {
		t.Errorf("the failed call is not logged with its (redacted) URL:\n%s", e.Logs)
	}
}

// TestHTTPHelpSourcesAndVotes: /help is answered at once, privately;
// /sources privately after a deferral; 👍, 👍 again and 👎 are recorded
// as one vote, changed, and acknowledged to the voter alone.
func TestHTTPHelpSourcesAndVotes(t *testing.T) {
	e := start(t, envOptions{mode: discord.ModeHTTP})
	code, body := e.signed(t, command(t, "2000000000000000031", "help", nil, guildID, channel), time.Now())
	var help map[string]any
	json.Unmarshal([]byte(body), &help)
	data, _ := help["data"].(map[string]any)
	if code != 200 || help["type"] != 4.0 || data["flags"] != 64.0 || !strings.Contains(body, "/ask question:") {
		t.Errorf("/help = %d %s; want an immediate ephemeral help embed", code, body)
	}
	noPings(t, "help", data)

	_, body = e.signed(t, command(t, "2000000000000000032", "sources", nil, guildID, channel), time.Now())
	if !strings.Contains(body, `"flags":64`) {
		t.Errorf("/sources initial response %s; want ephemeral", body)
	}
	src := embed(t, e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000032/").JSON(t))
	if !strings.Contains(src["title"].(string), "documents I answer from") || !strings.Contains(src["description"].(string), "CRBC News") {
		t.Errorf("/sources = %v", src)
	}

	e.signed(t, command(t, "2000000000000000033", "ask", map[string]any{"question": question}, guildID, channel), time.Now())
	answer := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000033/").JSON(t)
	up, down := customID(t, answer, discord.VoteUpID), customID(t, answer, discord.VoteDownID)
	for i, c := range []struct{ id, want string }{
		{up, "Thanks — your 👍 is recorded."},
		{up, "Your vote was already recorded."},
		{down, "Thanks — your 👎 is recorded."},
	} {
		id := fmt.Sprintf("20000000000000001%02d", i)
		code, body := e.signed(t, click(id, c.id, user, channel), time.Now())
		if code != 200 || !strings.Contains(body, `"type":5`) || !strings.Contains(body, `"flags":64`) {
			t.Errorf("click %d = %d %s; want deferred and ephemeral", i, code, body)
		}
		if note := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-"+id+"/").JSON(t); note["content"] != c.want {
			t.Errorf("click %d acknowledged %v; want %q", i, note["content"], c.want)
		}
	}
	votes, err := e.Store.Votes(context.Background())
	if err != nil || len(votes) != 1 || votes[0].Vote != bot.VoteDown || votes[0].User != user || votes[0].Answer != "7,500" || votes[0].Question != question {
		t.Errorf("votes = %+v, %v; want the member's vote, now 👎, on the 7,500 answer", votes, err)
	}
	if up, down := e.Obs.Votes(bot.VoteUp), e.Obs.Votes(bot.VoteDown); up != 1 || down != 1 {
		t.Errorf("metrics counted %d up, %d down; want one of each", up, down)
	}

	e.signed(t, click("2000000000000000199", discord.VoteUpID+"000000000000deadbeef", user, channel), time.Now())
	if note := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000199/").JSON(t); !strings.Contains(note["content"].(string), "no longer on record") {
		t.Errorf("a vote on an unknown answer: %v", note)
	}
}

// TestHTTPDirectMessageCommand runs /ask in a DM with the bot (user, no
// member, no guild).
func TestHTTPDirectMessageCommand(t *testing.T) {
	e := start(t, envOptions{mode: discord.ModeHTTP, rules: bot.Rules{OnlyListed: true, Channels: map[string]bot.ChannelRule{"1": {}}}})
	e.signed(t, command(t, "2000000000000000041", "ask", map[string]any{"question": question}, "", "1800000000000000009"), time.Now())
	if em := embed(t, e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000041/").JSON(t)); em["title"] != "7,500" {
		t.Errorf("DM /ask = %v", em)
	}
	// In a thread of a listed channel (as the interaction describes its
	// channel), the channel's rules apply.
	var inThread map[string]any
	json.Unmarshal(command(t, "2000000000000000043", "ask", map[string]any{"question": question}, guildID, "1"), &inThread)
	inThread["channel_id"] = "1200000000000000009"
	inThread["channel"] = map[string]any{"id": "1200000000000000009", "type": 11, "parent_id": "1", "guild_id": guildID}
	b, _ := json.Marshal(inThread)
	e.signed(t, b, time.Now())
	if em := embed(t, e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000043/").JSON(t)); em["title"] != "7,500" {
		t.Errorf("/ask in a thread of a listed channel = %v", em)
	}
	// In a guild channel the rules leave out, the bot says so.
	e.signed(t, command(t, "2000000000000000042", "ask", map[string]any{"question": question}, guildID, channel), time.Now())
	if b := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000042/").JSON(t); !strings.Contains(b["content"].(string), "not set up to answer in this channel") {
		t.Errorf("/ask in an unlisted channel = %v", b)
	}
}

// TestHTTPQuote runs /quote (and who: True) against the seeds over
// signed HTTP: deferred, then the verdict with the differing words
// marked, or the speaker; with no text, the usage at once.
func TestHTTPQuote(t *testing.T) {
	e := start(t, envOptions{mode: discord.ModeHTTP})
	e.signed(t, command(t, "2000000000000000051", "quote", map[string]any{"text": "“protect your voters from the negative social impacts”"}, guildID, channel), time.Now())
	b := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000051/").JSON(t)
	noPings(t, "quote check", b)
	em := embed(t, b)
	raw, _ := json.Marshal(em)
	if !strings.HasPrefix(em["title"].(string), "Near: not word for word.") || !strings.Contains(string(raw), "__citizens__") || !strings.Contains(string(raw), "“voters” → “citizens”") {
		t.Errorf("/quote = %s; want the near verdict with citizens marked", raw)
	}

	e.signed(t, command(t, "2000000000000000052", "quote", map[string]any{"text": "a nation without borders is not a nation", "who": true}, guildID, channel), time.Now())
	em = embed(t, e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-2000000000000000052/").JSON(t))
	raw, _ = json.Marshal(em)
	if em["title"] != "Attributed to Trump." || !strings.Contains(string(raw), "said by the president") {
		t.Errorf("/quote who: True = %s; want Trump, with each place's speaker", raw)
	}

	code, body := e.signed(t, command(t, "2000000000000000053", "quote", map[string]any{"text": "help"}, guildID, channel), time.Now())
	if code != 200 || !strings.Contains(body, `"type":4`) || !strings.Contains(body, "/quote text:") {
		t.Errorf("/quote help = %d %s; want the usage at once", code, body)
	}
}

// permissiveDiscord is a REST API that accepts every call at once:
// under fuzzing the adapter answers thousands of interactions, and the
// fake (which records each call for the test) would only grow.
func permissiveDiscord(t testing.TB) string {
	return adaptertest.AcceptAll(t, func(r *http.Request) string {
		switch {
		case strings.Contains(r.URL.Path, "/channels/"):
			return `{"id":"645027906669510667","type":0}`
		case r.Method == http.MethodPut:
			return `[]`
		}
		return `{"id":"1500000000000000001","channel_id":"645027906669510667"}`
	})
}

// FuzzDiscordInteraction sends arbitrary bodies to the interactions
// endpoint, signed with the application's key (so the parsing behind
// the signature check is reached), with another key, or too long ago.
// Whatever the body: no panic (in the handler or in the answer it
// starts), no 5xx, and the signature decides — a bad or stale one is
// 401, a good one never is.
func FuzzDiscordInteraction(f *testing.F) {
	for _, name := range []string{"discord-ping.json", "discord-interaction-command.json"} {
		b := adaptertest.Fixture(f, name)
		for mode := range 3 {
			f.Add(uint8(mode), b)
		}
	}
	ask := func(opts string) []byte {
		return []byte(`{"type":2,"id":"2000000000000000001","application_id":"` + appID + `","token":"tok","channel_id":"645027906669510667",` +
			`"guild_id":"290926798626357999","member":{"user":{"id":"53908232506183680"}},"data":{"id":"1","name":"ask","type":1,"options":` + opts + `}}`)
	}
	f.Add(uint8(0), ask(`[{"type":3,"name":"question","value":"What was the FY2026 refugee cap?"}]`))
	f.Add(uint8(0), ask(`[{"type":3,"name":"question","value":"@everyone <@&1> <@!2>"},{"type":5,"name":"private","value":true}]`))
	f.Add(uint8(0), ask(`[{"type":3,"name":"text","value":12}]`))
	f.Add(uint8(0), []byte(`{"type":3,"id":"3","token":"t","channel_id":"1","member":{"user":{"id":"5"}},"data":{"custom_id":"citebot:up:a1","component_type":2}}`))

	_, priv := testKey(f)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	logs, log := adaptertest.NewPanicWatch()
	chat := bot.NewChat(bot.New(adaptertest.SeedIndex(f)), bot.ChatOptions{Platform: "discord", Store: bot.NewMemoryStore()})
	a, err := discord.New(discord.Options{
		Mode: discord.ModeHTTP, BotToken: botToken, AppID: appID, PublicKey: hex.EncodeToString(priv.Public().(ed25519.PublicKey)),
		APIURL: permissiveDiscord(f), Chat: chat, Logger: log, HTTPClient: &http.Client{Timeout: 5 * time.Second},
	})
	if err != nil {
		f.Fatal(err)
	}
	h := a.Handler()
	f.Fuzz(func(t *testing.T, mode uint8, body []byte) {
		key, at := priv, time.Now()
		switch mode % 3 {
		case 1:
			key = other
		case 2:
			at = at.Add(-discord.ReplayWindow - time.Minute)
		}
		req := httptest.NewRequest("POST", discord.InteractionsPath, bytes.NewReader(body))
		req.Header = discord.Sign(key, fmt.Sprint(at.Unix()), body)
		req.Header.Set("Content-Type", "application/json")
		adaptertest.ServeFuzzed(t, h, req, mode%3 == 0, func() { discord.WaitJobs(a) }, logs)
	})
}

// BenchmarkInteractionAck measures the path Discord's 3-second limit
// applies to: a signed /ask read, verified, parsed and answered with the
// deferred response (the answer itself runs after, against the local
// REST API).
func BenchmarkInteractionAck(b *testing.B) {
	fake := newFake(b)
	pub, priv := testKey(b)
	chat := bot.NewChat(bot.New(adaptertest.SeedIndex(b)), bot.ChatOptions{Platform: "discord"})
	a, err := discord.New(discord.Options{Mode: discord.ModeHTTP, BotToken: botToken, AppID: appID,
		PublicKey: hex.EncodeToString(pub), APIURL: fake.API, Chat: chat})
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

// TestHTTPHelpExamplesComeFromTheCorpus: over a corpus that is not the
// seeds, /help's example question is about one of its headlines, from
// the collections the channel may see (a thread's, its parent's, as the
// interaction describes it), and nothing of the seed articles shows; a
// channel the interaction does not describe gets the generic examples
// at once rather than a lookup.
func TestHTTPHelpExamplesComeFromTheCorpus(t *testing.T) {
	const thread = "645027906669510999"
	rules := bot.Rules{Channels: map[string]bot.ChannelRule{channel: {Collections: []string{"metro"}}}}
	chat := bot.NewChat(bot.New(adaptertest.LocalNews(t)), bot.ChatOptions{Platform: "discord", Rules: rules})
	e := start(t, envOptions{mode: discord.ModeHTTP, chat: chat})
	for i, tc := range []struct {
		where   string
		channel map[string]any // the interaction's description of its channel
		want    string
	}{
		{"the metro channel", map[string]any{"id": channel, "type": 0}, "What do the documents say about “Riverton council passes a $412 million budget”?"},
		{"a thread of it", map[string]any{"id": thread, "type": 11, "parent_id": channel}, "What do the documents say about “Riverton council passes a $412 million budget”?"},
		{"another channel", map[string]any{"id": thread, "type": 0}, "What do the documents say about “Judge delays ruling on the ferry contract”?"},
		{"an undescribed channel", nil, bot.GenericExamples.Question},
	} {
		var m map[string]any
		json.Unmarshal(command(t, fmt.Sprint(2000000000000000091+i), "help", nil, guildID, fmt.Sprint(tc.channel["id"])), &m)
		if tc.channel == nil {
			m["channel_id"] = "645027906669510777"
		} else {
			m["channel"] = tc.channel
		}
		b, _ := json.Marshal(m)
		code, body := e.signed(t, b, time.Now())
		var help struct {
			Data struct {
				Embeds []struct{ Description string }
			}
		}
		json.Unmarshal([]byte(body), &help)
		if code != 200 || len(help.Data.Embeds) != 1 || !strings.Contains(help.Data.Embeds[0].Description, "`/ask question: "+tc.want+"`") {
			t.Errorf("%s: /help = %d %s; want the example %q", tc.where, code, body, tc.want)
			continue
		}
		adaptertest.NoSeedText(t, "/help in "+tc.where, help.Data.Embeds[0].Description)
	}
}

// TestAPIURLErrorsNameTheConfiguredHost: with discord.api_url pointing
// elsewhere, a call that fails there is logged with that host's URL
// (token still redacted), not discord.com's.
func TestAPIURLErrorsNameTheConfiguredHost(t *testing.T) {
	discord.SetRetryBackoff(t, time.Millisecond)
	dead := adaptertest.DeadURL(t)
	e := start(t, envOptions{mode: discord.ModeHTTP, apiURL: dead})
	e.signed(t, command(t, "2000000000000000061", "ask", map[string]any{"question": question}, guildID, channel), time.Now())
	discord.WaitJobs(e.adapter)
	logs := e.Logs.String()
	if !strings.Contains(logs, dead+"v9/webhooks/"+appID+"/[token]/") {
		t.Errorf("the failed call is not logged with the configured API's URL %s:\n%s", dead, logs)
	}
	if strings.Contains(logs, "discord.com") {
		t.Errorf("a failure at %s is logged as discord.com's:\n%s", dead, logs)
	}

	// The gateway's address is asked of the configured API too.
	gw := start(t, envOptions{mode: discord.ModeGateway, apiURL: dead, stops: true}) // never ready: not waited for
	adaptertest.Eventually(t, "the failed gateway connection logged", func() bool {
		return strings.Contains(gw.Logs.String(), "could not connect to the discord gateway")
	})
	if logs := gw.Logs.String(); !strings.Contains(logs, dead+"v9/gateway") || strings.Contains(logs, "discord.com") {
		t.Errorf("the failed gateway connection is not logged with the configured API's URL %s:\n%s", dead, logs)
	}
}
