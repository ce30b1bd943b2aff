package codingshapes_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// TestActionsInCatalog checks the operation → IAM action table against the
// service catalog, where the user guide's medical coding actions are.
func TestActionsInCatalog(t *testing.T) {
	cat := catalog.Default()
	want := map[string]string{
		"StartMedicalCodingJob": "health-agent:StartMedicalCodingJob",
		"GetMedicalCodingJob":   "health-agent:GetMedicalCodingJob",
		"GenerateMedicalCodes":  "health-agent:GenerateMedicalCodes",
	}
	if len(codingshapes.Service.Operations) != len(want) {
		t.Errorf("%d operations, want %d", len(codingshapes.Service.Operations), len(want))
	}
	for name, action := range want {
		op := codingshapes.Service.Operations[name]
		if op == nil || op.Action != action {
			t.Errorf("%s: %+v; want action %s", name, op, action)
			continue
		}
		if a, ok := cat.LookupAction(op.Action); !ok || a.PermissionOnly {
			t.Errorf("%s: action %s is not a catalog action with an API", name, op.Action)
		}
	}
	if s := codingshapes.Service; s.SigningName != "health-agent" || s.ARNNamespace != "health-agent" {
		t.Errorf("signing name %s, namespace %s", s.SigningName, s.ARNNamespace)
	}
}

// TestRoutes checks the operations' HTTP bindings, and that they sit
// beside the public Connect Health API's on the same endpoint: no request
// that one routes does the other.
func TestRoutes(t *testing.T) {
	ops := codingshapes.Service.Operations
	for name, want := range map[string]string{
		"StartMedicalCodingJob": "POST /domain/{domainId}/medical-coding-job 200 clientToken",
		"GetMedicalCodingJob":   "GET /domain/{domainId}/medical-coding-job/{jobId} 200",
		"GenerateMedicalCodes":  "POST /domain/{domainId}/generate-medical-codes 200 clientToken",
	} {
		op := ops[name]
		got := strings.TrimSpace(fmt.Sprintf("%s %s %d %s", op.Method, op.URI, op.Status, op.IdempotencyToken))
		if got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	if !ops["GetMedicalCodingJob"].ReadOnly {
		t.Error("GetMedicalCodingJob is not read-only")
	}
	const domain = "dom-0123456789abcdef"
	for _, tt := range []struct {
		method, path string
		coding       string // the operation codingshapes routes to, "" for none
		health       bool   // whether healthshapes routes it
	}{
		{"POST", "/domain/" + domain + "/medical-coding-job", "StartMedicalCodingJob", false},
		{"GET", "/domain/" + domain + "/medical-coding-job/job-1", "GetMedicalCodingJob", false},
		{"POST", "/domain/" + domain + "/generate-medical-codes", "GenerateMedicalCodes", false},
		{"POST", "/domain/" + domain + "/patient-insights-job", "", true},
		{"GET", "/domain/" + domain, "", true},
		{"GET", "/domain/" + domain + "/medical-coding-job", "", false},
	} {
		r, err := http.NewRequest(tt.method, tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := codingshapes.Service.Route(r)
		switch {
		case tt.coding == "" && err == nil:
			t.Errorf("%s %s routes to %s", tt.method, tt.path, m.Operation.Name)
		case tt.coding != "" && (err != nil || m.Operation.Name != tt.coding):
			t.Errorf("%s %s: %v, %v; want %s", tt.method, tt.path, m, err, tt.coding)
		}
		if _, err := healthshapes.Service.Route(r); (err == nil) != tt.health {
			t.Errorf("%s %s: Connect Health routes it: %v", tt.method, tt.path, err == nil)
		}
	}
	if err := restjson.CheckRoutes(ops); err != nil {
		t.Error(err)
	}
}
