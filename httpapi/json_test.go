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
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
	"github.com/warden-iam/warden/policy"
)

type echoInput struct{ Name *string }

type echoOutput struct{ Greeting string }

// stubJSON answers Echo, denies Deny with an explanation, fails Refuse with
// a reasoned error and panics on Panic.
type stubJSON struct {
	svc  *awsjson.Service
	seen *authz.Caller
}

func newStubJSON() *stubJSON {
	ops := map[string]*awsjson.Operation{}
	for _, name := range []string{"Echo", "Deny", "Refuse", "Panic", "Nothing"} {
		ops[name] = &awsjson.Operation{Name: name, NewInput: func() any { return &echoInput{} }}
	}
	return &stubJSON{svc: &awsjson.Service{
		Name: "Stub", TargetPrefix: "StubServiceV20240101", JSONVersion: "1.1", SigningName: "stub", ARNNamespace: "stub",
		Operations: ops,
		Codes:      map[string]string{warden.EAccessDenied: "AccessDeniedException", warden.EInternalFailure: "ServiceException"},
		Faults:     map[string]bool{"ServiceException": true},
	}}
}

func (s *stubJSON) Service() *awsjson.Service { return s.svc }

func (s *stubJSON) Handle(_ context.Context, c *authz.Caller, op *awsjson.Operation, in any) (any, error) {
	s.seen = c
	switch op.Name {
	case "Echo":
		return &echoOutput{Greeting: "hello " + *in.(*echoInput).Name}, nil
	case "Deny":
		e := &policy.Explanation{Decision: policy.ExplicitDeny, Reason: policy.ReasonExplicitDenySCP}
		return nil, (&authz.Decision{Message: "User: x is not authorized", Explanation: e}).Err()
	case "Refuse":
		return nil, warden.ReasonErrorf("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED", "too big")
	case "Panic":
		panic("handler bug")
	}
	return nil, nil
}

func newJSONTestServer(t *testing.T, status warden.AccessKeyStatus) (*Server, *stubJSON, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	api := newStubJSON()
	s := NewServer(Config{
		Source:   keySource{status},
		APIs:     []QueryAPI{&stubIAM{}},
		JSONAPIs: []JSONAPI{api},
		Logger:   slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	return s, api, &logs
}

// signedJSON signs a JSON protocol request as the SDKs send it.
func signedJSON(t testing.TB, service, target, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), testKey, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	r.Body = io.NopCloser(strings.NewReader(body))
	r.RemoteAddr = "198.51.100.9:5555"
	return r
}

func TestServeJSON(t *testing.T) {
	s, api, logs := newJSONTestServer(t, warden.AccessKeyActive)
	w := serve(s, signedJSON(t, "stub", "StubServiceV20240101.Echo", `{"Name":"bob"}`))
	if w.Code != http.StatusOK || w.Body.String() != `{"Greeting":"hello bob"}` {
		t.Fatalf("Echo: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("Content-Type") != "application/x-amz-json-1.1" || w.Header().Get("x-amzn-RequestId") == "" {
		t.Fatalf("headers = %v", w.Header())
	}
	c := api.seen
	if c.Principal != testCaller || c.SourceIP != "198.51.100.9" || c.Region != "us-east-1" || c.AccessKeyID != testKey.AccessKeyID {
		t.Errorf("caller = %+v", c)
	}
	if !strings.Contains(logs.String(), `"service":"stub"`) || !strings.Contains(logs.String(), `"action":"Echo"`) {
		t.Errorf("access log: %s", logs)
	}

	// The Query protocol is still served beside it.
	w = serve(s, signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bob"))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<UserName>bob</UserName>") {
		t.Fatalf("Query beside JSON: %d %s", w.Code, w.Body)
	}

	w = serve(s, signedJSON(t, "stub", "StubServiceV20240101.Nothing", `{}`))
	if w.Code != http.StatusOK || w.Body.String() != `{}` {
		t.Fatalf("operation without output: %d %s", w.Code, w.Body)
	}
}

func TestServeJSONErrors(t *testing.T) {
	tests := []struct {
		name   string
		status warden.AccessKeyStatus
		req    func(t *testing.T) *http.Request
		code   int
		want   string
	}{
		{"unsigned", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
			r.Header.Set("X-Amz-Target", "StubServiceV20240101.Echo")
			return r
		}, 400, `{"__type":"MissingAuthenticationTokenException"`},
		{"inactive key", warden.AccessKeyInactive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "StubServiceV20240101.Echo", `{"Name":"bob"}`)
		}, 400, `{"__type":"UnrecognizedClientException","Message":"The security token included in the request is invalid."}`},
		{"scoped to another service", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "iam", "StubServiceV20240101.Echo", `{"Name":"bob"}`)
		}, 400, `{"__type":"InvalidSignatureException","Message":"Credential should be scoped to correct service: 'stub'. "}`},
		{"unknown operation", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "StubServiceV20240101.FlyToTheMoon", `{}`)
		}, 400, `{"__type":"UnknownOperationException"`},
		{"unknown service", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "DynamoDB_20120810.ListTables", `{}`)
		}, 400, `{"__type":"UnknownOperationException"`},
		{"GET", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("X-Amz-Target", "StubServiceV20240101.Echo")
			return r
		}, 400, `{"__type":"UnknownOperationException","Message":"The JSON protocol takes POST requests only."}`},
		{"not JSON", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "StubServiceV20240101.Echo", `{"Name":`)
		}, 400, `{"__type":"SerializationException","Message":"The request body is not valid JSON."}`},
		{"denied", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "StubServiceV20240101.Deny", `{}`)
		}, 400, `{"__type":"AccessDeniedException","Message":"User: x is not authorized"}`},
		{"reason", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "StubServiceV20240101.Refuse", `{}`)
		}, 400, `{"__type":"ConstraintViolationException","Message":"too big","Reason":"POLICY_CONTENT_LIMIT_EXCEEDED"}`},
		{"handler panic", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signedJSON(t, "stub", "StubServiceV20240101.Panic", `{}`)
		}, 500, `{"__type":"ServiceException","Message":"An internal error occurred."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, logs := newJSONTestServer(t, tt.status)
			w := serve(s, tt.req(t))
			if w.Code != tt.code || !strings.HasPrefix(w.Body.String(), tt.want) {
				t.Fatalf("got %d %s, want %d with %s", w.Code, w.Body, tt.code, tt.want)
			}
			if w.Header().Get("Content-Type") != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", w.Header().Get("Content-Type"))
			}
			if tt.name == "denied" && !strings.Contains(logs.String(), `"explanation"`) {
				t.Errorf("the access log lacks the denial's explanation: %s", logs)
			}
			if strings.Contains(logs.String(), `"action":"FlyToTheMoon"`) {
				t.Errorf("an unknown operation was logged as an action: %s", logs)
			}
		})
	}
}

func TestServeJSONBodyLimit(t *testing.T) {
	s, _, _ := newJSONTestServer(t, warden.AccessKeyActive)
	s.maxBody = 64
	w := serve(s, signedJSON(t, "stub", "StubServiceV20240101.Echo", `{"Name":"`+strings.Repeat("a", 100)+`"}`))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"__type":"SerializationException"`) {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestServeJSONMetrics(t *testing.T) {
	s, _, _ := newJSONTestServer(t, warden.AccessKeyActive)
	serve(s, signedJSON(t, "stub", "StubServiceV20240101.Echo", `{"Name":"bob"}`))
	serve(s, signedJSON(t, "stub", "StubServiceV20240101.Deny", `{}`))
	serve(s, signedJSON(t, "stub", "StubServiceV20240101.FlyToTheMoon", `{}`))
	w := httptest.NewRecorder()
	AdminHandler(s.metrics, func(context.Context) error { return nil }).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`warden_requests_total{action="Echo",decision="allowed",service="stub"} 1`,
		`warden_requests_total{action="Deny",decision="denied",service="stub"} 1`,
		`warden_requests_total{action="unknown",decision="UnknownOperationException",service="stub"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "FlyToTheMoon") {
		t.Error("a client-chosen operation name became a metric label")
	}
}

func BenchmarkServeJSON(b *testing.B) {
	s := NewServer(Config{Source: keySource{warden.AccessKeyActive}, JSONAPIs: []JSONAPI{newStubJSON()}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	body := `{"Name":"bob"}`
	r := signedJSON(b, "stub", "StubServiceV20240101.Echo", body)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(strings.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body)
		}
	}
}
