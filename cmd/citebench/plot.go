package main

import (
	"fmt"
	"image/color"
	"sort"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotLatency draws answer latency against corpus size, both on log
// scales: p50 solid and p99 dashed, one colour per system.
func plotLatency(path string, sizes []*sizeResult) error {
	sorted := make([]*sizeResult, 0, len(sizes))
	for _, r := range sizes {
		if r.Passages > 0 {
			sorted = append(sorted, r)
		}
	}
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].Passages < sorted[b].Passages })

	p := plot.New()
	p.Title.Text = "Answer latency against corpus size"
	p.X.Label.Text = "passages in the corpus"
	p.Y.Label.Text = "latency of one question (ms)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())

	systems := []struct {
		name  string
		color color.Color
		get   func(r *sizeResult) systemResult
	}{
		{"citebot (full answer)", color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, func(r *sizeResult) systemResult { return r.Citebot }},
		{"raw Bleve match query", color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, func(r *sizeResult) systemResult { return r.Bleve }},
		{"SQLite FTS5 bm25", color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, func(r *sizeResult) systemResult { return r.FTS }},
	}
	pcts := []struct {
		name   string
		dashes []vg.Length
		get    func(p *phaseResult) time.Duration
	}{
		{"p50", nil, func(p *phaseResult) time.Duration { return p.P50 }},
		{"p99", []vg.Length{vg.Points(5), vg.Points(3)}, func(p *phaseResult) time.Duration { return p.P99 }},
	}
	lines := 0
	for _, s := range systems {
		for _, pc := range pcts {
			var xys plotter.XYs
			for _, r := range sorted {
				ask := s.get(r).Ask
				if ask == nil || pc.get(ask) <= 0 {
					continue
				}
				xys = append(xys, plotter.XY{X: float64(r.Passages), Y: float64(pc.get(ask)) / 1e6})
			}
			if len(xys) == 0 {
				continue
			}
			l, sc, err := plotter.NewLinePoints(xys)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			l.Color, l.Width, l.Dashes = s.color, vg.Points(1.5), pc.dashes
			sc.Color, sc.Shape = s.color, draw.CircleGlyph{}
			p.Add(l, sc)
			p.Legend.Add(s.name+" "+pc.name, l, sc)
			lines++
		}
	}
	if lines == 0 {
		return nil // nothing measured to draw
	}
	for _, r := range sorted {
		if r.Citebot.Ask == nil || r.Citebot.Ask.P99 <= 0 {
			continue
		}
		lbl, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    plotter.XYs{{X: float64(r.Passages), Y: float64(r.Citebot.Ask.P99) / 1e6}},
			Labels: []string{" " + r.Name},
		})
		if err == nil {
			p.Add(lbl)
		}
	}
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}
