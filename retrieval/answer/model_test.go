package answer

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// model.json is what WriteModel writes for the model in use: reading and
// writing it back changes nothing, so `citebot tune`'s output can replace
// it as it stands.
func TestModelRoundTrip(t *testing.T) {
	want, err := os.ReadFile("model.json")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := WriteModel(&got, CurrentModel()); err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("WriteModel(CurrentModel()) =\n%s\nmodel.json =\n%s", got.String(), want)
	}
	m, err := ReadModel(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Ranking) < 20 || len(m.Decline) < 20 || m.AnswerThreshold != answerThreshold {
		t.Errorf("model.json has %d ranking and %d decline weights, threshold %v", len(m.Ranking), len(m.Decline), m.AnswerThreshold)
	}
	if featureWeights[fTitle] != m.Ranking["fTitle"] || declineWeights[dBias] != m.Decline["dBias"] {
		t.Error("the weights in use are not model.json's")
	}
}

// A model naming a feature citebot does not have, or a threshold that is
// not a probability, is refused rather than silently weighing nothing,
// and the model in use stays whole.
func TestModelRefusesUnknownFeatures(t *testing.T) {
	for name, js := range map[string]string{
		"unknown ranking feature": `{"ranking": {"fNoSuch": 1}, "decline": {}, "answer_threshold": 0.3}`,
		"unknown decline feature": `{"ranking": {}, "decline": {"dNoSuch": 1}, "answer_threshold": 0.3}`,
		"threshold":               `{"ranking": {}, "decline": {}, "answer_threshold": 1.5}`,
		"unknown key":             `{"ranking": {}, "decline": {}, "answer_threshold": 0.3, "extra": 1}`,
		"confidence threshold":    `{"ranking": {}, "decline": {}, "answer_threshold": 0.3, "confidence_threshold": 1.5}`,
		"short threshold":         `{"ranking": {}, "decline": {}, "answer_threshold": 0.3, "short_threshold": -1}`,
	} {
		m, err := ReadModel(strings.NewReader(js))
		if err == nil {
			saved := CurrentModel()
			var before, after bytes.Buffer
			if err := WriteModel(&before, saved); err != nil {
				t.Fatal(err)
			}
			err = m.install()
			if err == nil {
				t.Errorf("%s: installed", name)
			}
			if err := WriteModel(&after, CurrentModel()); err != nil {
				t.Fatal(err)
			}
			if after.String() != before.String() {
				t.Errorf("%s: refused, but the model in use changed", name)
			}
			if err := saved.install(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
