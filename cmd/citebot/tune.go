package main

import (
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/citebot/citebot/retrieval/qaeval"
)

// newTuneCmd refits the ranking and decline weights (see RANKING.md).
func newTuneCmd(stdout, stderr io.Writer) *cobra.Command {
	var squad string
	cmd := &cobra.Command{
		Use:   "tune --squad FILE",
		Short: "Refit the ranking and decline weights on SQuAD dev and print the new model",
		Long: "Refit citebot's ranking weights (pairwise logistic regression) and decline model\n" +
			"(logistic regression over corpora of several sizes) on SQuAD dev. The new model is\n" +
			"written to standard output in the form of retrieval/answer/model.json; held-out\n" +
			"figures before and after go to standard error. Takes a few minutes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if squad == "" {
				return usageError{errors.New("--squad FILE is required")}
			}
			s, err := qaeval.LoadSQuAD(squad)
			if err != nil {
				return err
			}
			return qaeval.Tune(cmd.Context(), s, stderr, stdout)
		},
	}
	cmd.Flags().StringVar(&squad, "squad", "", "SQuAD dev `FILE` (.json or .json.gz)")
	return cmd
}
