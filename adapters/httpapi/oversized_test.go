package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/httpapi"
)

// TestOversizedBodiesGetReadable413: POST /api/ask and /api/quote answer
// a body far over MaxBodyBytes with their usual JSON error, 413, which a
// client still sending its body reads every time.
func TestOversizedBodiesGetReadable413(t *testing.T) {
	const token = "oversized-test-token"
	f := newFixture(t, token)
	header := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}
	for _, path := range []string{"/api/ask", "/api/quote"} {
		for i, body := range adaptertest.Oversized(t, f.srv.URL+path, header, 10) {
			var e httpapi.ErrorBody
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "larger than 64 KiB") {
				t.Errorf("%s, answer %d = %q (%v); want the API's invalid error, larger than 64 KiB", path, i+1, body, err)
			}
		}
	}
}
