package chat

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/citebot/citebot/bot"
)

// LogTurn logs what came of one turn of a conversation (what names
// where it came from: "slash command", "message"): answered, declined
// or a command at info; a refusal over the rate limit at info; a
// failure at warn; an ignored message at debug. The question itself is
// logged only at debug, so what users ask stays out of normal logs.
func LogTurn(log *slog.Logger, what string, t bot.Turn, err error) {
	outcome := "answered"
	switch {
	case bot.ErrorCode(err) == bot.CodeRateLimited:
		log.Info("rate limited", "handling", what, "error", err)
		return
	case err != nil:
		log.Warn("could not answer", "handling", what, "code", string(bot.ErrorCode(err)), "error", err)
		return
	case t.Action == bot.ActionIgnore:
		log.Debug("ignored a message", "handling", what, "why", t.Why)
		return
	case t.Action != bot.ActionAnswer:
		outcome = "command"
	case !t.Reply.Answered:
		outcome = "declined"
	}
	log.Info("answered", "handling", what, "outcome", outcome, "follow_up", t.FollowUp)
	log.Debug("question", "handling", what, "question", t.Question)
}

// Readiness is what a chat adapter's Ready reports: whether its
// start-up step has succeeded (Startup's report) and, for an adapter
// holding a platform connection, whether that is up. It is safe for
// concurrent use.
type Readiness struct {
	step string // names the start-up step in Ready's error ("slack web api")

	mu    sync.Mutex
	setup error
	conn  error
}

// NewReadiness starts with the start-up step (named step) not done yet,
// for the reason pending, and the connection in the state conn (nil
// for an adapter without one).
func NewReadiness(step string, pending, conn error) *Readiness {
	return &Readiness{step: step, setup: pending, conn: conn}
}

// SetSetup records the start-up step's outcome.
func (r *Readiness) SetSetup(err error) {
	r.mu.Lock()
	r.setup = err
	r.mu.Unlock()
}

// SetConn records the connection's state: nil when up, else why not.
func (r *Readiness) SetConn(err error) {
	r.mu.Lock()
	r.conn = err
	r.mu.Unlock()
}

// Err is nil when the adapter is ready, else why not: the start-up step
// first, then the connection.
func (r *Readiness) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.setup != nil {
		return fmt.Errorf("%s: %w", r.step, r.setup)
	}
	return r.conn
}
