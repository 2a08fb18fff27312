package retrieval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// collectionCorpora writes two corpus folders: "public" and "desk", whose
// embargoed story is the only one that answers the test question.
func collectionCorpora(t *testing.T) []Corpus {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "public", "parks.txt"), []byte("Parks department opens new playground\n\nThe parks department opened a playground on Elm Street on Saturday. The mayor attended the opening.\n"))
	writeFile(t, filepath.Join(root, "public", "parking.txt"), []byte("Hospital raises parking fees\n\nThe hospital board voted to raise parking fees at St. Mary's Hospital by a dollar, a statement said.\n"))
	writeFile(t, filepath.Join(root, "public", "roads.txt"), []byte("Road repairs start on Main Street\n\nCrews began resurfacing Main Street on Monday, the public works director said.\n"))
	writeFile(t, filepath.Join(root, "embargoed", "merger.txt"), []byte("Hospital merger agreed\n\nSt. Agnes Hospital will merge with Lakeview Medical Center in a deal worth $310 million, the hospital's board said in a statement under embargo.\n"))
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

// TestCollectionFilterNeverLeaks: a question asked where a collection is
// not allowed never sees its passages, not in citations, not in the
// closest passages, not in the short answer, even when the forbidden
// collection holds the only answer.
func TestCollectionFilterNeverLeaks(t *testing.T) {
	ctx := context.Background()
	docs, _ := LoadCorpora(ctx, collectionCorpora(t), nil)
	ix, err := NewMemoryIndex(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	questions := []string{
		"Which hospital will St. Agnes Hospital merge with?",
		"How much is the hospital merger worth?",
		"merger Lakeview embargo statement board",
		"Who wrote the hospital merger story?",
	}
	// Allowed everywhere, the answer comes from the desk: the test can
	// tell a leak from a miss.
	a, err := ix.Ask(ctx, questions[0], AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || a.Citations[0].Doc != "merger" || a.Citations[0].Collection != "desk" {
		t.Fatalf("unfiltered answer %+v; want the desk's merger story", a)
	}
	secret := []string{"merger", "Lakeview", "St. Agnes", "$310 million", "embargo"}
	offered := 0 // filtered answers that offered public passages
	for _, q := range questions {
		for _, top := range []int{1, 3, MaxTop} {
			a, err := ix.Ask(ctx, q, AskOptions{Top: top, Filter: Filter{Collections: []string{"public"}}})
			if err != nil {
				t.Fatal(err)
			}
			offered += len(a.Citations) + len(a.Closest)
			for _, c := range append(slices.Clone(a.Citations), a.Closest...) {
				if c.Collection != "public" || c.Doc == "merger" {
					t.Errorf("%q (top %d) cites %s from %q", q, top, c.Doc, c.Collection)
				}
			}
			// Nothing of the embargoed text that the question did not
			// itself say appears anywhere in the answer.
			a.Question = ""
			b, _ := json.Marshal(a)
			for _, s := range secret {
				if strings.Contains(strings.ToLower(q), strings.ToLower(s)) {
					continue
				}
				if strings.Contains(strings.ToLower(string(b)), strings.ToLower(s)) {
					t.Errorf("%q (top %d): the answer mentions %q: %s", q, top, s, b)
				}
			}
		}
	}
	// The public hospital story is close to these questions: the filter
	// must have had something to offer, or the test proves nothing.
	if offered == 0 {
		t.Error("no filtered question offered any public passage")
	}
	// The desk sees its story.
	a, err = ix.Ask(ctx, questions[0], AskOptions{Filter: Filter{Collections: []string{"desk"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || a.Citations[0].Doc != "merger" {
		t.Errorf("desk answer %+v", a)
	}
	// A collection that does not exist sees nothing.
	a, err = ix.Ask(ctx, questions[0], AskOptions{Filter: Filter{Collections: []string{"nope"}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Answered || len(a.Closest) > 0 {
		t.Errorf("unknown collection answer %+v", a)
	}
}

// TestWatchDebounced: Watch reacts to changes anywhere under its folders,
// including folders created after it started, and ignores scratch files.
func TestWatchDebounced(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("one"))
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
		writeFile(t, filepath.Join(dir, "a.txt"), []byte(strings.Repeat("x", i+2)))
	})
	drain(changes)
	waitChange("creating a subfolder with a file", func(i int) {
		writeFile(t, filepath.Join(dir, "sub", "deeper", "b.txt"), []byte(strings.Repeat("y", i+1)))
	})
	drain(changes)
	waitChange("writing in the new subfolder", func(i int) {
		writeFile(t, filepath.Join(dir, "sub", "deeper", "c.txt"), []byte(strings.Repeat("z", i+1)))
	})
	drain(changes)
	waitChange("removing a file", func(i int) {
		if i == 0 {
			os.Remove(filepath.Join(dir, "a.txt"))
		} else {
			writeFile(t, filepath.Join(dir, "d.txt"), []byte("d"))
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

// TestLiveFollow: a server's Live follows generations another process
// swaps into the index folder.
func TestLiveFollow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "index")
	docs := []Document{{ID: "a", Text: "First story."}}
	if _, err := Update(ctx, path, docs, nil); err != nil {
		t.Fatal(err)
	}
	live, err := OpenLive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	done := make(chan error, 1)
	go func() { done <- live.Follow(ctx, 50*time.Millisecond) }()
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		docs = append(docs, Document{ID: "n" + strings.Repeat("x", i), Text: "Another story."})
		st, err := Update(ctx, path, docs, nil)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if live.Generation() == st.Gen {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Live serves %s; the index is at %s", live.Generation(), st.Gen)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow returned %v", err)
	}
}
