package adaptertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// Protocols is where an adapter's tests keep copies of the platform's
// official payloads and signing vectors (from the shared protocol
// facts), so they run from any checkout; FixturesMatchShared guards the
// copies.
const Protocols = "testdata/protocols"

// shared is where the project's shared protocol facts live beside the
// repository, seen from an adapter's package.
const shared = "../../../shared/protocols/fixtures"

// Fixture reads a recorded payload from Protocols.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Protocols, name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// JSONFixture decodes a recorded JSON payload, for editing.
func JSONFixture(t testing.TB, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(Fixture(t, name), &m); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return m
}

// FixturesMatchShared checks the copies under Protocols of the shared
// fixtures matching pattern ("slack-*") against the originals, when the
// shared folder is beside the checkout.
func FixturesMatchShared(t *testing.T, pattern string) {
	t.Helper()
	originals, err := filepath.Glob(filepath.Join(shared, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(originals) == 0 {
		if _, err := os.Stat(shared); errors.Is(err, fs.ErrNotExist) {
			t.Skipf("%s is not beside this checkout; the tests use the copies in %s", shared, Protocols)
		}
		t.Fatalf("no %s fixtures in %s", pattern, shared)
	}
	for _, orig := range originals {
		want, err := os.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(Protocols, filepath.Base(orig)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (or is missing: %v); copy it again", filepath.Join(Protocols, filepath.Base(orig)), orig, err)
		}
	}
}

// SigningVector is a platform's example of a signed request
// (Protocols/*-signing-vector.json): the headers it carried, its
// timestamp and body, and the key and signature under the names each
// platform's file uses.
type SigningVector struct {
	Headers   map[string]string `json:"headers"`
	Timestamp string            `json:"timestamp"`
	Body      string            `json:"body"`
	// Slack's: the signing secret and the X-Slack-Signature value.
	Secret    string `json:"signing_secret"`
	Signature string `json:"expected_signature"`
	// Discord's: the application's public key and the signature, hex.
	PublicKey    string `json:"public_key_hex"`
	SignatureHex string `json:"expected_signature_hex"`
}

// LoadVector reads the signing vector in the fixture name.
func LoadVector(t testing.TB, name string) SigningVector {
	t.Helper()
	var v SigningVector
	if err := json.Unmarshal(Fixture(t, name), &v); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return v
}

// Header is a fresh copy of the headers the vector's request carried.
func (v SigningVector) Header() http.Header {
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	return h
}
