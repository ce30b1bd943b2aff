package iamapi

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func TestCreateRole(t *testing.T) {
	f := newIdentityFixture(t)
	tests := []struct {
		name    string
		in      s.CreateRoleInput
		code    string
		message string // whole message, or a part for MalformedPolicyDocument
	}{
		{name: "defaults", in: s.CreateRoleInput{RoleName: "plain", AssumeRolePolicyDocument: ec2Trust}},
		{name: "everything", in: s.CreateRoleInput{
			RoleName: "scribe", Path: aws.String("/health/"), AssumeRolePolicyDocument: ec2Trust,
			Description: aws.String("Runs scribe sessions"), MaxSessionDuration: aws.Int32(43200),
			PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"),
			Tags:                []s.Tag{{Key: "team", Value: "care"}},
		}},
		{name: "same name in other case", in: s.CreateRoleInput{RoleName: "PLAIN", AssumeRolePolicyDocument: ec2Trust},
			code: warden.EEntityAlreadyExists, message: "Role with name PLAIN already exists."},
		{name: "duration below range", in: s.CreateRoleInput{RoleName: "short", AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: aws.Int32(3599)},
			code: warden.EValidationError, message: "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{name: "duration zero", in: s.CreateRoleInput{RoleName: "zero", AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: aws.Int32(0)},
			code: warden.EValidationError, message: "1 validation error detected: Value '0' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{name: "duration above range", in: s.CreateRoleInput{RoleName: "long", AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: aws.Int32(43201)},
			code: warden.EValidationError, message: "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{name: "trust policy with Resource", in: s.CreateRoleInput{RoleName: "r1",
			AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`},
			code: warden.EMalformedPolicyDocument, message: "Statement[0].Resource"},
		{name: "trust policy without Principal", in: s.CreateRoleInput{RoleName: "r2",
			AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`},
			code: warden.EMalformedPolicyDocument, message: "Statement[0]"},
		{name: "trust policy not JSON", in: s.CreateRoleInput{RoleName: "r3", AssumeRolePolicyDocument: `{"Version":`},
			code: warden.EMalformedPolicyDocument},
		{name: "trust policy too large", in: s.CreateRoleInput{RoleName: "r4", AssumeRolePolicyDocument: largeTrust(2100)},
			code: warden.ELimitExceeded, message: "Cannot exceed quota for ACLSizePerRole: 2048"},
		{name: "unknown boundary", in: s.CreateRoleInput{RoleName: "r5", AssumeRolePolicyDocument: ec2Trust, PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/Nope")},
			code: warden.ENoSuchEntity},
		// The model's constraints are checked before the document.
		{name: "bad name and bad document", in: s.CreateRoleInput{RoleName: "bad name", AssumeRolePolicyDocument: `{`},
			code: warden.EValidationError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := identityCall[*s.CreateRoleOutput](t, f, f.root, "CreateRole", &tt.in)
			switch {
			case tt.code == "":
				mustOK(t, err)
			case tt.code == warden.EMalformedPolicyDocument:
				assertAWSErrorContains(t, err, tt.code, tt.message)
				return
			default:
				assertAWSError(t, err, tt.code, tt.message)
				return
			}
			r := out.Role
			if r.RoleName != tt.in.RoleName || r.Arn != "arn:aws:iam::123456789012:role"+aws.ToString(cmpOr(tt.in.Path, "/"))+tt.in.RoleName ||
				!strings.HasPrefix(r.RoleId, "AROA") || aws.ToString(r.AssumeRolePolicyDocument) != tt.in.AssumeRolePolicyDocument {
				t.Errorf("CreateRole = %+v", r)
			}
			// CreateRole shows neither the session duration nor last use.
			if r.MaxSessionDuration != nil || r.RoleLastUsed != nil {
				t.Errorf("CreateRole shows MaxSessionDuration %v, RoleLastUsed %v", r.MaxSessionDuration, r.RoleLastUsed)
			}
			got, err := identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: strings.ToUpper(tt.in.RoleName)})
			mustOK(t, err)
			want := aws.ToInt32(cmpOr(tt.in.MaxSessionDuration, 3600))
			if aws.ToInt32(got.Role.MaxSessionDuration) != want {
				t.Errorf("MaxSessionDuration %v, want %d", got.Role.MaxSessionDuration, want)
			}
			if aws.ToString(got.Role.Description) != aws.ToString(tt.in.Description) || len(got.Role.Tags) != len(tt.in.Tags) {
				t.Errorf("GetRole = %+v", got.Role)
			}
			if (got.Role.PermissionsBoundary == nil) != (tt.in.PermissionsBoundary == nil) {
				t.Errorf("boundary %+v", got.Role.PermissionsBoundary)
			}
		})
	}
}

// cmpOr returns p, or a pointer to def when p is nil.
func cmpOr[T any](p *T, def T) *T {
	if p == nil {
		return &def
	}
	return p
}

// largeTrust returns a valid trust policy of at least n characters.
func largeTrust(n int) string {
	var principals []string
	for i := 0; len(strings.Join(principals, ",")) < n; i++ {
		principals = append(principals, `"arn:aws:iam::123456789012:user/u`+strings.Repeat("x", 20)+string(rune('a'+i%26))+`"`)
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(principals, ",") + `]},"Action":"sts:AssumeRole"}]}`
}

func TestRoleViews(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	_, err := identityCall[*s.CreateRoleOutput](t, f, f.root, "CreateRole", &s.CreateRoleInput{
		RoleName: "agent", AssumeRolePolicyDocument: ec2Trust, Description: aws.String("d"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), Tags: []s.Tag{{Key: "k", Value: "v"}},
	})
	mustOK(t, err)

	got, err := identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: "agent"})
	mustOK(t, err)
	if got.Role.RoleLastUsed == nil || got.Role.RoleLastUsed.LastUsedDate != nil || got.Role.RoleLastUsed.Region != nil {
		t.Errorf("never assumed: RoleLastUsed %+v, want empty", got.Role.RoleLastUsed)
	}
	used := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	mustOK(t, f.store.RecordRoleUse(ctx, identityTestAccount, "agent", "eu-west-1", used))
	got, err = identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: "agent"})
	mustOK(t, err)
	if lu := got.Role.RoleLastUsed; lu == nil || !aws.ToTime(lu.LastUsedDate).Equal(used) || aws.ToString(lu.Region) != "eu-west-1" {
		t.Errorf("RoleLastUsed %+v", got.Role.RoleLastUsed)
	}

	// ListRoles leaves out the boundary, tags and last use, as IAM does.
	list, err := identityCall[*s.ListRolesOutput](t, f, f.root, "ListRoles", &s.ListRolesInput{})
	mustOK(t, err)
	if len(list.Roles) != 1 {
		t.Fatalf("ListRoles = %+v", list.Roles)
	}
	r := list.Roles[0]
	if r.PermissionsBoundary != nil || r.Tags != nil || r.RoleLastUsed != nil || aws.ToInt32(r.MaxSessionDuration) != 3600 || aws.ToString(r.Description) != "d" {
		t.Errorf("listed role %+v", r)
	}
}

func TestListRolesPages(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	for _, name := range []string{"e", "d", "c", "b", "a"} {
		path := "/"
		if name < "c" {
			path = "/svc/"
		}
		if _, err := f.store.CreateRole(ctx, identityTestAccount, warden.CreateRoleInput{Name: name, Path: path, AssumeRolePolicyDocument: ec2Trust}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		prefix *string
		want   []string
	}{
		{nil, []string{"a", "b", "c", "d", "e"}},
		{aws.String("/svc/"), []string{"a", "b"}},
	} {
		var names []string
		in := &s.ListRolesInput{PathPrefix: tt.prefix, MaxItems: aws.Int32(2)}
		for {
			out, err := identityCall[*s.ListRolesOutput](t, f, f.root, "ListRoles", in)
			mustOK(t, err)
			for _, r := range out.Roles {
				names = append(names, r.RoleName)
			}
			if !out.IsTruncated {
				break
			}
			in.Marker = out.Marker
		}
		if !slices.Equal(names, tt.want) {
			t.Errorf("prefix %v: %v, want %v", aws.ToString(tt.prefix), names, tt.want)
		}
	}
}

func TestUpdateRole(t *testing.T) {
	f := newIdentityFixture(t)
	_, err := identityCall[*s.CreateRoleOutput](t, f, f.root, "CreateRole", &s.CreateRoleInput{RoleName: "agent", AssumeRolePolicyDocument: ec2Trust})
	mustOK(t, err)
	get := func() s.Role {
		out, err := identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: "agent"})
		mustOK(t, err)
		return out.Role
	}

	_, err = identityCall[*s.UpdateRoleOutput](t, f, f.root, "UpdateRole", &s.UpdateRoleInput{RoleName: "agent", MaxSessionDuration: aws.Int32(7200)})
	mustOK(t, err)
	if r := get(); aws.ToInt32(r.MaxSessionDuration) != 7200 || r.Description != nil {
		t.Errorf("after UpdateRole duration: %+v", r)
	}
	_, err = identityCall[*s.UpdateRoleOutput](t, f, f.root, "UpdateRole", &s.UpdateRoleInput{RoleName: "agent", Description: aws.String("scribe")})
	mustOK(t, err)
	if r := get(); aws.ToInt32(r.MaxSessionDuration) != 7200 || aws.ToString(r.Description) != "scribe" {
		t.Errorf("after UpdateRole description: %+v", r)
	}
	_, err = identityCall[*s.UpdateRoleOutput](t, f, f.root, "UpdateRole", &s.UpdateRoleInput{RoleName: "agent", MaxSessionDuration: aws.Int32(60)})
	assertAWSError(t, err, warden.EValidationError, "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	_, err = identityCall[*s.UpdateRoleOutput](t, f, f.root, "UpdateRole", &s.UpdateRoleInput{RoleName: "ghost"})
	assertAWSError(t, err, warden.ENoSuchEntity, "The role with name ghost cannot be found.")

	desc, err := identityCall[*s.UpdateRoleDescriptionOutput](t, f, f.root, "UpdateRoleDescription", &s.UpdateRoleDescriptionInput{RoleName: "agent", Description: "notes"})
	mustOK(t, err)
	if desc.Role == nil || aws.ToString(desc.Role.Description) != "notes" || aws.ToInt32(desc.Role.MaxSessionDuration) != 7200 || desc.Role.RoleLastUsed == nil {
		t.Errorf("UpdateRoleDescription = %+v", desc.Role)
	}

	lambdaTrust := strings.ReplaceAll(ec2Trust, "ec2", "lambda")
	mustOK(t, f.run(t, f.root, "UpdateAssumeRolePolicy", &s.UpdateAssumeRolePolicyInput{RoleName: "agent", PolicyDocument: lambdaTrust}))
	if r := get(); aws.ToString(r.AssumeRolePolicyDocument) != lambdaTrust {
		t.Errorf("trust policy %s", aws.ToString(r.AssumeRolePolicyDocument))
	}
	assertAWSErrorContains(t, f.run(t, f.root, "UpdateAssumeRolePolicy", &s.UpdateAssumeRolePolicyInput{RoleName: "agent",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","NotResource":"*"}]}`}),
		warden.EMalformedPolicyDocument, "Statement[0].NotResource")
	assertAWSError(t, f.run(t, f.root, "UpdateAssumeRolePolicy", &s.UpdateAssumeRolePolicyInput{RoleName: "agent", PolicyDocument: largeTrust(2100)}),
		warden.ELimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048")
	if r := get(); aws.ToString(r.AssumeRolePolicyDocument) != lambdaTrust {
		t.Error("a refused trust policy replaced the stored one")
	}
}

func TestRoleTagsAndBoundary(t *testing.T) {
	f := newIdentityFixture(t)
	_, err := identityCall[*s.CreateRoleOutput](t, f, f.root, "CreateRole", &s.CreateRoleInput{RoleName: "agent", AssumeRolePolicyDocument: ec2Trust})
	mustOK(t, err)

	mustOK(t, f.run(t, f.root, "TagRole", &s.TagRoleInput{RoleName: "agent", Tags: []s.Tag{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}, {Key: "c", Value: "3"}}}))
	mustOK(t, f.run(t, f.root, "UntagRole", &s.UntagRoleInput{RoleName: "agent", TagKeys: []string{"C"}}))
	first, err := identityCall[*s.ListRoleTagsOutput](t, f, f.root, "ListRoleTags", &s.ListRoleTagsInput{RoleName: "agent", MaxItems: aws.Int32(1)})
	mustOK(t, err)
	if len(first.Tags) != 1 || first.Tags[0] != (s.Tag{Key: "a", Value: "1"}) || !first.IsTruncated || first.Marker == nil {
		t.Fatalf("first page %+v", first)
	}
	rest, err := identityCall[*s.ListRoleTagsOutput](t, f, f.root, "ListRoleTags", &s.ListRoleTagsInput{RoleName: "agent", Marker: first.Marker})
	mustOK(t, err)
	if len(rest.Tags) != 1 || rest.Tags[0] != (s.Tag{Key: "b", Value: "2"}) || rest.IsTruncated {
		t.Errorf("second page %+v", rest)
	}

	boundary := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	mustOK(t, f.run(t, f.root, "PutRolePermissionsBoundary", &s.PutRolePermissionsBoundaryInput{RoleName: "agent", PermissionsBoundary: boundary}))
	got, err := identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: "agent"})
	mustOK(t, err)
	if pb := got.Role.PermissionsBoundary; pb == nil || aws.ToString(pb.PermissionsBoundaryArn) != boundary || pb.PermissionsBoundaryType == nil {
		t.Errorf("boundary %+v", got.Role.PermissionsBoundary)
	}
	assertAWSError(t, f.run(t, f.root, "PutRolePermissionsBoundary", &s.PutRolePermissionsBoundaryInput{RoleName: "agent", PermissionsBoundary: "arn:aws:iam::aws:policy/Nope"}),
		warden.ENoSuchEntity, "")
	mustOK(t, f.run(t, f.root, "DeleteRolePermissionsBoundary", &s.DeleteRolePermissionsBoundaryInput{RoleName: "agent"}))
	got, err = identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: "agent"})
	mustOK(t, err)
	if got.Role.PermissionsBoundary != nil {
		t.Errorf("boundary after delete %+v", got.Role.PermissionsBoundary)
	}
}

func TestDeleteRole(t *testing.T) {
	f := newIdentityFixture(t)
	_, err := identityCall[*s.CreateRoleOutput](t, f, f.root, "CreateRole", &s.CreateRoleInput{RoleName: "agent", AssumeRolePolicyDocument: ec2Trust})
	mustOK(t, err)
	readOnly := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	mustOK(t, f.run(t, f.root, "AttachRolePolicy", &s.AttachRolePolicyInput{RoleName: "agent", PolicyArn: readOnly}))
	mustOK(t, f.run(t, f.root, "PutRolePolicy", &s.PutRolePolicyInput{RoleName: "agent", PolicyName: "inline", PolicyDocument: readAll}))

	assertAWSError(t, f.run(t, f.root, "DeleteRole", &s.DeleteRoleInput{RoleName: "agent"}), warden.EDeleteConflict, "Cannot delete entity, must detach all policies first.")
	mustOK(t, f.run(t, f.root, "DetachRolePolicy", &s.DetachRolePolicyInput{RoleName: "agent", PolicyArn: readOnly}))
	assertAWSError(t, f.run(t, f.root, "DeleteRole", &s.DeleteRoleInput{RoleName: "agent"}), warden.EDeleteConflict, "Cannot delete entity, must delete policies first.")
	mustOK(t, f.run(t, f.root, "DeleteRolePolicy", &s.DeleteRolePolicyInput{RoleName: "agent", PolicyName: "inline"}))
	mustOK(t, f.run(t, f.root, "DeleteRole", &s.DeleteRoleInput{RoleName: "agent"}))
	_, err = identityCall[*s.GetRoleOutput](t, f, f.root, "GetRole", &s.GetRoleInput{RoleName: "agent"})
	assertAWSError(t, err, warden.ENoSuchEntity, "The role with name agent cannot be found.")
}

// TestRoleAuthorization checks the request context role operations are
// authorized with: the role's tags, the tags a request sets, and the
// boundary being put.
func TestRoleAuthorization(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	for _, r := range []warden.CreateRoleInput{
		{Name: "care-agent", AssumeRolePolicyDocument: ec2Trust, Tags: []warden.Tag{{Key: "team", Value: "care"}}},
		{Name: "billing-agent", Path: "/billing/", AssumeRolePolicyDocument: ec2Trust, Tags: []warden.Tag{{Key: "team", Value: "billing"}}},
	} {
		if _, err := f.store.CreateRole(ctx, identityTestAccount, r); err != nil {
			t.Fatal(err)
		}
	}
	erin := f.user(t, "erin")
	f.allow(t, "erin", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:GetRole","iam:UpdateRole"],"Resource":"*","Condition":{"StringEquals":{"iam:ResourceTag/team":"care"}}},
		{"Effect":"Allow","Action":"iam:TagRole","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"care"}}},
		{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}},
		{"Effect":"Allow","Action":"iam:PutRolePermissionsBoundary","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}]}`)

	tests := []struct {
		name     string
		op       string
		in       awsquery.Input
		resource string // "" means allowed
		action   string
	}{
		{"tagged role", "GetRole", &s.GetRoleInput{RoleName: "care-agent"}, "", ""},
		{"other team's role", "GetRole", &s.GetRoleInput{RoleName: "billing-agent"}, "arn:aws:iam::123456789012:role/billing/billing-agent", "iam:GetRole"},
		{"missing role", "GetRole", &s.GetRoleInput{RoleName: "ghost"}, "arn:aws:iam::123456789012:role/ghost", "iam:GetRole"},
		{"tag with allowed value", "TagRole", &s.TagRoleInput{RoleName: "billing-agent", Tags: []s.Tag{{Key: "team", Value: "care"}}}, "", ""},
		{"tag with other value", "TagRole", &s.TagRoleInput{RoleName: "care-agent", Tags: []s.Tag{{Key: "team", Value: "ops"}}}, "arn:aws:iam::123456789012:role/care-agent", "iam:TagRole"},
		{"create with the boundary", "CreateRole", &s.CreateRoleInput{RoleName: "bounded", AssumeRolePolicyDocument: ec2Trust, PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}, "", ""},
		{"create without a boundary", "CreateRole", &s.CreateRoleInput{RoleName: "free", Path: aws.String("/x/"), AssumeRolePolicyDocument: ec2Trust}, "arn:aws:iam::123456789012:role/x/free", "iam:CreateRole"},
		{"put another boundary", "PutRolePermissionsBoundary", &s.PutRolePermissionsBoundaryInput{RoleName: "care-agent", PermissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess"}, "arn:aws:iam::123456789012:role/care-agent", "iam:PutRolePermissionsBoundary"},
		{"list roles", "ListRoles", &s.ListRolesInput{}, "arn:aws:iam::123456789012:role/", "iam:ListRoles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.api.Handle(ctx, erin, s.Service.Operations[tt.op], tt.in)
			if tt.resource == "" {
				mustOK(t, err)
				return
			}
			assertAWSError(t, err, warden.EAccessDenied, "User: arn:aws:iam::123456789012:user/erin is not authorized to perform: "+
				tt.action+" on resource: "+tt.resource+" because no identity-based policy allows the "+tt.action+" action")
		})
	}
}
