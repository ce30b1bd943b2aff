package awsquery_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/iamapi/stsshapes"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const requestID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"

var created = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// policyDocument is a policy as a client sent it, with the spaces and line
// breaks IAM keeps.
const policyDocument = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::bucket/*\"}]\n}"

func alice() iamshapes.User {
	return iamshapes.User{
		Path:       "/",
		UserName:   "alice",
		UserId:     "AIDAEXAMPLEALICE00001",
		Arn:        "arn:aws:iam::123456789012:user/alice",
		CreateDate: created,
		Tags:       []iamshapes.Tag{{Key: "team", Value: "r&d <core>"}},
	}
}

func bob() iamshapes.User {
	return iamshapes.User{
		Path:             "/ops/",
		UserName:         "bob",
		UserId:           "AIDAEXAMPLEBOB0000002",
		Arn:              "arn:aws:iam::123456789012:user/ops/bob",
		CreateDate:       created.Add(time.Hour),
		PasswordLastUsed: new(created.Add(48*time.Hour + 123*time.Millisecond)),
	}
}

var goldenResponses = []struct {
	name string
	svc  *awsquery.Service
	op   string
	out  awsquery.Output
}{
	{"iam-CreateUser", iamshapes.Service, "CreateUser", &iamshapes.CreateUserOutput{User: new(alice())}},
	{"iam-ListUsers-truncated", iamshapes.Service, "ListUsers", &iamshapes.ListUsersOutput{
		Users: []iamshapes.User{alice(), bob()}, IsTruncated: true, Marker: new("bWFya2VyLTI="),
	}},
	{"iam-ListUsers-empty", iamshapes.Service, "ListUsers", &iamshapes.ListUsersOutput{}},
	{"iam-GetUserPolicy", iamshapes.Service, "GetUserPolicy", &iamshapes.GetUserPolicyOutput{
		UserName: "alice", PolicyName: "s3-access", PolicyDocument: policyDocument,
	}},
	{"iam-GetAccountSummary", iamshapes.Service, "GetAccountSummary", &iamshapes.GetAccountSummaryOutput{
		SummaryMap: map[iamshapes.SummaryKeyType]int32{
			iamshapes.SummaryKeyTypeUsersQuota:        5000,
			iamshapes.SummaryKeyTypeUsers:             2,
			iamshapes.SummaryKeyTypeAccountMFAEnabled: 0,
		},
	}},
	{"iam-DeleteUser", iamshapes.Service, "DeleteUser", nil},
	{"sts-GetCallerIdentity", stsshapes.Service, "GetCallerIdentity", &stsshapes.GetCallerIdentityOutput{
		UserId: new("AIDAEXAMPLEALICE00001"), Account: new("123456789012"), Arn: new("arn:aws:iam::123456789012:user/alice"),
	}},
	{"sts-AssumeRole", stsshapes.Service, "AssumeRole", &stsshapes.AssumeRoleOutput{
		Credentials: &stsshapes.Credentials{
			AccessKeyId:     "ASIAEXAMPLE000000001",
			SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			SessionToken:    "FwoGZXIvYXdzEXAMPLE",
			Expiration:      created.Add(time.Hour + 359*time.Millisecond),
		},
		AssumedRoleUser: &stsshapes.AssumedRoleUser{
			AssumedRoleId: "AROAEXAMPLE000000001:session",
			Arn:           "arn:aws:sts::123456789012:assumed-role/r/session",
		},
		PackedPolicySize: new(int32(6)),
	}},
}

func TestWriteResponseGolden(t *testing.T) {
	for _, tt := range goldenResponses {
		t.Run(tt.name, func(t *testing.T) {
			op := tt.svc.Operations[tt.op]
			rec := httptest.NewRecorder()
			tt.svc.WriteResponse(rec, op, requestID, tt.out)
			if rec.Code != http.StatusOK {
				t.Errorf("status = %d, want 200", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type = %q, want text/xml", ct)
			}
			checkGolden(t, filepath.Join("testdata", tt.name+".xml"), rec.Body.Bytes())
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got %s\nwant %s", path, got, want)
	}
}

// TestEncodedResultMatchesXMLTags reads written results back through
// encoding/xml and the generated struct tags: the encoder and the tags
// must describe the same document.
func TestEncodedResultMatchesXMLTags(t *testing.T) {
	tests := []struct {
		name     string
		svc      *awsquery.Service
		op       string
		out, got awsquery.Output
	}{
		{"CreateUser", iamshapes.Service, "CreateUser", &iamshapes.CreateUserOutput{User: new(alice())}, &iamshapes.CreateUserOutput{}},
		{"ListUsers", iamshapes.Service, "ListUsers", &iamshapes.ListUsersOutput{
			Users: []iamshapes.User{alice(), bob()}, IsTruncated: true, Marker: new("m"),
		}, &iamshapes.ListUsersOutput{}},
		{"GetCallerIdentity", stsshapes.Service, "GetCallerIdentity", &stsshapes.GetCallerIdentityOutput{
			UserId: new("AIDA"), Account: new("123456789012"), Arn: new("arn:aws:iam::123456789012:root"),
		}, &stsshapes.GetCallerIdentityOutput{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.svc.WriteResponse(rec, tt.svc.Operations[tt.op], requestID, tt.out)
			dec := xml.NewDecoder(rec.Body)
			for {
				tok, err := dec.Token()
				if err != nil {
					t.Fatalf("no %sResult element: %v", tt.op, err)
				}
				if start, ok := tok.(xml.StartElement); ok && start.Name.Local == tt.op+"Result" {
					if err := dec.DecodeElement(tt.got, &start); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			if diff := cmp.Diff(tt.out, tt.got); diff != "" {
				t.Errorf("read back (-written +read):\n%s", diff)
			}
		})
	}
}

// queryError is the Query error document as clients read it.
type queryError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name        string
		svc         *awsquery.Service
		err         error
		wantStatus  int
		wantType    string
		wantCode    string
		wantMessage string
	}{
		{"ModelCode", iamshapes.Service, warden.Errorf(warden.ENoSuchEntity, "The user with name bob cannot be found."),
			404, "Sender", "NoSuchEntity", "The user with name bob cannot be found."},
		{"ModelConflict", iamshapes.Service, warden.Errorf(warden.EEntityAlreadyExists, "User with name alice already exists."),
			409, "Sender", "EntityAlreadyExists", "User with name alice already exists."},
		{"ModelServerFault", iamshapes.Service, warden.Errorf(warden.EServiceFailure, "Try again."),
			500, "Receiver", "ServiceFailure", "Try again."},
		{"ModelCodeOtherThanShapeName", iamshapes.Service, warden.Errorf("ReportInProgress", "Report is being generated."),
			404, "Sender", "ReportInProgress", "Report is being generated."},
		{"STSModelCode", stsshapes.Service, warden.Errorf("IDPRejectedClaim", "Rejected."),
			403, "Sender", "IDPRejectedClaim", "Rejected."},
		{"Validation", iamshapes.Service, warden.Errorf(warden.EValidationError, "1 validation error detected: …"),
			400, "Sender", "ValidationError", "1 validation error detected: …"},
		{"AccessDenied", iamshapes.Service, warden.Errorf(warden.EAccessDenied, "User: arn:aws:iam::123456789012:user/bob is not authorized"),
			403, "Sender", "AccessDenied", "User: arn:aws:iam::123456789012:user/bob is not authorized"},
		{"SignatureDoesNotMatch", stsshapes.Service, warden.Errorf(warden.ESignatureDoesNotMatch, "The request signature we calculated does not match."),
			403, "Sender", "SignatureDoesNotMatch", "The request signature we calculated does not match."},
		{"InvalidClientTokenId", stsshapes.Service, warden.Errorf(warden.EInvalidClientTokenID, "The security token included in the request is invalid."),
			403, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"ExpiredToken", stsshapes.Service, warden.Errorf(warden.EExpiredToken, "The security token included in the request is expired"),
			403, "Sender", "ExpiredToken", "The security token included in the request is expired"},
		{"IncompleteSignature", iamshapes.Service, warden.Errorf(warden.EIncompleteSignature, "Incomplete."),
			400, "Sender", "IncompleteSignature", "Incomplete."},
		{"MalformedQueryString", iamshapes.Service, warden.Errorf("MalformedQueryString", "Bad."),
			404, "Sender", "MalformedQueryString", "Bad."},
		{"WrappedDomainError", iamshapes.Service, &warden.Error{Code: warden.ENoSuchEntity, Message: "No role r.", Op: "GetRole", Err: errors.New("sql: no rows")},
			404, "Sender", "NoSuchEntity", "No role r."},
		{"UnknownCodeIsClientError", iamshapes.Service, warden.Errorf("SomethingNew", "New."),
			400, "Sender", "SomethingNew", "New."},
		{"ForeignErrorDoesNotLeak", iamshapes.Service, errors.New("dial tcp 10.0.0.5:5432: connection refused"),
			500, "Receiver", "InternalFailure", "An internal error occurred."},
		{"UncodedDomainErrorDoesNotLeak", iamshapes.Service, &warden.Error{Message: "secret detail"},
			500, "Receiver", "InternalFailure", "An internal error occurred."},
		{"NilError", iamshapes.Service, nil,
			500, "Receiver", "InternalFailure", "An internal error occurred."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.svc.WriteError(rec, requestID, tt.err)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			var doc queryError
			if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatalf("error document %s: %v", rec.Body, err)
			}
			if doc.XMLName.Space != tt.svc.Namespace {
				t.Errorf("namespace = %q, want %q", doc.XMLName.Space, tt.svc.Namespace)
			}
			if doc.Error.Type != tt.wantType || doc.Error.Code != tt.wantCode || doc.Error.Message != tt.wantMessage {
				t.Errorf("Error = %+v, want {%s %s %s}", doc.Error, tt.wantType, tt.wantCode, tt.wantMessage)
			}
			if doc.RequestID != requestID {
				t.Errorf("RequestId = %q", doc.RequestID)
			}
			if tt.err != nil && tt.wantCode == warden.EInternalFailure && bytes.Contains(rec.Body.Bytes(), []byte("10.0.0.5")) {
				t.Errorf("response leaks the cause: %s", rec.Body)
			}
		})
	}
}

func TestWriteErrorGolden(t *testing.T) {
	rec := httptest.NewRecorder()
	iamshapes.Service.WriteError(rec, requestID, warden.Errorf(warden.ENoSuchEntity, "The user with name <bob> cannot be found."))
	checkGolden(t, filepath.Join("testdata", "iam-error-NoSuchEntity.xml"), rec.Body.Bytes())
}
