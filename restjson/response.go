package restjson

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sigv4"
)

// contentType is what restJson1 services send with a JSON body.
const contentType = "application/json"

// requestIDHeader carries the request id on every response.
const requestIDHeader = "X-Amzn-Requestid"

// errorTypeHeader names the error shape of an error response; clients
// read it before the body ("AWS restJson1 protocol", "Operation error
// serialization").
const errorTypeHeader = "X-Amzn-Errortype"

// WriteResponse writes the successful response of op: its status from the
// model (201 for CreateDomain), the headers out binds, and its JSON body,
// "{}" for an output without body members or a nil out. A 204 response
// has no body at all, as HTTP requires.
func (s *Service) WriteResponse(w http.ResponseWriter, op *Operation, requestID string, out Output) {
	var e Encoder
	if out != nil {
		out.EncodeHTTP(&e)
	}
	h := w.Header()
	for name, values := range e.header {
		h[name] = values
	}
	status := cmp.Or(op.Status, http.StatusOK)
	body, ct := e.buf, contentType
	switch {
	case e.hasPayload:
		body, ct = e.payload, e.contentType
		if body == nil {
			body = []byte{} // an empty payload is still a body, of length 0
		}
	case len(body) == 0:
		body = []byte("{}")
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		body = nil
	}
	write(w, status, requestID, ct, body)
}

// WriteError writes err as a restJson1 error: the HTTP status of its error
// shape, an X-Amzn-ErrorType header naming the shape, and a JSON body
// with the message (and a reason, when the shape declares one and err is
// a warden.ReasonError):
//
//	HTTP/1.1 404 Not Found
//	X-Amzn-ErrorType: ResourceNotFoundException
//
//	{"message":"Domain dom-… not found."}
//
// The shape is chosen in this order: a code that is the name of one of the
// model's error shapes is written as it is; a Warden domain code is written
// as the shape Service.Codes maps it to (NoSuchEntity as
// ResourceNotFoundException); a SigV4 failure is written with the name AWS's
// JSON services give it (sigv4.JSONCode: InvalidClientTokenId as
// UnrecognizedClientException). An error that is not a *warden.Error is an
// internal failure whose detail stays out of the response (the caller logs
// it).
func (s *Service) WriteError(w http.ResponseWriter, requestID string, err error) {
	code, message := warden.ErrorCode(err), warden.ErrorMessage(err)
	if code == "" {
		// A nil error or a *warden.Error without a code is a bug in the
		// caller: answer it as the unexpected failure it is.
		code, message = warden.EInternalFailure, warden.ErrorMessage(errNoCode)
	}
	name := s.ErrorType(code)
	shape, modeled := s.Errors[name]
	if !modeled {
		shape = ErrorShape{Status: commonStatus(name), Message: "message"}
	}
	var e Encoder
	e.BeginObject()
	if shape.Message != "" {
		e.Key(shape.Message)
		e.String(message)
	}
	if re, ok := errors.AsType[*warden.ReasonError](err); ok && shape.Reason != "" {
		e.Key(shape.Reason)
		e.String(re.Reason)
	}
	e.EndObject()
	w.Header().Set(errorTypeHeader, name)
	write(w, shape.Status, requestID, contentType, e.buf)
}

var errNoCode = errors.New("restjson: error without an AWS code")

// ErrorType returns the name of the error shape WriteError writes for a
// Warden error code.
func (s *Service) ErrorType(code string) string {
	if _, ok := s.Errors[code]; ok {
		return code
	}
	if name, ok := s.Codes[code]; ok {
		return name
	}
	return sigv4.JSONCode(code)
}

// Status returns the HTTP status WriteError gives a Warden error code.
func (s *Service) Status(code string) int {
	name := s.ErrorType(code)
	if shape, ok := s.Errors[name]; ok {
		return shape.Status
	}
	return commonStatus(name)
}

// commonStatus returns the status of an error no model declares: the
// protocol's own, and the errors AWS's "Common Errors" reference lists for
// every restJson1 service, where an authentication failure is 403 and a
// malformed request 400.
func commonStatus(name string) int {
	switch name {
	case CodeUnknownOperation:
		return http.StatusNotFound
	case warden.EInternalFailure, warden.EServiceFailure:
		return http.StatusInternalServerError
	case warden.ENotImplemented:
		return http.StatusNotImplemented
	case "ServiceUnavailable":
		return http.StatusServiceUnavailable
	case "NotAuthorized":
		return http.StatusUnauthorized
	case "RequestEntityTooLargeException":
		return http.StatusRequestEntityTooLarge
	case "RequestTimeoutException":
		return http.StatusRequestTimeout
	case warden.EAccessDenied, "AccessDeniedException", "OptInRequired",
		"UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
		"ExpiredTokenException", "MissingAuthenticationTokenException":
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

func write(w http.ResponseWriter, status int, requestID, ct string, body []byte) {
	h := w.Header()
	h.Set(requestIDHeader, requestID)
	if body != nil {
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one left to
	// tell.
	_, _ = w.Write(body)
}
