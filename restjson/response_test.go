package restjson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const requestID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"

var created = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func domainSummary() healthshapes.DomainSummary {
	return healthshapes.DomainSummary{
		DomainId: domainID, Arn: domainARN, Name: "clinic \"north\" <main>",
		Status: healthshapes.DomainStatusActive, CreatedAt: created,
	}
}

func subscription() *healthshapes.SubscriptionDescription {
	return &healthshapes.SubscriptionDescription{
		DomainId: domainID, SubscriptionId: subscriptionID, Arn: domainARN + "/subscription/" + subscriptionID,
		Status: healthshapes.SubscriptionStatusInactive, CreatedAt: created,
		LastUpdatedAt: created.Add(90*time.Minute + 250*time.Millisecond),
		DeactivatedAt: new(created.Add(90*time.Minute + 250*time.Millisecond)),
	}
}

var goldenResponses = []struct {
	name   string
	op     string
	out    restjson.Output
	status int
}{
	{"CreateDomain", "CreateDomain", &healthshapes.CreateDomainOutput{
		DomainId: domainID, Arn: domainARN, Name: "clinic", Status: healthshapes.DomainStatusActive, CreatedAt: created,
		KmsKeyArn:         new("arn:aws:kms:us-east-1:123456789012:key/abc"),
		EncryptionContext: &healthshapes.EncryptionContext{EncryptionType: healthshapes.EncryptionTypeCustomerManagedKey, KmsKeyArn: new("arn:aws:kms:us-east-1:123456789012:key/abc")},
	}, http.StatusCreated},
	{"GetDomain", "GetDomain", &healthshapes.GetDomainOutput{
		DomainId: domainID, Arn: domainARN, Name: "clinic", Status: healthshapes.DomainStatusActive, CreatedAt: created,
		WebAppUrl:           new("https://clinic.example.com/?a=1&b=2"),
		WebAppConfiguration: &healthshapes.WebAppConfiguration{EhrRole: "arn:aws:iam::123456789012:role/ehr", IdcApplicationId: "app-1", IdcRegion: "us-east-1"},
		Tags:                map[string]string{"team": "care", "cost": "é\u2028\x01"},
	}, http.StatusOK},
	{"ListDomains", "ListDomains", &healthshapes.ListDomainsOutput{
		Domains: []healthshapes.DomainSummary{domainSummary(), domainSummary()}, NextToken: new("bmV4dA=="),
	}, http.StatusOK},
	{"ListDomains-empty", "ListDomains", &healthshapes.ListDomainsOutput{}, http.StatusOK},
	{"DeactivateSubscription", "DeactivateSubscription", &healthshapes.DeactivateSubscriptionOutput{Subscription: subscription()}, http.StatusOK},
	{"GetPatientInsightsJob", "GetPatientInsightsJob", &healthshapes.GetPatientInsightsJobOutput{
		JobId: "job-1", JobArn: domainARN + "/patient-insights-job/job-1", JobStatus: healthshapes.JobStatusSucceeded,
		CreationTime: new(created), UpdatedTime: new(created.Add(2*time.Minute + 5*time.Millisecond)),
		InsightsOutput:   &healthshapes.InsightsOutput{Uri: "s3://bucket/out/job-1.json"},
		PatientContext:   healthshapes.PatientInsightsPatientContext{PatientId: "p-1"},
		InsightsContext:  healthshapes.InsightsContext{InsightsType: healthshapes.InsightsTypePreVisit},
		EncounterContext: healthshapes.PatientInsightsEncounterContext{EncounterReason: "check-up"},
		UserContext:      healthshapes.UserContext{Role: healthshapes.ProviderRoleClinician, UserId: "u-1"},
		InputDataConfig:  healthshapes.InputDataConfig{S3Sources: []healthshapes.S3Source{{Uri: "s3://bucket/in"}}},
		OutputDataConfig: healthshapes.OutputDataConfig{S3OutputPath: "s3://bucket/out/"},
	}, http.StatusOK},
	{"GetMedicalScribeListeningSession", "GetMedicalScribeListeningSession", &healthshapes.GetMedicalScribeListeningSessionOutput{
		MedicalScribeListeningSessionDetails: &healthshapes.MedicalScribeListeningSessionDetails{
			SessionId: new(sessionID), MediaSampleRateHertz: new(int32(16000)), EncounterContextProvided: new(false),
			ChannelDefinitions: []healthshapes.MedicalScribeChannelDefinition{
				{ChannelId: 0, ParticipantRole: healthshapes.MedicalScribeParticipantRoleClinician},
				{ChannelId: 1, ParticipantRole: healthshapes.MedicalScribeParticipantRolePatient},
			},
			PostStreamActionSettings: &healthshapes.MedicalScribePostStreamActionSettingsResponse{
				OutputS3Uri: "s3://bucket/scribe/",
				ClinicalNoteGenerationSettings: healthshapes.ClinicalNoteGenerationSettingsResponse{
					NoteTemplateSettings: &healthshapes.NoteTemplateSettingsResponse{
						ManagedTemplate: &healthshapes.ManagedTemplateResponse{TemplateType: new(healthshapes.ManagedNoteTemplateGirpp)},
					},
				},
			},
			StreamStatus:       new(healthshapes.MedicalScribeStreamStatusCompleted),
			StreamCreationTime: new(created.Add(-time.Hour)),
		},
	}, http.StatusOK},
	{"ListTagsForResource-none", "ListTagsForResource", &healthshapes.ListTagsForResourceOutput{}, http.StatusOK},
	{"DeleteDomain", "DeleteDomain", &healthshapes.DeleteDomainOutput{DomainId: domainID, Arn: domainARN, Status: healthshapes.DomainStatusDeleting}, http.StatusOK},
}

func TestWriteResponseGolden(t *testing.T) {
	for _, tt := range goldenResponses {
		t.Run(tt.name, func(t *testing.T) {
			op := healthshapes.Service.Operations[tt.op]
			rec := httptest.NewRecorder()
			healthshapes.Service.WriteResponse(rec, op, requestID, tt.out)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			checkHeaders(t, rec, "application/json")
			if !json.Valid(rec.Body.Bytes()) {
				t.Errorf("body is not JSON: %s", rec.Body)
			}
			checkGolden(t, filepath.Join("testdata", tt.name+".json"), rec.Body.Bytes())
		})
	}
}

func checkHeaders(t *testing.T, rec *httptest.ResponseRecorder, contentType string) {
	t.Helper()
	h := rec.Header()
	if got := h.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type = %q, want %q", got, contentType)
	}
	if got := h.Get("X-Amzn-Requestid"); got != requestID {
		t.Errorf("x-amzn-RequestId = %q, want %q", got, requestID)
	}
	if got := h.Get("Content-Length"); got != fmt.Sprint(rec.Body.Len()) {
		t.Errorf("Content-Length = %q for a body of %d bytes", got, rec.Body.Len())
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

// TestWriteResponseMatchesJSONTags reads written outputs back through
// encoding/json and the generated struct tags: apart from timestamps,
// which the protocol writes as epoch seconds, the encoder and the tags
// must describe the same document.
func TestWriteResponseMatchesJSONTags(t *testing.T) {
	for _, tt := range goldenResponses {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			healthshapes.Service.WriteResponse(rec, healthshapes.Service.Operations[tt.op], requestID, tt.out)
			var written map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &written); err != nil {
				t.Fatal(err)
			}
			tagged, err := json.Marshal(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(tagged, &want); err != nil {
				t.Fatal(err)
			}
			compareIgnoringTimes(t, "", want, written)
		})
	}
}

// compareIgnoringTimes compares two decoded JSON documents, accepting a
// number where encoding/json wrote an RFC 3339 time, and an empty list
// where it left out a nil one: the protocol writes a required list even
// when it is empty.
func compareIgnoringTimes(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %v, want %v", path, got, want)
			return
		}
		for k, v := range g {
			if _, ok := w[k]; !ok {
				if l, ok := v.([]any); !ok || len(l) > 0 {
					t.Errorf("%s.%s: got %v, want nothing", path, k, v)
				}
			}
		}
		for k := range w {
			compareIgnoringTimes(t, path+"."+k, w[k], g[k])
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %v", path, got, want)
			return
		}
		for i := range w {
			compareIgnoringTimes(t, fmt.Sprintf("%s[%d]", path, i), w[i], g[i])
		}
	case string:
		if tm, err := time.Parse(time.RFC3339Nano, w); err == nil {
			if n, ok := got.(float64); ok {
				if math.Abs(n-float64(tm.UnixMilli())/1000) > 1e-3 {
					t.Errorf("%s: got %v, want %v", path, got, tm)
				}
				return
			}
		}
		if got != want {
			t.Errorf("%s: got %v, want %v", path, got, want)
		}
	default:
		if got != want {
			t.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}

func TestWriteResponseWithoutBody(t *testing.T) {
	tests := []struct {
		op     string
		out    restjson.Output
		status int
		body   string
	}{
		// TagResource and UntagResource answer 204 No Content.
		{"TagResource", nil, http.StatusNoContent, ""},
		{"UntagResource", nil, http.StatusNoContent, ""},
		{"ActivateSubscription", nil, http.StatusOK, "{}"},
		{"GetSubscription", &healthshapes.GetSubscriptionOutput{}, http.StatusOK, "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				healthshapes.Service.WriteResponse(w, healthshapes.Service.Operations[tt.op], requestID, tt.out)
			}))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			if _, err := body.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || body.String() != tt.body {
				t.Errorf("response = %d %q, want %d %q", resp.StatusCode, body.String(), tt.status, tt.body)
			}
			if got := resp.Header.Get("X-Amzn-Requestid"); got != requestID {
				t.Errorf("x-amzn-RequestId = %q", got)
			}
		})
	}
}

func TestWriteResponseHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	out := &healthshapes.StartMedicalScribeListeningSessionOutput{
		SessionId: new(sessionID), DomainId: new(domainID), RequestId: new("req-1"),
		MediaSampleRateHertz: new(int32(48000)), MediaEncoding: new(healthshapes.MedicalScribeMediaEncodingFlac),
	}
	healthshapes.Service.WriteResponse(rec, healthshapes.Service.Operations["StartMedicalScribeListeningSession"], requestID, out)
	want := map[string]string{
		"X-Amzn-Medscribe-Session-Id":      sessionID,
		"X-Amzn-Medscribe-Domain-Id":       domainID,
		"X-Amzn-Request-Id":                "req-1",
		"X-Amzn-Medscribe-Sample-Rate":     "48000",
		"X-Amzn-Medscribe-Media-Encoding":  "flac",
		"X-Amzn-Medscribe-Subscription-Id": "",
		"X-Amzn-Medscribe-Language-Code":   "",
	}
	for name, value := range want {
		if got := rec.Header().Get(name); got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
	if rec.Body.String() != "{}" {
		t.Errorf("body = %q; the event stream is the handler's", rec.Body)
	}
}

// TestWriteError checks the one restJson1 error writer: the status and
// X-Amzn-ErrorType of each kind of error, and its JSON body.
func TestWriteError(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		errType string
		message string
	}{
		{"DomainNotFound", warden.Errorf(warden.ENoSuchEntity, "Domain %s not found.", domainID), 404, "ResourceNotFoundException", "Domain " + domainID + " not found."},
		{"AccessDenied", warden.Errorf(warden.EAccessDenied, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: health-agent:GetDomain"),
			401, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: health-agent:GetDomain"},
		{"Quota", warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for DomainsPerAccount: 10"), 402, "ServiceQuotaExceededException", "Cannot exceed quota for DomainsPerAccount: 10"},
		{"Conflict", warden.Errorf(warden.EEntityAlreadyExists, "exists"), 409, "ConflictException", "exists"},
		{"Validation", warden.Errorf(warden.EValidationError, "1 validation error detected: …"), 400, "ValidationException", "1 validation error detected: …"},
		{"Throttling", warden.Errorf("Throttling", "Rate exceeded"), 429, "ThrottlingException", "Rate exceeded"},
		{"ModelShapeByName", warden.Errorf("ThrottlingException", "slow down"), 429, "ThrottlingException", "slow down"},
		{"Serialization", warden.Errorf(restjson.CodeSerialization, "bad"), 400, "SerializationException", "bad"},
		{"UnknownOperation", warden.Errorf(restjson.CodeUnknownOperation, "none"), 404, "UnknownOperationException", "none"},
		{"UnknownKey", warden.Errorf(warden.EInvalidClientTokenID, "The security token included in the request is invalid."),
			403, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"BadSignature", warden.Errorf(warden.ESignatureDoesNotMatch, "mismatch"), 403, "InvalidSignatureException", "mismatch"},
		{"IncompleteSignature", warden.Errorf(warden.EIncompleteSignature, "incomplete"), 403, "IncompleteSignatureException", "incomplete"},
		{"ExpiredToken", warden.Errorf(warden.EExpiredToken, "expired"), 403, "ExpiredTokenException", "expired"},
		{"MissingAuthentication", warden.Errorf(warden.EMissingAuthenticationToken, "Request is missing Authentication Token"),
			403, "MissingAuthenticationTokenException", "Request is missing Authentication Token"},
		{"NotImplemented", warden.Errorf(warden.ENotImplemented, "later"), 501, "NotImplemented", "later"},
		{"UnmappedCode", warden.Errorf(warden.EPasswordPolicyViolation, "weak"), 400, "PasswordPolicyViolation", "weak"},
		{"WrappedDomainError", fmt.Errorf("handler: %w", warden.Errorf(warden.ENoSuchEntity, "gone")), 404, "ResourceNotFoundException", "gone"},
		{"ForeignError", errors.New("sql: database is locked at /var/lib/warden/warden.db"), 500, "InternalServerException", "An internal error occurred."},
		{"NilError", nil, 500, "InternalServerException", "An internal error occurred."},
		{"CodelessError", &warden.Error{Message: "secret detail"}, 500, "InternalServerException", "An internal error occurred."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			healthshapes.Service.WriteError(rec, requestID, tt.err)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Header().Get("X-Amzn-ErrorType"); got != tt.errType {
				t.Errorf("X-Amzn-ErrorType = %q, want %q", got, tt.errType)
			}
			checkHeaders(t, rec, "application/json")
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if len(body) != 1 || body["message"] != tt.message {
				t.Errorf("body = %s, want only the message %q", rec.Body, tt.message)
			}
			if strings.Contains(rec.Body.String(), "database") || strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("body leaks the cause: %s", rec.Body)
			}
		})
	}
}

// TestWriteErrorMembers checks an error shape that names its message
// "Message" and declares a reason, as older models do.
func TestWriteErrorMembers(t *testing.T) {
	svc := &restjson.Service{
		Name:   "Older",
		Errors: map[string]restjson.ErrorShape{"LimitExceededException": {Status: 429, Message: "Message", Reason: "Reason"}},
		Codes:  map[string]string{warden.ELimitExceeded: "LimitExceededException"},
	}
	rec := httptest.NewRecorder()
	svc.WriteError(rec, requestID, warden.ReasonErrorf(warden.ELimitExceeded, "TOO_MANY_USERS", "You have %d users.", 501))
	if rec.Code != 429 || rec.Body.String() != `{"Message":"You have 501 users.","Reason":"TOO_MANY_USERS"}` {
		t.Errorf("response = %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	svc.WriteError(rec, requestID, warden.Errorf(warden.ELimitExceeded, "no reason"))
	if rec.Body.String() != `{"Message":"no reason"}` {
		t.Errorf("body without a reason = %s", rec.Body)
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		warden.EAccessDenied:    401,
		warden.ELimitExceeded:   402,
		warden.ENoSuchEntity:    404,
		warden.EInternalFailure: 500,
		"ThrottlingException":   429,
		warden.EExpiredToken:    403,
		warden.ERequestExpired:  400,
	} {
		if got := healthshapes.Service.Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
}
