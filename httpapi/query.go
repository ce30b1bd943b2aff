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

	var caller *authz.Caller
	auth, err := s.verifier.Verify(r, body)
	switch {
	case err == nil:
		if err := s.scopedTo(auth, rec.service.SigningName); err != nil {
			fail(err)
			return
		}
		caller = s.caller(r, auth, s.signedBy(rec, auth, rec.service.ARNNamespace))
	case unsignedOperation(rec.service, req.Action, err):
		// The token the request carries authenticates it; the handler
		// checks it. The trail records the request as unauthenticated.
		caller = s.caller(r, nil, &warden.Principal{Kind: warden.PrincipalAnonymous})
	default:
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return
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

// unsignedOperations are the only operations served without a signature:
// the token or assertion they carry authenticates them (STS API Reference,
// AssumeRoleWithWebIdentity and AssumeRoleWithSAML). They are named by
// signing name and action, so that no other API can claim the exemption.
var unsignedOperations = map[string]bool{
	"sts:AssumeRoleWithWebIdentity": true,
	"sts:AssumeRoleWithSAML":        true,
}

// unsignedOperation reports whether a request that failed authentication
// only for carrying no signature at all may go on as an anonymous caller.
func unsignedOperation(svc *awsquery.Service, action string, err error) bool {
	return warden.ErrorCode(err) == warden.EMissingAuthenticationToken && unsignedOperations[svc.SigningName+":"+action]
}
