package bot

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// ttlCache is a bounded map whose entries expire: at most size entries,
// the least recently written evicted first, each forgotten ttl after it
// was written. It is hand-written rather than taken from a library
// because the stores built on it (Threads, Dedup, Messages) need an
// injectable clock for deterministic tests and no background goroutine
// to stop; expiry is checked lazily on access. Safe for concurrent use.
type ttlCache[K comparable, V any] struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *ttlEntry, most recently written at the front
	items map[K]*list.Element
}

type ttlEntry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time
}

func newTTLCache[K comparable, V any](size int, ttl time.Duration, now func() time.Time) *ttlCache[K, V] {
	if size < 1 {
		size = 1
	}
	if now == nil {
		now = time.Now
	}
	return &ttlCache[K, V]{size: size, ttl: ttl, now: now, order: list.New(), items: map[K]*list.Element{}}
}

// get returns the live value under key.
func (c *ttlCache[K, V]) get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	e := el.Value.(*ttlEntry[K, V])
	if !c.now().Before(e.expires) {
		c.remove(el)
		var zero V
		return zero, false
	}
	return e.value, true
}

// put stores value under key, restarting its time to live.
func (c *ttlCache[K, V]) put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, value)
}

func (c *ttlCache[K, V]) putLocked(key K, value V) {
	expires := c.now().Add(c.ttl)
	if el, ok := c.items[key]; ok {
		e := el.Value.(*ttlEntry[K, V])
		e.value, e.expires = value, expires
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&ttlEntry[K, V]{key: key, value: value, expires: expires})
	c.evict()
}

// add stores value under key unless a live value is there, and reports
// whether it did: the atomic "first time?" check deduplication needs.
func (c *ttlCache[K, V]) add(key K, value V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		if c.now().Before(el.Value.(*ttlEntry[K, V]).expires) {
			return false
		}
		c.remove(el)
	}
	c.putLocked(key, value)
	return true
}

// touch returns the live value under key, or a new one from mk when
// there is none, and restarts its time to live either way: the entry
// then lives as long as it keeps being used.
func (c *ttlCache[K, V]) touch(key K, mk func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	value := mk
	if el, ok := c.items[key]; ok {
		e := el.Value.(*ttlEntry[K, V])
		if c.now().Before(e.expires) {
			v := e.value
			value = func() V { return v }
		}
	}
	v := value()
	c.putLocked(key, v)
	return v
}

// evict drops expired entries from the old end, then the oldest while
// over size.
func (c *ttlCache[K, V]) evict() {
	now := c.now()
	for el := c.order.Back(); el != nil; el = c.order.Back() {
		e := el.Value.(*ttlEntry[K, V])
		if c.order.Len() <= c.size && now.Before(e.expires) {
			return
		}
		c.remove(el)
	}
}

func (c *ttlCache[K, V]) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.items, el.Value.(*ttlEntry[K, V]).key)
}

func (c *ttlCache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Dedup remembers which deliveries were already handled, so a platform's
// at-least-once redeliveries (Slack's event retries and Socket Mode
// redeliveries, a Discord gateway replay after a resume) are answered
// once. Keys are whatever identifies a delivery on the platform (Slack's
// event_id, a message's channel and timestamp); callers should prefix
// them by kind. It is bounded and forgets keys after its time to live,
// which should exceed the platform's retry horizon (Slack retries for
// about five minutes). Safe for concurrent use.
type Dedup struct {
	c *ttlCache[string, struct{}]
}

// NewDedup remembers at most size keys, each for ttl.
func NewDedup(size int, ttl time.Duration) *Dedup {
	return &Dedup{newTTLCache[string, struct{}](size, ttl, nil)}
}

// First reports whether key is new (not seen within the time to live),
// and marks it seen. Of concurrent calls with one key, exactly one gets
// true.
func (d *Dedup) First(_ context.Context, key string) (bool, error) {
	return d.c.add(key, struct{}{}), nil
}
