package iamapi

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// managedDoc is an identity policy allowing one action on everything.
func managedDoc(action string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"%s","Resource":"*"}]}`, action)
}

// oversizedDoc is a valid identity policy of more than 6,144 characters
// that are not white space.
func oversizedDoc() string {
	actions := make([]string, 400)
	for i := range actions {
		actions[i] = fmt.Sprintf(`"health-agent:GetDomain%04d"`, i)
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}]}`
}

const readOnlyAccessARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"

func (f *identityFixture) createPolicy(t testing.TB, name, path string, tags ...s.Tag) string {
	t.Helper()
	out, err := identityCall[*s.CreatePolicyOutput](t, f, f.root, "CreatePolicy",
		&s.CreatePolicyInput{PolicyName: name, Path: aws.String(path), PolicyDocument: managedDoc("health-agent:GetDomain"), Tags: tags})
	mustOK(t, err)
	return *out.Policy.Arn
}

func TestCreatePolicy(t *testing.T) {
	f := newIdentityFixture(t)
	doc := managedDoc("health-agent:GetDomain")
	out, err := identityCall[*s.CreatePolicyOutput](t, f, f.root, "CreatePolicy", &s.CreatePolicyInput{
		PolicyName: "CareRead", Path: aws.String("/care/"), PolicyDocument: doc,
		Description: aws.String("Reads care domains"), Tags: []s.Tag{{Key: "team", Value: "care"}},
	})
	mustOK(t, err)
	p := out.Policy
	if *p.Arn != "arn:aws:iam::123456789012:policy/care/CareRead" || *p.PolicyName != "CareRead" || *p.Path != "/care/" ||
		!strings.HasPrefix(*p.PolicyId, "ANPA") || *p.DefaultVersionId != "v1" || *p.AttachmentCount != 0 ||
		*p.PermissionsBoundaryUsageCount != 0 || !p.IsAttachable || aws.ToString(p.Description) != "Reads care domains" ||
		p.CreateDate.IsZero() || !p.UpdateDate.Equal(*p.CreateDate) || !slices.Equal(p.Tags, []s.Tag{{Key: "team", Value: "care"}}) {
		t.Errorf("CreatePolicy = %+v", p)
	}

	for _, tt := range []struct {
		name    string
		in      *s.CreatePolicyInput
		code    string
		message string
	}{
		{"duplicate name in another case", &s.CreatePolicyInput{PolicyName: "careread", PolicyDocument: doc},
			warden.EEntityAlreadyExists, "A policy called careread already exists. Duplicate names are not allowed."},
		{"malformed document", &s.CreatePolicyInput{PolicyName: "Broken", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`},
			warden.EMalformedPolicyDocument, ""},
		{"trust policy as identity policy", &s.CreatePolicyInput{PolicyName: "Trust", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
			warden.EMalformedPolicyDocument, ""},
		{"oversized document", &s.CreatePolicyInput{PolicyName: "Huge", PolicyDocument: oversizedDoc()},
			warden.ELimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := identityCall[*s.CreatePolicyOutput](t, f, f.root, "CreatePolicy", tt.in)
			assertAWSError(t, err, tt.code, tt.message)
		})
	}

	got, err := identityCall[*s.GetPolicyOutput](t, f, f.root, "GetPolicy", &s.GetPolicyInput{PolicyArn: *p.Arn})
	mustOK(t, err)
	if *got.Policy.PolicyId != *p.PolicyId || aws.ToString(got.Policy.Description) != "Reads care domains" || len(got.Policy.Tags) != 1 {
		t.Errorf("GetPolicy = %+v", got.Policy)
	}
	_, err = identityCall[*s.GetPolicyOutput](t, f, f.root, "GetPolicy", &s.GetPolicyInput{PolicyArn: "arn:aws:iam::123456789012:policy/Nothing"})
	assertAWSError(t, err, warden.ENoSuchEntity, "Policy arn:aws:iam::123456789012:policy/Nothing was not found.")
	_, err = identityCall[*s.GetPolicyOutput](t, f, f.root, "GetPolicy", &s.GetPolicyInput{PolicyArn: "arn:aws:iam::123456789012:user/alice"})
	assertAWSError(t, err, warden.EInvalidInput, "ARN arn:aws:iam::123456789012:user/alice is not valid.")
}

func TestPolicyVersions(t *testing.T) {
	f := newIdentityFixture(t)
	arn := f.createPolicy(t, "Versioned", "/")
	for i := 2; i <= 5; i++ {
		out, err := identityCall[*s.CreatePolicyVersionOutput](t, f, f.root, "CreatePolicyVersion", &s.CreatePolicyVersionInput{
			PolicyArn: arn, PolicyDocument: managedDoc(fmt.Sprintf("health-agent:GetAgent%d", i)), SetAsDefault: i == 3,
		})
		mustOK(t, err)
		v := out.PolicyVersion
		if *v.VersionId != fmt.Sprintf("v%d", i) || v.IsDefaultVersion != (i == 3) || v.Document != nil || v.CreateDate.IsZero() {
			t.Errorf("CreatePolicyVersion %d = %+v", i, v)
		}
	}
	_, err := identityCall[*s.CreatePolicyVersionOutput](t, f, f.root, "CreatePolicyVersion", &s.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: managedDoc("iam:GetUser")})
	assertAWSError(t, err, warden.ELimitExceeded, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	_, err = identityCall[*s.CreatePolicyVersionOutput](t, f, f.root, "CreatePolicyVersion", &s.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: `{"Statement":[]`})
	assertAWSError(t, err, warden.EMalformedPolicyDocument, "")

	t.Run("ListPolicyVersions is newest first, without documents", func(t *testing.T) {
		var ids []string
		in := &s.ListPolicyVersionsInput{PolicyArn: arn, MaxItems: aws.Int32(2)}
		for {
			out, err := identityCall[*s.ListPolicyVersionsOutput](t, f, f.root, "ListPolicyVersions", in)
			mustOK(t, err)
			for _, v := range out.Versions {
				if v.Document != nil || v.IsDefaultVersion != (*v.VersionId == "v3") {
					t.Errorf("listed version %+v", v)
				}
				ids = append(ids, *v.VersionId)
			}
			if !out.IsTruncated {
				break
			}
			in.Marker = out.Marker
		}
		if !slices.Equal(ids, []string{"v5", "v4", "v3", "v2", "v1"}) {
			t.Errorf("versions %v", ids)
		}
	})

	got, err := identityCall[*s.GetPolicyVersionOutput](t, f, f.root, "GetPolicyVersion", &s.GetPolicyVersionInput{PolicyArn: arn, VersionId: "v2"})
	mustOK(t, err)
	if aws.ToString(got.PolicyVersion.Document) != managedDoc("health-agent:GetAgent2") || got.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion v2 = %+v", got.PolicyVersion)
	}
	policy, err := identityCall[*s.GetPolicyOutput](t, f, f.root, "GetPolicy", &s.GetPolicyInput{PolicyArn: arn})
	mustOK(t, err)
	if *policy.Policy.DefaultVersionId != "v3" {
		t.Errorf("default version %s, want v3", *policy.Policy.DefaultVersionId)
	}

	assertAWSError(t, f.run(t, f.root, "DeletePolicyVersion", &s.DeletePolicyVersionInput{PolicyArn: arn, VersionId: "v3"}),
		warden.EDeleteConflict, "Cannot delete the default version of a policy.")
	mustOK(t, f.run(t, f.root, "DeletePolicyVersion", &s.DeletePolicyVersionInput{PolicyArn: arn, VersionId: "v4"}))
	_, err = identityCall[*s.GetPolicyVersionOutput](t, f, f.root, "GetPolicyVersion", &s.GetPolicyVersionInput{PolicyArn: arn, VersionId: "v4"})
	assertAWSError(t, err, warden.ENoSuchEntity, "Policy "+arn+" version v4 does not exist or is not attachable.")
	assertAWSError(t, f.run(t, f.root, "SetDefaultPolicyVersion", &s.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: "v4"}), warden.ENoSuchEntity, "")
	mustOK(t, f.run(t, f.root, "SetDefaultPolicyVersion", &s.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: "v5"}))

	// A sixth version fits again once one is deleted, and is numbered
	// after the highest ever used.
	out, err := identityCall[*s.CreatePolicyVersionOutput](t, f, f.root, "CreatePolicyVersion", &s.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: managedDoc("iam:GetUser")})
	mustOK(t, err)
	if *out.PolicyVersion.VersionId != "v6" {
		t.Errorf("version after deleting v4: %s, want v6", *out.PolicyVersion.VersionId)
	}

	assertAWSError(t, f.run(t, f.root, "DeletePolicy", &s.DeletePolicyInput{PolicyArn: arn}), warden.EDeleteConflict,
		"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	for _, v := range []string{"v1", "v2", "v3", "v6"} {
		mustOK(t, f.run(t, f.root, "DeletePolicyVersion", &s.DeletePolicyVersionInput{PolicyArn: arn, VersionId: v}))
	}
	f.user(t, "alice")
	mustOK(t, f.store.AttachPolicy(t.Context(), identityTestAccount, warden.UserIdentity("alice"), arn))
	assertAWSError(t, f.run(t, f.root, "DeletePolicy", &s.DeletePolicyInput{PolicyArn: arn}), warden.EDeleteConflict, "Cannot delete a policy attached to entities.")
	mustOK(t, f.store.DetachPolicy(t.Context(), identityTestAccount, warden.UserIdentity("alice"), arn))
	mustOK(t, f.run(t, f.root, "DeletePolicy", &s.DeletePolicyInput{PolicyArn: arn}))
	_, err = identityCall[*s.GetPolicyOutput](t, f, f.root, "GetPolicy", &s.GetPolicyInput{PolicyArn: arn})
	assertAWSError(t, err, warden.ENoSuchEntity, "")
}

func TestPolicyTags(t *testing.T) {
	f := newIdentityFixture(t)
	arn := f.createPolicy(t, "Tagged", "/", s.Tag{Key: "team", Value: "care"})
	mustOK(t, f.run(t, f.root, "TagPolicy", &s.TagPolicyInput{PolicyArn: arn, Tags: []s.Tag{{Key: "Team", Value: "billing"}, {Key: "cost", Value: "42"}}}))
	mustOK(t, f.run(t, f.root, "TagPolicy", &s.TagPolicyInput{PolicyArn: arn, Tags: []s.Tag{{Key: "cost", Value: "43"}}}))
	out, err := identityCall[*s.ListPolicyTagsOutput](t, f, f.root, "ListPolicyTags", &s.ListPolicyTagsInput{PolicyArn: arn})
	mustOK(t, err)
	// Policy tag keys are case-sensitive: Team and team are two tags.
	want := []s.Tag{{Key: "Team", Value: "billing"}, {Key: "cost", Value: "43"}, {Key: "team", Value: "care"}}
	if !slices.Equal(out.Tags, want) || out.IsTruncated {
		t.Errorf("ListPolicyTags = %+v", out)
	}
	mustOK(t, f.run(t, f.root, "UntagPolicy", &s.UntagPolicyInput{PolicyArn: arn, TagKeys: []string{"Team", "absent"}}))
	out, err = identityCall[*s.ListPolicyTagsOutput](t, f, f.root, "ListPolicyTags", &s.ListPolicyTagsInput{PolicyArn: arn, MaxItems: aws.Int32(1)})
	mustOK(t, err)
	if !slices.Equal(out.Tags, want[1:2]) || !out.IsTruncated || out.Marker == nil {
		t.Errorf("first page after UntagPolicy = %+v", out)
	}
	assertAWSError(t, f.run(t, f.root, "TagPolicy", &s.TagPolicyInput{PolicyArn: readOnlyAccessARN, Tags: []s.Tag{{Key: "k", Value: "v"}}}),
		warden.EUnmodifiableEntity, "Cannot modify an AWS managed policy.")
}

func TestAWSManagedPolicies(t *testing.T) {
	f := newIdentityFixture(t)
	got, err := identityCall[*s.GetPolicyOutput](t, f, f.root, "GetPolicy", &s.GetPolicyInput{PolicyArn: readOnlyAccessARN})
	mustOK(t, err)
	if *got.Policy.PolicyName != "ReadOnlyAccess" || !got.Policy.IsAttachable || got.Policy.Tags != nil {
		t.Errorf("GetPolicy ReadOnlyAccess = %+v", got.Policy)
	}
	v, err := identityCall[*s.GetPolicyVersionOutput](t, f, f.root, "GetPolicyVersion", &s.GetPolicyVersionInput{PolicyArn: readOnlyAccessARN, VersionId: *got.Policy.DefaultVersionId})
	mustOK(t, err)
	if !v.PolicyVersion.IsDefaultVersion || !strings.Contains(aws.ToString(v.PolicyVersion.Document), `"Effect"`) {
		t.Errorf("GetPolicyVersion = %+v", v.PolicyVersion)
	}
	for _, op := range []struct {
		name string
		in   awsquery.Input
	}{
		{"DeletePolicy", &s.DeletePolicyInput{PolicyArn: readOnlyAccessARN}},
		{"SetDefaultPolicyVersion", &s.SetDefaultPolicyVersionInput{PolicyArn: readOnlyAccessARN, VersionId: "v1"}},
		{"UntagPolicy", &s.UntagPolicyInput{PolicyArn: readOnlyAccessARN, TagKeys: []string{"k"}}},
	} {
		t.Run(op.name, func(t *testing.T) {
			assertAWSError(t, f.run(t, f.root, op.name, op.in), warden.EUnmodifiableEntity, "")
		})
	}
}

func TestListPolicies(t *testing.T) {
	f := newIdentityFixture(t)
	care := f.createPolicy(t, "CareRead", "/care/")
	billing := f.createPolicy(t, "BillingRead", "/billing/")
	bound := f.createPolicy(t, "Boundary", "/")
	f.user(t, "alice")
	mustOK(t, f.store.AttachPolicy(t.Context(), identityTestAccount, warden.UserIdentity("alice"), care))
	mustOK(t, f.store.AttachPolicy(t.Context(), identityTestAccount, warden.UserIdentity("alice"), readOnlyAccessARN))
	mustOK(t, f.store.PutUserPermissionsBoundary(t.Context(), identityTestAccount, "alice", bound))

	list := func(t *testing.T, in *s.ListPoliciesInput) []string {
		t.Helper()
		var arns []string
		for {
			out, err := identityCall[*s.ListPoliciesOutput](t, f, f.root, "ListPolicies", in)
			mustOK(t, err)
			for _, p := range out.Policies {
				if p.Description != nil || p.Tags != nil {
					t.Errorf("ListPolicies lists %s with its description or tags", *p.Arn)
				}
				arns = append(arns, *p.Arn)
			}
			if !out.IsTruncated {
				return arns
			}
			in.Marker = out.Marker
		}
	}
	for _, tt := range []struct {
		name string
		in   *s.ListPoliciesInput
		want []string
	}{
		{"local", &s.ListPoliciesInput{Scope: new(s.PolicyScopeTypeLocal)}, []string{billing, bound, care}},
		{"local, paged", &s.ListPoliciesInput{Scope: new(s.PolicyScopeTypeLocal), MaxItems: aws.Int32(1)}, []string{billing, bound, care}},
		{"path prefix", &s.ListPoliciesInput{Scope: new(s.PolicyScopeTypeLocal), PathPrefix: aws.String("/care/")}, []string{care}},
		{"attached, customer then AWS", &s.ListPoliciesInput{OnlyAttached: true}, []string{care, readOnlyAccessARN}},
		{"attached AWS", &s.ListPoliciesInput{Scope: new(s.PolicyScopeTypeAws), OnlyAttached: true}, []string{readOnlyAccessARN}},
		{"boundaries", &s.ListPoliciesInput{PolicyUsageFilter: new(s.PolicyUsageTypePermissionsBoundary)}, []string{bound}},
		{"permissions policies", &s.ListPoliciesInput{Scope: new(s.PolicyScopeTypeLocal), PolicyUsageFilter: new(s.PolicyUsageTypePermissionsPolicy)}, []string{care}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(t, tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("AWS scope lists the catalogue", func(t *testing.T) {
		out, err := identityCall[*s.ListPoliciesOutput](t, f, f.root, "ListPolicies", &s.ListPoliciesInput{Scope: new(s.PolicyScopeTypeAws), MaxItems: aws.Int32(1000)})
		mustOK(t, err)
		if len(out.Policies) != 1000 || !out.IsTruncated {
			t.Fatalf("first page of AWS policies: %d, truncated %v", len(out.Policies), out.IsTruncated)
		}
		for _, p := range out.Policies {
			if !warden.IsAWSManagedPolicyARN(*p.Arn) {
				t.Fatalf("AWS scope lists %s", *p.Arn)
			}
		}
	})
}

func TestListEntitiesForPolicy(t *testing.T) {
	f := newIdentityFixture(t)
	arn := f.createPolicy(t, "Shared", "/")
	ctx := t.Context()
	for _, name := range []string{"bob", "alice"} {
		f.user(t, name)
	}
	_, err := f.store.CreateUser(ctx, identityTestAccount, warden.CreateUserInput{Name: "carol", Path: "/clinic/"})
	mustOK(t, err)
	_, err = f.store.CreateGroup(ctx, identityTestAccount, "Clinicians", "/")
	mustOK(t, err)
	_, err = f.store.CreateRole(ctx, identityTestAccount, warden.CreateRoleInput{Name: "Agent", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"health-agent.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
	mustOK(t, err)
	for _, id := range []warden.Identity{warden.UserIdentity("alice"), warden.UserIdentity("carol"), warden.GroupIdentity("Clinicians"), warden.RoleIdentity("Agent")} {
		mustOK(t, f.store.AttachPolicy(ctx, identityTestAccount, id, arn))
	}
	mustOK(t, f.store.PutUserPermissionsBoundary(ctx, identityTestAccount, "bob", arn))

	type entities struct{ groups, users, roles []string }
	list := func(t *testing.T, in *s.ListEntitiesForPolicyInput) entities {
		t.Helper()
		var e entities
		for {
			out, err := identityCall[*s.ListEntitiesForPolicyOutput](t, f, f.root, "ListEntitiesForPolicy", in)
			mustOK(t, err)
			for _, g := range out.PolicyGroups {
				e.groups = append(e.groups, *g.GroupName)
			}
			for _, u := range out.PolicyUsers {
				e.users = append(e.users, *u.UserName)
			}
			for _, r := range out.PolicyRoles {
				e.roles = append(e.roles, *r.RoleName)
			}
			if !out.IsTruncated {
				return e
			}
			in.Marker = out.Marker
		}
	}
	for _, tt := range []struct {
		name string
		in   s.ListEntitiesForPolicyInput
		want entities
	}{
		{"all", s.ListEntitiesForPolicyInput{}, entities{[]string{"Clinicians"}, []string{"alice", "bob", "carol"}, []string{"Agent"}}},
		{"all, one a page", s.ListEntitiesForPolicyInput{MaxItems: aws.Int32(1)}, entities{[]string{"Clinicians"}, []string{"alice", "bob", "carol"}, []string{"Agent"}}},
		{"users", s.ListEntitiesForPolicyInput{EntityFilter: new(s.EntityTypeUser)}, entities{nil, []string{"alice", "bob", "carol"}, nil}},
		{"roles", s.ListEntitiesForPolicyInput{EntityFilter: new(s.EntityTypeRole)}, entities{nil, nil, []string{"Agent"}}},
		{"path prefix", s.ListEntitiesForPolicyInput{PathPrefix: aws.String("/clinic/")}, entities{nil, []string{"carol"}, nil}},
		{"as boundary", s.ListEntitiesForPolicyInput{PolicyUsageFilter: new(s.PolicyUsageTypePermissionsBoundary)}, entities{nil, []string{"bob"}, nil}},
		{"as permissions", s.ListEntitiesForPolicyInput{EntityFilter: new(s.EntityTypeUser), PolicyUsageFilter: new(s.PolicyUsageTypePermissionsPolicy)}, entities{nil, []string{"alice", "carol"}, nil}},
		{"policies use no policy", s.ListEntitiesForPolicyInput{EntityFilter: new(s.EntityTypeLocalManagedPolicy)}, entities{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.PolicyArn = arn
			got := list(t, &in)
			if !slices.Equal(got.groups, tt.want.groups) || !slices.Equal(got.users, tt.want.users) || !slices.Equal(got.roles, tt.want.roles) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	_, err = identityCall[*s.ListEntitiesForPolicyOutput](t, f, f.root, "ListEntitiesForPolicy",
		&s.ListEntitiesForPolicyInput{PolicyArn: "arn:aws:iam::123456789012:policy/Nothing", EntityFilter: new(s.EntityTypeAWSManagedPolicy)})
	assertAWSError(t, err, warden.ENoSuchEntity, "")
}

// careTagPolicy lets its holder create policies only tagged team=care, and
// change only policies already tagged so.
const careTagPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "iam:CreatePolicy", "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestTag/team": "care"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}},
    {"Effect": "Allow", "Action": ["iam:TagPolicy", "iam:CreatePolicyVersion"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/team": "care"}}}
  ]
}`

func TestPolicyTagConditions(t *testing.T) {
	f := newIdentityFixture(t)
	bob := f.user(t, "bob")
	f.allow(t, "bob", careTagPolicy)
	care := f.createPolicy(t, "CarePolicy", "/", s.Tag{Key: "team", Value: "care"})
	billing := f.createPolicy(t, "BillingPolicy", "/", s.Tag{Key: "team", Value: "billing"})

	for i, tt := range []struct {
		name    string
		tags    []s.Tag
		allowed bool
	}{
		{"team=care", []s.Tag{{Key: "team", Value: "care"}}, true},
		{"team=billing", []s.Tag{{Key: "team", Value: "billing"}}, false},
		{"no tags", nil, false},
		{"team=care and another key", []s.Tag{{Key: "team", Value: "care"}, {Key: "cost", Value: "1"}}, false},
	} {
		t.Run("create with "+tt.name, func(t *testing.T) {
			_, err := identityCall[*s.CreatePolicyOutput](t, f, bob, "CreatePolicy",
				&s.CreatePolicyInput{PolicyName: fmt.Sprintf("Bob%d", i), PolicyDocument: managedDoc("iam:GetUser"), Tags: tt.tags})
			if tt.allowed {
				mustOK(t, err)
				return
			}
			assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:CreatePolicy on resource: arn:aws:iam::123456789012:policy/Bob")
		})
	}
	for _, tt := range []struct {
		name    string
		arn     string
		allowed bool
	}{
		{"tagged team=care", care, true},
		{"tagged team=billing", billing, false},
		{"that does not exist", "arn:aws:iam::123456789012:policy/Nothing", false},
	} {
		t.Run("update a policy "+tt.name, func(t *testing.T) {
			tagErr := f.run(t, bob, "TagPolicy", &s.TagPolicyInput{PolicyArn: tt.arn, Tags: []s.Tag{{Key: "reviewed", Value: "yes"}}})
			_, versionErr := identityCall[*s.CreatePolicyVersionOutput](t, f, bob, "CreatePolicyVersion",
				&s.CreatePolicyVersionInput{PolicyArn: tt.arn, PolicyDocument: managedDoc("iam:ListUsers")})
			for _, err := range []error{tagErr, versionErr} {
				if tt.allowed {
					mustOK(t, err)
				} else {
					// Denied, never NoSuchEntity: bob learns nothing of
					// which policies exist.
					assertAWSErrorContains(t, err, warden.EAccessDenied, "on resource: "+tt.arn)
				}
			}
		})
	}
}
