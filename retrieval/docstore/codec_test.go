package docstore

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/text"
)

func sampleDoc() *retrieval.IndexedDoc {
	return text.IndexDocument(retrieval.Document{
		ID: "reports/water", Collection: "metro", Source: "reports/water.pdf",
		Metadata: retrieval.Metadata{Title: "Water report", Publisher: "Utility", Author: "Ana Ruiz", Date: "2025-03-04", URL: "https://example.org/w"},
		Text:     "page one says 7,500 samples were taken.\n\npage two: Cedar Lake cut costs by 18 percent.",
		Pages:    []retrieval.Span{{Start: 0, End: 39}, {Start: 41, End: 86}},
	})
}

// Encode and Decode keep everything a backend stores: metadata, text,
// pages, passages, sentences and tokens.
func TestCodecRoundTrip(t *testing.T) {
	d := sampleDoc()
	got, err := Decode(Encode(d))
	if err != nil {
		t.Fatal(err)
	}
	if got.Document.Source != d.Document.Source || got.Metadata != d.Metadata || got.Collection != d.Collection ||
		got.Text != d.Text || got.Hash != d.Hash || !reflect.DeepEqual(got.Pages, d.Pages) || !reflect.DeepEqual(got.Passages, d.Passages) {
		t.Errorf("decoded %+v\nwant %+v", got, d)
	}
	for off, want := range map[int]int{0: 1, 38: 1, 39: 0, 41: 2, 85: 2, 86: 0} {
		if p := got.PageAt(off); p != want {
			t.Errorf("PageAt(%d) = %d; want %d", off, p, want)
		}
	}
	hash, src, err := DecodeListing(EncodeListing(d))
	if err != nil || hash != d.Hash || src != d.Source() {
		t.Errorf("listing %q %+v %v; want %q %+v", hash, src, err, d.Hash, d.Source())
	}
}

// A record of another format version, a truncated record and one whose
// offsets point outside its text are refused, never decoded into spans
// that would cut quotes out of range.
func TestCodecRefusesBadRecords(t *testing.T) {
	good := Encode(sampleDoc())
	other := append([]byte{2}, good[1:]...)
	if _, err := Decode(other); err == nil || !strings.Contains(err.Error(), "rebuild") {
		t.Errorf("version 2 record: %v; want an error saying to rebuild", err)
	}
	for n := 1; n < len(good); n += max(1, len(good)/50) {
		if _, err := Decode(good[:n]); err == nil {
			t.Fatalf("a record cut at %d of %d bytes decoded", n, len(good))
		}
	}
	d := sampleDoc()
	d.Passages[0].Tokens[0].End = len(d.Text) + 5
	if _, err := Decode(Encode(d)); err == nil {
		t.Error("a token outside the text decoded")
	}
	d = sampleDoc()
	d.Passages[1].Sentences[0].End = len(d.Text) + 1
	if _, err := Decode(Encode(d)); err == nil {
		t.Error("a sentence outside the text decoded")
	}
}

// Memory and Bolt stores behave alike: get what was put, list in id
// order without texts, forget what was deleted.
func TestStores(t *testing.T) {
	bolt, err := OpenBolt(filepath.Join(t.TempDir(), "docs.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]Store{"memory": NewMemory(), "bolt": bolt} {
		t.Run(name, func(t *testing.T) {
			defer st.Close()
			a := sampleDoc()
			b := text.IndexDocument(retrieval.Document{ID: "a-first", Text: "Another story."})
			if err := st.Put(a, b); err != nil {
				t.Fatal(err)
			}
			got, err := st.Get(a.ID)
			if err != nil || got.Text != a.Text || !reflect.DeepEqual(got.Passages, a.Passages) {
				t.Fatalf("Get = %v, %v", got, err)
			}
			var ids []string
			if err := st.Each(func(id, hash string, src retrieval.Source) error {
				ids = append(ids, id)
				if src.ID != id || src.Bytes == 0 || src.Passages == 0 {
					t.Errorf("listing of %s: %+v", id, src)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids, []string{"a-first", "reports/water"}) {
				t.Errorf("Each listed %v", ids)
			}
			if err := st.Delete(a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Get(a.ID); !errors.Is(err, retrieval.ErrNoDocument) {
				t.Errorf("Get after Delete: %v; want ErrNoDocument", err)
			}
		})
	}
}
