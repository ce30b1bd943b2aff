package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// defaultKeyCacheSize bounds the signing-key cache when Verifier.KeyCacheSize
// is zero. A signing key lives for one UTC day, so an entry stands for one
// access key in one region and service on one day.
const defaultKeyCacheSize = 4096

// hmacSHA256 is HMAC-SHA256 (RFC 2104). It is written out over
// sha256.Sum256 rather than taken from crypto/hmac because crypto/hmac
// allocates two hash states per call and a request costs one HMAC; a test
// holds the two to the same results.
func hmacSHA256(key, data []byte) [sha256.Size]byte {
	if len(key) > sha256.BlockSize {
		long := sha256.Sum256(key)
		key = long[:]
	}
	var inner [sha256.BlockSize + 256]byte
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(inner[:], key)
	copy(outer[:], key)
	for i := range sha256.BlockSize {
		inner[i] ^= 0x36
		outer[i] ^= 0x5c
	}
	innerSum := sha256.Sum256(append(inner[:sha256.BlockSize], data...))
	copy(outer[sha256.BlockSize:], innerSum[:])
	return sha256.Sum256(outer[:])
}

// deriveSigningKey computes kSigning of "Calculate the signature for AWS
// Signature Version 4": an HMAC chain over the scope, keyed first by
// "AWS4" + the secret access key.
func deriveSigningKey(secret, date, region, service string) [sha256.Size]byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k[:], []byte(region))
	k = hmacSHA256(k[:], []byte(service))
	return hmacSHA256(k[:], []byte(scopeTerminator))
}

// appendStringToSign writes the string to sign of a canonical request:
// algorithm, request time, credential scope and the canonical request's
// hex SHA-256, one per line.
func appendStringToSign(buf []byte, amzDate, scope string, canonicalRequest []byte) []byte {
	sum := sha256.Sum256(canonicalRequest)
	buf = append(buf, algorithm...)
	buf = append(buf, '\n')
	buf = append(buf, amzDate...)
	buf = append(buf, '\n')
	buf = append(buf, scope...)
	buf = append(buf, '\n')
	return hex.AppendEncode(buf, sum[:])
}

// scopeKey names one derived signing key.
type scopeKey struct {
	accessKeyID, date, region, service string
}

type cachedKey struct {
	// secret is kept to notice a secret that changed under the same access
	// key id, so that a stale key is never used to accept a request.
	secret string
	key    [sha256.Size]byte
}

// keyCache holds derived signing keys, so that a request from a known key
// costs one HMAC instead of five. It is bounded: when full, an arbitrary
// entry (Go's map iteration order is randomized) makes room for the new one,
// which is enough since yesterday's keys are never asked for again.
type keyCache struct {
	mu      sync.RWMutex
	entries map[scopeKey]cachedKey
}

func (c *keyCache) signingKey(cred credential, secret string, limit int) [sha256.Size]byte {
	k := scopeKey{cred.accessKeyID, cred.date, cred.region, cred.service}
	c.mu.RLock()
	entry, ok := c.entries[k]
	c.mu.RUnlock()
	if ok && entry.secret == secret {
		return entry.key
	}

	key := deriveSigningKey(secret, cred.date, cred.region, cred.service)

	// The scope strings point into the request's Authorization header;
	// copies keep the cache from holding whole headers alive.
	k = scopeKey{strings.Clone(k.accessKeyID), strings.Clone(k.date), strings.Clone(k.region), strings.Clone(k.service)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[scopeKey]cachedKey)
	}
	if _, present := c.entries[k]; !present && len(c.entries) >= limit {
		for victim := range c.entries {
			delete(c.entries, victim)
			break
		}
	}
	c.entries[k] = cachedKey{secret: secret, key: key}
	return key
}

func (c *keyCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
