package httpapi

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/restjson"
)

// RestAPI is an API served over the restJson1 protocol (Connect Health).
type RestAPI interface {
	Service() *restjson.Service
	// Handle runs one decoded operation for an authenticated caller; a nil
	// output is an empty response.
	Handle(ctx context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (restjson.Output, error)
}

// serveRest runs one restJson1 request: route by method and path, read,
// authenticate, decode, authorize and act (in the API's handler), respond.
// The service's WriteError is the one place its errors are written: with
// the model's status (AccessDeniedException is 401 in Connect Health), an
// X-Amzn-ErrorType header and a JSON message. The host is not looked at,
// so requests with the runtime. and streaming. host prefixes the SDKs put
// before the endpoint are served alike.
func (s *Server) serveRest(w http.ResponseWriter, r *http.Request, rec *requestRecord) {
	// Routing needs no more than the method and the path, and names
	// only operations of the model, so the action may be known at once.
	api, m, err := s.restRoute(r)
	svc := api.Service()
	rec.rest = svc
	fail := func(err error) {
		rec.code, rec.err = warden.ErrorCode(err), err
		rec.status = svc.Status(rec.code)
		svc.WriteError(w, rec.id, err)
	}
	if err != nil {
		// The WebSocket variant of a streaming operation has a path of
		// its own, outside the model's routes.
		if !s.serveWebSocketStream(w, r, rec, api) {
			fail(err)
		}
		return
	}
	op := m.Operation
	rec.action = op.Name
	if op.InputEventStream != "" {
		// The body is an event stream that lasts as long as the session:
		// it is not read whole like any other.
		s.serveStream(w, r, rec, api, m)
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			fail(warden.Errorf("RequestEntityTooLargeException", "The request body exceeds the maximum size of %d bytes.", s.maxBody))
			return
		}
		fail(warden.Errorf(restjson.CodeSerialization, "The request body could not be read."))
		return
	}
	rec.jsonBody = body

	auth, err := s.verifier.Verify(r, body)
	if err != nil {
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return
	}
	if err := s.scopedTo(auth, svc.SigningName); err != nil {
		fail(err)
		return
	}
	principal := s.signedBy(rec, auth, svc.ARNNamespace)

	in := op.NewInput()
	if err := restjson.Decode(r, body, m, in); err != nil {
		fail(err)
		return
	}
	ctx := r.Context()
	if s.auditor != nil {
		ctx = authz.WithTrace(ctx, &rec.trace)
	}
	out, err := api.Handle(ctx, s.caller(r, auth, principal), op, in)
	if err != nil {
		fail(err)
		return
	}
	rec.status = cmp.Or(op.Status, http.StatusOK)
	svc.WriteResponse(w, op, rec.id, out)
}

// restRoute returns the API and operation a restJson1 request is for.
// The API is one of those whose signing name the credential scope names
// (services share paths such as /tags/{resourceArn}), else the first
// configured; among APIs that share a signing name, the first whose
// routes match. A scope that names another service then fails
// authentication. When no route matches, the error is the first API's.
func (s *Server) restRoute(r *http.Request) (RestAPI, *restjson.Match, error) {
	apis, ok := s.rest[scopeService(r)]
	if !ok {
		apis = []RestAPI{s.restFallback}
	}
	var firstErr error
	for _, api := range apis {
		m, err := api.Service().Route(r)
		if err == nil {
			return api, m, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return apis[0], nil, firstErr
}

// scopeService returns the service of the credential scope a request
// claims, or "". It only picks an API; the verifier checks the claim.
func scopeService(r *http.Request) string {
	parts := strings.Split(claimedCredential(r), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}
