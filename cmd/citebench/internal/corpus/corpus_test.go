package corpus

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
)

func seedDocs(t *testing.T) []citebot.Document {
	t.Helper()
	docs, err := citebot.Seeds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// Scaled corpora are repeatable, keep the originals, reach the size asked
// for, and are made of the pool's real sentences.
func TestAssemble(t *testing.T) {
	docs := seedDocs(t)
	a := Assemble(docs, docs, 600, 7)
	if b := Assemble(docs, docs, 600, 7); !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with one seed differ")
	}
	if c := Assemble(docs, docs, 600, 8); reflect.DeepEqual(a, c) {
		t.Error("another seed gives the same corpus")
	}
	if !reflect.DeepEqual(a[:len(docs)], docs) {
		t.Error("the original documents are not kept as they are")
	}
	n := 0
	for _, c := range SegmentCounts(a) {
		n += c
	}
	if n < 570 || n > 630 {
		t.Errorf("%d passages; want about 600", n)
	}
	var pool []string
	for _, d := range docs {
		for _, p := range citebot.Segment(d.Text) {
			for _, s := range p.Sentences {
				pool = append(pool, d.Text[s.Start:s.End])
			}
		}
	}
	for _, d := range a[len(docs):] {
		if !strings.HasPrefix(d.ID, "assembled-") || d.Title == "" {
			t.Fatalf("assembled document %q titled %q", d.ID, d.Title)
		}
		// Removing every pool sentence leaves only the separators.
		rest := d.Text
		for _, s := range pool {
			rest = strings.ReplaceAll(rest, s, "")
		}
		if strings.TrimSpace(rest) != "" {
			t.Fatalf("%s holds text that is no pool sentence: %q", d.ID, strings.TrimSpace(rest)[:min(80, len(strings.TrimSpace(rest)))])
		}
	}
	if got := Assemble(docs, docs, 10, 7); len(got) != len(docs) {
		t.Errorf("a target below the originals added %d documents", len(got)-len(docs))
	}
}

func TestParseSizes(t *testing.T) {
	got, err := ParseSizes("squad, covid,100k,1M,2500")
	if err != nil {
		t.Fatal(err)
	}
	want := []Size{{Name: "squad"}, {Name: "covid"}, {Name: "100k", Target: 100000}, {Name: "1m", Target: 1000000}, {Name: "2500", Target: 2500}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v; want %+v", got, want)
	}
	for _, bad := range []string{"", "big", "-5k", "0", "10001m"} {
		if _, err := ParseSizes(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSampleIsStable(t *testing.T) {
	var qs []Question
	for i := range 100 {
		qs = append(qs, Question{ID: string(rune('a' + i%26)), Question: strings.Repeat("q", i+1)})
	}
	a, b := Sample(qs, 10, 1), Sample(qs, 10, 1)
	if len(a) != 10 || !reflect.DeepEqual(a, b) {
		t.Fatalf("samples differ or have the wrong size: %d, %d", len(a), len(b))
	}
	for i := 1; i < len(a); i++ {
		if len(a[i].Question) <= len(a[i-1].Question) {
			t.Fatal("sample is not in the original order")
		}
	}
	if got := Sample(qs, 0, 1); len(got) != 100 {
		t.Errorf("sample 0 kept %d; want all", len(got))
	}
}

// A quote is right when it contains a gold answer, or, for a question
// with a gold span (COVID-QA), when it overlaps that span in its
// document.
func TestRight(t *testing.T) {
	squad := Question{Golds: []string{"7,500"}}
	if !squad.Right(Quote{Text: "The cap was 7,500 refugees."}) || squad.Right(Quote{Text: "The cap was lowered."}) {
		t.Error("SQuAD judging")
	}
	covid := Question{Golds: []string{"x"}, Doc: "d", Span: citebot.Span{Start: 100, End: 120}}
	for _, c := range []struct {
		q    Quote
		want bool
	}{
		{Quote{Doc: "d", Span: citebot.Span{Start: 90, End: 101}}, true},
		{Quote{Doc: "d", Span: citebot.Span{Start: 119, End: 200}}, true},
		{Quote{Doc: "d", Span: citebot.Span{Start: 80, End: 100}}, false},
		{Quote{Doc: "e", Span: citebot.Span{Start: 100, End: 120}, Text: "x"}, false},
	} {
		if got := covid.Right(c.q); got != c.want {
			t.Errorf("%+v: %v; want %v", c.q, got, c.want)
		}
	}
}

// What WriteGob writes, ReadGob reads back as it was.
func TestGobRoundTrip(t *testing.T) {
	path := t.TempDir() + "/qs.gob"
	want := []Question{{ID: "a", Question: "Who?", Golds: []string{"x"}, Doc: "d", Span: citebot.Span{Start: 1, End: 2}}}
	if err := WriteGob(path, want); err != nil {
		t.Fatal(err)
	}
	var got []Question
	if err := ReadGob(path, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %+v; want %+v", got, want)
	}
	if err := ReadGob(t.TempDir()+"/missing.gob", &got); err == nil {
		t.Error("reading a missing file succeeded")
	}
}
