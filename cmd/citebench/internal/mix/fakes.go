package mix

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
)

// fakeAPI stands for Slack's Web API and Discord's REST API on loopback:
// it accepts every call quickly, the way the real ones answer a healthy
// bot, and counts them (posts are answers delivered).
type fakeAPI struct {
	srv   *httptest.Server
	calls atomic.Int64
	posts atomic.Int64
}

// botUser is the bot's Slack user ID (auth.test).
const botUser = "UCITEBOT"

func newFakeAPI() *fakeAPI {
	f := &fakeAPI{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		p := r.URL.Path
		switch {
		// Slack.
		case strings.HasSuffix(p, "/auth.test"):
			fmt.Fprintf(w, `{"ok":true,"team":"Newsroom","user":"citebot","team_id":"T1","user_id":%q,"bot_id":"B1"}`, botUser)
		case strings.HasSuffix(p, "/chat.postMessage"), strings.HasPrefix(p, "/slack/response/"):
			f.posts.Add(1)
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1700000000.000100"}`)
		// Discord.
		case r.Method == http.MethodPut && strings.Contains(p, "/commands"):
			io.WriteString(w, `[]`)
		case r.Method == http.MethodGet && strings.Contains(p, "/channels/"):
			io.WriteString(w, `{"id":"645027906669510667","type":0,"guild_id":"290926798626357999"}`)
		case r.Method == http.MethodPatch || r.Method == http.MethodPost:
			f.posts.Add(1)
			io.WriteString(w, `{"id":"1500000000000000001","channel_id":"645027906669510667"}`)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	return f
}
