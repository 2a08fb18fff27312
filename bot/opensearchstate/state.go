// Package opensearchstate keeps the state that citebot serve replicas
// must share on an OpenSearch cluster (data.url:
// http[s]://HOST:PORT/PREFIX): the answers chat adapters gave and the
// votes on them (bot.Store), the conversations follow-ups take their
// context from (bot.ThreadStore), the conversation each of the bot's
// answer messages belongs to (bot.MessageStore: a Discord reply names
// the answer, not the conversation), and which chat deliveries were
// already handled (bot.DeliveryStore). Two replicas behind one address
// then answer a Slack thread's follow-up, or a reply to a Discord
// answer, alike whichever receives it, and a redelivery that reaches
// the other replica is still answered once.
//
// Each kind of record is an index, PREFIX-answers, PREFIX-votes,
// PREFIX-threads, PREFIX-messages and PREFIX-deliveries, created when
// missing. Records
// are read by _id, which OpenSearch serves in real time (no refresh
// wait), and written with optimistic concurrency where two replicas
// could race: a delivery is claimed with a create that only one wins.
// Expired threads, messages and deliveries are ignored when read and
// deleted from time to time.
package opensearchstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

// Options configure a Store.
type Options struct {
	// ThreadTTL is how long a conversation is remembered after its last
	// question, and an answer message after it was last recorded; 0
	// means bot.DefaultThreadTTL.
	ThreadTTL time.Duration
	// DeliveryTTL is how long a delivery is remembered; 0 means 2 hours
	// (past Slack's and Discord's redelivery horizons).
	DeliveryTTL time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Store is the shared state on one cluster. It implements bot.Store,
// bot.ThreadStore, bot.MessageStore and bot.DeliveryStore, and is safe
// for concurrent use.
// Close leaves the client open (it is the caller's).
type Store struct {
	c      *osclient.Client
	prefix string
	opts   Options

	mu        sync.Mutex
	lastPrune time.Time
}

var (
	_ bot.Store         = (*Store)(nil)
	_ bot.ThreadStore   = (*Store)(nil)
	_ bot.MessageStore  = (*Store)(nil)
	_ bot.DeliveryStore = (*Store)(nil)
)

// The indexes, by what they hold.
const (
	answersSuffix    = "-answers"
	votesSuffix      = "-votes"
	threadsSuffix    = "-threads"
	messagesSuffix   = "-messages"
	deliveriesSuffix = "-deliveries"
)

// Open returns the store under prefix on the cluster c, creating its
// indexes when missing.
func Open(ctx context.Context, c *osclient.Client, prefix string, opts Options) (*Store, error) {
	if opts.ThreadTTL <= 0 {
		opts.ThreadTTL = bot.DefaultThreadTTL
	}
	if opts.DeliveryTTL <= 0 {
		opts.DeliveryTTL = 2 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{c: c, prefix: prefix, opts: opts}
	opaque := map[string]any{"type": "object", "enabled": false}
	for suffix, props := range map[string]map[string]any{
		answersSuffix:    {"record": opaque, "time": map[string]any{"type": "date"}},
		votesSuffix:      {"key": map[string]any{"type": "keyword"}, "vote": opaque},
		threadsSuffix:    {"question": map[string]any{"type": "keyword", "index": false, "doc_values": false}, "open": map[string]any{"type": "boolean"}, "expires": map[string]any{"type": "date"}},
		messagesSuffix:   {"conversation": map[string]any{"type": "keyword", "index": false, "doc_values": false}, "expires": map[string]any{"type": "date"}},
		deliveriesSuffix: {"expires": map[string]any{"type": "date"}},
	} {
		body := map[string]any{"mappings": map[string]any{"dynamic": "strict", "properties": props}}
		err := c.Do(ctx, http.MethodPut, "/"+url.PathEscape(prefix+suffix), nil, body, nil)
		if err != nil && !osclient.IsType(err, "resource_already_exists_exception") {
			return nil, fmt.Errorf("shared state %s: create %s: %w", prefix, prefix+suffix, err)
		}
	}
	return s, nil
}

// Close implements bot.Store.
func (s *Store) Close() error { return nil }

func (s *Store) docPath(suffix, id string) string {
	return "/" + url.PathEscape(s.prefix+suffix) + "/_doc/" + url.PathEscape(id)
}

// got is a GET by id.
type got[T any] struct {
	Found       bool  `json:"found"`
	SeqNo       int64 `json:"_seq_no"`
	PrimaryTerm int64 `json:"_primary_term"`
	Source      T     `json:"_source"`
}

// get reads a record by id; found is false for none.
func get[T any](ctx context.Context, s *Store, suffix, id string) (got[T], error) {
	var g got[T]
	err := s.c.Do(ctx, http.MethodGet, s.docPath(suffix, id), nil, nil, &g)
	if osclient.IsStatus(err, http.StatusNotFound) && !osclient.IsType(err, "index_not_found_exception") {
		return got[T]{}, nil
	}
	return g, err
}

// put writes a record; with a previous version (seqNo ≥ 0) only if it is
// still that one, and with create only if there is none. It reports false
// when another writer came first.
func (s *Store) put(ctx context.Context, suffix, id string, doc any, seqNo, term int64, create bool) (bool, error) {
	q := url.Values{}
	switch {
	case create:
		q.Set("op_type", "create")
	case seqNo >= 0:
		q.Set("if_seq_no", strconv.FormatInt(seqNo, 10))
		q.Set("if_primary_term", strconv.FormatInt(term, 10))
	}
	err := s.c.Do(ctx, http.MethodPut, s.docPath(suffix, id), q, doc, nil)
	if osclient.IsStatus(err, http.StatusConflict) {
		return false, nil
	}
	return err == nil, err
}

type answerDoc struct {
	Record bot.AnswerRecord `json:"record"`
	Time   time.Time        `json:"time"`
}

// SaveAnswer implements bot.Store.
func (s *Store) SaveAnswer(ctx context.Context, rec bot.AnswerRecord) error {
	if _, err := s.put(ctx, answersSuffix, rec.ID, answerDoc{rec, rec.Time}, -1, 0, false); err != nil {
		return fmt.Errorf("save answer %s: %w", rec.ID, err)
	}
	s.maybePrune(ctx)
	return nil
}

// Answer implements bot.Store.
func (s *Store) Answer(ctx context.Context, id string) (bot.AnswerRecord, bool, error) {
	g, err := get[answerDoc](ctx, s, answersSuffix, id)
	if err != nil {
		return bot.AnswerRecord{}, false, fmt.Errorf("read answer %s: %w", id, err)
	}
	return g.Source.Record, g.Found, nil
}

type voteDoc struct {
	Key  string       `json:"key"`
	Vote bot.Feedback `json:"vote"`
}

// voteKey orders votes by answer (so by time), then voter, as the bbolt
// store does.
func voteKey(f bot.Feedback) string { return f.AnswerID + "\x00" + f.Platform + "\x00" + f.User }

// SaveVote implements bot.Store.
func (s *Store) SaveVote(ctx context.Context, f bot.Feedback) (bool, error) {
	k := voteKey(f)
	for range 5 {
		g, err := get[voteDoc](ctx, s, votesSuffix, k)
		if err != nil {
			return false, fmt.Errorf("save vote on answer %s: %w", f.AnswerID, err)
		}
		if g.Found && g.Source.Vote.Vote == f.Vote {
			return false, nil
		}
		seq := int64(-1)
		if g.Found {
			seq = g.SeqNo
		}
		ok, err := s.put(ctx, votesSuffix, k, voteDoc{k, f}, seq, g.PrimaryTerm, !g.Found)
		if err != nil {
			return false, fmt.Errorf("save vote on answer %s: %w", f.AnswerID, err)
		}
		if ok {
			return true, nil
		}
		// Another replica recorded a vote of this user meanwhile: look again.
	}
	return false, fmt.Errorf("save vote on answer %s: kept changing under concurrent writes", f.AnswerID)
}

// Votes implements bot.Store, in key order.
func (s *Store) Votes(ctx context.Context) ([]bot.Feedback, error) {
	index := "/" + url.PathEscape(s.prefix+votesSuffix)
	if err := s.c.Do(ctx, http.MethodPost, index+"/_refresh", nil, nil, nil); err != nil {
		return nil, fmt.Errorf("read votes: %w", err)
	}
	var out []bot.Feedback
	var after []any
	for {
		body := map[string]any{"size": 1000, "sort": []any{map[string]string{"key": "asc"}}}
		if after != nil {
			body["search_after"] = after
		}
		var res struct {
			Hits struct {
				Hits []struct {
					Source voteDoc `json:"_source"`
					Sort   []any   `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := s.c.Do(ctx, http.MethodPost, index+"/_search", nil, body, &res); err != nil {
			return nil, fmt.Errorf("read votes: %w", err)
		}
		for _, h := range res.Hits.Hits {
			out = append(out, h.Source.Vote)
		}
		if len(res.Hits.Hits) < 1000 {
			return out, nil
		}
		after = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
	}
}

type threadDoc struct {
	Question string    `json:"question"`
	Open     bool      `json:"open"`
	Expires  time.Time `json:"expires"`
}

// Remember implements bot.ThreadStore.
func (s *Store) Remember(ctx context.Context, key, question string, open bool) error {
	if key == "" {
		return nil
	}
	for range 5 {
		g, err := get[threadDoc](ctx, s, threadsSuffix, key)
		if err != nil {
			return fmt.Errorf("remember conversation: %w", err)
		}
		now := s.opts.Now()
		live := g.Found && now.Before(g.Source.Expires)
		doc := threadDoc{Question: question, Open: open || (live && g.Source.Open), Expires: now.Add(s.opts.ThreadTTL)}
		seq := int64(-1)
		if g.Found {
			seq = g.SeqNo
		}
		ok, err := s.put(ctx, threadsSuffix, key, doc, seq, g.PrimaryTerm, !g.Found)
		if err != nil {
			return fmt.Errorf("remember conversation: %w", err)
		}
		if ok {
			s.maybePrune(ctx)
			return nil
		}
	}
	return errors.New("remember conversation: kept changing under concurrent writes")
}

// Earlier implements bot.ThreadStore.
func (s *Store) Earlier(ctx context.Context, key string) (string, bool, bool, error) {
	if key == "" {
		return "", false, false, nil
	}
	g, err := get[threadDoc](ctx, s, threadsSuffix, key)
	if err != nil {
		return "", false, false, fmt.Errorf("read conversation: %w", err)
	}
	if !g.Found || !s.opts.Now().Before(g.Source.Expires) {
		return "", false, false, nil
	}
	return g.Source.Question, g.Source.Open, true, nil
}

type messageDoc struct {
	Conversation string    `json:"conversation"`
	Expires      time.Time `json:"expires"`
}

// PutMessage implements bot.MessageStore. A message belongs to one
// conversation, so replicas recording it at once write the same record:
// the last write wins, with no version check.
func (s *Store) PutMessage(ctx context.Context, messageID, key string) error {
	if messageID == "" || key == "" {
		return nil
	}
	doc := messageDoc{Conversation: key, Expires: s.opts.Now().Add(s.opts.ThreadTTL)}
	if _, err := s.put(ctx, messagesSuffix, messageID, doc, -1, 0, false); err != nil {
		return fmt.Errorf("record answer message: %w", err)
	}
	s.maybePrune(ctx)
	return nil
}

// Conversation implements bot.MessageStore.
func (s *Store) Conversation(ctx context.Context, messageID string) (string, bool, error) {
	if messageID == "" {
		return "", false, nil
	}
	g, err := get[messageDoc](ctx, s, messagesSuffix, messageID)
	if err != nil {
		return "", false, fmt.Errorf("read answer message: %w", err)
	}
	if !g.Found || !s.opts.Now().Before(g.Source.Expires) {
		return "", false, nil
	}
	return g.Source.Conversation, true, nil
}

type deliveryDoc struct {
	Expires time.Time `json:"expires"`
}

// First implements bot.DeliveryStore: the first replica to create the
// record wins; an expired record is taken over by whoever replaces that
// version first.
func (s *Store) First(ctx context.Context, key string) (bool, error) {
	doc := deliveryDoc{Expires: s.opts.Now().Add(s.opts.DeliveryTTL)}
	ok, err := s.put(ctx, deliveriesSuffix, key, doc, -1, 0, true)
	if err != nil || ok {
		if err != nil {
			return false, fmt.Errorf("check delivery: %w", err)
		}
		return true, nil
	}
	g, err := get[deliveryDoc](ctx, s, deliveriesSuffix, key)
	if err != nil {
		return false, fmt.Errorf("check delivery: %w", err)
	}
	if !g.Found || s.opts.Now().Before(g.Source.Expires) {
		return false, nil
	}
	ok, err = s.put(ctx, deliveriesSuffix, key, doc, g.SeqNo, g.PrimaryTerm, false)
	if err != nil {
		return false, fmt.Errorf("check delivery: %w", err)
	}
	return ok, nil
}

// pruneEvery is how often old records are deleted.
const pruneEvery = time.Hour

// maybePrune deletes, at most once per pruneEvery, answer records older
// than bot.AnswerRetention and expired threads, messages and
// deliveries. Failures only leave old records for the next time.
func (s *Store) maybePrune(ctx context.Context) {
	now := s.opts.Now()
	s.mu.Lock()
	due := now.Sub(s.lastPrune) > pruneEvery
	if due {
		s.lastPrune = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	s.deleteOlder(ctx, answersSuffix, "time", now.Add(-bot.AnswerRetention))
	s.deleteOlder(ctx, threadsSuffix, "expires", now)
	s.deleteOlder(ctx, messagesSuffix, "expires", now)
	s.deleteOlder(ctx, deliveriesSuffix, "expires", now)
}

// deleteOlder deletes the records of an index whose date field is before
// t (core OpenSearch has no delete-by-query: search, then bulk delete).
func (s *Store) deleteOlder(ctx context.Context, suffix, field string, t time.Time) {
	index := s.prefix + suffix
	for range 100 {
		body := map[string]any{"size": 1000, "_source": false, "query": map[string]any{"range": map[string]any{field: map[string]any{"lt": t.UTC().Format(time.RFC3339Nano)}}}}
		var res struct {
			Hits struct {
				Hits []struct {
					ID string `json:"_id"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := s.c.Do(ctx, http.MethodPost, "/"+url.PathEscape(index)+"/_search", nil, body, &res); err != nil || len(res.Hits.Hits) == 0 {
			return
		}
		var nd []byte
		for _, h := range res.Hits.Hits {
			line, _ := json.Marshal(map[string]any{"delete": map[string]string{"_index": index, "_id": h.ID}})
			nd = append(append(nd, line...), '\n')
		}
		if err := s.c.Do(ctx, http.MethodPost, "/_bulk", url.Values{"refresh": {"true"}}, nd, nil); err != nil {
			return
		}
	}
}
