package awsquery

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/warden-iam/warden"
)

// contentType is what IAM and STS send with every response.
const contentType = "text/xml"

// WriteResponse writes the successful response of op:
//
//	<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//	  <CreateUserResult>…</CreateUserResult>
//	  <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
//	</CreateUserResponse>
//
// out is nil for an operation without a result, whose response holds only
// ResponseMetadata.
func (s *Service) WriteResponse(w http.ResponseWriter, op *Operation, requestID string, out Output) {
	var e Encoder
	e.buf.WriteString("<" + op.Name + "Response xmlns=\"" + s.Namespace + "\">")
	if out != nil {
		e.Start(op.Name + "Result")
		out.EncodeQueryXML(&e)
		e.End(op.Name + "Result")
	}
	e.Start("ResponseMetadata")
	e.String("RequestId", requestID)
	e.End("ResponseMetadata")
	e.End(op.Name + "Response")
	write(w, http.StatusOK, e.buf.Bytes())
}

// WriteError writes err as a Query error document:
//
//	<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//	  <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>…</Message></Error>
//	  <RequestId>…</RequestId>
//	</ErrorResponse>
//
// The code and message are warden.ErrorCode and warden.ErrorMessage, so an
// error that is not a *warden.Error is an InternalFailure whose detail
// stays out of the response (the caller logs it). The HTTP status is the
// model's for the code, else AWS's common one (AWS General Reference,
// "Common Errors"), else 400; Type is Receiver for a 5xx status, the
// server's fault, and Sender otherwise.
func (s *Service) WriteError(w http.ResponseWriter, requestID string, err error) {
	code, message := warden.ErrorCode(err), warden.ErrorMessage(err)
	if code == "" {
		// A nil error or a *warden.Error without a code is a bug in the
		// caller: answer it as the unexpected failure it is.
		code, message = warden.ErrorCode(errNoCode), warden.ErrorMessage(errNoCode)
	}
	status := s.errorStatus(code)
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	var e Encoder
	e.buf.WriteString("<ErrorResponse xmlns=\"" + s.Namespace + "\">")
	e.Start("Error")
	e.String("Type", fault)
	e.String("Code", code)
	e.String("Message", message)
	e.End("Error")
	e.String("RequestId", requestID)
	e.End("ErrorResponse")
	write(w, status, e.buf.Bytes())
}

var errNoCode = errors.New("awsquery: error without an AWS code")

// Status returns the HTTP status WriteError gives an error code.
func (s *Service) Status(code string) int { return s.errorStatus(code) }

func (s *Service) errorStatus(code string) int {
	if status, ok := s.ErrorStatus[code]; ok {
		return status
	}
	if status, ok := commonErrorStatus[code]; ok {
		return status
	}
	return http.StatusBadRequest
}

func write(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one left to
	// tell.
	_, _ = w.Write(body)
}

// commonErrorStatus holds the statuses of the errors every Query service
// can return, from AWS's "Common Errors" reference pages; codes a model
// declares itself take precedence (Service.ErrorStatus).
var commonErrorStatus = map[string]int{
	warden.EAccessDenied:               http.StatusForbidden,
	warden.EIncompleteSignature:        http.StatusBadRequest,
	warden.EInternalFailure:            http.StatusInternalServerError,
	warden.EInvalidAction:              http.StatusBadRequest,
	warden.EInvalidClientTokenID:       http.StatusForbidden,
	warden.EInvalidParameterValue:      http.StatusBadRequest,
	warden.EMissingAction:              http.StatusBadRequest,
	warden.EMissingAuthenticationToken: http.StatusForbidden,
	warden.EMissingParameter:           http.StatusBadRequest,
	warden.ERequestExpired:             http.StatusBadRequest,
	warden.ESignatureDoesNotMatch:      http.StatusForbidden,
	warden.EValidationError:            http.StatusBadRequest,
	warden.EServiceFailure:             http.StatusInternalServerError,
	warden.ENotImplemented:             http.StatusNotImplemented,
	// IAM and STS answer an expired session token with 403, as they do
	// every other credential they reject.
	warden.EExpiredToken:          http.StatusForbidden,
	codeMalformedQueryString:      http.StatusNotFound,
	"InvalidParameterCombination": http.StatusBadRequest,
	"InvalidQueryParameter":       http.StatusBadRequest,
	"NotAuthorized":               http.StatusBadRequest,
	"OptInRequired":               http.StatusForbidden,
	"ServiceUnavailable":          http.StatusServiceUnavailable,
	"Throttling":                  http.StatusBadRequest,
}
