package sqlstore

import (
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

// maxCacheEntries bounds each map of the authorization cache. When a map
// fills up it is emptied: IAM populations are small, so this only happens
// under a flood of distinct keys, and starting over is cheaper than
// tracking recency on every hit.
const maxCacheEntries = 50_000

// authCache holds the answers of the request-path lookups. Every entry
// belongs to one store generation; a committed write advances the
// generation, and the first access after that empties the cache. So once
// a write has returned, no lookup answers from the state before it.
//
// A loader reads the generation before it reads the database and stores
// its result under that generation, so a result read before a concurrent
// write can never be stored as current after it.
type authCache struct {
	mu         sync.RWMutex
	generation uint64
	keys       map[string]*credential
	principals map[string]*warden.PrincipalPolicies
	// users answers UserService.User, which every operation on a user
	// reads to authorize against the user's ARN and tags.
	users map[string]*warden.User
	// domains answers HealthService.Domain, which every Connect Health
	// request naming a domain reads for its ARN, status and tags (the
	// request's aws:ResourceTag).
	domains map[string]*warden.Domain
}

// credential is a cached AccessKey answer.
type credential struct {
	key       *warden.AccessKey
	principal *warden.Principal
}

func newAuthCache() *authCache {
	return &authCache{keys: map[string]*credential{}, principals: map[string]*warden.PrincipalPolicies{}, users: map[string]*warden.User{},
		domains: map[string]*warden.Domain{}}
}

func (c *authCache) credential(generation uint64, keyID string) (*credential, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.generation != generation {
		return nil, false
	}
	v, ok := c.keys[keyID]
	return v, ok
}

func (c *authCache) principalPolicies(generation uint64, arn string) (*warden.PrincipalPolicies, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.generation != generation {
		return nil, false
	}
	v, ok := c.principals[arn]
	return v, ok
}

func (c *authCache) user(generation uint64, key string) (*warden.User, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.generation != generation {
		return nil, false
	}
	v, ok := c.users[key]
	return v, ok
}

func (c *authCache) putUser(generation uint64, key string, v *warden.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.advance(generation) {
		if len(c.users) >= maxCacheEntries {
			clear(c.users)
		}
		c.users[key] = v
	}
}

func (c *authCache) domain(generation uint64, key string) (*warden.Domain, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.generation != generation {
		return nil, false
	}
	v, ok := c.domains[key]
	return v, ok
}

func (c *authCache) putDomain(generation uint64, key string, v *warden.Domain) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.advance(generation) {
		if len(c.domains) >= maxCacheEntries {
			clear(c.domains)
		}
		c.domains[key] = v
	}
}

func (c *authCache) putCredential(generation uint64, keyID string, v *credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.advance(generation) {
		if len(c.keys) >= maxCacheEntries {
			clear(c.keys)
		}
		c.keys[keyID] = v
	}
}

func (c *authCache) putPrincipalPolicies(generation uint64, arn string, v *warden.PrincipalPolicies) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.advance(generation) {
		if len(c.principals) >= maxCacheEntries {
			clear(c.principals)
		}
		c.principals[arn] = v
	}
}

// advance moves the cache to generation, emptying it if that is newer, and
// reports whether an entry of that generation may be stored. c.mu must be
// held for writing.
func (c *authCache) advance(generation uint64) bool {
	switch {
	case generation < c.generation:
		return false
	case generation > c.generation:
		clear(c.keys)
		clear(c.principals)
		clear(c.users)
		clear(c.domains)
		c.generation = generation
	}
	return true
}

// keyUseLog coalesces last-used writes: a key signing a stream of requests
// for the same service and region is written at most once a minute. AWS
// documents last-used information as approximate (IAM User Guide, "Managing
// access keys for IAM users": the date is "the most recent date and time
// the access key was used", recorded with a delay).
type keyUseLog struct {
	mu   sync.Mutex
	last map[string]keyUse
}

type keyUse struct {
	service, region string
	at              time.Time
}

// keyUseInterval is how long a repeated use of a key for the same service
// and region goes unrecorded.
const keyUseInterval = time.Minute

// due reports whether a use should be written, and if so remembers it.
func (l *keyUseLog) due(keyID string, u keyUse) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.last[keyID]; ok && prev.service == u.service && prev.region == u.region &&
		u.at.Sub(prev.at) < keyUseInterval && !u.at.Before(prev.at) {
		return false
	}
	if l.last == nil || len(l.last) >= maxCacheEntries {
		l.last = map[string]keyUse{}
	}
	l.last[keyID] = u
	return true
}

// forget drops a key's entry, so that a failed write is retried next time.
func (l *keyUseLog) forget(keyID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.last, keyID)
}
