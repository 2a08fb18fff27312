package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/citebot/citebot/adapters/mcp"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/config"
)

func newMCPCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var cf corpusFlags
	var maxQuestion int
	var logLevel string
	cmd := &cobra.Command{
		Use:   "mcp [--index PATH | --corpus DIR…]",
		Short: "Serve MCP (Model Context Protocol) over stdio, for an AI assistant to start",
		Long: "Serve citebot's MCP tools (ask, check_quote, list_sources) and documents (resources\n" +
			"citebot://doc/{id}) to one client over standard input and output, until the client\n" +
			"closes standard input. An assistant starts it as a subprocess, for example\n" +
			"  {\"command\": \"citebot\", \"args\": [\"mcp\", \"--index\", \"/data/index\"]}\n" +
			"Standard output carries only the protocol; logs go to standard error (question text\n" +
			"only at --log-level debug). `citebot serve` serves the same over HTTP at /mcp.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usageError{fmt.Errorf("--log-level %q: expected debug, info, warn or error", logLevel)}
			}
			if maxQuestion < 1 || maxQuestion > config.MaxQuestionBytesLimit {
				return usageError{fmt.Errorf("--max-question-bytes must be between 1 and %d", config.MaxQuestionBytesLimit)}
			}
			log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
			ctx := cmd.Context()
			// Like serve, a persisted index is followed: what `citebot
			// index` swaps in is answered from next.
			ix, err := cf.openEngine(ctx, cf.index != "" && len(cf.corpus) == 0, log)
			if err != nil {
				return err
			}
			defer ix.Close()
			st, err := ix.Stats()
			if err != nil {
				return fmt.Errorf("read the index: %w", err)
			}
			log.Info("index ready", "documents", st.Documents, "passages", st.Passages)
			b := bot.New(ix, bot.WithMaxQuestionBytes(maxQuestion))
			err = mcp.New(b, mcp.Options{Version: buildVersion(), Logger: log}).ServeStdio(ctx, stdin, stdout)
			log.Info("mcp client gone; stopping")
			return err
		},
	}
	cf.register(cmd)
	cmd.Flags().IntVar(&maxQuestion, "max-question-bytes", config.Default().API.MaxQuestionBytes,
		"refuse longer questions (as api.max_question_bytes does for serve)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log `LEVEL` on standard error: debug, info, warn, error")
	return cmd
}
