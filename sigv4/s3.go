package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// This file authenticates requests to S3, which signs differently from
// every other service ("Authenticating Requests (AWS Signature Version 4)"
// in the Amazon S3 API Reference):
//
//   - the canonical URI is the path URI-encoded once, as sent, and is not
//     normalized: "a/../b" and "a//b" are object keys, not paths to clean;
//   - the payload line is whatever X-Amz-Content-Sha256 declares: a hex
//     SHA-256 of the body, UNSIGNED-PAYLOAD, or one of the STREAMING-…
//     values of an aws-chunked body, whose chunks carry signatures chained
//     from the request's ("Signature Calculations for the Authorization
//     Header: Transferring Payload in Multiple Chunks");
//   - errors have S3's codes (InvalidAccessKeyId, RequestTimeTooSkewed,
//     AuthorizationHeaderMalformed, …), not the Query protocol's.
//
// Bodies are never read here: an object may be gigabytes.
// S3Result.VerifiedBody wraps the body in a reader that checks, as the
// body streams past, what the signature promised about it.

// X-Amz-Content-Sha256 values for aws-chunked bodies.
const (
	StreamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	// UnsignedPayload leaves the body out of the signature.
	UnsignedPayload = unsignedPayload

	streamingV4aPrefix = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
)

// PayloadKind says how the body of an S3 request is protected.
type PayloadKind uint8

const (
	// PayloadSigned: the signature covers the body's SHA-256, which the
	// body must match.
	PayloadSigned PayloadKind = iota + 1
	// PayloadUnsigned: UNSIGNED-PAYLOAD (or a presigned URL); the body is
	// not covered.
	PayloadUnsigned
	// PayloadChunked: an aws-chunked body, each chunk signed in a chain
	// seeded by the request signature, with or without a signed trailer.
	PayloadChunked
	// PayloadChunkedUnsigned: an aws-chunked body without chunk signatures,
	// whose integrity rests on the checksum in its trailer.
	PayloadChunkedUnsigned
)

// S3Result describes an authenticated S3 request.
type S3Result struct {
	Result
	Payload PayloadKind
	// DecodedContentLength is X-Amz-Decoded-Content-Length, the length of
	// an aws-chunked body's data; -1 for other bodies.
	DecodedContentLength int64
	// Trailer lists the trailing headers an aws-chunked body announced in
	// X-Amz-Trailer, lower-cased.
	Trailer []string

	// What a chunk signature chain is computed with.
	key      [sha256.Size]byte
	amzDate  string
	scope    string
	seed     [sha256.Size]byte
	declared string
}

// VerifyS3 authenticates a request to S3 without reading its body. Only
// credentials scoped to the service "s3" are accepted, whatever Services
// holds, so one Verifier can serve S3 beside the other APIs. Failures are
// *warden.Error values with S3's codes:
//
//   - MissingAuthenticationToken: the request is not signed at all; S3
//     serves such anonymous requests only where a bucket policy allows
//     them, which is the caller's decision.
//   - AuthorizationHeaderMalformed / AuthorizationQueryParametersError: a
//     malformed signature, or one scoped to another service or date.
//   - SignatureDoesNotMatch: a wrong signature.
//   - RequestTimeTooSkewed: a request time more than MaxSkew away.
//   - AccessDenied: a presigned URL that has expired or is not yet valid.
//   - InvalidAccessKeyId: an unknown access key.
//   - InvalidToken, ExpiredToken: a session token that does not belong to
//     the key, or temporary credentials past their expiry.
//   - InvalidRequest, InvalidArgument, MissingContentLength: an absent or
//     unusable X-Amz-Content-Sha256, or an aws-chunked body without
//     X-Amz-Decoded-Content-Length.
//
// Any other error is a failure of the CredentialStore.
func (v *Verifier) VerifyS3(r *http.Request) (*S3Result, error) {
	now := v.now().UTC()
	params, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, warden.Errorf(warden.EInvalidArgument, "The query string is not validly URI-encoded.")
	}

	var c claim
	authHeaders := r.Header["Authorization"]
	_, presignParams := lookupParam(params, paramAlgorithm)
	switch {
	case len(authHeaders) > 0 && presignParams > 0:
		return nil, warden.Errorf(warden.EInvalidArgument, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case len(authHeaders) > 0:
		c, err = headerClaim(r, authHeaders)
	case presignParams > 0:
		c, err = presignedClaim(r, params)
	default:
		return nil, s3ClaimError(noAuthentication(r, params, nil), true)
	}
	if err != nil {
		return nil, s3ClaimError(err, presignParams > 0)
	}
	if c.credential.service != "s3" {
		return nil, s3ClaimError(signatureMismatch("The authorization header is malformed; incorrect service '%s'. This endpoint belongs to 's3'.", c.credential.service), c.presigned)
	}
	if c.credential.date != c.amzDate[:8] {
		return nil, s3ClaimError(signatureMismatch("The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date."), c.presigned)
	}
	if err := v.s3CheckTime(c, now); err != nil {
		return nil, err
	}
	res := &S3Result{DecodedContentLength: -1, declared: c.declaredPayload}
	payload, err := res.choosePayload(r, c)
	if err != nil {
		return nil, err
	}

	creds, err := v.lookup(r.Context(), c.credential.accessKeyID)
	if err != nil {
		if warden.ErrorCode(err) == warden.EInvalidClientTokenID {
			return nil, &warden.Error{Code: warden.EInvalidAccessKeyID, Message: "The AWS Access Key Id you provided does not exist in our records.", Op: op, Err: err}
		}
		return nil, err
	}
	key := v.keys.signingKey(c.credential, creds.SecretAccessKey, v.keyCacheSize())
	if err := checkS3Signature(r, params, c, key, payload); err != nil {
		return nil, err
	}
	if err := checkToken(c, creds, now); err != nil {
		if warden.ErrorCode(err) == warden.EExpiredToken {
			return nil, &warden.Error{Code: warden.EExpiredToken, Message: "The provided token has expired.", Op: op, Err: err}
		}
		if !creds.Temporary() && !c.hasToken {
			return nil, &warden.Error{Code: warden.EInvalidAccessKeyID, Message: "The AWS Access Key Id you provided does not exist in our records.", Op: op, Err: err}
		}
		return nil, &warden.Error{Code: warden.EInvalidToken, Message: "The provided token is malformed or otherwise invalid.", Op: op, Err: err}
	}

	res.Result = c.result(creds, payload)
	res.key, res.amzDate, res.scope, res.seed = key, c.amzDate, c.credential.scope, c.mac
	return res, nil
}

// s3ClaimError gives a malformed-signature error S3's code for the form the
// signature came in.
func s3ClaimError(err error, presigned bool) error {
	e, ok := errors.AsType[*warden.Error](err)
	if !ok {
		return err
	}
	switch e.Code {
	case warden.EIncompleteSignature, warden.ESignatureDoesNotMatch:
		code := warden.EAuthorizationHeaderMalformed
		if presigned {
			code = warden.EAuthorizationQueryParamsError
		}
		return &warden.Error{Code: code, Message: e.Message, Op: op, Err: e.Err}
	case warden.EInvalidClientTokenID:
		return &warden.Error{Code: warden.EInvalidAccessKeyID, Message: "The AWS Access Key Id you provided does not exist in our records.", Op: op, Err: e.Err}
	}
	return err
}

// s3CheckTime applies the clock window with S3's answers: a signed request
// too far from the server's clock is RequestTimeTooSkewed, which the SDKs
// correct their clock on; a presigned URL outside its validity is denied.
func (v *Verifier) s3CheckTime(c claim, now time.Time) error {
	err := v.checkTime(c, now)
	if err == nil {
		return nil
	}
	e, _ := errors.AsType[*warden.Error](err)
	if c.presigned {
		message := "Request is not valid yet"
		if e != nil && e.Code == warden.ERequestExpired {
			message = "Request has expired"
		}
		return &warden.Error{Code: warden.EAccessDenied, Message: message, Op: op, Err: err}
	}
	return &warden.Error{Code: warden.ERequestTimeTooSkewed, Message: "The difference between the request time and the current time is too large.", Op: op, Err: err}
}

// choosePayload reads X-Amz-Content-Sha256 and returns the payload line of
// the canonical request.
func (res *S3Result) choosePayload(r *http.Request, c claim) (string, error) {
	declared := c.declaredPayload
	switch {
	case declared == "" && c.presigned:
		// Presigned URLs sign UNSIGNED-PAYLOAD unless they say otherwise.
		res.Payload = PayloadUnsigned
		return unsignedPayload, nil
	case declared == "":
		return "", warden.Errorf(warden.EInvalidRequest, "Missing required header for this request: x-amz-content-sha256")
	case declared == unsignedPayload:
		res.Payload = PayloadUnsigned
	case isLowerHex(declared, 2*sha256.Size):
		res.Payload = PayloadSigned
	case declared == StreamingSigned || declared == StreamingSignedTrailer || declared == StreamingUnsignedTrailer:
		if c.presigned {
			return "", warden.Errorf(warden.EInvalidRequest, "aws-chunked payloads cannot be sent with a presigned URL.")
		}
		res.Payload = PayloadChunked
		if declared == StreamingUnsignedTrailer {
			res.Payload = PayloadChunkedUnsigned
		}
		if err := res.readChunkedHeaders(r, declared != StreamingSigned); err != nil {
			return "", err
		}
	case strings.HasPrefix(declared, streamingV4aPrefix):
		return "", warden.Errorf(warden.EInvalidRequest, "Signature Version 4A (%s) is not supported; sign requests with %s.", declared, algorithm)
	default:
		return "", warden.Errorf(warden.EInvalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, %s, %s, %s, or a valid sha256 value.",
			StreamingUnsignedTrailer, StreamingSigned, StreamingSignedTrailer)
	}
	return declared, nil
}

// maxTrailers bounds the trailing headers an aws-chunked body may announce;
// the SDKs send one checksum.
const maxTrailers = 8

// readChunkedHeaders reads the length of the decoded data and, for bodies
// with a trailer, the names of the trailing headers.
func (res *S3Result) readChunkedHeaders(r *http.Request, withTrailer bool) error {
	decoded := r.Header.Get("X-Amz-Decoded-Content-Length")
	n, err := strconv.ParseInt(decoded, 10, 64)
	if decoded == "" || err != nil || n < 0 {
		return warden.Errorf(warden.EMissingContentLength, "You must provide the Content-Length HTTP header.")
	}
	res.DecodedContentLength = n
	if !withTrailer {
		return nil
	}
	for _, value := range r.Header.Values("X-Amz-Trailer") {
		for name := range strings.SplitSeq(value, ",") {
			if name = strings.ToLower(trimBlank(name)); name != "" {
				res.Trailer = append(res.Trailer, name)
			}
		}
	}
	if len(res.Trailer) > maxTrailers {
		return warden.Errorf(warden.EInvalidRequest, "At most %d trailing headers may be announced in x-amz-trailer.", maxTrailers)
	}
	return nil
}

// checkS3Signature rebuilds the canonical request with S3's rules and
// compares signatures. The path is tried as sent and, when the client's
// escaping differs from the canonical one (a literal '!' or '(' in a key,
// lowercase hex digits), in canonical form: both decode to the same key,
// so accepting either lets nothing unsigned through.
func checkS3Signature(r *http.Request, params []queryParam, c claim, key [sha256.Size]byte, payload string) error {
	raw := rawPath(r)
	paths := [2]string{raw, canonicalS3Path(raw)}
	n := 1
	if paths[1] != raw {
		n = 2
	}
	buf := canonicalBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= maxPooledBuffer {
			canonicalBuffers.Put(buf)
		}
	}()
	var stringToSignBuf [256]byte
	var first error
	for _, path := range paths[:n] {
		*buf = appendS3CanonicalRequest((*buf)[:0], r, params, c.presigned, c.signedHeaders, path, payload)
		stringToSign := appendStringToSign(stringToSignBuf[:0], c.amzDate, c.credential.scope, *buf)
		got := hmacSHA256(key[:], stringToSign)
		if hmac.Equal(got[:], c.mac[:]) {
			return nil
		}
		if first == nil {
			first = s3Mismatch(*buf, stringToSign)
		}
	}
	return first
}

// msgS3SignatureMismatch is S3's wording for a wrong signature.
const msgS3SignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."

func s3Mismatch(canonicalRequest, stringToSign []byte) error {
	return &warden.Error{
		Code:    warden.ESignatureDoesNotMatch,
		Message: msgS3SignatureMismatch,
		Op:      op,
		Err:     &MismatchError{CanonicalRequest: string(canonicalRequest), StringToSign: string(stringToSign)},
	}
}

// appendS3CanonicalRequest is appendCanonicalRequest with S3's canonical
// URI: the escaped path itself, not encoded a second time.
func appendS3CanonicalRequest(buf []byte, r *http.Request, params []queryParam, presigned bool, signedHeaders, escapedPath, payloadHash string) []byte {
	buf = append(buf, r.Method...)
	buf = append(buf, '\n')
	if escapedPath == "" {
		escapedPath = "/"
	}
	buf = append(buf, escapedPath...)
	return appendCanonicalAfterURI(buf, r, params, presigned, signedHeaders, payloadHash)
}

// canonicalS3Path re-escapes an escaped path the way "Create a canonical
// request" specifies for S3: every byte outside the unreserved set is
// %XX with uppercase hex, a '/' between segments is kept, and an escaped
// "%2F" stays escaped, so the decoded key is exactly the one the path
// names. A '%' not followed by two hex digits is taken literally.
func canonicalS3Path(escaped string) string {
	if escaped == "" {
		return "/"
	}
	buf := make([]byte, 0, len(escaped)+16)
	for i := 0; i < len(escaped); i++ {
		c := escaped[i]
		if c == '%' && i+2 < len(escaped) && isHexDigit(escaped[i+1]) && isHexDigit(escaped[i+2]) {
			c = hexValue(escaped[i+1])<<4 | hexValue(escaped[i+2])
			i += 2
			if isUnreserved(c) {
				buf = append(buf, c)
			} else {
				buf = appendPercent(buf, c)
			}
			continue
		}
		if c == '/' || isUnreserved(c) {
			buf = append(buf, c)
		} else {
			buf = appendPercent(buf, c)
		}
	}
	return string(buf)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// VerifiedBody returns a reader over the request's data that enforces
// what the signature promised about body: for a signed payload, that its
// SHA-256 is the one declared (XAmzContentSHA256Mismatch at the end
// otherwise); for aws-chunked bodies, the decoded data with every chunk
// signature checked as it arrives (SignatureDoesNotMatch at the first bad
// chunk), the length checked against X-Amz-Decoded-Content-Length, and the
// trailer read (the reader is then a *ChunkedReader). Data read before an
// error must be discarded: the error is the verdict on the whole body.
func (res *S3Result) VerifiedBody(body io.Reader) io.Reader {
	switch res.Payload {
	case PayloadSigned:
		return &digestReader{r: body, h: sha256.New(), want: res.declared}
	case PayloadChunked:
		return newChunkedReader(body, &chunkChain{key: res.key, amzDate: res.amzDate, scope: res.scope, previous: res.seed},
			res.declared == StreamingSignedTrailer, res.Trailer, res.DecodedContentLength)
	case PayloadChunkedUnsigned:
		return newChunkedReader(body, nil, true, res.Trailer, res.DecodedContentLength)
	}
	return body
}

// digestReader checks the body's SHA-256 once the body has been read.
type digestReader struct {
	r    io.Reader
	h    hash.Hash
	want string
	err  error
}

func (d *digestReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	if err == io.EOF {
		var sum [sha256.Size]byte
		if got := hex.EncodeToString(d.h.Sum(sum[:0])); got != d.want {
			d.err = &warden.Error{Code: warden.EXAmzContentSHA256Mismatch, Message: "The provided 'x-amz-content-sha256' header does not match what was computed.", Op: op}
			return n, d.err
		}
	}
	if err != nil {
		d.err = err
	}
	return n, err
}
