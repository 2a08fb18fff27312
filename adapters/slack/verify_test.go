package slack_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/citebot/citebot/adapters/slack"
)

// vector is Slack's official signing example.
type vector struct {
	Secret    string            `json:"signing_secret"`
	Headers   map[string]string `json:"headers"`
	Timestamp string            `json:"timestamp"`
	Body      string            `json:"body"`
	Signature string            `json:"expected_signature"`
}

func officialVector(t *testing.T) vector {
	t.Helper()
	var v vector
	if err := json.Unmarshal(fixture(t, "slack-signing-vector.json"), &v); err != nil {
		t.Fatal(err)
	}
	if string(fixture(t, "slack-slash-command.form")) != v.Body {
		t.Fatal("the vector's body differs from slack-slash-command.form")
	}
	return v
}

func (v vector) header() http.Header {
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	return h
}

func TestVerifyOfficialVector(t *testing.T) {
	v := officialVector(t)
	sec, _ := strconv.ParseInt(v.Timestamp, 10, 64)
	at := time.Unix(sec, 0)
	if err := slack.Verify(v.Secret, v.header(), []byte(v.Body), at.Add(90*time.Second)); err != nil {
		t.Fatalf("the official vector does not verify: %v", err)
	}
	if got := slack.SignatureHeader(v.Secret, v.Timestamp, []byte(v.Body)); got != v.Signature {
		t.Errorf("SignatureHeader = %s; want the official %s", got, v.Signature)
	}

	cases := []struct {
		name   string
		edit   func(h http.Header, body []byte) []byte
		now    time.Time
		reason error
	}{
		{"stale: now is years later", nil, time.Now(), slack.ErrStaleTimestamp},
		{"stale: just past the window", nil, at.Add(slack.ReplayWindow + time.Second), slack.ErrStaleTimestamp},
		{"from the future", nil, at.Add(-slack.ReplayWindow - time.Second), slack.ErrStaleTimestamp},
		{"tampered body", func(h http.Header, b []byte) []byte { return append(b, '&') }, at, slack.ErrBadSignature},
		{"tampered signature", func(h http.Header, b []byte) []byte {
			sig := []byte(h.Get("X-Slack-Signature"))
			sig[len(sig)-1] ^= 1
			h.Set("X-Slack-Signature", string(sig))
			return b
		}, at, slack.ErrBadSignature},
		{"timestamp changed after signing", func(h http.Header, b []byte) []byte {
			h.Set("X-Slack-Request-Timestamp", fmt.Sprint(sec+1))
			return b
		}, at, slack.ErrBadSignature},
		{"another version", func(h http.Header, b []byte) []byte {
			h.Set("X-Slack-Signature", "v1="+h.Get("X-Slack-Signature")[3:])
			return b
		}, at, slack.ErrBadSignature},
		{"short signature", func(h http.Header, b []byte) []byte { h.Set("X-Slack-Signature", "v0=abcd"); return b }, at, slack.ErrBadSignature},
		{"no signature", func(h http.Header, b []byte) []byte { h.Del("X-Slack-Signature"); return b }, at, slack.ErrMissingSignature},
		{"no timestamp", func(h http.Header, b []byte) []byte { h.Del("X-Slack-Request-Timestamp"); return b }, at, slack.ErrMissingSignature},
		{"timestamp not a number", func(h http.Header, b []byte) []byte { h.Set("X-Slack-Request-Timestamp", "soon"); return b }, at, slack.ErrStaleTimestamp},
		{"wrong secret", func(h http.Header, b []byte) []byte {
			h.Set("X-Slack-Signature", slack.SignatureHeader("another-secret", v.Timestamp, b))
			return b
		}, at, slack.ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, body := v.header(), []byte(v.Body)
			if c.edit != nil {
				body = c.edit(h, body)
			}
			if err := slack.Verify(v.Secret, h, body, c.now); !errors.Is(err, c.reason) {
				t.Errorf("Verify = %v; want %v", err, c.reason)
			}
		})
	}
}

// TestSignatureHeaderAgreesWithSlackGo checks the signing the tests use
// against slack-go's own verifier, on a fresh timestamp (slack-go reads
// the wall clock).
func TestSignatureHeaderAgreesWithSlackGo(t *testing.T) {
	body := slashForm(question, "https://hooks.slack.com/commands/T1/2/x")
	ts := fmt.Sprint(time.Now().Unix())
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
	sv, err := slackgo.NewSecretsVerifier(h, secret)
	if err != nil {
		t.Fatal(err)
	}
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Errorf("slack-go rejects our signature: %v", err)
	}
	if err := slack.Verify(secret, h, body, time.Now()); err != nil {
		t.Errorf("Verify rejects a fresh signature: %v", err)
	}
}
