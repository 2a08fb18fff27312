package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/citebot/citebot/adapters/cli"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

func newQuoteCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var cf corpusFlags
	var opts cli.QuoteOptions
	cmd := &cobra.Command{
		Use:   "quote [--json] [--who] [--index PATH | --corpus DIR…] [--collection NAME]… [--top N] [TEXT]",
		Short: "Check a quote against the documents, or say who said it",
		Long: "Say whether TEXT appears in the documents: exact (which documents, where), near\n" +
			"(the closest passages, their differing words marked) or not found. Curly and\n" +
			"straight quotes, case, white space and punctuation do not count; an ellipsis\n" +
			"(… or ...) stands for omitted words. --who says who the documents say said it\n" +
			"(a quotation with a speech verb and its subject), or that they do not say.\n" +
			"With no TEXT, check each line of standard input. --json writes one JSON object\n" +
			"per check: {\"verdict\": \"exact|near|not_found\", \"matches\": [{citation…,\n" +
			"\"differences\": […]}], …}; with --who {\"verdict\": \"attributed|unattributed|\n" +
			"not_found\", \"speaker\": …, \"sources\": […]}.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkInput(opts.Top, args, "the text to check is empty; give one, or none to read texts from standard input"); err != nil {
				return err
			}
			ix, err := cf.open(cmd.Context(), stderrLogger(stderr))
			if err != nil {
				return err
			}
			defer ix.Close()
			b := bot.New(ix)
			if err := checkCollections(b, opts.Collections); err != nil {
				return err
			}
			opts.Bold = !opts.JSON && isTerminal(stdout)
			if len(args) > 0 {
				return cli.QuoteOne(cmd.Context(), b, strings.Join(args, " "), stdout, opts)
			}
			return cli.QuoteLines(cmd.Context(), b, stdin, stdout, opts)
		},
	}
	cf.register(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "write each check as one JSON object on its own line")
	cmd.Flags().BoolVar(&opts.Who, "who", false, "say who the documents say said it")
	cmd.Flags().IntVar(&opts.Top, "top", retrieval.DefaultTop, "most near matches (or closest passages) per check")
	registerCollections(cmd, &opts.Collections)
	return cmd
}
