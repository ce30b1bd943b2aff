package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

func TestRoles(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		r, err := s.CreateRole(ctx, acct, warden.CreateRoleInput{
			Name: "Worker", Path: "/svc/", AssumeRolePolicyDocument: trustEC2, Description: "runs jobs",
			Tags: []warden.Tag{{Key: "env", Value: "prod"}},
		})
		noErr(t, err)
		if !strings.HasPrefix(r.ID, "AROA") || r.ARN != "arn:aws:iam::"+acct+":role/svc/Worker" ||
			r.MaxSessionDuration != 3600 || r.AssumeRolePolicyDocument != trustEC2 || r.LastUsed != nil {
			t.Fatalf("CreateRole = %+v", r)
		}
		got, err := s.Role(ctx, acct, "worker")
		noErr(t, err)
		if got.ID != r.ID || got.Description != "runs jobs" || names(got.Tags, tagString) != "env=prod" || !got.CreateDate.Equal(r.CreateDate) {
			t.Fatalf("Role = %+v", got)
		}
		_, err = s.CreateRole(ctx, acct, warden.CreateRoleInput{Name: "WORKER", AssumeRolePolicyDocument: trustEC2})
		wantErr(t, err, warden.EEntityAlreadyExists, "Role with name WORKER already exists.")

		updated, err := s.UpdateRole(ctx, acct, "worker", warden.UpdateRoleInput{MaxSessionDuration: new(43200)})
		noErr(t, err)
		if updated.MaxSessionDuration != 43200 || updated.Description != "runs jobs" {
			t.Fatalf("UpdateRole = %+v", updated)
		}
		updated, err = s.UpdateRole(ctx, acct, "worker", warden.UpdateRoleInput{Description: new("")})
		noErr(t, err)
		if updated.Description != "" || updated.MaxSessionDuration != 43200 {
			t.Fatalf("UpdateRole = %+v", updated)
		}
		_, err = s.UpdateRole(ctx, acct, "worker", warden.UpdateRoleInput{MaxSessionDuration: new(100)})
		wantErr(t, err, warden.EValidationError, "")

		// The trust policy is stored exactly, whitespace and all.
		trust := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::" + acct + ":root\"}, \"Action\": \"sts:AssumeRole\"}]\n}\n"
		noErr(t, s.UpdateAssumeRolePolicy(ctx, acct, "worker", trust))
		got, err = s.Role(ctx, acct, "worker")
		noErr(t, err)
		if got.AssumeRolePolicyDocument != trust {
			t.Fatalf("trust policy = %q", got.AssumeRolePolicyDocument)
		}

		used := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		noErr(t, s.RecordRoleUse(ctx, acct, "worker", "eu-west-1", used))
		got, err = s.Role(ctx, acct, "worker")
		noErr(t, err)
		if got.LastUsed == nil || !got.LastUsed.Date.Equal(used) || got.LastUsed.Region != "eu-west-1" {
			t.Fatalf("LastUsed = %+v", got.LastUsed)
		}

		noErr(t, s.DeleteRole(ctx, acct, "Worker"))
		_, err = s.Role(ctx, acct, "worker")
		wantErr(t, err, warden.ENoSuchEntity, "The role with name worker cannot be found.")
	})

	RunWithStore(t, "Errors", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		msg := "The role with name ghost cannot be found."
		_, err := s.Role(ctx, acct, "ghost")
		wantErr(t, err, warden.ENoSuchEntity, msg)
		_, err = s.UpdateRole(ctx, acct, "ghost", warden.UpdateRoleInput{})
		wantErr(t, err, warden.ENoSuchEntity, msg)
		wantErr(t, s.UpdateAssumeRolePolicy(ctx, acct, "ghost", trustEC2), warden.ENoSuchEntity, msg)
		wantErr(t, s.DeleteRole(ctx, acct, "ghost"), warden.ENoSuchEntity, msg)
		wantErr(t, s.TagRole(ctx, acct, "ghost", []warden.Tag{{Key: "a", Value: "b"}}), warden.ENoSuchEntity, msg)
		wantErr(t, s.RecordRoleUse(ctx, acct, "ghost", "r", time.Now()), warden.ENoSuchEntity, msg)

		for _, in := range []warden.CreateRoleInput{
			{Name: "r", AssumeRolePolicyDocument: ""},
			{Name: "r", AssumeRolePolicyDocument: trustEC2, MaxSessionDuration: 43201},
			{Name: "r", AssumeRolePolicyDocument: trustEC2, Description: "bad\x01char"},
			{Name: strings.Repeat("r", 65), AssumeRolePolicyDocument: trustEC2},
		} {
			_, err := s.CreateRole(ctx, acct, in)
			wantErr(t, err, warden.EValidationError, "")
		}

		// The trust policy quota counts characters other than white space.
		big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + strings.Repeat("x", 2000) + `"},"Action":"sts:AssumeRole"}]}`
		_, err = s.CreateRole(ctx, acct, warden.CreateRoleInput{Name: "big", AssumeRolePolicyDocument: big})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048")
		spaced := strings.ReplaceAll(trustEC2, ",", ",                                                  ")
		createRole(t, s, acct, "r")
		noErr(t, s.UpdateAssumeRolePolicy(ctx, acct, "r", spaced+strings.Repeat(" \n\t", 1000)))
		wantErr(t, s.UpdateAssumeRolePolicy(ctx, acct, "r", big), warden.ELimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048")
	})

	RunWithStore(t, "DeleteConflict", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createRole(t, s, acct, "r")
		id := warden.RoleIdentity("r")
		noErr(t, s.AttachPolicy(ctx, acct, id, lambdaARN))
		noErr(t, s.PutInlinePolicy(ctx, acct, id, "inline", doc("sqs:*")))
		wantErr(t, s.DeleteRole(ctx, acct, "r"), warden.EDeleteConflict, "Cannot delete entity, must detach all policies first.")
		noErr(t, s.DetachPolicy(ctx, acct, id, lambdaARN))
		wantErr(t, s.DeleteRole(ctx, acct, "r"), warden.EDeleteConflict, "Cannot delete entity, must delete policies first.")
		noErr(t, s.DeleteInlinePolicy(ctx, acct, id, "INLINE"))
		noErr(t, s.DeleteRole(ctx, acct, "r"))
	})

	RunWithStore(t, "TagsAndBoundary", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createRole(t, s, acct, "r")
		noErr(t, s.TagRole(ctx, acct, "r", []warden.Tag{{Key: "Env", Value: "dev"}, {Key: "team", Value: "a"}}))
		noErr(t, s.TagRole(ctx, acct, "r", []warden.Tag{{Key: "env", Value: "prod"}}))
		noErr(t, s.UntagRole(ctx, acct, "r", []string{"TEAM"}))
		page, err := s.ListRoleTags(ctx, acct, "r", warden.ListOptions{})
		noErr(t, err)
		if got := names(page.Items, tagString); got != "env=prod" {
			t.Fatalf("role tags = %s", got)
		}
		noErr(t, s.PutRolePermissionsBoundary(ctx, acct, "r", denyAllARN))
		r, err := s.Role(ctx, acct, "r")
		noErr(t, err)
		if r.PermissionsBoundary != denyAllARN {
			t.Fatalf("boundary = %q", r.PermissionsBoundary)
		}
		noErr(t, s.DeleteRolePermissionsBoundary(ctx, acct, "r"))
		r, err = s.Role(ctx, acct, "r")
		noErr(t, err)
		if r.PermissionsBoundary != "" {
			t.Fatalf("boundary = %q", r.PermissionsBoundary)
		}
		wantErr(t, s.PutRolePermissionsBoundary(ctx, acct, "r", "arn:aws:iam::aws:policy/Nope"), warden.ENoSuchEntity,
			"Scope ARN: arn:aws:iam::aws:policy/Nope does not exist or is not attachable.")
	})

	RunWithStore(t, "List", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for _, name := range []string{"c", "B", "a"} {
			createRole(t, s, acct, name)
		}
		_, err := s.CreateRole(ctx, acct, warden.CreateRoleInput{Name: "svc", Path: "/service-role/", AssumeRolePolicyDocument: trustEC2})
		noErr(t, err)
		all, pages := collect(t, 3, func(o warden.ListOptions) (*warden.Page[*warden.Role], error) { return s.ListRoles(ctx, acct, o) })
		if got := names(all, roleName); got != "a,B,c,svc" || pages != 2 {
			t.Fatalf("ListRoles = %s in %d pages", got, pages)
		}
		page, err := s.ListRoles(ctx, acct, warden.ListOptions{PathPrefix: "/service-role/"})
		noErr(t, err)
		if got := names(page.Items, roleName); got != "svc" {
			t.Fatalf("ListRoles /service-role/ = %s", got)
		}
	})

	RunWithStoreOptions(t, "Quota", quotaOptions(func(q *warden.Quotas) { q.RolesPerAccount = 1 }), func(t *testing.T, s warden.Store) {
		acct := newAccount(t, s)
		createRole(t, s, acct, "one")
		_, err := s.CreateRole(t.Context(), acct, warden.CreateRoleInput{Name: "two", AssumeRolePolicyDocument: trustEC2})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for RolesPerAccount: 1")
	})
}
