package retrieval

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestMemoMakesOncePerKey: every caller of a key gets the value the first
// made, from any goroutine; another key gets its own.
func TestMemoMakesOncePerKey(t *testing.T) {
	d := &IndexedDoc{}
	type key struct{ n int }
	var made atomic.Int32
	var wg sync.WaitGroup
	got := make([]any, 16)
	for i := range got {
		wg.Go(func() {
			got[i] = d.Memo(key{1}, func() any { return new(int(made.Add(1))) })
		})
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("made %d times, want once", made.Load())
	}
	for i, v := range got {
		if v != got[0] {
			t.Fatalf("caller %d got another value", i)
		}
	}
	if other := d.Memo(key{2}, func() any { return "two" }); other != "two" {
		t.Errorf("second key gave %v", other)
	}
}
