package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	_ "crypto/sha256" // the hashes of the algorithms below
	_ "crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// algorithm is a JWS signature algorithm STS accepts (RFC 7518 §3.3 and
// §3.4).
type algorithm struct {
	hash crypto.Hash
	// curve is the ECDSA curve of an ES algorithm; nil for RSA.
	curve elliptic.Curve
}

var algorithms = map[string]algorithm{
	"RS256": {hash: crypto.SHA256},
	"RS384": {hash: crypto.SHA384},
	"RS512": {hash: crypto.SHA512},
	"ES256": {hash: crypto.SHA256, curve: elliptic.P256()},
	"ES384": {hash: crypto.SHA384, curve: elliptic.P384()},
	"ES512": {hash: crypto.SHA512, curve: elliptic.P521()},
}

// minRSABits is the smallest RSA modulus accepted: RFC 7518 §3.3 requires
// 2048 bits for the RS algorithms.
const minRSABits = 2048

// publicKey is one verification key of a key set.
type publicKey struct {
	id  string // kid
	alg string // the key's alg, "" when it does not restrict one
	rsa *rsa.PublicKey
	ec  *ecdsa.PublicKey
}

// fits reports whether the key may verify a signature made with alg.
func (k *publicKey) fits(alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	a, known := algorithms[alg]
	switch {
	case !known:
		return false
	case a.curve == nil:
		return k.rsa != nil
	}
	return k.ec != nil && k.ec.Curve == a.curve
}

// verify checks a signature over input made with alg. An ES signature is the two integers r and s as fixed-size big-endian
// octets, concatenated (RFC 7518 §3.4), not the ASN.1 form.
func (k *publicKey) verify(alg, input string, signature []byte) bool {
	if !k.fits(alg) {
		return false
	}
	a := algorithms[alg]
	h := a.hash.New()
	h.Write([]byte(input))
	digest := h.Sum(nil)
	if k.rsa != nil {
		return rsa.VerifyPKCS1v15(k.rsa, a.hash, digest, signature) == nil
	}
	size := (a.curve.Params().BitSize + 7) / 8
	if len(signature) != 2*size {
		return false
	}
	r := new(big.Int).SetBytes(signature[:size])
	s := new(big.Int).SetBytes(signature[size:])
	return ecdsa.Verify(k.ec, digest, r, s)
}

// maxKeys bounds a key set: a token without kid is tried against every
// key that fits, and no provider publishes more than a handful.
const maxKeys = 100

// jwk holds the members of a JSON Web Key (RFC 7517 §4, RFC 7518 §6)
// Warden reads.
type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseKeySet reads a JWK Set ({"keys": [...]}) and returns its signature
// verification keys. Keys Warden cannot use are skipped, not refused, as
// RFC 7517 §5 asks: encryption keys (use "enc"), symmetric keys (kty
// "oct", whose secret no provider publishes), other key types and curves,
// and RSA keys under 2048 bits. A set that is not JSON, or has more than
// 100 keys, is an error.
func parseKeySet(data []byte) ([]publicKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("not a JWK Set: %w", err)
	}
	if set.Keys == nil {
		return nil, errors.New("not a JWK Set: no keys member")
	}
	if len(set.Keys) > maxKeys {
		return nil, fmt.Errorf("the JWK Set has %d keys, more than %d", len(set.Keys), maxKeys)
	}
	var keys []publicKey
	for _, raw := range set.Keys {
		var k jwk
		if err := json.Unmarshal(raw, &k); err != nil {
			continue
		}
		if pk, ok := k.publicKey(); ok {
			keys = append(keys, pk)
		}
	}
	return keys, nil
}

func (k *jwk) publicKey() (publicKey, bool) {
	if k.Use != "" && k.Use != "sig" {
		return publicKey{}, false
	}
	if _, known := algorithms[k.Alg]; k.Alg != "" && !known {
		return publicKey{}, false
	}
	pk := publicKey{id: k.Kid, alg: k.Alg}
	switch k.Kty {
	case "RSA":
		n, err1 := decodePart(k.N)
		e, err2 := decodePart(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 || (len(n) > 0 && n[0] == 0) {
			return publicKey{}, false
		}
		exponent := new(big.Int).SetBytes(e)
		modulus := new(big.Int).SetBytes(n)
		if modulus.BitLen() < minRSABits || exponent.Int64() < 3 || exponent.Bit(0) == 0 {
			return publicKey{}, false
		}
		pk.rsa = &rsa.PublicKey{N: modulus, E: int(exponent.Int64())}
		if pk.alg != "" && algorithms[pk.alg].curve != nil {
			return publicKey{}, false
		}
	case "EC":
		curve := curves[k.Crv]
		if curve == nil {
			return publicKey{}, false
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := decodePart(k.X)
		y, err2 := decodePart(k.Y)
		// RFC 7518 §6.2.1.2: the coordinates are the full size of the
		// curve's field, leading zeros kept.
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return publicKey{}, false
		}
		point := append(append([]byte{4}, x...), y...)
		ec, err := ecdsa.ParseUncompressedPublicKey(curve, point) // checks the point is on the curve
		if err != nil {
			return publicKey{}, false
		}
		pk.ec = ec
		if pk.alg != "" && algorithms[pk.alg].curve != curve {
			return publicKey{}, false
		}
	default:
		return publicKey{}, false
	}
	return pk, true
}

var curves = map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}
