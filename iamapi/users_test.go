package iamapi

import (
	"testing"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func TestUserLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	path := "/clinic/"
	created, err := identityCall[*s.CreateUserOutput](t, f, f.root, "CreateUser", &s.CreateUserInput{UserName: "alice", Path: &path, Tags: []s.Tag{{Key: "team", Value: "care"}}})
	mustOK(t, err)
	if created.User.Arn != "arn:aws:iam::123456789012:user/clinic/alice" || len(created.User.UserId) != 21 || len(created.User.Tags) != 1 {
		t.Fatalf("CreateUser = %+v", created.User)
	}
	_, err = identityCall[*s.CreateUserOutput](t, f, f.root, "CreateUser", &s.CreateUserInput{UserName: "ALICE"})
	assertAWSError(t, err, warden.EEntityAlreadyExists, "User with name ALICE already exists.")

	name := "alice"
	got, err := identityCall[*s.GetUserOutput](t, f, f.root, "GetUser", &s.GetUserInput{UserName: &name})
	mustOK(t, err)
	if got.User.Path != path || got.User.Tags[0].Value != "care" {
		t.Errorf("GetUser = %+v", got.User)
	}
	missing := "nobody"
	_, err = identityCall[*s.GetUserOutput](t, f, f.root, "GetUser", &s.GetUserInput{UserName: &missing})
	assertAWSError(t, err, warden.ENoSuchEntity, "The user with name nobody cannot be found.")

	prefix := "/clinic/"
	list, err := identityCall[*s.ListUsersOutput](t, f, f.root, "ListUsers", &s.ListUsersInput{PathPrefix: &prefix})
	mustOK(t, err)
	if len(list.Users) != 1 || list.Users[0].UserName != "alice" || list.IsTruncated {
		t.Errorf("ListUsers = %+v", list)
	}

	mustOK(t, f.run(t, f.root, "TagUser", &s.TagUserInput{UserName: "alice", Tags: []s.Tag{{Key: "cost", Value: "42"}}}))
	mustOK(t, f.run(t, f.root, "UntagUser", &s.UntagUserInput{UserName: "alice", TagKeys: []string{"team"}}))
	tags, err := identityCall[*s.ListUserTagsOutput](t, f, f.root, "ListUserTags", &s.ListUserTagsInput{UserName: "alice"})
	mustOK(t, err)
	if len(tags.Tags) != 1 || tags.Tags[0].Key != "cost" {
		t.Errorf("ListUserTags = %+v", tags.Tags)
	}

	newName := "alicia"
	mustOK(t, f.run(t, f.root, "UpdateUser", &s.UpdateUserInput{UserName: "alice", NewUserName: &newName}))
	mustOK(t, f.run(t, f.root, "DeleteUser", &s.DeleteUserInput{UserName: "alicia"}))
	err = f.run(t, f.root, "DeleteUser", &s.DeleteUserInput{UserName: "alicia"})
	assertAWSError(t, err, warden.ENoSuchEntity, "The user with name alicia cannot be found.")
}

// TestUpdateUserNeedsPermissionOnTheNewName follows the IAM API reference:
// renaming or moving a user is authorized on both its old and new ARN.
func TestUpdateUserNeedsPermissionOnTheNewName(t *testing.T) {
	f := newIdentityFixture(t)
	f.user(t, "target")
	admin := f.user(t, "admin")
	f.allow(t, "admin", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:UpdateUser","Resource":"arn:aws:iam::123456789012:user/target"}}`)
	admin = f.caller(t, admin.Principal.ARN)
	newName := "renamed"
	err := f.run(t, admin, "UpdateUser", &s.UpdateUserInput{UserName: "target", NewUserName: &newName})
	assertAWSErrorContains(t, err, warden.EAccessDenied, "on resource: arn:aws:iam::123456789012:user/renamed")

	f.allow(t, "admin", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:UpdateUser","Resource":["arn:aws:iam::123456789012:user/target","arn:aws:iam::123456789012:user/renamed"]}}`)
	mustOK(t, f.run(t, admin, "UpdateUser", &s.UpdateUserInput{UserName: "target", NewUserName: &newName}))
}

// TestPermissionsBoundaryConditionKey checks iam:PermissionsBoundary: the new
// boundary when one is put, the current one when it is removed.
func TestPermissionsBoundaryConditionKey(t *testing.T) {
	f := newIdentityFixture(t)
	f.user(t, "target")
	admin := f.user(t, "admin")
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	f.allow(t, "admin", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:PutUserPermissionsBoundary","iam:DeleteUserPermissionsBoundary"],"Resource":"*",
		"Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+readOnly+`"}}}}`)
	err := f.run(t, admin, "PutUserPermissionsBoundary", &s.PutUserPermissionsBoundaryInput{UserName: "target", PermissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess"})
	assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:PutUserPermissionsBoundary")
	mustOK(t, f.run(t, admin, "PutUserPermissionsBoundary", &s.PutUserPermissionsBoundaryInput{UserName: "target", PermissionsBoundary: readOnly}))
	name := "target"
	got, err := identityCall[*s.GetUserOutput](t, f, f.root, "GetUser", &s.GetUserInput{UserName: &name})
	mustOK(t, err)
	if got.User.PermissionsBoundary == nil || *got.User.PermissionsBoundary.PermissionsBoundaryArn != readOnly {
		t.Fatalf("boundary = %+v", got.User.PermissionsBoundary)
	}
	mustOK(t, f.run(t, admin, "DeleteUserPermissionsBoundary", &s.DeleteUserPermissionsBoundaryInput{UserName: "target"}))
}

// TestGetUserWithoutName describes the caller, as IAM does.
func TestGetUserWithoutName(t *testing.T) {
	f := newIdentityFixture(t)
	bob := f.user(t, "bob")
	f.allow(t, "bob", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}}`)
	got, err := identityCall[*s.GetUserOutput](t, f, bob, "GetUser", &s.GetUserInput{})
	mustOK(t, err)
	if got.User.UserName != "bob" {
		t.Errorf("GetUser = %+v", got.User)
	}
	root, err := identityCall[*s.GetUserOutput](t, f, f.root, "GetUser", &s.GetUserInput{})
	mustOK(t, err)
	if root.User.Arn != "arn:aws:iam::123456789012:root" || root.User.UserId != "123456789012" {
		t.Errorf("GetUser as root = %+v", root.User)
	}
}
