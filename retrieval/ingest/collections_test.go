package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

// collectionCorpora writes two corpus folders: "public" and "desk", whose
// embargoed story is the only one that answers the test question.
func collectionCorpora(t *testing.T) []Corpus {
	t.Helper()
	root := t.TempDir()
	ingesttest.WriteFile(t, filepath.Join(root, "public", "parks.txt"), []byte("Parks department opens new playground\n\nThe parks department opened a playground on Elm Street on Saturday. The mayor attended the opening.\n"))
	ingesttest.WriteFile(t, filepath.Join(root, "public", "parking.txt"), []byte("Hospital raises parking fees\n\nThe hospital board voted to raise parking fees at St. Mary's Hospital by a dollar, a statement said.\n"))
	ingesttest.WriteFile(t, filepath.Join(root, "public", "roads.txt"), []byte("Road repairs start on Main Street\n\nCrews began resurfacing Main Street on Monday, the public works director said.\n"))
	ingesttest.WriteFile(t, filepath.Join(root, "embargoed", "merger.txt"), []byte("Hospital merger agreed\n\nSt. Agnes Hospital will merge with Lakeview Medical Center in a deal worth $310 million, the hospital's board said in a statement under embargo.\n"))
	return []Corpus{
		{Dir: filepath.Join(root, "public")},
		{Dir: filepath.Join(root, "embargoed"), Collection: "desk"},
	}
}

// TestCollectionsFromFolders: each corpus folder is a collection, named
// after the folder unless named explicitly.
func TestCollectionsFromFolders(t *testing.T) {
	docs, errs := LoadCorpora(context.Background(), collectionCorpora(t), nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]string{}
	for _, d := range docs {
		got[d.ID] = d.Collection
	}
	want := map[string]string{"parks": "public", "parking": "public", "roads": "public", "merger": "desk"}
	for id, c := range want {
		if got[id] != c {
			t.Errorf("%s in collection %q; want %q", id, got[id], c)
		}
	}
}

// TestWatchDebounced: Watch reacts to changes anywhere under its folders,
// including folders created after it started, and ignores scratch files.
func TestWatchDebounced(t *testing.T) {
	dir := t.TempDir()
	ingesttest.WriteFile(t, filepath.Join(dir, "a.txt"), []byte("one"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan struct{}, 100)
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, []string{dir}, 50*time.Millisecond, func(context.Context) { changes <- struct{}{} })
	}()
	// Give the watcher a moment to start, then change files until it
	// reacts (a change made before it watches would go unseen).
	waitChange := func(what string, change func(i int)) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			change(i)
			select {
			case <-changes:
				return
			case <-tick.C:
			case <-deadline:
				t.Fatalf("no change seen after %s", what)
			}
		}
	}
	waitChange("writing a file", func(i int) {
		ingesttest.WriteFile(t, filepath.Join(dir, "a.txt"), []byte(strings.Repeat("x", i+2)))
	})
	drain(changes)
	waitChange("creating a subfolder with a file", func(i int) {
		ingesttest.WriteFile(t, filepath.Join(dir, "sub", "deeper", "b.txt"), []byte(strings.Repeat("y", i+1)))
	})
	drain(changes)
	waitChange("writing in the new subfolder", func(i int) {
		ingesttest.WriteFile(t, filepath.Join(dir, "sub", "deeper", "c.txt"), []byte(strings.Repeat("z", i+1)))
	})
	drain(changes)
	waitChange("removing a file", func(i int) {
		if i == 0 {
			os.Remove(filepath.Join(dir, "a.txt"))
		} else {
			ingesttest.WriteFile(t, filepath.Join(dir, "d.txt"), []byte("d"))
		}
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch returned %v", err)
	}
}

func drain(ch chan struct{}) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// TestIgnoredNames: editor scratch and hidden files do not trigger work.
func TestIgnoredNames(t *testing.T) {
	for name, want := range map[string]bool{".a.txt.swp": true, "a.txt~": true, ".DS_Store": true, "#a.txt#": true, "a.txt": false, "report.pdf": false} {
		if ignoredName(name) != want {
			t.Errorf("ignoredName(%q) = %v; want %v", name, !want, want)
		}
	}
}
