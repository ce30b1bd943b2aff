package httpapi

import (
	"net/http"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/sigv4"
)

// signedBy notes who signed an authenticated request, for the log, the
// audit trail and the access key's last use in the service with the given
// IAM prefix, and returns the principal.
func (s *Server) signedBy(rec *requestRecord, auth *sigv4.Result, namespace string) *warden.Principal {
	principal := auth.Credentials.Principal.(*warden.Principal)
	rec.principal, rec.keyID = principal.ARN, auth.AccessKeyID
	rec.identity, rec.region = principal, auth.Region
	if s.lastUsed != nil {
		s.lastUsed.record(auth.AccessKeyID, namespace, auth.Region, s.now())
	}
	return principal
}

// scopedTo refuses a request whose credential scope names a service other
// than the one its API signs as (the verifier only checked that this
// endpoint serves it), counting it as an authentication failure.
func (s *Server) scopedTo(auth *sigv4.Result, signingName string) error {
	if auth.Service == signingName {
		return nil
	}
	err := warden.Errorf(warden.ESignatureDoesNotMatch, "Credential should be scoped to correct service: '%s'. ", signingName)
	s.metrics.authFailure(warden.ErrorCode(err))
	return err
}

// caller is the caller of a request, with what the transport knows of it,
// whatever protocol it came in: the principal that signed it, or, for an
// operation served unsigned, the principal its handler is to check (auth
// is then nil).
func (s *Server) caller(r *http.Request, auth *sigv4.Result, principal *warden.Principal) *authz.Caller {
	c := &authz.Caller{
		Principal:       principal,
		SourceIP:        sourceIP(r),
		SecureTransport: r.TLS != nil,
		UserAgent:       r.UserAgent(),
		Time:            s.now(),
	}
	if auth != nil {
		c.AccessKeyID, c.Temporary, c.Region = auth.AccessKeyID, auth.Credentials.Temporary(), auth.Region
	}
	return c
}
