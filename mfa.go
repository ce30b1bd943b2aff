package warden

import (
	"context"
	"time"
)

// VirtualMFADevice is a TOTP authenticator registered with IAM. Its serial
// number is its ARN, arn:aws:iam::ACCOUNT:mfa/PATH/NAME. The seed is the
// shared TOTP secret; stores keep it encrypted.
type VirtualMFADevice struct {
	AccountID    string
	SerialNumber string
	Name         string
	Path         string
	// Seed is set only in the results of CreateVirtualMFADevice and
	// VirtualMFADevice; lists leave it nil.
	Seed       []byte
	UserName   string    // the user it is enabled for; empty when unassigned
	EnableDate time.Time // zero when unassigned
	CreateDate time.Time
}

// MFASeedSize is the size of a generated TOTP seed in bytes; base32-encoded
// it gives the 64-character Base32StringSeed IAM returns.
const MFASeedSize = 40

// MFAAssignment selects virtual MFA devices by assignment
// (ListVirtualMFADevices AssignmentStatus).
type MFAAssignment string

const (
	MFAAny        MFAAssignment = "Any"
	MFAAssigned   MFAAssignment = "Assigned"
	MFAUnassigned MFAAssignment = "Unassigned"
)

// ValidateCreateVirtualMFADevice checks the parameters of
// CreateVirtualMFADevice.
//
// Returns ValidationError.
func ValidateCreateVirtualMFADevice(name, path string) error {
	var v validator
	v.field("virtualMFADeviceName", name, 1, 226, entityNameRE, entityNamePattern)
	if path != "" {
		v.path("path", path)
	}
	return v.err()
}

// MFADeviceService manages virtual MFA devices. Checking the two
// consecutive codes EnableMFADevice requires is the caller's job (it has the
// seed from VirtualMFADevice); the store records the outcome.
//
// Methods taking a serial number return NoSuchEntity ("VirtualMFADevice
// with serial number SERIAL doesn't exist.") for an unknown device, and
// methods taking a user name return NoSuchEntity ("The user with name NAME
// cannot be found.") for an unknown user.
type MFADeviceService interface {
	// CreateVirtualMFADevice creates an unassigned device with a fresh
	// random seed of MFASeedSize bytes; path "" means "/".
	//
	// Returns EntityAlreadyExists ("MFADevice entity at the same path and
	// name already exists.") and ValidationError.
	CreateVirtualMFADevice(ctx context.Context, account, name, path string) (*VirtualMFADevice, error)

	// VirtualMFADevice returns a device with its seed.
	VirtualMFADevice(ctx context.Context, account, serial string) (*VirtualMFADevice, error)

	// ListVirtualMFADevices returns the account's devices ordered by serial
	// number.
	ListVirtualMFADevices(ctx context.Context, account string, status MFAAssignment, opts ListOptions) (*Page[*VirtualMFADevice], error)

	// ListMFADevices returns the devices enabled for a user.
	ListMFADevices(ctx context.Context, account, userName string, opts ListOptions) (*Page[*VirtualMFADevice], error)

	// EnableMFADevice assigns a device to a user.
	//
	// Returns EntityAlreadyExists ("MFA Device is already in use.") when the
	// device is assigned, and LimitExceeded ("Cannot exceed quota for
	// MFADevicesPerUser: 8").
	EnableMFADevice(ctx context.Context, account, userName, serial string) error

	// DeactivateMFADevice unassigns a device from a user.
	//
	// Returns NoSuchEntity ("MFA Device with serial number SERIAL is not
	// enabled for user NAME.") when it is not assigned to that user.
	DeactivateMFADevice(ctx context.Context, account, userName, serial string) error

	// DeleteVirtualMFADevice deletes an unassigned device.
	//
	// Returns DeleteConflict ("MFA Device is in use and cannot be deleted.
	// Deactivate it first.") while it is assigned.
	DeleteVirtualMFADevice(ctx context.Context, account, serial string) error
}
