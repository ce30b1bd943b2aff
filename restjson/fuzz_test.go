package restjson_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// fuzzRequest builds a request from fuzzed parts, or nil when the target
// is not one net/http would hand a handler.
func fuzzRequest(method, target, header, body string) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return nil
	}
	r := &http.Request{Method: method, URL: u, Header: http.Header{}, Body: http.NoBody}
	for _, name := range []string{"X-Amzn-Medscribe-Sample-Rate", "X-Amzn-Medscribe-Session-Id", "X-Amzn-Medscribe-Language-Code"} {
		r.Header.Set(name, header)
	}
	return r
}

func FuzzRoute(f *testing.F) {
	f.Add("GET", "/tags/"+encodedDomainARN)
	f.Add("POST", "/domains/"+domainID+"/subscriptions/"+subscriptionID+"/activate")
	f.Add("GET", "/medical-scribe-stream/domain/a/subscription/b/session/c")
	f.Add("DELETE", "/tags/x%2F%2F?tagKeys=a")
	f.Add("GET", "/domain/%zz")
	f.Add("GET", "//")
	f.Add("POST", "/medical-scribe-stream/")
	svcs := []*restjson.Service{healthshapes.Service, routingService()}
	f.Fuzz(func(t *testing.T, method, target string) {
		r := fuzzRequest(method, target, "", "")
		if r == nil {
			return
		}
		for _, svc := range svcs {
			m, err := svc.Route(r)
			if err != nil {
				if code := warden.ErrorCode(err); code != restjson.CodeUnknownOperation {
					t.Fatalf("Route(%s %s) error %v", method, target, err)
				}
				continue
			}
			if m.Operation.Method != method {
				t.Fatalf("Route(%s %s) = %s, a %s operation", method, target, m.Operation.Name, m.Operation.Method)
			}
			// Every label of the operation's URI has a non-empty value.
			for _, part := range strings.Split(m.Operation.URI, "{")[1:] {
				name := strings.TrimSuffix(part[:strings.IndexByte(part, '}')], "+")
				if v, ok := m.Label(name); !ok || v == "" {
					t.Fatalf("Route(%s %s) = %s without label %s", method, target, m.Operation.Name, name)
				}
			}
		}
	})
}

// FuzzDecode decodes fuzzed requests into every Connect Health input:
// decoding must not panic, and may fail only with a ValidationError or a
// SerializationException worded as such.
func FuzzDecode(f *testing.F) {
	f.Add("/domain?maxResults=5&status=ACTIVE", "16000", `{"name": "n", "tags": {"a": "b"}}`)
	f.Add("/tags/x?tagKeys=&tagKeys=b", "x", `{"tags": {"": null}}`)
	f.Add("/domain/"+domainID, "", `{"patientContext": {"patientId": " "}, "inputDataConfig": {"s3Sources": [null, {}, 1]}}`)
	f.Add("/x?%", "1e3", `[{"a": [[[]]]}]`)
	f.Add("/", "-0", `{"webAppSetupConfiguration": {"ehrRole": 5}, "kmsKeyArn": "\u0000"}`)
	f.Fuzz(func(t *testing.T, target, header, body string) {
		r := fuzzRequest("GET", target, header, body)
		if r == nil {
			return
		}
		for _, op := range healthshapes.Service.Operations {
			// Labels come from routing; a target that routes elsewhere
			// decodes with none, which the decoder must survive too.
			r.Method = op.Method
			m, err := healthshapes.Service.Route(r)
			if err != nil || m.Operation != op {
				m = &restjson.Match{Operation: op}
			}
			in := op.NewInput()
			err = restjson.Decode(r, []byte(body), m, in)
			if err == nil {
				continue
			}
			switch code, msg := warden.ErrorCode(err), warden.ErrorMessage(err); code {
			case warden.EValidationError:
				if !strings.Contains(msg, " validation error") {
					t.Fatalf("%s: validation message %q", op.Name, msg)
				}
			case restjson.CodeSerialization:
				if msg == "" {
					t.Fatalf("%s: empty serialization message", op.Name)
				}
			default:
				t.Fatalf("%s: Decode error %v", op.Name, err)
			}
		}
	})
}
