package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func TestManagedPolicies(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		document := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n}"
		p, err := s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{
			Name: "S3Access", Path: "/team/", Document: document, Description: "S3 for the team", Tags: []warden.Tag{{Key: "Owner", Value: "core"}},
		})
		noErr(t, err)
		wantARN := "arn:aws:iam::" + acct + ":policy/team/S3Access"
		if !strings.HasPrefix(p.ID, "ANPA") || p.ARN != wantARN || p.DefaultVersionID != "v1" || !p.IsAttachable ||
			p.AttachmentCount != 0 || !p.CreateDate.Equal(p.UpdateDate) {
			t.Fatalf("CreatePolicy = %+v", p)
		}
		got, err := s.Policy(ctx, acct, wantARN)
		noErr(t, err)
		if got.ID != p.ID || got.Description != "S3 for the team" || names(got.Tags, tagString) != "Owner=core" {
			t.Fatalf("Policy = %+v", got)
		}
		v, err := s.PolicyVersion(ctx, acct, wantARN, "v1")
		noErr(t, err)
		if v.Document != document || !v.IsDefaultVersion {
			t.Fatalf("PolicyVersion = %+v", v)
		}

		_, err = s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "s3access", Path: "/elsewhere/", Document: document})
		wantErr(t, err, warden.EEntityAlreadyExists, "A policy called s3access already exists. Duplicate names are not allowed.")

		noErr(t, s.DeletePolicy(ctx, acct, wantARN))
		_, err = s.Policy(ctx, acct, wantARN)
		wantErr(t, err, warden.ENoSuchEntity, "Policy "+wantARN+" was not found.")
		wantErr(t, s.DeletePolicy(ctx, acct, wantARN), warden.ENoSuchEntity, "Policy "+wantARN+" was not found.")
	})

	RunWithStore(t, "Versions", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		p := createPolicy(t, s, acct, "p")
		var last *warden.PolicyVersion
		for i := 2; i <= 5; i++ {
			v, err := s.CreatePolicyVersion(ctx, acct, p.ARN, doc(fmt.Sprintf("s3:Action%d", i)), i == 3)
			noErr(t, err)
			if v.VersionID != fmt.Sprintf("v%d", i) || v.IsDefaultVersion != (i == 3) {
				t.Fatalf("CreatePolicyVersion = %+v", v)
			}
			last = v
		}
		_, err := s.CreatePolicyVersion(ctx, acct, p.ARN, doc("s3:Six"), false)
		wantErr(t, err, warden.ELimitExceeded,
			"A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

		got, err := s.Policy(ctx, acct, p.ARN)
		noErr(t, err)
		// UpdateDate is when the newest version was created.
		if got.DefaultVersionID != "v3" || !got.UpdateDate.Equal(last.CreateDate) || !got.CreateDate.Equal(p.CreateDate) {
			t.Fatalf("Policy = %+v", got)
		}

		wantErr(t, s.DeletePolicyVersion(ctx, acct, p.ARN, "v3"), warden.EDeleteConflict, "Cannot delete the default version of a policy.")
		noErr(t, s.DeletePolicyVersion(ctx, acct, p.ARN, "v2"))
		wantErr(t, s.DeletePolicyVersion(ctx, acct, p.ARN, "v2"), warden.ENoSuchEntity,
			"Policy "+p.ARN+" version v2 does not exist or is not attachable.")
		// Version numbers keep growing after a deletion.
		v, err := s.CreatePolicyVersion(ctx, acct, p.ARN, doc("s3:Six"), false)
		noErr(t, err)
		if v.VersionID != "v6" {
			t.Fatalf("new version after deletion = %s, want v6", v.VersionID)
		}

		versions, pages := collect(t, 2, func(o warden.ListOptions) (*warden.Page[*warden.PolicyVersion], error) {
			return s.ListPolicyVersions(ctx, acct, p.ARN, o)
		})
		if got := names(versions, func(v *warden.PolicyVersion) string { return v.VersionID }); got != "v6,v5,v4,v3,v1" || pages != 3 {
			t.Fatalf("ListPolicyVersions = %s in %d pages", got, pages)
		}

		noErr(t, s.SetDefaultPolicyVersion(ctx, acct, p.ARN, "v6"))
		wantErr(t, s.SetDefaultPolicyVersion(ctx, acct, p.ARN, "v2"), warden.ENoSuchEntity, "")
		wantErr(t, s.SetDefaultPolicyVersion(ctx, acct, p.ARN, "2"), warden.EValidationError, "")
		_, err = s.PolicyVersion(ctx, acct, p.ARN, "v9")
		wantErr(t, err, warden.ENoSuchEntity, "Policy "+p.ARN+" version v9 does not exist or is not attachable.")
		v, err = s.PolicyVersion(ctx, acct, p.ARN, "v6")
		noErr(t, err)
		if !v.IsDefaultVersion || v.Document != doc("s3:Six") {
			t.Fatalf("v6 = %+v", v)
		}

		wantErr(t, s.DeletePolicy(ctx, acct, p.ARN), warden.EDeleteConflict,
			"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		for _, id := range []string{"v1", "v3", "v4", "v5"} {
			noErr(t, s.DeletePolicyVersion(ctx, acct, p.ARN, id))
		}
		noErr(t, s.DeletePolicy(ctx, acct, p.ARN))
	})

	RunWithStore(t, "DeleteConflictWhileInUse", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		p := createPolicy(t, s, acct, "p")
		createUser(t, s, acct, "alice")
		createRole(t, s, acct, "r")
		noErr(t, s.AttachPolicy(ctx, acct, warden.UserIdentity("alice"), p.ARN))
		noErr(t, s.PutRolePermissionsBoundary(ctx, acct, "r", p.ARN))
		got, err := s.Policy(ctx, acct, p.ARN)
		noErr(t, err)
		if got.AttachmentCount != 1 || got.PermissionsBoundaryUsageCount != 1 {
			t.Fatalf("counts = %d, %d", got.AttachmentCount, got.PermissionsBoundaryUsageCount)
		}
		wantErr(t, s.DeletePolicy(ctx, acct, p.ARN), warden.EDeleteConflict, "Cannot delete a policy attached to entities.")
		noErr(t, s.DetachPolicy(ctx, acct, warden.UserIdentity("alice"), p.ARN))
		wantErr(t, s.DeletePolicy(ctx, acct, p.ARN), warden.EDeleteConflict, "Cannot delete a policy attached to entities.")
		noErr(t, s.DeleteRolePermissionsBoundary(ctx, acct, "r"))
		noErr(t, s.DeletePolicy(ctx, acct, p.ARN))
	})

	RunWithStore(t, "Errors", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		theirs := createPolicy(t, s, other, "theirs")
		// Another account's policy is not found, not merely forbidden.
		_, err := s.Policy(ctx, acct, theirs.ARN)
		wantErr(t, err, warden.ENoSuchEntity, "Policy "+theirs.ARN+" was not found.")
		_, err = s.Policy(ctx, acct, "arn:aws:iam::"+acct+":user/alice")
		wantErr(t, err, warden.EInvalidInput, "ARN arn:aws:iam::"+acct+":user/alice is not valid.")
		_, err = s.Policy(ctx, acct, "not-an-arn-at-all-really")
		wantErr(t, err, warden.EInvalidInput, "")

		big := doc(strings.Repeat("x", 6200))
		_, err = s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "big", Document: big})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for PolicySize: 6144")
		p := createPolicy(t, s, acct, "p")
		_, err = s.CreatePolicyVersion(ctx, acct, p.ARN, big, true)
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for PolicySize: 6144")
		_, err = s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "p2", Path: "/bad path/", Document: doc("a:b")})
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "p2", Document: ""})
		wantErr(t, err, warden.EValidationError, "")
	})

	RunWithStore(t, "AWSManaged", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createRole(t, s, acct, "r")
		noErr(t, s.AttachPolicy(ctx, acct, warden.RoleIdentity("r"), readOnlyARN))
		p, err := s.Policy(ctx, acct, readOnlyARN)
		noErr(t, err)
		if p.Name != "ReadOnlyAccess" || p.AccountID != "aws" || p.AttachmentCount != 1 || p.DefaultVersionID != "v7" {
			t.Fatalf("Policy = %+v", p)
		}
		// Attachment counts are per account.
		p, err = s.Policy(ctx, newAccount(t, s), readOnlyARN)
		noErr(t, err)
		if p.AttachmentCount != 0 {
			t.Fatalf("other account's AttachmentCount = %d", p.AttachmentCount)
		}
		v, err := s.PolicyVersion(ctx, acct, readOnlyARN, "v7")
		noErr(t, err)
		if v.Document != testCatalogue[readOnlyARN].Document || !v.IsDefaultVersion {
			t.Fatalf("PolicyVersion = %+v", v)
		}
		_, err = s.PolicyVersion(ctx, acct, readOnlyARN, "v1")
		wantErr(t, err, warden.ENoSuchEntity, "")

		msg := "Cannot modify an AWS managed policy."
		_, err = s.CreatePolicyVersion(ctx, acct, readOnlyARN, doc("a:b"), true)
		wantErr(t, err, warden.EUnmodifiableEntity, msg)
		wantErr(t, s.DeletePolicy(ctx, acct, readOnlyARN), warden.EUnmodifiableEntity, msg)
		wantErr(t, s.TagPolicy(ctx, acct, readOnlyARN, []warden.Tag{{Key: "a", Value: "b"}}), warden.EUnmodifiableEntity, msg)
		wantErr(t, s.SetDefaultPolicyVersion(ctx, acct, readOnlyARN, "v7"), warden.EUnmodifiableEntity, msg)
		wantErr(t, s.DeletePolicyVersion(ctx, acct, readOnlyARN, "v1"), warden.EUnmodifiableEntity, msg)
		_, err = s.Policy(ctx, acct, "arn:aws:iam::aws:policy/NoSuchPolicy")
		wantErr(t, err, warden.ENoSuchEntity, "Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found.")
		tags, err := s.ListPolicyTags(ctx, acct, readOnlyARN, warden.ListOptions{})
		noErr(t, err)
		if len(tags.Items) != 0 {
			t.Fatalf("AWS managed policy tags = %v", tags.Items)
		}
	})

	RunWithStore(t, "List", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for _, name := range []string{"zeta", "Alpha", "mid"} {
			createPolicy(t, s, acct, name)
		}
		_, err := s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "pathed", Path: "/service-role/", Document: doc("a:b")})
		noErr(t, err)
		createPolicy(t, s, newAccount(t, s), "other-account")
		createUser(t, s, acct, "alice")
		createRole(t, s, acct, "r")
		noErr(t, s.AttachPolicy(ctx, acct, warden.UserIdentity("alice"), "arn:aws:iam::"+acct+":policy/mid"))
		noErr(t, s.AttachPolicy(ctx, acct, warden.UserIdentity("alice"), lambdaARN))
		noErr(t, s.PutRolePermissionsBoundary(ctx, acct, "r", "arn:aws:iam::"+acct+":policy/zeta"))
		noErr(t, s.PutUserPermissionsBoundary(ctx, acct, "alice", denyAllARN))

		for _, tt := range []struct {
			name string
			opts warden.ListPoliciesOptions
			want string
		}{
			{"all", warden.ListPoliciesOptions{}, "Alpha,mid,pathed,zeta,AWSDenyAll,AWSLambdaRole,AWSSupportServiceRolePolicy,ReadOnlyAccess"},
			{"local", warden.ListPoliciesOptions{Scope: warden.PolicyScopeLocal}, "Alpha,mid,pathed,zeta"},
			{"aws", warden.ListPoliciesOptions{Scope: warden.PolicyScopeAWS}, "AWSDenyAll,AWSLambdaRole,AWSSupportServiceRolePolicy,ReadOnlyAccess"},
			{"only attached", warden.ListPoliciesOptions{OnlyAttached: true}, "mid,AWSLambdaRole"},
			{"boundaries", warden.ListPoliciesOptions{Usage: warden.PolicyUsagePermissionsBoundary}, "zeta,AWSDenyAll"},
			{"path", warden.ListPoliciesOptions{ListOptions: warden.ListOptions{PathPrefix: "/service-role/"}}, "pathed,AWSLambdaRole"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for _, size := range []int{1, 3, 100} {
					all, _ := collect(t, size, func(o warden.ListOptions) (*warden.Page[*warden.ManagedPolicy], error) {
						opts := tt.opts
						opts.Marker, opts.MaxItems = o.Marker, o.MaxItems
						return s.ListPolicies(ctx, acct, opts)
					})
					if got := names(all, policyName); got != tt.want {
						t.Fatalf("page size %d: %s\nwant %s", size, got, tt.want)
					}
				}
			})
		}
		page, err := s.ListPolicies(ctx, acct, warden.ListPoliciesOptions{OnlyAttached: true})
		noErr(t, err)
		if page.Items[0].AttachmentCount != 1 || page.Items[1].AttachmentCount != 1 {
			t.Fatalf("attachment counts %d, %d", page.Items[0].AttachmentCount, page.Items[1].AttachmentCount)
		}
		_, err = s.ListPolicies(ctx, acct, warden.ListPoliciesOptions{Scope: "Mine"})
		wantErr(t, err, warden.EValidationError, "")
	})

	RunWithStore(t, "Tags", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		p := createPolicy(t, s, acct, "p")
		// Policy tag keys are case-sensitive, unlike user and role tags.
		noErr(t, s.TagPolicy(ctx, acct, p.ARN, []warden.Tag{{Key: "Env", Value: "a"}}))
		noErr(t, s.TagPolicy(ctx, acct, p.ARN, []warden.Tag{{Key: "env", Value: "b"}}))
		noErr(t, s.TagPolicy(ctx, acct, p.ARN, []warden.Tag{{Key: "env", Value: "c"}}))
		page, err := s.ListPolicyTags(ctx, acct, p.ARN, warden.ListOptions{})
		noErr(t, err)
		if got := names(page.Items, tagString); got != "Env=a,env=c" {
			t.Fatalf("policy tags = %s", got)
		}
		noErr(t, s.UntagPolicy(ctx, acct, p.ARN, []string{"Env"}))
		page, err = s.ListPolicyTags(ctx, acct, p.ARN, warden.ListOptions{})
		noErr(t, err)
		if got := names(page.Items, tagString); got != "env=c" {
			t.Fatalf("policy tags after untag = %s", got)
		}
	})

	RunWithStoreOptions(t, "Quota", quotaOptions(func(q *warden.Quotas) { q.PoliciesPerAccount = 2 }), func(t *testing.T, s warden.Store) {
		acct := newAccount(t, s)
		createPolicy(t, s, acct, "a")
		createPolicy(t, s, acct, "b")
		_, err := s.CreatePolicy(t.Context(), acct, warden.CreatePolicyInput{Name: "c", Document: doc("a:b")})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for PoliciesPerAccount: 2")
	})
}

func TestListEntitiesForPolicy(t *testing.T) {
	RunWithStore(t, "OK", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		p := createPolicy(t, s, acct, "p")
		for _, name := range []string{"bob", "alice", "carol"} {
			createUser(t, s, acct, name)
		}
		_, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "dave", Path: "/x/", PermissionsBoundary: p.ARN})
		noErr(t, err)
		createGroup(t, s, acct, "devs")
		createRole(t, s, acct, "worker")
		for _, id := range []warden.Identity{warden.UserIdentity("bob"), warden.UserIdentity("alice"), warden.GroupIdentity("devs"), warden.RoleIdentity("worker")} {
			noErr(t, s.AttachPolicy(ctx, acct, id, p.ARN))
		}
		str := func(e *warden.PolicyEntities) string {
			name := func(e warden.PolicyEntity) string { return e.Name }
			return names(e.Groups, name) + "|" + names(e.Users, name) + "|" + names(e.Roles, name)
		}
		for _, tt := range []struct {
			name string
			opts warden.ListEntitiesOptions
			want string
		}{
			{"all", warden.ListEntitiesOptions{}, "devs|alice,bob,dave|worker"},
			{"users", warden.ListEntitiesOptions{Kind: warden.IdentityUser}, "|alice,bob,dave|"},
			{"attached only", warden.ListEntitiesOptions{Usage: warden.PolicyUsagePermissionsPolicy}, "devs|alice,bob|worker"},
			{"boundaries only", warden.ListEntitiesOptions{Usage: warden.PolicyUsagePermissionsBoundary}, "|dave|"},
			{"path", warden.ListEntitiesOptions{ListOptions: warden.ListOptions{PathPrefix: "/x/"}}, "|dave|"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListEntitiesForPolicy(ctx, acct, p.ARN, tt.opts)
				noErr(t, err)
				if str(got) != tt.want || got.IsTruncated {
					t.Fatalf("ListEntitiesForPolicy = %s (truncated %v), want %s", str(got), got.IsTruncated, tt.want)
				}
			})
		}
		// Paging crosses from groups to users to roles.
		var pages []string
		opts := warden.ListEntitiesOptions{ListOptions: warden.ListOptions{MaxItems: 2}}
		for {
			got, err := s.ListEntitiesForPolicy(ctx, acct, p.ARN, opts)
			noErr(t, err)
			pages = append(pages, str(got))
			if !got.IsTruncated {
				break
			}
			opts.Marker = got.Marker
		}
		if strings.Join(pages, " ; ") != "devs|alice| ; |bob,dave| ; ||worker" {
			t.Fatalf("pages = %q", pages)
		}
		_, err = s.ListEntitiesForPolicy(ctx, acct, "arn:aws:iam::"+acct+":policy/none", warden.ListEntitiesOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.ListEntitiesForPolicy(ctx, acct, p.ARN, warden.ListEntitiesOptions{Kind: "Robot"})
		wantErr(t, err, warden.EValidationError, "")
	})
}
