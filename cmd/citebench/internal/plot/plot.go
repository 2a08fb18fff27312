// Package plot draws citebench's latency-against-corpus-size chart (a
// PNG, with gonum/plot): one colour per system, p50 solid and p99
// dashed, both axes on log scales.
package plot

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is one measured corpus: its passages and latency in
// milliseconds.
type Point struct {
	Passages float64
	Ms       float64
}

// Series is one system's latency at one percentile over the corpora.
type Series struct {
	System string // a colour per system
	Label  string // in the legend
	Dashed bool
	Points []Point
}

// Label marks a point with a name (the corpus).
type Label struct {
	Point
	Text string
}

// systemColors are the systems' colours; others are grey.
var systemColors = map[string]color.Color{
	"citebot": color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	"bleve":   color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	"fts5":    color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
}

// Latency draws the series and labels to path. It writes nothing and
// returns nil when no series has a point.
func Latency(path string, series []Series, labels []Label) error {
	p := plot.New()
	p.Title.Text = "Answer latency against corpus size"
	p.X.Label.Text = "passages in the corpus"
	p.Y.Label.Text = "latency of one question (ms)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	lines := 0
	for _, s := range series {
		var xys plotter.XYs
		for _, pt := range s.Points {
			if pt.Passages > 0 && pt.Ms > 0 {
				xys = append(xys, plotter.XY{X: pt.Passages, Y: pt.Ms})
			}
		}
		if len(xys) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(xys)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		c, ok := systemColors[s.System]
		if !ok {
			c = color.Gray{Y: 0x80}
		}
		l.Color, l.Width = c, vg.Points(1.5)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		sc.Color, sc.Shape = c, draw.CircleGlyph{}
		p.Add(l, sc)
		p.Legend.Add(s.Label, l, sc)
		lines++
	}
	if lines == 0 {
		return nil // nothing measured to draw
	}
	for _, lb := range labels {
		if lb.Passages <= 0 || lb.Ms <= 0 {
			continue
		}
		l, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    plotter.XYs{{X: lb.Passages, Y: lb.Ms}},
			Labels: []string{" " + lb.Text},
		})
		if err == nil {
			p.Add(l)
		}
	}
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}
