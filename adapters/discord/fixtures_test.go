package discord_test

import (
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
)

// TestFixturesMatchShared checks the copies under testdata/protocols
// against the shared originals, when the shared folder is there.
func TestFixturesMatchShared(t *testing.T) { adaptertest.FixturesMatchShared(t, "discord-*") }
