package healthshapes_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// TestActionsInCatalog checks the operation → IAM action table against the
// service catalog: every operation's action exists with the same name and
// is not a permission-only action, and so does every action the model says
// an operation also needs.
func TestActionsInCatalog(t *testing.T) {
	cat := catalog.Default()
	if got := len(healthshapes.Service.Operations); got != 16 {
		t.Errorf("%d operations, want the API's 16", got)
	}
	for name, op := range healthshapes.Service.Operations {
		a, ok := cat.LookupAction(op.Action)
		if !ok {
			t.Errorf("%s: action %s is not in the catalog", name, op.Action)
			continue
		}
		if a.FullName() != "health-agent:"+name || a.PermissionOnly {
			t.Errorf("%s: catalog action %s (permission only: %t)", name, a.FullName(), a.PermissionOnly)
		}
		for _, required := range op.RequiredActions {
			if _, ok := cat.LookupAction(required); !ok {
				t.Errorf("%s: required action %s is not in the catalog", name, required)
			}
		}
	}
}

// TestOperationTable checks what the generator read from the model's
// HTTP, endpoint and idempotency traits.
func TestOperationTable(t *testing.T) {
	ops := healthshapes.Service.Operations
	for name, want := range map[string]string{
		"CreateDomain":                       "POST /domain 201",
		"CreateSubscription":                 "POST /domains/{domainId}/subscriptions 201",
		"TagResource":                        "POST /tags/{resourceArn} 204",
		"UntagResource":                      "DELETE /tags/{resourceArn} 204",
		"DeleteDomain":                       "DELETE /domain/{domainId} 200",
		"StartMedicalScribeListeningSession": "POST /medical-scribe-stream/ 200 streaming.",
		"GetMedicalScribeListeningSession":   "GET /medical-scribe-stream/domain/{domainId}/subscription/{subscriptionId}/session/{sessionId} 200 streaming.",
		"StartPatientInsightsJob":            "POST /domain/{domainId}/patient-insights-job 200 runtime.",
		"GetPatientInsightsJob":              "GET /domain/{domainId}/patient-insights-job/{jobId} 200 runtime.",
	} {
		op := ops[name]
		got := strings.TrimSpace(fmt.Sprintf("%s %s %d %s", op.Method, op.URI, op.Status, op.HostPrefix))
		if got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	if got := ops["StartPatientInsightsJob"].IdempotencyToken; got != "clientToken" {
		t.Errorf("StartPatientInsightsJob idempotency token = %q", got)
	}
	stream := ops["StartMedicalScribeListeningSession"]
	if stream.InputEventStream != "inputStream" || stream.OutputEventStream != "responseStream" {
		t.Errorf("event streams = %q, %q", stream.InputEventStream, stream.OutputEventStream)
	}
	if !ops["ListDomains"].ReadOnly || ops["CreateSubscription"].Idempotent || !ops["CreateDomain"].Idempotent {
		t.Error("readonly or idempotent traits misread")
	}
	if err := restjson.CheckRoutes(ops); err != nil {
		t.Error(err)
	}
	for name, op := range ops {
		if in := op.NewInput(); !strings.HasSuffix(fmt.Sprintf("%T", in), "."+name+"Input") {
			t.Errorf("%s: NewInput returns %T", name, in)
		}
	}
}

// TestErrorStatuses checks the statuses the model gives its errors, some
// of which are not what other AWS services use.
func TestErrorStatuses(t *testing.T) {
	for name, want := range map[string]int{
		"AccessDeniedException":         http.StatusUnauthorized,
		"ServiceQuotaExceededException": http.StatusPaymentRequired,
		"ValidationException":           http.StatusBadRequest,
		"ResourceNotFoundException":     http.StatusNotFound,
		"ConflictException":             http.StatusConflict,
		"ThrottlingException":           http.StatusTooManyRequests,
		"InternalServerException":       http.StatusInternalServerError,
	} {
		if got := healthshapes.Service.Errors[name]; got.Status != want || got.Message != "message" {
			t.Errorf("%s = %+v, want status %d with a message", name, got, want)
		}
	}
	if got := len(healthshapes.Service.Errors); got != 7 {
		t.Errorf("%d error shapes, want 7", got)
	}
}
