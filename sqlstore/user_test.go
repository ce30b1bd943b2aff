package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func TestUsers(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u, err := s.CreateUser(ctx, acct, warden.CreateUserInput{
			Name: "Alice", Path: "/eng/", Tags: []warden.Tag{{Key: "team", Value: "core"}, {Key: "Cost", Value: "42"}},
		})
		noErr(t, err)
		if !strings.HasPrefix(u.ID, "AIDA") || len(u.ID) != 21 || u.ARN != "arn:aws:iam::"+acct+":user/eng/Alice" || u.Path != "/eng/" {
			t.Fatalf("CreateUser = %+v", u)
		}
		recent(t, "CreateDate", u.CreateDate)
		if got := names(u.Tags, tagString); got != "Cost=42,team=core" {
			t.Fatalf("tags = %s", got)
		}

		got, err := s.User(ctx, acct, "alice") // names match without regard to case
		noErr(t, err)
		if got.ID != u.ID || got.Name != "Alice" || !got.CreateDate.Equal(u.CreateDate) || names(got.Tags, tagString) != "Cost=42,team=core" {
			t.Fatalf("User = %+v, want %+v", got, u)
		}

		renamed, err := s.UpdateUser(ctx, acct, "ALICE", warden.UpdateUserInput{NewName: new("alice2"), NewPath: new("/ops/")})
		noErr(t, err)
		if renamed.ID != u.ID || renamed.ARN != "arn:aws:iam::"+acct+":user/ops/alice2" {
			t.Fatalf("UpdateUser = %+v", renamed)
		}
		_, err = s.User(ctx, acct, "Alice")
		wantErr(t, err, warden.ENoSuchEntity, "The user with name Alice cannot be found.")

		// A rename that changes only the case is allowed.
		renamed, err = s.UpdateUser(ctx, acct, "alice2", warden.UpdateUserInput{NewName: new("ALICE2")})
		noErr(t, err)
		if renamed.Name != "ALICE2" || renamed.Path != "/ops/" {
			t.Fatalf("UpdateUser = %+v", renamed)
		}

		noErr(t, s.DeleteUser(ctx, acct, "alice2"))
		_, err = s.User(ctx, acct, "alice2")
		wantErr(t, err, warden.ENoSuchEntity, "The user with name alice2 cannot be found.")
		wantErr(t, s.DeleteUser(ctx, acct, "alice2"), warden.ENoSuchEntity, "The user with name alice2 cannot be found.")
	})

	RunWithStore(t, "ErrEntityAlreadyExists", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		createUser(t, s, acct, "bob")
		_, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "ALICE", Path: "/other/"})
		wantErr(t, err, warden.EEntityAlreadyExists, "User with name ALICE already exists.")
		_, err = s.UpdateUser(ctx, acct, "bob", warden.UpdateUserInput{NewName: new("Alice")})
		wantErr(t, err, warden.EEntityAlreadyExists, "User with name Alice already exists.")
		// The same name in another account is another user.
		createUser(t, s, newAccount(t, s), "alice")
	})

	RunWithStore(t, "ErrNoSuchEntity", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		msg := "The user with name ghost cannot be found."
		_, err := s.User(ctx, acct, "ghost")
		wantErr(t, err, warden.ENoSuchEntity, msg)
		_, err = s.UpdateUser(ctx, acct, "ghost", warden.UpdateUserInput{NewPath: new("/x/")})
		wantErr(t, err, warden.ENoSuchEntity, msg)
		wantErr(t, s.TagUser(ctx, acct, "ghost", []warden.Tag{{Key: "a", Value: "b"}}), warden.ENoSuchEntity, msg)
		wantErr(t, s.UntagUser(ctx, acct, "ghost", []string{"a"}), warden.ENoSuchEntity, msg)
		_, err = s.ListUserTags(ctx, acct, "ghost", warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, msg)
		wantErr(t, s.PutUserPermissionsBoundary(ctx, acct, "ghost", readOnlyARN), warden.ENoSuchEntity, msg)
		wantErr(t, s.DeleteUserPermissionsBoundary(ctx, acct, "ghost"), warden.ENoSuchEntity, msg)
		_, err = s.CreateUser(ctx, "000000000000", warden.CreateUserInput{Name: "x"})
		wantErr(t, err, warden.ENoSuchEntity, "The account with id 000000000000 cannot be found.")
	})

	RunWithStore(t, "ErrValidation", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for _, in := range []warden.CreateUserInput{
			{Name: "has space"},
			{Name: strings.Repeat("x", 65)},
			{Name: "ok", Path: "no-leading-slash/"},
			{Name: "ok", Tags: []warden.Tag{{Key: "", Value: "v"}}},
		} {
			_, err := s.CreateUser(ctx, acct, in)
			wantErr(t, err, warden.EValidationError, "")
		}
		_, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "ok", Tags: []warden.Tag{{Key: "k", Value: "1"}, {Key: "K", Value: "2"}}})
		wantErr(t, err, warden.EInvalidInput, "")
		_, err = s.User(ctx, acct, "bad/name")
		wantErr(t, err, warden.EValidationError, "")
	})

	RunWithStore(t, "DeleteConflict", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		createGroup(t, s, acct, "devs")
		p := createPolicy(t, s, acct, "p")
		device, err := s.CreateVirtualMFADevice(ctx, acct, "alice-phone", "")
		noErr(t, err)
		key, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)

		id := warden.UserIdentity("alice")
		noErr(t, s.PutInlinePolicy(ctx, acct, id, "inline", doc("s3:*")))
		noErr(t, s.AttachPolicy(ctx, acct, id, p.ARN))
		noErr(t, s.AddUserToGroup(ctx, acct, "devs", "alice"))
		_, err = s.CreateLoginProfile(ctx, acct, "alice", "hunter2hunter2", false)
		noErr(t, err)
		noErr(t, s.EnableMFADevice(ctx, acct, "alice", device.SerialNumber))

		// Each dependent blocks deletion in turn, with AWS's message.
		steps := []struct {
			message string
			remove  func() error
		}{
			{"Cannot delete entity, must delete policies first.", func() error { return s.DeleteInlinePolicy(ctx, acct, id, "inline") }},
			{"Cannot delete entity, must detach all policies first.", func() error { return s.DetachPolicy(ctx, acct, id, p.ARN) }},
			{"Cannot delete entity, must remove users from group first.", func() error { return s.RemoveUserFromGroup(ctx, acct, "devs", "alice") }},
			{"Cannot delete entity, must delete access keys first.", func() error { return s.DeleteAccessKey(ctx, acct, "alice", key.ID) }},
			{"Cannot delete entity, must delete login profile first.", func() error { return s.DeleteLoginProfile(ctx, acct, "alice") }},
			{"Cannot delete entity, must delete MFA device first.", func() error { return s.DeactivateMFADevice(ctx, acct, "alice", device.SerialNumber) }},
		}
		for _, step := range steps {
			wantErr(t, s.DeleteUser(ctx, acct, "alice"), warden.EDeleteConflict, step.message)
			noErr(t, step.remove())
		}
		noErr(t, s.DeleteUser(ctx, acct, "alice"))
	})

	RunWithStore(t, "Tags", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		noErr(t, s.TagUser(ctx, acct, "alice", []warden.Tag{{Key: "Dept", Value: "finance"}, {Key: "b", Value: "1"}}))
		// User tag keys are not case-sensitive: this replaces Dept, and the
		// key takes the new spelling.
		noErr(t, s.TagUser(ctx, acct, "alice", []warden.Tag{{Key: "dept", Value: "hr"}}))
		page, err := s.ListUserTags(ctx, acct, "alice", warden.ListOptions{})
		noErr(t, err)
		if got := names(page.Items, tagString); got != "b=1,dept=hr" {
			t.Fatalf("tags = %s", got)
		}
		noErr(t, s.UntagUser(ctx, acct, "alice", []string{"DEPT", "absent"}))
		page, err = s.ListUserTags(ctx, acct, "alice", warden.ListOptions{})
		noErr(t, err)
		if got := names(page.Items, tagString); got != "b=1" {
			t.Fatalf("tags after untag = %s", got)
		}

		var tags []warden.Tag
		for i := range 49 {
			tags = append(tags, warden.Tag{Key: fmt.Sprintf("k%02d", i), Value: "v"})
		}
		noErr(t, s.TagUser(ctx, acct, "alice", tags)) // 50 with b
		noErr(t, s.TagUser(ctx, acct, "alice", []warden.Tag{{Key: "K00", Value: "replaced"}}))
		wantErr(t, s.TagUser(ctx, acct, "alice", []warden.Tag{{Key: "one-too-many", Value: "v"}}), warden.ELimitExceeded,
			"Cannot exceed quota for TagsPerUser: 50")
		all, pages := collect(t, 20, func(o warden.ListOptions) (*warden.Page[warden.Tag], error) {
			return s.ListUserTags(ctx, acct, "alice", o)
		})
		if len(all) != 50 || pages != 3 || all[1].Key != "K00" || all[1].Value != "replaced" {
			t.Fatalf("listed %d tags in %d pages; second %+v", len(all), pages, all[1])
		}
	})

	RunWithStore(t, "PermissionsBoundary", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		p := createPolicy(t, s, acct, "boundary")
		u, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "alice", PermissionsBoundary: p.ARN})
		noErr(t, err)
		if u.PermissionsBoundary != p.ARN {
			t.Fatalf("boundary = %q", u.PermissionsBoundary)
		}
		noErr(t, s.PutUserPermissionsBoundary(ctx, acct, "alice", readOnlyARN))
		u, err = s.User(ctx, acct, "alice")
		noErr(t, err)
		if u.PermissionsBoundary != readOnlyARN {
			t.Fatalf("boundary = %q", u.PermissionsBoundary)
		}
		missing := "arn:aws:iam::" + acct + ":policy/missing"
		wantErr(t, s.PutUserPermissionsBoundary(ctx, acct, "alice", missing), warden.ENoSuchEntity,
			"Scope ARN: "+missing+" does not exist or is not attachable.")
		wantErr(t, s.PutUserPermissionsBoundary(ctx, acct, "alice", notAttachARN), warden.ENoSuchEntity, "")
		wantErr(t, s.PutUserPermissionsBoundary(ctx, acct, "alice", "arn:aws:iam::"+acct+":role/r"), warden.EInvalidInput, "")
		_, err = s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "bob", PermissionsBoundary: missing})
		wantErr(t, err, warden.ENoSuchEntity, "")
		noErr(t, s.DeleteUserPermissionsBoundary(ctx, acct, "alice"))
		noErr(t, s.DeleteUserPermissionsBoundary(ctx, acct, "alice")) // none: nothing to do
		u, err = s.User(ctx, acct, "alice")
		noErr(t, err)
		if u.PermissionsBoundary != "" {
			t.Fatalf("boundary = %q after delete", u.PermissionsBoundary)
		}
	})

	RunWithStore(t, "ListPagination", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var want []string
		for i := range 23 {
			name := fmt.Sprintf("User%02d", i)
			if i%2 == 1 {
				name = strings.ToLower(name) // order ignores case
			}
			createUser(t, s, acct, name)
			want = append(want, name)
		}
		createUser(t, s, newAccount(t, s), "other-account")
		all, pages := collect(t, 5, func(o warden.ListOptions) (*warden.Page[*warden.User], error) { return s.ListUsers(ctx, acct, o) })
		if got := names(all, userName); got != strings.Join(want, ",") || pages != 5 {
			t.Fatalf("ListUsers in %d pages = %s", pages, got)
		}
		if all[0].Tags != nil {
			t.Fatalf("ListUsers filled tags: %+v", all[0].Tags)
		}
		// The default page size is 100.
		page, err := s.ListUsers(ctx, acct, warden.ListOptions{})
		noErr(t, err)
		if len(page.Items) != 23 || page.IsTruncated {
			t.Fatalf("default page: %d items, truncated %v", len(page.Items), page.IsTruncated)
		}
		// Markers survive writes: a user created behind the marker does not
		// shift the next page.
		first, err := s.ListUsers(ctx, acct, warden.ListOptions{MaxItems: 3})
		noErr(t, err)
		createUser(t, s, acct, "AAA-first")
		second, err := s.ListUsers(ctx, acct, warden.ListOptions{MaxItems: 3, Marker: first.Marker})
		noErr(t, err)
		if names(second.Items, userName) != "user03,User04,user05" {
			t.Fatalf("second page = %s", names(second.Items, userName))
		}
		_, err = s.ListUsers(ctx, acct, warden.ListOptions{Marker: "!!not-a-marker"})
		wantErr(t, err, warden.EInvalidInput, "Invalid Marker.")
		_, err = s.ListUsers(ctx, acct, warden.ListOptions{MaxItems: 1001})
		wantErr(t, err, warden.EValidationError, "")
	})

	RunWithStore(t, "ListPathPrefix", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for name, path := range map[string]string{"a": "/", "b": "/eng/", "c": "/eng/core/", "d": "/engineering/", "e": "/Eng/"} {
			_, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: name, Path: path})
			noErr(t, err)
		}
		for prefix, want := range map[string]string{"": "a,b,c,d,e", "/": "a,b,c,d,e", "/eng/": "b,c", "/eng": "b,c,d", "/eng/core/": "c", "/E": "e", "/x": ""} {
			page, err := s.ListUsers(ctx, acct, warden.ListOptions{PathPrefix: prefix})
			noErr(t, err)
			if got := names(page.Items, userName); got != want {
				t.Errorf("PathPrefix %q: %s, want %s", prefix, got, want)
			}
		}
	})

	RunWithStoreOptions(t, "Quota", quotaOptions(func(q *warden.Quotas) { q.UsersPerAccount = 3 }), func(t *testing.T, s warden.Store) {
		acct := newAccount(t, s)
		for _, name := range []string{"a", "b", "c"} {
			createUser(t, s, acct, name)
		}
		_, err := s.CreateUser(t.Context(), acct, warden.CreateUserInput{Name: "d"})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for UsersPerAccount: 3")
		createUser(t, s, newAccount(t, s), "d") // the quota is per account
	})
}

// quotaOptions returns store options with the default quotas changed by
// edit, so that quota tests need not create thousands of entities.
func quotaOptions(edit func(q *warden.Quotas)) sqlstoreOptions {
	q := warden.DefaultQuotas()
	edit(&q)
	return sqlstoreOptions{Quotas: &q, AWSManagedPolicies: testCatalogue}
}

// TestUserLookupFollowsWrites checks that a cached User answer is reused
// while nothing changes and is replaced by the next write to the user.
func TestUserLookupFollowsWrites(t *testing.T) {
	RunWithStore(t, "Cache", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		_, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "alice"})
		noErr(t, err)
		first, err := s.User(ctx, acct, "alice")
		noErr(t, err)
		again, err := s.User(ctx, acct, "ALICE")
		noErr(t, err)
		if again != first {
			t.Error("an unchanged user was read again instead of from the cache")
		}
		noErr(t, s.TagUser(ctx, acct, "alice", []warden.Tag{{Key: "team", Value: "care"}}))
		tagged, err := s.User(ctx, acct, "alice")
		noErr(t, err)
		if len(tagged.Tags) != 1 || tagged.Tags[0].Value != "care" {
			t.Fatalf("after TagUser: %+v", tagged.Tags)
		}
		newName := "alicia"
		_, err = s.UpdateUser(ctx, acct, "alice", warden.UpdateUserInput{NewName: &newName})
		noErr(t, err)
		if _, err := s.User(ctx, acct, "alice"); warden.ErrorCode(err) != warden.ENoSuchEntity {
			t.Fatalf("renamed user still found under its old name: %v", err)
		}
	})
}
