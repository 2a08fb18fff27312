package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/bot"
)

// apiDriver asks through POST /api/ask.
type apiDriver struct{ url string }

func (d apiDriver) Ask(t *testing.T, question string) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"question": question})
	resp, err := http.Post(d.url+"/api/ask", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/ask = %d %s (%v)", resp.StatusCode, b, err)
	}
	return b
}

// TestConformance: the answer surfaces' kit, which the MCP server runs
// too, so both hand out the same replies.
func TestConformance(t *testing.T) {
	adaptertest.RunAnswers(t, func(t *testing.T, b *bot.Bot) adaptertest.Answerer {
		srv := httptest.NewServer(httpapi.New(b, httpapi.Options{}).Handler())
		t.Cleanup(srv.Close)
		return apiDriver{srv.URL}
	})
}
