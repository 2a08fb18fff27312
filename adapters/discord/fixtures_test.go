package discord_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// shared is where the project's shared inputs live beside the repository.
const shared = "../../../shared/protocols/fixtures"

// TestFixturesMatchShared checks the copies under testdata/protocols
// against the shared originals, when the shared folder is there.
func TestFixturesMatchShared(t *testing.T) {
	originals, err := filepath.Glob(filepath.Join(shared, "discord-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(originals) == 0 {
		if _, err := os.Stat(shared); errors.Is(err, fs.ErrNotExist) {
			t.Skipf("%s is not beside this checkout; the tests use the copies in %s", shared, protocols)
		}
		t.Fatalf("no discord-* fixtures in %s", shared)
	}
	for _, orig := range originals {
		want, err := os.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(protocols, filepath.Base(orig)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (or is missing: %v); copy it again", filepath.Join(protocols, filepath.Base(orig)), orig, err)
		}
	}
}
