package main

import (
	"context"
	"net/http"
	"path/filepath"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/httpapi"
	"github.com/warden-iam/warden/objstore"
	"github.com/warden-iam/warden/s3api"
	"github.com/warden-iam/warden/sigv4"
)

// s3Front puts the S3 handler behind the server's routing, access log,
// metrics and audit trail: the handler reports each answered request
// through its Observe hook, which writes into the outcome the request's
// context carries.
type s3Front struct {
	handler *s3api.Handler
}

type outcomeKey struct{}

// newS3 opens the object store under the data directory and returns the S3
// front and the handler.
func newS3(dataDir string, source warden.AuthorizationSource, az *authz.Authorizer) (*s3Front, *s3api.Handler, error) {
	objects, err := objstore.Open(filepath.Join(dataDir, "s3"), objstore.Options{})
	if err != nil {
		return nil, nil, err
	}
	h := s3api.New(s3api.Config{
		Store: objects,
		// VerifyS3 accepts only credentials scoped to s3.
		Verifier:   &sigv4.Verifier{Credentials: httpapi.NewCredentialStore(source), Services: map[string]bool{"s3": true}},
		Authorizer: az,
		Observe: func(r *http.Request, rec *s3api.Record) {
			if out, ok := r.Context().Value(outcomeKey{}).(*httpapi.ObjectOutcome); ok {
				*out = httpapi.ObjectOutcome{Operation: rec.Operation, Principal: rec.Principal, AccessKeyID: rec.AccessKeyID,
					Region: rec.Region, Status: rec.Status, Code: rec.Code, Err: rec.Err}
			}
		},
	})
	return &s3Front{handler: h}, h, nil
}

func (f *s3Front) Service() string { return "s3" }

func (f *s3Front) Owns(r *http.Request) bool { return s3api.IsS3Request(r) }

func (f *s3Front) Serve(w http.ResponseWriter, r *http.Request) httpapi.ObjectOutcome {
	var out httpapi.ObjectOutcome
	f.handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), outcomeKey{}, &out)))
	return out
}
