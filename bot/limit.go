package bot

import (
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a token bucket: up to Burst requests at once, refilled at
// PerSecond requests a second. A zero PerSecond means no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Unlimited reports whether r limits nothing.
func (r Rate) Unlimited() bool { return r.PerSecond <= 0 }

func (r Rate) String() string {
	if r.Unlimited() {
		return "unlimited"
	}
	return fmt.Sprintf("%g/s, burst %d", r.PerSecond, r.Burst)
}

// DefaultLimiterKeys bounds the keys (users, channels, clients) one
// Limiter remembers.
const DefaultLimiterKeys = 10000

// Limiter keeps one token bucket (golang.org/x/time/rate) per key — a
// user, a channel, an HTTP client — so one busy key cannot slow the
// others. Its memory is bounded: a bucket unused for as long as it takes
// to refill is forgotten (a fresh bucket is the same thing), and beyond
// maxKeys the least recently used are dropped first. Safe for concurrent
// use; a nil *Limiter allows everything.
type Limiter struct {
	rate    Rate
	buckets *ttlCache[string, *rate.Limiter]
	now     func() time.Time
}

// NewLimiter returns a Limiter of r per key, remembering at most maxKeys
// keys (DefaultLimiterKeys when maxKeys < 1). It returns nil, which
// allows everything, when r is unlimited.
func NewLimiter(r Rate, maxKeys int) *Limiter {
	return newLimiter(r, maxKeys, time.Now)
}

func newLimiter(r Rate, maxKeys int, now func() time.Time) *Limiter {
	if r.Unlimited() {
		return nil
	}
	if r.Burst < 1 {
		r.Burst = 1
	}
	if maxKeys < 1 {
		maxKeys = DefaultLimiterKeys
	}
	// A bucket is full again refill after its last use; until then it
	// must be remembered, or a client could reset its limit by waiting
	// less than that. Rounded up, and at least a second.
	refill := time.Duration(math.Ceil(float64(r.Burst)/r.PerSecond*float64(time.Second))) + time.Second
	return &Limiter{rate: r, buckets: newTTLCache[string, *rate.Limiter](maxKeys, refill, now), now: now}
}

// Allow takes a token from key's bucket and reports true, or, when the
// bucket is empty, takes nothing and reports false with how long until a
// token will be there.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	res := l.reserve(key, now)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// reserve reserves a token of key's bucket at now (to be cancelled when
// it is not used).
func (l *Limiter) reserve(key string, now time.Time) *rate.Reservation {
	b := l.buckets.touch(key, func() *rate.Limiter {
		return rate.NewLimiter(rate.Limit(l.rate.PerSecond), l.rate.Burst)
	})
	return b.ReserveN(now, 1)
}

// keys counts the buckets remembered (tests).
func (l *Limiter) keys() int { return l.buckets.len() }

// Limits cap how often one user, and one channel, may ask a Chat
// anything that searches the documents (questions, quote checks, the
// source list; help is free). Zero Rates limit nothing.
type Limits struct {
	PerUser    Rate
	PerChannel Rate
}

// RateLimitedMessage is the reply to a message over its user's or its
// channel's limit.
const RateLimitedMessage = "You're asking faster than I can answer — try again in a few seconds."

// chatLimits applies Limits: a message must get a token from its user's
// bucket and from its channel's.
type chatLimits struct {
	user, channel *Limiter
}

func newChatLimits(l Limits, now func() time.Time) chatLimits {
	return chatLimits{user: newLimiter(l.PerUser, 0, now), channel: newLimiter(l.PerChannel, 0, now)}
}

// allow takes a token from both buckets, or from neither: a message
// refused by its channel's limit does not also use up its user's.
func (c chatLimits) allow(user, channel string) error {
	var now time.Time
	switch {
	case c.user != nil:
		now = c.user.now()
	case c.channel != nil:
		now = c.channel.now()
	default:
		return nil
	}
	var taken []*rate.Reservation
	for _, lk := range []struct {
		l   *Limiter
		key string
	}{{c.user, user}, {c.channel, channel}} {
		if lk.l == nil {
			continue
		}
		res := lk.l.reserve(lk.key, now)
		taken = append(taken, res)
		if wait := res.DelayFrom(now); wait > 0 {
			for _, r := range taken {
				r.CancelAt(now)
			}
			return &Error{Code: CodeRateLimited, Message: RateLimitedMessage, Err: fmt.Errorf("over the limit for %s; a token in %s", lk.l.rate, wait.Round(time.Millisecond))}
		}
	}
	return nil
}

// ErrorText is how a chat adapter words a failure for the user: the
// rate-limit notice as it stands, anything else as "Sorry — message.".
func ErrorText(err error) string {
	if ErrorCode(err) == CodeRateLimited {
		return ErrorMessage(err)
	}
	return "Sorry — " + ErrorMessage(err) + "."
}
