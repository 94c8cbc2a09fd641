package web

import (
	"sync"
	"time"
)

// limiter slows down password guessing. Each key (a username at an address, or an address
// alone) may fail a number of times freely; after that every failure locks the key for a delay
// that doubles with each further failure, up to a ceiling. A key is forgotten once it has been
// quiet for the forget period.
//
// Two limiters guard the login: one per (username, address) that starts delaying early, so a
// guesser is slowed at once without touching anyone else, and one per address alone with a far
// higher threshold, against one address spraying many usernames. Nothing is keyed by username
// alone or blocks an address for one user's mistakes: a colleague in the same office, behind the
// same address, still logs in.
//
// It lives in memory: a restart forgives, which is acceptable for a single-binary deployment;
// several replicas would each count on their own.
type limiter struct {
	mu        sync.Mutex
	free      int           // failures allowed without delay
	base, max time.Duration // first delay, and the ceiling
	forget    time.Duration
	hits      map[string]*strikes
	now       func() time.Time
}

type strikes struct {
	n     int
	last  time.Time
	until time.Time
}

func newLimiter(free int, base, max, forget time.Duration) *limiter {
	return &limiter{free: free, base: base, max: max, forget: forget, hits: map[string]*strikes{}, now: time.Now}
}

// Blocked reports whether the key is locked now.
func (l *limiter) Blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.hits[key]
	return ok && l.now().Before(s.until)
}

// Fail counts one failure against the key.
func (l *limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	if len(l.hits) > 100000 { // bound memory under a spray of usernames
		for k, s := range l.hits {
			if t.Sub(s.last) >= l.forget && !t.Before(s.until) {
				delete(l.hits, k)
			}
		}
	}
	s, ok := l.hits[key]
	if !ok || (t.Sub(s.last) >= l.forget && !t.Before(s.until)) {
		s = &strikes{}
		l.hits[key] = s
	}
	s.n++
	s.last = t
	if over := s.n - l.free; over > 0 {
		d := l.max
		if over < 32 && l.base<<(over-1) < l.max {
			d = l.base << (over - 1)
		}
		s.until = t.Add(d)
	}
}

// Reset forgets a key's failures (after a successful login).
func (l *limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}
