package bot

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestBoltStoreSurvivesKill9: a process records answers and votes as
// fast as it can and reports each one as SaveVote returns; it is killed
// with SIGKILL mid-stream, five times over on the same file. After each
// kill the file opens, bbolt's consistency check finds nothing, and
// every vote reported as saved is there with its answer, intact.
func TestBoltStoreSurvivesKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	committed := map[string]bool{}
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperVoteStorm$")
		cmd.Env = append(os.Environ(), "CITEBOT_TEST_HELPER_STORM="+path, "CITEBOT_TEST_HELPER_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		// Kill after a number of commits that differs per round, so the
		// kill lands at different points of a transaction.
		want, n := 50+round*37, 0
		for n < want && sc.Scan() {
			committed[sc.Text()] = true
			n++
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred code, no Close
			t.Fatal(err)
		}
		for sc.Scan() { // what it reported before dying counts too
			committed[sc.Text()] = true
		}
		cmd.Wait()
		if n < want {
			t.Fatalf("round %d: the writer stopped after %d votes", round, n)
		}

		s, err := OpenBoltStore(path)
		if err != nil {
			t.Fatalf("round %d: the store does not open after kill -9: %v", round, err)
		}
		err = s.db.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatalf("round %d: bbolt check: %v", round, err)
		}
		votes, err := s.Votes(context.Background())
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		have := map[string]bool{}
		for _, v := range votes {
			have[v.AnswerID] = true
			if _, ok, err := s.Answer(context.Background(), v.AnswerID); !ok || err != nil {
				t.Errorf("round %d: vote on %s has no answer record (%v)", round, v.AnswerID, err)
			}
		}
		for id := range committed {
			if !have[id] {
				t.Errorf("round %d: vote on %s was reported saved and is lost", round, id)
			}
		}
		s.Close()
	}
	t.Logf("%d committed votes across 5 kills, none lost", len(committed))
}

// TestHelperVoteStorm is the writer TestBoltStoreSurvivesKill9 kills;
// it does nothing in a normal run. It prints each answer ID once its
// vote is saved.
func TestHelperVoteStorm(t *testing.T) {
	s, ok := helperStore("CITEBOT_TEST_HELPER_STORM")
	if !ok {
		return
	}
	ctx := context.Background()
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		now := time.Now()
		id := fmt.Sprintf("r%s-%06d", os.Getenv("CITEBOT_TEST_HELPER_ROUND"), i)
		if err := s.SaveAnswer(ctx, sampleAnswer(id, now)); err != nil {
			os.Exit(4)
		}
		if _, err := s.SaveVote(ctx, Feedback{AnswerID: id, Platform: "slack", User: "U1", Vote: VoteUp, Time: now}); err != nil {
			os.Exit(5)
		}
		fmt.Fprintln(w, id)
		w.Flush()
	}
}
