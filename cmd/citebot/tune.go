package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/citebot/citebot/retrieval/qaeval"
)

// newTuneCmd refits the ranking and decline weights (see RANKING.md).
func newTuneCmd(stdout, stderr io.Writer) *cobra.Command {
	var squad, squad2, qa string
	var cf corpusFlags
	var newsWeight float64
	cmd := &cobra.Command{
		Use:   "tune --squad FILE [--squad2 FILE] [--qa FILE.jsonl --corpus DIR…]",
		Short: "Refit the ranking and decline weights and print the new model",
		Long: "Refit citebot's ranking weights (pairwise logistic regression) and decline model\n" +
			"(logistic regression: does the sentence citebot would quote answer the question?)\n" +
			"on the fitted half of SQuAD dev's articles (qaeval.FitArticle), SQuAD v2.0's\n" +
			"unanswerable questions about them (--squad2), and a question set of your own over\n" +
			"its corpus (--qa, --corpus; give only questions you may fit on, never a set you\n" +
			"report as held out). The new model is written to standard output in the form of\n" +
			"retrieval/answer/model.json; figures before and after go to standard error.\n" +
			"Takes several minutes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if squad == "" {
				return usageError{errors.New("--squad FILE is required")}
			}
			if (qa == "") != (len(cf.corpus) == 0 && cf.index == "") {
				return usageError{errors.New("--qa and --corpus (or --index) go together")}
			}
			sets := qaeval.TuneSets{NewsWeight: newsWeight}
			var err error
			if sets.SQuAD, err = qaeval.LoadSQuAD(squad); err != nil {
				return err
			}
			if squad2 != "" {
				if sets.SQuAD2, err = qaeval.LoadSQuAD(squad2); err != nil {
					return err
				}
			}
			if qa != "" {
				f, err := os.Open(qa)
				if err != nil {
					return err
				}
				sets.News, err = qaeval.ReadJSONL(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", qa, err)
				}
				if sets.NewsDocs, err = loadCorpus(cmd.Context(), cf.corpus, stderrLogger(stderr)); err != nil {
					return err
				}
			}
			return qaeval.Tune(cmd.Context(), sets, stderr, stdout)
		},
	}
	cmd.Flags().StringVar(&squad, "squad", "", "SQuAD v1.1 dev `FILE` (.json or .json.gz)")
	cmd.Flags().StringVar(&squad2, "squad2", "", "SQuAD v2.0 dev `FILE`, for its unanswerable questions")
	cmd.Flags().StringVar(&qa, "qa", "", "a question set `FILE.jsonl` to fit on too, over --corpus")
	cmd.Flags().Float64Var(&newsWeight, "qa-weight", 48, "how much one --qa question counts against one SQuAD question")
	cf.register(cmd)
	return cmd
}
