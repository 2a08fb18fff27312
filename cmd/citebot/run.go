package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/citebot/citebot/adapters/cli"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/seeds"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

// usageError marks errors in how citebot was invoked (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// run is citebot: it parses args and runs one command with the given
// streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		return usageError{err}
	}
	return err
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "citebot",
		Short:         "Answer questions about documents with verbatim, cited quotes",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.PersistentFlags().String("config", "", "read the configuration from `FILE` (default ./citebot.yaml, then $XDG_CONFIG_HOME/citebot/citebot.yaml)")
	root.AddCommand(
		newAskCmd(stdin, stdout, stderr),
		newQuoteCmd(stdin, stdout, stderr),
		newSourcesCmd(stdout, stderr),
		newIndexCmd(stdout, stderr),
		newEvalCmd(stdout, stderr),
		newTuneCmd(stdout, stderr),
		newServeCmd(stderr),
		newMCPCmd(stdin, stdout, stderr),
		newConfigCmd(stdout),
		newHealthcheckCmd(stdout),
		&cobra.Command{
			Use:   "version",
			Short: "Print citebot's version",
			Args:  cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				_, err := fmt.Fprintln(stdout, "citebot", buildVersion())
				return err
			},
		},
	)
	return root
}

// buildVersion is the stamped version plus the VCS revision when known.
func buildVersion() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// corpusFlags choose what to answer from: a persisted index, folders of
// documents, or (with neither) the embedded seed articles.
type corpusFlags struct {
	index  string
	corpus []string
	// openSearch is the opensearch section serve loaded; nil makes an
	// OpenSearch --index read it from the file and environment.
	openSearch *config.OpenSearchConfig
	cmd        *cobra.Command
}

func (cf *corpusFlags) register(cmd *cobra.Command) {
	cf.cmd = cmd
	cmd.Flags().StringVar(&cf.index, "index", "", "answer from the persisted index at `PATH` (built with citebot index), or the OpenSearch index http[s]://HOST:PORT/NAME")
	cmd.Flags().StringArrayVar(&cf.corpus, "corpus", nil, "answer from the documents under `[NAME=]DIR` (repeatable; .txt, .md, .html, .pdf, .docx, .jsonl)")
}

// open returns the engine to answer from (see openEngine), without
// watching for changes.
func (cf *corpusFlags) open(ctx context.Context, log *slog.Logger) (*answer.Engine, error) {
	return cf.openEngine(ctx, false, log)
}

// loadCorpus loads documents from dirs (each DIR or NAME=DIR, a
// collection named NAME or after the folder), or the embedded seeds when
// dirs is empty. Unreadable files are logged and skipped; a corpus with no
// documents at all is an error.
func loadCorpus(ctx context.Context, dirs []string, log *slog.Logger) ([]retrieval.Document, error) {
	if len(dirs) == 0 {
		docs, errs := ingest.LoadFS(ctx, seeds.FS, "seeds")
		if len(errs) > 0 {
			return nil, fmt.Errorf("embedded seeds: %w", errors.Join(errs...))
		}
		return docs, nil
	}
	corpora, err := parseCorpora(dirs)
	if err != nil {
		return nil, usageError{err}
	}
	return loadCorpora(ctx, corpora, log, nil)
}

// stderrLogger logs warnings for a person at a terminal.
func stderrLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// checkInput checks what ask and quote take alike: --top in range, and
// a text given as arguments not blank (empty says what to do instead).
func checkInput(top int, args []string, empty string) error {
	if top < 1 || top > retrieval.MaxTop {
		return usageError{fmt.Errorf("--top must be between 1 and %d", retrieval.MaxTop)}
	}
	if len(args) > 0 && strings.TrimSpace(strings.Join(args, " ")) == "" {
		return usageError{errors.New(empty)}
	}
	return nil
}

func newAskCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var cf corpusFlags
	var asJSON bool
	var top int
	var explain bool
	var collections []string
	cmd := &cobra.Command{
		Use:   "ask [--json] [--index PATH | --corpus DIR…] [--collection NAME]… [--top N] [QUESTION]",
		Short: "Answer a question (or one per line of standard input)",
		Long: "Answer QUESTION with verbatim, cited quotes. With no QUESTION, answer each line of\n" +
			"standard input in order. --json writes one JSON object per answer, one per line.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkInput(top, args, "the question is empty; ask one, or pass none to read questions from standard input"); err != nil {
				return err
			}
			ix, err := cf.open(cmd.Context(), stderrLogger(stderr))
			if err != nil {
				return err
			}
			defer ix.Close()
			if explain {
				out, err := ix.Explain(cmd.Context(), strings.Join(args, " "), 12)
				if err != nil {
					return err
				}
				_, err = io.WriteString(stdout, out)
				return err
			}
			b := bot.New(ix)
			if err := checkCollections(b, collections); err != nil {
				return err
			}
			opts := cli.Options{JSON: asJSON, Top: top, Bold: !asJSON && isTerminal(stdout), Collections: collections}
			if len(args) > 0 {
				return cli.AskOne(cmd.Context(), b, strings.Join(args, " "), stdout, opts)
			}
			return cli.AskLines(cmd.Context(), b, stdin, stdout, opts)
		},
	}
	cf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write each answer as one JSON object on its own line")
	cmd.Flags().IntVar(&top, "top", retrieval.DefaultTop, "most quotes per answer")
	cmd.Flags().BoolVar(&explain, "explain", false, "show how the question was analysed and the candidates scored")
	registerCollections(cmd, &collections)
	return cmd
}
