package iamapi

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// allow gives a caller's user an inline policy straight through the store.
func (f *identityFixture) allow(t testing.TB, userName, document string) {
	t.Helper()
	mustOK(t, f.store.PutInlinePolicy(t.Context(), identityTestAccount, warden.UserIdentity(userName), "grant", document))
}

func groupNames(groups []s.Group) []string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.GroupName
	}
	return names
}

func TestGroupLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	for _, name := range []string{"alice", "bob", "carol"} {
		f.user(t, name)
	}

	created, err := identityCall[*s.CreateGroupOutput](t, f, f.root, "CreateGroup", &s.CreateGroupInput{GroupName: "Clinicians", Path: aws.String("/care/")})
	mustOK(t, err)
	g := created.Group
	if g.Path != "/care/" || g.Arn != "arn:aws:iam::123456789012:group/care/Clinicians" || len(g.GroupId) != 21 || g.GroupId[:4] != "AGPA" || g.CreateDate.IsZero() {
		t.Errorf("CreateGroup = %+v", g)
	}
	_, err = identityCall[*s.CreateGroupOutput](t, f, f.root, "CreateGroup", &s.CreateGroupInput{GroupName: "clinicians"})
	assertAWSError(t, err, warden.EEntityAlreadyExists, "Group with name clinicians already exists.")
	_, err = identityCall[*s.CreateGroupOutput](t, f, f.root, "CreateGroup", &s.CreateGroupInput{GroupName: "Admins"})
	mustOK(t, err)

	for _, u := range []string{"carol", "alice", "bob"} {
		mustOK(t, f.run(t, f.root, "AddUserToGroup", &s.AddUserToGroupInput{GroupName: "Clinicians", UserName: u}))
	}
	mustOK(t, f.run(t, f.root, "AddUserToGroup", &s.AddUserToGroupInput{GroupName: "Clinicians", UserName: "alice"})) // again: no change
	mustOK(t, f.run(t, f.root, "AddUserToGroup", &s.AddUserToGroupInput{GroupName: "Admins", UserName: "alice"}))
	assertAWSError(t, f.run(t, f.root, "AddUserToGroup", &s.AddUserToGroupInput{GroupName: "Admins", UserName: "nobody"}),
		warden.ENoSuchEntity, "The user with name nobody cannot be found.")

	t.Run("GetGroup pages through members", func(t *testing.T) {
		var members []string
		in := &s.GetGroupInput{GroupName: "Clinicians", MaxItems: aws.Int32(2)}
		for pages := 1; ; pages++ {
			out, err := identityCall[*s.GetGroupOutput](t, f, f.root, "GetGroup", in)
			mustOK(t, err)
			if out.Group.GroupName != "Clinicians" {
				t.Fatalf("group %+v", out.Group)
			}
			for _, u := range out.Users {
				members = append(members, u.UserName)
			}
			if !out.IsTruncated {
				if out.Marker != nil || pages != 2 {
					t.Errorf("last page: marker %v after %d pages", out.Marker, pages)
				}
				break
			}
			in.Marker = out.Marker
		}
		if !slices.Equal(members, []string{"alice", "bob", "carol"}) {
			t.Errorf("members %v", members)
		}
	})

	t.Run("ListGroups filters by path", func(t *testing.T) {
		for _, tt := range []struct {
			prefix *string
			want   []string
		}{
			{nil, []string{"Admins", "Clinicians"}},
			{aws.String("/care/"), []string{"Clinicians"}},
			{aws.String("/billing/"), []string{}},
		} {
			out, err := identityCall[*s.ListGroupsOutput](t, f, f.root, "ListGroups", &s.ListGroupsInput{PathPrefix: tt.prefix})
			mustOK(t, err)
			if got := groupNames(out.Groups); !slices.Equal(got, tt.want) {
				t.Errorf("prefix %v: %v, want %v", aws.ToString(tt.prefix), got, tt.want)
			}
		}
	})

	t.Run("ListGroupsForUser", func(t *testing.T) {
		out, err := identityCall[*s.ListGroupsForUserOutput](t, f, f.root, "ListGroupsForUser", &s.ListGroupsForUserInput{UserName: "alice"})
		mustOK(t, err)
		if got := groupNames(out.Groups); !slices.Equal(got, []string{"Admins", "Clinicians"}) {
			t.Errorf("alice's groups %v", got)
		}
		_, err = identityCall[*s.ListGroupsForUserOutput](t, f, f.root, "ListGroupsForUser", &s.ListGroupsForUserInput{UserName: "nobody"})
		assertAWSError(t, err, warden.ENoSuchEntity, "The user with name nobody cannot be found.")
	})

	t.Run("UpdateGroup renames and moves", func(t *testing.T) {
		mustOK(t, f.run(t, f.root, "UpdateGroup", &s.UpdateGroupInput{GroupName: "Clinicians", NewGroupName: aws.String("Doctors"), NewPath: aws.String("/staff/")}))
		out, err := identityCall[*s.GetGroupOutput](t, f, f.root, "GetGroup", &s.GetGroupInput{GroupName: "Doctors"})
		mustOK(t, err)
		if out.Group.Arn != "arn:aws:iam::123456789012:group/staff/Doctors" || len(out.Users) != 3 {
			t.Errorf("renamed group %+v with %d members", out.Group, len(out.Users))
		}
		_, err = identityCall[*s.GetGroupOutput](t, f, f.root, "GetGroup", &s.GetGroupInput{GroupName: "Clinicians"})
		assertAWSError(t, err, warden.ENoSuchEntity, "The group with name Clinicians cannot be found.")
		assertAWSError(t, f.run(t, f.root, "UpdateGroup", &s.UpdateGroupInput{GroupName: "Doctors", NewGroupName: aws.String("admins")}),
			warden.EEntityAlreadyExists, "")
	})

	t.Run("RemoveUserFromGroup", func(t *testing.T) {
		mustOK(t, f.run(t, f.root, "RemoveUserFromGroup", &s.RemoveUserFromGroupInput{GroupName: "Admins", UserName: "alice"}))
		assertAWSError(t, f.run(t, f.root, "RemoveUserFromGroup", &s.RemoveUserFromGroupInput{GroupName: "Admins", UserName: "alice"}),
			warden.ENoSuchEntity, "User alice is not in group Admins.")
	})

	t.Run("DeleteGroup refuses while in use", func(t *testing.T) {
		assertAWSError(t, f.run(t, f.root, "DeleteGroup", &s.DeleteGroupInput{GroupName: "Doctors"}),
			warden.EDeleteConflict, "Cannot delete entity, must remove users from group first.")
		for _, u := range []string{"alice", "bob", "carol"} {
			mustOK(t, f.run(t, f.root, "RemoveUserFromGroup", &s.RemoveUserFromGroupInput{GroupName: "Doctors", UserName: u}))
		}
		mustOK(t, f.run(t, f.root, "AttachGroupPolicy", &s.AttachGroupPolicyInput{GroupName: "Doctors", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}))
		assertAWSError(t, f.run(t, f.root, "DeleteGroup", &s.DeleteGroupInput{GroupName: "Doctors"}),
			warden.EDeleteConflict, "Cannot delete entity, must detach all policies first.")
		mustOK(t, f.run(t, f.root, "DetachGroupPolicy", &s.DetachGroupPolicyInput{GroupName: "Doctors", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}))
		mustOK(t, f.run(t, f.root, "DeleteGroup", &s.DeleteGroupInput{GroupName: "Doctors"}))
		assertAWSError(t, f.run(t, f.root, "DeleteGroup", &s.DeleteGroupInput{GroupName: "Doctors"}),
			warden.ENoSuchEntity, "The group with name Doctors cannot be found.")
	})
}

func TestGroupAuthorization(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	for _, name := range []string{"Managers", "Staff"} {
		if _, err := f.store.CreateGroup(ctx, identityTestAccount, name, "/"); err != nil {
			t.Fatal(err)
		}
	}
	dana := f.user(t, "dana")
	f.allow(t, "dana", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:UpdateGroup","iam:GetGroup","iam:AddUserToGroup"],"Resource":["arn:aws:iam::*:group/Managers","arn:aws:iam::*:group/Leads"]},
		{"Effect":"Allow","Action":"iam:ListGroups","Resource":"arn:aws:iam::*:group/teams/*"}]}`)

	tests := []struct {
		name     string
		op       string
		in       awsquery.Input
		resource string // "" means allowed
		action   string
	}{
		{"allowed group", "GetGroup", &s.GetGroupInput{GroupName: "Managers"}, "", ""},
		{"other group", "GetGroup", &s.GetGroupInput{GroupName: "Staff"}, "arn:aws:iam::123456789012:group/Staff", "iam:GetGroup"},
		// A group that does not exist is denied before NoSuchEntity.
		{"missing group", "GetGroup", &s.GetGroupInput{GroupName: "Ghosts"}, "arn:aws:iam::123456789012:group/Ghosts", "iam:GetGroup"},
		{"membership is the group's", "AddUserToGroup", &s.AddUserToGroupInput{GroupName: "Staff", UserName: "dana"}, "arn:aws:iam::123456789012:group/Staff", "iam:AddUserToGroup"},
		// Renaming needs permission on the old and the new name.
		{"rename to a denied name", "UpdateGroup", &s.UpdateGroupInput{GroupName: "Managers", NewGroupName: aws.String("MGRs")}, "arn:aws:iam::123456789012:group/MGRs", "iam:UpdateGroup"},
		{"move to a denied path", "UpdateGroup", &s.UpdateGroupInput{GroupName: "Managers", NewPath: aws.String("/x/")}, "arn:aws:iam::123456789012:group/x/Managers", "iam:UpdateGroup"},
		{"rename to an allowed name", "UpdateGroup", &s.UpdateGroupInput{GroupName: "Managers", NewGroupName: aws.String("Leads")}, "", ""},
		{"list outside the allowed path", "ListGroups", &s.ListGroupsInput{}, "arn:aws:iam::123456789012:group/", "iam:ListGroups"},
		{"list inside the allowed path", "ListGroups", &s.ListGroupsInput{PathPrefix: aws.String("/teams/")}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.api.Handle(ctx, dana, s.Service.Operations[tt.op], tt.in)
			if tt.resource == "" {
				mustOK(t, err)
				return
			}
			assertAWSError(t, err, warden.EAccessDenied, "User: arn:aws:iam::123456789012:user/dana is not authorized to perform: "+
				tt.action+" on resource: "+tt.resource+" because no identity-based policy allows the "+tt.action+" action")
		})
	}
}
