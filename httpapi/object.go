package httpapi

import (
	"net/http"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/sigv4"
)

// ObjectAPI is an API with a protocol of its own — S3's REST protocol —
// that authenticates, authorizes and answers its requests itself. The
// server routes to it the requests it owns and keeps the access log,
// metrics and audit trail for them as for every other request.
type ObjectAPI interface {
	// Service names the API in logs and metrics ("s3").
	Service() string
	// Owns reports whether a request is the API's.
	Owns(r *http.Request) bool
	// Serve answers the request and says what it was.
	Serve(w http.ResponseWriter, r *http.Request) ObjectOutcome
}

// ObjectOutcome is what an ObjectAPI reports of an answered request.
type ObjectOutcome struct {
	Operation   string
	Principal   *warden.Principal // nil when the request was not authenticated
	AccessKeyID string
	Region      string
	Status      int
	Code        string // the API's error code; empty on success
	Err         error
}

// NewCredentialStore returns the SigV4 credential store of the server's
// own APIs, for an ObjectAPI's verifier.
func NewCredentialStore(source warden.AuthorizationSource) sigv4.CredentialStore {
	return credentialStore{source}
}

func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, rec *requestRecord) {
	rec.object = s.object.Service()
	if s.auditor != nil {
		r = r.WithContext(authz.WithTrace(r.Context(), &rec.trace))
	}
	out := s.object.Serve(w, r)
	rec.action, rec.status, rec.code, rec.err = out.Operation, out.Status, out.Code, out.Err
	rec.identity, rec.region, rec.keyID = out.Principal, out.Region, out.AccessKeyID
	if out.Principal != nil {
		rec.principal = out.Principal.ARN
	}
}
