package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/config/configtest"
)

// TestServeFollowsReindex: serve answers from a persisted index and
// picks up what a later `citebot index` swaps in, without a restart.
func TestServeFollowsReindex(t *testing.T) {
	dir := configtest.Isolate(t)
	corpus, ix := filepath.Join(dir, "news"), filepath.Join(dir, "index")
	write := func(name, text string) {
		if err := os.MkdirAll(corpus, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(corpus, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index := func() {
		if err := run(context.Background(), []string{"index", "--corpus", corpus, "--index", ix}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	write("ferry.txt", "Ferry timetable\n\nThe harbor ferry will run every 20 minutes from June.\n")
	index()
	base, logs, _ := startServe(t, "--index", ix)
	if _, b := httpDo(t, "GET", base+"/api/sources", ""); strings.Contains(string(b), "Library hours") {
		t.Fatalf("the new document is there before it was indexed: %s", b)
	}
	write("library.txt", "Library hours\n\nThe central library will open on Sundays from May.\n")
	index()
	deadline := time.Now().Add(time.Minute)
	for {
		_, b := httpDo(t, "GET", base+"/api/sources", "")
		if strings.Contains(string(b), "Library hours") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve still answers from the old index a minute after the re-index: %s\n%s", b, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
