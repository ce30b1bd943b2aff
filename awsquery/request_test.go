package awsquery_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		wantAction  string
		wantVersion string
		wantParams  map[string]string
	}{{
		name:        "GoSDKPost",
		method:      http.MethodPost,
		target:      "/",
		contentType: "application/x-www-form-urlencoded",
		body:        "Action=CreateUser&UserName=alice&Version=2010-05-08",
		wantAction:  "CreateUser",
		wantVersion: "2010-05-08",
		wantParams:  map[string]string{"UserName": "alice"},
	}, {
		name:        "CLIPostWithCharsetAndPlusForSpace",
		method:      http.MethodPost,
		target:      "/",
		contentType: "application/x-www-form-urlencoded; charset=utf-8",
		body:        "Action=GetUserPolicy&Version=2010-05-08&UserName=bob&PolicyName=my+policy",
		wantAction:  "GetUserPolicy",
		wantVersion: "2010-05-08",
		wantParams:  map[string]string{"UserName": "bob", "PolicyName": "my policy"},
	}, {
		name:        "PresignedGet",
		method:      http.MethodGet,
		target:      "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc",
		wantAction:  "GetCallerIdentity",
		wantVersion: "2011-06-15",
		wantParams:  map[string]string{"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Signature": "abc"},
	}, {
		name:        "BodyWinsOverQueryString",
		method:      http.MethodPost,
		target:      "/?Action=DeleteUser&UserName=fromquery&Extra=q",
		contentType: "application/x-www-form-urlencoded",
		body:        "Action=CreateUser&Version=2010-05-08&UserName=frombody",
		wantAction:  "CreateUser",
		wantVersion: "2010-05-08",
		wantParams:  map[string]string{"UserName": "frombody", "Extra": "q"},
	}, {
		name:        "FirstOfRepeatedParameter",
		method:      http.MethodPost,
		target:      "/",
		contentType: "application/x-www-form-urlencoded",
		body:        "Action=CreateUser&UserName=first&UserName=second",
		wantAction:  "CreateUser",
		wantParams:  map[string]string{"UserName": "first"},
	}, {
		name:        "BodyOfOtherContentTypeIgnored",
		method:      http.MethodPost,
		target:      "/?Action=ListUsers&Version=2010-05-08",
		contentType: "application/json",
		body:        "Action=CreateUser&UserName=x",
		wantAction:  "ListUsers",
		wantVersion: "2010-05-08",
		wantParams:  map[string]string{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			req, err := awsquery.Parse(r, []byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if req.Action != tt.wantAction || req.Version != tt.wantVersion {
				t.Errorf("Action, Version = %q, %q; want %q, %q", req.Action, req.Version, tt.wantAction, tt.wantVersion)
			}
			got := map[string]string{}
			for _, name := range req.Params.Unread() {
				got[name], _ = req.Params.Get(name)
			}
			if diff := cmp.Diff(tt.wantParams, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
			if req.Params.Len() != len(tt.wantParams) {
				t.Errorf("Params.Len() = %d, want %d", req.Params.Len(), len(tt.wantParams))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		target   string
		body     string
		wantCode string
	}{
		{"NoAction", "/", "Version=2010-05-08&UserName=x", warden.EMissingAction},
		{"EmptyAction", "/", "Action=&Version=2010-05-08", warden.EMissingAction},
		{"BadEscapeInBody", "/", "Action=ListUsers&UserName=%zz", "MalformedQueryString"},
		{"BadEscapeInQuery", "/?Action=%", "", "MalformedQueryString"},
		{"SemicolonSeparator", "/", "Action=ListUsers;Version=2010-05-08", "MalformedQueryString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.target, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			_, err := awsquery.Parse(r, []byte(tt.body))
			if got := warden.ErrorCode(err); got != tt.wantCode {
				t.Errorf("Parse error = %v, want code %s", err, tt.wantCode)
			}
		})
	}
}

func TestServiceOperation(t *testing.T) {
	svc := &awsquery.Service{
		Version:    "2010-05-08",
		Operations: map[string]*awsquery.Operation{"ListUsers": {Name: "ListUsers", Action: "iam:ListUsers"}},
	}
	tests := []struct {
		name, action, version string
		wantCode, wantMessage string
	}{
		{"Known", "ListUsers", "2010-05-08", "", ""},
		{"UnknownAction", "ListUser", "2010-05-08", warden.EInvalidAction, "Could not find operation ListUser for version 2010-05-08"},
		{"OtherVersion", "ListUsers", "2011-06-15", warden.EInvalidAction, "Could not find operation ListUsers for version 2011-06-15"},
		{"NoVersion", "ListUsers", "", warden.EMissingParameter, "The request must contain the parameter Version."},
		{"NoAction", "", "2010-05-08", warden.EMissingAction, "The request must contain the parameter Action."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := svc.Operation(tt.action, tt.version)
			if warden.ErrorCode(err) != tt.wantCode || warden.ErrorMessage(err) != tt.wantMessage {
				t.Fatalf("Operation error = %v, want %s: %s", err, tt.wantCode, tt.wantMessage)
			}
			if err == nil && op.Action != "iam:ListUsers" {
				t.Errorf("Operation = %+v", op)
			}
		})
	}
}
