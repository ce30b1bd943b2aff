package awsjson

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

type testInput struct {
	Name       *string
	MaxResults *int32
	Tags       []struct{ Key, Value string }
	When       *Timestamp
}

var testService = &Service{
	Name:         "Test",
	TargetPrefix: "TestServiceV20240101",
	JSONVersion:  "1.1",
	SigningName:  "test",
	ARNNamespace: "test",
	Operations: map[string]*Operation{
		"DoThing": {Name: "DoThing", NewInput: func() any { return &testInput{} }},
	},
	Codes:  map[string]string{warden.EAccessDenied: "AccessDeniedException", warden.EInternalFailure: "ServiceException"},
	Faults: map[string]bool{"ServiceException": true},
}

func TestOperation(t *testing.T) {
	tests := []struct {
		target string
		want   string // operation name, or "" for UnknownOperationException
	}{
		{"TestServiceV20240101.DoThing", "DoThing"},
		{"TestServiceV20240101.DoOtherThing", ""},
		{"OtherServiceV20240101.DoThing", ""},
		{"TestServiceV20240101.", ""},
		{"DoThing", ""},
		{"", ""},
		{".DoThing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			op, err := testService.Operation(tt.target)
			if tt.want == "" {
				if warden.ErrorCode(err) != CodeUnknownOperation {
					t.Fatalf("Operation(%q) = %v, %v; want UnknownOperationException", tt.target, op, err)
				}
				return
			}
			if err != nil || op.Name != tt.want {
				t.Fatalf("Operation(%q) = %v, %v; want %s", tt.target, op, err, tt.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
		msg  string
	}{
		{"empty body", "", true, ""},
		{"empty object", "{}", true, ""},
		{"members", `{"Name":"a","MaxResults":5,"Tags":[{"Key":"k","Value":"v"}],"When":1700000000.5}`, true, ""},
		{"unknown member", `{"Name":"a","Later":true}`, true, ""},
		{"null member", `{"Name":null}`, true, ""},
		{"not JSON", `{"Name":`, false, "The request body is not valid JSON."},
		{"array", `[]`, false, "The request body must be a JSON object."},
		{"wrong type", `{"MaxResults":"5"}`, false, "The value of MaxResults is a JSON string, which that member cannot hold."},
		{"two values", `{} {}`, false, "The request body holds more than one JSON value."},
		{"bad timestamp", `{"When":"yesterday"}`, false, "A member of the request body holds a value of the wrong type."},
		{"truncated", `{"Name":"a"`, false, "The request body is not valid JSON."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in testInput
			err := Decode([]byte(tt.body), &in)
			if tt.ok {
				if err != nil {
					t.Fatalf("Decode(%s) = %v", tt.body, err)
				}
				return
			}
			if warden.ErrorCode(err) != CodeSerialization || warden.ErrorMessage(err) != tt.msg {
				t.Fatalf("Decode(%s) = %v; want SerializationException %q", tt.body, err, tt.msg)
			}
		})
	}
	var in testInput
	if err := Decode([]byte(`{"Name":"a","MaxResults":5,"When":1700000000.123}`), &in); err != nil {
		t.Fatal(err)
	}
	if *in.Name != "a" || *in.MaxResults != 5 || !in.When.Equal(time.UnixMilli(1700000000123)) {
		t.Fatalf("decoded %+v", in)
	}
}

func TestWriteResponse(t *testing.T) {
	type out struct {
		Id      string
		Joined  Timestamp `json:",omitzero"`
		Missing Timestamp `json:",omitzero"`
	}
	rec := httptest.NewRecorder()
	testService.WriteResponse(rec, "req-1", out{Id: "x", Joined: At(time.UnixMilli(1481830215450))})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" || rec.Header().Get("x-amzn-RequestId") != "req-1" {
		t.Fatalf("response %d %v", rec.Code, rec.Header())
	}
	if got := rec.Body.String(); got != `{"Id":"x","Joined":1481830215.45}` {
		t.Fatalf("body = %s", got)
	}

	rec = httptest.NewRecorder()
	testService.WriteResponse(rec, "req-2", nil)
	if rec.Body.String() != "{}" {
		t.Fatalf("empty output = %q", rec.Body.String())
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"renamed", warden.Errorf(warden.EAccessDenied, "no"), 400, `{"__type":"AccessDeniedException","Message":"no"}`},
		{"own code", warden.Errorf("PolicyNotFoundException", "gone"), 400, `{"__type":"PolicyNotFoundException","Message":"gone"}`},
		{"reason", warden.ReasonErrorf("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED", "big"), 400,
			`{"__type":"ConstraintViolationException","Message":"big","Reason":"POLICY_CONTENT_LIMIT_EXCEEDED"}`},
		{"foreign error", errors.New("disk on fire"), 500, `{"__type":"ServiceException","Message":"An internal error occurred."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			testService.WriteError(rec, "req-1", tt.err)
			if rec.Code != tt.status || rec.Body.String() != tt.body {
				t.Fatalf("WriteError = %d %s; want %d %s", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if rec.Header().Get("x-amzn-RequestId") != "req-1" || rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" {
				t.Fatalf("headers = %v", rec.Header())
			}
		})
	}
}

func TestTimestampRoundTrip(t *testing.T) {
	for _, ms := range []int64{0, 1, 999, 1481830215450, 1700000000123, 4102444800000} {
		b, err := json.Marshal(At(time.UnixMilli(ms)))
		if err != nil {
			t.Fatal(err)
		}
		var ts Timestamp
		if err := json.Unmarshal(b, &ts); err != nil {
			t.Fatal(err)
		}
		if ts.UnixMilli() != ms || strings.ContainsAny(string(b), "eE") {
			t.Fatalf("%d ms → %s → %d ms", ms, b, ts.UnixMilli())
		}
	}
}

// FuzzDecode feeds arbitrary bodies to Decode: it must fill the input or
// answer SerializationException, never fail otherwise or panic.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{"", "{}", `{"Name":"a","MaxResults":5}`, `{"Tags":[{"Key":"k"}]}`, `{"When":1.5}`, `[1,2]`, `{"Name":`, "null", `{"MaxResults":1e99}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in testInput
		if err := Decode(body, &in); err != nil && warden.ErrorCode(err) != CodeSerialization {
			t.Fatalf("Decode(%q) = %v", body, err)
		}
	})
}

// FuzzSplitTarget checks that a split target joins back to what it came
// from.
func FuzzSplitTarget(f *testing.F) {
	for _, seed := range []string{"AWSOrganizationsV20161128.ListRoots", "a.b.c", ".", "x.", ".y", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, target string) {
		prefix, op, ok := SplitTarget(target)
		if ok && (prefix+"."+op != target || prefix == "" || op == "" || strings.Contains(op, ".")) {
			t.Fatalf("SplitTarget(%q) = %q, %q", target, prefix, op)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(`{"Name":"engineering","MaxResults":20,"Tags":[{"Key":"team","Value":"core"}]}`)
	b.ReportAllocs()
	for b.Loop() {
		var in testInput
		if err := Decode(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteResponse(b *testing.B) {
	type account struct {
		Id, Arn, Name, Email, Status string
		JoinedTimestamp              Timestamp
	}
	out := struct{ Accounts []account }{}
	for range 20 {
		out.Accounts = append(out.Accounts, account{"111111111111", "arn:aws:organizations::111111111111:account/o-aa111bb222/111111111111", "dev", "dev@example.com", "ACTIVE", At(time.Now())})
	}
	b.ReportAllocs()
	for b.Loop() {
		testService.WriteResponse(httptest.NewRecorder(), "req", out)
	}
}
