package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	hs "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/restjson"
)

const testDomain = "dom-a1b2c3d4e5f6g7h8"

var testCreatedAt = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// stubHealth answers GetDomain, CreateDomain and TagResource, denies
// DeleteDomain with an explanation and panics on GetSubscription, so the
// server's own behaviour can be observed on Connect Health's real routes.
type stubHealth struct {
	seen *authz.Caller
	op   string
}

func (s *stubHealth) Service() *restjson.Service { return hs.Service }

func (s *stubHealth) Handle(_ context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (restjson.Output, error) {
	s.seen, s.op = c, op.Name
	switch in := in.(type) {
	case *hs.GetDomainInput:
		return &hs.GetDomainOutput{DomainId: in.DomainId, Arn: "arn:aws:health-agent:us-east-1:111122223333:domain/" + in.DomainId,
			Name: "clinic", Status: hs.DomainStatusActive, CreatedAt: testCreatedAt}, nil
	case *hs.CreateDomainInput:
		return &hs.CreateDomainOutput{DomainId: testDomain, Arn: "arn:aws:health-agent:us-east-1:111122223333:domain/" + testDomain,
			Name: in.Name, Status: hs.DomainStatusActive, CreatedAt: testCreatedAt}, nil
	case *hs.TagResourceInput:
		if in.Tags["k"] != "v" || in.ResourceArn != "arn:aws:health-agent:us-east-1:111122223333:domain/"+testDomain {
			return nil, warden.Errorf(warden.EValidationError, "unexpected input %+v", in)
		}
		return nil, nil
	case *hs.DeleteDomainInput:
		e := &policy.Explanation{Decision: policy.ImplicitDeny, Reason: policy.ReasonNoIdentityAllows}
		return nil, (&authz.Decision{Message: "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: health-agent:DeleteDomain", Explanation: e}).Err()
	case *hs.GetSubscriptionInput:
		panic("handler bug")
	}
	return nil, warden.Errorf(warden.ENotImplemented, "not here")
}

func newRestTestServer(t testing.TB, status warden.AccessKeyStatus) (*Server, *stubHealth, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	api := &stubHealth{}
	s := NewServer(Config{
		Source:   keySource{status},
		APIs:     []QueryAPI{&stubIAM{}},
		RestAPIs: []RestAPI{api},
		Logger:   slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	return s, api, &logs
}

// signedRest signs a restJson1 request as the SDKs send it: labels
// percent-encoded in the path, a JSON body when there is one.
func signedRest(t testing.TB, service, method, target, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), testKey, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	r.Body = io.NopCloser(strings.NewReader(body))
	r.RemoteAddr = "198.51.100.9:5555"
	return r
}

// arnLabel encodes an ARN as one path label, as the SDKs do.
func arnLabel(arn string) string { return strings.ReplaceAll(url.PathEscape(arn), ":", "%3A") }

func TestServeRest(t *testing.T) {
	s, api, logs := newRestTestServer(t, warden.AccessKeyActive)
	w := serve(s, signedRest(t, "health-agent", http.MethodGet, "http://127.0.0.1:4599/domain/"+testDomain, ""))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"domainId":"`+testDomain+`"`) || !strings.Contains(w.Body.String(), `"createdAt":1777636800`) {
		t.Fatalf("GetDomain: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("Content-Type") != "application/json" || w.Header().Get("X-Amzn-Requestid") == "" {
		t.Errorf("headers = %v", w.Header())
	}
	c := api.seen
	if c.Principal != testCaller || c.SourceIP != "198.51.100.9" || c.Region != "us-east-1" || c.AccessKeyID != testKey.AccessKeyID {
		t.Errorf("caller = %+v", c)
	}
	if !strings.Contains(logs.String(), `"service":"health-agent"`) || !strings.Contains(logs.String(), `"action":"GetDomain"`) {
		t.Errorf("access log: %s", logs)
	}

	w = serve(s, signedRest(t, "health-agent", http.MethodPost, "http://127.0.0.1:4599/domain", `{"name":"clinic"}`))
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"name":"clinic"`) {
		t.Fatalf("CreateDomain: %d %s", w.Code, w.Body)
	}
	arn := "arn:aws:health-agent:us-east-1:111122223333:domain/" + testDomain
	w = serve(s, signedRest(t, "health-agent", http.MethodPost, "http://127.0.0.1:4599/tags/"+arnLabel(arn), `{"tags":{"k":"v"}}`))
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Fatalf("TagResource: %d %q", w.Code, w.Body)
	}

	// The host prefixes SDKs put before the endpoint change nothing.
	for _, host := range []string{"runtime.127.0.0.1:4599", "streaming.localhost:4599"} {
		w = serve(s, signedRest(t, "health-agent", http.MethodGet, "http://"+host+"/domain/"+testDomain, ""))
		if w.Code != http.StatusOK || api.op != "GetDomain" {
			t.Errorf("host %s: %d %s", host, w.Code, w.Body)
		}
	}

	// The Query protocol is still served at "/".
	w = serve(s, signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bob"))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<UserName>bob</UserName>") {
		t.Fatalf("Query beside restJson1: %d %s", w.Code, w.Body)
	}
}

func TestServeRestErrors(t *testing.T) {
	tests := []struct {
		name   string
		status warden.AccessKeyStatus
		req    func(t *testing.T) *http.Request
		code   int
		errorT string
		want   string
	}{
		{"unsigned", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodGet, "/domain/"+testDomain, nil)
		}, 403, "MissingAuthenticationTokenException", `"message":"`},
		{"inactive key", warden.AccessKeyInactive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodGet, "/domain/"+testDomain, "")
		}, 403, "UnrecognizedClientException", `{"message":"The security token included in the request is invalid."}`},
		{"scoped to another service", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "iam", http.MethodGet, "/domain/"+testDomain, "")
		}, 403, "InvalidSignatureException", `Credential should be scoped to correct service: 'health-agent'.`},
		{"tampered", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			r := signedRest(t, "health-agent", http.MethodPost, "/domain", `{"name":"clinic"}`)
			r.Body = io.NopCloser(strings.NewReader(`{"name":"other"}`))
			return r
		}, 403, "InvalidSignatureException", `"message":"`},
		{"denied", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodDelete, "/domain/"+testDomain, "")
		}, 401, "AccessDeniedException", `{"message":"User: arn:aws:iam::111122223333:user/alice is not authorized to perform: health-agent:DeleteDomain"}`},
		{"unknown path", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodGet, "/nowhere", "")
		}, 404, "UnknownOperationException", `has no operation at GET /nowhere`},
		{"invalid label", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodGet, "/domain/not-a-domain", "")
		}, 400, "ValidationException", `at 'domainId' failed to satisfy constraint`},
		{"not JSON", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodPost, "/domain", `{"name":`)
		}, 400, "SerializationException", `"message":"`},
		{"panic", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodGet, "/domains/"+testDomain+"/subscriptions/sub-abcdefghijklmnopqrstu", "")
		}, 500, "InternalServerException", `{"message":"An internal error occurred."}`},
		{"streaming", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedRest(t, "health-agent", http.MethodPost, "/medical-scribe-stream/", "")
		}, 501, "NotImplemented", `StartMedicalScribeListeningSession`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, logs := newRestTestServer(t, tt.status)
			w := serve(s, tt.req(t))
			if w.Code != tt.code || w.Header().Get("X-Amzn-Errortype") != tt.errorT || !strings.Contains(w.Body.String(), tt.want) {
				t.Fatalf("got %d %s %s; want %d %s containing %s", w.Code, w.Header().Get("X-Amzn-Errortype"), w.Body, tt.code, tt.errorT, tt.want)
			}
			if !strings.Contains(logs.String(), `"service":"health-agent"`) {
				t.Errorf("access log: %s", logs)
			}
		})
	}
}

func TestServeRestBodyLimit(t *testing.T) {
	s, _, _ := newRestTestServer(t, warden.AccessKeyActive)
	s.maxBody = 64
	w := serve(s, signedRest(t, "health-agent", http.MethodPost, "/domain", `{"name":"`+strings.Repeat("a", 100)+`"}`))
	if w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("X-Amzn-Errortype") != "RequestEntityTooLargeException" {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

// Without restJson1 APIs, paths other than "/" are not served.
func TestServeWithoutRest(t *testing.T) {
	s, _, _ := newTestServer(t, warden.AccessKeyActive)
	w := serve(s, signedRest(t, "health-agent", http.MethodGet, "/domain/"+testDomain, ""))
	if w.Code != http.StatusNotFound {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestServeRestMetricsAndAudit(t *testing.T) {
	log := &auditLog{}
	s := NewServer(Config{Source: keySource{warden.AccessKeyActive}, RestAPIs: []RestAPI{&stubHealth{}}, Logger: slog.New(slog.DiscardHandler), Auditor: log})
	serve(s, signedRest(t, "health-agent", http.MethodGet, "/domain/"+testDomain, ""))
	if e := log.only(t); e.Service != "health-agent" || e.Action != "GetDomain" || e.ErrorCode != "" || e.Identity.ARN != testCaller.ARN {
		t.Errorf("allowed: %+v", e)
	}
	serve(s, signedRest(t, "health-agent", http.MethodDelete, "/domain/"+testDomain, ""))
	if e := log.only(t); e.Service != "health-agent" || e.Action != "DeleteDomain" || e.ErrorCode != "AccessDeniedException" {
		t.Errorf("denied: %+v", e)
	}
	serve(s, signedRest(t, "health-agent", http.MethodPost, "/domain", `{"name":"clinic","tags":{"k":"v"}}`))
	if e := log.only(t); e.Action != "CreateDomain" || len(e.RequestParameters) != 2 {
		t.Errorf("parameters: %+v", e.RequestParameters)
	}
	serve(s, signedRest(t, "health-agent", http.MethodGet, "/fly/to/the/moon", ""))
	log.only(t)

	w := httptest.NewRecorder()
	AdminHandler(s.metrics, func(context.Context) error { return nil }).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`warden_requests_total{action="GetDomain",decision="allowed",service="health-agent"} 1`,
		`warden_requests_total{action="DeleteDomain",decision="denied",service="health-agent"} 1`,
		`warden_requests_total{action="unknown",decision="UnknownOperationException",service="health-agent"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "moon") {
		t.Error("a client-chosen path became a metric label")
	}
}

func TestScopeService(t *testing.T) {
	for _, tt := range []struct {
		name, auth, query, want string
	}{
		{"header", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260501/us-east-1/health-agent/aws4_request, SignedHeaders=host, Signature=abc", "", "health-agent"},
		{"presigned", "", "X-Amz-Credential=AKIDEXAMPLE%2F20260501%2Fus-east-1%2Fs3%2Faws4_request", "s3"},
		{"no credential", "AWS4-HMAC-SHA256 SignedHeaders=host", "", ""},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/us-east-1/iam, SignedHeaders=host", "", ""},
		{"nothing", "", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/domain?"+tt.query, nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if got := scopeService(r); got != tt.want {
				t.Errorf("scopeService = %q; want %q", got, tt.want)
			}
		})
	}
}

func FuzzScopeService(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260501/us-east-1/health-agent/aws4_request, SignedHeaders=host, Signature=abc")
	f.Add("Credential=////")
	f.Add("Credential=")
	f.Fuzz(func(t *testing.T, auth string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Authorization"] = []string{auth}
		got := scopeService(r)
		if strings.Contains(got, "/") || got != "" && !strings.Contains(auth, got) {
			t.Fatalf("scopeService(%q) = %q", auth, got)
		}
	})
}

func BenchmarkServeRest(b *testing.B) {
	s := NewServer(Config{Source: keySource{warden.AccessKeyActive}, RestAPIs: []RestAPI{&stubHealth{}}, Logger: slog.New(slog.DiscardHandler)})
	r := signedRest(b, "health-agent", http.MethodGet, "http://127.0.0.1:4599/domain/"+testDomain, "")
	b.ReportAllocs()
	for b.Loop() {
		r.Body = http.NoBody
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body)
		}
	}
}

// extraHealth is a second restJson1 API signed as health-agent, as
// Warden's console API is: one operation at a path the public model does
// not have.
type extraHealth struct{ calls int }

type emptyInput struct{}

func (emptyInput) DecodeHTTP(*restjson.Decoder) {}

func (e *extraHealth) Service() *restjson.Service { return extraHealthService }

func (e *extraHealth) Handle(context.Context, *authz.Caller, *restjson.Operation, restjson.Input) (restjson.Output, error) {
	e.calls++
	return nil, nil
}

var extraHealthService = &restjson.Service{
	Name: "Extra", ARNNamespace: "health-agent", SigningName: "health-agent",
	Operations: map[string]*restjson.Operation{
		"ListWidgets": {Name: "ListWidgets", Action: "health-agent:ListWidgets", Method: http.MethodGet,
			URI: "/domain/{domainId}/widget", NewInput: func() restjson.Input { return emptyInput{} }},
	},
}

func TestServeRestSharedSigningName(t *testing.T) {
	public, extra := &stubHealth{}, &extraHealth{}
	s := NewServer(Config{Source: keySource{warden.AccessKeyActive}, RestAPIs: []RestAPI{public, extra}, Logger: slog.New(slog.DiscardHandler)})

	w := serve(s, signedRest(t, "health-agent", http.MethodGet, "http://127.0.0.1:4599/domain/"+testDomain, ""))
	if w.Code != http.StatusOK || public.op != "GetDomain" || extra.calls != 0 {
		t.Fatalf("the public API's route: %d %s, extra calls %d", w.Code, w.Body, extra.calls)
	}
	w = serve(s, signedRest(t, "health-agent", http.MethodGet, "http://127.0.0.1:4599/domain/"+testDomain+"/widget", ""))
	if w.Code != http.StatusOK || extra.calls != 1 {
		t.Fatalf("the second API's route: %d %s", w.Code, w.Body)
	}
	// A path neither API has gets the first API's answer.
	w = serve(s, signedRest(t, "health-agent", http.MethodGet, "http://127.0.0.1:4599/domain/"+testDomain+"/gadget", ""))
	if w.Code != http.StatusNotFound || w.Header().Get("X-Amzn-Errortype") != restjson.CodeUnknownOperation {
		t.Fatalf("unknown path: %d %v %s", w.Code, w.Header(), w.Body)
	}
}
