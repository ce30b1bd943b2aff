package oidc

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/oidc/oidctest"
)

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	unix := now.Unix()
	rs256 := rsaKey(t, "rsa-1", "RS256")
	es256 := oidctest.NewECKey(t, "ec-1", "ES256")
	es384 := oidctest.NewECKey(t, "ec-384", "ES384")
	es512 := oidctest.NewECKey(t, "ec-521", "ES512")
	// The same RSA key published for RS384 and RS512 under other kids.
	rs384, rs512 := rsaKey(t, "rsa-384", "RS384"), rsaKey(t, "rsa-512", "RS512")
	ks, err := NewKeySet(Source{Issuer: testIssuer, Location: oidctest.WriteJWKS(t, rs256, es256, es384, es512, rs384, rs512)})
	if err != nil {
		t.Fatal(err)
	}
	want := Expectation{Issuer: testIssuer, ClientIDs: []string{"sts.amazonaws.com", "mobile-app"}, Now: now}

	// The algorithm-confusion attack: an HS256 token whose HMAC key is
	// the provider's public RSA key, which a careless verifier would use
	// as the secret.
	confusedInput := b64([]byte(`{"alg":"HS256","kid":"rsa-1"}`)) + "." + b64(mustJSON(claims(unix, nil)))
	confused := confusedInput + "." + b64(hs256(confusedInput, rs256.Signer().Public().(*rsa.PublicKey).N.Bytes()))

	// An ES256 signature in ASN.1 DER, as crypto/ecdsa.SignASN1 makes it,
	// instead of JWS's fixed-size r||s.
	derInput := b64([]byte(`{"alg":"ES256","kid":"ec-1"}`)) + "." + b64(mustJSON(claims(unix, nil)))
	digest := sha256.Sum256([]byte(derInput))
	der, err := ecdsa.SignASN1(rand.Reader, es256.Signer().(*ecdsa.PrivateKey), digest[:])
	if err != nil {
		t.Fatal(err)
	}

	valid := rs256.Sign(t, claims(unix, nil))
	tampered := valid[:strings.IndexByte(valid, '.')+1] + b64(mustJSON(claims(unix, map[string]any{"sub": "admin"}))) + valid[strings.LastIndexByte(valid, '.'):]

	tests := []struct {
		name     string
		token    string
		want     Expectation
		code     string // "" for a token accepted
		msg      string // part of the message
		audience string
	}{
		{name: "RS256", token: valid, audience: "sts.amazonaws.com"},
		{name: "ES256", token: es256.Sign(t, claims(unix, nil)), audience: "sts.amazonaws.com"},
		{name: "ES384", token: es384.Sign(t, claims(unix, nil)), audience: "sts.amazonaws.com"},
		{name: "ES512", token: es512.Sign(t, claims(unix, nil)), audience: "sts.amazonaws.com"},
		{name: "RS384", token: rs384.Sign(t, claims(unix, nil)), audience: "sts.amazonaws.com"},
		{name: "RS512", token: rs512.Sign(t, claims(unix, nil)), audience: "sts.amazonaws.com"},
		{name: "no kid: every fitting key is tried", token: es256.SignHeader(t, map[string]any{"alg": "ES256"}, claims(unix, nil)), audience: "sts.amazonaws.com"},
		{name: "iss without scheme", token: rs256.Sign(t, claims(unix, map[string]any{"iss": "idp.example.test/tenant"})), audience: "sts.amazonaws.com"},
		{name: "aud list, second registered", token: rs256.Sign(t, claims(unix, map[string]any{"aud": []string{"other", "mobile-app"}})), audience: "mobile-app"},
		{name: "azp registered wins", token: rs256.Sign(t, claims(unix, map[string]any{"aud": "sts.amazonaws.com", "azp": "mobile-app"})), audience: "mobile-app"},
		{name: "azp unregistered, aud registered", token: rs256.Sign(t, claims(unix, map[string]any{"azp": "web"})), audience: "sts.amazonaws.com"},
		{name: "within the skew after exp", token: rs256.Sign(t, claims(unix, map[string]any{"exp": unix - 30})), audience: "sts.amazonaws.com"},
		{name: "nbf within the skew", token: rs256.Sign(t, claims(unix, map[string]any{"nbf": unix + 30, "iat": unix + 30})), audience: "sts.amazonaws.com"},

		{name: "signed by another key", token: otherRSAKey(t, "rsa-1", "RS256").Sign(t, claims(unix, nil)), code: warden.EInvalidIdentityToken, msg: "signature does not verify"},
		{name: "tampered payload", token: tampered, code: warden.EInvalidIdentityToken, msg: "signature does not verify"},
		{name: "unknown kid", token: oidctest.NewECKey(t, "ec-9", "ES256").Sign(t, claims(unix, nil)), code: warden.EInvalidIdentityToken, msg: "Couldn't retrieve verification key"},
		{name: "kid of a key of another type", token: es256.SignHeader(t, map[string]any{"alg": "ES256", "kid": "rsa-1"}, claims(unix, nil)), code: warden.EInvalidIdentityToken, msg: "Couldn't retrieve verification key"},
		{name: "alg other than the key's", token: rs256.SignHeader(t, map[string]any{"alg": "RS384", "kid": "rsa-1"}, claims(unix, nil)), code: warden.EInvalidIdentityToken, msg: "Couldn't retrieve verification key"},
		{name: "ES256 signature in DER", token: derInput + "." + b64(der), code: warden.EInvalidIdentityToken, msg: "signature does not verify"},
		{name: "wrong issuer", token: rs256.Sign(t, claims(unix, map[string]any{"iss": "https://evil.example.test/tenant"})), code: warden.EInvalidIdentityToken, msg: "is not the identity provider"},
		{name: "http issuer", token: rs256.Sign(t, claims(unix, map[string]any{"iss": "http://idp.example.test/tenant"})), code: warden.EInvalidIdentityToken, msg: "is not the identity provider"},
		{name: "wrong audience", token: rs256.Sign(t, claims(unix, map[string]any{"aud": "someone-else"})), code: warden.EInvalidIdentityToken, msg: "Incorrect token audience"},
		{name: "no audience", token: rs256.Sign(t, claims(unix, map[string]any{"aud": nil})), code: warden.EInvalidIdentityToken, msg: "Incorrect token audience"},
		{name: "provider without client IDs", token: valid, want: Expectation{Issuer: testIssuer, Now: now}, code: warden.EInvalidIdentityToken, msg: "Incorrect token audience"},
		{name: "expired", token: rs256.Sign(t, claims(unix, map[string]any{"exp": unix - 120})), code: warden.EExpiredTokenException,
			msg: "Token expired: current date/time 1800000000 must be before the expiration date/time 1799999880"},
		{name: "no exp", token: rs256.Sign(t, claims(unix, map[string]any{"exp": nil})), code: warden.EInvalidIdentityToken, msg: "no exp claim"},
		{name: "no sub", token: rs256.Sign(t, claims(unix, map[string]any{"sub": nil})), code: warden.EInvalidIdentityToken, msg: "no sub claim"},
		{name: "not valid yet", token: rs256.Sign(t, claims(unix, map[string]any{"nbf": unix + 600})), code: warden.EIDPRejectedClaim, msg: "not valid before 1800000600"},
		{name: "issued in the future", token: rs256.Sign(t, claims(unix, map[string]any{"iat": unix + 600, "nbf": nil})), code: warden.EIDPRejectedClaim, msg: "issued at 1800000600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			exp := want
			if tt.want.Issuer != "" {
				exp = tt.want
			}
			audience, err := tok.Verify(t.Context(), ks, exp)
			if tt.code == "" {
				if err != nil || audience != tt.audience {
					t.Fatalf("Verify = %q, %v; want %q", audience, err, tt.audience)
				}
				return
			}
			if warden.ErrorCode(err) != tt.code || !strings.Contains(warden.ErrorMessage(err), tt.msg) {
				t.Fatalf("Verify error = %v; want %s with %q", err, tt.code, tt.msg)
			}
		})
	}

	t.Run("HS256 with the public key as secret", func(t *testing.T) {
		if _, err := Parse(confused); warden.ErrorCode(err) != warden.EInvalidIdentityToken {
			t.Fatalf("Parse = %v; want InvalidIdentityToken", err)
		}
	})
	t.Run("issuer without keys", func(t *testing.T) {
		tok, err := Parse(valid)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tok.Verify(t.Context(), ks, Expectation{Issuer: "https://idp.example.test/tenant/", ClientIDs: want.ClientIDs, Now: now})
		if warden.ErrorCode(err) != warden.EInvalidIdentityToken {
			// The issuer differs before the keys are looked for.
			t.Fatalf("Verify = %v", err)
		}
		tok.Claims.Issuer = "https://other.example.test"
		_, err = tok.Verify(t.Context(), ks, Expectation{Issuer: "https://other.example.test", ClientIDs: want.ClientIDs, Now: now})
		if warden.ErrorCode(err) != warden.EIDPCommunicationError || !strings.Contains(warden.ErrorMessage(err), "--oidc-jwks") {
			t.Fatalf("Verify = %v; want IDPCommunicationError naming --oidc-jwks", err)
		}
		var none *KeySet
		if _, err := tok.Verify(t.Context(), none, Expectation{Issuer: "https://other.example.test", Now: now}); warden.ErrorCode(err) != warden.EIDPCommunicationError {
			t.Fatalf("Verify with no key set = %v", err)
		}
	})
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

func benchmarkVerify(b *testing.B, key *oidctest.Key) {
	now := time.Now()
	ks, err := NewKeySet(Source{Issuer: testIssuer, Location: oidctest.WriteJWKS(b, key)})
	if err != nil {
		b.Fatal(err)
	}
	raw := key.Sign(b, claims(now.Unix(), nil))
	want := Expectation{Issuer: testIssuer, ClientIDs: []string{"sts.amazonaws.com"}, Now: now}
	b.ReportAllocs()
	for b.Loop() {
		tok, err := Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tok.Verify(b.Context(), ks, want); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRS256(b *testing.B) { benchmarkVerify(b, rsaKey(b, "k", "RS256")) }

func BenchmarkVerifyES256(b *testing.B) {
	benchmarkVerify(b, oidctest.NewECKey(b, "k", "ES256"))
}
