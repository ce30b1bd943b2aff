package restjson_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

const (
	domainID       = "dom-a1b2c3d4e5f6g7h8"
	subscriptionID = "sub-A1b2C3d4E5f6G7h8I9j0K"
	sessionID      = "0123abcd-4567-89ef-0123-456789abcdef"
	domainARN      = "arn:aws:health-agent:us-east-1:123456789012:domain/" + domainID
	// encodedDomainARN is domainARN as clients send it in a label.
	encodedDomainARN = "arn%3Aaws%3Ahealth-agent%3Aus-east-1%3A123456789012%3Adomain%2F" + domainID
)

// TestRouteConnectHealth routes a request to each of the 16 operations,
// with the paths the AWS CLI sends.
func TestRouteConnectHealth(t *testing.T) {
	tests := []struct {
		method, target string
		op             string
		labels         map[string]string
	}{
		{"GET", "/domain", "ListDomains", nil},
		{"GET", "/domain?status=ACTIVE&maxResults=5", "ListDomains", nil},
		{"POST", "/domain", "CreateDomain", nil},
		{"GET", "/domain/" + domainID, "GetDomain", map[string]string{"domainId": domainID}},
		{"DELETE", "/domain/" + domainID, "DeleteDomain", map[string]string{"domainId": domainID}},
		{"POST", "/domains/" + domainID + "/subscriptions", "CreateSubscription", map[string]string{"domainId": domainID}},
		{"GET", "/domains/" + domainID + "/subscriptions?maxResults=1", "ListSubscriptions", map[string]string{"domainId": domainID}},
		{"GET", "/domains/" + domainID + "/subscriptions/" + subscriptionID, "GetSubscription",
			map[string]string{"domainId": domainID, "subscriptionId": subscriptionID}},
		{"POST", "/domains/" + domainID + "/subscriptions/" + subscriptionID + "/activate", "ActivateSubscription",
			map[string]string{"domainId": domainID, "subscriptionId": subscriptionID}},
		{"POST", "/domains/" + domainID + "/subscriptions/" + subscriptionID + "/deactivate", "DeactivateSubscription",
			map[string]string{"domainId": domainID, "subscriptionId": subscriptionID}},
		{"POST", "/domain/" + domainID + "/patient-insights-job", "StartPatientInsightsJob", map[string]string{"domainId": domainID}},
		{"GET", "/domain/" + domainID + "/patient-insights-job/job-1", "GetPatientInsightsJob",
			map[string]string{"domainId": domainID, "jobId": "job-1"}},
		{"POST", "/medical-scribe-stream/", "StartMedicalScribeListeningSession", nil},
		{"GET", "/medical-scribe-stream/domain/" + domainID + "/subscription/" + subscriptionID + "/session/" + sessionID,
			"GetMedicalScribeListeningSession", map[string]string{"domainId": domainID, "subscriptionId": subscriptionID, "sessionId": sessionID}},
		{"POST", "/tags/" + encodedDomainARN, "TagResource", map[string]string{"resourceArn": domainARN}},
		{"DELETE", "/tags/" + encodedDomainARN + "?tagKeys=a&tagKeys=b", "UntagResource", map[string]string{"resourceArn": domainARN}},
		{"GET", "/tags/" + encodedDomainARN, "ListTagsForResource", map[string]string{"resourceArn": domainARN}},
		// A label decodes every escape, "+" stays "+", and a raw ":" is
		// as good as an encoded one.
		{"GET", "/tags/arn:aws:x%2By+z%20w", "ListTagsForResource", map[string]string{"resourceArn": "arn:aws:x+y+z w"}},
		{"GET", "/domain/%64om-x", "GetDomain", map[string]string{"domainId": "dom-x"}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			m, err := healthshapes.Service.Route(httptest.NewRequest(tt.method, tt.target, nil))
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			if m.Operation.Name != tt.op {
				t.Fatalf("Route = %s, want %s", m.Operation.Name, tt.op)
			}
			for name, want := range tt.labels {
				if got, ok := m.Label(name); !ok || got != want {
					t.Errorf("Label(%s) = %q, %t; want %q", name, got, ok, want)
				}
			}
			if _, ok := m.Label("nonexistent"); ok {
				t.Error("Label(nonexistent) found a value")
			}
			seen[tt.op] = true
		})
	}
	for name := range healthshapes.Service.Operations {
		if !seen[name] {
			t.Errorf("no test routes to %s", name)
		}
	}
}

// TestRouteUnknown checks the requests no operation answers: AWS's
// UnknownOperationException, HTTP 404.
func TestRouteUnknown(t *testing.T) {
	tests := []struct{ name, method, target string }{
		{"WrongMethod", "PUT", "/domain"},
		{"WrongMethodOnLabel", "PATCH", "/domain/" + domainID},
		{"UnknownPath", "GET", "/domains"},
		{"EmptyLabel", "GET", "/domain/"},
		{"ExtraSegment", "GET", "/domain/" + domainID + "/x"},
		{"TrailingSlashMissing", "POST", "/medical-scribe-stream"},
		{"EncodedSlashIsNotASeparator", "GET", "/domains/" + domainID + "%2Fsubscriptions"},
		{"Root", "GET", "/"},
		{"DoubleSlash", "GET", "//domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := healthshapes.Service.Route(httptest.NewRequest(tt.method, tt.target, nil))
			if err == nil {
				t.Fatalf("Route = %s, want an error", m.Operation.Name)
			}
			if code := warden.ErrorCode(err); code != restjson.CodeUnknownOperation {
				t.Errorf("code = %s, want %s", code, restjson.CodeUnknownOperation)
			}
			if status := healthshapes.Service.Status(warden.ErrorCode(err)); status != http.StatusNotFound {
				t.Errorf("status = %d, want 404", status)
			}
		})
	}
}

// routingService has the URI features Connect Health does not use.
func routingService() *restjson.Service {
	op := func(name, method, uri string) *restjson.Operation {
		return &restjson.Operation{Name: name, Method: method, URI: uri}
	}
	return &restjson.Service{Name: "Routing", Operations: map[string]*restjson.Operation{
		"GetObject":      op("GetObject", "GET", "/buckets/{bucket}/objects/{key+}"),
		"GetObjectACL":   op("GetObjectACL", "GET", "/buckets/{bucket}/objects/{key+}/acl"),
		"ListObjects":    op("ListObjects", "GET", "/buckets/{bucket}/objects"),
		"ListVersions":   op("ListVersions", "GET", "/buckets/{bucket}/objects?versions"),
		"ListUploads":    op("ListUploads", "GET", "/buckets/{bucket}/objects?uploads&type=multipart"),
		"GetBucketStats": op("GetBucketStats", "GET", "/buckets/stats"),
		"GetBucket":      op("GetBucket", "GET", "/buckets/{bucket}"),
	}}
}

func TestRouteBindings(t *testing.T) {
	svc := routingService()
	tests := []struct {
		target string
		op     string
		labels map[string]string
	}{
		{"/buckets/b/objects/a/b/c.txt", "GetObject", map[string]string{"bucket": "b", "key": "a/b/c.txt"}},
		{"/buckets/b/objects/a%2Fb", "GetObject", map[string]string{"key": "a/b"}},
		{"/buckets/b/objects/x/acl", "GetObjectACL", map[string]string{"bucket": "b", "key": "x"}},
		{"/buckets/b/objects/x/y/acl", "GetObjectACL", map[string]string{"key": "x/y"}},
		// The greedy label takes all it can before the literal suffix;
		// "acl" alone is a key, not a suffix without a key.
		{"/buckets/b/objects/acl", "GetObject", map[string]string{"key": "acl"}},
		{"/buckets/b/objects", "ListObjects", map[string]string{"bucket": "b"}},
		{"/buckets/b/objects?versions", "ListVersions", nil},
		{"/buckets/b/objects?versions=1&x=2", "ListVersions", nil},
		{"/buckets/b/objects?uploads&type=multipart", "ListUploads", nil},
		{"/buckets/b/objects?uploads&type=single", "ListObjects", nil},
		{"/buckets/b/objects?uploads&type=multipart&versions", "ListUploads", nil},
		// A literal segment wins over a label in the same place.
		{"/buckets/stats", "GetBucketStats", nil},
		// Empty segments within a greedy label are kept.
		{"/buckets/b/objects//acl", "GetObject", map[string]string{"key": "/acl"}},
		{"/buckets/b/objects/x/acl/", "GetObject", map[string]string{"key": "x/acl/"}},
		{"/buckets/statsx", "GetBucket", map[string]string{"bucket": "statsx"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			m, err := svc.Route(httptest.NewRequest("GET", tt.target, nil))
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			if m.Operation.Name != tt.op {
				t.Fatalf("Route = %s, want %s", m.Operation.Name, tt.op)
			}
			for name, want := range tt.labels {
				if got, _ := m.Label(name); got != want {
					t.Errorf("Label(%s) = %q, want %q", name, got, want)
				}
			}
		})
	}
	for _, target := range []string{"/buckets/b/objects/", "/buckets//objects/x", "/buckets/b/other"} {
		t.Run("NoMatch"+target, func(t *testing.T) {
			if m, err := svc.Route(httptest.NewRequest("GET", target, nil)); err == nil {
				t.Errorf("Route(%s) = %s, want no operation", target, m.Operation.Name)
			}
		})
	}
}

func TestCheckRoutes(t *testing.T) {
	tests := []struct {
		name string
		uris map[string]string // operation → "METHOD URI"
		want string            // "" for valid routes
	}{
		{"Valid", map[string]string{"A": "GET /a/{x}", "B": "POST /a/{x}", "C": "GET /a/{x}/b"}, ""},
		{"SameRoute", map[string]string{"A": "GET /a/{x}", "B": "GET /a/{y}"}, "both route GET"},
		{"SameRouteOtherMethodBetween", map[string]string{"A": "GET /a/{x}", "B": "POST /a/{y}", "C": "GET /a/{z}"}, "both route GET"},
		{"SameQueryLiterals", map[string]string{"A": "GET /a?x&y=1", "B": "GET /a?y=1&x"}, ""},
		{"NoLeadingSlash", map[string]string{"A": "GET a/b"}, "does not start with /"},
		{"PartialLabel", map[string]string{"A": "GET /a/x{y}"}, "does not span"},
		{"UnclosedLabel", map[string]string{"A": "GET /a/{y"}, "does not span"},
		{"TwoGreedy", map[string]string{"A": "GET /{a+}/{b+}"}, "more than one greedy"},
		{"RepeatedLabel", map[string]string{"A": "GET /{a}/{a}"}, "repeated label"},
		{"EmptyLabel", map[string]string{"A": "GET /{}"}, "bad or repeated label"},
		{"EmptyQueryKey", map[string]string{"A": "GET /a?=x"}, "bad query literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := map[string]*restjson.Operation{}
			for name, route := range tt.uris {
				method, uri, _ := strings.Cut(route, " ")
				ops[name] = &restjson.Operation{Name: name, Method: method, URI: uri}
			}
			err := restjson.CheckRoutes(ops)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckRoutes: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckRoutes = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

// TestRouteBrokenService checks that a hand-made service whose routes do
// not parse answers every request with an internal failure, not a panic.
func TestRouteBrokenService(t *testing.T) {
	svc := &restjson.Service{Name: "Broken", Operations: map[string]*restjson.Operation{
		"A": {Name: "A", Method: "GET", URI: "no-slash"},
	}}
	_, err := svc.Route(httptest.NewRequest("GET", "/", nil))
	if code := warden.ErrorCode(err); code != warden.EInternalFailure {
		t.Errorf("Route error = %v, want InternalFailure", err)
	}
}
