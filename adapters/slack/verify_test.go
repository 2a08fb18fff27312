package slack_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
)

// officialVector is Slack's official signing example.
func officialVector(t testing.TB) adaptertest.SigningVector {
	t.Helper()
	v := adaptertest.LoadVector(t, "slack-signing-vector.json")
	if string(adaptertest.Fixture(t, "slack-slash-command.form")) != v.Body {
		t.Fatal("the vector's body differs from slack-slash-command.form")
	}
	return v
}

func TestVerifyOfficialVector(t *testing.T) {
	v := officialVector(t)
	sec, _ := strconv.ParseInt(v.Timestamp, 10, 64)
	at := time.Unix(sec, 0)
	if err := slack.Verify(v.Secret, v.Header(), []byte(v.Body), at.Add(90*time.Second)); err != nil {
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
			h, body := v.Header(), []byte(v.Body)
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
	body := slashForm(t, question, "https://hooks.slack.com/commands/T1/2/x")
	h := signedNow(body)
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

// FuzzSlackVerify: Verify accepts a request only with the exact HMAC of
// its timestamp and body, whatever the headers hold, and never panics.
func FuzzSlackVerify(f *testing.F) {
	v := officialVector(f)
	f.Add(v.Headers["X-Slack-Signature"], v.Headers["X-Slack-Request-Timestamp"], []byte(v.Body))
	f.Add("v0=", "1531420618", []byte{})
	f.Add("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503", "1531420618", []byte(v.Body))
	f.Add("v1=zz", "+1531420618", []byte("\xff"))
	now := time.Unix(1531420618, 0)
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		if slack.Verify(v.Secret, h, body, now) != nil {
			return
		}
		// Accepted: it must be the signature of exactly these bytes.
		want := slack.Sign(v.Secret, h.Get("X-Slack-Request-Timestamp"), body)
		got, err := hex.DecodeString(strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
		if err != nil || hex.EncodeToString(got) != hex.EncodeToString(want) {
			t.Fatalf("accepted signature %q for ts %q, body %q", sig, ts, body)
		}
	})
}

// BenchmarkVerify measures checking one request's signature.
func BenchmarkVerify(b *testing.B) {
	body := slashForm(b, question, "https://hooks.slack.com/commands/T1/2/x")
	h := signedNow(body)
	now := time.Now()
	for b.Loop() {
		if err := slack.Verify(secret, h, body, now); err != nil {
			b.Fatal(err)
		}
	}
}

// signedNow is the headers Slack sends with body, signed with the
// secret, now.
func signedNow(body []byte) http.Header {
	ts := fmt.Sprint(time.Now().Unix())
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
	return h
}
