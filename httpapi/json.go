package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
	"github.com/warden-iam/warden/sigv4"
)

// JSONAPI is an API served over the AWS JSON protocol (Organizations).
type JSONAPI interface {
	Service() *awsjson.Service
	// Handle runs one decoded operation for an authenticated caller; a nil
	// output is an empty response.
	Handle(ctx context.Context, c *authz.Caller, op *awsjson.Operation, in any) (any, error)
}

// serveJSON runs one JSON protocol request: read, authenticate, resolve the
// target, decode, authorize and act (in the API's handler), respond. The
// service's WriteError is the one place its errors are written.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, rec *requestRecord) {
	target := r.Header.Get("X-Amz-Target")
	api := s.jsonFallback
	if prefix, _, ok := awsjson.SplitTarget(target); ok && s.json[prefix] != nil {
		api = s.json[prefix]
	}
	svc := api.Service()
	rec.json = svc
	fail := func(err error) {
		// The log and metrics keep Warden's code, as for the Query
		// protocol (AccessDenied counts as a denial); the client gets the
		// service's name for it.
		rec.code, rec.err = warden.ErrorCode(err), err
		rec.status = svc.Status(svc.Code(err))
		svc.WriteError(w, rec.id, err)
	}
	if r.Method != http.MethodPost {
		fail(warden.Errorf(awsjson.CodeUnknownOperation, "The JSON protocol takes POST requests only."))
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			fail(warden.Errorf(awsjson.CodeSerialization, "The request body exceeds the maximum size of %d bytes.", s.maxBody))
			return
		}
		fail(warden.Errorf(awsjson.CodeSerialization, "The request body could not be read."))
		return
	}

	rec.jsonBody = body
	auth, err := s.verifier.Verify(r, body)
	if err != nil {
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(jsonAuthError(err))
		return
	}
	if err := s.scopedTo(auth, svc.SigningName); err != nil {
		fail(jsonAuthError(err))
		return
	}
	principal := s.signedBy(rec, auth, svc.ARNNamespace)

	// The action is named in logs and metrics only once it is known to
	// exist, so that clients cannot mint metric labels.
	op, err := svc.Operation(target)
	if err != nil {
		fail(err)
		return
	}
	rec.action = op.Name
	in := op.NewInput()
	if err := awsjson.Decode(body, in); err != nil {
		fail(err)
		return
	}
	caller := s.caller(r, auth, principal)
	ctx := r.Context()
	if s.auditor != nil {
		ctx = authz.WithTrace(ctx, &rec.trace)
	}
	out, err := api.Handle(ctx, caller, op, in)
	if err != nil {
		fail(err)
		return
	}
	rec.status = http.StatusOK
	svc.WriteResponse(w, rec.id, out)
}

// jsonAuthError renames an authentication failure to the code JSON
// services answer it with (InvalidSignatureException,
// UnrecognizedClientException, …), keeping its message.
func jsonAuthError(err error) error {
	code := warden.ErrorCode(err)
	if renamed := sigv4.JSONCode(code); renamed != code {
		return &warden.Error{Code: renamed, Message: warden.ErrorMessage(err), Err: err}
	}
	return err
}
