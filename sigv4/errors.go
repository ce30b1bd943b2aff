package sigv4

import (
	"errors"
	"fmt"

	"github.com/warden-iam/warden"
)

// Client-facing texts. They are AWS's own, so that scripts and SDKs that
// match on them behave against Warden as they do against AWS.
const (
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken   = "The security token included in the request is invalid."
	msgExpiredToken   = "The security token included in the request is expired"
	msgMissingAuth    = "Request is missing Authentication Token"
	msgRequestExpired = "Request has expired."
	msgPayloadHash    = "The provided 'x-amz-content-sha256' header does not match what was computed."
)

// op names this package in the logs of a failed request.
const op = "sigv4"

func incompleteSignature(format string, args ...any) error {
	return &warden.Error{Code: warden.EIncompleteSignature, Message: fmt.Sprintf(format, args...), Op: op}
}

// signatureMismatch reports a request whose signing inputs disagree with what
// Warden serves or computes. AWS uses this code for a wrong credential scope
// and for clock skew as well as for a wrong signature; the SDKs rely on that,
// since they only correct their clock after SignatureDoesNotMatch (Query) or
// InvalidSignatureException (JSON).
func signatureMismatch(format string, args ...any) error {
	return &warden.Error{Code: warden.ESignatureDoesNotMatch, Message: fmt.Sprintf(format, args...), Op: op}
}

func invalidClientToken(cause string) error {
	e := &warden.Error{Code: warden.EInvalidClientTokenID, Message: msgInvalidToken, Op: op}
	if cause != "" {
		e.Err = errors.New(cause)
	}
	return e
}

func expiredToken() error {
	return &warden.Error{Code: warden.EExpiredToken, Message: msgExpiredToken, Op: op}
}

func requestExpired() error {
	return &warden.Error{Code: warden.ERequestExpired, Message: msgRequestExpired, Op: op}
}

func missingAuthentication() error {
	return &warden.Error{Code: warden.EMissingAuthenticationToken, Message: msgMissingAuth, Op: op}
}

// MismatchError is the cause kept in the Err field of a SignatureDoesNotMatch
// error when the signature itself was wrong. It carries what Warden signed so
// that an operator can diff it against the client's debug output (for the AWS
// CLI, --debug prints its canonical request). It is for logs only: the
// client's message never contains it, and Error() leaves it out so that a
// request log does not grow by the size of every rejected request.
type MismatchError struct {
	// CanonicalRequest is the canonical request Warden computed; for a path
	// that Warden tried in both normalized and raw form, the normalized one.
	CanonicalRequest string
	// StringToSign is the string Warden signed.
	StringToSign string
}

func (e *MismatchError) Error() string {
	return "signature does not match the canonical request computed by the server"
}

func mismatch(canonicalRequest, stringToSign []byte) error {
	return &warden.Error{
		Code:    warden.ESignatureDoesNotMatch,
		Message: msgSignatureMismatch,
		Op:      op,
		Err:     &MismatchError{CanonicalRequest: string(canonicalRequest), StringToSign: string(stringToSign)},
	}
}

// JSONCode maps an authentication error code of the Query protocol to the
// name the JSON and restJson1 protocols use for the same failure, as AWS's
// JSON services (Lambda, DynamoDB, Kinesis, …) answer it. Codes without a
// JSON spelling of their own are returned unchanged.
func JSONCode(code string) string {
	switch code {
	case warden.EInvalidClientTokenID:
		return "UnrecognizedClientException"
	case warden.ESignatureDoesNotMatch:
		return "InvalidSignatureException"
	case warden.EIncompleteSignature:
		return "IncompleteSignatureException"
	case warden.EExpiredToken:
		return "ExpiredTokenException"
	case warden.EMissingAuthenticationToken:
		return "MissingAuthenticationTokenException"
	}
	return code
}
