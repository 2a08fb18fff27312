package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/citebot/citebot/adapters/cli"
	"github.com/citebot/citebot/bot"
)

func newSourcesCmd(stdout, stderr io.Writer) *cobra.Command {
	var cf corpusFlags
	var collections []string
	var asJSON bool
	var limit int
	var after string
	cmd := &cobra.Command{
		Use:   "sources [--json] [--index PATH | --corpus DIR…] [--collection NAME]… [--limit N] [--after CURSOR]",
		Short: "List the indexed documents",
		Long: "List the documents citebot answers from, in id order, one per line: id, collection,\n" +
			"date (\"undated\" when none is known), headline, publisher and author, passages.\n" +
			"--json writes one JSON object per line with the fields of GET /api/sources items.\n" +
			"--collection (repeatable) lists only those collections. --limit N lists at most N;\n" +
			"the next page starts --after the last id listed (the text output says which).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usageError{errors.New("--limit must be 0 (no limit) or more")}
			}
			ix, err := cf.open(cmd.Context(), stderrLogger(stderr))
			if err != nil {
				return err
			}
			defer ix.Close()
			page, next, err := bot.New(ix).SourcesPage(bot.SourcesQuery{Collections: collections, Limit: limit, After: after})
			if err != nil {
				return collectionError(err)
			}
			return cli.WriteSources(stdout, page, next, asJSON)
		},
	}
	cf.register(cmd)
	registerCollections(cmd, &collections)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write one JSON object per document, one per line")
	cmd.Flags().IntVar(&limit, "limit", 0, "list at most `N` documents (0: all)")
	cmd.Flags().StringVar(&after, "after", "", "list the documents after the id `CURSOR` (the last one of the previous page)")
	return cmd
}

// registerCollections adds the repeatable --collection flag.
func registerCollections(cmd *cobra.Command, collections *[]string) {
	cmd.Flags().StringArrayVar(collections, "collection", nil, "only the documents of collection `NAME` (repeatable)")
}

// collectionError makes an unknown collection a usage error that lists
// the collections the index holds; other errors pass through.
func collectionError(err error) error {
	if bot.ErrorCode(err) == bot.CodeUnknownCollection {
		return usageError{fmt.Errorf("--collection: %s", bot.ErrorMessage(err))}
	}
	return err
}

// checkCollections refuses --collection names the index does not hold.
func checkCollections(b *bot.Bot, collections []string) error {
	return collectionError(b.CheckCollections(collections))
}
