package sqlstore_test

import (
	"bytes"
	"testing"

	"github.com/warden-iam/warden"
)

func TestVirtualMFADevices(t *testing.T) {
	RunWithStore(t, "Lifecycle", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		createUser(t, s, acct, "bob")
		d, err := s.CreateVirtualMFADevice(ctx, acct, "alice-phone", "/people/")
		noErr(t, err)
		serial := "arn:aws:iam::" + acct + ":mfa/people/alice-phone"
		if d.SerialNumber != serial || len(d.Seed) != warden.MFASeedSize || d.UserName != "" || !d.EnableDate.IsZero() {
			t.Fatalf("CreateVirtualMFADevice = %+v", d)
		}
		other, err := s.CreateVirtualMFADevice(ctx, acct, "spare", "")
		noErr(t, err)
		if bytes.Equal(other.Seed, d.Seed) {
			t.Fatal("two devices share a seed")
		}
		_, err = s.CreateVirtualMFADevice(ctx, acct, "ALICE-PHONE", "/people/")
		wantErr(t, err, warden.EEntityAlreadyExists, "MFADevice entity at the same path and name already exists.")

		got, err := s.VirtualMFADevice(ctx, acct, serial)
		noErr(t, err)
		if !bytes.Equal(got.Seed, d.Seed) {
			t.Fatal("VirtualMFADevice returned a different seed")
		}

		noErr(t, s.EnableMFADevice(ctx, acct, "alice", serial))
		wantErr(t, s.EnableMFADevice(ctx, acct, "bob", serial), warden.EEntityAlreadyExists, "MFA Device is already in use.")
		got, err = s.VirtualMFADevice(ctx, acct, serial)
		noErr(t, err)
		if got.UserName != "alice" {
			t.Fatalf("enabled device = %+v", got)
		}
		recent(t, "EnableDate", got.EnableDate)

		page, err := s.ListMFADevices(ctx, acct, "alice", warden.ListOptions{})
		noErr(t, err)
		if len(page.Items) != 1 || page.Items[0].SerialNumber != serial || page.Items[0].Seed != nil {
			t.Fatalf("ListMFADevices = %+v", page.Items)
		}
		serials := func(status warden.MFAAssignment) string {
			all, _ := collect(t, 1, func(o warden.ListOptions) (*warden.Page[*warden.VirtualMFADevice], error) {
				return s.ListVirtualMFADevices(ctx, acct, status, o)
			})
			for _, d := range all {
				if d.Seed != nil {
					t.Fatalf("ListVirtualMFADevices leaked a seed")
				}
			}
			return names(all, func(d *warden.VirtualMFADevice) string { return d.Name })
		}
		if got := serials(warden.MFAAny); got != "alice-phone,spare" {
			t.Fatalf("Any = %s", got)
		}
		if got := serials(warden.MFAAssigned); got != "alice-phone" {
			t.Fatalf("Assigned = %s", got)
		}
		if got := serials(warden.MFAUnassigned); got != "spare" {
			t.Fatalf("Unassigned = %s", got)
		}
		_, err = s.ListVirtualMFADevices(ctx, acct, "Sometimes", warden.ListOptions{})
		wantErr(t, err, warden.EValidationError, "")

		wantErr(t, s.DeleteVirtualMFADevice(ctx, acct, serial), warden.EDeleteConflict, "MFA Device is in use and cannot be deleted. Deactivate it first.")
		wantErr(t, s.DeactivateMFADevice(ctx, acct, "bob", serial), warden.ENoSuchEntity,
			"MFA Device with serial number "+serial+" is not enabled for user bob.")
		noErr(t, s.DeactivateMFADevice(ctx, acct, "alice", serial))
		noErr(t, s.DeleteVirtualMFADevice(ctx, acct, serial))
		_, err = s.VirtualMFADevice(ctx, acct, serial)
		wantErr(t, err, warden.ENoSuchEntity, "VirtualMFADevice with serial number "+serial+" doesn't exist.")
		wantErr(t, s.DeleteVirtualMFADevice(ctx, acct, serial), warden.ENoSuchEntity, "")
		wantErr(t, s.EnableMFADevice(ctx, acct, "ghost", other.SerialNumber), warden.ENoSuchEntity, "The user with name ghost cannot be found.")
		_, err = s.CreateVirtualMFADevice(ctx, acct, "bad name", "")
		wantErr(t, err, warden.EValidationError, "")
		// Another account does not see the device.
		_, err = s.VirtualMFADevice(ctx, newAccount(t, s), other.SerialNumber)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})

	RunWithStoreOptions(t, "Quota", quotaOptions(func(q *warden.Quotas) { q.MFADevicesPerUser = 1 }), func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		a, err := s.CreateVirtualMFADevice(ctx, acct, "a", "")
		noErr(t, err)
		b, err := s.CreateVirtualMFADevice(ctx, acct, "b", "")
		noErr(t, err)
		noErr(t, s.EnableMFADevice(ctx, acct, "alice", a.SerialNumber))
		wantErr(t, s.EnableMFADevice(ctx, acct, "alice", b.SerialNumber), warden.ELimitExceeded, "Cannot exceed quota for MFADevicesPerUser: 1")
	})
}
