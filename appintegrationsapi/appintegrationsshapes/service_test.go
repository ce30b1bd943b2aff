package appintegrationsshapes_test

import (
	"testing"

	"github.com/warden-iam/warden/appintegrationsapi/appintegrationsshapes"
	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/restjson"
)

// TestActionsInCatalog checks the operation → IAM action table against the
// service catalog: every operation's action exists with the same name and
// is not a permission-only action.
func TestActionsInCatalog(t *testing.T) {
	cat := catalog.Default()
	for name, op := range appintegrationsshapes.Service.Operations {
		a, ok := cat.LookupAction(op.Action)
		if !ok {
			t.Errorf("%s: action %s is not in the catalog", name, op.Action)
			continue
		}
		if a.FullName() != "app-integrations:"+name || a.PermissionOnly {
			t.Errorf("%s: catalog action %s (permission only: %t)", name, a.FullName(), a.PermissionOnly)
		}
	}
	if err := restjson.CheckRoutes(appintegrationsshapes.Service.Operations); err != nil {
		t.Error(err)
	}
	for name, want := range map[string]string{
		"CreateEventIntegration": "POST /eventIntegrations",
		"UpdateEventIntegration": "PATCH /eventIntegrations/{Name}",
		"UntagResource":          "DELETE /tags/{resourceArn}",
	} {
		if op := appintegrationsshapes.Service.Operations[name]; op.Method+" "+op.URI != want {
			t.Errorf("%s: %s %s, want %s", name, op.Method, op.URI, want)
		}
	}
}
