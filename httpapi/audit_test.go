package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
)

// auditLog is an Auditor that keeps what it is given.
type auditLog struct {
	mu     sync.Mutex
	events []*warden.AuditEvent
}

func (l *auditLog) Record(e *warden.AuditEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := *e
	l.events = append(l.events, &kept)
}

func (l *auditLog) only(t *testing.T) *warden.AuditEvent {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) != 1 {
		t.Fatalf("%d audit events, want 1", len(l.events))
	}
	e := l.events[0]
	l.events = nil
	return e
}

const alicePolicyARN = "arn:aws:iam::111122223333:policy/alice"

// policySource is keySource with an identity policy for alice: GetUser
// and DeleteUser are allowed, DeleteUser is also denied by statement 1.
type policySource struct{ keySource }

func (policySource) PrincipalPolicies(context.Context, string) (*warden.PrincipalPolicies, error) {
	return &warden.PrincipalPolicies{Principal: *testCaller, Policies: []warden.IdentityPolicy{{
		Name: "alice", ARN: alicePolicyARN, VersionID: "v1",
		Document: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["iam:GetUser","iam:DeleteUser","iam:CreateLoginProfile"],"Resource":"*"},
			{"Sid":"NoDeletes","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`,
	}}}, nil
}

// authorizingIAM authorizes every operation through a real Authorizer, on
// the user the request names, and answers GetUser.
type authorizingIAM struct{ az *authz.Authorizer }

func (a authorizingIAM) Service() *awsquery.Service { return iamshapes.Service }

func (a authorizingIAM) Handle(ctx context.Context, c *authz.Caller, op *awsquery.Operation, in awsquery.Input) (awsquery.Output, error) {
	resource := "*"
	switch name := reflect.ValueOf(in).Elem().FieldByName("UserName").Interface().(type) {
	case string:
		resource = "arn:aws:iam::111122223333:user/" + name
	case *string:
		if name != nil {
			resource = "arn:aws:iam::111122223333:user/" + *name
		}
	}
	d, err := a.az.Authorize(ctx, c, &authz.Call{Action: "iam:" + op.Name, Resource: resource})
	if err != nil {
		return nil, err
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	if op.Name == "GetUser" {
		return &iamshapes.GetUserOutput{User: iamshapes.User{UserName: "bob", Path: "/"}}, nil
	}
	return nil, warden.Errorf(warden.ENotImplemented, "not here")
}

func newAuditedServer(t *testing.T) (*Server, *auditLog) {
	t.Helper()
	log := &auditLog{}
	src := policySource{keySource{warden.AccessKeyActive}}
	s := NewServer(Config{
		Source:  src,
		APIs:    []QueryAPI{authorizingIAM{authz.New(src)}},
		Logger:  slog.New(slog.DiscardHandler),
		Auditor: log,
	})
	return s, log
}

func TestAuditEventOfEachOutcome(t *testing.T) {
	alice := warden.AuditIdentity{Type: "IAMUser", ARN: testCaller.ARN, AccountID: "111122223333", PrincipalID: "AIDAEXAMPLE", UserName: "alice", AccessKeyID: testKey.AccessKeyID}
	bob := []string{"arn:aws:iam::111122223333:user/bob"}
	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
		want warden.AuditEvent // RequestID, Time, SourceIP and UserAgent are checked apart
	}{
		{"allowed", func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bob")
		}, warden.AuditEvent{Region: "eu-west-1", Identity: alice, Service: "iam", Action: "GetUser", Resources: bob, Decision: warden.AuditAllow,
			RequestParameters: []warden.AuditParameter{{Name: "UserName", Value: "bob"}}}},
		{"explicitly denied", func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=DeleteUser&Version=2010-05-08&UserName=bob")
		}, warden.AuditEvent{Region: "eu-west-1", Identity: alice, Service: "iam", Action: "DeleteUser", Resources: bob,
			Decision: warden.AuditExplicitDeny, DecidingLayer: "identity", DecidingStatement: &warden.AuditStatement{Policy: alicePolicyARN, Index: 1, Sid: "NoDeletes"},
			ErrorCode: warden.EAccessDenied, RequestParameters: []warden.AuditParameter{{Name: "UserName", Value: "bob"}}}},
		{"implicitly denied", func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=UpdateUser&Version=2010-05-08&UserName=bob&NewUserName=carol")
		}, warden.AuditEvent{Region: "eu-west-1", Identity: alice, Service: "iam", Action: "UpdateUser", Resources: bob,
			Decision: warden.AuditImplicitDeny, DecidingLayer: "identity", ErrorCode: warden.EAccessDenied,
			RequestParameters: []warden.AuditParameter{{Name: "NewUserName", Value: "carol"}, {Name: "UserName", Value: "bob"}}}},
		{"password hidden", func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=CreateLoginProfile&Version=2010-05-08&UserName=bob&Password=correct-horse-battery")
		}, warden.AuditEvent{Region: "eu-west-1", Identity: alice, Service: "iam", Action: "CreateLoginProfile", Resources: bob,
			Decision: warden.AuditAllow, ErrorCode: warden.ENotImplemented,
			RequestParameters: []warden.AuditParameter{{Name: "Password", Value: warden.AuditRedacted}, {Name: "UserName", Value: "bob"}}}},
		{"invalid parameters", func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=")
		}, warden.AuditEvent{Region: "eu-west-1", Identity: alice, Service: "iam", Action: "GetUser", ErrorCode: warden.EValidationError,
			RequestParameters: []warden.AuditParameter{{Name: "UserName", Value: ""}}}},
		{"unsigned", func(t *testing.T) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=ListUsers&Version=2010-05-08&PathPrefix=/x/"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, warden.AuditEvent{Service: "iam", Action: "ListUsers", ErrorCode: warden.EMissingAuthenticationToken,
			RequestParameters: []warden.AuditParameter{{Name: "PathPrefix", Value: warden.AuditRedacted}}}},
		{"unknown key", func(t *testing.T) *http.Request {
			r := signed(t, "iam", "Action=GetUser&Version=2010-05-08")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testKey.AccessKeyID, "AKIAUNKNOWNKEY000001", 1))
			return r
		}, warden.AuditEvent{Region: "", Identity: warden.AuditIdentity{AccessKeyID: "AKIAUNKNOWNKEY000001"}, Service: "iam", Action: "GetUser", ErrorCode: warden.EInvalidClientTokenID}},
		{"presigned with an unknown key", func(t *testing.T) *http.Request {
			return presigned(t, "Action=GetUser&Version=2010-05-08", "AKIAUNKNOWNKEY000002")
		}, warden.AuditEvent{Identity: warden.AuditIdentity{AccessKeyID: "AKIAUNKNOWNKEY000002"}, Service: "iam", Action: "GetUser", ErrorCode: warden.EInvalidClientTokenID}},
		{"wrong path", func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodGet, "/admin", nil)
		}, warden.AuditEvent{ErrorCode: "UnknownOperation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, log := newAuditedServer(t)
			r := tt.req(t)
			r.Header.Set("User-Agent", "audit-test/1.0")
			before := time.Now()
			w := serve(s, r)
			got := log.only(t)
			if got.RequestID == "" || got.RequestID != w.Header().Get("x-amzn-RequestId") {
				t.Errorf("request id %q, response header %q", got.RequestID, w.Header().Get("x-amzn-RequestId"))
			}
			if got.Time.Before(before.Add(-time.Second)) || got.Time.After(time.Now()) {
				t.Errorf("time %v is not when the request arrived", got.Time)
			}
			if got.UserAgent != "audit-test/1.0" || got.SourceIP == "" {
				t.Errorf("user agent %q, source IP %q", got.UserAgent, got.SourceIP)
			}
			got.RequestID, got.Time, got.UserAgent, got.SourceIP = "", time.Time{}, "", ""
			if !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("event:\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// presigned returns a GET request presigned with a key the server does
// not know.
func presigned(t *testing.T, query, keyID string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4599/?"+query, nil)
	creds := testKey
	creds.AccessKeyID = keyID
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "iam", "eu-west-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	r = httptest.NewRequest(http.MethodGet, parsed.String(), nil)
	r.RemoteAddr = "198.51.100.9:5555"
	return r
}

func TestAuditEventOfAPanic(t *testing.T) {
	log := &auditLog{}
	s := NewServer(Config{Source: keySource{warden.AccessKeyActive}, APIs: []QueryAPI{&stubIAM{}}, Logger: slog.New(slog.DiscardHandler), Auditor: log})
	serve(s, signed(t, "iam", "Action=UpdateUser&Version=2010-05-08&UserName=bob"))
	if e := log.only(t); e.ErrorCode != warden.EInternalFailure || e.Action != "UpdateUser" || e.Identity.ARN != testCaller.ARN {
		t.Fatalf("event of a panicking handler = %+v", e)
	}
}

func TestAuditBoundsClientStrings(t *testing.T) {
	s, log := newAuditedServer(t)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action="+strings.Repeat("A", 10_000)+"&Version=2010-05-08"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("User-Agent", strings.Repeat("u", 100_000))
	serve(s, r)
	e := log.only(t)
	if len(e.Action) > maxAuditAction || len(e.UserAgent) > maxAuditUserAgent {
		t.Fatalf("event keeps a %d-byte action and a %d-byte user agent", len(e.Action), len(e.UserAgent))
	}
}

func TestClaimedAccessKeyID(t *testing.T) {
	tests := []struct {
		name, header, query, want string
	}{
		{"header", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc", "", "AKIAIOSFODNN7EXAMPLE"},
		{"temporary key", "AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20250101/us-east-1/iam/aws4_request", "", "ASIAIOSFODNN7EXAMPLE"},
		{"query", "", "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101%2Fus-east-1%2Fiam%2Faws4_request", "AKIAIOSFODNN7EXAMPLE"},
		{"no credential", "Bearer abc", "", ""},
		{"not a key", "AWS4-HMAC-SHA256 Credential=<script>/x", "", ""},
		{"too short", "AWS4-HMAC-SHA256 Credential=AKIA/x", "", ""},
		{"nothing", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/?"+tt.query, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			if got := claimedAccessKeyID(r); got != tt.want {
				t.Fatalf("claimedAccessKeyID = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzClaimedAccessKeyID(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/iam/aws4_request", "")
	f.Add("", "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101")
	f.Add("Credential=", "%zz")
	// Query values are percent-decoded: %4F is an O.
	f.Add("", "X-Amz-Credential=OSFODNN7EXAMPLE%4F")
	f.Fuzz(func(t *testing.T, header, query string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.RawQuery = query
		r.Header.Set("Authorization", header)
		got := claimedAccessKeyID(r)
		claimed := header + "\n" + r.URL.Query().Get("X-Amz-Credential")
		if got != "" && (!looksLikeAccessKeyID(got) || !strings.Contains(claimed, got)) {
			t.Fatalf("claimedAccessKeyID = %q from %q %q", got, header, query)
		}
	})
}

// discardAuditor takes events and keeps none: it isolates what recording
// costs the request path from what storing costs the writer.
type discardAuditor struct{}

func (discardAuditor) Record(*warden.AuditEvent) {}

// BenchmarkServeAudit measures the request path's share of the audit
// trail: building the event, tracing authorization, redacting parameters.
func BenchmarkServeAudit(b *testing.B) {
	src := policySource{keySource{warden.AccessKeyActive}}
	for _, tt := range []struct {
		name    string
		auditor Auditor
	}{{"off", nil}, {"on", discardAuditor{}}} {
		b.Run(tt.name, func(b *testing.B) {
			s := NewServer(Config{Source: src, APIs: []QueryAPI{authorizingIAM{authz.New(src)}}, Logger: slog.New(slog.DiscardHandler), Auditor: tt.auditor})
			body := "Action=GetUser&Version=2010-05-08&UserName=bob"
			req := signedIAM(b, body)
			b.ReportAllocs()
			for b.Loop() {
				r := req.Clone(req.Context())
				r.Body = io.NopCloser(strings.NewReader(body))
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// signedIAM signs an IAM Query request with the test key, as signed does
// for tests.
func signedIAM(tb testing.TB, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), testKey, r, hex.EncodeToString(sum[:]), "iam", "eu-west-1", time.Now()); err != nil {
		tb.Fatal(err)
	}
	r.RemoteAddr = "198.51.100.9:5555"
	return r
}

func TestAuditEventOfJSONRequests(t *testing.T) {
	log := &auditLog{}
	s := NewServer(Config{Source: keySource{warden.AccessKeyActive}, APIs: []QueryAPI{&stubIAM{}}, JSONAPIs: []JSONAPI{newStubJSON()},
		Logger: slog.New(slog.DiscardHandler), Auditor: log})
	tests := []struct {
		op, body string
		want     warden.AuditEvent
	}{
		{"Echo", `{"Name":"Jane Doe","Extra":{"a":1}}`, warden.AuditEvent{Service: "stub", Action: "Echo",
			RequestParameters: []warden.AuditParameter{{Name: "Extra", Value: warden.AuditRedacted}, {Name: "Name", Value: warden.AuditRedacted}}}},
		{"Deny", `{}`, warden.AuditEvent{Service: "stub", Action: "Deny", ErrorCode: "AccessDeniedException",
			Decision: warden.AuditExplicitDeny}},
		{"Echo", `not json`, warden.AuditEvent{Service: "stub", Action: "Echo", ErrorCode: awsjson.CodeSerialization}},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.body, func(t *testing.T) {
			serve(s, signedJSON(t, "stub", "StubServiceV20240101."+tt.op, tt.body))
			got := log.only(t)
			if got.Service != tt.want.Service || got.Action != tt.want.Action || got.Decision != tt.want.Decision || got.ErrorCode != tt.want.ErrorCode ||
				!reflect.DeepEqual(got.RequestParameters, tt.want.RequestParameters) || got.Identity.ARN != testCaller.ARN {
				t.Fatalf("event %+v\nwant   %+v", got, tt.want)
			}
		})
	}
}
