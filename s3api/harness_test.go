package s3api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/objstore"
	"github.com/warden-iam/warden/sigv4"
)

// The tests run the handler behind a real HTTP server, with the real
// object store, the real authorizer and policy engine, and real clients:
// aws-sdk-go-v2's S3 client and the aws CLI.

const (
	accountA = "111122223333"
	accountB = "444455556666"
)

// identity is a test principal with its access key.
type identity struct {
	keyID, secret string
	principal     *warden.Principal
	policies      []string // identity policy documents
}

// Principals: alice may do anything in S3; bob is in another account and
// may do anything in S3 as far as his own account is concerned; carol, in
// alice's account, has no policy at all; rootA is account A's root user.
var identities = map[string]*identity{
	"alice": {keyID: "AKIAALICEEXAMPLE0001", secret: "alice-secret", policies: []string{allowS3},
		principal: &warden.Principal{Kind: warden.PrincipalUser, AccountID: accountA, ARN: "arn:aws:iam::" + accountA + ":user/alice", ID: "AIDAALICE", Name: "alice", Path: "/"}},
	"bob": {keyID: "AKIABOBEXAMPLE000001", secret: "bob-secret", policies: []string{allowS3},
		principal: &warden.Principal{Kind: warden.PrincipalUser, AccountID: accountB, ARN: "arn:aws:iam::" + accountB + ":user/bob", ID: "AIDABOB", Name: "bob", Path: "/"}},
	"carol": {keyID: "AKIACAROLEXAMPLE0001", secret: "carol-secret",
		principal: &warden.Principal{Kind: warden.PrincipalUser, AccountID: accountA, ARN: "arn:aws:iam::" + accountA + ":user/carol", ID: "AIDACAROL", Name: "carol", Path: "/"}},
	"rootA": {keyID: "AKIAROOTAEXAMPLE0001", secret: "root-secret",
		principal: &warden.Principal{Kind: warden.PrincipalRoot, AccountID: accountA, ARN: "arn:aws:iam::" + accountA + ":root", ID: accountA}},
}

const allowS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

// source is the authorizer's view of the identities.
type source struct{}

func (source) AccessKey(ctx context.Context, keyID string) (*warden.AccessKey, *warden.Principal, error) {
	return nil, nil, errors.New("not used")
}

func (source) PrincipalPolicies(ctx context.Context, arn string) (*warden.PrincipalPolicies, error) {
	for name, id := range identities {
		if id.principal.ARN != arn {
			continue
		}
		pp := &warden.PrincipalPolicies{Principal: *id.principal}
		for _, doc := range id.policies {
			pp.Policies = append(pp.Policies, warden.IdentityPolicy{Name: name + "-policy", AttachedTo: arn, Document: doc})
		}
		return pp, nil
	}
	return nil, warden.Errorf(warden.ENoSuchEntity, "The principal ARN cannot be found.")
}

// keys is the verifier's credential store.
type keys struct{}

func (keys) LookupAccessKey(ctx context.Context, keyID string) (*sigv4.Credentials, error) {
	for _, id := range identities {
		if id.keyID == keyID {
			return &sigv4.Credentials{AccessKeyID: keyID, SecretAccessKey: id.secret, Principal: id.principal}, nil
		}
	}
	return nil, warden.Errorf(warden.EInvalidClientTokenID, "The security token included in the request is invalid.")
}

// recordingAuthorizer passes calls to the real authorizer and remembers
// them; deny, when set, refuses the calls it matches before asking.
type recordingAuthorizer struct {
	real *authz.Authorizer
	mu   sync.Mutex
	log  []authz.Call
	deny func(*authz.Call) bool
}

func (a *recordingAuthorizer) Authorize(ctx context.Context, c *authz.Caller, call *authz.Call) (*authz.Decision, error) {
	a.mu.Lock()
	a.log = append(a.log, *call)
	deny := a.deny
	a.mu.Unlock()
	if deny != nil && deny(call) {
		return &authz.Decision{Message: "denied by the test"}, nil
	}
	return a.real.Authorize(ctx, c, call)
}

// calls returns the calls recorded since the last reset.
func (a *recordingAuthorizer) calls() []authz.Call {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]authz.Call(nil), a.log...)
}

func (a *recordingAuthorizer) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log, a.deny = nil, nil
}

type testServer struct {
	*httptest.Server
	store *objstore.Store
	authz *recordingAuthorizer
	dir   string

	mu sync.Mutex
	// payloads holds the X-Amz-Content-Sha256 of every request, in order.
	payloads []string
	records  []*Record
}

// seenPayloads returns the X-Amz-Content-Sha256 values received so far.
func (ts *testServer) seenPayloads() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]string(nil), ts.payloads...)
}

// lastRecord returns the record of the latest request answered.
func (ts *testServer) lastRecord() *Record {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.records) == 0 {
		return nil
	}
	return ts.records[len(ts.records)-1]
}

func startServer(t *testing.T) *testServer {
	return startServerTLS(t, false)
}

func startServerTLS(t *testing.T, useTLS bool) *testServer {
	t.Helper()
	dir := t.TempDir()
	store, err := objstore.Open(dir, objstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{store: store, authz: &recordingAuthorizer{real: authz.New(source{})}, dir: dir}
	h := New(Config{
		Store:      store,
		Verifier:   &sigv4.Verifier{Credentials: keys{}, Services: map[string]bool{"iam": true}},
		Authorizer: ts.authz,
		Observe: func(r *http.Request, rec *Record) {
			ts.mu.Lock()
			defer ts.mu.Unlock()
			ts.records = append(ts.records, rec)
		},
	})
	watch := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.payloads = append(ts.payloads, r.Header.Get("X-Amz-Content-Sha256"))
		ts.mu.Unlock()
		h.ServeHTTP(w, r)
	})
	if useTLS {
		ts.Server = httptest.NewTLSServer(watch)
	} else {
		ts.Server = httptest.NewServer(watch)
	}
	t.Cleanup(ts.Close)
	return ts
}

// client returns an S3 client of aws-sdk-go-v2 for the identity, path
// style, signing for region.
func (ts *testServer) client(name, region string) *s3.Client {
	id := identities[name]
	return s3.New(s3.Options{
		Region:       region,
		BaseEndpoint: aws.String(ts.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(id.keyID, id.secret, ""),
		HTTPClient:   ts.Client(),
		Retryer:      aws.NopRetryer{},
	})
}

// errorCode returns the S3 error code of an SDK error.
func errorCode(err error) string {
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		return ae.ErrorCode()
	}
	return ""
}

func wantErrorCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := errorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}
