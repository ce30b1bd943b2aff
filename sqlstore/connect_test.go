package sqlstore_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/warden-iam/warden"
)

const connectRegion = "us-east-1"

func createConnectInstance(t testing.TB, s warden.Store, account, alias string, tags ...warden.Tag) *warden.ConnectInstance {
	t.Helper()
	i, err := s.CreateConnectInstance(t.Context(), &warden.ConnectInstance{ID: warden.NewConnectID(), AccountID: account, Region: connectRegion,
		Alias: alias, IdentityManagementType: "CONNECT_MANAGED", InboundCallsEnabled: true, Tags: tags})
	noErr(t, err)
	return i
}

func createConnectUser(t testing.TB, s warden.Store, i *warden.ConnectInstance, username string, tags ...warden.Tag) *warden.ConnectUser {
	t.Helper()
	u, err := s.CreateConnectUser(t.Context(), &warden.ConnectUser{ID: warden.NewConnectID(), AccountID: i.AccountID, Region: i.Region,
		InstanceID: i.ID, Username: username, SecurityProfileIDs: []string{"sp-1"}, RoutingProfileID: "rp-1", Settings: []byte(`{"a":1}`), Tags: tags})
	noErr(t, err)
	return u
}

func TestConnectInstances(t *testing.T) {
	RunWithStore(t, "instances", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		created := createConnectInstance(t, s, acct, "first", warden.Tag{Key: "b", Value: "2"}, warden.Tag{Key: "B", Value: "1"})
		got, err := s.ConnectInstance(ctx, acct, connectRegion, created.ID)
		noErr(t, err)
		if got.Alias != "first" || !got.InboundCallsEnabled || got.OutboundCallsEnabled || !got.CreatedAt.Equal(created.CreatedAt) ||
			!slices.Equal(got.Tags, []warden.Tag{{Key: "B", Value: "1"}, {Key: "b", Value: "2"}}) {
			t.Fatalf("ConnectInstance = %+v", got)
		}
		if got.ARN() != "arn:aws:connect:us-east-1:"+acct+":instance/"+created.ID {
			t.Errorf("ARN = %s", got.ARN())
		}
		// Another region and another account do not see it.
		_, err = s.ConnectInstance(ctx, acct, "eu-west-1", created.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.ConnectInstance(ctx, newAccount(t, s), connectRegion, created.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")

		_, err = s.CreateConnectInstance(ctx, &warden.ConnectInstance{ID: warden.NewConnectID(), AccountID: acct, Region: connectRegion, Alias: "first"})
		wantErr(t, err, warden.EEntityAlreadyExists, "")
		_, err = s.CreateConnectInstance(ctx, &warden.ConnectInstance{ID: warden.NewConnectID(), AccountID: acct, Region: connectRegion, Alias: "x",
			Tags: []warden.Tag{{Key: "aws:x", Value: "1"}}})
		wantErr(t, err, warden.EValidationError, "")

		second := createConnectInstance(t, s, acct, "second")
		third := createConnectInstance(t, s, acct, "third")
		page, err := s.ListConnectInstances(ctx, acct, connectRegion, warden.ListOptions{MaxItems: 2})
		noErr(t, err)
		if len(page.Items) != 2 || !page.IsTruncated || page.Items[0].ID != created.ID || page.Items[1].ID != second.ID {
			t.Fatalf("first page = %+v", page)
		}
		page, err = s.ListConnectInstances(ctx, acct, connectRegion, warden.ListOptions{MaxItems: 2, Marker: page.Marker})
		noErr(t, err)
		if len(page.Items) != 1 || page.IsTruncated || page.Items[0].ID != third.ID {
			t.Fatalf("second page = %+v", page)
		}
		_, err = s.ListConnectInstances(ctx, acct, connectRegion, warden.ListOptions{Marker: "not-a-marker"})
		wantErr(t, err, warden.EInvalidInput, "")

		levels := [5]string{"Region", "Site", "", "", ""}
		noErr(t, s.SetConnectHierarchyLevels(ctx, acct, connectRegion, created.ID, levels))
		got, err = s.ConnectInstance(ctx, acct, connectRegion, created.ID)
		noErr(t, err)
		if got.HierarchyLevels != levels {
			t.Errorf("HierarchyLevels = %q", got.HierarchyLevels)
		}
		noErr(t, s.RenameConnectHierarchyGroup(ctx, acct, connectRegion, created.ID, "g1", "North"))
		noErr(t, s.RenameConnectHierarchyGroup(ctx, acct, connectRegion, created.ID, "g1", "North")) // the same name again
		wantErr(t, s.RenameConnectHierarchyGroup(ctx, acct, connectRegion, created.ID, "g2", "North"), warden.EEntityAlreadyExists, "")
		noErr(t, s.RenameConnectHierarchyGroup(ctx, acct, connectRegion, second.ID, "g2", "North")) // names are per instance

		noErr(t, s.DeleteConnectInstance(ctx, acct, connectRegion, second.ID))
		wantErr(t, s.DeleteConnectInstance(ctx, acct, connectRegion, second.ID), warden.ENoSuchEntity, "")
		wantErr(t, s.SetConnectHierarchyLevels(ctx, acct, connectRegion, second.ID, levels), warden.ENoSuchEntity, "")
		// The alias of a deleted instance is free again.
		createConnectInstance(t, s, acct, "second")
	})
}

func TestConnectUsers(t *testing.T) {
	RunWithStore(t, "users", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		inst := createConnectInstance(t, s, acct, "users")
		bob := createConnectUser(t, s, inst, "bob", warden.Tag{Key: "Department", Value: "Test"})
		alice := createConnectUser(t, s, inst, "alice")
		got, err := s.ConnectUser(ctx, acct, connectRegion, inst.ID, bob.ID)
		noErr(t, err)
		if got.Username != "bob" || string(got.Settings) != `{"a":1}` || !slices.Equal(got.SecurityProfileIDs, []string{"sp-1"}) ||
			got.RoutingProfileID != "rp-1" || !slices.Equal(got.Tags, []warden.Tag{{Key: "Department", Value: "Test"}}) {
			t.Fatalf("ConnectUser = %+v", got)
		}
		if got.ARN() != inst.ARN()+"/agent/"+bob.ID {
			t.Errorf("ARN = %s", got.ARN())
		}
		_, err = s.CreateConnectUser(ctx, &warden.ConnectUser{ID: warden.NewConnectID(), AccountID: acct, Region: connectRegion, InstanceID: inst.ID,
			Username: "bob", SecurityProfileIDs: []string{"sp"}, RoutingProfileID: "rp", Settings: []byte(`{}`)})
		wantErr(t, err, warden.EEntityAlreadyExists, "")
		_, err = s.CreateConnectUser(ctx, &warden.ConnectUser{ID: warden.NewConnectID(), AccountID: acct, Region: connectRegion, InstanceID: warden.NewConnectID(),
			Username: "carol", SecurityProfileIDs: []string{"sp"}, RoutingProfileID: "rp", Settings: []byte(`{}`)})
		wantErr(t, err, warden.ENoSuchEntity, "")
		// A user is found only through its own instance.
		other := createConnectInstance(t, s, acct, "other")
		_, err = s.ConnectUser(ctx, acct, connectRegion, other.ID, bob.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")

		page, err := s.ListConnectUsers(ctx, acct, connectRegion, inst.ID, warden.ListOptions{MaxItems: 1})
		noErr(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != alice.ID || !page.IsTruncated {
			t.Fatalf("first page = %+v", page)
		}
		page, err = s.ListConnectUsers(ctx, acct, connectRegion, inst.ID, warden.ListOptions{MaxItems: 1, Marker: page.Marker})
		noErr(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != bob.ID || page.IsTruncated {
			t.Fatalf("second page = %+v", page)
		}
		_, err = s.ListConnectUsers(ctx, acct, connectRegion, warden.NewConnectID(), warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")

		updated, err := s.UpdateConnectUser(ctx, acct, connectRegion, inst.ID, bob.ID, func(u *warden.ConnectUser) error {
			u.RoutingProfileID, u.HierarchyGroupID, u.SecurityProfileIDs, u.Settings = "rp-2", "hg-1", []string{"a", "b"}, []byte(`{"b":2}`)
			return nil
		})
		noErr(t, err)
		if updated.LastModified.Before(bob.LastModified) {
			t.Errorf("LastModified went back: %v before %v", updated.LastModified, bob.LastModified)
		}
		got, err = s.ConnectUser(ctx, acct, connectRegion, inst.ID, bob.ID)
		noErr(t, err)
		if got.RoutingProfileID != "rp-2" || got.HierarchyGroupID != "hg-1" || !slices.Equal(got.SecurityProfileIDs, []string{"a", "b"}) ||
			string(got.Settings) != `{"b":2}` || got.Username != "bob" {
			t.Fatalf("after UpdateConnectUser = %+v", got)
		}
		// An update that fails stores nothing.
		refuse := warden.Errorf(warden.EInvalidParameterValue, "no")
		_, err = s.UpdateConnectUser(ctx, acct, connectRegion, inst.ID, bob.ID, func(u *warden.ConnectUser) error {
			u.RoutingProfileID = "rp-3"
			return refuse
		})
		if !errors.Is(err, refuse) {
			t.Fatalf("UpdateConnectUser with a failing update = %v", err)
		}
		got, err = s.ConnectUser(ctx, acct, connectRegion, inst.ID, bob.ID)
		noErr(t, err)
		if got.RoutingProfileID != "rp-2" {
			t.Errorf("a failed update was stored: %+v", got)
		}
		_, err = s.UpdateConnectUser(ctx, acct, connectRegion, inst.ID, warden.NewConnectID(), func(*warden.ConnectUser) error { return nil })
		wantErr(t, err, warden.ENoSuchEntity, "")

		noErr(t, s.DeleteConnectUser(ctx, acct, connectRegion, inst.ID, alice.ID))
		wantErr(t, s.DeleteConnectUser(ctx, acct, connectRegion, inst.ID, alice.ID), warden.ENoSuchEntity, "")
		// Deleting the instance deletes its users.
		noErr(t, s.DeleteConnectInstance(ctx, acct, connectRegion, inst.ID))
		_, err = s.ConnectUser(ctx, acct, connectRegion, inst.ID, bob.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}

func TestConnectPhoneNumbers(t *testing.T) {
	RunWithStore(t, "phone numbers", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		a := createConnectInstance(t, s, acct, "a")
		b := createConnectInstance(t, s, acct, "b")
		all, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{}, warden.ListOptions{})
		noErr(t, err)
		var numbers []string
		for _, p := range all.Items {
			numbers = append(numbers, p.Number+" "+p.Type+" "+p.CountryCode)
		}
		// Each instance gets the next DID and the next toll-free number,
		// listed by number.
		want := []string{"+12065550100 DID US", "+12065550101 DID US", "+18005550100 TOLL_FREE US", "+18005550101 TOLL_FREE US"}
		if !slices.Equal(numbers, want) {
			t.Fatalf("numbers = %q, want %q", numbers, want)
		}
		ofA, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{InstanceID: a.ID}, warden.ListOptions{})
		noErr(t, err)
		if len(ofA.Items) != 2 || ofA.Items[0].InstanceID != a.ID || ofA.Items[1].InstanceID != a.ID {
			t.Fatalf("numbers of a = %+v", ofA.Items)
		}
		tollFree, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{Types: []string{"TOLL_FREE"}}, warden.ListOptions{MaxItems: 1})
		noErr(t, err)
		if len(tollFree.Items) != 1 || tollFree.Items[0].Number != "+18005550100" || !tollFree.IsTruncated {
			t.Fatalf("first toll-free page = %+v", tollFree)
		}
		tollFree, err = s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{Types: []string{"TOLL_FREE"}},
			warden.ListOptions{MaxItems: 1, Marker: tollFree.Marker})
		noErr(t, err)
		if len(tollFree.Items) != 1 || tollFree.Items[0].Number != "+18005550101" || tollFree.IsTruncated {
			t.Fatalf("second toll-free page = %+v", tollFree)
		}
		for _, f := range []warden.ConnectPhoneNumberFilter{{Prefix: "1800"}, {Prefix: "+1800"}, {CountryCodes: []string{"US"}, Prefix: "+18"}} {
			page, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, f, warden.ListOptions{})
			noErr(t, err)
			if len(page.Items) != 2 || page.Items[0].Type != "TOLL_FREE" {
				t.Errorf("filter %+v: %+v", f, page.Items)
			}
		}
		none, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{CountryCodes: []string{"GB"}}, warden.ListOptions{})
		noErr(t, err)
		if len(none.Items) != 0 {
			t.Errorf("GB numbers = %+v", none.Items)
		}

		p := ofA.Items[0]
		noErr(t, s.SetConnectPhoneNumberContactFlow(ctx, acct, connectRegion, p.ID, a.ID, "flow-1"))
		got, err := s.ConnectPhoneNumber(ctx, acct, connectRegion, p.ID)
		noErr(t, err)
		if got.ContactFlowID != "flow-1" || got.ARN() != "arn:aws:connect:us-east-1:"+acct+":phone-number/"+p.ID {
			t.Errorf("ConnectPhoneNumber = %+v", got)
		}
		wantErr(t, s.SetConnectPhoneNumberContactFlow(ctx, acct, connectRegion, p.ID, b.ID, "flow-1"), warden.EInvalidParameterValue, "")
		wantErr(t, s.SetConnectPhoneNumberContactFlow(ctx, acct, connectRegion, warden.NewConnectID(), a.ID, "flow-1"), warden.ENoSuchEntity, "")

		// Deleting an instance releases its numbers, which are not given
		// to the next instance.
		noErr(t, s.DeleteConnectInstance(ctx, acct, connectRegion, a.ID))
		_, err = s.ConnectPhoneNumber(ctx, acct, connectRegion, p.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		c := createConnectInstance(t, s, acct, "c")
		ofC, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{InstanceID: c.ID}, warden.ListOptions{})
		noErr(t, err)
		if len(ofC.Items) != 2 || ofC.Items[0].Number != "+12065550102" || ofC.Items[1].Number != "+18005550102" {
			t.Fatalf("numbers of c = %+v", ofC.Items)
		}
	})
}

func TestConnectTags(t *testing.T) {
	RunWithStore(t, "tags", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		inst := createConnectInstance(t, s, acct, "tags")
		user := createConnectUser(t, s, inst, "bob")
		numbers, err := s.ListConnectPhoneNumbers(ctx, acct, connectRegion, warden.ConnectPhoneNumberFilter{InstanceID: inst.ID}, warden.ListOptions{})
		noErr(t, err)
		for _, r := range []string{inst.ARN(), user.ARN(), numbers.Items[0].ARN()} {
			res, err := warden.ParseConnectARN(r)
			noErr(t, err)
			noErr(t, s.TagConnectResource(ctx, res, []warden.Tag{{Key: "k", Value: "1"}, {Key: "K", Value: "2"}}))
			noErr(t, s.TagConnectResource(ctx, res, []warden.Tag{{Key: "k", Value: "3"}}))
			noErr(t, s.UntagConnectResource(ctx, res, []string{"K", "absent"}))
			tags, err := s.ConnectResourceTags(ctx, res)
			noErr(t, err)
			if !slices.Equal(tags, []warden.Tag{{Key: "k", Value: "3"}}) {
				t.Errorf("tags of %s = %+v", r, tags)
			}
		}
		many := make([]warden.Tag, warden.MaxConnectTags)
		for i := range many {
			many[i] = warden.Tag{Key: "t" + string(rune('A'+i)), Value: "v"}
		}
		res, err := warden.ParseConnectARN(user.ARN())
		noErr(t, err)
		wantErr(t, s.TagConnectResource(ctx, res, many), warden.ELimitExceeded, "")
		// The failed request added none of its tags.
		tags, err := s.ConnectResourceTags(ctx, res)
		noErr(t, err)
		if len(tags) != 1 {
			t.Errorf("tags after a refused TagConnectResource = %+v", tags)
		}

		for _, missing := range []warden.ConnectResource{
			{Region: connectRegion, AccountID: acct, Type: warden.ConnectTypeUser, InstanceID: inst.ID, ID: warden.NewConnectID()},
			{Region: connectRegion, AccountID: acct, Type: "queue", InstanceID: inst.ID, ID: "q"},
			{Region: "eu-west-1", AccountID: acct, Type: warden.ConnectTypeInstance, InstanceID: inst.ID, ID: inst.ID},
		} {
			wantErr(t, s.TagConnectResource(ctx, missing, []warden.Tag{{Key: "k", Value: "v"}}), warden.ENoSuchEntity, "")
			_, err := s.ConnectResourceTags(ctx, missing)
			wantErr(t, err, warden.ENoSuchEntity, "")
		}

		// Tags go with their resource.
		noErr(t, s.DeleteConnectUser(ctx, acct, connectRegion, inst.ID, user.ID))
		again := createConnectUser(t, s, inst, "bob")
		res, err = warden.ParseConnectARN(again.ARN())
		noErr(t, err)
		if tags, err := s.ConnectResourceTags(ctx, res); err != nil || len(tags) != 0 {
			t.Errorf("tags of a new user = %+v, %v", tags, err)
		}
	})
}
