// Package s3api serves Warden's object store over the S3 REST API, in path
// style: "/" lists buckets, "/BUCKET" addresses a bucket and
// "/BUCKET/KEY" an object. It owns the wire: which operation a method,
// path and subresource name, request headers and XML bodies, responses and
// S3's error document. Every request is authenticated with S3's flavour of
// SigV4 (sigv4.Verifier.VerifyS3) and every operation authorized like any
// other Warden call: the caller's identity policies with the bucket policy
// as the resource-based policy, so cross-account rules and explicit denies
// apply as they do in AWS.
//
// Served: ListBuckets, CreateBucket, HeadBucket, DeleteBucket,
// GetBucketLocation, GetBucketVersioning, Get/Put/DeleteBucketPolicy,
// Get/Put/DeleteBucketTagging, ListObjects, ListObjectsV2, PutObject,
// GetObject, HeadObject, DeleteObject, DeleteObjects and the multipart
// upload operations (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload, ListParts,
// ListMultipartUploads). Other S3 operations (CopyObject, UploadPartCopy,
// ACLs, versioning, …) answer NotImplemented.
package s3api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/sigv4"
)

// Authorizer decides calls; *authz.Authorizer is one.
type Authorizer interface {
	Authorize(ctx context.Context, c *authz.Caller, call *authz.Call) (*authz.Decision, error)
}

// Config configures a Handler.
type Config struct {
	Store warden.ObjectStore
	// Verifier authenticates requests. It may be shared with the other
	// APIs: VerifyS3 accepts only credentials scoped to "s3".
	Verifier   *sigv4.Verifier
	Authorizer Authorizer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Observe, when set, is told about every request once it is answered:
	// the hook for access logs, metrics and audit.
	Observe func(r *http.Request, rec *Record)
	// Logger receives internal failures; nil means slog.Default().
	Logger *slog.Logger
}

// Record describes an answered request.
type Record struct {
	RequestID string
	// Operation is the S3 operation (GetObject, ListObjectsV2, …); empty
	// when the request named none Warden serves.
	Operation string
	Bucket    string
	Key       string
	// Principal and AccessKeyID are set once the request is authenticated.
	Principal   *warden.Principal
	AccessKeyID string
	Region      string
	Status      int
	Code        string // S3 error code; empty on success
	Err         error  // the error behind Code, with causes the client is not shown
}

// Handler is the S3 endpoint. It is safe for concurrent use.
type Handler struct {
	store    warden.ObjectStore
	verifier *sigv4.Verifier
	authz    Authorizer
	now      func() time.Time
	observe  func(*http.Request, *Record)
	logger   *slog.Logger

	// policies caches compiled bucket policies by bucket name, each with
	// the text it was compiled from, so that a request pays for compiling
	// a policy only after it changed.
	mu       sync.Mutex
	policies map[string]compiledPolicy
}

type compiledPolicy struct {
	doc string
	set *policy.Set
}

// New returns a Handler.
func New(cfg Config) *Handler {
	h := &Handler{store: cfg.Store, verifier: cfg.Verifier, authz: cfg.Authorizer, now: cfg.Now, observe: cfg.Observe,
		logger: cfg.Logger, policies: map[string]compiledPolicy{}}
	if h.now == nil {
		h.now = time.Now
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	return h
}

// request is one request being served.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	rec    *Record
	auth   *sigv4.S3Result
	caller *authz.Caller
	bucket string
	key    string
	query  url.Values
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &Record{RequestID: newRequestID()}
	w.Header().Set("x-amz-request-id", rec.RequestID)
	w.Header().Set("x-amz-id-2", newHostID())
	req := &request{w: w, r: r, rec: rec}
	defer func() {
		if v := recover(); v != nil {
			h.fail(req, &warden.Error{Code: warden.EInternalFailure, Message: "We encountered an internal error. Please try again.", Err: fmt.Errorf("panic: %v", v)})
		}
		if h.observe != nil {
			h.observe(r, rec)
		}
	}()
	if err := h.serve(req); err != nil {
		h.fail(req, err)
	}
}

func (h *Handler) serve(req *request) error {
	r := req.r
	req.query = r.URL.Query()
	req.bucket, req.key = splitPath(r.URL.Path)
	req.rec.Bucket, req.rec.Key = req.bucket, req.key

	auth, err := h.verifier.VerifyS3(r)
	if err != nil {
		if warden.ErrorCode(err) == warden.EMissingAuthenticationToken {
			// Anonymous access would need a bucket policy that allows
			// everyone; Warden serves only signed requests.
			return &warden.Error{Code: warden.EAccessDenied, Message: "Access Denied", Err: err}
		}
		return err
	}
	principal, ok := auth.Credentials.Principal.(*warden.Principal)
	if !ok || principal == nil {
		return fmt.Errorf("s3api: the credential store gave a %T for access key %s, not a *warden.Principal", auth.Credentials.Principal, auth.AccessKeyID)
	}
	req.auth = auth
	req.rec.Principal, req.rec.AccessKeyID, req.rec.Region = principal, auth.AccessKeyID, auth.Region
	req.caller = &authz.Caller{
		Principal:       principal,
		AccessKeyID:     auth.AccessKeyID,
		Temporary:       auth.Credentials.Temporary(),
		SourceIP:        sourceIP(r),
		SecureTransport: r.TLS != nil,
		UserAgent:       r.UserAgent(),
		Region:          auth.Region,
		Time:            h.now(),
	}
	if principal.Session != nil {
		req.caller.MFAAuthenticatedAt = principal.Session.MFAAuthenticatedAt
	}

	op, err := route(req)
	if err != nil {
		return err
	}
	req.rec.Operation = op.name
	return op.serve(h, req)
}

// splitPath splits a path-style request path into bucket and key. The key
// is everything after the bucket's slash, exactly: S3 keys are not paths,
// so "a//b" and "a/../b" are keys of their own.
func splitPath(path string) (bucket, key string) {
	path = strings.TrimPrefix(path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// operation is one S3 operation Warden serves.
type operation struct {
	name  string
	serve func(*Handler, *request) error
}

// unsupportedSubresources name S3 features Warden does not serve; a request
// carrying one is answered NotImplemented rather than mistaken for the
// plain operation on the same path.
var unsupportedSubresources = []string{
	"accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
	"legal-hold", "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock",
	"ownershipControls", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
	"restore", "retention", "select", "torrent", "versionId", "versions", "website",
}

func route(req *request) (*operation, error) {
	q, method := req.query, req.r.Method
	for _, name := range unsupportedSubresources {
		if _, ok := q[name]; ok {
			return nil, notImplemented("the ?" + name + " subresource")
		}
	}
	has := func(name string) bool { _, ok := q[name]; return ok }
	switch {
	case req.bucket == "":
		if method == http.MethodGet {
			return &operation{"ListBuckets", (*Handler).listBuckets}, nil
		}
	case req.key == "":
		switch method {
		case http.MethodGet:
			switch {
			case has("policy"):
				return &operation{"GetBucketPolicy", (*Handler).getBucketPolicy}, nil
			case has("tagging"):
				return &operation{"GetBucketTagging", (*Handler).getBucketTagging}, nil
			case has("location"):
				return &operation{"GetBucketLocation", (*Handler).getBucketLocation}, nil
			case has("versioning"):
				return &operation{"GetBucketVersioning", (*Handler).getBucketVersioning}, nil
			case has("uploads"):
				return &operation{"ListMultipartUploads", (*Handler).listMultipartUploads}, nil
			case q.Get("list-type") == "2":
				return &operation{"ListObjectsV2", (*Handler).listObjectsV2}, nil
			case has("list-type"):
				return nil, warden.Errorf(warden.EInvalidArgument, "Invalid List Type specified in Request")
			}
			return &operation{"ListObjects", (*Handler).listObjects}, nil
		case http.MethodPut:
			switch {
			case has("policy"):
				return &operation{"PutBucketPolicy", (*Handler).putBucketPolicy}, nil
			case has("tagging"):
				return &operation{"PutBucketTagging", (*Handler).putBucketTagging}, nil
			case has("versioning"):
				return nil, notImplemented("PutBucketVersioning")
			}
			return &operation{"CreateBucket", (*Handler).createBucket}, nil
		case http.MethodDelete:
			switch {
			case has("policy"):
				return &operation{"DeleteBucketPolicy", (*Handler).deleteBucketPolicy}, nil
			case has("tagging"):
				return &operation{"DeleteBucketTagging", (*Handler).deleteBucketTagging}, nil
			}
			return &operation{"DeleteBucket", (*Handler).deleteBucket}, nil
		case http.MethodHead:
			return &operation{"HeadBucket", (*Handler).headBucket}, nil
		case http.MethodPost:
			if has("delete") {
				return &operation{"DeleteObjects", (*Handler).deleteObjects}, nil
			}
		}
	default:
		if has("tagging") {
			return nil, notImplemented("object tagging")
		}
		if has("uploadId") || has("uploads") {
			return routeMultipart(req)
		}
		if has("partNumber") {
			return nil, notImplemented("reading an object by part number")
		}
		switch method {
		case http.MethodGet:
			return &operation{"GetObject", (*Handler).getObject}, nil
		case http.MethodHead:
			return &operation{"HeadObject", (*Handler).headObject}, nil
		case http.MethodPut:
			if req.r.Header.Get("X-Amz-Copy-Source") != "" {
				return nil, notImplemented("CopyObject")
			}
			return &operation{"PutObject", (*Handler).putObject}, nil
		case http.MethodDelete:
			return &operation{"DeleteObject", (*Handler).deleteObject}, nil
		}
	}
	return nil, warden.Errorf(warden.EMethodNotAllowed, "The specified method is not allowed against this resource.")
}

// routeMultipart names the operations on a multipart upload of an object.
func routeMultipart(req *request) (*operation, error) {
	has := func(name string) bool { _, ok := req.query[name]; return ok }
	switch method := req.r.Method; {
	case method == http.MethodPost && has("uploads"):
		return &operation{"CreateMultipartUpload", (*Handler).createMultipartUpload}, nil
	case has("uploads"):
	case method == http.MethodPut && has("partNumber"):
		if req.r.Header.Get("X-Amz-Copy-Source") != "" {
			return nil, notImplemented("UploadPartCopy")
		}
		return &operation{"UploadPart", (*Handler).uploadPart}, nil
	case method == http.MethodPost:
		return &operation{"CompleteMultipartUpload", (*Handler).completeMultipartUpload}, nil
	case method == http.MethodDelete:
		return &operation{"AbortMultipartUpload", (*Handler).abortMultipartUpload}, nil
	case method == http.MethodGet:
		return &operation{"ListParts", (*Handler).listParts}, nil
	}
	return nil, warden.Errorf(warden.EMethodNotAllowed, "The specified method is not allowed against this resource.")
}

func notImplemented(what string) error {
	return &warden.Error{Code: warden.ENotImplemented, Message: "A header you provided implies functionality that is not implemented",
		Err: fmt.Errorf("Warden does not serve %s", what)}
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newRequestID returns an id shaped like S3's: 16 uppercase hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// newHostID returns a value for x-amz-id-2, which S3 fills with an opaque
// token identifying the host that answered; clients only log it.
func newHostID() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
