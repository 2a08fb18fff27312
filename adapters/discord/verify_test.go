package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/adapters/discord"
)

// vector is fixtures/discord-signing-vector.json.
type vector struct {
	PublicKey string            `json:"public_key_hex"`
	Headers   map[string]string `json:"headers"`
	Timestamp string            `json:"timestamp"`
	Body      string            `json:"body"`
	Signature string            `json:"expected_signature_hex"`
}

func loadVector(t *testing.T) (vector, ed25519.PublicKey, http.Header, time.Time) {
	t.Helper()
	var v vector
	if err := json.Unmarshal(fixture(t, "discord-signing-vector.json"), &v); err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(v.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	return v, key, h, time.Unix(1608597133, 0).Add(30 * time.Second)
}

// TestVerifyVector checks the signing vector (the RFC 8032 TEST 1 key
// over Discord's own PING body) and what must fail around it.
func TestVerifyVector(t *testing.T) {
	v, key, h, now := loadVector(t)
	body := []byte(v.Body)
	if !bytes.Equal(body, fixture(t, "discord-ping.json")) {
		t.Fatal("the vector's body is not discord-ping.json byte for byte")
	}
	if err := discord.Verify(key, h, body, now); err != nil {
		t.Fatalf("Verify(vector) = %v; want nil", err)
	}
	upper := h.Clone()
	upper.Set("X-Signature-Ed25519", strings.ToUpper(v.Signature))
	if err := discord.Verify(key, upper, body, now); err != nil {
		t.Errorf("an upper-case hex signature: %v; want accepted (hex is case-insensitive)", err)
	}

	_, otherPriv, _ := ed25519.GenerateKey(nil)
	otherKey := otherPriv.Public().(ed25519.PublicKey)
	without := func(name string) http.Header { c := h.Clone(); c.Del(name); return c }
	with := func(name, value string) http.Header { c := h.Clone(); c.Set(name, value); return c }
	cases := []struct {
		name string
		key  ed25519.PublicKey
		h    http.Header
		body []byte
		now  time.Time
		want error
	}{
		{"tampered body", key, h, append(append([]byte{}, body...), ' '), now, discord.ErrBadSignature},
		{"another timestamp", key, with("X-Signature-Timestamp", "1608597134"), body, now, discord.ErrBadSignature},
		{"wrong key", otherKey, h, body, now, discord.ErrBadSignature},
		{"no signature", key, without("X-Signature-Ed25519"), body, now, discord.ErrMissingSignature},
		{"no timestamp", key, without("X-Signature-Timestamp"), body, now, discord.ErrMissingSignature},
		{"no headers", key, http.Header{}, body, now, discord.ErrMissingSignature},
		{"not hex", key, with("X-Signature-Ed25519", "zz"+v.Signature[2:]), body, now, discord.ErrBadSignature},
		{"short signature", key, with("X-Signature-Ed25519", v.Signature[:64]), body, now, discord.ErrBadSignature},
		{"timestamp not a number", key, with("X-Signature-Timestamp", "yesterday"), body, now, discord.ErrStaleTimestamp},
		{"replayed later", key, h, body, now.Add(discord.ReplayWindow), discord.ErrStaleTimestamp},
		{"from the future", key, h, body, time.Unix(1608597133, 0).Add(-discord.ReplayWindow - time.Second), discord.ErrStaleTimestamp},
		{"no key", nil, h, body, now, discord.ErrBadSignature},
	}
	for _, c := range cases {
		if err := discord.Verify(c.key, c.h, c.body, c.now); !errors.Is(err, c.want) {
			t.Errorf("%s: Verify = %v; want %v", c.name, err, c.want)
		}
	}
}

// TestVerifyAgreesWithDiscordgo: discordgo.VerifyInteraction (which has
// no freshness check) accepts and rejects the same signatures as Verify
// within the window, and Sign produces what both accept.
func TestVerifyAgreesWithDiscordgo(t *testing.T) {
	v, key, h, now := loadVector(t)
	_, priv := testKey(t)
	fresh := time.Now()
	signed := discord.Sign(priv, "1700000000", []byte(`{"type":1}`))
	for _, c := range []struct {
		name string
		h    http.Header
		body string
		at   time.Time
	}{
		{"vector", h, v.Body, now},
		{"vector, tampered", h, v.Body + " ", now},
		{"signed here", signed, `{"type":1}`, time.Unix(1700000000, 0)},
		{"signed here, other body", signed, `{"type":2}`, time.Unix(1700000000, 0)},
		{"unsigned", http.Header{}, v.Body, fresh},
	} {
		req := httptest.NewRequest("POST", "/discord/interactions", strings.NewReader(c.body))
		req.Header = c.h.Clone()
		lib := discordgo.VerifyInteraction(req, key)
		ours := discord.Verify(key, c.h, []byte(c.body), c.at) == nil
		if lib != ours {
			t.Errorf("%s: discordgo.VerifyInteraction = %v, Verify = %v", c.name, lib, ours)
		}
	}
}

// BenchmarkVerify measures checking one signature.
func BenchmarkVerify(b *testing.B) {
	_, priv := testKey(b)
	pub := priv.Public().(ed25519.PublicKey)
	body := fixture(nil, "discord-interaction-command.json")
	h := discord.Sign(priv, "1700000000", body)
	now := time.Unix(1700000000, 0)
	for b.Loop() {
		if err := discord.Verify(pub, h, body, now); err != nil {
			b.Fatal(err)
		}
	}
}
