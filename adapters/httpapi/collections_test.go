package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// errorWithKnown is the body of an unknown_collection error.
type errorWithKnown struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Known   []string `json:"known"`
	} `json:"error"`
}

// TestUnknownCollection: a request naming a collection the index does not
// hold is a 400 unknown_collection listing the known ones, on every
// endpoint that takes collections, not an ordinary decline.
func TestUnknownCollection(t *testing.T) {
	f := newFixture(t, "")
	for _, r := range []response{
		f.ask(t, `{"question": "What was the FY2026 refugee cap?", "collections": ["sport"]}`),
		f.do(t, http.MethodPost, "/api/quote", "", strings.NewReader(`{"text": "a nation without borders", "collections": ["sport"]}`)),
		f.do(t, http.MethodPost, "/api/quote", "", strings.NewReader(`{"text": "a nation without borders", "who": true, "collections": ["seeds", "sport"]}`)),
		f.do(t, http.MethodGet, "/api/sources?collection=sport", "", nil),
	} {
		var e errorWithKnown
		if err := json.Unmarshal(r.body, &e); err != nil {
			t.Fatalf("%v: %s", err, r.body)
		}
		if r.code != http.StatusBadRequest || e.Error.Code != "unknown_collection" || !slices.Equal(e.Error.Known, []string{"seeds"}) || !strings.Contains(e.Error.Message, "sport") {
			t.Errorf("status %d, body %s; want 400 unknown_collection naming sport, known [seeds]", r.code, r.body)
		}
	}
	// A known collection answers as before.
	if r := f.ask(t, `{"question": "What was the FY2026 refugee cap?", "collections": ["seeds"]}`); r.code != http.StatusOK {
		t.Errorf("known collection: %d %s", r.code, r.body)
	}
}

// TestSourcesPaging: GET /api/sources pages as `citebot sources` does:
// limit, after (the last id of the previous page), collection; a Link
// header points at the next page while there is one.
func TestSourcesPaging(t *testing.T) {
	f := newFixture(t, "")
	var all []map[string]any
	if err := json.Unmarshal(f.do(t, http.MethodGet, "/api/sources", "", nil).body, &all); err != nil || len(all) != 2 {
		t.Fatalf("all sources: %v %v", err, all)
	}
	r := f.do(t, http.MethodGet, "/api/sources?limit=1", "", nil)
	var first []map[string]any
	if err := json.Unmarshal(r.body, &first); err != nil || r.code != 200 || len(first) != 1 || first[0]["doc"] != all[0]["doc"] {
		t.Fatalf("limit=1: %d %s", r.code, r.body)
	}
	link := r.header.Get("Link")
	if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "after="+first[0]["doc"].(string)) {
		t.Errorf("Link %q; want the next page after %v", link, first[0]["doc"])
	}
	r = f.do(t, http.MethodGet, "/api/sources?limit=1&after="+first[0]["doc"].(string), "", nil)
	var second []map[string]any
	if err := json.Unmarshal(r.body, &second); err != nil || len(second) != 1 || second[0]["doc"] != all[1]["doc"] || r.header.Get("Link") != "" {
		t.Errorf("second page: %s (Link %q); want the second source and no next page", r.body, r.header.Get("Link"))
	}
	if r := f.do(t, http.MethodGet, "/api/sources?collection=seeds", "", nil); r.code != 200 || !strings.Contains(string(r.body), all[1]["doc"].(string)) {
		t.Errorf("collection=seeds: %d %s", r.code, r.body)
	}
	for _, bad := range []string{"limit=-1", "limit=many"} {
		if r := f.do(t, http.MethodGet, "/api/sources?"+bad, "", nil); r.code != http.StatusBadRequest || !strings.Contains(string(r.body), `"invalid"`) {
			t.Errorf("%s: %d %s; want 400 invalid", bad, r.code, r.body)
		}
	}
}
