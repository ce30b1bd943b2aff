package sqlstore_test

import (
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// fuzzStore is a small populated store shared by a fuzz target's runs.
func fuzzStore(f *testing.F) (*sqlstore.Store, string, string) {
	s := openSQLite(f, f.TempDir(), sqlstore.Options{AWSManagedPolicies: testCatalogue})
	acct := newAccount(f, s)
	for _, name := range []string{"a", "b", "c"} {
		createUser(f, s, acct, name)
	}
	p := createPolicy(f, s, acct, "p")
	noErr(f, s.AttachPolicy(f.Context(), acct, warden.UserIdentity("a"), p.ARN))
	return s, acct, p.ARN
}

// FuzzListMarker feeds arbitrary markers, which clients send back
// verbatim, to the keyset-paged lists: they must answer a page or
// InvalidInput, never fail otherwise.
func FuzzListMarker(f *testing.F) {
	s, acct, arn := fuzzStore(f)
	page, err := s.ListUsers(f.Context(), acct, warden.ListOptions{MaxItems: 1})
	noErr(f, err)
	f.Add(page.Marker)
	f.Add("")
	f.Add("MQBh")   // "1\x00a": a ListPolicies-shaped marker
	f.Add("!!!")    // not base64
	f.Add("AAAAAA") // NUL bytes
	f.Fuzz(func(t *testing.T, marker string) {
		ctx := t.Context()
		opts := warden.ListOptions{Marker: marker, MaxItems: 2}
		check := func(what string, err error) {
			if code := warden.ErrorCode(err); err != nil && code != warden.EInvalidInput && code != warden.EValidationError {
				t.Fatalf("%s with marker %q: %v", what, marker, err)
			}
		}
		_, err := s.ListUsers(ctx, acct, opts)
		check("ListUsers", err)
		_, err = s.ListPolicies(ctx, acct, warden.ListPoliciesOptions{ListOptions: opts})
		check("ListPolicies", err)
		_, err = s.ListEntitiesForPolicy(ctx, acct, arn, warden.ListEntitiesOptions{ListOptions: opts})
		check("ListEntitiesForPolicy", err)
		_, err = s.ListUserTags(ctx, acct, "a", opts)
		check("ListUserTags", err)
	})
}

// FuzzPolicyVersionID feeds arbitrary version IDs to the version lookups.
func FuzzPolicyVersionID(f *testing.F) {
	s, acct, arn := fuzzStore(f)
	for _, id := range []string{"v1", "v2", "v0", "v01", "v1.beta", "v99999999999999999999", "1", ""} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		v, err := s.PolicyVersion(t.Context(), acct, arn, id)
		switch warden.ErrorCode(err) {
		case "":
			if id != "v1" || v.VersionID != "v1" {
				t.Fatalf("PolicyVersion(%q) found %+v", id, v)
			}
		case warden.ENoSuchEntity, warden.EValidationError:
		default:
			t.Fatalf("PolicyVersion(%q): %v", id, err)
		}
		if err := s.DeletePolicyVersion(t.Context(), acct, arn, id); err == nil {
			t.Fatalf("DeletePolicyVersion(%q) deleted the only version", id)
		}
	})
}
