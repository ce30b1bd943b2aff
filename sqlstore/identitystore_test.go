package sqlstore_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/warden-iam/warden"
)

func TestIdentityStoreCreatedOnce(t *testing.T) {
	RunWithStore(t, "once", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		// Concurrent first uses agree on one store.
		ids := make([]string, 4)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				st, err := s.IdentityStore(ctx, acct)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = st.ID
			})
		}
		wg.Wait()
		if ids[0] == "" || slices.ContainsFunc(ids, func(id string) bool { return id != ids[0] }) {
			t.Fatalf("identity stores %v", ids)
		}
		if !warden.ValidIdentityStoreID(ids[0]) {
			t.Errorf("ID %s is not of the form d-1234567890", ids[0])
		}
		st, err := s.IdentityStore(ctx, other)
		noErr(t, err)
		if st.ID == ids[0] || st.ARN() != "arn:aws:identitystore::"+other+":identitystore/"+st.ID {
			t.Errorf("the other account's store: %+v, %s", st, st.ARN())
		}
		_, err = s.IdentityStore(ctx, "999999999999")
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}

func TestIdentityStoreUsers(t *testing.T) {
	RunWithStore(t, "users", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		st, err := s.IdentityStore(ctx, acct)
		noErr(t, err)
		otherStore, err := s.IdentityStore(ctx, other)
		noErr(t, err)

		in := warden.IdentityStoreUser{IdentityStoreID: st.ID, UserName: "dr.jones", DisplayName: "Dr. Indiana Jones",
			Name:   warden.PersonName{GivenName: "Indiana", FamilyName: "Jones", HonorificPrefix: "Dr."},
			Emails: []warden.IdentityStoreEmail{{Value: "jones@example.com", Type: "work", Primary: true}},
			Title:  "Cardiologist", CreatedBy: "arn:aws:iam::" + acct + ":root"}
		jones, err := s.CreateIdentityStoreUser(ctx, in)
		noErr(t, err)
		if !warden.ValidIdentityStoreUserID(jones.ID) || jones.ID[:10] != st.ID[2:] || jones.ARN() != "arn:aws:identitystore:::user/"+jones.ID {
			t.Fatalf("user ID %s (ARN %s) of store %s", jones.ID, jones.ARN(), st.ID)
		}
		got, err := s.IdentityStoreUser(ctx, st.ID, jones.ID)
		noErr(t, err)
		if got.UserName != "dr.jones" || got.Name != in.Name || !slices.Equal(got.Emails, in.Emails) || got.Title != "Cardiologist" ||
			got.DisplayName != in.DisplayName || got.CreatedBy != in.CreatedBy || !got.CreatedAt.Equal(jones.CreatedAt) {
			t.Fatalf("IdentityStoreUser = %+v", got)
		}

		_, err = s.CreateIdentityStoreUser(ctx, in)
		wantErr(t, err, warden.EEntityAlreadyExists, "")
		// User names are unique per store.
		in.IdentityStoreID = otherStore.ID
		_, err = s.CreateIdentityStoreUser(ctx, in)
		noErr(t, err)
		in.IdentityStoreID, in.UserName = "d-0000000000", "nobody"
		_, err = s.CreateIdentityStoreUser(ctx, in)
		wantErr(t, err, warden.ENoSuchEntity, "")
		in.IdentityStoreID, in.UserName = st.ID, "AWSAdministrators"
		_, err = s.CreateIdentityStoreUser(ctx, in)
		wantErr(t, err, warden.EValidationError, "")

		// A user is found in its own store only.
		_, err = s.IdentityStoreUser(ctx, otherStore.ID, jones.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")

		var created []string
		for _, name := range []string{"a", "b", "c"} {
			u, err := s.CreateIdentityStoreUser(ctx, warden.IdentityStoreUser{IdentityStoreID: st.ID, UserName: name})
			noErr(t, err)
			created = append(created, u.ID)
		}
		var listed []string
		opts := warden.ListOptions{MaxItems: 2}
		for {
			page, err := s.ListIdentityStoreUsers(ctx, st.ID, "", opts)
			noErr(t, err)
			for _, u := range page.Items {
				listed = append(listed, u.ID)
			}
			if !page.IsTruncated {
				break
			}
			opts.Marker = page.Marker
		}
		want := append(created, jones.ID)
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Fatalf("listed %v, want %v", listed, want)
		}
		byName, err := s.ListIdentityStoreUsers(ctx, st.ID, "dr.jones", warden.ListOptions{})
		noErr(t, err)
		if len(byName.Items) != 1 || byName.Items[0].ID != jones.ID {
			t.Fatalf("by user name: %+v", byName.Items)
		}

		noErr(t, s.DeleteIdentityStoreUser(ctx, st.ID, jones.ID))
		wantErr(t, s.DeleteIdentityStoreUser(ctx, st.ID, jones.ID), warden.ENoSuchEntity, "")
		_, err = s.IdentityStoreUser(ctx, st.ID, jones.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}
