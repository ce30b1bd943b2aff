package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
)

// serveQuery runs one Query protocol request: read, authenticate, decode,
// authorize and act (in the API's handler), respond.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, rec *requestRecord) {
	api := s.fallback
	rec.service = api.Service()
	fail := func(err error) {
		rec.code, rec.err = warden.ErrorCode(err), err
		rec.status = rec.service.Status(rec.code)
		rec.service.WriteError(w, rec.id, err)
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			fail(warden.Errorf(warden.EValidationError, "The request body exceeds the maximum size of %d bytes.", s.maxBody))
			return
		}
		fail(warden.Errorf(warden.EValidationError, "The request body could not be read."))
		return
	}
	req, err := awsquery.Parse(r, body)
	if err != nil {
		fail(err)
		return
	}
	if a, ok := s.query[req.Version]; ok {
		api = a
		rec.service = api.Service()
	}
	rec.action = req.Action
	rec.params = req.Params

	auth, err := s.verifier.Verify(r, body)
	if err != nil {
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return
	}
	if auth.Service != rec.service.SigningName {
		err := warden.Errorf(warden.ESignatureDoesNotMatch, "Credential should be scoped to correct service: '%s'. ", rec.service.SigningName)
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return
	}
	principal := auth.Credentials.Principal.(*warden.Principal)
	rec.principal, rec.keyID = principal.ARN, auth.AccessKeyID
	rec.identity, rec.region = principal, auth.Region
	if s.lastUsed != nil {
		s.lastUsed.record(auth.AccessKeyID, rec.service.ARNNamespace, auth.Region, s.now())
	}

	op, err := rec.service.Operation(req.Action, req.Version)
	if err != nil {
		rec.action = ""
		fail(err)
		return
	}
	in := op.NewInput()
	if err := awsquery.Decode(req.Params, in); err != nil {
		fail(err)
		return
	}
	caller := &authz.Caller{
		Principal:       principal,
		AccessKeyID:     auth.AccessKeyID,
		Temporary:       auth.Credentials.Temporary(),
		SourceIP:        sourceIP(r),
		SecureTransport: r.TLS != nil,
		UserAgent:       r.UserAgent(),
		Region:          auth.Region,
		Time:            s.now(),
	}
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
	rec.service.WriteResponse(w, op, rec.id, out)
}

func errorsAsDenied(err error) (*authz.Denied, bool) {
	if err == nil {
		return nil, false
	}
	return errors.AsType[*authz.Denied](err)
}
