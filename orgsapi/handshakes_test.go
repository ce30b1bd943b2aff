package orgsapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

const invitedAccount = "222222222222"

// invitedCaller creates an account outside the organization and returns
// a user of it allowed the given document.
func (f *fixture) invitedCaller(t testing.TB, document string) *authz.Caller {
	t.Helper()
	ctx := t.Context()
	if _, err := f.store.CreateAccount(ctx, invitedAccount); err != nil {
		t.Fatal(err)
	}
	u, err := f.store.CreateUser(ctx, invitedAccount, warden.CreateUserInput{Name: "joiner"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutInlinePolicy(ctx, invitedAccount, warden.UserIdentity("joiner"), "p", document); err != nil {
		t.Fatal(err)
	}
	return f.caller(t, u.ARN)
}

func TestInvitation(t *testing.T) {
	f := newFixture(t)
	joiner := f.invitedCaller(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["organizations:ListHandshakesForAccount","organizations:DescribeHandshake","organizations:AcceptHandshake"],"Resource":"*"}]}`)

	invited := call[*HandshakeOutput](t, f, f.root, "InviteAccountToOrganization", &InviteAccountToOrganizationInput{
		Target: &HandshakePartyInput{Id: ptr(invitedAccount), Type: ptr("ACCOUNT")}, Notes: ptr("welcome"), Tags: []Tag{{Key: "cost", Value: "1"}}}).Handshake
	b, err := json.Marshal(invited)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{`"State":"OPEN"`, `"Action":"INVITE"`, `"Parties":[{"Id":"` + f.org.ID + `","Type":"ORGANIZATION"},{"Id":"` + invitedAccount + `","Type":"ACCOUNT"}]`,
		`{"Value":"FULL","Type":"ORGANIZATION_FEATURE_SET"}`, `{"Value":"welcome","Type":"NOTES"}`,
		`"Arn":"arn:aws:organizations::` + managementAccount + `:handshake/` + f.org.ID + `/invite/` + invited.Id + `"`} {
		if !strings.Contains(string(b), part) {
			t.Errorf("handshake %s\nlacks %s", b, part)
		}
	}

	listed := call[*ListHandshakesOutput](t, f, joiner, "ListHandshakesForAccount", &ListHandshakesForAccountInput{})
	if len(listed.Handshakes) != 1 || listed.Handshakes[0].Id != invited.Id {
		t.Fatalf("ListHandshakesForAccount = %+v", listed)
	}
	none := call[*ListHandshakesOutput](t, f, joiner, "ListHandshakesForAccount", &ListHandshakesForAccountInput{Filter: &HandshakeFilter{ActionType: ptr("ENABLE_ALL_FEATURES")}})
	if len(none.Handshakes) != 0 {
		t.Fatalf("ListHandshakesForAccount filtered on another action = %+v", none)
	}
	org := call[*ListHandshakesOutput](t, f, f.root, "ListHandshakesForOrganization", &ListHandshakesForOrganizationInput{})
	if len(org.Handshakes) != 1 {
		t.Fatalf("ListHandshakesForOrganization = %+v", org)
	}
	// Only the inviting account cancels; the invited one may not even
	// though its policy allows everything it asks for.
	_, err = f.run(t, joiner, "CancelHandshake", &CancelHandshakeInput{HandshakeId: &invited.Id})
	wantError(t, err, warden.EAccessDenied, "", "organizations:CancelHandshake")
	// A member account knows nothing of it.
	memberRoot := f.caller(t, warden.RootARN(f.member))
	_, err = f.run(t, memberRoot, "DescribeHandshake", &DescribeHandshakeInput{HandshakeId: &invited.Id})
	wantError(t, err, warden.EHandshakeNotFound, "", "")

	accepted := call[*HandshakeOutput](t, f, joiner, "AcceptHandshake", &AcceptHandshakeInput{HandshakeId: &invited.Id}).Handshake
	if accepted.State != "ACCEPTED" {
		t.Fatalf("AcceptHandshake = %+v", accepted)
	}
	described := call[*HandshakeOutput](t, f, f.root, "DescribeHandshake", &DescribeHandshakeInput{HandshakeId: &invited.Id}).Handshake
	if described.State != "ACCEPTED" {
		t.Fatalf("DescribeHandshake = %+v", described)
	}
	accounts := call[*ListAccountsOutput](t, f, f.root, "ListAccounts", &ListAccountsInput{})
	if len(accounts.Accounts) != 3 {
		t.Fatalf("ListAccounts after accepting = %+v", accounts)
	}
	tags := call[*ListTagsForResourceOutput](t, f, f.root, "ListTagsForResource", &ListTagsForResourceInput{ResourceId: ptr(invitedAccount)})
	if len(tags.Tags) != 1 || tags.Tags[0] != (Tag{Key: "cost", Value: "1"}) {
		t.Fatalf("tags of the joined account = %+v", tags)
	}
	_, err = f.run(t, joiner, "AcceptHandshake", &AcceptHandshakeInput{HandshakeId: &invited.Id})
	wantError(t, err, warden.EHandshakeAlreadyInState, "", "")

	// Removal and deletion of the organization.
	_, err = f.run(t, f.root, "DeleteOrganization", &DeleteOrganizationInput{})
	wantError(t, err, warden.EOrganizationNotEmpty, "", "")
	_, err = f.run(t, f.root, "RemoveAccountFromOrganization", &RemoveAccountFromOrganizationInput{AccountId: ptr(managementAccount)})
	wantError(t, err, warden.EMasterCannotLeaveOrganization, "", "")
	_, err = f.run(t, f.root, "RemoveAccountFromOrganization", &RemoveAccountFromOrganizationInput{AccountId: ptr("333333333333")})
	wantError(t, err, warden.EAccountNotFound, "", "")
	for _, acct := range []string{invitedAccount, f.member} {
		do(t, f, f.root, "RemoveAccountFromOrganization", &RemoveAccountFromOrganizationInput{AccountId: ptr(acct)})
	}
	do(t, f, f.root, "DeleteOrganization", &DeleteOrganizationInput{})
	_, err = f.run(t, f.root, "DescribeOrganization", &DescribeOrganizationInput{})
	wantError(t, err, warden.EAWSOrganizationsNotInUse, "", "")
}

func TestTagAuthorization(t *testing.T) {
	f := newFixture(t)
	ou := call[*OrganizationalUnitOutput](t, f, f.root, "CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: &f.org.RootID, Name: ptr("eng"),
		Tags: []Tag{{Key: "owner", Value: "alice"}}}).OrganizationalUnit
	// Tagging allowed only with an approved tag key, on OUs alice owns,
	// never removing the owner tag.
	tagger := f.user(t, "tagger", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["organizations:TagResource","organizations:UntagResource","organizations:ListTagsForResource"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/owner":"alice"}}},
		{"Effect":"Deny","Action":"organizations:TagResource","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","owner"]}}},
		{"Effect":"Deny","Action":"organizations:TagResource","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:RequestTag/env":["dev","prod"]}}},
		{"Effect":"Deny","Action":"organizations:UntagResource","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"owner"}}}]}`)
	tests := []struct {
		name string
		op   string
		in   any
		deny bool
	}{
		{"approved key and value", "TagResource", &TagResourceInput{ResourceId: &ou.Id, Tags: []Tag{{Key: "env", Value: "dev"}}}, false},
		{"unapproved key", "TagResource", &TagResourceInput{ResourceId: &ou.Id, Tags: []Tag{{Key: "team", Value: "x"}}}, true},
		{"unapproved value", "TagResource", &TagResourceInput{ResourceId: &ou.Id, Tags: []Tag{{Key: "env", Value: "qa"}}}, true},
		{"not alice's root", "TagResource", &TagResourceInput{ResourceId: &f.org.RootID, Tags: []Tag{{Key: "env", Value: "dev"}}}, true},
		{"list", "ListTagsForResource", &ListTagsForResourceInput{ResourceId: &ou.Id}, false},
		{"list the root", "ListTagsForResource", &ListTagsForResourceInput{ResourceId: &f.org.RootID}, true},
		{"untag env", "UntagResource", &UntagResourceInput{ResourceId: &ou.Id, TagKeys: []string{"env"}}, false},
		{"untag owner", "UntagResource", &UntagResourceInput{ResourceId: &ou.Id, TagKeys: []string{"owner"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.run(t, tagger, tt.op, tt.in)
			if !tt.deny {
				if err != nil {
					t.Fatalf("%s: %v", tt.op, err)
				}
				return
			}
			wantError(t, err, warden.EAccessDenied, "", "organizations:"+tt.op)
		})
	}
	got := call[*ListTagsForResourceOutput](t, f, f.root, "ListTagsForResource", &ListTagsForResourceInput{ResourceId: &ou.Id})
	if len(got.Tags) != 1 || got.Tags[0].Key != "owner" {
		t.Fatalf("tags after the test = %+v", got.Tags)
	}
	_, err := f.run(t, f.root, "TagResource", &TagResourceInput{ResourceId: ptr("p-FullAWSAccess"), Tags: []Tag{{Key: "k"}}})
	wantError(t, err, warden.EInvalidInputException, warden.ReasonImmutablePolicy, "")
	_, err = f.run(t, f.root, "TagResource", &TagResourceInput{ResourceId: ptr("ou-abcd-nothere1"), Tags: []Tag{{Key: "k"}}})
	wantError(t, err, warden.ETargetNotFound, "", "")
	_, err = f.run(t, f.root, "ListTagsForResource", &ListTagsForResourceInput{ResourceId: ptr("p-nothere123")})
	wantError(t, err, warden.ETargetNotFound, "", "")
}

func TestOrganizationalUnitChanges(t *testing.T) {
	f := newFixture(t)
	ou := call[*OrganizationalUnitOutput](t, f, f.root, "CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: &f.org.RootID, Name: ptr("eng")}).OrganizationalUnit
	renamed := call[*OrganizationalUnitOutput](t, f, f.root, "UpdateOrganizationalUnit", &UpdateOrganizationalUnitInput{OrganizationalUnitId: &ou.Id, Name: ptr("platform")}).OrganizationalUnit
	if renamed.Id != ou.Id || renamed.Name != "platform" || renamed.Arn != ou.Arn {
		t.Fatalf("UpdateOrganizationalUnit = %+v", renamed)
	}
	unchanged := call[*OrganizationalUnitOutput](t, f, f.root, "UpdateOrganizationalUnit", &UpdateOrganizationalUnitInput{OrganizationalUnitId: &ou.Id}).OrganizationalUnit
	if unchanged.Name != "platform" {
		t.Fatalf("UpdateOrganizationalUnit without a name = %+v", unchanged)
	}
	missing := "ou-" + strings.TrimPrefix(f.org.RootID, "r-") + "-nothere1"
	_, err := f.run(t, f.root, "UpdateOrganizationalUnit", &UpdateOrganizationalUnitInput{OrganizationalUnitId: &missing, Name: ptr("x")})
	wantError(t, err, warden.EOrganizationalUnitNotFound, "", "")
	do(t, f, f.root, "MoveAccount", &MoveAccountInput{AccountId: &f.member, SourceParentId: &f.org.RootID, DestinationParentId: &ou.Id})
	_, err = f.run(t, f.root, "DeleteOrganizationalUnit", &DeleteOrganizationalUnitInput{OrganizationalUnitId: &ou.Id})
	wantError(t, err, warden.EOrganizationalUnitNotEmpty, "", "")
	do(t, f, f.root, "MoveAccount", &MoveAccountInput{AccountId: &f.member, SourceParentId: &ou.Id, DestinationParentId: &f.org.RootID})
	do(t, f, f.root, "DeleteOrganizationalUnit", &DeleteOrganizationalUnitInput{OrganizationalUnitId: &ou.Id})
	_, err = f.run(t, f.root, "DeleteOrganizationalUnit", &DeleteOrganizationalUnitInput{OrganizationalUnitId: &ou.Id})
	wantError(t, err, warden.EOrganizationalUnitNotFound, "", "")
}

func TestHandshakeInputValidation(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		op     string
		in     any
		reason string
	}{
		{"InviteAccountToOrganization", &InviteAccountToOrganizationInput{}, warden.ReasonInputRequired},
		{"InviteAccountToOrganization", &InviteAccountToOrganizationInput{Target: &HandshakePartyInput{Id: ptr("a@example.com"), Type: ptr("EMAIL")}}, warden.ReasonInvalidPartyTypeTarget},
		{"InviteAccountToOrganization", &InviteAccountToOrganizationInput{Target: &HandshakePartyInput{Id: ptr("1"), Type: ptr("PERSON")}}, warden.ReasonInvalidEnum},
		{"InviteAccountToOrganization", &InviteAccountToOrganizationInput{Target: &HandshakePartyInput{Id: ptr("1234"), Type: ptr("ACCOUNT")}}, warden.ReasonInvalidPattern},
		{"InviteAccountToOrganization", &InviteAccountToOrganizationInput{Target: &HandshakePartyInput{Id: ptr(invitedAccount), Type: ptr("ACCOUNT")},
			Notes: ptr(strings.Repeat("n", 1025))}, warden.ReasonMaxLengthExceeded},
		{"AcceptHandshake", &AcceptHandshakeInput{HandshakeId: ptr("h-1")}, warden.ReasonInvalidPattern},
		{"DeclineHandshake", &DeclineHandshakeInput{}, warden.ReasonInputRequired},
		{"ListHandshakesForAccount", &ListHandshakesForAccountInput{Filter: &HandshakeFilter{ActionType: ptr("JOIN")}}, warden.ReasonInvalidEnum},
		{"ListHandshakesForOrganization", &ListHandshakesForOrganizationInput{paging: paging{MaxResults: ptr[int32](0)}}, warden.ReasonMinValueExceeded},
		{"UpdateOrganizationalUnit", &UpdateOrganizationalUnitInput{OrganizationalUnitId: ptr("ou-1")}, warden.ReasonInvalidPattern},
		{"DeleteOrganizationalUnit", &DeleteOrganizationalUnitInput{}, warden.ReasonInputRequired},
		{"RemoveAccountFromOrganization", &RemoveAccountFromOrganizationInput{AccountId: ptr("x")}, warden.ReasonInvalidPattern},
		{"TagResource", &TagResourceInput{ResourceId: ptr("arn:x")}, warden.ReasonInvalidPattern},
		{"TagResource", &TagResourceInput{ResourceId: &f.member}, warden.ReasonInputRequired},
		{"TagResource", &TagResourceInput{ResourceId: &f.member, Tags: []Tag{{Key: "k"}, {Key: "k"}}}, warden.ReasonDuplicateTagKey},
		{"UntagResource", &UntagResourceInput{ResourceId: &f.member, TagKeys: []string{""}}, warden.ReasonMinLengthExceeded},
		{"ListTagsForResource", &ListTagsForResourceInput{}, warden.ReasonInputRequired},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.reason, func(t *testing.T) {
			_, err := f.run(t, f.root, tt.op, tt.in)
			wantError(t, err, warden.EInvalidInputException, tt.reason, "")
		})
	}
}

// do runs an operation without output that must succeed.
func do(t testing.TB, f *fixture, c *authz.Caller, op string, in any) {
	t.Helper()
	if _, err := f.run(t, c, op, in); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}
