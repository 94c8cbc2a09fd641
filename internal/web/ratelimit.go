package web

import (
	"sync"
	"time"
)

// limiter counts failed logins per key (username, client address) in a fixed window. It lives
// in memory: a restart forgives, which is acceptable for a single-binary deployment; several
// replicas would each count on their own.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
	now    func() time.Time
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(max int, per time.Duration) *limiter {
	return &limiter{max: max, window: per, hits: map[string]*window{}, now: time.Now}
}

// Blocked reports whether any key has used up its failures.
func (l *limiter) Blocked(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	for _, k := range keys {
		if w, ok := l.hits[k]; ok && t.Sub(w.start) < l.window && w.n >= l.max {
			return true
		}
	}
	return false
}

// Fail counts one failure against each key.
func (l *limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	if len(l.hits) > 100000 { // bound memory under a spray of usernames
		for k, w := range l.hits {
			if t.Sub(w.start) >= l.window {
				delete(l.hits, k)
			}
		}
	}
	for _, k := range keys {
		w, ok := l.hits[k]
		if !ok || t.Sub(w.start) >= l.window {
			w = &window{start: t}
			l.hits[k] = w
		}
		w.n++
	}
}

// Reset forgets a key's failures (after a successful login).
func (l *limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}
