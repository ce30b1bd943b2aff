// Package sigv4 authenticates incoming requests signed with AWS Signature
// Version 4, in both forms AWS accepts: the Authorization header and the
// presigned URL (query parameters). It owns the whole check: parsing what
// the client claims, the clock window, the credential scope, the session
// token of temporary keys, the canonical request rebuilt from the raw
// request, and the signature, compared in constant time.
//
// The client's SignedHeaders list is the truth: clients sign different
// header sets (the AWS CLI signs content-type;host;x-amz-date, the Go SDK
// adds content-length and its amz-sdk-* headers), so the verifier signs
// exactly what the client listed, read from the request as it arrived.
//
// The package does no I/O: the caller reads the body once and passes it in,
// and access keys are resolved through a CredentialStore. Errors are
// *warden.Error values with the AWS codes of the Query protocol; JSONCode
// gives their restJson1 names.
package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

// Payload hash values other than a SHA-256 digest that a client may sign
// ("Signature Calculations for the Authorization Header" and "Event stream
// encoding").
const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	streamingEvents = "STREAMING-AWS4-HMAC-SHA256-EVENTS"
)

const (
	// DefaultMaxSkew is how far a request's time may be from the server's
	// clock: AWS rejects requests more than 15 minutes off.
	DefaultMaxSkew = 15 * time.Minute

	// defaultPresignExpiry is the lifetime of a presigned URL that carries
	// no X-Amz-Expires, as aws-sdk-go-v2's sts.PresignGetCallerIdentity
	// emits them.
	defaultPresignExpiry = 15 * time.Minute
)

// Credentials is what a CredentialStore knows about one access key.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is set for temporary credentials (ASIA… keys issued by
	// STS). A request signed with them must carry the same token.
	SessionToken string
	// SessionTokenSHA256 may stand in for SessionToken: the SHA-256 digest
	// of the token, for stores that keep only a digest so that their data
	// cannot be replayed as a session. The request's token must hash to it.
	SessionTokenSHA256 []byte
	// Expires is when temporary credentials stop working; zero for a
	// long-term key.
	Expires time.Time
	// Principal is the caller the key belongs to. The verifier does not look
	// at it; it comes back in Result for the authorizer.
	Principal any
}

// CredentialStore resolves access key ids. LookupAccessKey returns an error
// with code warden.EInvalidClientTokenID for a key it does not know (or that
// is inactive); any other error is taken as a failure of the store.
type CredentialStore interface {
	LookupAccessKey(ctx context.Context, accessKeyID string) (*Credentials, error)
}

// Verifier checks SigV4 signatures. Set its fields before first use and do
// not copy it afterwards: it holds a cache of derived signing keys. It is
// safe for concurrent use.
type Verifier struct {
	Credentials CredentialStore
	// Services holds the signing names this endpoint answers to (iam, sts,
	// health-agent, …). A credential scoped to any other service is refused;
	// an empty map refuses every request.
	Services map[string]bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is the tolerated distance between the request time and Now;
	// zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// KeyCacheSize bounds the number of cached signing keys; zero means 4096.
	KeyCacheSize int

	keys keyCache
}

// Result describes an authenticated request.
type Result struct {
	Credentials *Credentials
	AccessKeyID string
	Region      string
	Service     string
	SignedAt    time.Time
	Presigned   bool
	// PayloadHash is the payload line of the canonical request: the body's
	// hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-EVENTS.
	PayloadHash string
	// Signature is the request's hex signature, the seed of an event
	// stream's chain of frame signatures.
	Signature string
	// SignedHeaders is the client's ';'-separated list of signed headers.
	SignedHeaders string
}

// HeaderSigned reports whether the header name (in any case) was signed.
// Handlers must not act on a header that was not.
func (res *Result) HeaderSigned(name string) bool {
	return signedHeaderListed(res.SignedHeaders, name)
}

// Verify authenticates r, whose body the caller has already read into body.
// Failures are *warden.Error values with these codes:
//
//   - MissingAuthenticationToken: no signature at all. The caller may let
//     such a request through for the few operations that need no
//     credentials (AssumeRoleWithWebIdentity, AssumeRoleWithSAML).
//   - IncompleteSignature: a malformed or incomplete signature, an unsigned
//     X-Amz-Date or X-Amz-Security-Token, or a signing scheme other than
//     AWS4-HMAC-SHA256 (SigV4a, SigV2).
//   - SignatureDoesNotMatch: a wrong signature, a credential scope for
//     another service or date, or a request time more than MaxSkew away.
//   - RequestExpired: a presigned URL past its X-Amz-Expires.
//   - InvalidClientTokenId: an unknown access key, or a session token that
//     does not belong to it.
//   - ExpiredToken: temporary credentials past their expiry.
//
// Any other error is a failure of the CredentialStore.
func (v *Verifier) Verify(r *http.Request, body []byte) (*Result, error) {
	return v.verify(r, body, false)
}

// VerifyEventStream authenticates the initial request of an event stream
// operation. Its body is the stream itself, so the client signs the literal
// STREAMING-AWS4-HMAC-SHA256-EVENTS in place of a payload hash, and each
// frame is then signed in a chain seeded with Result.Signature.
func (v *Verifier) VerifyEventStream(r *http.Request) (*Result, error) {
	return v.verify(r, nil, true)
}

func (v *Verifier) verify(r *http.Request, body []byte, eventStream bool) (*Result, error) {
	now := v.now().UTC()
	params, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, incompleteSignature("The query string is not validly URI-encoded.")
	}

	var c claim
	authHeaders := r.Header["Authorization"]
	_, presignParams := lookupParam(params, paramAlgorithm)
	switch {
	case len(authHeaders) > 0 && presignParams > 0:
		return nil, incompleteSignature("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.")
	case len(authHeaders) > 0:
		c, err = headerClaim(r, authHeaders)
	case presignParams > 0:
		c, err = presignedClaim(r, params)
	default:
		return nil, noAuthentication(r, params, body)
	}
	if err != nil {
		return nil, err
	}

	if err := v.checkScope(c); err != nil {
		return nil, err
	}
	if err := v.checkTime(c, now); err != nil {
		return nil, err
	}
	payload, tryUnsigned, err := payloadHash(c, body, eventStream)
	if err != nil {
		return nil, err
	}

	creds, err := v.lookup(r.Context(), c.credential.accessKeyID)
	if err != nil {
		return nil, err
	}
	key := v.keys.signingKey(c.credential, creds.SecretAccessKey, v.keyCacheSize())
	payload, err = checkSignature(r, params, c, key, payload, tryUnsigned)
	if err != nil {
		return nil, err
	}
	if err := checkToken(c, creds, now); err != nil {
		return nil, err
	}

	res := c.result(creds, payload)
	return &res, nil
}

// result describes the request once its claim has been verified with
// creds, the payload line that matched its signature.
func (c *claim) result(creds *Credentials, payload string) Result {
	return Result{
		Credentials:   creds,
		AccessKeyID:   c.credential.accessKeyID,
		Region:        c.credential.region,
		Service:       c.credential.service,
		SignedAt:      c.signedAt,
		Presigned:     c.presigned,
		PayloadHash:   payload,
		Signature:     c.signature,
		SignedHeaders: c.signedHeaders,
	}
}

// checkScope checks the credential scope against the request: the service
// must be one this endpoint serves and the date that of the request time.
// Any region is accepted: with a custom endpoint, clients sign with whatever
// region they are configured for.
func (v *Verifier) checkScope(c claim) error {
	if !v.Services[c.credential.service] {
		var served []string
		for name, ok := range v.Services {
			if ok {
				served = append(served, "'"+name+"'")
			}
		}
		if len(served) == 0 {
			return signatureMismatch("Credential should be scoped to correct service; this endpoint serves none.")
		}
		slices.Sort(served)
		return signatureMismatch("Credential should be scoped to correct service: %s.", strings.Join(served, " or "))
	}
	if c.credential.date != c.amzDate[:8] {
		return signatureMismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			c.credential.date, c.amzDate[:8], c.amzDate)
	}
	return nil
}

// checkTime enforces the clock window: a signed request is good for MaxSkew
// either side of its time; a presigned URL from its time (less MaxSkew, for
// the signer's clock) until X-Amz-Expires later. The messages are AWS's.
func (v *Verifier) checkTime(c claim, now time.Time) error {
	skew := v.maxSkew()
	if latest := now.Add(skew); c.signedAt.After(latest) {
		return signatureMismatch("Signature not yet current: %s is still later than %s (%s + %s.)",
			c.amzDate, latest.Format(amzDateLayout), now.Format(amzDateLayout), describeSkew(skew))
	}
	if c.presigned {
		if now.After(c.signedAt.Add(c.expires)) {
			return requestExpired()
		}
		return nil
	}
	if earliest := now.Add(-skew); c.signedAt.Before(earliest) {
		return signatureMismatch("Signature expired: %s is now earlier than %s (%s - %s.)",
			c.amzDate, earliest.Format(amzDateLayout), now.Format(amzDateLayout), describeSkew(skew))
	}
	return nil
}

func describeSkew(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}

// payloadHash decides the payload line of the canonical request. Only a
// digest of the body actually received proves the body was signed; the two
// literal stand-ins are allowed where the body cannot be hashed up front (an
// event stream) or where there is none (a presigned URL). tryUnsigned tells
// the caller that a presigned request without a body may have been signed
// with UNSIGNED-PAYLOAD, as S3-style presigners do, without saying so.
func payloadHash(c claim, body []byte, eventStream bool) (hash string, tryUnsigned bool, err error) {
	declared := c.declaredPayload
	switch {
	case eventStream:
		if declared != streamingEvents {
			return "", false, incompleteSignature("Event stream requests must be signed with X-Amz-Content-Sha256: %s.", streamingEvents)
		}
		return declared, false, nil
	case declared == streamingEvents:
		return "", false, incompleteSignature("X-Amz-Content-Sha256 %s is accepted only by event stream operations.", streamingEvents)
	case declared == unsignedPayload:
		if !c.presigned {
			return "", false, incompleteSignature("X-Amz-Content-Sha256 %s is accepted only on presigned requests.", unsignedPayload)
		}
		if len(body) > 0 {
			return "", false, incompleteSignature("X-Amz-Content-Sha256 %s is accepted only on requests without a body.", unsignedPayload)
		}
		return declared, false, nil
	case strings.HasPrefix(declared, "STREAMING-"):
		return "", false, incompleteSignature("X-Amz-Content-Sha256 %s (chunked payload signing) is not supported.", declared)
	}

	sum := sha256.Sum256(body)
	var digest [2 * sha256.Size]byte
	hex.Encode(digest[:], sum[:])
	if declared != "" {
		if !isLowerHex(declared, len(digest)) {
			return "", false, incompleteSignature("X-Amz-Content-Sha256 '%s' is neither a lowercase hex SHA-256 digest nor a value Warden accepts.", declared)
		}
		if declared != string(digest[:]) {
			return "", false, signatureMismatch("%s", msgPayloadHash)
		}
		return declared, false, nil
	}
	return string(digest[:]), c.presigned && len(body) == 0, nil
}

func (v *Verifier) lookup(ctx context.Context, accessKeyID string) (*Credentials, error) {
	if v.Credentials == nil {
		return nil, errors.New("sigv4: Verifier has no CredentialStore")
	}
	creds, err := v.Credentials.LookupAccessKey(ctx, accessKeyID)
	if err != nil {
		if _, ok := errors.AsType[*warden.Error](err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("sigv4: looking up access key: %w", err)
	}
	if creds == nil {
		return nil, invalidClientToken("unknown access key id")
	}
	return creds, nil
}

// checkSignature rebuilds the canonical request and compares its signature
// with the client's. The path is tried as AWS normalizes it first and then
// as sent, because the AWS CLI signs the normalized path and the Go SDK the
// raw one; both forms are covered by the signature, so accepting either
// lets nothing unsigned through. It returns the payload line that matched.
func checkSignature(r *http.Request, params []queryParam, c claim, key [sha256.Size]byte, payload string, tryUnsigned bool) (string, error) {
	raw := rawPath(r)
	paths := [2]string{normalizePath(raw), raw}
	pathCount := 1
	if paths[0] != raw {
		pathCount = 2
	}
	payloads := [2]string{payload, unsignedPayload}
	payloadCount := 1
	if tryUnsigned {
		payloadCount = 2
	}

	buf := canonicalBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= maxPooledBuffer {
			canonicalBuffers.Put(buf)
		}
	}()
	var stringToSignBuf [256]byte
	var first error
	for _, path := range paths[:pathCount] {
		for _, p := range payloads[:payloadCount] {
			*buf = appendCanonicalRequest((*buf)[:0], r, params, c.presigned, c.signedHeaders, path, p)
			stringToSign := appendStringToSign(stringToSignBuf[:0], c.amzDate, c.credential.scope, *buf)
			got := hmacSHA256(key[:], stringToSign)
			if hmac.Equal(got[:], c.mac[:]) {
				return p, nil
			}
			if first == nil {
				first = mismatch(*buf, stringToSign)
			}
		}
	}
	return "", first
}

// canonicalBuffers recycles the buffers canonical requests are built in;
// one that grew past maxPooledBuffer (a request with huge signed headers) is
// left to the garbage collector rather than kept.
var canonicalBuffers = sync.Pool{New: func() any {
	buf := make([]byte, 0, 2048)
	return &buf
}}

const maxPooledBuffer = 64 << 10

// Temporary reports whether the credentials are temporary ones, which
// need a session token.
func (c *Credentials) Temporary() bool { return c.SessionToken != "" || c.SessionTokenSHA256 != nil }

// checkToken applies the rules for session tokens once the signature has
// proved the caller holds the secret: temporary credentials need their own
// token, unexpired; a long-term key takes none. AWS answers a token that
// does not belong to the key as an invalid one.
func checkToken(c claim, creds *Credentials, now time.Time) error {
	switch temporary := creds.Temporary(); {
	case !temporary && c.hasToken:
		return invalidClientToken("session token presented with a long-term access key")
	case temporary && !c.hasToken:
		return invalidClientToken("temporary access key used without its session token")
	case creds.SessionToken != "" && subtle.ConstantTimeCompare([]byte(c.token), []byte(creds.SessionToken)) != 1:
		return invalidClientToken("session token does not belong to the access key")
	case creds.SessionToken == "" && creds.SessionTokenSHA256 != nil && !tokenDigestMatches(c.token, creds.SessionTokenSHA256):
		return invalidClientToken("session token does not belong to the access key")
	}
	if !creds.Expires.IsZero() && !now.Before(creds.Expires) {
		return expiredToken()
	}
	return nil
}

// tokenDigestMatches compares the digest of a presented token with the
// stored one in constant time.
func tokenDigestMatches(token string, digest []byte) bool {
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], digest) == 1
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

func (v *Verifier) keyCacheSize() int {
	if v.KeyCacheSize > 0 {
		return v.KeyCacheSize
	}
	return defaultKeyCacheSize
}
