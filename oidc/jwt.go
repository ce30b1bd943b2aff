// Package oidc verifies the OpenID Connect ID tokens that
// AssumeRoleWithWebIdentity exchanges for credentials: it parses the JWT
// (RFC 7519) strictly, checks its signature (RS256, RS384, RS512, ES256,
// ES384, ES512, the algorithms STS accepts) against the identity
// provider's JSON Web Key Set, and checks issuer, audience and validity
// times. The key sets come from the operator, as files or loopback URLs
// (KeySet): Warden never fetches keys from the internet. Failures are
// warden.Errors with the STS codes (InvalidIdentityToken,
// ExpiredTokenException, IDPRejectedClaim, IDPCommunicationError).
package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// MaxTokenLength bounds a token in bytes; it is the limit of STS's
// WebIdentityToken parameter (clientTokenType).
const MaxTokenLength = 20000

// The claims AWS reads from a web identity token beyond the registered
// ones ("Passing session tags using AssumeRoleWithWebIdentity" and
// "Monitor and control actions taken with assumed roles", IAM User Guide).
const (
	ClaimSourceIdentity = "https://aws.amazon.com/source_identity"
	ClaimSessionTags    = "https://aws.amazon.com/tags"
)

// Token is a parsed JWT whose signature and claims are not checked yet:
// nothing in it may be trusted before Verify succeeds.
type Token struct {
	Header Header
	Claims Claims
	// signingInput is the header and payload as sent, which the signature
	// covers; signature is the decoded signature.
	signingInput string
	signature    []byte
}

// Header holds the JOSE header members Warden acts on.
type Header struct {
	Algorithm string // alg
	KeyID     string // kid; empty when the token names no key
}

// Claims holds the claims Warden acts on. Times are zero when absent.
type Claims struct {
	Issuer          string   // iss
	Subject         string   // sub
	Audience        []string // aud, a string or an array in the token
	AuthorizedParty string   // azp
	Expires         time.Time
	NotBefore       time.Time
	IssuedAt        time.Time
	// AuthMethods is amr, a string or an array in the token.
	AuthMethods []string
	// SourceIdentity is the https://aws.amazon.com/source_identity claim.
	SourceIdentity string
	// SessionTags is the https://aws.amazon.com/tags claim, nil when the
	// token has none.
	SessionTags *SessionTags
}

// SessionTags are the session tags an identity provider passes in a token:
// {"principal_tags": {"Key": ["value"]}, "transitive_tag_keys": ["Key"]}.
type SessionTags struct {
	// Tags are ordered by key.
	Tags           []warden.Tag
	TransitiveKeys []string
}

// Parse splits a compact-serialized JWS into its header, claims and
// signature. It checks the form only: three base64url parts without
// padding, JSON objects without duplicate members, claims of the right
// types, and an algorithm STS accepts (never "none" or an HMAC, whose key
// would be a secret the provider shares with nobody here).
//
// Returns InvalidIdentityToken.
func Parse(raw string) (*Token, error) {
	if len(raw) > MaxTokenLength {
		return nil, invalid("the token is longer than %d bytes", MaxTokenLength)
	}
	header64, rest, ok1 := strings.Cut(raw, ".")
	payload64, signature64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(signature64, ".") {
		return nil, invalid("a JWT has three parts separated by dots")
	}
	headerJSON, err := decodePart(header64)
	if err != nil {
		return nil, invalid("the header is not base64url: %v", err)
	}
	payloadJSON, err := decodePart(payload64)
	if err != nil {
		return nil, invalid("the payload is not base64url: %v", err)
	}
	signature, err := decodePart(signature64)
	if err != nil {
		return nil, invalid("the signature is not base64url: %v", err)
	}
	t := &Token{signingInput: raw[:len(header64)+1+len(payload64)], signature: signature}
	if err := t.Header.parse(headerJSON); err != nil {
		return nil, err
	}
	if err := t.Claims.parse(payloadJSON); err != nil {
		return nil, err
	}
	return t, nil
}

// decodePart decodes a base64url part in its one canonical form: no
// padding and no stray bits, so that a token has a single spelling.
func decodePart(s string) ([]byte, error) {
	return base64.RawURLEncoding.Strict().DecodeString(s)
}

func (h *Header) parse(data []byte) error {
	members, err := object(data)
	if err != nil {
		return invalid("the header is not a JSON object: %v", err)
	}
	if _, ok := members["crit"]; ok {
		// RFC 7515 §4.1.11: a recipient that does not understand a
		// critical extension must reject the token; Warden understands none.
		return invalid("the header has critical extensions (crit), which Warden does not support")
	}
	if h.Algorithm, err = stringMember(members, "alg"); err != nil {
		return err
	}
	if h.KeyID, err = stringMember(members, "kid"); err != nil {
		return err
	}
	if h.Algorithm == "" {
		return invalid("the header has no alg")
	}
	if _, ok := algorithms[h.Algorithm]; !ok {
		return invalid("the token is signed with %s; STS accepts RS256, RS384, RS512, ES256, ES384 and ES512", quoteShort(h.Algorithm))
	}
	return nil
}

func (c *Claims) parse(data []byte) error {
	m, err := object(data)
	if err != nil {
		return invalid("the payload is not a JSON object: %v", err)
	}
	for _, s := range []struct {
		name string
		dst  *string
	}{
		{"iss", &c.Issuer}, {"sub", &c.Subject}, {"azp", &c.AuthorizedParty}, {ClaimSourceIdentity, &c.SourceIdentity},
	} {
		if *s.dst, err = stringMember(m, s.name); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		name string
		dst  *[]string
	}{{"aud", &c.Audience}, {"amr", &c.AuthMethods}} {
		if *l.dst, err = stringOrList(m, l.name); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"exp", &c.Expires}, {"nbf", &c.NotBefore}, {"iat", &c.IssuedAt}} {
		if *d.dst, err = numericDate(m, d.name); err != nil {
			return err
		}
	}
	if raw, ok := m[ClaimSessionTags]; ok {
		if c.SessionTags, err = parseSessionTags(raw); err != nil {
			return err
		}
	}
	return nil
}

// object decodes a JSON object into its members, refusing duplicate names
// (a claim must have one value whoever reads it) and trailing data.
func object(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, err
	} else if tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	members := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name := tok.(string) // object keys are always strings
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		if _, dup := members[name]; dup {
			return nil, fmt.Errorf("member %s appears twice", quoteShort(name))
		}
		members[name] = value
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return members, nil
}

// stringMember returns a string member, "" when absent.
func stringMember(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok {
		return "", nil
	}
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", invalid("%s is not a string", quoteShort(name))
	}
	return s, nil
}

// stringOrList returns a member that may be a string or an array of
// strings (aud, amr), nil when absent.
func stringOrList(m map[string]json.RawMessage, name string) ([]string, error) {
	raw, ok := m[name]
	if !ok {
		return nil, nil
	}
	return stringOrListValue(name, raw)
}

func stringOrListValue(name string, raw json.RawMessage) ([]string, error) {
	var one string
	if isNull(raw) {
		return nil, invalid("%s is null", quoteShort(name))
	}
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, invalid("%s is neither a string nor an array of strings", quoteShort(name))
	}
	return list, nil
}

// isNull reports a JSON null, which encoding/json would quietly read as an
// empty value.
func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// numericDate reads a NumericDate claim. STS requires integers ("Timestamps
// in the token must be formatted as either an integer or a long integer",
// AssumeRoleWithWebIdentity).
func numericDate(m map[string]json.RawMessage, name string) (time.Time, error) {
	raw, ok := m[name]
	if !ok {
		return time.Time{}, nil
	}
	seconds, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || seconds < 0 || seconds > maxNumericDate {
		return time.Time{}, invalid("%s is not an integer number of seconds since the epoch", name)
	}
	return time.Unix(seconds, 0), nil
}

// maxNumericDate keeps dates within what time.Time and the comparisons
// with the current time handle (the year 9999).
const maxNumericDate = 253402300799

// parseSessionTags reads the session tags claim ("Passing session tags
// using AssumeRoleWithWebIdentity"): principal_tags maps each key to an
// array holding its one value (a plain string is accepted too), and
// transitive_tag_keys lists keys of principal_tags.
func parseSessionTags(raw json.RawMessage) (*SessionTags, error) {
	m, err := object(raw)
	if err != nil {
		return nil, invalid("%s is not a JSON object: %v", ClaimSessionTags, err)
	}
	st := &SessionTags{}
	if principal, ok := m["principal_tags"]; ok {
		tags, err := object(principal)
		if err != nil {
			return nil, invalid("principal_tags of %s is not a JSON object: %v", ClaimSessionTags, err)
		}
		for _, key := range slices.Sorted(maps.Keys(tags)) {
			values, err := stringOrListValue(key, tags[key])
			if err != nil || len(values) != 1 {
				return nil, invalid("the session tag %s must have exactly one string value", quoteShort(key))
			}
			st.Tags = append(st.Tags, warden.Tag{Key: key, Value: values[0]})
		}
	}
	if st.TransitiveKeys, err = stringOrList(m, "transitive_tag_keys"); err != nil {
		return nil, err
	}
	return st, nil
}

// quoteShort quotes a token-supplied string for a message, cut to a length
// that keeps messages readable whatever the client sent.
func quoteShort(s string) string {
	const limit = 64
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return strconv.Quote(s)
}

func invalid(format string, args ...any) error {
	return warden.Errorf(warden.EInvalidIdentityToken, "The web identity token is not a valid JWT: "+format+".", args...)
}
