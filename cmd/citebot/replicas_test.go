package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/config/configtest"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
)

// sharedReplicas sets serve up as replicas are: the seeds in one
// OpenSearch index (index.url) and the shared state beside it
// (data.url), on the test cluster. It returns the cluster's client and
// the state's prefix.
func sharedReplicas(t *testing.T) (*osclient.Client, string) {
	t.Helper()
	c := ostest.Client(t, ostest.URL())
	configtest.Isolate(t)
	ctx := context.Background()
	docs := seedtest.Docs(t)
	index := ostest.Name(t, c)
	if _, err := opensearchindex.Build(ctx, opensearchindex.Target{Client: c, Name: index, Replicas: 0}, docs, nil); err != nil {
		t.Fatal(err)
	}
	state := ostest.Name(t, c)
	t.Setenv("CITEBOT_INDEX_URL", ostest.URL()+"/"+index)
	t.Setenv("CITEBOT_DATA_URL", ostest.URL()+"/"+state)
	return c, state
}

// fakeSlackAPI answers auth.test and records chat.postMessage calls.
func fakeSlackAPI(t *testing.T) (string, chan url.Values) {
	posts := make(chan url.Values, 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/auth.test"):
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team_id":"T1","user":"citebot"}`)
		case strings.HasSuffix(r.URL.Path, "/chat.postMessage"):
			posts <- r.PostForm
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000099.%06d"}`, r.PostForm.Get("channel"), len(posts))
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/", posts
}

// TestTwoReplicasShareThreads: two serve processes on one OpenSearch
// index and one shared state (data.url) answer a Slack thread's
// follow-up alike whichever receives it: the mention goes to one, the
// un-mentioned follow-up to the other, which answers it with the
// thread's context exactly as one replica answering both does.
func TestTwoReplicasShareThreads(t *testing.T) {
	sharedReplicas(t)
	api, posts := fakeSlackAPI(t)
	const signing = "replica-signing-secret-0123456789"
	for k, v := range map[string]string{
		"CITEBOT_SLACK_ENABLED": "true", "CITEBOT_SLACK_MODE": "http", "CITEBOT_SLACK_BOT_TOKEN": "xoxb-replicas",
		"CITEBOT_SLACK_SIGNING_SECRET": signing, "CITEBOT_SLACK_API_URL": api,
	} {
		t.Setenv(k, v)
	}
	a, logsA, _ := startServe(t)
	b, logsB, _ := startServe(t)

	event := func(base, id, typ, text, ts, threadTS string) {
		t.Helper()
		inner := map[string]any{"type": typ, "user": "U2CERLKJA", "text": text, "ts": ts, "channel": "C0123456789", "event_ts": ts}
		if threadTS != "" {
			inner["thread_ts"] = threadTS
		}
		if typ == "message" {
			inner["channel_type"] = "channel"
		}
		body, _ := json.Marshal(map[string]any{
			"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": id, "event_time": 1700000000,
			"authorizations": []any{map[string]any{"team_id": "T1", "user_id": "UBOT", "is_bot": true}},
			"event":          inner,
		})
		req, _ := http.NewRequest("POST", base+"/slack/events", strings.NewReader(string(body)))
		now := fmt.Sprint(time.Now().Unix())
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", now)
		req.Header.Set("X-Slack-Signature", slack.SignatureHeader(signing, now, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("event %s: HTTP %d", id, resp.StatusCode)
		}
	}
	next := func(thread string) string {
		t.Helper()
		select {
		case p := <-posts:
			if p.Get("thread_ts") != thread {
				t.Errorf("posted in thread %q; want %q", p.Get("thread_ts"), thread)
			}
			return p.Get("blocks")
		case <-time.After(time.Until(adaptertest.Deadline(t))):
			t.Fatalf("no answer posted by the test's deadline\nreplica A:\n%s\nreplica B:\n%s", logsA, logsB)
		}
		return ""
	}

	// Thread 1: the mention to replica A, the follow-up to replica B.
	event(a, "Ev01", "app_mention", "<@UBOT> What was the FY2026 refugee cap?", "1700000000.000100", "")
	first := next("1700000000.000100")
	if !strings.Contains(first, "7,500") {
		t.Fatalf("answer %s; want 7,500", first)
	}
	event(b, "Ev02", "message", "and in fiscal 2024?", "1700000000.000200", "1700000000.000100")
	viaB := next("1700000000.000100")

	// Thread 2: both to replica A, the answer a single replica gives.
	event(a, "Ev03", "app_mention", "<@UBOT> What was the FY2026 refugee cap?", "1700000001.000100", "")
	next("1700000001.000100")
	event(a, "Ev04", "message", "and in fiscal 2024?", "1700000001.000200", "1700000001.000100")
	viaA := next("1700000001.000100")
	// The answers differ only in their record IDs (on the vote buttons).
	ids := regexp.MustCompile(`"value":"[0-9a-f]{20}"`)
	if ids.ReplaceAllString(viaB, "ID") != ids.ReplaceAllString(viaA, "ID") {
		t.Errorf("the follow-up answered by the other replica:\n%s\ndiffers from one replica's answer:\n%s", viaB, viaA)
	}
	if !strings.Contains(viaB, "100,000") {
		t.Errorf("the follow-up's answer %s; want the FY2024 figure (100,000+), answered with the thread's context", viaB)
	}
}
