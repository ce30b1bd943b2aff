package warden_test

import (
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func TestParseAppIntegrationsARN(t *testing.T) {
	r, err := warden.ParseAppIntegrationsARN("arn:aws:app-integrations:us-east-1:111122223333:event-integration/orders/v1")
	if err != nil || r != (warden.EventIntegrationResource{Region: "us-east-1", AccountID: "111122223333", Type: "event-integration", Name: "orders/v1"}) {
		t.Fatalf("= %+v, %v", r, err)
	}
	r, err = warden.ParseAppIntegrationsARN("arn:aws:app-integrations:us-east-1:111122223333:application/abc")
	if err != nil || r.Type != "application" || r.Name != "" {
		t.Fatalf("application ARN = %+v, %v", r, err)
	}
	for _, bad := range []string{
		"", "arn:aws:connect:us-east-1:111122223333:event-integration/x", "arn:aws:app-integrations::111122223333:event-integration/x",
		"arn:aws:app-integrations:us-east-1::event-integration/x", "arn:aws:app-integrations:us-east-1:111122223333:event-integration",
		"arn:aws:app-integrations:us-east-1:111122223333:event-integration/bad name", "arn:aws-cn:app-integrations:us-east-1:111122223333:event-integration/x",
	} {
		if _, err := warden.ParseAppIntegrationsARN(bad); warden.ErrorCode(err) != warden.EValidationError {
			t.Errorf("%q: %v, want ValidationError", bad, err)
		}
	}
}

// FuzzParseAppIntegrationsARN checks that a parsed event integration ARN
// is the one its parts make.
func FuzzParseAppIntegrationsARN(f *testing.F) {
	f.Add("arn:aws:app-integrations:us-east-1:111122223333:event-integration/orders/v1")
	f.Add("arn:aws:app-integrations:us-east-1:111122223333:data-integration/x")
	f.Add("arn:aws:app-integrations:us-east-1:111122223333:event-integration/")
	f.Add("arn:aws:app-integrations:::")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := warden.ParseAppIntegrationsARN(s)
		if err != nil {
			if warden.ErrorCode(err) != warden.EValidationError {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if r.Type == "event-integration" && warden.EventIntegrationARN(r.Region, r.AccountID, r.Name) != s {
			t.Fatalf("%q parsed as %+v", s, r)
		}
		if r.Type == "" || strings.Contains(r.Type, "/") {
			t.Fatalf("%q: type %q", s, r.Type)
		}
	})
}

func TestIdentityStoreIDs(t *testing.T) {
	store := warden.NewIdentityStoreID()
	if !warden.ValidIdentityStoreID(store) {
		t.Fatalf("store ID %s", store)
	}
	user := warden.NewIdentityStoreUserID(store)
	if !warden.ValidIdentityStoreUserID(user) || !strings.HasPrefix(user, store[2:]+"-") {
		t.Fatalf("user ID %s of store %s", user, store)
	}
	for _, bad := range []string{"", "d-123", "D-0123456789", "d-0123456789 ", "x" + store} {
		if warden.ValidIdentityStoreID(bad) {
			t.Errorf("store ID %q accepted", bad)
		}
	}
	if warden.ValidIdentityStoreUserID(store) || warden.ValidIdentityStoreUserID(user+"0") {
		t.Error("malformed user IDs accepted")
	}
	if err := warden.CheckUserName("administrator"); warden.ErrorCode(err) != warden.EValidationError {
		t.Errorf("CheckUserName(administrator) = %v", err)
	}
}
