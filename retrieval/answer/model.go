package answer

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// Model is citebot's fitted answering model: the weight of each sentence
// feature in a sentence's ranking score, the weights of the decline
// model's logistic regression, and the probability above which citebot
// answers. It is data, not code: `citebot tune` fits it and writes it in
// this form, and model.json (embedded) is the one in use.
type Model struct {
	// Ranking maps a ranking feature's name (featureNames) to its weight.
	Ranking map[string]float64 `json:"ranking"`
	// Decline maps a decline feature's name (declineNames) to its weight.
	Decline map[string]float64 `json:"decline"`
	// AnswerThreshold is the decline model's probability above which a
	// question is answered.
	AnswerThreshold float64 `json:"answer_threshold"`
	// Confidence maps a decline feature's name to its weight in the
	// confidence model: the probability that the sentence quoted answers
	// (Answer.Confidence). Without it the decline model's probability is
	// the confidence.
	Confidence map[string]float64 `json:"confidence,omitempty"`
	// ConfidenceThreshold is the confidence under which citebot declines
	// although the decline model would answer (0: never).
	ConfidenceThreshold float64 `json:"confidence_threshold,omitempty"`
	// Short maps a short-answer feature's name (shortNames) to its
	// weight, and ShortThreshold is the probability above which a short
	// answer is shown (see short.go). Without them every clear candidate
	// is shown.
	Short          map[string]float64 `json:"short,omitempty"`
	ShortThreshold float64            `json:"short_threshold,omitempty"`
}

//go:embed model.json
var modelJSON []byte

func init() {
	m, err := ReadModel(bytes.NewReader(modelJSON))
	if err == nil {
		err = m.install()
	}
	if err != nil {
		panic(fmt.Sprintf("answer: embedded model.json: %v", err))
	}
}

// ReadModel reads a Model as WriteModel writes it.
func ReadModel(r io.Reader) (Model, error) {
	var m Model
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Model{}, fmt.Errorf("read model: %w", err)
	}
	return m, nil
}

// UseRanking makes weights (by feature name, in names' order) the ranking
// in use in this process, keeping the decline model: fitting the decline
// model needs the ranking it will run with.
func UseRanking(names []string, weights []float64) error {
	m := CurrentModel()
	m.Ranking = map[string]float64{}
	for i, n := range names {
		m.Ranking[n] = weights[i]
	}
	return m.install()
}

// UseModel makes m the model in use in this process (fitting installs
// each model it has fitted before fitting the next, which depends on it).
func UseModel(m Model) error { return m.install() }

// install makes m the model in use; every name must be a feature's.
func (m Model) install() error {
	var fw [numFeatures]float64
	if err := fill(fw[:], featureNames[:], m.Ranking, "ranking"); err != nil {
		return err
	}
	var dw [numDecline]float64
	if err := fill(dw[:], declineNames[:], m.Decline, "decline"); err != nil {
		return err
	}
	if m.AnswerThreshold <= 0 || m.AnswerThreshold >= 1 {
		return fmt.Errorf("answer_threshold %v is not a probability", m.AnswerThreshold)
	}
	var cw [numDecline]float64
	if err := fill(cw[:], declineNames[:], m.Confidence, "confidence"); err != nil {
		return err
	}
	var sw [numShort]float64
	if err := fill(sw[:], shortNames[:], m.Short, "short"); err != nil {
		return err
	}
	if m.ShortThreshold < 0 || m.ShortThreshold >= 1 {
		return fmt.Errorf("short_threshold %v is not a probability", m.ShortThreshold)
	}
	if m.ConfidenceThreshold < 0 || m.ConfidenceThreshold >= 1 {
		return fmt.Errorf("confidence_threshold %v is not a probability", m.ConfidenceThreshold)
	}
	// Only a model that is wholly valid replaces the one in use.
	featureWeights, declineWeights, answerThreshold = fw, dw, m.AnswerThreshold
	confidenceWeights, confidenceFitted, confidenceThreshold = cw, len(m.Confidence) > 0, m.ConfidenceThreshold
	shortWeights, shortThreshold = sw, m.ShortThreshold
	return nil
}

// fill sets weights by name; names absent from byName weigh 0.
func fill(dst []float64, names []string, byName map[string]float64, what string) error {
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	for n, w := range byName {
		i, ok := index[n]
		if !ok {
			return fmt.Errorf("%s feature %q is not one of citebot's", what, n)
		}
		dst[i] = w
	}
	return nil
}

// CurrentModel returns the model in use.
func CurrentModel() Model {
	m := Model{Ranking: map[string]float64{}, Decline: map[string]float64{}, AnswerThreshold: answerThreshold}
	for i, w := range featureWeights {
		if w != 0 {
			m.Ranking[featureNames[i]] = w
		}
	}
	for i, w := range declineWeights {
		if w != 0 {
			m.Decline[declineNames[i]] = w
		}
	}
	m.ConfidenceThreshold = confidenceThreshold
	if confidenceFitted {
		m.Confidence = map[string]float64{}
		for i, w := range confidenceWeights {
			if w != 0 {
				m.Confidence[declineNames[i]] = w
			}
		}
	}
	for i, w := range shortWeights {
		if w != 0 {
			if m.Short == nil {
				m.Short = map[string]float64{}
			}
			m.Short[shortNames[i]] = w
		}
	}
	m.ShortThreshold = shortThreshold
	return m
}

// WriteModel writes m as model.json holds it: features in their order,
// weights rounded to three decimals.
func WriteModel(w io.Writer, m Model) error {
	var b bytes.Buffer
	section := func(name string, names []string, weights map[string]float64, last bool) {
		fmt.Fprintf(&b, "  %q: {\n", name)
		var keys []string
		order := map[string]int{}
		for i, n := range names {
			order[n] = i
		}
		for k := range weights {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return order[keys[i]] < order[keys[j]] })
		for i, k := range keys {
			sep := ","
			if i == len(keys)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "    %q: %s%s\n", k, formatWeight(weights[k]), sep)
		}
		if last {
			b.WriteString("  }\n")
		} else {
			b.WriteString("  },\n")
		}
	}
	b.WriteString("{\n")
	section("ranking", featureNames[:], m.Ranking, false)
	section("decline", declineNames[:], m.Decline, false)
	if len(m.Confidence) > 0 {
		section("confidence", declineNames[:], m.Confidence, false)
		fmt.Fprintf(&b, "  \"confidence_threshold\": %s,\n", formatWeight(m.ConfidenceThreshold))
	}
	if len(m.Short) > 0 {
		section("short", shortNames[:], m.Short, false)
		fmt.Fprintf(&b, "  \"short_threshold\": %s,\n", formatWeight(m.ShortThreshold))
	}
	fmt.Fprintf(&b, "  \"answer_threshold\": %s\n}\n", formatWeight(m.AnswerThreshold))
	_, err := w.Write(b.Bytes())
	return err
}

func formatWeight(w float64) string {
	return strconv.FormatFloat(math.Round(w*1000)/1000, 'f', -1, 64)
}
