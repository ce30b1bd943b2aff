package iamapi

import (
	"context"
	"encoding/base32"
	"net/url"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/totp"
)

func (a *API) registerMFA() {
	register(a, "CreateVirtualMFADevice", a.createVirtualMFADevice)
	registerNoResult(a, "EnableMFADevice", a.enableMFADevice)
	registerNoResult(a, "ResyncMFADevice", a.resyncMFADevice)
	registerNoResult(a, "DeactivateMFADevice", a.deactivateMFADevice)
	register(a, "ListMFADevices", a.listMFADevices)
	register(a, "ListVirtualMFADevices", a.listVirtualMFADevices)
	registerNoResult(a, "DeleteVirtualMFADevice", a.deleteVirtualMFADevice)
}

// errAuthenticationCode answers codes that are not the device's.
func errAuthenticationCode() error {
	return warden.Errorf(warden.EInvalidAuthenticationCode, "Authentication code for device is not valid.")
}

// createVirtualMFADevice returns the seed as IAM does: base32-encoded, and
// as a QR code of the otpauth://totp URI authenticator apps scan (the
// encoder then base64-encodes both blobs for the wire).
func (a *API) createVirtualMFADevice(ctx context.Context, c *authz.Caller, in *s.CreateVirtualMFADeviceInput) (*s.CreateVirtualMFADeviceOutput, error) {
	tags := tagsIn(in.Tags)
	call := &authz.Call{
		Action:      "iam:CreateVirtualMFADevice",
		Resource:    warden.IAMARN(account(c), "mfa", deref(in.Path, "/"), in.VirtualMFADeviceName),
		RequestTags: tags,
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		// Refused rather than dropped: the store keeps no tags on
		// devices yet.
		return nil, warden.Errorf(warden.ENotImplemented, "Warden does not keep tags on virtual MFA devices; create the device without Tags.")
	}
	d, err := a.store.CreateVirtualMFADevice(ctx, account(c), in.VirtualMFADeviceName, deref(in.Path, ""))
	if err != nil {
		return nil, err
	}
	secret := base32.StdEncoding.EncodeToString(d.Seed)
	png, err := qrcode.Encode(otpauthURI(in.VirtualMFADeviceName, account(c), secret), qrcode.Medium, 256)
	if err != nil {
		return nil, &warden.Error{Code: warden.EServiceFailure, Message: "The QR code could not be made.", Err: err}
	}
	return &s.CreateVirtualMFADeviceOutput{VirtualMFADevice: s.VirtualMFADevice{SerialNumber: d.SerialNumber, Base32StringSeed: []byte(secret), QRCodePNG: png}}, nil
}

// otpauthURI is the Key URI Format authenticator apps read: the label
// names the device and account, the secret is the base32 seed.
func otpauthURI(device, account, secret string) string {
	label := url.PathEscape("Warden:" + device + "@" + account)
	q := url.Values{"secret": {strings.TrimRight(secret, "=")}, "issuer": {"Warden"}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// mfaTarget authorizes an action on a user and returns the device to
// act on with its seed. Unknown users are NoSuchEntity before unknown
// devices, as the store would answer.
func (a *API) mfaTarget(ctx context.Context, c *authz.Caller, action, userName, serial string) (*warden.User, *warden.VirtualMFADevice, error) {
	u, err := a.authorizeUser(ctx, c, action, userName, nil)
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, noSuchUser(userName)
	}
	d, err := a.store.VirtualMFADevice(ctx, account(c), serial)
	if err != nil {
		return nil, nil, err
	}
	return u, d, nil
}

func (a *API) enableMFADevice(ctx context.Context, c *authz.Caller, in *s.EnableMFADeviceInput) error {
	u, d, err := a.mfaTarget(ctx, c, "iam:EnableMFADevice", in.UserName, in.SerialNumber)
	if err != nil {
		return err
	}
	if d.UserName != "" {
		return warden.Errorf(warden.EEntityAlreadyExists, "MFA Device is already in use.")
	}
	if !totp.Consecutive(d.Seed, a.now(), in.AuthenticationCode1, in.AuthenticationCode2) {
		return errAuthenticationCode()
	}
	return a.store.EnableMFADevice(ctx, account(c), u.Name, d.SerialNumber)
}

// resyncMFADevice checks that the device is the user's and that it gives
// two consecutive codes. The store keeps no clock offset per device, so
// there is nothing to record: a device whose clock has drifted beyond the
// window fails here as it would at sign-in.
func (a *API) resyncMFADevice(ctx context.Context, c *authz.Caller, in *s.ResyncMFADeviceInput) error {
	u, d, err := a.mfaTarget(ctx, c, "iam:ResyncMFADevice", in.UserName, in.SerialNumber)
	if err != nil {
		return err
	}
	if !strings.EqualFold(d.UserName, u.Name) {
		return warden.Errorf(warden.ENoSuchEntity, "MFA Device with serial number %s is not enabled for user %s.", in.SerialNumber, u.Name)
	}
	if !totp.Consecutive(d.Seed, a.now(), in.AuthenticationCode1, in.AuthenticationCode2) {
		return errAuthenticationCode()
	}
	return nil
}

func (a *API) deactivateMFADevice(ctx context.Context, c *authz.Caller, in *s.DeactivateMFADeviceInput) error {
	owner, err := a.credentialOwner(ctx, c, "iam:DeactivateMFADevice", in.UserName, false)
	if err != nil {
		return err
	}
	return a.store.DeactivateMFADevice(ctx, account(c), owner, in.SerialNumber)
}

// listMFADevices lists a user's devices; the root user, for whom Warden
// keeps none, has an empty list.
func (a *API) listMFADevices(ctx context.Context, c *authz.Caller, in *s.ListMFADevicesInput) (*s.ListMFADevicesOutput, error) {
	owner, err := a.credentialOwner(ctx, c, "iam:ListMFADevices", in.UserName, true)
	if err != nil {
		return nil, err
	}
	opts := listOptions(nil, in.Marker, in.MaxItems)
	out := &s.ListMFADevicesOutput{MFADevices: []s.MFADevice{}}
	if owner == "" {
		if err := opts.Validate(); err != nil {
			return nil, err
		}
		return out, nil
	}
	page, err := a.store.ListMFADevices(ctx, account(c), owner, opts)
	if err != nil {
		return nil, err
	}
	for _, d := range page.Items {
		out.MFADevices = append(out.MFADevices, s.MFADevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: d.EnableDate})
	}
	out.IsTruncated, out.Marker = page.IsTruncated, marker(page)
	return out, nil
}

func (a *API) listVirtualMFADevices(ctx context.Context, c *authz.Caller, in *s.ListVirtualMFADevicesInput) (*s.ListVirtualMFADevicesOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListVirtualMFADevices", Resource: listResource(c, "mfa", nil)}); err != nil {
		return nil, err
	}
	status := warden.MFAAny
	if in.AssignmentStatus != nil {
		status = warden.MFAAssignment(*in.AssignmentStatus)
	}
	page, err := a.store.ListVirtualMFADevices(ctx, account(c), status, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListVirtualMFADevicesOutput{VirtualMFADevices: make([]s.VirtualMFADevice, 0, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, d := range page.Items {
		v := s.VirtualMFADevice{SerialNumber: d.SerialNumber}
		if d.UserName != "" {
			u, err := a.store.User(ctx, account(c), d.UserName)
			switch {
			case err == nil:
				user := userOut(u)
				user.Tags = nil // as in ListUsers: lists leave tags out
				v.User, v.EnableDate = &user, &d.EnableDate
			case warden.ErrorCode(err) != warden.ENoSuchEntity:
				return nil, err
			}
		}
		out.VirtualMFADevices = append(out.VirtualMFADevices, v)
	}
	return out, nil
}

func (a *API) deleteVirtualMFADevice(ctx context.Context, c *authz.Caller, in *s.DeleteVirtualMFADeviceInput) error {
	// The serial number of a virtual device is its ARN.
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:DeleteVirtualMFADevice", Resource: in.SerialNumber}); err != nil {
		return err
	}
	return a.store.DeleteVirtualMFADevice(ctx, account(c), in.SerialNumber)
}
