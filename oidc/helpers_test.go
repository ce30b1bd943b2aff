package oidc

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"testing"

	"github.com/warden-iam/warden/oidc/oidctest"
)

const testIssuer = "https://idp.example.test/tenant"

var (
	rsaOnce sync.Once
	rsaPair [2]*oidctest.Key
)

// rsaKeys returns two RSA key pairs generated once per test binary: RSA
// key generation is the slow part of these tests.
func rsaKeys(tb testing.TB) [2]*oidctest.Key {
	tb.Helper()
	rsaOnce.Do(func() {
		for i := range rsaPair {
			rsaPair[i] = oidctest.NewRSAKey(tb, "", "RS256")
		}
	})
	return rsaPair
}

// rsaKey is the provider's RSA key pair published under kid for alg.
func rsaKey(tb testing.TB, kid, alg string) *oidctest.Key { return rsaKeys(tb)[0].WithID(kid, alg) }

// otherRSAKey is a second RSA key pair, whose signatures the provider's
// keys must not verify.
func otherRSAKey(tb testing.TB, kid, alg string) *oidctest.Key {
	return rsaKeys(tb)[1].WithID(kid, alg)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// hs256 signs input with HMAC-SHA256 under secret: the "algorithm
// confusion" attack uses a provider's public key as the secret.
func hs256(input string, secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return m.Sum(nil)
}

// claims returns valid claims for testIssuer at now, with overrides; a nil
// override removes the claim.
func claims(now int64, overrides map[string]any) map[string]any {
	c := map[string]any{
		"iss": testIssuer, "sub": "repo:acme/app:ref:refs/heads/main", "aud": "sts.amazonaws.com",
		"iat": now - 10, "nbf": now - 10, "exp": now + 300,
	}
	for k, v := range overrides {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}
