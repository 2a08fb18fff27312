package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
)

// loadVector reads the signing vector: the example, its key, its
// headers, and a moment within its freshness window.
func loadVector(t testing.TB) (adaptertest.SigningVector, ed25519.PublicKey, http.Header, time.Time) {
	t.Helper()
	v := adaptertest.LoadVector(t, "discord-signing-vector.json")
	key, err := hex.DecodeString(v.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return v, key, v.Header(), time.Unix(1608597133, 0).Add(30 * time.Second)
}

// TestVerifyVector checks the signing vector (the RFC 8032 TEST 1 key
// over Discord's own PING body) and what must fail around it.
func TestVerifyVector(t *testing.T) {
	v, key, h, now := loadVector(t)
	body := []byte(v.Body)
	if !bytes.Equal(body, adaptertest.Fixture(t, "discord-ping.json")) {
		t.Fatal("the vector's body is not discord-ping.json byte for byte")
	}
	if err := discord.Verify(key, h, body, now); err != nil {
		t.Fatalf("Verify(vector) = %v; want nil", err)
	}
	upper := h.Clone()
	upper.Set("X-Signature-Ed25519", strings.ToUpper(v.SignatureHex))
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
		{"not hex", key, with("X-Signature-Ed25519", "zz"+v.SignatureHex[2:]), body, now, discord.ErrBadSignature},
		{"short signature", key, with("X-Signature-Ed25519", v.SignatureHex[:64]), body, now, discord.ErrBadSignature},
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

// FuzzDiscordVerify: Verify accepts a request only with a valid Ed25519
// signature of its timestamp and body, whatever the headers hold, and
// never panics.
func FuzzDiscordVerify(f *testing.F) {
	v, pub, _, _ := loadVector(f)
	sig := v.Headers["X-Signature-Ed25519"]
	f.Add(sig, v.Timestamp, []byte(v.Body))
	f.Add(strings.ToUpper(sig), v.Timestamp, []byte(v.Body))
	f.Add(sig[:len(sig)-2], v.Timestamp, []byte(v.Body))
	f.Add("", "", []byte{})
	f.Add(sig, "+"+v.Timestamp, []byte(v.Body+" "))
	ts := v.Timestamp
	var sec int64
	fmt.Sscan(ts, &sec)
	now := time.Unix(sec, 0)
	f.Fuzz(func(t *testing.T, sigHex, ts string, body []byte) {
		h := http.Header{}
		h.Set("X-Signature-Ed25519", sigHex)
		h.Set("X-Signature-Timestamp", ts)
		if discord.Verify(pub, h, body, now) != nil {
			return
		}
		s, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
		if err != nil || !ed25519.Verify(pub, append([]byte(h.Get("X-Signature-Timestamp")), body...), s) {
			t.Fatalf("accepted signature %q for ts %q, body %q", sigHex, ts, body)
		}
	})
}

// BenchmarkVerify measures checking one signature.
func BenchmarkVerify(b *testing.B) {
	_, priv := testKey(b)
	pub := priv.Public().(ed25519.PublicKey)
	body := adaptertest.Fixture(b, "discord-interaction-command.json")
	h := discord.Sign(priv, "1700000000", body)
	now := time.Unix(1700000000, 0)
	for b.Loop() {
		if err := discord.Verify(pub, h, body, now); err != nil {
			b.Fatal(err)
		}
	}
}
