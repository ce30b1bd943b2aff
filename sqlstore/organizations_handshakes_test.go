package sqlstore_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

func TestOrganizationInvitation(t *testing.T) {
	runWithOrgStore(t, "accept", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		noErr(t, enableSCPs(t, s, management, org))
		invited := newAccount(t, s)

		_, err := s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: "000000000000"})
		wantErr(t, err, warden.EInvalidInputException, "")
		_, err = s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: "12"})
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonMinLengthExceeded)
		_, err = s.InviteOrganizationAccount(ctx, invited, warden.InviteAccountInput{AccountID: management})
		wantErr(t, err, warden.EAWSOrganizationsNotInUse, "")

		h, err := s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited, Notes: "join us",
			Tags: []warden.Tag{{Key: "team", Value: "blue"}, {Key: "Team", Value: "red"}}})
		noErr(t, err)
		if !warden.HandshakeIDRE.MatchString(h.ID) || h.State != warden.HandshakeOpen || h.OrganizationID != org.ID ||
			h.ARN != "arn:aws:organizations::"+management+":handshake/"+org.ID+"/invite/"+h.ID ||
			!h.ExpirationDate.Equal(h.RequestedDate.Add(15*24*time.Hour)) {
			t.Fatalf("InviteOrganizationAccount = %+v", h)
		}
		_, err = s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited})
		wantErr(t, err, warden.EDuplicateHandshake, "")

		// Both parties see it; nobody else does.
		for _, party := range []string{management, invited} {
			got, err := s.Handshake(ctx, party, h.ID)
			noErr(t, err)
			if got.AccountID != invited || got.Notes != "join us" || got.ManagementName != management || !slices.Equal(got.Tags, h.Tags) {
				t.Fatalf("Handshake as %s = %+v", party, got)
			}
		}
		_, err = s.Handshake(ctx, newAccount(t, s), h.ID)
		wantErr(t, err, warden.EHandshakeNotFound, "")
		page, err := s.ListAccountHandshakes(ctx, invited, warden.ListOptions{})
		noErr(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != h.ID {
			t.Fatalf("ListAccountHandshakes = %+v", page.Items)
		}
		page, err = s.ListOrganizationHandshakes(ctx, management, warden.ListOptions{})
		noErr(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != h.ID {
			t.Fatalf("ListOrganizationHandshakes = %+v", page.Items)
		}

		// Only the invited account accepts.
		_, err = s.AcceptHandshake(ctx, management, h.ID)
		wantErr(t, err, warden.EAccessDenied, "")
		before, err := s.OrganizationControls(ctx, invited)
		noErr(t, err)
		if before.OrganizationID != "" {
			t.Fatalf("controls before accepting = %+v", before)
		}
		accepted, err := s.AcceptHandshake(ctx, invited, h.ID)
		noErr(t, err)
		if accepted.State != warden.HandshakeAccepted {
			t.Fatalf("AcceptHandshake = %+v", accepted)
		}
		_, err = s.AcceptHandshake(ctx, invited, h.ID)
		wantErr(t, err, warden.EHandshakeAlreadyInState, "")
		_, err = s.DeclineHandshake(ctx, invited, h.ID)
		wantErr(t, err, warden.EInvalidHandshakeTransition, "")
		_, err = s.CancelHandshake(ctx, management, h.ID)
		wantErr(t, err, warden.EInvalidHandshakeTransition, "")

		// The account is a member, in the root, invited, tagged, governed
		// by the root's SCPs.
		c, err := s.OrganizationControls(ctx, invited)
		noErr(t, err)
		if c.OrganizationID != org.ID || c.Management || len(c.SCPs) != 2 || len(c.SCPs[1]) != 1 || c.SCPs[1][0].ID != "p-FullAWSAccess" {
			t.Fatalf("controls after accepting = %+v", c)
		}
		accounts, err := s.ListOrganizationAccounts(ctx, management, warden.ListOptions{})
		noErr(t, err)
		joined := accounts.Items[slices.IndexFunc(accounts.Items, func(a *warden.OrganizationAccount) bool { return a.ID == invited })]
		if joined.JoinedMethod != warden.JoinedInvited || joined.ParentID != org.RootID {
			t.Fatalf("joined account = %+v", joined)
		}
		tags, err := s.ListOrganizationResourceTags(ctx, management, invited, warden.ListOptions{})
		noErr(t, err)
		if !slices.Equal(tags.Items, []warden.Tag{{Key: "Team", Value: "red"}, {Key: "team", Value: "blue"}}) {
			t.Fatalf("tags of the joined account = %+v", tags.Items)
		}
		_, err = s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited})
		wantReason(t, err, warden.EHandshakeConstraintViolation, warden.ReasonAlreadyInAnOrganization)

		// The organization is not empty until the account is removed.
		wantErr(t, s.DeleteOrganization(ctx, management), warden.EOrganizationNotEmpty, "")
		wantErr(t, s.RemoveOrganizationAccount(ctx, management, management), warden.EMasterCannotLeaveOrganization, "")
		noErr(t, s.RemoveOrganizationAccount(ctx, management, invited))
		wantErr(t, s.RemoveOrganizationAccount(ctx, management, invited), warden.EAccountNotFound, "")
		if c, err := s.OrganizationControls(ctx, invited); err != nil || c.OrganizationID != "" {
			t.Fatalf("controls after removal = %+v, %v", c, err)
		}
		noErr(t, s.DeleteOrganization(ctx, management))
		_, err = s.Organization(ctx, management)
		wantErr(t, err, warden.EAWSOrganizationsNotInUse, "")
		_, err = s.Handshake(ctx, invited, h.ID)
		wantErr(t, err, warden.EHandshakeNotFound, "")
		// The account may found an organization again.
		_, err = s.CreateOrganization(ctx, management, "")
		noErr(t, err)
	})

	runWithOrgStore(t, "decline and cancel", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, _ := newOrganization(t, s)
		invited := newAccount(t, s)
		h, err := s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited})
		noErr(t, err)
		_, err = s.DeclineHandshake(ctx, management, h.ID)
		wantErr(t, err, warden.EAccessDenied, "")
		declined, err := s.DeclineHandshake(ctx, invited, h.ID)
		noErr(t, err)
		if declined.State != warden.HandshakeDeclined {
			t.Fatalf("DeclineHandshake = %+v", declined)
		}
		_, err = s.DeclineHandshake(ctx, invited, h.ID)
		wantErr(t, err, warden.EHandshakeAlreadyInState, "")
		_, err = s.AcceptHandshake(ctx, invited, h.ID)
		wantErr(t, err, warden.EInvalidHandshakeTransition, "")

		// A declined invitation may be followed by another.
		h2, err := s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited})
		noErr(t, err)
		_, err = s.CancelHandshake(ctx, invited, h2.ID)
		wantErr(t, err, warden.EAccessDenied, "")
		canceled, err := s.CancelHandshake(ctx, management, h2.ID)
		noErr(t, err)
		if canceled.State != warden.HandshakeCanceled {
			t.Fatalf("CancelHandshake = %+v", canceled)
		}
		_, err = s.AcceptHandshake(ctx, invited, h2.ID)
		wantErr(t, err, warden.EInvalidHandshakeTransition, "")
		if c, err := s.OrganizationControls(ctx, invited); err != nil || c.OrganizationID != "" {
			t.Fatalf("controls after decline and cancel = %+v, %v", c, err)
		}
	})

	runWithOrgStore(t, "joined elsewhere", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		first, _ := newOrganization(t, s)
		second, _ := newOrganization(t, s)
		invited := newAccount(t, s)
		h1, err := s.InviteOrganizationAccount(ctx, first, warden.InviteAccountInput{AccountID: invited})
		noErr(t, err)
		h2, err := s.InviteOrganizationAccount(ctx, second, warden.InviteAccountInput{AccountID: invited})
		noErr(t, err)
		_, err = s.AcceptHandshake(ctx, invited, h1.ID)
		noErr(t, err)
		_, err = s.AcceptHandshake(ctx, invited, h2.ID)
		wantReason(t, err, warden.EHandshakeConstraintViolation, warden.ReasonAlreadyInAnOrganization)
		if got, err := s.Handshake(ctx, invited, h2.ID); err != nil || got.State != warden.HandshakeOpen {
			t.Fatalf("the refused handshake = %+v, %v; want it still open", got, err)
		}
	})
}

func TestOrganizationInvitationExpires(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro())
	clock := func() time.Time { return time.UnixMicro(now.Load()).UTC() }
	RunWithStoreOptions(t, "expiry", sqlstore.Options{AWSManagedPolicies: orgCatalogue, Now: clock}, func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, _ := newOrganization(t, s)
		invited := newAccount(t, s)
		h, err := s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited})
		noErr(t, err)
		now.Add((15 * 24 * time.Hour).Microseconds())
		got, err := s.Handshake(ctx, invited, h.ID)
		noErr(t, err)
		if got.State != warden.HandshakeExpired {
			t.Fatalf("state after 15 days = %s", got.State)
		}
		_, err = s.AcceptHandshake(ctx, invited, h.ID)
		wantErr(t, err, warden.EInvalidHandshakeTransition, "")
		// An expired invitation does not block a new one.
		_, err = s.InviteOrganizationAccount(ctx, management, warden.InviteAccountInput{AccountID: invited})
		noErr(t, err)
	})
}

func TestOrganizationalUnitChanges(t *testing.T) {
	runWithOrgStore(t, "update and delete", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		noErr(t, enableSCPs(t, s, management, org))
		eng := newOU(t, s, management, org.RootID, "eng")
		ops := newOU(t, s, management, org.RootID, "ops")
		team := newOU(t, s, management, eng, "team")

		_, err := s.UpdateOrganizationalUnit(ctx, management, eng, "ops")
		wantErr(t, err, warden.EDuplicateOrganizationalUnit, "")
		_, err = s.UpdateOrganizationalUnit(ctx, management, "ou-abcd-nothere1", "x")
		wantErr(t, err, warden.EOrganizationalUnitNotFound, "")
		_, err = s.UpdateOrganizationalUnit(ctx, management, eng, strings.Repeat("n", 129))
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonMaxLengthExceeded)
		if ou, err := s.UpdateOrganizationalUnit(ctx, management, eng, ""); err != nil || ou.Name != "eng" {
			t.Fatalf("UpdateOrganizationalUnit without a name = %+v, %v", ou, err)
		}
		ou, err := s.UpdateOrganizationalUnit(ctx, management, eng, "engineering")
		noErr(t, err)
		if ou.ID != eng || ou.Name != "engineering" || ou.ARN != org.UnitARN(eng) {
			t.Fatalf("UpdateOrganizationalUnit = %+v", ou)
		}
		units, err := s.ListOrganizationalUnits(ctx, management, org.RootID, warden.ListOptions{})
		noErr(t, err)
		if i := slices.IndexFunc(units.Items, func(u *warden.OrganizationalUnit) bool { return u.ID == eng }); i < 0 || units.Items[i].Name != "engineering" {
			t.Fatalf("ListOrganizationalUnits after rename = %+v", units.Items)
		}
		// The old name is free again.
		newOU(t, s, management, org.RootID, "eng")

		member := newMember(t, s, management, "m")
		noErr(t, s.MoveOrganizationAccount(ctx, management, member, org.RootID, ops))
		wantErr(t, s.DeleteOrganizationalUnit(ctx, management, eng), warden.EOrganizationalUnitNotEmpty, "")
		wantErr(t, s.DeleteOrganizationalUnit(ctx, management, ops), warden.EOrganizationalUnitNotEmpty, "")
		noErr(t, s.TagOrganizationResource(ctx, management, team, []warden.Tag{{Key: "k", Value: "v"}}))
		noErr(t, s.DeleteOrganizationalUnit(ctx, management, team))
		wantErr(t, s.DeleteOrganizationalUnit(ctx, management, team), warden.EOrganizationalUnitNotFound, "")
		noErr(t, s.DeleteOrganizationalUnit(ctx, management, eng))
		_, err = s.ListOrganizationResourceTags(ctx, management, team, warden.ListOptions{})
		wantErr(t, err, warden.ETargetNotFound, "")
		_, err = s.ListOrganizationPoliciesForTarget(ctx, management, eng, warden.ServiceControlPolicy, warden.ListOptions{})
		wantErr(t, err, warden.ETargetNotFound, "")
		// Member accounts may not.
		wantErr(t, s.DeleteOrganizationalUnit(ctx, member, ops), warden.EAccessDenied, "")
	})
}

func TestOrganizationResourceTags(t *testing.T) {
	runWithOrgStore(t, "tags", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		noErr(t, enableSCPs(t, s, management, org))
		ou := newOU(t, s, management, org.RootID, "eng")
		member := newMember(t, s, management, "m")
		p := newSCP(t, s, management, "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)
		for _, id := range []string{org.RootID, ou, member, p.ID} {
			noErr(t, s.TagOrganizationResource(ctx, management, id, []warden.Tag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}, {Key: "A", Value: "3"}}))
			noErr(t, s.TagOrganizationResource(ctx, management, id, []warden.Tag{{Key: "b", Value: "changed"}}))
			noErr(t, s.UntagOrganizationResource(ctx, management, id, []string{"a", "absent"}))
			page, err := s.ListOrganizationResourceTags(ctx, management, id, warden.ListOptions{})
			noErr(t, err)
			if want := []warden.Tag{{Key: "A", Value: "3"}, {Key: "b", Value: "changed"}}; !slices.Equal(page.Items, want) {
				t.Fatalf("tags of %s = %+v; want %+v", id, page.Items, want)
			}
		}
		// OrganizationTags, which authorization reads, sees them too.
		tags, err := s.OrganizationTags(ctx, management, ou)
		noErr(t, err)
		if len(tags) != 2 {
			t.Fatalf("OrganizationTags = %+v", tags)
		}
		wantErr(t, s.TagOrganizationResource(ctx, management, "ou-abcd-nothere1", []warden.Tag{{Key: "k"}}), warden.ETargetNotFound, "")
		wantErr(t, s.TagOrganizationResource(ctx, management, "p-nothere12", []warden.Tag{{Key: "k"}}), warden.ETargetNotFound, "")
		wantReason(t, s.TagOrganizationResource(ctx, management, "p-FullAWSAccess", []warden.Tag{{Key: "k"}}), warden.EInvalidInputException, warden.ReasonImmutablePolicy)
		if _, err := s.ListOrganizationResourceTags(ctx, management, "p-FullAWSAccess", warden.ListOptions{}); err != nil {
			t.Fatalf("ListOrganizationResourceTags of an AWS managed policy: %v", err)
		}
		wantReason(t, s.TagOrganizationResource(ctx, management, ou, []warden.Tag{{Key: "k", Value: "v"}, {Key: "k", Value: "w"}}),
			warden.EInvalidInputException, warden.ReasonDuplicateTagKey)
		many := make([]warden.Tag, 49)
		for i := range many {
			many[i] = warden.Tag{Key: "key" + string(rune('a'+i/26)) + string(rune('a'+i%26))}
		}
		wantReason(t, s.TagOrganizationResource(ctx, management, ou, many), warden.EConstraintViolation, warden.ReasonMaxTagLimitExceeded)
		noErr(t, s.TagOrganizationResource(ctx, management, ou, many[:48]))
		wantErr(t, s.TagOrganizationResource(ctx, member, ou, []warden.Tag{{Key: "k"}}), warden.EAccessDenied, "")
	})
}

// enableSCPs enables service control policies in the organization's root.
func enableSCPs(t testing.TB, s warden.Store, management string, org *warden.Organization) error {
	t.Helper()
	_, err := s.EnableOrganizationPolicyType(t.Context(), management, org.RootID, warden.ServiceControlPolicy)
	return err
}
