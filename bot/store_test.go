package bot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval"
)

func sampleAnswer(id string, at time.Time) AnswerRecord {
	return AnswerRecord{
		ID: id, Platform: "slack", Channel: "C1", User: "U1",
		Question: "What was the FY2026 refugee cap?",
		Reply:    Reply{Answer: retrieval.Answer{Question: "What was the FY2026 refugee cap?", Answered: true, Short: "7,500"}},
		Time:     at,
	}
}

// testStore runs the behaviour every Store shares.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	id := newAnswerID(time.Now())
	if err := s.SaveAnswer(ctx, sampleAnswer(id, time.Now().UTC())); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := s.Answer(ctx, id)
	if err != nil || !ok || rec.Reply.Short != "7,500" || rec.Question != "What was the FY2026 refugee cap?" {
		t.Fatalf("Answer(%s) = %+v, %v, %v; want the saved record", id, rec, ok, err)
	}
	if _, ok, err := s.Answer(ctx, "000000000000deadbeef"); ok || err != nil {
		t.Errorf("Answer(unknown) = %v, %v; want not found, no error", ok, err)
	}

	vote := Feedback{AnswerID: id, Platform: "slack", User: "U2", Channel: "C1", Question: rec.Question, Answer: "7,500", Answered: true, Vote: VoteUp, Time: time.Now().UTC()}
	for i, want := range []bool{true, false} {
		if changed, err := s.SaveVote(ctx, vote); err != nil || changed != want {
			t.Errorf("SaveVote #%d (same vote) = %v, %v; want changed=%v", i+1, changed, err, want)
		}
	}
	vote.Vote = VoteDown
	if changed, err := s.SaveVote(ctx, vote); err != nil || !changed {
		t.Errorf("SaveVote (flipped to down) = %v, %v; want changed", changed, err)
	}
	other := vote
	other.User, other.Vote = "U3", VoteUp
	if changed, err := s.SaveVote(ctx, other); err != nil || !changed {
		t.Errorf("SaveVote (another user) = %v, %v; want changed", changed, err)
	}
	votes, err := s.Votes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Vote{}
	for _, v := range votes {
		got[v.User] = v.Vote
		if v.Question != rec.Question || v.Answer != "7,500" || v.AnswerID != id || v.Time.IsZero() {
			t.Errorf("vote %+v does not say which question, answer and when", v)
		}
	}
	if len(votes) != 2 || got["U2"] != VoteDown || got["U3"] != VoteUp {
		t.Errorf("votes = %+v; want U2 down (changed) and U3 up", votes)
	}
}

// openStore opens the bbolt store at path for the test, closing it at
// the end.
func openStore(t *testing.T, path string) *BoltStore {
	t.Helper()
	s, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// helperStore is the store of a helper process (a test that another
// test runs in a process of its own, with the store's path in the
// variable env); ok is false in a normal run, where env is not set. A
// store that does not open ends the process with status 3, the error on
// standard error.
func helperStore(env string) (s *BoltStore, ok bool) {
	path := os.Getenv(env)
	if path == "" {
		return nil, false
	}
	s, err := OpenBoltStore(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	return s, true
}

func TestMemoryStore(t *testing.T) { testStore(t, NewMemoryStore()) }

func TestBoltStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	s, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if votes, err := s.Votes(context.Background()); err != nil || len(votes) != 2 {
		t.Errorf("after reopening: %d votes, %v; want the 2 recorded", len(votes), err)
	}
}

func TestBoltStoreIsLockedAgainstASecondProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	openStore(t, path) // held open while the other process tries
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStoreProcess$")
	cmd.Env = append(os.Environ(), "CITEBOT_TEST_HELPER_STORE="+path, "CITEBOT_TEST_HELPER_MODE=open")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another process") {
		t.Errorf("a second process opening the store: err %v, output %s; want it refused, naming the reason", err, out)
	}
}

// TestBoltStoreVoteIsOnDiskWhenSaveReturns records a vote in another
// process that exits at once, without closing the store: the vote must
// be there when this process opens the file.
func TestBoltStoreVoteIsOnDiskWhenSaveReturns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStoreProcess$")
	cmd.Env = append(os.Environ(), "CITEBOT_TEST_HELPER_STORE="+path, "CITEBOT_TEST_HELPER_MODE=vote")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	s := openStore(t, path)
	votes, err := s.Votes(context.Background())
	if err != nil || len(votes) != 1 || votes[0].Vote != VoteDown || votes[0].User != "U9" {
		t.Errorf("votes after the writer exited = %+v, %v; want U9's down vote", votes, err)
	}
}

// TestHelperStoreProcess is the other process of the tests above; it does
// nothing in a normal run.
func TestHelperStoreProcess(t *testing.T) {
	s, ok := helperStore("CITEBOT_TEST_HELPER_STORE")
	if !ok {
		return
	}
	if os.Getenv("CITEBOT_TEST_HELPER_MODE") == "vote" {
		ctx := context.Background()
		id := newAnswerID(time.Now())
		if err := s.SaveAnswer(ctx, sampleAnswer(id, time.Now())); err != nil {
			os.Exit(4)
		}
		if _, err := s.SaveVote(ctx, Feedback{AnswerID: id, Platform: "slack", User: "U9", Vote: VoteDown, Time: time.Now()}); err != nil {
			os.Exit(5)
		}
	}
	os.Exit(0) // no Close: what SaveVote returned must already be on disk
}

func TestBoltStorePrunesOldAnswersNotVotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	s := openStore(t, path)
	ctx := context.Background()
	start := time.Now()
	old := newAnswerID(start)
	if err := s.SaveAnswer(ctx, sampleAnswer(old, start)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveVote(ctx, Feedback{AnswerID: old, Platform: "slack", User: "U1", Vote: VoteUp}); err != nil {
		t.Fatal(err)
	}
	// Three months on, a new answer triggers pruning.
	later := start.Add(AnswerRetention + 2*time.Hour)
	s.now = func() time.Time { return later }
	young := newAnswerID(later)
	if err := s.SaveAnswer(ctx, sampleAnswer(young, later)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Answer(ctx, old); ok {
		t.Error("an answer older than AnswerRetention survived pruning")
	}
	if _, ok, _ := s.Answer(ctx, young); !ok {
		t.Error("the new answer was pruned")
	}
	if votes, _ := s.Votes(ctx); len(votes) != 1 {
		t.Errorf("%d votes after pruning answers; want the vote kept", len(votes))
	}
	if len(young) != 20 || young <= old {
		t.Errorf("IDs %s then %s: want 20 characters, sorting by time", old, young)
	}
}
