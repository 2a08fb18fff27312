package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/backends"
	"github.com/citebot/citebot/cmd/citebench/internal/bench"
	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/mix"
	"github.com/citebot/citebot/cmd/citebench/internal/phase"
	"github.com/citebot/citebot/cmd/citebench/internal/report"
)

// parse parses a mode's flags; -h is errHelp, anything wrong a
// usageError.
func parse(fl *flag.FlagSet, args []string) error {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usageError{errHelp}
		}
		return usageError{err}
	}
	return nil
}

// cpuProfileFlag is -cpuprofile: alone (as before), a profile of every
// measured phase in OUT/profiles; with a file (-cpuprofile FILE or
// -cpuprofile=FILE), one profile of citebot's phases in FILE.
type cpuProfileFlag struct {
	all  bool
	file string
}

func (c *cpuProfileFlag) String() string {
	if c == nil || c.file == "" {
		return ""
	}
	return c.file
}

func (c *cpuProfileFlag) Set(v string) error {
	switch v {
	case "true":
		c.all, c.file = true, ""
	case "false":
		c.all, c.file = false, ""
	default:
		c.all, c.file = false, v
	}
	return nil
}

func (c *cpuProfileFlag) IsBoolFlag() bool { return true }

// joinCPUProfileFile turns "-cpuprofile FILE" into "-cpuprofile=FILE":
// the flag is also a switch (-cpuprofile alone), so the flag package
// would not take the next argument as its value. The benchmark takes no
// arguments, so a word after -cpuprofile that is not a flag is its file.
func joinCPUProfileFile(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if (a == "-cpuprofile" || a == "--cpuprofile") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			out = append(out, a+"="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	o := &bench.Options{Command: "citebench " + strings.Join(args, " ")}
	sizes := fl.String("sizes", "squad,covid,100k", "corpora to measure, comma-separated: squad, covid, seeds, or a passage count (100k, 1m) for a corpus scaled up from real sentences")
	fl.StringVar(&o.Out, "out", "bench-out", "write results.json, table.md, latency.png (and profiles) to `DIR`")
	fl.StringVar(&o.Work, "work", "", "make corpora and indexes under `DIR` (default: the system's temporary folder); removed afterwards unless -keep")
	fl.StringVar(&o.Source.Shared, "shared", "../shared", "the shared data `DIR` (data/squad, data/covid-qa, qa)")
	fl.StringVar(&o.Source.From, "scale-from", "squad+covid", "what scaled corpora are assembled from: squad+covid, or seeds (tiny, for tests)")
	fl.Uint64Var(&o.Source.Seed, "seed", 1, "seed of the corpus generator and the question sample")
	fl.IntVar(&o.Questions, "questions", 2000, "questions per corpus, a fixed sample (0: all)")
	fl.IntVar(&o.Warmup, "warmup", 100, "questions asked before measuring, per phase")
	fl.DurationVar(&o.QPSTime, "qps-time", 5*time.Second, "how long answers/s is measured, on one core and on two")
	fl.StringVar(&o.Citebot, "citebot", "", "the citebot `BINARY` for start-up and HTTP load (default: go build it)")
	fl.IntVar(&o.Runs, "runs", 1, "run every phase this many times and keep the median of each figure (the machine is shared: 3 for reported numbers)")
	fl.IntVar(&o.Startups, "startups", 5, "start-up runs per corpus, median reported (0: skip)")
	fl.BoolVar(&o.Load, "load", true, "also load-test POST /api/ask of citebot serve on the seeds")
	fl.IntVar(&o.LoadC, "load-c", 64, "concurrent clients of the load test")
	fl.IntVar(&o.LoadN, "load-n", 20000, "requests of the load test")
	fl.IntVar(&o.LoadWarmup, "load-warmup", 1000, "requests of the load test sent before measuring")
	fl.StringVar(&o.LoadLog, "load-log-level", "info", "citebot serve's log level during the load test")
	var prof cpuProfileFlag
	fl.Var(&prof, "cpuprofile", "write CPU profiles: given alone, of every measured phase to the -out DIR's profiles/; given a `FILE`, one profile of citebot's phases (indexing and asking, every corpus and run) to FILE")
	fl.BoolVar(&o.Keep, "keep", false, "keep the corpora and indexes")
	phases := fl.String("phases", "", "run only these phases, comma-separated ("+strings.Join(phase.All(), ", ")+"; an ask phase needs its index); default all")
	fl.Usage = func() {
		fmt.Fprintln(stderr, modesUsage+"\n\nflags of the benchmark:")
		fl.PrintDefaults()
	}
	if err := parse(fl, joinCPUProfileFile(args)); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fl.Arg(0))}
	}
	o.ProfileAll, o.ProfileCitebot = prof.all, prof.file
	var err error
	if o.Sizes, err = corpus.ParseSizes(*sizes); err != nil {
		return usageError{err}
	}
	if *phases != "" {
		o.Phases = map[string]bool{}
		for _, p := range strings.Split(*phases, ",") {
			p = strings.TrimSpace(p)
			if !slices.Contains(phase.All(), p) {
				return usageError{fmt.Errorf("-phases: unknown phase %q", p)}
			}
			o.Phases[p] = true
		}
	}
	if o.Questions < 0 || o.Warmup < 0 || o.QPSTime <= 0 || o.Startups < 0 || o.Runs < 1 || o.LoadC < 1 || o.LoadN < 1 || o.LoadWarmup < 0 {
		return usageError{errors.New("counts must not be negative")}
	}
	return bench.Run(ctx, o, stdout, stderr)
}

func runPhase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench phase", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o phase.Options
	fl.StringVar(&o.Phase, "phase", "", "the phase to run: "+strings.Join(phase.All(), ", "))
	fl.StringVar(&o.Docs, "docs", "", "documents (gob)")
	fl.StringVar(&o.Questions, "questions", "", "questions (gob)")
	fl.StringVar(&o.Dir, "dir", "", "index folder or SQLite file")
	fl.IntVar(&o.Warmup, "warmup", 100, "questions asked before measuring")
	fl.DurationVar(&o.QPSTime, "qps-time", 5*time.Second, "how long to measure answers/s, on each core count")
	fl.StringVar(&o.Profile, "cpuprofile", "", "write a CPU profile of the measured part to `FILE`")
	if err := parse(fl, args); err != nil {
		return err
	}
	if o.Dir == "" {
		return usageError{errors.New("phase: -dir is required")}
	}
	if !slices.Contains(phase.All(), o.Phase) {
		return usageError{fmt.Errorf("phase: unknown phase %q", o.Phase)}
	}
	res, err := phase.Run(ctx, o)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// runLoad is `citebench load [-c N] [-n N] [-questions FILE] URL`: it
// POSTs questions to URL (a citebot /api/ask) from N concurrent clients
// over keep-alive connections and reports answers/s and latency.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench load", flag.ContinueOnError)
	fl.SetOutput(stderr)
	clients := fl.Int("c", 64, "concurrent clients")
	n := fl.Int("n", 20000, "requests to measure")
	warmup := fl.Int("warmup", 1000, "requests sent before measuring")
	qfile := fl.String("questions", "", "questions: a .jsonl question set (../shared/qa format) or one question a line (default: the seeds' dev questions in the binary)")
	token := fl.String("token", "", "send Authorization: Bearer `TOKEN`")
	asJSON := fl.Bool("json", false, "print the result as JSON")
	pid := fl.Int("pid", 0, "the server's process `ID`, to report the CPU time it spends per answer (Linux)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: citebench load [-c 64] [-n 20000] [-warmup 1000] [-questions FILE] [-pid PID] [-json] URL")
		fl.PrintDefaults()
	}
	if err := parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return usageError{errors.New("load: give the URL of POST /api/ask, e.g. http://127.0.0.1:8080/api/ask")}
	}
	if *clients < 1 || *n < 1 || *warmup < 0 {
		return usageError{errors.New("load: -c and -n must be at least 1, -warmup at least 0")}
	}
	qs, err := load.ReadQuestions(*qfile)
	if err != nil {
		return err
	}
	res, err := load.Ask(ctx, fl.Arg(0), *token, qs, *clients, *n, *warmup, *pid)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	return res.Write(stdout)
}

// runMix is `citebench mix`, what cmd/citeload was: the same flags, the
// same report.
func runMix(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench mix", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o mix.Options
	fl.StringVar(&o.Citebot, "citebot", "", "the citebot `binary` to serve (default: go build ./cmd/citebot into a temporary folder)")
	fl.StringVar(&o.Corpus, "corpus", "seeds", "index the documents under `DIR`")
	fl.IntVar(&o.Requests, "requests", 10000, "requests to send (at most 1,000,000)")
	fl.IntVar(&o.Conns, "conns", 64, "concurrent connections")
	fl.DurationVar(&o.Timeout, "timeout", 10*time.Minute, "give up after `DURATION` in all")
	fl.BoolVar(&o.Reindex, "reindex", false, "rebuild the served index with `citebot index` in a loop during the load")
	fl.Int64Var(&o.MaxRSSGrowthKB, "max-rss-growth", 256*1024, "fail when the server's resident memory grows by more than `KB`")
	asJSON := fl.Bool("json", false, "print the report as JSON")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: citebench mix [--reindex] [--requests 10000] [--conns 64] [--json] [flags]\n"+
			"Sends mixed good and hostile requests to every endpoint of a citebot serve it starts; fails (exit 1) on\n"+
			"any 5xx, a request without a response, a status its kind must not get, a lost answer, a dead server\n"+
			"or memory grown past --max-rss-growth.")
		fl.PrintDefaults()
	}
	if err := parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Errorf("mix: unexpected argument %q", fl.Arg(0))}
	}
	if o.Requests < 1 || o.Requests > 1_000_000 || o.Conns < 1 || o.Conns > 1024 {
		return usageError{errors.New("mix: --requests must be 1 to 1,000,000 and --conns 1 to 1024")}
	}
	o.Log = stderr
	rep, err := mix.Run(ctx, o)
	if rep != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if jerr := enc.Encode(rep); jerr != nil {
				return errors.Join(err, jerr)
			}
		} else {
			rep.Print(stdout)
		}
	}
	return err
}

// runMerge is `citebench merge -out DIR A/results.json B/results.json…`:
// one report (table, results.json, plot) from runs made separately.
func runMerge(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench merge", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "bench-out", "write results.json, table.md and latency.png to `DIR`")
	if err := parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() == 0 {
		return usageError{errors.New("merge: give results.json files")}
	}
	merged, err := report.Merge(fl.Args())
	if err != nil {
		return err
	}
	for _, r := range merged.Sizes {
		if err := report.WriteSize(stdout, r); err != nil {
			return err
		}
	}
	if merged.Load != nil {
		if err := report.WriteLoad(stdout, merged.Load); err != nil {
			return err
		}
	}
	if err := report.WriteSummary(stdout, merged); err != nil {
		return err
	}
	return report.WriteFiles(*out, merged)
}

// runBackends is `citebench backends -opensearch URL [-sizes squad,1m]`:
// citebot on Bleve and on OpenSearch, same corpus and questions.
func runBackends(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench backends", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o backends.Options
	sizes := fl.String("sizes", "squad", "corpora to measure, comma-separated: squad, covid, seeds, or a passage count (100k, 1m)")
	fl.StringVar(&o.OpenSearch, "opensearch", "", "the cluster's base `URL`, http[s]://HOST:PORT (each corpus is indexed under the alias NAME-SIZE there and deleted afterwards unless -keep)")
	fl.StringVar(&o.Prefix, "name", "citebench", "the OpenSearch aliases are `NAME`-SIZE")
	fl.IntVar(&o.Shards, "shards", 1, "primary shards of each OpenSearch index")
	fl.IntVar(&o.Replicas, "replicas", 0, "replicas of each shard (-1: one when the cluster has two or more data nodes)")
	fl.StringVar(&o.Source.Shared, "shared", "../shared", "the shared data `DIR` (data/squad, data/covid-qa, qa)")
	fl.StringVar(&o.Source.From, "scale-from", "squad+covid", "what scaled corpora are assembled from: squad+covid, or seeds (tiny, for tests)")
	fl.Uint64Var(&o.Source.Seed, "seed", 1, "seed of the corpus generator and the question sample")
	fl.IntVar(&o.Questions, "questions", 2000, "questions per corpus, a fixed sample (0: all)")
	fl.IntVar(&o.Clients, "c", 8, "askers at once for the concurrent latency and answers/s")
	fl.StringVar(&o.Work, "work", "", "make the Bleve indexes under `DIR` (default: the system's temporary folder)")
	fl.BoolVar(&o.Keep, "keep", false, "keep the indexes (Bleve folders and OpenSearch indexes)")
	asJSON := fl.Bool("json", false, "print the results as JSON")
	if err := parse(fl, args); err != nil {
		return err
	}
	if o.OpenSearch == "" {
		return usageError{errors.New("backends: -opensearch URL is required (start a local cluster with .ci/opensearch start)")}
	}
	ss, err := corpus.ParseSizes(*sizes)
	if err != nil {
		return usageError{err}
	}
	o.Sizes, o.Log = ss, stderr
	o.OpenSearch = strings.TrimRight(o.OpenSearch, "/")
	rs, err := backends.Run(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rs)
	}
	return backends.WriteTable(stdout, rs, o.Clients)
}
