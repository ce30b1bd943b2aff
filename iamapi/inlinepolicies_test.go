package iamapi

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

const readAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`

// request is one operation with its input.
type request struct {
	op string
	in awsquery.Input
}

// send runs a request as the given caller.
func (f *identityFixture) send(t testing.TB, c *authz.Caller, r request) (awsquery.Output, error) {
	t.Helper()
	return f.api.Handle(t.Context(), c, s.Service.Operations[r.op], r.in)
}

// inlineOps adapts the inline policy operations of one identity kind to a
// common form, so that one test covers users, groups and roles.
type inlineOps struct {
	kind   warden.IdentityKind
	create func(t *testing.T, f *identityFixture, name string)
	put    func(name, policyName, document string) request
	get    func(name, policyName string) request
	list   func(name string, marker *string, maxItems *int32) request
	delete func(name, policyName string) request
	// got returns the identity name, policy name and document of a Get
	// result; names returns a List result.
	got   func(out awsquery.Output) (identity, policyName, document string)
	names func(out awsquery.Output) (names []string, truncated bool, marker *string)
	quota int
}

var inlineKinds = []inlineOps{
	{
		kind: warden.IdentityUser,
		create: func(t *testing.T, f *identityFixture, name string) {
			f.user(t, name)
		},
		put: func(n, p, d string) request {
			return request{"PutUserPolicy", &s.PutUserPolicyInput{UserName: n, PolicyName: p, PolicyDocument: d}}
		},
		get: func(n, p string) request {
			return request{"GetUserPolicy", &s.GetUserPolicyInput{UserName: n, PolicyName: p}}
		},
		list: func(n string, m *string, max *int32) request {
			return request{"ListUserPolicies", &s.ListUserPoliciesInput{UserName: n, Marker: m, MaxItems: max}}
		},
		delete: func(n, p string) request {
			return request{"DeleteUserPolicy", &s.DeleteUserPolicyInput{UserName: n, PolicyName: p}}
		},
		got: func(out awsquery.Output) (string, string, string) {
			o := out.(*s.GetUserPolicyOutput)
			return o.UserName, o.PolicyName, o.PolicyDocument
		},
		names: func(out awsquery.Output) ([]string, bool, *string) {
			o := out.(*s.ListUserPoliciesOutput)
			return o.PolicyNames, o.IsTruncated, o.Marker
		},
		quota: 2048,
	},
	{
		kind: warden.IdentityGroup,
		create: func(t *testing.T, f *identityFixture, name string) {
			_, err := f.store.CreateGroup(t.Context(), identityTestAccount, name, "/")
			mustOK(t, err)
		},
		put: func(n, p, d string) request {
			return request{"PutGroupPolicy", &s.PutGroupPolicyInput{GroupName: n, PolicyName: p, PolicyDocument: d}}
		},
		get: func(n, p string) request {
			return request{"GetGroupPolicy", &s.GetGroupPolicyInput{GroupName: n, PolicyName: p}}
		},
		list: func(n string, m *string, max *int32) request {
			return request{"ListGroupPolicies", &s.ListGroupPoliciesInput{GroupName: n, Marker: m, MaxItems: max}}
		},
		delete: func(n, p string) request {
			return request{"DeleteGroupPolicy", &s.DeleteGroupPolicyInput{GroupName: n, PolicyName: p}}
		},
		got: func(out awsquery.Output) (string, string, string) {
			o := out.(*s.GetGroupPolicyOutput)
			return o.GroupName, o.PolicyName, o.PolicyDocument
		},
		names: func(out awsquery.Output) ([]string, bool, *string) {
			o := out.(*s.ListGroupPoliciesOutput)
			return o.PolicyNames, o.IsTruncated, o.Marker
		},
		quota: 5120,
	},
	{
		kind: warden.IdentityRole,
		create: func(t *testing.T, f *identityFixture, name string) {
			_, err := f.store.CreateRole(t.Context(), identityTestAccount, warden.CreateRoleInput{Name: name, AssumeRolePolicyDocument: ec2Trust})
			mustOK(t, err)
		},
		put: func(n, p, d string) request {
			return request{"PutRolePolicy", &s.PutRolePolicyInput{RoleName: n, PolicyName: p, PolicyDocument: d}}
		},
		get: func(n, p string) request {
			return request{"GetRolePolicy", &s.GetRolePolicyInput{RoleName: n, PolicyName: p}}
		},
		list: func(n string, m *string, max *int32) request {
			return request{"ListRolePolicies", &s.ListRolePoliciesInput{RoleName: n, Marker: m, MaxItems: max}}
		},
		delete: func(n, p string) request {
			return request{"DeleteRolePolicy", &s.DeleteRolePolicyInput{RoleName: n, PolicyName: p}}
		},
		got: func(out awsquery.Output) (string, string, string) {
			o := out.(*s.GetRolePolicyOutput)
			return o.RoleName, o.PolicyName, o.PolicyDocument
		},
		names: func(out awsquery.Output) ([]string, bool, *string) {
			o := out.(*s.ListRolePoliciesOutput)
			return o.PolicyNames, o.IsTruncated, o.Marker
		},
		quota: 10240,
	},
}

// sizedPolicy returns a valid identity policy of exactly n characters, white
// space not counted.
func sizedPolicy(t testing.TB, n int) string {
	t.Helper()
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	pad := n - len(head) - len(tail)
	if pad < 1 {
		t.Fatalf("a policy cannot have only %d characters", n)
	}
	doc := head + strings.Repeat("b", pad) + tail
	if got := warden.PolicySize(doc); got != n {
		t.Fatalf("sized policy has %d characters, want %d", got, n)
	}
	return doc
}

func TestInlinePolicies(t *testing.T) {
	for _, k := range inlineKinds {
		t.Run(string(k.kind), func(t *testing.T) {
			f := newIdentityFixture(t)
			k.create(t, f, "Subject")
			label := strings.ToLower(string(k.kind))
			put := func(policyName, document string) error {
				_, err := f.send(t, f.root, k.put("Subject", policyName, document))
				return err
			}
			listAll := func() []string {
				var all []string
				var marker *string
				for {
					out, err := f.send(t, f.root, k.list("Subject", marker, aws.Int32(2)))
					mustOK(t, err)
					names, truncated, next := k.names(out)
					all = append(all, names...)
					if !truncated {
						return all
					}
					marker = next
				}
			}

			// Documents are kept exactly as given, white space and all.
			spaced := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:Get*\", \"Resource\": \"*\"}]\n}"
			for _, name := range []string{"zeta", "Alpha", "mid"} {
				mustOK(t, put(name, spaced))
			}
			out, err := f.send(t, f.root, k.get("subject", "alpha"))
			mustOK(t, err)
			if identity, name, doc := k.got(out); identity != "Subject" || name != "Alpha" || doc != spaced {
				t.Errorf("get = %q %q %q", identity, name, doc)
			}
			if got := listAll(); !slices.Equal(got, []string{"Alpha", "mid", "zeta"}) {
				t.Errorf("list = %v", got)
			}

			// Putting a policy again replaces it.
			mustOK(t, put("mid", readAll))
			out, err = f.send(t, f.root, k.get("Subject", "mid"))
			mustOK(t, err)
			if _, _, doc := k.got(out); doc != readAll {
				t.Errorf("replaced document %q", doc)
			}

			t.Run("missing", func(t *testing.T) {
				notFound := fmt.Sprintf("The %s policy with name gone cannot be found.", label)
				_, err := f.send(t, f.root, k.get("Subject", "gone"))
				assertAWSError(t, err, warden.ENoSuchEntity, notFound)
				_, err = f.send(t, f.root, k.delete("Subject", "gone"))
				assertAWSError(t, err, warden.ENoSuchEntity, notFound)
				_, err = f.send(t, f.root, k.put("Ghost", "p", readAll))
				assertAWSError(t, err, warden.ENoSuchEntity, fmt.Sprintf("The %s with name Ghost cannot be found.", label))
			})

			t.Run("malformed", func(t *testing.T) {
				for _, tt := range []struct{ name, doc, where string }{
					{"lower-case effect", `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"iam:GetUser","Resource":"*"}]}`, "Effect"},
					{"principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"iam:GetUser","Resource":"*"}]}`, "Principal"},
					{"no resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}`, "Statement[0]"},
					{"not JSON", `{"Version":"2012-10-17",`, ""},
				} {
					t.Run(tt.name, func(t *testing.T) {
						assertAWSErrorContains(t, put("bad", tt.doc), warden.EMalformedPolicyDocument, tt.where)
					})
				}
				if got := listAll(); slices.Contains(got, "bad") {
					t.Error("a malformed policy was stored")
				}
			})

			t.Run("aggregate size quota", func(t *testing.T) {
				for _, name := range listAll() {
					_, err := f.send(t, f.root, k.delete("Subject", name))
					mustOK(t, err)
				}
				over := fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s Subject", k.quota, label)
				mustOK(t, put("big", sizedPolicy(t, k.quota-200)))
				assertAWSError(t, put("more", sizedPolicy(t, 201)), warden.ELimitExceeded, over)
				mustOK(t, put("more", sizedPolicy(t, 200)))
				// Replacing a policy counts only its new document.
				mustOK(t, put("big", sizedPolicy(t, k.quota-200)))
				assertAWSError(t, put("big", sizedPolicy(t, k.quota-199)), warden.ELimitExceeded, over)
			})

			// Past a managed policy's 6,144 characters, only the aggregate
			// quota applies: roles take such a policy, users and groups
			// refuse it with their own quota's message.
			t.Run("longer than a managed policy", func(t *testing.T) {
				for _, name := range listAll() {
					_, err := f.send(t, f.root, k.delete("Subject", name))
					mustOK(t, err)
				}
				err := put("long", sizedPolicy(t, 7000))
				if k.quota >= 7000 {
					mustOK(t, err)
				} else {
					assertAWSError(t, err, warden.ELimitExceeded, fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s Subject", k.quota, label))
				}
				withPrincipal := strings.Replace(sizedPolicy(t, 7000), `"Effect":"Allow",`, `"Effect":"Allow","Principal":"*",`, 1)
				assertAWSErrorContains(t, put("long", withPrincipal), warden.EMalformedPolicyDocument, "Principal")
			})
		})
	}
}

// TestInlinePolicyAuthorization checks that a user's write of an inline
// policy carries iam:PermissionsBoundary with the target's boundary, and
// that the policies written take effect on the next request.
func TestInlinePolicyAuthorization(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	boundary := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	if _, err := f.store.CreateUser(ctx, identityTestAccount, warden.CreateUserInput{Name: "bounded", PermissionsBoundary: boundary}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateUser(ctx, identityTestAccount, warden.CreateUserInput{Name: "free"}); err != nil {
		t.Fatal(err)
	}
	admin := f.user(t, "delegate")
	f.allow(t, "delegate", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:PutUserPolicy","iam:DeleteUserPolicy"],"Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+boundary+`"}}},
		{"Effect":"Allow","Action":"iam:GetUserPolicy","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+boundary+`"}}}]}`)

	for _, tt := range []struct {
		name  string
		r     request
		allow bool
	}{
		{"put on a bounded user", request{"PutUserPolicy", &s.PutUserPolicyInput{UserName: "bounded", PolicyName: "p", PolicyDocument: readAll}}, true},
		{"put on an unbounded user", request{"PutUserPolicy", &s.PutUserPolicyInput{UserName: "free", PolicyName: "p", PolicyDocument: readAll}}, false},
		// GetUserPolicy has no iam:PermissionsBoundary key.
		{"get is not keyed", request{"GetUserPolicy", &s.GetUserPolicyInput{UserName: "bounded", PolicyName: "p"}}, false},
		{"delete on a bounded user", request{"DeleteUserPolicy", &s.DeleteUserPolicyInput{UserName: "bounded", PolicyName: "p"}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.send(t, admin, tt.r)
			if tt.allow {
				mustOK(t, err)
			} else {
				assertAWSError(t, err, warden.EAccessDenied, "")
			}
		})
	}

	// A policy put through the API governs the very next request.
	viewer := f.user(t, "viewer")
	_, err := identityCall[*s.GetUserOutput](t, f, viewer, "GetUser", &s.GetUserInput{UserName: aws.String("free")})
	assertAWSError(t, err, warden.EAccessDenied, "")
	mustOK(t, f.run(t, f.root, "PutUserPolicy", &s.PutUserPolicyInput{UserName: "viewer", PolicyName: "read", PolicyDocument: readAll}))
	_, err = identityCall[*s.GetUserOutput](t, f, viewer, "GetUser", &s.GetUserInput{UserName: aws.String("free")})
	mustOK(t, err)
	mustOK(t, f.run(t, f.root, "DeleteUserPolicy", &s.DeleteUserPolicyInput{UserName: "viewer", PolicyName: "read"}))
	_, err = identityCall[*s.GetUserOutput](t, f, viewer, "GetUser", &s.GetUserInput{UserName: aws.String("free")})
	assertAWSError(t, err, warden.EAccessDenied, "")
}

func TestCheckInlineDocument(t *testing.T) {
	long := sizedPolicy(t, 9000)
	tests := []struct {
		name, doc string
		code      string
	}{
		{"valid", readAll, ""},
		{"longer than a managed policy", long, ""},
		{"longer and with a Principal", strings.Replace(long, `"Effect":"Allow",`, `"Effect":"Allow","Principal":"*",`, 1), warden.EMalformedPolicyDocument},
		{"longer and with a bad Sid", strings.Replace(long, `"Effect":"Allow",`, `"Sid":"no-dashes","Effect":"Allow",`, 1), warden.EMalformedPolicyDocument},
		{"bad effect", strings.Replace(readAll, "Allow", "allow", 1), warden.EMalformedPolicyDocument},
		{"empty object", `{}`, warden.EMalformedPolicyDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkInlineDocument(tt.doc)
			if got := warden.ErrorCode(err); got != tt.code {
				t.Errorf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

// FuzzCheckInlineDocument checks that an inline policy is refused only as
// malformed, never for the managed-policy size, and that within that size
// it is judged exactly as any identity policy.
func FuzzCheckInlineDocument(f *testing.F) {
	f.Add(readAll)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"iam:GetUser","Resource":"*"}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":{"Sid":"a b","Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::x"}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 7000) + `"}]}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, doc string) {
		err := checkInlineDocument(doc)
		if code := warden.ErrorCode(err); err != nil && code != warden.EMalformedPolicyDocument {
			t.Fatalf("%q: %v", doc, err)
		}
		_, general := checkDocument(doc, policy.KindIdentity, "PolicySize")
		if warden.ErrorCode(general) != warden.ELimitExceeded && warden.ErrorMessage(general) != warden.ErrorMessage(err) {
			t.Fatalf("%q: inline %v, identity policy %v", doc, err, general)
		}
	})
}
