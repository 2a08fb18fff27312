package mix

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/slack"
)

// Secrets of the served configuration (loopback only, made up per run).
type secrets struct {
	apiToken      string
	slackSecret   string
	discordKey    ed25519.PrivateKey
	discordAppID  string
	slackResponse string // base of the response URLs (the fake API)
}

// questions are real questions about the seeds (the dev set's first).
var questions = []string{
	"What was the FY2026 refugee cap?",
	"Which regions were the diplomats told to lobby?",
	"Who wrote the CRBC News article?",
	"What did the president say about borders?",
	"How many talking points did the cable include?",
	"What was the refugee cap in fiscal 2024?",
	"Which group of refugees is the administration focusing on?",
	"On what day of the week was the cable sent?",
}

// junkQuestions are valid requests with hostile questions: query
// syntax, mass mentions, control characters, invalid UTF-8.
var junkQuestions = []string{
	`title:refugee AND (cap OR "fiscal" ) NOT +-~*? /regex.*/`,
	"@everyone <!channel> <@U123> @here what happened?",
	"\x00\x01\x7f\u202e\ufeff?",
	strings.Repeat("why ", 240),
	"\xff\xfe invalid utf-8 \xc3\x28",
	"",
}

// kind is one sort of request in the mix, with the statuses it may get.
type kind struct {
	name string
	// ok lists the statuses expected; anything else is counted as
	// unexpected (a 5xx fails the run whatever the list says).
	ok []int
	// oversized tells which of the kind's requests carry a body over
	// the endpoint's limit: each of those must get exactly 413.
	oversized func(r request) bool
	make      func(base string, s *secrets, r request) *http.Request
}

// request numbers one request of the mix.
type request struct {
	i   int        // its number in the run: unique, for IDs
	n   int        // its number among the requests of its kind: picks the variant
	rng *rand.Rand // seeded by i, so a run's bodies are the same every time
}

func always(request) bool { return true }

const oversized = 2 << 20 // bytes: over every endpoint's body limit

// oversizedBodies are made once: building a 2 MiB body for each request
// cost the harness more than the server spent refusing it. Each is
// refused for its size before it is parsed, so one body serves every
// request of its kind (the signature is still made per request).
var oversizedBodies = sync.OnceValue(func() (b struct{ api, slack, discord []byte }) {
	b.api = []byte(`{"question": "` + strings.Repeat("a", oversized) + `"}`)
	b.slack = mention(0, strings.Repeat("a", oversized))
	b.discord = []byte(`{"type":2,"data":` + strings.Repeat("[", oversized))
	return b
})

func apiAsk(base, token string, body []byte) *http.Request {
	req, _ := http.NewRequest("POST", base+"/api/ask", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func slackReq(base, path, secret string, body []byte, at time.Time) *http.Request {
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
	if path == "/slack/events" {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	ts := fmt.Sprint(at.Unix())
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
	return req
}

func discordReq(base string, key ed25519.PrivateKey, body []byte, at time.Time) *http.Request {
	req, _ := http.NewRequest("POST", base+discord.InteractionsPath, bytes.NewReader(body))
	req.Header = discord.Sign(key, fmt.Sprint(at.Unix()), body)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func mention(i int, q string) []byte {
	b, _ := json.Marshal(map[string]any{
		"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": fmt.Sprintf("Ev%08d", i), "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "app_mention", "user": fmt.Sprintf("U%05d", i%500), "text": "<@" + botUser + "> " + q,
			"ts": fmt.Sprintf("1700000000.%06d", i), "channel": fmt.Sprintf("C%04d", i%50), "event_ts": fmt.Sprintf("1700000000.%06d", i)},
	})
	return b
}

func slash(s *secrets, i int, q string) []byte {
	return []byte(url.Values{
		"command": {"/ask"}, "text": {q}, "user_id": {fmt.Sprintf("U%05d", i%500)}, "channel_id": {fmt.Sprintf("C%04d", i%50)},
		"team_id": {"T1"}, "response_url": {s.slackResponse + fmt.Sprint(i)}, "trigger_id": {"1.2.3"},
	}.Encode())
}

func vote(s *secrets, i int) []byte {
	p, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": fmt.Sprintf("U%05d", i%500)}, "channel": map[string]any{"id": "C0001"},
		"response_url": s.slackResponse + fmt.Sprint(i),
		"actions":      []any{map[string]any{"action_id": "citebot_vote_up", "value": fmt.Sprintf("a%d", i)}},
	})
	return []byte(url.Values{"payload": {string(p)}}.Encode())
}

func interaction(s *secrets, i int, q string) []byte {
	b, _ := json.Marshal(map[string]any{
		"type": 2, "id": fmt.Sprint(2000000000000000000 + i), "application_id": s.discordAppID, "token": fmt.Sprintf("tok%d", i),
		"channel_id": "645027906669510667", "guild_id": "290926798626357999",
		"member": map[string]any{"user": map[string]any{"id": fmt.Sprint(53908232506183680 + i%500)}},
		"data": map[string]any{"id": "1", "name": "ask", "type": 1,
			"options": []any{map[string]any{"type": 3, "name": "question", "value": q}}},
	})
	return b
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// mix is the request mix, in order; request i is of kind i % len(mix),
// and the (i / len(mix))th of its kind, which picks its variant (the
// question, the path, the kind of bad signature), so every variant of a
// kind is sent in turn.
var mix = []kind{
	{"api good question", []int{200}, nil, func(base string, s *secrets, r request) *http.Request {
		b, _ := json.Marshal(map[string]any{"question": questions[r.n%len(questions)]})
		return apiAsk(base, s.apiToken, b)
	}},
	{"api hostile question", []int{200, 400}, nil, func(base string, s *secrets, r request) *http.Request {
		b, _ := json.Marshal(map[string]any{"question": junkQuestions[r.n%len(junkQuestions)]})
		return apiAsk(base, s.apiToken, b)
	}},
	{"api junk body", []int{400}, nil, func(base string, s *secrets, r request) *http.Request {
		return apiAsk(base, s.apiToken, randomBytes(r.rng, 1+r.rng.IntN(4096)))
	}},
	{"api bad JSON", []int{400}, nil, func(base string, s *secrets, r request) *http.Request {
		return apiAsk(base, s.apiToken, []byte([]string{`{"question": 12}`, `{"question": "a"`, `[]`, `{"question":"x","top":-5}`}[r.n%4]))
	}},
	{"api oversized body", []int{413}, always, func(base string, s *secrets, _ request) *http.Request {
		return apiAsk(base, s.apiToken, oversizedBodies().api)
	}},
	{"api bad token", []int{401}, nil, func(base string, _ *secrets, r request) *http.Request {
		b, _ := json.Marshal(map[string]any{"question": questions[r.n%len(questions)]})
		return apiAsk(base, []string{"", "wrong-token-wrong-token-wrong"}[r.n%2], b)
	}},
	{"slack event", []int{200}, nil, func(base string, s *secrets, r request) *http.Request {
		return slackReq(base, "/slack/events", s.slackSecret, mention(r.i, questions[r.n%len(questions)]), time.Now())
	}},
	{"slack command", []int{200}, nil, func(base string, s *secrets, r request) *http.Request {
		return slackReq(base, "/slack/commands", s.slackSecret, slash(s, r.i, questions[r.n%len(questions)]), time.Now())
	}},
	{"slack interaction", []int{200}, nil, func(base string, s *secrets, r request) *http.Request {
		return slackReq(base, "/slack/interactions", s.slackSecret, vote(s, r.i), time.Now())
	}},
	{"slack bad signature", []int{401}, nil, func(base string, s *secrets, r request) *http.Request {
		path := []string{"/slack/events", "/slack/commands", "/slack/interactions"}[r.n%3]
		body := [][]byte{mention(r.i, questions[0]), slash(s, r.i, questions[0]), vote(s, r.i)}[r.n%3]
		if (r.n/3)%2 == 0 {
			return slackReq(base, path, "not-the-signing-secret", body, time.Now())
		}
		return slackReq(base, path, s.slackSecret, body, time.Now().Add(-time.Hour)) // a replay
	}},
	{"slack oversized body", []int{413}, always, func(base string, s *secrets, r request) *http.Request {
		return slackReq(base, "/slack/events", s.slackSecret, oversizedBodies().slack, time.Now())
	}},
	{"slack junk", []int{200, 400}, nil, func(base string, s *secrets, r request) *http.Request {
		return slackReq(base, []string{"/slack/events", "/slack/commands", "/slack/interactions"}[r.n%3], s.slackSecret, randomBytes(r.rng, 1+r.rng.IntN(2048)), time.Now())
	}},
	{"discord ask", []int{200}, nil, func(base string, s *secrets, r request) *http.Request {
		return discordReq(base, s.discordKey, interaction(s, r.i, questions[r.n%len(questions)]), time.Now())
	}},
	{"discord ping", []int{200}, nil, func(base string, s *secrets, _ request) *http.Request {
		return discordReq(base, s.discordKey, []byte(`{"type":1,"id":"1","application_id":"`+s.discordAppID+`","token":"t","version":1}`), time.Now())
	}},
	{"discord bad signature", []int{401}, nil, func(base string, s *secrets, r request) *http.Request {
		body := interaction(s, r.i, questions[0])
		if r.n%2 == 0 {
			other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
			return discordReq(base, other, body, time.Now())
		}
		return discordReq(base, s.discordKey, body, time.Now().Add(-time.Hour))
	}},
	// Every tenth is a signed body over Discord's limit, the rest signed
	// random bytes.
	{"discord junk", []int{200, 400, 413}, discordOversized, func(base string, s *secrets, r request) *http.Request {
		if discordOversized(r) {
			return discordReq(base, s.discordKey, oversizedBodies().discord, time.Now())
		}
		return discordReq(base, s.discordKey, randomBytes(r.rng, 1+r.rng.IntN(2048)), time.Now())
	}},
}

func discordOversized(r request) bool { return r.n%10 == 0 }
