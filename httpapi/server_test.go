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

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/policy"
)

var (
	testKey    = aws.Credentials{AccessKeyID: "AKIAWARDENTEST000001", SecretAccessKey: "c2VjcmV0LXRlc3Qta2V5LW5vdC1yZWFsLTAwMDAwMDA"}
	testCaller = &warden.Principal{Kind: warden.PrincipalUser, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice", ID: "AIDAEXAMPLE", Name: "alice", Path: "/"}
)

type keySource struct{ status warden.AccessKeyStatus }

func (k keySource) AccessKey(_ context.Context, id string) (*warden.AccessKey, *warden.Principal, error) {
	if id != testKey.AccessKeyID {
		return nil, nil, warden.Errorf(warden.ENoSuchEntity, "The Access Key with id %s cannot be found.", id)
	}
	return &warden.AccessKey{ID: id, SecretAccessKey: testKey.SecretAccessKey, Status: k.status, AccountID: "111122223333", UserName: "alice"}, testCaller, nil
}

func (keySource) PrincipalPolicies(context.Context, string) (*warden.PrincipalPolicies, error) {
	return &warden.PrincipalPolicies{Principal: *testCaller}, nil
}

// stubIAM answers GetUser, denies DeleteUser with an explanation, and
// panics on UpdateUser, so the server's own behaviour can be observed.
type stubIAM struct{ seen *authz.Caller }

func (s *stubIAM) Service() *awsquery.Service { return iamshapes.Service }

func (s *stubIAM) Handle(_ context.Context, c *authz.Caller, op *awsquery.Operation, in awsquery.Input) (awsquery.Output, error) {
	s.seen = c
	switch op.Name {
	case "GetUser":
		return &iamshapes.GetUserOutput{User: iamshapes.User{UserName: *in.(*iamshapes.GetUserInput).UserName, Path: "/"}}, nil
	case "DeleteUser":
		e := &policy.Explanation{Decision: policy.ImplicitDeny, Reason: policy.ReasonNoIdentityAllows}
		d := &authz.Decision{Message: "User: x is not authorized", Explanation: e}
		return nil, d.Err()
	case "UpdateUser":
		panic("handler bug")
	}
	return nil, warden.Errorf(warden.ENotImplemented, "not here")
}

type stsStub struct{}

func (stsStub) Service() *awsquery.Service { return stsshapes.Service }
func (stsStub) Handle(context.Context, *authz.Caller, *awsquery.Operation, awsquery.Input) (awsquery.Output, error) {
	return nil, nil
}

func newTestServer(t *testing.T, status warden.AccessKeyStatus) (*Server, *stubIAM, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	api := &stubIAM{}
	s := NewServer(Config{
		Source: keySource{status},
		APIs:   []QueryAPI{api, stsStub{}},
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	return s, api, &logs
}

func signed(t *testing.T, service, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), testKey, r, hex.EncodeToString(sum[:]), service, "eu-west-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	r.Body = io.NopCloser(strings.NewReader(body))
	r.RemoteAddr = "198.51.100.9:5555"
	return r
}

func serve(s *Server, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestServeQuery(t *testing.T) {
	s, api, logs := newTestServer(t, warden.AccessKeyActive)
	w := serve(s, signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bob"))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<UserName>bob</UserName>") {
		t.Fatalf("GetUser: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId header")
	}
	c := api.seen
	if c.Principal != testCaller || c.SourceIP != "198.51.100.9" || c.Region != "eu-west-1" || c.AccessKeyID != testKey.AccessKeyID || c.SecureTransport {
		t.Errorf("caller = %+v", c)
	}
	if !strings.Contains(logs.String(), `"action":"GetUser"`) || !strings.Contains(logs.String(), `"principal":"arn:aws:iam::111122223333:user/alice"`) {
		t.Errorf("access log: %s", logs)
	}
}

func TestServeErrors(t *testing.T) {
	tests := []struct {
		name   string
		status warden.AccessKeyStatus
		req    func(t *testing.T) *http.Request
		code   int
		want   string
	}{
		{"unsigned", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 403, "<Code>MissingAuthenticationToken</Code>"},
		{"inactive key", warden.AccessKeyInactive, func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bob")
		}, 403, "<Code>InvalidClientTokenId</Code>"},
		{"scoped to another service", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signed(t, "sts", "Action=GetUser&Version=2010-05-08&UserName=bob")
		}, 403, "Credential should be scoped to correct service: &#39;iam&#39;."},
		{"unknown action", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=FlyToTheMoon&Version=2010-05-08")
		}, 400, "<Code>InvalidAction</Code>"},
		{"validation", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bad%20name")
		}, 400, "<Code>ValidationError</Code>"},
		{"denied", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=DeleteUser&Version=2010-05-08&UserName=bob")
		}, 403, "<Code>AccessDenied</Code>"},
		{"handler panic", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return signed(t, "iam", "Action=UpdateUser&Version=2010-05-08&UserName=bob")
		}, 500, "<Code>InternalFailure</Code>"},
		{"other path", warden.AccessKeyActive, func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodGet, "/admin", nil)
		}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, logs := newTestServer(t, tt.status)
			w := serve(s, tt.req(t))
			if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.want) {
				t.Fatalf("got %d %s, want %d with %q", w.Code, w.Body, tt.code, tt.want)
			}
			if tt.name == "denied" && !strings.Contains(logs.String(), `"explanation"`) {
				t.Errorf("the access log lacks the denial's explanation: %s", logs)
			}
			if tt.name == "handler panic" && strings.Contains(w.Body.String(), "handler bug") {
				t.Error("the panic's text leaked to the client")
			}
			if tt.name == "handler panic" && (!strings.Contains(logs.String(), `"status":500`) || !strings.Contains(logs.String(), `"level":"ERROR"`)) {
				t.Errorf("the access log does not record the panic as a 500 error: %s", logs)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	s, _, _ := newTestServer(t, warden.AccessKeyActive)
	s.maxBody = 64
	w := serve(s, signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName="+strings.Repeat("a", 100)))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "exceeds the maximum size") {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestMetricsAndAdmin(t *testing.T) {
	s, _, _ := newTestServer(t, warden.AccessKeyActive)
	serve(s, signed(t, "iam", "Action=GetUser&Version=2010-05-08&UserName=bob"))
	serve(s, signed(t, "iam", "Action=DeleteUser&Version=2010-05-08&UserName=bob"))
	unsigned := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=GetUser&Version=2010-05-08"))
	unsigned.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	serve(s, unsigned)
	ready := func(context.Context) error { return nil }
	w := httptest.NewRecorder()
	AdminHandler(s.metrics, ready).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`warden_requests_total{action="GetUser",decision="allowed",service="iam"} 1`,
		`warden_requests_total{action="DeleteUser",decision="denied",service="iam"} 1`,
		`warden_authentication_failures_total{code="MissingAuthenticationToken"} 1`,
		`warden_request_duration_seconds_bucket{action="GetUser",service="iam"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	notReady := func(context.Context) error { return warden.Errorf(warden.EServiceFailure, "db down") }
	w = httptest.NewRecorder()
	AdminHandler(s.metrics, notReady).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a failing store: %d", w.Code)
	}
}
