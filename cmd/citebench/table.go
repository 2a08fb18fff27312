package main

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
)

// The report is Markdown, so the tables citebench prints can be pasted
// into BENCHMARKS.md as they are.

// writeSizeTable prints one corpus's table: a row per measure, a column
// per system, and citebot's ratio to each baseline.
func writeSizeTable(w io.Writer, r *sizeResult) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n### %s — %s documents, %s passages, %s questions\n\n%s.\n\n",
		r.Name, thousands(r.Documents), thousands(r.Passages), thousands(r.Questions), r.How)
	for _, p := range []*phaseResult{r.Citebot.Index, r.Citebot.Ask} {
		if p != nil && p.Runs > 1 {
			fmt.Fprintf(&b, "Each figure is the median of %d runs of its phase.\n\n", p.Runs)
			break
		}
	}
	b.WriteString("| | citebot | raw Bleve | SQLite FTS5 | citebot / Bleve | citebot / FTS5 |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|\n")
	type get func(s systemResult) float64
	row := func(name string, f get, format func(float64) string, ratio func(a, b float64) string) {
		c, bl, ft := f(r.Citebot), f(r.Bleve), f(r.FTS)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", name, format(c), format(bl), format(ft), ratio(c, bl), ratio(c, ft))
	}
	idx := func(f func(*phaseResult) float64) get {
		return func(s systemResult) float64 {
			if s.Index == nil {
				return 0
			}
			return f(s.Index)
		}
	}
	ask := func(f func(*phaseResult) float64) get {
		return func(s systemResult) float64 {
			if s.Ask == nil {
				return 0
			}
			return f(s.Ask)
		}
	}
	dur := func(d time.Duration) float64 { return float64(d) }
	row("index: passages/s", idx(func(p *phaseResult) float64 { return p.PassagesPerSec() }), count, times)
	row("index: passages per CPU-second", idx(func(p *phaseResult) float64 { return p.PassagesPerCPUSec() }), count, times)
	row("index: time", idx(func(p *phaseResult) float64 { return p.IndexSeconds * 1e9 }), duration, times)
	row("index: size on disk", idx(func(p *phaseResult) float64 { return float64(p.DiskBytes) }), bytesize, times)
	row("index: peak RSS", idx(func(p *phaseResult) float64 { return float64(p.PeakRSS) }), bytesize, times)
	row("answer p50", ask(func(p *phaseResult) float64 { return dur(p.P50) }), duration, times)
	row("answer p90", ask(func(p *phaseResult) float64 { return dur(p.P90) }), duration, times)
	row("answer p99", ask(func(p *phaseResult) float64 { return dur(p.P99) }), duration, times)
	row("answers/s, 1 core", ask(func(p *phaseResult) float64 { return p.PerSec1 }), count, times)
	row("answers/s, 2 cores", ask(func(p *phaseResult) float64 { return p.PerSec2 }), count, times)
	row("ask: peak RSS", ask(func(p *phaseResult) float64 { return float64(p.PeakRSS) }), bytesize, times)
	startup := "–"
	if r.StartupMedian > 0 {
		startup = duration(float64(r.StartupMedian))
	}
	fmt.Fprintf(&b, "| start-up to first answer, persisted index (median of %d) | %s | | | | |\n", len(r.StartupRuns), startup)
	load := func(x float64) string {
		if x <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f", x)
	}
	none := func(a, b float64) string { return "" }
	row("machine load average at the end of indexing", idx(func(p *phaseResult) float64 { return p.Load }), load, none)
	row("machine load average at the end of asking", ask(func(p *phaseResult) float64 { return p.Load }), load, none)
	q := float64(max(1, r.Questions))
	// Quality 0% is a result, so a system not measured is NaN ("–").
	quality := func(f func(*phaseResult) float64) get {
		return func(s systemResult) float64 {
			if s.Ask == nil {
				return math.NaN()
			}
			return f(s.Ask)
		}
	}
	row("quote@1", quality(func(p *phaseResult) float64 { return 100 * float64(p.At1) / q }), percent, points)
	row("quote@5", quality(func(p *phaseResult) float64 { return 100 * float64(p.At5) / q }), percent, points)
	if r.Citebot.Ask != nil {
		fmt.Fprintf(&b, "\ncitebot answered %s of %s questions and declined the rest (a decline has no quote, so it counts as a miss above).\n",
			thousands(r.Citebot.Ask.Answered), thousands(r.Questions))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeLoadTable prints the HTTP load test.
func writeLoadTable(w io.Writer, l *loadResult) error {
	_, err := fmt.Fprintf(w, "\n### POST /api/ask under load\n\n%s; load from a separate process on loopback, "+
		"%d clients over keep-alive connections, %s requests after a warm-up.\n\n"+
		"| answers/s | p50 | p90 | p99 | max | errors | answered / declined |\n|--:|--:|--:|--:|--:|--:|--:|\n"+
		"| %s | %s | %s | %s | %s | %d | %s / %s |\n",
		l.Server, l.Clients, thousands(l.Requests), count(l.PerSec), ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max),
		l.Errors, thousands(l.Answered), thousands(l.OK-l.Answered))
	return err
}

// writeSummary prints the targets against what was measured, and
// how cost grows with the corpus.
func writeSummary(w io.Writer, rep *report) error {
	var b bytes.Buffer
	b.WriteString("\n### Targets\n\n| target | measured | met |\n|---|---|---|\n")
	var p50s, idxs []string
	p50ok, idxok := true, true
	for _, r := range rep.Sizes {
		if r.Citebot.Ask != nil && r.Bleve.Ask != nil && r.Bleve.Ask.P50 > 0 {
			x := float64(r.Citebot.Ask.P50) / float64(r.Bleve.Ask.P50)
			p50s = append(p50s, fmt.Sprintf("%s %.1f×", r.Name, x))
			p50ok = p50ok && x <= 2
		}
		if r.Citebot.Index != nil && r.Bleve.Index != nil && r.Bleve.Index.PassagesPerSec() > 0 {
			x := r.Citebot.Index.PassagesPerSec() / r.Bleve.Index.PassagesPerSec()
			m := fmt.Sprintf("%s %.2f×", r.Name, x)
			if c, b := r.Citebot.Index.PassagesPerCPUSec(), r.Bleve.Index.PassagesPerCPUSec(); c > 0 && b > 0 {
				m += fmt.Sprintf(" (per CPU-second %.2f×)", c/b)
			}
			idxs = append(idxs, m)
			idxok = idxok && x >= 0.8
		}
	}
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
	target("answer p50 ≤ 2× the raw Bleve query", strings.Join(p50s, ", "), p50ok, len(p50s) > 0)
	var at100k *sizeResult
	for _, r := range rep.Sizes {
		if r.Name == "100k" {
			at100k = r
		}
	}
	if at100k != nil && at100k.Citebot.Ask != nil {
		target("answer p99 ≤ 20 ms at 100k passages", ms(at100k.Citebot.Ask.P99), at100k.Citebot.Ask.P99 <= 20*time.Millisecond, true)
	} else {
		target("answer p99 ≤ 20 ms at 100k passages", "", false, false)
	}
	target("indexing ≥ 0.8× raw Bleve batch indexing", strings.Join(idxs, ", "), idxok, len(idxs) > 0)
	if at100k != nil && at100k.StartupMedian > 0 {
		target("start-up from a persisted 100k index < 1 s", ms(at100k.StartupMedian), at100k.StartupMedian < time.Second, true)
	} else {
		target("start-up from a persisted 100k index < 1 s", "", false, false)
	}
	if l := rep.Load; l != nil {
		target(fmt.Sprintf("POST /api/ask ≥ 2,000 answers/s on the seeds, %d clients", l.Clients),
			fmt.Sprintf("%s/s, %d errors", count(l.PerSec), l.Errors), l.PerSec >= 2000 && l.Errors == 0, true)
	} else {
		target("POST /api/ask ≥ 2,000 answers/s on the seeds, 64 clients", "", false, false)
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
func growth(sizes []*sizeResult) string {
	var fam []*sizeResult
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
		return fmt.Sprintf("%s → %s (k %.2f)", ms(a), ms(b), k)
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

// writeOutputs writes results.json, table.md and latency.png to dir.
func writeOutputs(dir string, rep *report) error {
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
		if err := writeSizeTable(&md, r); err != nil {
			return err
		}
	}
	if rep.Load != nil {
		if err := writeLoadTable(&md, rep.Load); err != nil {
			return err
		}
	}
	if err := writeSummary(&md, rep); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "table.md"), md.Bytes(), 0o644); err != nil {
		return err
	}
	return plotLatency(filepath.Join(dir, "latency.png"), rep.Sizes)
}

// Formatting.

func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func count(x float64) string {
	if x <= 0 {
		return "–"
	}
	return thousands(int(math.Round(x)))
}

// duration formats nanoseconds.
func duration(ns float64) string {
	if ns <= 0 {
		return "–"
	}
	return ms(time.Duration(ns))
}

// ms formats a duration for a table: µs below a millisecond, ms below ten
// seconds, s beyond.
func ms(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func bytesize(n float64) string {
	switch {
	case n <= 0:
		return "–"
	case n < 1<<20:
		return fmt.Sprintf("%.0f KiB", n/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", n/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", n/(1<<30))
}

func percent(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", x)
}

// times is a ratio a/b ("3.2×").
func times(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// points is a difference of percentages.
func points(a, b float64) string {
	if math.IsNaN(a) || math.IsNaN(b) {
		return "–"
	}
	return fmt.Sprintf("%+.1f pts", a-b)
}
