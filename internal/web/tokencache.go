package web

import (
	"sync"
	"time"

	"github.com/perisai/perisai/internal/access"
)

// tokenTTL is how long an API token's principal is remembered. Every request of a busy client
// would otherwise read the token and the user's scope again; the price is that a revoked token
// or a changed scope takes effect within this time.
const tokenTTL = 10 * time.Second

type tokenCache struct{ m sync.Map }

type cachedPrincipal struct {
	p       access.Principal
	expires time.Time
}

func (c *tokenCache) get(token string) (access.Principal, bool) {
	v, ok := c.m.Load(token)
	if !ok {
		return access.Principal{}, false
	}
	cp := v.(cachedPrincipal)
	if time.Now().After(cp.expires) {
		c.m.Delete(token)
		return access.Principal{}, false
	}
	return cp.p, true
}

func (c *tokenCache) put(token string, p access.Principal) {
	c.m.Store(token, cachedPrincipal{p: p, expires: time.Now().Add(tokenTTL)})
}

// forget drops every cached principal, as when a token is revoked through this server.
func (c *tokenCache) forget() { c.m.Clear() }
