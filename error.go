// Package warden holds Warden's domain: the IAM entities it stores (accounts,
// users, groups, roles, managed policies, access keys, …), the service
// interfaces that store and serve them, and the one error vocabulary every
// layer speaks. It imports no storage, HTTP or protocol code; the packages
// named after their dependency (sqlstore, httpapi, awsquery, …) implement or
// consume what is declared here, and cmd/warden wires them together.
package warden

import (
	"errors"
	"fmt"
)

// Error codes. They are AWS's own codes, so that each protocol writer maps a
// domain error to the wire without translation tables of its own: the Query
// writer emits the code as <Code>, restJson1 as X-Amzn-ErrorType.
const (
	// IAM (awsQueryError codes from the IAM model).
	ENoSuchEntity              = "NoSuchEntity"
	EEntityAlreadyExists       = "EntityAlreadyExists"
	ELimitExceeded             = "LimitExceeded"
	EMalformedPolicyDocument   = "MalformedPolicyDocument"
	EDeleteConflict            = "DeleteConflict"
	EInvalidInput              = "InvalidInput"
	EInvalidAuthenticationCode = "InvalidAuthenticationCode"
	EPolicyNotAttachable       = "PolicyNotAttachable"
	EUnmodifiableEntity        = "UnmodifiableEntity"
	EConcurrentModification    = "ConcurrentModification"
	EServiceFailure            = "ServiceFailure"
	EPasswordPolicyViolation   = "PasswordPolicyViolation"

	// Common to every AWS service.
	EValidationError       = "ValidationError"
	EAccessDenied          = "AccessDenied"
	EInvalidAction         = "InvalidAction"
	EMissingAction         = "MissingAction"
	EMissingParameter      = "MissingParameter"
	EInvalidParameterValue = "InvalidParameterValue"
	EInternalFailure       = "InternalFailure"
	// ENotImplemented answers operations of a modelled API that Warden
	// does not serve (yet); it is never an authorization outcome.
	ENotImplemented             = "NotImplemented"
	EIncompleteSignature        = "IncompleteSignature"
	EInvalidClientTokenID       = "InvalidClientTokenId"
	ESignatureDoesNotMatch      = "SignatureDoesNotMatch"
	EExpiredToken               = "ExpiredToken"
	ERequestExpired             = "RequestExpired"
	EMissingAuthenticationToken = "MissingAuthenticationToken"
)

// Error is Warden's domain error. Code is an AWS error code; Message is what
// the client is told. Op names the operation that failed (for logs only) and
// Err keeps the cause, which is never shown to clients.
type Error struct {
	Code    string
	Message string
	Op      string
	Err     error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the AWS code of err, or EInternalFailure for any error
// that is not a domain error: an unexpected failure is never shown as
// something the client did wrong.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EInternalFailure
}

// ErrorMessage returns the client-facing message of err. Foreign errors give
// a generic text so internals never leak to clients.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "An internal error occurred."
}
