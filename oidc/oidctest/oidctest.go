// Package oidctest is a test identity provider for AssumeRoleWithWebIdentity:
// key pairs the test generates, the JSON Web Key Set that publishes their
// public halves, and ID tokens signed with them. It is for tests only; its
// functions fail the test on any error.
package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Key is a signing key of the test provider.
type Key struct {
	ID        string // kid
	Algorithm string // alg: RS256, RS384, RS512, ES256, ES384 or ES512
	signer    crypto.Signer
}

var hashes = map[string]crypto.Hash{
	"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
	"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512,
}

var curves = map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}

// NewRSAKey generates a 2048-bit RSA key for alg (RS256, RS384 or RS512).
func NewRSAKey(tb testing.TB, kid, alg string) *Key {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return &Key{ID: kid, Algorithm: alg, signer: k}
}

// NewECKey generates an ECDSA key on the curve of alg (ES256: P-256,
// ES384: P-384, ES512: P-521).
func NewECKey(tb testing.TB, kid, alg string) *Key {
	tb.Helper()
	curve, ok := curves[alg]
	if !ok {
		tb.Fatalf("oidctest: %s is not an ECDSA algorithm", alg)
	}
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return &Key{ID: kid, Algorithm: alg, signer: k}
}

// WithID returns the same key pair published under another kid and alg.
func (k *Key) WithID(kid, alg string) *Key { return &Key{ID: kid, Algorithm: alg, signer: k.signer} }

// Signer is the private key.
func (k *Key) Signer() crypto.Signer { return k.signer }

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// JWK returns the key's public JWK, which a test may alter before
// publishing it.
func (k *Key) JWK() map[string]any {
	m := map[string]any{"kid": k.ID, "use": "sig", "alg": k.Algorithm}
	switch pub := k.signer.Public().(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64(pub.N.Bytes()), b64([]byte{1, 0, 1})
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		point, _ := pub.Bytes() // a generated key is valid
		m["kty"], m["crv"] = "EC", pub.Curve.Params().Name
		m["x"], m["y"] = b64(point[1:1+size]), b64(point[1+size:])
	}
	return m
}

// JWKS returns the JWK Set of the keys.
func JWKS(keys ...*Key) []byte {
	set := map[string][]map[string]any{"keys": {}}
	for _, k := range keys {
		set["keys"] = append(set["keys"], k.JWK())
	}
	data, _ := json.Marshal(set) // maps of strings always encode
	return data
}

// WriteJWKS writes the keys' JWK Set to a file in a test directory and
// returns its path.
func WriteJWKS(tb testing.TB, keys ...*Key) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "jwks.json")
	if err := os.WriteFile(path, JWKS(keys...), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Sign returns an ID token with the claims, signed with the key and
// naming it (alg, kid, typ JWT) in its header.
func (k *Key) Sign(tb testing.TB, claims map[string]any) string {
	tb.Helper()
	return k.SignHeader(tb, map[string]any{"alg": k.Algorithm, "kid": k.ID, "typ": "JWT"}, claims)
}

// SignHeader returns a token with the given header and claims, signed with
// the key by the header's alg (the key's own when the header has none it
// can sign with).
func (k *Key) SignHeader(tb testing.TB, header, claims map[string]any) string {
	tb.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		tb.Fatal(err)
	}
	input := b64(h) + "." + b64(c)
	alg, _ := header["alg"].(string)
	if _, ok := hashes[alg]; !ok {
		alg = k.Algorithm
	}
	return input + "." + b64(k.Signature(tb, alg, input))
}

// Signature signs input as JWS alg does: PKCS #1 v1.5 for RS, and for ES
// the fixed-size big-endian r and s concatenated.
func (k *Key) Signature(tb testing.TB, alg, input string) []byte {
	tb.Helper()
	hash := hashes[alg]
	h := hash.New()
	h.Write([]byte(input))
	digest := h.Sum(nil)
	switch priv := k.signer.(type) {
	case *rsa.PrivateKey:
		sig, err := rsa.SignPKCS1v15(rand.Reader, priv, hash, digest)
		if err != nil {
			tb.Fatal(err)
		}
		return sig
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, priv, digest)
		if err != nil {
			tb.Fatal(err)
		}
		size := (priv.Curve.Params().BitSize + 7) / 8
		sig := make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
		return sig
	}
	tb.Fatalf("oidctest: unsupported key %T", k.signer)
	return nil
}
