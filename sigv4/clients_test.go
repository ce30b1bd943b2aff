package sigv4

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// These tests replay requests shaped like those real clients send (header
// sets, order and encodings as captured from the AWS CLI, the Go SDK and
// aws-iam-authenticator). Each one's canonical request is written out by
// hand from the specification and signed by independentSignature, so the
// verifier's canonicalization is checked against text, not against itself.

type capturedRequest struct {
	name string
	// wire is the request as sent, with AUTH standing for the signature.
	wire      string
	service   string
	keyID     string
	secret    string
	canonical string // the canonical request the client signed
}

// signed is a captured request with its signature filled in.
type signed struct {
	r         *http.Request
	body      []byte
	signature string
}

func (c capturedRequest) request(t *testing.T) signed {
	t.Helper()
	const amzDate = "20261122T101500Z"
	scope := "20261122/us-east-1/" + c.service + "/aws4_request"
	signature := independentSignature(c.secret, amzDate, scope, c.canonical)
	r, body := readRequest(t, strings.ReplaceAll(c.wire, "AUTH", signature))
	return signed{r: r, body: body, signature: signature}
}

func TestCapturedClientRequests(t *testing.T) {
	const createUser = "Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=x"
	const getCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15"
	tests := []capturedRequest{
		{
			name:    "aws cli iam create-user",
			service: "iam", keyID: testAccessKeyID, secret: testSecret,
			wire: "POST / HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"Accept-Encoding: identity\r\n" +
				"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n" +
				"User-Agent: aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.13.5\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=AUTH\r\n" +
				"Content-Length: " + strconv.Itoa(len(createUser)) + "\r\n" +
				"\r\n" + createUser,
			canonical: "POST\n/\n\n" +
				"content-type:application/x-www-form-urlencoded; charset=utf-8\n" +
				"host:127.0.0.1:18080\n" +
				"x-amz-date:20261122T101500Z\n\n" +
				"content-type;host;x-amz-date\n" +
				sha256Hex(createUser),
		},
		{
			name:    "aws cli sts get-caller-identity with session token",
			service: "sts", keyID: testTempKeyID, secret: testTempSecret,
			wire: "POST / HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"X-Amz-Security-Token: " + testSessionToken + "\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=AUTH\r\n" +
				"Content-Length: " + strconv.Itoa(len(getCallerIdentity)) + "\r\n" +
				"\r\n" + getCallerIdentity,
			canonical: "POST\n/\n\n" +
				"content-type:application/x-www-form-urlencoded; charset=utf-8\n" +
				"host:127.0.0.1:18080\n" +
				"x-amz-date:20261122T101500Z\n" +
				"x-amz-security-token:" + testSessionToken + "\n\n" +
				"content-type;host;x-amz-date;x-amz-security-token\n" +
				sha256Hex(getCallerIdentity),
		},
		{
			name:    "aws cli connecthealth list-tags-for-resource",
			service: "health-agent", keyID: testAccessKeyID, secret: testSecret,
			wire: "GET /tags/arn%3Aaws%3Ahealth-agent%3Aus-east-1%3A123456789012%3Adomain%2Fd-1 HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/health-agent/aws4_request, SignedHeaders=host;x-amz-date, Signature=AUTH\r\n" +
				"\r\n",
			canonical: "GET\n" +
				"/tags/arn%253Aaws%253Ahealth-agent%253Aus-east-1%253A123456789012%253Adomain%252Fd-1\n\n" +
				"host:127.0.0.1:18080\n" +
				"x-amz-date:20261122T101500Z\n\n" +
				"host;x-amz-date\n" +
				sha256Hex(""),
		},
		{
			// The Go SDK signs its invocation headers and content-length.
			name:    "aws-sdk-go-v2 iam list-users",
			service: "iam", keyID: testAccessKeyID, secret: testSecret,
			wire: "POST / HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"User-Agent: aws-sdk-go-v2/1.47.7 ua/2.1 os/linux lang/go#1.26.8 md/GOOS#linux md/GOARCH#amd64 api/iam#1.64.8\r\n" +
				"Content-Length: 35\r\n" +
				"Amz-Sdk-Invocation-Id: 8f3e2c1a-0d4b-4f6e-9a2b-7c5d1e3f4a6b\r\n" +
				"Amz-Sdk-Request: attempt=1; max=3\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date, Signature=AUTH\r\n" +
				"Content-Type: application/x-www-form-urlencoded\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"Accept-Encoding: gzip\r\n" +
				"\r\n" +
				"Action=ListUsers&Version=2010-05-08",
			canonical: "POST\n/\n\n" +
				"amz-sdk-invocation-id:8f3e2c1a-0d4b-4f6e-9a2b-7c5d1e3f4a6b\n" +
				"amz-sdk-request:attempt=1; max=3\n" +
				"content-length:35\n" +
				"content-type:application/x-www-form-urlencoded\n" +
				"host:127.0.0.1:18080\n" +
				"x-amz-date:20261122T101500Z\n\n" +
				"amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date\n" +
				sha256Hex("Action=ListUsers&Version=2010-05-08"),
		},
		{
			// The query order on the wire is not the canonical order, and
			// the signed header list is in the query.
			name:    "aws-iam-authenticator presigned get-caller-identity",
			service: "sts", keyID: testAccessKeyID, secret: testSecret,
			wire: "GET /?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20261122T101500Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=AUTH HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"x-k8s-aws-id: my-cluster\r\n" +
				"\r\n",
			canonical: "GET\n/\n" +
				"Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20261122T101500Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\n" +
				"host:127.0.0.1:18080\n" +
				"x-k8s-aws-id:my-cluster\n\n" +
				"host;x-k8s-aws-id\n" +
				sha256Hex(""),
		},
		{
			// Some clients (AWS Java SDK v1, JDBC drivers) sign user-agent and
			// expect; Go's server may answer the expectation itself.
			name:    "client signing user-agent and expect",
			service: "iam", keyID: testAccessKeyID, secret: testSecret,
			wire: "POST / HTTP/1.1\r\n" +
				"Host: iam.example.test\r\n" +
				"User-Agent: aws-sdk-java/1.12.700 Linux/6.1 OpenJDK_64-Bit_Server_VM/21\r\n" +
				"Expect: 100-continue\r\n" +
				"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request,SignedHeaders=content-type;expect;host;user-agent;x-amz-date,Signature=AUTH\r\n" +
				"Content-Length: 35\r\n" +
				"\r\n" +
				"Action=ListUsers&Version=2010-05-08",
			canonical: "POST\n/\n\n" +
				"content-type:application/x-www-form-urlencoded; charset=utf-8\n" +
				"expect:100-continue\n" +
				"host:iam.example.test\n" +
				"user-agent:aws-sdk-java/1.12.700 Linux/6.1 OpenJDK_64-Bit_Server_VM/21\n" +
				"x-amz-date:20261122T101500Z\n\n" +
				"content-type;expect;host;user-agent;x-amz-date\n" +
				sha256Hex("Action=ListUsers&Version=2010-05-08"),
		},
		{
			// botocore signs the path with dot segments and empty segments
			// removed; the raw target keeps them.
			name:    "normalized path",
			service: "health-agent", keyID: testAccessKeyID, secret: testSecret,
			wire: "GET //domains/./d-1/../d-2// HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/health-agent/aws4_request, SignedHeaders=host;x-amz-date, Signature=AUTH\r\n" +
				"\r\n",
			canonical: "GET\n/domains/d-2/\n\n" +
				"host:127.0.0.1:18080\n" +
				"x-amz-date:20261122T101500Z\n\n" +
				"host;x-amz-date\n" +
				sha256Hex(""),
		},
		{
			// The query as botocore sends a GET: already encoded, unsorted.
			name:    "raw query with reserved characters",
			service: "iam", keyID: testAccessKeyID, secret: testSecret,
			wire: "GET /?Version=2010-05-08&Action=ListUsers&PathPrefix=%2Fa%20b%2F&Marker=x%2By&flag HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"X-Amz-Date: 20261122T101500Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=AUTH\r\n" +
				"\r\n",
			canonical: "GET\n/\n" +
				"Action=ListUsers&Marker=x%2By&PathPrefix=%2Fa%20b%2F&Version=2010-05-08&flag=\n" +
				"host:127.0.0.1:18080\n" +
				"x-amz-date:20261122T101500Z\n\n" +
				"host;x-amz-date\n" +
				sha256Hex(""),
		},
		{
			// Before X-Amz-Date existed, the HTTP Date header carried the time.
			name:    "date header instead of x-amz-date",
			service: "iam", keyID: testAccessKeyID, secret: testSecret,
			wire: "POST / HTTP/1.1\r\n" +
				"Host: 127.0.0.1:18080\r\n" +
				"Date: Sun, 22 Nov 2026 10:15:00 GMT\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=date;host, Signature=AUTH\r\n" +
				"Content-Length: 0\r\n" +
				"\r\n",
			canonical: "POST\n/\n\n" +
				"date:Sun, 22 Nov 2026 10:15:00 GMT\n" +
				"host:127.0.0.1:18080\n\n" +
				"date;host\n" +
				sha256Hex(""),
		},
	}
	v := newTestVerifier(testTime)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.request(t)
			res := mustVerify(t, v, got.r, got.body)
			if res.AccessKeyID != tt.keyID || res.Service != tt.service || res.Signature != got.signature {
				t.Errorf("result %+v", res)
			}
			if !res.SignedAt.Equal(testTime) {
				t.Errorf("signed at %v, want %v", res.SignedAt, testTime)
			}
		})
	}
}
