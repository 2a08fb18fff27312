package plot

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestLatency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "latency.png")
	series := []Series{
		{System: "citebot", Label: "citebot p50", Points: []Point{{2000, 2}, {100000, 4}}},
		{System: "bleve", Label: "raw Bleve p99", Dashed: true, Points: []Point{{2000, 0.1}, {100000, 2}}},
	}
	if err := Latency(path, series, []Label{{Point{100000, 4}, "100k"}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
		t.Errorf("plot is %v", b)
	}
	empty := filepath.Join(t.TempDir(), "none.png")
	if err := Latency(empty, []Series{{System: "fts5", Points: []Point{{0, 3}}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Errorf("a plot with nothing measured was written: %v", err)
	}
}
