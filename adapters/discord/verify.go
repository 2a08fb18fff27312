package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/citebot/citebot/adapters/internal/chat"
)

// ReplayWindow is how far a request's timestamp may be from the local
// clock. Discord documents no window; without one, a captured request
// could be replayed for ever.
const ReplayWindow = chat.ReplayWindow

// Why a request to the interactions endpoint is rejected. Each is
// answered 401 before the body is parsed; Discord itself sends requests
// with bad signatures now and then, and an endpoint that accepts them
// loses its URL.
var (
	ErrMissingSignature = errors.New("missing X-Signature-Ed25519 or X-Signature-Timestamp")
	ErrStaleTimestamp   = chat.ErrStaleTimestamp
	ErrBadSignature     = errors.New("signature does not match the timestamp, the body and the application's public key")
)

// Verify checks a request to the interactions endpoint as Discord
// documents it (https://discord.com/developers/docs/interactions/overview,
// "Setting Up an Endpoint"): X-Signature-Ed25519 must be the hex Ed25519
// signature, by the application's key, of X-Signature-Timestamp followed
// by the raw body; and the timestamp (Unix seconds) must be within
// ReplayWindow of now.
//
// It uses crypto/ed25519 directly rather than discordgo.VerifyInteraction,
// which reads the request body itself (it cannot check a body already
// read, bounded, by the handler) and has no freshness check; with now
// injectable, the signing vector is a unit test. The tests check that
// both agree.
func Verify(key ed25519.PublicKey, h http.Header, body []byte, now time.Time) error {
	sigHex, ts, err := chat.SignedAt(h, "X-Signature-Ed25519", "X-Signature-Timestamp", now, ErrMissingSignature)
	if err != nil {
		return err
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: not %d hex digits", ErrBadSignature, 2*ed25519.SignatureSize)
	}
	if len(key) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: no valid public key", ErrBadSignature)
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(key, msg, sig) {
		return ErrBadSignature
	}
	return nil
}

// Sign returns the headers Discord sends with body at ts, signed with
// priv: tests and tools use it to sign requests the way Discord does.
func Sign(priv ed25519.PrivateKey, ts string, body []byte) http.Header {
	msg := append([]byte(ts), body...)
	h := http.Header{}
	h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, msg)))
	h.Set("X-Signature-Timestamp", ts)
	return h
}
