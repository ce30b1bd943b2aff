package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func TestGroups(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		g, err := s.CreateGroup(ctx, acct, "Admins", "/it/")
		noErr(t, err)
		if !strings.HasPrefix(g.ID, "AGPA") || g.ARN != "arn:aws:iam::"+acct+":group/it/Admins" {
			t.Fatalf("CreateGroup = %+v", g)
		}
		recent(t, "CreateDate", g.CreateDate)
		got, err := s.Group(ctx, acct, "admins")
		noErr(t, err)
		if *got != *g {
			t.Fatalf("Group = %+v, want %+v", got, g)
		}
		_, err = s.CreateGroup(ctx, acct, "ADMINS", "/")
		wantErr(t, err, warden.EEntityAlreadyExists, "Group with name ADMINS already exists.")

		createGroup(t, s, acct, "ops")
		_, err = s.UpdateGroup(ctx, acct, "ops", warden.UpdateGroupInput{NewName: new("admins")})
		wantErr(t, err, warden.EEntityAlreadyExists, "Group with name admins already exists.")
		g, err = s.UpdateGroup(ctx, acct, "admins", warden.UpdateGroupInput{NewName: new("Root-Admins"), NewPath: new("/")})
		noErr(t, err)
		if g.ARN != "arn:aws:iam::"+acct+":group/Root-Admins" {
			t.Fatalf("UpdateGroup ARN = %s", g.ARN)
		}
		noErr(t, s.DeleteGroup(ctx, acct, "root-admins"))
		_, err = s.Group(ctx, acct, "root-admins")
		wantErr(t, err, warden.ENoSuchEntity, "The group with name root-admins cannot be found.")
		wantErr(t, s.DeleteGroup(ctx, acct, "ghost"), warden.ENoSuchEntity, "The group with name ghost cannot be found.")
		_, err = s.CreateGroup(ctx, acct, "bad name", "")
		wantErr(t, err, warden.EValidationError, "")
	})

	RunWithStore(t, "Membership", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createGroup(t, s, acct, "devs")
		createGroup(t, s, acct, "Admins")
		for _, name := range []string{"carol", "Alice", "bob"} {
			createUser(t, s, acct, name)
			noErr(t, s.AddUserToGroup(ctx, acct, "DEVS", name))
		}
		noErr(t, s.AddUserToGroup(ctx, acct, "devs", "alice")) // already a member: no change
		noErr(t, s.AddUserToGroup(ctx, acct, "admins", "alice"))

		members, pages := collect(t, 2, func(o warden.ListOptions) (*warden.Page[*warden.User], error) {
			return s.GroupUsers(ctx, acct, "devs", o)
		})
		if got := names(members, userName); got != "Alice,bob,carol" || pages != 2 {
			t.Fatalf("GroupUsers = %s in %d pages", got, pages)
		}
		groups, _ := collect(t, 10, func(o warden.ListOptions) (*warden.Page[*warden.Group], error) {
			return s.ListGroupsForUser(ctx, acct, "alice", o)
		})
		if got := names(groups, groupName); got != "Admins,devs" {
			t.Fatalf("ListGroupsForUser = %s", got)
		}

		wantErr(t, s.AddUserToGroup(ctx, acct, "ghost", "alice"), warden.ENoSuchEntity, "The group with name ghost cannot be found.")
		wantErr(t, s.AddUserToGroup(ctx, acct, "devs", "ghost"), warden.ENoSuchEntity, "The user with name ghost cannot be found.")
		_, err := s.GroupUsers(ctx, acct, "ghost", warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.ListGroupsForUser(ctx, acct, "ghost", warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")

		noErr(t, s.RemoveUserFromGroup(ctx, acct, "devs", "BOB"))
		wantErr(t, s.RemoveUserFromGroup(ctx, acct, "devs", "bob"), warden.ENoSuchEntity, "User bob is not in group devs.")

		// A renamed user stays a member.
		_, err = s.UpdateUser(ctx, acct, "carol", warden.UpdateUserInput{NewName: new("caroline")})
		noErr(t, err)
		members, _ = collect(t, 10, func(o warden.ListOptions) (*warden.Page[*warden.User], error) {
			return s.GroupUsers(ctx, acct, "devs", o)
		})
		if got := names(members, userName); got != "Alice,caroline" {
			t.Fatalf("GroupUsers after rename = %s", got)
		}
	})

	RunWithStore(t, "DeleteConflict", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createGroup(t, s, acct, "devs")
		createUser(t, s, acct, "alice")
		id := warden.GroupIdentity("devs")
		noErr(t, s.AddUserToGroup(ctx, acct, "devs", "alice"))
		noErr(t, s.PutInlinePolicy(ctx, acct, id, "inline", doc("s3:*")))
		noErr(t, s.AttachPolicy(ctx, acct, id, readOnlyARN))
		for _, step := range []struct {
			message string
			remove  func() error
		}{
			{"Cannot delete entity, must remove users from group first.", func() error { return s.RemoveUserFromGroup(ctx, acct, "devs", "alice") }},
			{"Cannot delete entity, must delete policies first.", func() error { return s.DeleteInlinePolicy(ctx, acct, id, "inline") }},
			{"Cannot delete entity, must detach all policies first.", func() error { return s.DetachPolicy(ctx, acct, id, readOnlyARN) }},
		} {
			wantErr(t, s.DeleteGroup(ctx, acct, "devs"), warden.EDeleteConflict, step.message)
			noErr(t, step.remove())
		}
		noErr(t, s.DeleteGroup(ctx, acct, "devs"))
	})

	RunWithStore(t, "ListPathPrefix", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for i, path := range []string{"/", "/a/", "/a/b/", "/b/"} {
			_, err := s.CreateGroup(ctx, acct, fmt.Sprintf("g%d", i), path)
			noErr(t, err)
		}
		all, pages := collect(t, 1, func(o warden.ListOptions) (*warden.Page[*warden.Group], error) {
			o.PathPrefix = "/a/"
			return s.ListGroups(ctx, acct, o)
		})
		if got := names(all, groupName); got != "g1,g2" || pages != 2 {
			t.Fatalf("ListGroups /a/ = %s in %d pages", got, pages)
		}
	})

	RunWithStoreOptions(t, "Quotas", quotaOptions(func(q *warden.Quotas) { q.GroupsPerAccount = 12 }), func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		for i := range 11 {
			createGroup(t, s, acct, fmt.Sprintf("g%02d", i))
		}
		for i := range 10 {
			noErr(t, s.AddUserToGroup(ctx, acct, fmt.Sprintf("g%02d", i), "alice"))
		}
		wantErr(t, s.AddUserToGroup(ctx, acct, "g10", "alice"), warden.ELimitExceeded, "Cannot exceed quota for GroupsPerUser: 10")
		createGroup(t, s, acct, "g11")
		_, err := s.CreateGroup(ctx, acct, "g12", "")
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for GroupsPerAccount: 12")
	})
}
