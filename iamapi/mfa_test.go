package iamapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"fmt"
	"hash"
	"image/png"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/totp"
)

// referenceTOTP is RFC 6238 written out from the RFC, independently of
// totpCode, so that the tests check the server against the standard rather
// than against itself.
func referenceTOTP(h func() hash.Hash, secret []byte, at time.Time, digits int) string {
	counter := uint64(at.Unix()) / 30
	msg := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		msg[i] = byte(counter)
		counter >>= 8
	}
	mac := hmac.New(h, secret)
	mac.Write(msg)
	hs := mac.Sum(nil)
	o := int(hs[len(hs)-1] & 0xf)
	bin := int(hs[o]&0x7f)<<24 | int(hs[o+1])<<16 | int(hs[o+2])<<8 | int(hs[o+3])
	mod := 1
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// rfc6238Vectors are the test vectors of RFC 6238 Appendix B: eight-digit
// codes for SHA-1, SHA-256 and SHA-512 with the RFC's seeds.
var rfc6238Vectors = []struct {
	unix                 int64
	sha1, sha256, sha512 string
}{
	{59, "94287082", "46119246", "90693936"},
	{1111111109, "07081804", "68084774", "25091201"},
	{1111111111, "14050471", "67062674", "99943326"},
	{1234567890, "89005924", "91819424", "93441116"},
	{2000000000, "69279037", "90698825", "38618901"},
	{20000000000, "65353130", "77737706", "47863826"},
}

var (
	rfcSeedSHA1   = []byte("12345678901234567890")
	rfcSeedSHA256 = []byte("12345678901234567890123456789012")
	rfcSeedSHA512 = []byte("1234567890123456789012345678901234567890123456789012345678901234")
)

func TestReferenceTOTPMatchesRFC6238(t *testing.T) {
	for _, v := range rfc6238Vectors {
		at := time.Unix(v.unix, 0)
		for _, tt := range []struct {
			name string
			h    func() hash.Hash
			seed []byte
			want string
		}{
			{"SHA1", sha1.New, rfcSeedSHA1, v.sha1},
			{"SHA256", sha256.New, rfcSeedSHA256, v.sha256},
			{"SHA512", sha512.New, rfcSeedSHA512, v.sha512},
		} {
			t.Run(fmt.Sprintf("%s at %d", tt.name, v.unix), func(t *testing.T) {
				if got := referenceTOTP(tt.h, tt.seed, at, 8); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
			})
		}
	}
}

// TestTOTPCodeMatchesRFC6238 checks the server's six-digit codes against
// the RFC's SHA-1 vectors: a six-digit code is the last six digits of the
// eight-digit one.
func TestTOTPCodeMatchesRFC6238(t *testing.T) {
	for _, v := range rfc6238Vectors {
		t.Run(fmt.Sprint(v.unix), func(t *testing.T) {
			if got := totp.Code(rfcSeedSHA1, v.unix/totp.Step); string(got[:]) != v.sha1[2:] {
				t.Errorf("got %s, want %s", got[:], v.sha1[2:])
			}
		})
	}
}

func TestConsecutiveCodes(t *testing.T) {
	seed := rfcSeedSHA1
	now := time.Unix(1234567890, 0)
	code := func(steps int) string {
		return referenceTOTP(sha1.New, seed, now.Add(time.Duration(steps)*totp.Step*time.Second), 6)
	}
	for _, tt := range []struct {
		name         string
		code1, code2 string
		ok           bool
	}{
		{"previous and current step", code(-1), code(0), true},
		{"current and next step", code(0), code(1), true},
		{"one step late", code(-2), code(-1), true},
		{"two steps late", code(-3), code(-2), false},
		{"two steps early", code(1), code(2), false},
		{"in the wrong order", code(0), code(-1), false},
		{"the same code twice", code(0), code(0), false},
		{"a step apart", code(-1), code(1), false},
		{"a wrong second code", code(-1), "000000", code(0) == "000000"},
		{"too short", code(-1)[:5], code(0), false},
		{"not digits", "abcdef", code(0), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := totp.Consecutive(seed, now, tt.code1, tt.code2); got != tt.ok {
				t.Errorf("totp.Consecutive(%s, %s) = %v", tt.code1, tt.code2, got)
			}
		})
	}
}

// mfaCodes returns two consecutive codes of a device at now, as a user
// would type them from an authenticator app.
func mfaCodes(t testing.TB, base32Seed []byte, now time.Time) (string, string) {
	t.Helper()
	seed, err := base32.StdEncoding.DecodeString(string(base32Seed))
	if err != nil {
		t.Fatalf("Base32StringSeed %q: %v", base32Seed, err)
	}
	return referenceTOTP(sha1.New, seed, now.Add(-totp.Step*time.Second), 6), referenceTOTP(sha1.New, seed, now, 6)
}

func (f *identityFixture) createMFADevice(t testing.TB, c *authz.Caller, name string) s.VirtualMFADevice {
	t.Helper()
	out, err := identityCall[*s.CreateVirtualMFADeviceOutput](t, f, c, "CreateVirtualMFADevice", &s.CreateVirtualMFADeviceInput{VirtualMFADeviceName: name})
	mustOK(t, err)
	return out.VirtualMFADevice
}

func TestVirtualMFADeviceLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	now := time.Date(2025, 6, 1, 12, 0, 10, 0, time.UTC)
	f.api.now = func() time.Time { return now }
	f.user(t, "alice")

	out, err := identityCall[*s.CreateVirtualMFADeviceOutput](t, f, f.root, "CreateVirtualMFADevice",
		&s.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "alice-phone", Path: aws.String("/care/")})
	mustOK(t, err)
	device := out.VirtualMFADevice
	if device.SerialNumber != "arn:aws:iam::123456789012:mfa/care/alice-phone" || len(device.Base32StringSeed) != 64 || device.User != nil {
		t.Fatalf("CreateVirtualMFADevice = %+v", device)
	}
	if img, err := png.Decode(bytes.NewReader(device.QRCodePNG)); err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("QRCodePNG is not a QR code image: %v", err)
	}
	_, err = identityCall[*s.CreateVirtualMFADeviceOutput](t, f, f.root, "CreateVirtualMFADevice",
		&s.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "alice-phone", Path: aws.String("/care/")})
	assertAWSError(t, err, warden.EEntityAlreadyExists, "MFADevice entity at the same path and name already exists.")
	_, err = identityCall[*s.CreateVirtualMFADeviceOutput](t, f, f.root, "CreateVirtualMFADevice",
		&s.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "tagged", Tags: []s.Tag{{Key: "team", Value: "care"}}})
	assertAWSError(t, err, warden.ENotImplemented, "")
	spare := f.createMFADevice(t, f.root, "spare")

	code1, code2 := mfaCodes(t, device.Base32StringSeed, now)
	enable := func(userName, serial, code1, code2 string) error {
		return f.run(t, f.root, "EnableMFADevice", &s.EnableMFADeviceInput{UserName: userName, SerialNumber: serial, AuthenticationCode1: code1, AuthenticationCode2: code2})
	}
	assertAWSError(t, enable("alice", device.SerialNumber, code2, code1), warden.EInvalidAuthenticationCode, "Authentication code for device is not valid.")
	stale1, stale2 := mfaCodes(t, device.Base32StringSeed, now.Add(-3*totp.Step*time.Second))
	assertAWSError(t, enable("alice", device.SerialNumber, stale1, stale2), warden.EInvalidAuthenticationCode, "")
	assertAWSError(t, enable("nobody", device.SerialNumber, code1, code2), warden.ENoSuchEntity, "The user with name nobody cannot be found.")
	assertAWSError(t, enable("alice", "arn:aws:iam::123456789012:mfa/none", code1, code2), warden.ENoSuchEntity,
		"VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/none doesn't exist.")
	mustOK(t, enable("alice", device.SerialNumber, code1, code2))
	f.user(t, "bob")
	assertAWSError(t, enable("bob", device.SerialNumber, code1, code2), warden.EEntityAlreadyExists, "MFA Device is already in use.")

	listed, err := identityCall[*s.ListMFADevicesOutput](t, f, f.root, "ListMFADevices", &s.ListMFADevicesInput{UserName: aws.String("alice")})
	mustOK(t, err)
	if len(listed.MFADevices) != 1 || listed.MFADevices[0].SerialNumber != device.SerialNumber || listed.MFADevices[0].UserName != "alice" || listed.MFADevices[0].EnableDate.IsZero() {
		t.Errorf("ListMFADevices = %+v", listed.MFADevices)
	}
	for _, tt := range []struct {
		status *s.AssignmentStatusType
		want   []string
	}{
		{nil, []string{device.SerialNumber, spare.SerialNumber}},
		{new(s.AssignmentStatusTypeAssigned), []string{device.SerialNumber}},
		{new(s.AssignmentStatusTypeUnassigned), []string{spare.SerialNumber}},
	} {
		t.Run(fmt.Sprintf("ListVirtualMFADevices %v", aws.ToString((*string)(tt.status))), func(t *testing.T) {
			out, err := identityCall[*s.ListVirtualMFADevicesOutput](t, f, f.root, "ListVirtualMFADevices", &s.ListVirtualMFADevicesInput{AssignmentStatus: tt.status})
			mustOK(t, err)
			var serials []string
			for _, d := range out.VirtualMFADevices {
				serials = append(serials, d.SerialNumber)
				assigned := d.SerialNumber == device.SerialNumber
				if d.Base32StringSeed != nil || (d.User != nil) != assigned || (d.EnableDate != nil) != assigned || assigned && d.User.UserName != "alice" {
					t.Errorf("listed device %+v", d)
				}
			}
			if !slices.Equal(serials, tt.want) {
				t.Errorf("serials %v, want %v", serials, tt.want)
			}
		})
	}

	later := now.Add(10 * time.Minute)
	f.api.now = func() time.Time { return later }
	resync1, resync2 := mfaCodes(t, device.Base32StringSeed, later)
	resync := func(userName, serial, code1, code2 string) error {
		return f.run(t, f.root, "ResyncMFADevice", &s.ResyncMFADeviceInput{UserName: userName, SerialNumber: serial, AuthenticationCode1: code1, AuthenticationCode2: code2})
	}
	mustOK(t, resync("alice", device.SerialNumber, resync1, resync2))
	assertAWSError(t, resync("alice", device.SerialNumber, code1, code2), warden.EInvalidAuthenticationCode, "")
	assertAWSError(t, resync("bob", device.SerialNumber, resync1, resync2), warden.ENoSuchEntity,
		"MFA Device with serial number "+device.SerialNumber+" is not enabled for user bob.")

	assertAWSError(t, f.run(t, f.root, "DeleteVirtualMFADevice", &s.DeleteVirtualMFADeviceInput{SerialNumber: device.SerialNumber}),
		warden.EDeleteConflict, "MFA Device is in use and cannot be deleted. Deactivate it first.")
	assertAWSError(t, f.run(t, f.root, "DeactivateMFADevice", &s.DeactivateMFADeviceInput{UserName: aws.String("bob"), SerialNumber: device.SerialNumber}),
		warden.ENoSuchEntity, "MFA Device with serial number "+device.SerialNumber+" is not enabled for user bob.")
	mustOK(t, f.run(t, f.root, "DeactivateMFADevice", &s.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: device.SerialNumber}))
	mustOK(t, f.run(t, f.root, "DeleteVirtualMFADevice", &s.DeleteVirtualMFADeviceInput{SerialNumber: device.SerialNumber}))
	assertAWSError(t, f.run(t, f.root, "DeleteVirtualMFADevice", &s.DeleteVirtualMFADeviceInput{SerialNumber: device.SerialNumber}), warden.ENoSuchEntity, "")
}

func TestMFADevicesOfTheCaller(t *testing.T) {
	f := newIdentityFixture(t)
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.api.now = func() time.Time { return now }
	bob := f.user(t, "bob")
	f.allow(t, "bob", ownCredentialsPolicy)
	f.user(t, "alice")
	device := f.createMFADevice(t, f.root, "bob-phone")
	code1, code2 := mfaCodes(t, device.Base32StringSeed, now)

	mustOK(t, f.run(t, bob, "EnableMFADevice", &s.EnableMFADeviceInput{UserName: "bob", SerialNumber: device.SerialNumber, AuthenticationCode1: code1, AuthenticationCode2: code2}))
	listed, err := identityCall[*s.ListMFADevicesOutput](t, f, bob, "ListMFADevices", &s.ListMFADevicesInput{})
	mustOK(t, err)
	if len(listed.MFADevices) != 1 || listed.MFADevices[0].UserName != "bob" {
		t.Errorf("bob's own devices: %+v", listed.MFADevices)
	}
	_, err = identityCall[*s.ListMFADevicesOutput](t, f, bob, "ListMFADevices", &s.ListMFADevicesInput{UserName: aws.String("alice")})
	assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:ListMFADevices on resource: arn:aws:iam::123456789012:user/alice")
	_, err = identityCall[*s.ListVirtualMFADevicesOutput](t, f, bob, "ListVirtualMFADevices", &s.ListVirtualMFADevicesInput{})
	assertAWSError(t, err, warden.EAccessDenied, "")
	mustOK(t, f.run(t, bob, "DeactivateMFADevice", &s.DeactivateMFADeviceInput{SerialNumber: device.SerialNumber}))

	// The root user has no devices in Warden.
	rootDevices, err := identityCall[*s.ListMFADevicesOutput](t, f, f.root, "ListMFADevices", &s.ListMFADevicesInput{})
	mustOK(t, err)
	if len(rootDevices.MFADevices) != 0 || rootDevices.IsTruncated {
		t.Errorf("root devices: %+v", rootDevices)
	}
}

func BenchmarkConsecutiveCodes(b *testing.B) {
	seed := make([]byte, warden.MFASeedSize)
	now := time.Unix(1750000000, 0)
	code1, code2 := referenceTOTP(sha1.New, seed, now.Add(-totp.Step*time.Second), 6), referenceTOTP(sha1.New, seed, now, 6)
	b.ReportAllocs()
	for b.Loop() {
		if !totp.Consecutive(seed, now, code1, code2) {
			b.Fatal("codes refused")
		}
	}
}

func TestOTPAuthURI(t *testing.T) {
	got := otpauthURI("alice-phone", "123456789012", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Warden:alice-phone@123456789012?algorithm=SHA1&digits=6&issuer=Warden&period=30&secret=JBSWY3DPEHPK3PXP"
	if got != want {
		t.Errorf("otpauthURI = %s, want %s", got, want)
	}
}
