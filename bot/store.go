package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Vote is a user's judgement of an answer.
type Vote string

// Votes.
const (
	VoteUp   Vote = "up"
	VoteDown Vote = "down"
)

// ParseVote reads "up" or "down".
func ParseVote(s string) (Vote, bool) {
	switch v := Vote(s); v {
	case VoteUp, VoteDown:
		return v, true
	}
	return "", false
}

// AnswerRecord is an answer the bot gave in a chat, kept so buttons on
// the message (feedback, "share in channel") can refer to it by ID
// alone: Discord's button IDs hold 100 characters, far less than a
// question and its answer.
type AnswerRecord struct {
	// ID is time-ordered (so old records can be pruned in order) and
	// short (20 characters).
	ID       string `json:"id"`
	Platform string `json:"platform"`
	Channel  string `json:"channel"`
	User     string `json:"user"`
	// Question is the question answered: a follow-up resolved with its
	// context.
	Question    string    `json:"question"`
	Collections []string  `json:"collections,omitempty"`
	Reply       Reply     `json:"reply"`
	Time        time.Time `json:"time"`
}

// Feedback is one user's vote on one answer. It repeats the question and
// the short answer, so a vote stays readable after its AnswerRecord is
// pruned.
type Feedback struct {
	AnswerID string `json:"answer_id"`
	Platform string `json:"platform"`
	User     string `json:"user"`
	Channel  string `json:"channel"`
	Question string `json:"question"`
	// Answer is the short answer; empty when the bot declined.
	Answer   string    `json:"answer"`
	Answered bool      `json:"answered"`
	Vote     Vote      `json:"vote"`
	Time     time.Time `json:"time"`
}

// Store keeps the answers chat adapters gave and the votes on them. One
// store is shared by every adapter of a process (the bbolt file allows
// one writer). Implementations must be safe for concurrent use.
type Store interface {
	// SaveAnswer records an answer under rec.ID.
	SaveAnswer(ctx context.Context, rec AnswerRecord) error
	// Answer returns the record with this ID; false when there is none
	// (never given, or pruned).
	Answer(ctx context.Context, id string) (AnswerRecord, bool, error)
	// SaveVote records f as the vote of f.User on f.AnswerID, replacing
	// an earlier one, and reports whether anything changed (a repeated
	// click, or a platform's redelivery of it, changes nothing).
	SaveVote(ctx context.Context, f Feedback) (changed bool, err error)
	// Votes lists every vote (for exports and tests).
	Votes(ctx context.Context) ([]Feedback, error)
	Close() error
}

// AnswerRetention is how long answer records are kept: buttons on older
// messages then say the answer is gone. Votes are kept for good.
const AnswerRetention = 90 * 24 * time.Hour

// newAnswerID returns a 20-character ID that sorts by time: 12 hex
// digits of Unix milliseconds, then 8 random hex digits.
func newAnswerID(t time.Time) string {
	var r [4]byte
	rand.Read(r[:])
	return fmt.Sprintf("%012x%s", t.UnixMilli(), hex.EncodeToString(r[:]))
}

var (
	answersBucket = []byte("answers")
	votesBucket   = []byte("votes")
)

// BoltStore is the durable Store: one bbolt file (conventionally
// DATA_DIR/feedback.db). Every write is a transaction that bbolt fsyncs
// before it returns, so a recorded vote survives a crash or power loss.
// Answer records older than AnswerRetention are pruned as new ones are
// written.
type BoltStore struct {
	db  *bolt.DB
	now func() time.Time

	mu        sync.Mutex
	lastPrune time.Time
}

// OpenTimeout bounds the wait for the store's file lock, held by another
// citebot using the same data.dir.
const OpenTimeout = 2 * time.Second

// OpenBoltStore opens (creating when missing) the store at path.
func OpenBoltStore(path string) (*BoltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: OpenTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open feedback store %s: another process (a second citebot with the same data.dir?) holds it", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open feedback store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{answersBucket, votesBucket} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open feedback store %s: %w", path, err)
	}
	s := &BoltStore{db: db, now: time.Now}
	if err := s.prune(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// SaveAnswer implements Store.
func (s *BoltStore) SaveAnswer(_ context.Context, rec AnswerRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode answer %s: %w", rec.ID, err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(answersBucket).Put([]byte(rec.ID), b)
	}); err != nil {
		return fmt.Errorf("save answer %s: %w", rec.ID, err)
	}
	s.mu.Lock()
	due := s.now().Sub(s.lastPrune) > time.Hour
	s.mu.Unlock()
	if due {
		return s.prune()
	}
	return nil
}

// prune deletes answer records older than AnswerRetention; IDs sort by
// time, so it stops at the first young one.
func (s *BoltStore) prune() error {
	now := s.now()
	cutoff := []byte(fmt.Sprintf("%012x", now.Add(-AnswerRetention).UnixMilli()))
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(answersBucket).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:min(len(k), 12)], cutoff) < 0; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("prune old answers: %w", err)
	}
	s.mu.Lock()
	s.lastPrune = now
	s.mu.Unlock()
	return nil
}

// Answer implements Store.
func (s *BoltStore) Answer(_ context.Context, id string) (AnswerRecord, bool, error) {
	var rec AnswerRecord
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(answersBucket).Get([]byte(id))
		if b == nil {
			return nil
		}
		found = true
		return json.Unmarshal(b, &rec)
	})
	if err != nil {
		return AnswerRecord{}, false, fmt.Errorf("read answer %s: %w", id, err)
	}
	return rec, found, nil
}

// voteKey orders votes by answer (so by time), then voter.
func voteKey(f Feedback) []byte {
	return []byte(f.AnswerID + "\x00" + f.Platform + "\x00" + f.User)
}

// SaveVote implements Store.
func (s *BoltStore) SaveVote(_ context.Context, f Feedback) (bool, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return false, fmt.Errorf("encode vote: %w", err)
	}
	changed := false
	err = s.db.Update(func(tx *bolt.Tx) error {
		bucket := tx.Bucket(votesBucket)
		if old := bucket.Get(voteKey(f)); old != nil {
			var prev Feedback
			if json.Unmarshal(old, &prev) == nil && prev.Vote == f.Vote {
				return nil
			}
		}
		changed = true
		return bucket.Put(voteKey(f), b)
	})
	if err != nil {
		return false, fmt.Errorf("save vote on answer %s: %w", f.AnswerID, err)
	}
	return changed, nil
}

// Votes implements Store.
func (s *BoltStore) Votes(context.Context) ([]Feedback, error) {
	var out []Feedback
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(votesBucket).ForEach(func(k, v []byte) error {
			var f Feedback
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("vote %q: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read votes: %w", err)
	}
	return out, nil
}

// Close implements Store.
func (s *BoltStore) Close() error { return s.db.Close() }

// MemoryStore is the Store used when citebot has no data.dir: the same
// behaviour, kept in memory (bounded), lost on restart.
type MemoryStore struct {
	answers *ttlCache[string, AnswerRecord]

	mu    sync.Mutex
	votes map[string]Feedback
	order []string
}

// MemoryAnswers bounds the answers a MemoryStore keeps.
const MemoryAnswers = 10000

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		answers: newTTLCache[string, AnswerRecord](MemoryAnswers, AnswerRetention, nil),
		votes:   map[string]Feedback{},
	}
}

// SaveAnswer implements Store.
func (m *MemoryStore) SaveAnswer(_ context.Context, rec AnswerRecord) error {
	m.answers.put(rec.ID, rec)
	return nil
}

// Answer implements Store.
func (m *MemoryStore) Answer(_ context.Context, id string) (AnswerRecord, bool, error) {
	rec, ok := m.answers.get(id)
	return rec, ok, nil
}

// SaveVote implements Store.
func (m *MemoryStore) SaveVote(_ context.Context, f Feedback) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := string(voteKey(f))
	prev, ok := m.votes[k]
	if ok && prev.Vote == f.Vote {
		return false, nil
	}
	if !ok {
		m.order = append(m.order, k)
	}
	m.votes[k] = f
	return true, nil
}

// Votes implements Store.
func (m *MemoryStore) Votes(context.Context) ([]Feedback, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Feedback, 0, len(m.order))
	for _, k := range m.order {
		out = append(out, m.votes[k])
	}
	return out, nil
}

// Close implements Store.
func (m *MemoryStore) Close() error { return nil }
