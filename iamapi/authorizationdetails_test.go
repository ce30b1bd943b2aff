package iamapi

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

const agentTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"health-agent.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// detailsAccount fills an account with users, groups, roles and policies
// that reference one another, and returns the customer policy's ARN.
func detailsAccount(t testing.TB, f *identityFixture) string {
	t.Helper()
	ctx := t.Context()
	arn := f.createPolicy(t, "Shared", "/care/")
	_, err := identityCall[*s.CreatePolicyVersionOutput](t, f, f.root, "CreatePolicyVersion",
		&s.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: managedDoc("iam:ListUsers"), SetAsDefault: true})
	mustOK(t, err)
	f.createPolicy(t, "Unused", "/")
	for _, name := range []string{"alice", "bob"} {
		f.user(t, name)
	}
	mustOK(t, f.store.TagUser(ctx, identityTestAccount, "alice", []warden.Tag{{Key: "team", Value: "care"}}))
	mustOK(t, f.store.PutInlinePolicy(ctx, identityTestAccount, warden.UserIdentity("alice"), "own", managedDoc("iam:GetUser")))
	mustOK(t, f.store.AttachPolicy(ctx, identityTestAccount, warden.UserIdentity("alice"), arn))
	mustOK(t, f.store.PutUserPermissionsBoundary(ctx, identityTestAccount, "bob", readOnlyAccessARN))
	_, err = f.store.CreateGroup(ctx, identityTestAccount, "Clinicians", "/")
	mustOK(t, err)
	mustOK(t, f.store.AddUserToGroup(ctx, identityTestAccount, "Clinicians", "alice"))
	mustOK(t, f.store.PutInlinePolicy(ctx, identityTestAccount, warden.GroupIdentity("Clinicians"), "shared", managedDoc("iam:ListGroups")))
	mustOK(t, f.store.AttachPolicy(ctx, identityTestAccount, warden.GroupIdentity("Clinicians"), readOnlyAccessARN))
	_, err = f.store.CreateRole(ctx, identityTestAccount, warden.CreateRoleInput{Name: "Agent", AssumeRolePolicyDocument: agentTrust})
	mustOK(t, err)
	mustOK(t, f.store.AttachPolicy(ctx, identityTestAccount, warden.RoleIdentity("Agent"), arn))
	return arn
}

// detailsNames lists the entities of a report in order, prefixed by kind.
func detailsNames(out *s.GetAccountAuthorizationDetailsOutput) []string {
	var names []string
	for _, u := range out.UserDetailList {
		names = append(names, "user "+*u.UserName)
	}
	for _, g := range out.GroupDetailList {
		names = append(names, "group "+*g.GroupName)
	}
	for _, r := range out.RoleDetailList {
		names = append(names, "role "+*r.RoleName)
	}
	for _, p := range out.Policies {
		names = append(names, "policy "+*p.Arn)
	}
	return names
}

func TestGetAccountAuthorizationDetails(t *testing.T) {
	f := newIdentityFixture(t)
	shared := detailsAccount(t, f)
	out, err := identityCall[*s.GetAccountAuthorizationDetailsOutput](t, f, f.root, "GetAccountAuthorizationDetails", &s.GetAccountAuthorizationDetailsInput{})
	mustOK(t, err)
	all := []string{
		"user alice", "user bob", "group Clinicians", "role Agent",
		"policy " + shared, "policy arn:aws:iam::123456789012:policy/Unused",
		// Of the AWS catalogue, only what the account attaches.
		"policy " + readOnlyAccessARN,
	}
	if got := detailsNames(out); !slices.Equal(got, all) || out.IsTruncated || out.Marker != nil {
		t.Fatalf("report %v (truncated %v), want %v", got, out.IsTruncated, all)
	}

	alice := out.UserDetailList[0]
	if len(alice.UserPolicyList) != 1 || *alice.UserPolicyList[0].PolicyName != "own" || *alice.UserPolicyList[0].PolicyDocument != managedDoc("iam:GetUser") ||
		!slices.Equal(alice.GroupList, []string{"Clinicians"}) || len(alice.AttachedManagedPolicies) != 1 || *alice.AttachedManagedPolicies[0].PolicyArn != shared ||
		!slices.Equal(alice.Tags, []s.Tag{{Key: "team", Value: "care"}}) || alice.PermissionsBoundary != nil {
		t.Errorf("alice: %+v", alice)
	}
	bob := out.UserDetailList[1]
	if bob.PermissionsBoundary == nil || *bob.PermissionsBoundary.PermissionsBoundaryArn != readOnlyAccessARN ||
		bob.UserPolicyList == nil || len(bob.UserPolicyList) != 0 || len(bob.GroupList) != 0 {
		t.Errorf("bob: %+v", bob)
	}
	group := out.GroupDetailList[0]
	if len(group.GroupPolicyList) != 1 || len(group.AttachedManagedPolicies) != 1 || *group.AttachedManagedPolicies[0].PolicyName != "ReadOnlyAccess" {
		t.Errorf("group: %+v", group)
	}
	role := out.RoleDetailList[0]
	if *role.AssumeRolePolicyDocument != agentTrust || len(role.AttachedManagedPolicies) != 1 || role.InstanceProfileList == nil || role.RoleLastUsed == nil {
		t.Errorf("role: %+v", role)
	}
	policy := out.Policies[0]
	if *policy.DefaultVersionId != "v2" || *policy.AttachmentCount != 2 || len(policy.PolicyVersionList) != 2 {
		t.Fatalf("policy: %+v", policy)
	}
	if v := policy.PolicyVersionList[0]; *v.VersionId != "v2" || !v.IsDefaultVersion || *v.Document != managedDoc("iam:ListUsers") {
		t.Errorf("newest version: %+v", v)
	}
	if catalogued := out.Policies[2]; *catalogued.AttachmentCount != 1 || len(catalogued.PolicyVersionList) != 1 || !catalogued.PolicyVersionList[0].IsDefaultVersion {
		t.Errorf("AWS managed policy: %+v", catalogued)
	}

	for _, tt := range []struct {
		name   string
		filter []s.EntityType
		want   []string
	}{
		{"roles", []s.EntityType{s.EntityTypeRole}, all[3:4]},
		{"users and local policies", []s.EntityType{s.EntityTypeLocalManagedPolicy, s.EntityTypeUser}, []string{all[0], all[1], all[4], all[5]}},
		{"AWS managed policies", []s.EntityType{s.EntityTypeAWSManagedPolicy}, all[6:]},
	} {
		t.Run("filter "+tt.name, func(t *testing.T) {
			out, err := identityCall[*s.GetAccountAuthorizationDetailsOutput](t, f, f.root, "GetAccountAuthorizationDetails", &s.GetAccountAuthorizationDetailsInput{Filter: tt.filter})
			mustOK(t, err)
			if got := detailsNames(out); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	for size := range len(all) + 1 {
		t.Run(fmt.Sprintf("pages of %d", size+1), func(t *testing.T) {
			in := &s.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(int32(size + 1))}
			var got []string
			for pages := 1; ; pages++ {
				out, err := identityCall[*s.GetAccountAuthorizationDetailsOutput](t, f, f.root, "GetAccountAuthorizationDetails", in)
				mustOK(t, err)
				names := detailsNames(out)
				if len(names) == 0 || len(names) > size+1 {
					t.Fatalf("page %d holds %d entities", pages, len(names))
				}
				got = append(got, names...)
				if !out.IsTruncated {
					break
				}
				in.Marker = out.Marker
			}
			if !slices.Equal(got, all) {
				t.Errorf("got %v, want %v", got, all)
			}
		})
	}

	t.Run("denied without permission", func(t *testing.T) {
		carol := f.user(t, "carol")
		_, err := identityCall[*s.GetAccountAuthorizationDetailsOutput](t, f, carol, "GetAccountAuthorizationDetails", &s.GetAccountAuthorizationDetailsInput{})
		assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:GetAccountAuthorizationDetails on resource: *")
	})
	t.Run("foreign marker", func(t *testing.T) {
		_, err := identityCall[*s.GetAccountAuthorizationDetailsOutput](t, f, f.root, "GetAccountAuthorizationDetails", &s.GetAccountAuthorizationDetailsInput{Marker: aws.String("bm90IG91cnM")})
		assertAWSError(t, err, warden.EInvalidInput, "Invalid Marker.")
	})
}

// TestDetailsDocumentsOnTheWire checks that documents in the report are
// URL-encoded, as IAM sends them.
func TestDetailsDocumentsOnTheWire(t *testing.T) {
	f := newIdentityFixture(t)
	detailsAccount(t, f)
	out, err := identityCall[*s.GetAccountAuthorizationDetailsOutput](t, f, f.root, "GetAccountAuthorizationDetails",
		&s.GetAccountAuthorizationDetailsInput{Filter: []s.EntityType{s.EntityTypeRole}})
	mustOK(t, err)
	w := httptest.NewRecorder()
	s.Service.WriteResponse(w, s.Service.Operations["GetAccountAuthorizationDetails"], "req", out)
	body := w.Body.String()
	_, rest, _ := strings.Cut(body, "<AssumeRolePolicyDocument>")
	encoded, _, found := strings.Cut(rest, "</AssumeRolePolicyDocument>")
	decoded, err := url.PathUnescape(encoded)
	if !found || strings.ContainsAny(encoded, `{}"`) || err != nil || decoded != agentTrust {
		t.Errorf("trust policy on the wire: %q (decoded %q, %v)", encoded, decoded, err)
	}
}

func FuzzParseDetailsMarker(f *testing.F) {
	for sec := range detailsSections {
		f.Add(detailsPosition{section: sec, marker: "MQBzaGFyZWQ"}.String())
		f.Add(detailsPosition{section: sec}.String())
	}
	f.Add("")
	f.Add("NS8")      // section 5: out of range
	f.Add("LTEv")     // "-1/"
	f.Add("MQ")       // no separator
	f.Add("!!!!")     // not base64
	f.Add("MTAvYWJj") // "10/abc"
	f.Fuzz(func(t *testing.T, marker string) {
		pos, err := parseDetailsMarker(marker)
		if err != nil {
			if warden.ErrorCode(err) != warden.EInvalidInput {
				t.Fatalf("error %v is not InvalidInput", err)
			}
			return
		}
		if pos.section < 0 || pos.section >= detailsSections {
			t.Fatalf("section %d out of range", pos.section)
		}
		if marker == "" {
			return
		}
		again, err := parseDetailsMarker(pos.String())
		if err != nil || again != pos {
			t.Fatalf("%+v does not survive a round trip: %+v, %v", pos, again, err)
		}
	})
}

func BenchmarkGetAccountAuthorizationDetails(b *testing.B) {
	f := newIdentityFixture(b)
	detailsAccount(b, f)
	for i := range 50 {
		f.user(b, fmt.Sprintf("user%02d", i))
		mustOK(b, f.store.PutInlinePolicy(b.Context(), identityTestAccount, warden.UserIdentity(fmt.Sprintf("user%02d", i)), "own", managedDoc("iam:GetUser")))
	}
	in := &s.GetAccountAuthorizationDetailsInput{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.api.getAccountAuthorizationDetails(b.Context(), f.root, in); err != nil {
			b.Fatal(err)
		}
	}
}
