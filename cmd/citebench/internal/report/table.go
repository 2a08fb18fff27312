// Package report is what a benchmark run produces: results.json, the
// Markdown tables (one per corpus, the load test, the targets and how
// latency grows with the corpus; printed as they are, so they can be
// pasted into BENCHMARKS.md), table.md and the latency plot; and Merge,
// which joins the results of separate runs into one report.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/machine"
	"github.com/citebot/citebot/cmd/citebench/internal/phase"
	"github.com/citebot/citebot/cmd/citebench/internal/plot"
	"github.com/citebot/citebot/cmd/citebench/internal/stats"
)

// Report is a whole run, as written to results.json.
type Report struct {
	Started time.Time       `json:"started"`
	Machine machine.Info    `json:"machine"`
	Command string          `json:"command"`
	Sizes   []*Size         `json:"sizes"`
	Load    *load.AskResult `json:"load,omitempty"`
}

// Size is everything measured on one corpus.
type Size struct {
	Name      string `json:"name"`
	How       string `json:"how"`
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
	Questions int    `json:"questions"`

	Citebot       System          `json:"citebot"`
	Bleve         System          `json:"bleve"`
	FTS           System          `json:"fts5"`
	StartupMedian time.Duration   `json:"startup_median_ns,omitempty"`
	StartupRuns   []time.Duration `json:"startup_runs_ns,omitempty"`
	WallSeconds   float64         `json:"wall_seconds"`
}

// System pairs a system's indexing and asking phases.
type System struct {
	Index *phase.Result `json:"index"`
	Ask   *phase.Result `json:"ask"`
}

// WriteSize prints one corpus's table: a row per measure, a column
// per system, and citebot's ratio to each baseline.
func WriteSize(w io.Writer, r *Size) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n### %s — %s documents, %s passages, %s questions\n\n%s.\n\n",
		r.Name, stats.Thousands(r.Documents), stats.Thousands(r.Passages), stats.Thousands(r.Questions), r.How)
	for _, p := range []*phase.Result{r.Citebot.Index, r.Citebot.Ask} {
		if p != nil && p.Runs > 1 {
			fmt.Fprintf(&b, "Each figure is the median of %d runs of its phase.\n\n", p.Runs)
			break
		}
	}
	b.WriteString("| | citebot | raw Bleve | SQLite FTS5 | citebot / Bleve | citebot / FTS5 |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|\n")
	type get func(s System) float64
	row := func(name string, f get, format func(float64) string, ratio func(a, b float64) string) {
		c, bl, ft := f(r.Citebot), f(r.Bleve), f(r.FTS)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", name, format(c), format(bl), format(ft), ratio(c, bl), ratio(c, ft))
	}
	idx := func(f func(*phase.Result) float64) get {
		return func(s System) float64 {
			if s.Index == nil {
				return 0
			}
			return f(s.Index)
		}
	}
	ask := func(f func(*phase.Result) float64) get {
		return func(s System) float64 {
			if s.Ask == nil {
				return 0
			}
			return f(s.Ask)
		}
	}
	dur := func(d time.Duration) float64 { return float64(d) }
	row("index: passages/s", idx(func(p *phase.Result) float64 { return p.PassagesPerSec() }), stats.Count, stats.Times)
	row("index: passages per CPU-second", idx(func(p *phase.Result) float64 { return p.PassagesPerCPUSec() }), stats.Count, stats.Times)
	row("index: time", idx(func(p *phase.Result) float64 { return p.IndexSeconds * 1e9 }), stats.Nanoseconds, stats.Times)
	row("index: size on disk", idx(func(p *phase.Result) float64 { return float64(p.DiskBytes) }), stats.ByteSize, stats.Times)
	row("index: peak RSS", idx(func(p *phase.Result) float64 { return float64(p.PeakRSS) }), stats.ByteSize, stats.Times)
	row("answer p50", ask(func(p *phase.Result) float64 { return dur(p.P50) }), stats.Nanoseconds, stats.Times)
	row("answer p90", ask(func(p *phase.Result) float64 { return dur(p.P90) }), stats.Nanoseconds, stats.Times)
	row("answer p99", ask(func(p *phase.Result) float64 { return dur(p.P99) }), stats.Nanoseconds, stats.Times)
	row("answers/s, 1 core", ask(func(p *phase.Result) float64 { return p.PerSec1 }), stats.Count, stats.Times)
	row("answers/s, 2 cores", ask(func(p *phase.Result) float64 { return p.PerSec2 }), stats.Count, stats.Times)
	row("ask: peak RSS", ask(func(p *phase.Result) float64 { return float64(p.PeakRSS) }), stats.ByteSize, stats.Times)
	startup := "–"
	if r.StartupMedian > 0 {
		startup = stats.Nanoseconds(float64(r.StartupMedian))
	}
	fmt.Fprintf(&b, "| start-up to first answer, persisted index (median of %d) | %s | | | | |\n", len(r.StartupRuns), startup)
	loadAvg := func(x float64) string {
		if x <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f", x)
	}
	none := func(a, b float64) string { return "" }
	row("machine load average at the end of indexing", idx(func(p *phase.Result) float64 { return p.Load }), loadAvg, none)
	row("machine load average at the end of asking", ask(func(p *phase.Result) float64 { return p.Load }), loadAvg, none)
	q := float64(max(1, r.Questions))
	// Quality 0% is a result, so a system not measured is NaN ("–").
	quality := func(f func(*phase.Result) float64) get {
		return func(s System) float64 {
			if s.Ask == nil {
				return math.NaN()
			}
			return f(s.Ask)
		}
	}
	row("quote@1", quality(func(p *phase.Result) float64 { return 100 * float64(p.At1) / q }), stats.Percent, stats.Points)
	row("quote@5", quality(func(p *phase.Result) float64 { return 100 * float64(p.At5) / q }), stats.Percent, stats.Points)
	if r.Citebot.Ask != nil {
		fmt.Fprintf(&b, "\ncitebot answered %s of %s questions and declined the rest (a decline has no quote, so it counts as a miss above).\n",
			stats.Thousands(r.Citebot.Ask.Answered), stats.Thousands(r.Questions))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteLoad prints the HTTP load test.
func WriteLoad(w io.Writer, l *load.AskResult) error {
	_, err := fmt.Fprintf(w, "\n### POST /api/ask under load\n\n%s; load from a separate process on loopback, "+
		"%d clients over keep-alive connections, %s requests after a warm-up.\n\n"+
		"| answers/s | server CPU per answer | p50 | p90 | p99 | max | errors | answered / declined |\n|--:|--:|--:|--:|--:|--:|--:|--:|\n"+
		"| %s | %s | %s | %s | %s | %s | %d | %s / %s |\n",
		l.Server, l.Clients, stats.Thousands(l.Requests), stats.Count(l.PerSec), cpuPerAnswer(l), stats.FormatDuration(l.P50), stats.FormatDuration(l.P90), stats.FormatDuration(l.P99), stats.FormatDuration(l.Max),
		l.Errors, stats.Thousands(l.Answered), stats.Thousands(l.OK-l.Answered))
	if err == nil && l.ServerCPUSeconds > 0 {
		_, err = fmt.Fprintf(w, "\nThe server used %.2f CPU-seconds for the %s answers (%s answers per CPU-second; two cores give at most twice that, "+
			"less what the load generator, %.2f CPU-seconds, and anything else running takes).\n",
			l.ServerCPUSeconds, stats.Thousands(l.OK), stats.Count(float64(l.OK)/l.ServerCPUSeconds), l.LoadCPUSeconds)
	}
	return err
}

// cpuPerAnswer is the server's CPU time per answer, "–" when unknown.
func cpuPerAnswer(l *load.AskResult) string {
	if l.ServerCPUPerAnswer <= 0 {
		return "–"
	}
	return stats.FormatDuration(l.ServerCPUPerAnswer)
}

// WriteSummary prints the targets against what was measured, and
// how cost grows with the corpus.
func WriteSummary(w io.Writer, rep *Report) error {
	var b bytes.Buffer
	b.WriteString("\n### Targets\n\n| target | measured | met |\n|---|---|---|\n")
	target := func(name, measured string, ok bool, known bool) {
		verdict := "no"
		switch {
		case !known:
			verdict, measured = "not measured", "–"
		case ok:
			verdict = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, measured, verdict)
	}
	size := func(name string) *Size {
		for _, r := range rep.Sizes {
			if r.Name == name {
				return r
			}
		}
		return nil
	}
	// p50 against the raw Bleve query: ≤ 3× at SQuAD size, ≤ 1.5× at 1m.
	p50 := func(name string, limit float64) {
		title := fmt.Sprintf("answer p50 ≤ %g× the raw Bleve query at %s", limit, name)
		r := size(name)
		if r == nil || r.Citebot.Ask == nil || r.Bleve.Ask == nil || r.Bleve.Ask.P50 <= 0 {
			target(title, "", false, false)
			return
		}
		x := float64(r.Citebot.Ask.P50) / float64(r.Bleve.Ask.P50)
		target(title, fmt.Sprintf("%.2f× (%s against %s)", x, stats.FormatDuration(r.Citebot.Ask.P50), stats.FormatDuration(r.Bleve.Ask.P50)), x <= limit, true)
	}
	p50("squad", 3)
	p50("1m", 1.5)
	// Throughput on one core against both peers at SQuAD size (the
	// phase's in-process answers/s; the issue states it for a batch
	// `citebot ask`, which BENCHMARKS.md times as a whole process).
	const perSecTitle = "answers/s on 1 core at squad ≥ 0.5× the raw Bleve query's and ≥ 3× FTS5's"
	if r := size("squad"); r != nil && r.Citebot.Ask != nil && r.Bleve.Ask != nil && r.FTS.Ask != nil && r.Bleve.Ask.PerSec1 > 0 && r.FTS.Ask.PerSec1 > 0 {
		xb, xf := r.Citebot.Ask.PerSec1/r.Bleve.Ask.PerSec1, r.Citebot.Ask.PerSec1/r.FTS.Ask.PerSec1
		target(perSecTitle, fmt.Sprintf("%.2f× and %.2f× (%s against %s and %s)", xb, xf, stats.Count(r.Citebot.Ask.PerSec1),
			stats.Count(r.Bleve.Ask.PerSec1), stats.Count(r.FTS.Ask.PerSec1)), xb >= 0.5 && xf >= 3, true)
	} else {
		target(perSecTitle, "", false, false)
	}
	if r := size("1m"); r != nil && r.Citebot.Ask != nil && r.Bleve.Ask != nil && r.Bleve.Ask.P99 > 0 {
		x := float64(r.Citebot.Ask.P99) / float64(r.Bleve.Ask.P99)
		target("answer p99 ≤ 1.5× the raw Bleve query's at 1m", fmt.Sprintf("%.2f×", x), x <= 1.5, true)
	} else {
		target("answer p99 ≤ 1.5× the raw Bleve query's at 1m", "", false, false)
	}
	// Two cores against one, and indexing against raw Bleve, per corpus.
	var scale, idxs []string
	scaleOK, idxOK := true, true
	for _, r := range rep.Sizes {
		if a := r.Citebot.Ask; a != nil && a.PerSec1 > 0 && a.PerSec2 > 0 {
			x := a.PerSec2 / a.PerSec1
			scale = append(scale, fmt.Sprintf("%s %.2f×", r.Name, x))
			scaleOK = scaleOK && x >= 1.7
		}
		if r.Name != "squad" && r.Name != "100k" {
			continue
		}
		if r.Citebot.Index != nil && r.Bleve.Index != nil && r.Bleve.Index.PassagesPerSec() > 0 {
			x := r.Citebot.Index.PassagesPerSec() / r.Bleve.Index.PassagesPerSec()
			m := fmt.Sprintf("%s %.2f×", r.Name, x)
			if c, b := r.Citebot.Index.PassagesPerCPUSec(), r.Bleve.Index.PassagesPerCPUSec(); c > 0 && b > 0 {
				m += fmt.Sprintf(" (per CPU-second %.2f×)", c/b)
			}
			idxs = append(idxs, m)
			idxOK = idxOK && x >= 0.9
		}
	}
	target("answers/s on 2 cores ≥ 1.7× on 1 core", strings.Join(scale, ", "), scaleOK, len(scale) > 0)
	target("indexing ≥ 0.9× raw Bleve's passages/s at squad and 100k", strings.Join(idxs, ", "), idxOK, len(idxs) > 0)
	var starts []string
	startOK := true
	for _, r := range rep.Sizes {
		if r.StartupMedian > 0 {
			starts = append(starts, fmt.Sprintf("%s %s", r.Name, stats.FormatDuration(r.StartupMedian)))
			startOK = startOK && r.StartupMedian < time.Second
		}
	}
	target("start-up from a persisted index < 1 s", strings.Join(starts, ", "), startOK, len(starts) > 0)
	if l := rep.Load; l != nil {
		m := fmt.Sprintf("%s/s, %d errors", stats.Count(l.PerSec), l.Errors)
		if l.ServerCPUPerAnswer > 0 {
			m += fmt.Sprintf("; server CPU %s an answer", stats.FormatDuration(l.ServerCPUPerAnswer))
		}
		target(fmt.Sprintf("POST /api/ask ≥ 3,000 answers/s, %d clients, 0 errors", l.Clients), m, l.PerSec >= 3000 && l.Errors == 0, true)
	} else {
		target("POST /api/ask ≥ 3,000 answers/s, 64 clients, 0 errors", "", false, false)
	}
	if g := growth(rep.Sizes); g != "" {
		b.WriteString("\n" + g)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// growth describes how latency grows with passages across the corpora
// asked the same questions (SQuAD's: squad and the scaled corpora), as
// the exponent k of latency ∝ passages^k between neighbouring sizes.
func growth(sizes []*Size) string {
	var fam []*Size
	for _, r := range sizes {
		if r.Name != "covid" && r.Name != "seeds" && r.Citebot.Ask != nil && r.Bleve.Ask != nil && r.FTS.Ask != nil && r.Passages > 0 {
			fam = append(fam, r)
		}
	}
	if len(fam) < 2 {
		return ""
	}
	sort.Slice(fam, func(a, b int) bool { return fam[a].Passages < fam[b].Passages })
	var b strings.Builder
	b.WriteString("How latency grows with the corpus (same questions; k in latency ∝ passages^k):\n\n")
	b.WriteString("| from → to | passages | citebot p50 | citebot p99 | raw Bleve p50 | FTS5 p50 |\n|---|--:|--:|--:|--:|--:|\n")
	exp := func(a, b time.Duration, na, nb int) string {
		if a <= 0 || b <= 0 {
			return "–"
		}
		k := math.Log(float64(b)/float64(a)) / math.Log(float64(nb)/float64(na))
		return fmt.Sprintf("%s → %s (k %.2f)", stats.FormatDuration(a), stats.FormatDuration(b), k)
	}
	for i := 1; i < len(fam); i++ {
		a, c := fam[i-1], fam[i]
		fmt.Fprintf(&b, "| %s → %s | ×%.0f | %s | %s | %s | %s |\n", a.Name, c.Name, float64(c.Passages)/float64(a.Passages),
			exp(a.Citebot.Ask.P50, c.Citebot.Ask.P50, a.Passages, c.Passages),
			exp(a.Citebot.Ask.P99, c.Citebot.Ask.P99, a.Passages, c.Passages),
			exp(a.Bleve.Ask.P50, c.Bleve.Ask.P50, a.Passages, c.Passages),
			exp(a.FTS.Ask.P50, c.FTS.Ask.P50, a.Passages, c.Passages))
	}
	return b.String()
}

// WriteFiles writes results.json, table.md and latency.png to dir.
func WriteFiles(dir string, rep *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	var md bytes.Buffer
	fmt.Fprintf(&md, "Machine: %d CPUs (%s), %.1f GiB, %s, %s; load average at the start %s.\nCommand: `%s`\n",
		rep.Machine.CPUs, rep.Machine.CPU, rep.Machine.MemoryGiB, rep.Machine.Go, rep.Machine.OS, rep.Machine.LoadAvg, rep.Command)
	for _, r := range rep.Sizes {
		if err := WriteSize(&md, r); err != nil {
			return err
		}
	}
	if rep.Load != nil {
		if err := WriteLoad(&md, rep.Load); err != nil {
			return err
		}
	}
	if err := WriteSummary(&md, rep); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "table.md"), md.Bytes(), 0o644); err != nil {
		return err
	}
	return drawLatency(filepath.Join(dir, "latency.png"), rep.Sizes)
}

// drawLatency plots answer latency against corpus size: p50 and p99 of
// each system, the corpora labelled at citebot's p99.
func drawLatency(path string, sizes []*Size) error {
	sorted := make([]*Size, 0, len(sizes))
	for _, r := range sizes {
		if r.Passages > 0 {
			sorted = append(sorted, r)
		}
	}
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].Passages < sorted[b].Passages })
	systems := []struct {
		name, label string
		get         func(r *Size) System
	}{
		{"citebot", "citebot (full answer)", func(r *Size) System { return r.Citebot }},
		{"bleve", "raw Bleve match query", func(r *Size) System { return r.Bleve }},
		{"fts5", "SQLite FTS5 bm25", func(r *Size) System { return r.FTS }},
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	var series []plot.Series
	for _, s := range systems {
		p50 := plot.Series{System: s.name, Label: s.label + " p50"}
		p99 := plot.Series{System: s.name, Label: s.label + " p99", Dashed: true}
		for _, r := range sorted {
			if ask := s.get(r).Ask; ask != nil {
				p50.Points = append(p50.Points, plot.Point{Passages: float64(r.Passages), Ms: ms(ask.P50)})
				p99.Points = append(p99.Points, plot.Point{Passages: float64(r.Passages), Ms: ms(ask.P99)})
			}
		}
		series = append(series, p50, p99)
	}
	var labels []plot.Label
	for _, r := range sorted {
		if r.Citebot.Ask != nil {
			labels = append(labels, plot.Label{Point: plot.Point{Passages: float64(r.Passages), Ms: ms(r.Citebot.Ask.P99)}, Text: r.Name})
		}
	}
	return plot.Latency(path, series, labels)
}
