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
	"github.com/warden-iam/warden/managed"
)

const (
	adminAccess    = "arn:aws:iam::aws:policy/AdministratorAccess"
	readOnlyAccess = "arn:aws:iam::aws:policy/ReadOnlyAccess"
)

// attachOps adapts the attachment operations of one identity kind.
type attachOps struct {
	inline   inlineOps // for creating the identity
	attach   func(name, arn string) request
	detach   func(name, arn string) request
	list     func(name string, pathPrefix, marker *string, maxItems *int32) request
	attached func(out awsquery.Output) ([]s.AttachedPolicy, bool, *string)
	quota    string
}

var attachKinds = []attachOps{
	{
		inline: inlineKinds[0],
		attach: func(n, arn string) request {
			return request{"AttachUserPolicy", &s.AttachUserPolicyInput{UserName: n, PolicyArn: arn}}
		},
		detach: func(n, arn string) request {
			return request{"DetachUserPolicy", &s.DetachUserPolicyInput{UserName: n, PolicyArn: arn}}
		},
		list: func(n string, p, m *string, max *int32) request {
			return request{"ListAttachedUserPolicies", &s.ListAttachedUserPoliciesInput{UserName: n, PathPrefix: p, Marker: m, MaxItems: max}}
		},
		attached: func(out awsquery.Output) ([]s.AttachedPolicy, bool, *string) {
			o := out.(*s.ListAttachedUserPoliciesOutput)
			return o.AttachedPolicies, o.IsTruncated, o.Marker
		},
		quota: "PoliciesPerUser",
	},
	{
		inline: inlineKinds[1],
		attach: func(n, arn string) request {
			return request{"AttachGroupPolicy", &s.AttachGroupPolicyInput{GroupName: n, PolicyArn: arn}}
		},
		detach: func(n, arn string) request {
			return request{"DetachGroupPolicy", &s.DetachGroupPolicyInput{GroupName: n, PolicyArn: arn}}
		},
		list: func(n string, p, m *string, max *int32) request {
			return request{"ListAttachedGroupPolicies", &s.ListAttachedGroupPoliciesInput{GroupName: n, PathPrefix: p, Marker: m, MaxItems: max}}
		},
		attached: func(out awsquery.Output) ([]s.AttachedPolicy, bool, *string) {
			o := out.(*s.ListAttachedGroupPoliciesOutput)
			return o.AttachedPolicies, o.IsTruncated, o.Marker
		},
		quota: "PoliciesPerGroup",
	},
	{
		inline: inlineKinds[2],
		attach: func(n, arn string) request {
			return request{"AttachRolePolicy", &s.AttachRolePolicyInput{RoleName: n, PolicyArn: arn}}
		},
		detach: func(n, arn string) request {
			return request{"DetachRolePolicy", &s.DetachRolePolicyInput{RoleName: n, PolicyArn: arn}}
		},
		list: func(n string, p, m *string, max *int32) request {
			return request{"ListAttachedRolePolicies", &s.ListAttachedRolePoliciesInput{RoleName: n, PathPrefix: p, Marker: m, MaxItems: max}}
		},
		attached: func(out awsquery.Output) ([]s.AttachedPolicy, bool, *string) {
			o := out.(*s.ListAttachedRolePoliciesOutput)
			return o.AttachedPolicies, o.IsTruncated, o.Marker
		},
		quota: "PoliciesPerRole",
	},
}

func TestAttachedPolicies(t *testing.T) {
	for _, k := range attachKinds {
		t.Run(string(k.inline.kind), func(t *testing.T) {
			f := newIdentityFixture(t)
			ctx := t.Context()
			k.inline.create(t, f, "Subject")
			label := strings.ToLower(string(k.inline.kind))
			customer, err := f.store.CreatePolicy(ctx, identityTestAccount, warden.CreatePolicyInput{Name: "CareRead", Path: "/care/", Document: readAll})
			mustOK(t, err)
			do := func(r request) error {
				_, err := f.send(t, f.root, r)
				return err
			}
			listAll := func(prefix *string) []string {
				var arns []string
				var marker *string
				for {
					out, err := f.send(t, f.root, k.list("Subject", prefix, marker, aws.Int32(1)))
					mustOK(t, err)
					page, truncated, next := k.attached(out)
					for _, p := range page {
						arns = append(arns, aws.ToString(p.PolicyName)+" "+aws.ToString(p.PolicyArn))
					}
					if !truncated {
						return arns
					}
					marker = next
				}
			}

			mustOK(t, do(k.attach("Subject", readOnlyAccess)))
			mustOK(t, do(k.attach("subject", customer.ARN)))
			mustOK(t, do(k.attach("Subject", readOnlyAccess))) // again: no change
			want := []string{"CareRead " + customer.ARN, "ReadOnlyAccess " + readOnlyAccess}
			if got := listAll(nil); !slices.Equal(got, want) {
				t.Errorf("attached %v, want %v", got, want)
			}
			if got := listAll(aws.String("/care/")); !slices.Equal(got, want[:1]) {
				t.Errorf("attached under /care/ %v", got)
			}

			assertAWSError(t, do(k.attach("Subject", "arn:aws:iam::aws:policy/NoSuchPolicy")), warden.ENoSuchEntity,
				"Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
			assertAWSError(t, do(k.attach("Subject", "arn:aws:iam::123456789012:policy/Missing")), warden.ENoSuchEntity,
				"Policy arn:aws:iam::123456789012:policy/Missing does not exist or is not attachable.")
			assertAWSError(t, do(k.attach("Subject", "not-an-arn")), warden.EValidationError, "")
			assertAWSError(t, do(k.attach("Subject", "not-an-arn-but-long-enough")), warden.EInvalidInput, "ARN not-an-arn-but-long-enough is not valid.")
			assertAWSError(t, do(k.attach("Ghost", readOnlyAccess)), warden.ENoSuchEntity, fmt.Sprintf("The %s with name Ghost cannot be found.", label))

			mustOK(t, do(k.detach("Subject", readOnlyAccess)))
			assertAWSError(t, do(k.detach("Subject", readOnlyAccess)), warden.ENoSuchEntity, "Policy "+readOnlyAccess+" was not found.")
			if got := listAll(nil); !slices.Equal(got, want[:1]) {
				t.Errorf("after detach %v", got)
			}

			t.Run("quota", func(t *testing.T) {
				var arns []string
				for _, p := range managed.Default().AWSManagedPolicies() {
					if p.Policy.IsAttachable && p.Policy.ARN != customer.ARN {
						arns = append(arns, p.Policy.ARN)
					}
				}
				slices.Sort(arns)
				for _, arn := range arns[:9] { // with CareRead, ten
					mustOK(t, do(k.attach("Subject", arn)))
				}
				assertAWSError(t, do(k.attach("Subject", arns[9])), warden.ELimitExceeded, "Cannot exceed quota for "+k.quota+": 10")
				mustOK(t, do(k.attach("Subject", arns[0]))) // already attached: not a new one
			})
		})
	}
}

// TestAttachmentAuthorization checks the keys delegated administration is
// built on: iam:PolicyARN names the policy attached or detached, and
// iam:PermissionsBoundary the target's boundary (users and roles only).
func TestAttachmentAuthorization(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	boundary := readOnlyAccess
	for _, u := range []warden.CreateUserInput{{Name: "bounded", PermissionsBoundary: boundary}, {Name: "free"}} {
		_, err := f.store.CreateUser(ctx, identityTestAccount, u)
		mustOK(t, err)
	}
	_, err := f.store.CreateGroup(ctx, identityTestAccount, "Staff", "/")
	mustOK(t, err)
	delegate := f.user(t, "delegate")
	f.allow(t, "delegate", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:DetachUserPolicy"],"Resource":"*","Condition":{
			"StringEquals":{"iam:PermissionsBoundary":"`+boundary+`"},
			"ArnEquals":{"iam:PolicyARN":["arn:aws:iam::aws:policy/IAMReadOnlyAccess","arn:aws:iam::aws:policy/IAMUserChangePassword"]}}},
		{"Effect":"Allow","Action":"iam:AttachGroupPolicy","Resource":"*","Condition":{"ArnLike":{"iam:PolicyARN":"arn:aws:iam::aws:policy/IAM*"}}}]}`)

	tests := []struct {
		name  string
		r     request
		allow bool
	}{
		{"listed policy, bounded user", request{"AttachUserPolicy", &s.AttachUserPolicyInput{UserName: "bounded", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}, true},
		{"unlisted policy", request{"AttachUserPolicy", &s.AttachUserPolicyInput{UserName: "bounded", PolicyArn: adminAccess}}, false},
		{"user without the boundary", request{"AttachUserPolicy", &s.AttachUserPolicyInput{UserName: "free", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}, false},
		{"detach listed policy", request{"DetachUserPolicy", &s.DetachUserPolicyInput{UserName: "bounded", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}, true},
		{"group, matching policy", request{"AttachGroupPolicy", &s.AttachGroupPolicyInput{GroupName: "Staff", PolicyArn: "arn:aws:iam::aws:policy/IAMUserChangePassword"}}, true},
		{"group, other policy", request{"AttachGroupPolicy", &s.AttachGroupPolicyInput{GroupName: "Staff", PolicyArn: readOnlyAccess}}, false},
		{"list is not granted", request{"ListAttachedGroupPolicies", &s.ListAttachedGroupPoliciesInput{GroupName: "Staff"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.send(t, delegate, tt.r)
			if tt.allow {
				mustOK(t, err)
			} else {
				assertAWSError(t, err, warden.EAccessDenied, "")
			}
		})
	}
}

// TestGroupPoliciesApplyToMembers checks that a group's attached policy
// governs its members, and stops the request after a member leaves.
func TestGroupPoliciesApplyToMembers(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	member := f.user(t, "member")
	_, err := f.store.CreateGroup(ctx, identityTestAccount, "Readers", "/")
	mustOK(t, err)
	mustOK(t, f.run(t, f.root, "AttachGroupPolicy", &s.AttachGroupPolicyInput{GroupName: "Readers", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}))
	listRoles := func() error {
		_, err := identityCall[*s.ListRolesOutput](t, f, member, "ListRoles", &s.ListRolesInput{})
		return err
	}
	assertAWSError(t, listRoles(), warden.EAccessDenied, "")
	mustOK(t, f.run(t, f.root, "AddUserToGroup", &s.AddUserToGroupInput{GroupName: "Readers", UserName: "member"}))
	mustOK(t, listRoles())
	mustOK(t, f.run(t, f.root, "RemoveUserFromGroup", &s.RemoveUserFromGroupInput{GroupName: "Readers", UserName: "member"}))
	assertAWSError(t, listRoles(), warden.EAccessDenied, "")
}
