package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"

	"github.com/warden-iam/warden"
)

const mfaColumns = `d.serial, d.account_id, d.name, d.path, d.seed, d.user_id, u.name, d.enabled_at, d.created_at`

// scanMFADevice reads a device row and the ID of the user it is enabled
// for; the seed is opened only when withSeed.
func (s *Store) scanMFADevice(row interface{ Scan(...any) error }, withSeed bool) (*warden.VirtualMFADevice, string, error) {
	var d warden.VirtualMFADevice
	var sealed []byte
	var userID, user sql.NullString
	var enabled sql.NullInt64
	var created int64
	if err := row.Scan(&d.SerialNumber, &d.AccountID, &d.Name, &d.Path, &sealed, &userID, &user, &enabled, &created); err != nil {
		return nil, "", err
	}
	d.UserName, d.CreateDate = user.String, fromMicros(created)
	if enabled.Valid {
		d.EnableDate = fromMicros(enabled.Int64)
	}
	if withSeed {
		seed, err := s.keys.open(d.SerialNumber, sealed)
		if err != nil {
			return nil, "", err
		}
		d.Seed = seed
	}
	return &d, userID.String, nil
}

func mfaNotFound(serial string) error {
	return warden.Errorf(warden.ENoSuchEntity, "VirtualMFADevice with serial number %s doesn't exist.", serial)
}

// findMFADevice returns the account's device with the given serial number,
// compared without case like the names it is built from.
func (s *Store) findMFADevice(ctx context.Context, q querier, account, serial string, withSeed bool) (*warden.VirtualMFADevice, string, error) {
	d, owner, err := s.scanMFADevice(q.QueryRowContext(ctx, `SELECT `+mfaColumns+` FROM mfa_devices d LEFT JOIN users u ON u.id = d.user_id
		WHERE d.account_id = $1 AND d.serial_key = $2`, account, strings.ToLower(serial)), withSeed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", mfaNotFound(serial)
	}
	return d, owner, err
}

func (s *Store) CreateVirtualMFADevice(ctx context.Context, account, name, path string) (*warden.VirtualMFADevice, error) {
	if err := warden.ValidateCreateVirtualMFADevice(name, path); err != nil {
		return nil, err
	}
	d := &warden.VirtualMFADevice{AccountID: account, Name: name, Path: pathOrRoot(path), Seed: make([]byte, warden.MFASeedSize)}
	d.SerialNumber = warden.IAMARN(account, "mfa", d.Path, d.Name)
	rand.Read(d.Seed)
	err := s.update(ctx, "sqlstore.CreateVirtualMFADevice", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM mfa_devices WHERE account_id = $1 AND serial_key = $2`,
			account, strings.ToLower(d.SerialNumber)); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "MFADevice entity at the same path and name already exists.")
		}
		d.CreateDate = s.clock()
		_, err := tx.ExecContext(ctx, `INSERT INTO mfa_devices (serial, account_id, serial_key, name, path, seed, user_id, enabled_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7)`,
			d.SerialNumber, account, strings.ToLower(d.SerialNumber), d.Name, d.Path, s.keys.seal(d.SerialNumber, d.Seed), micros(d.CreateDate))
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) VirtualMFADevice(ctx context.Context, account, serial string) (*warden.VirtualMFADevice, error) {
	var d *warden.VirtualMFADevice
	err := s.view(ctx, "sqlstore.VirtualMFADevice", func(tx querier) (err error) {
		d, _, err = s.findMFADevice(ctx, tx, account, serial, true)
		return err
	})
	return d, err
}

func (s *Store) ListVirtualMFADevices(ctx context.Context, account string, status warden.MFAAssignment, opts warden.ListOptions) (*warden.Page[*warden.VirtualMFADevice], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var assigned, unassigned bool
	switch status {
	case "", warden.MFAAny:
		assigned, unassigned = true, true
	case warden.MFAAssigned:
		assigned = true
	case warden.MFAUnassigned:
		unassigned = true
	default:
		return nil, warden.Errorf(warden.EValidationError,
			"1 validation error detected: Value '%s' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]", status)
	}
	var devices []*warden.VirtualMFADevice
	err = s.view(ctx, "sqlstore.ListVirtualMFADevices", func(tx querier) error {
		devices, err = s.queryMFADevices(ctx, tx, `SELECT `+mfaColumns+` FROM mfa_devices d LEFT JOIN users u ON u.id = d.user_id
			WHERE d.account_id = $1 AND d.serial_key > $2
				AND ($3 = 1 AND d.user_id IS NOT NULL OR $4 = 1 AND d.user_id IS NULL)
			ORDER BY d.serial_key LIMIT $5`, account, pq.after, flag(assigned), flag(unassigned), pq.fetch())
		return err
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, devices, func(d *warden.VirtualMFADevice) string { return strings.ToLower(d.SerialNumber) }), nil
}

func (s *Store) queryMFADevices(ctx context.Context, q querier, query string, args ...any) ([]*warden.VirtualMFADevice, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var devices []*warden.VirtualMFADevice
	for rows.Next() {
		d, _, err := s.scanMFADevice(rows, false)
		if err != nil {
			return nil, err
		}
		devices = append(devices, d)
	}
	return devices, rows.Err()
}

func (s *Store) ListMFADevices(ctx context.Context, account, userName string, opts warden.ListOptions) (*warden.Page[*warden.VirtualMFADevice], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var devices []*warden.VirtualMFADevice
	err = s.view(ctx, "sqlstore.ListMFADevices", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		devices, err = s.queryMFADevices(ctx, tx, `SELECT `+mfaColumns+` FROM mfa_devices d JOIN users u ON u.id = d.user_id
			WHERE d.user_id = $1`, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return pageOf(pq, devices, func(d *warden.VirtualMFADevice) string { return strings.ToLower(d.SerialNumber) }), nil
}

func (s *Store) EnableMFADevice(ctx context.Context, account, userName, serial string) error {
	return s.update(ctx, "sqlstore.EnableMFADevice", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		d, _, err := s.findMFADevice(ctx, tx, account, serial, false)
		if err != nil {
			return err
		}
		if d.UserName != "" {
			return warden.Errorf(warden.EEntityAlreadyExists, "MFA Device is already in use.")
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM mfa_devices WHERE user_id = $1`, u.ID); err != nil {
			return err
		} else if n >= s.quotas.MFADevicesPerUser {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for MFADevicesPerUser: %d", s.quotas.MFADevicesPerUser)
		}
		_, err = tx.ExecContext(ctx, `UPDATE mfa_devices SET user_id = $1, enabled_at = $2 WHERE serial = $3`,
			u.ID, micros(s.clock()), d.SerialNumber)
		return err
	})
}

func (s *Store) DeactivateMFADevice(ctx context.Context, account, userName, serial string) error {
	return s.update(ctx, "sqlstore.DeactivateMFADevice", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		d, owner, err := s.findMFADevice(ctx, tx, account, serial, false)
		if err != nil {
			return err
		}
		if owner != u.ID {
			return warden.Errorf(warden.ENoSuchEntity, "MFA Device with serial number %s is not enabled for user %s.", serial, u.Name)
		}
		_, err = tx.ExecContext(ctx, `UPDATE mfa_devices SET user_id = NULL, enabled_at = NULL WHERE serial = $1`, d.SerialNumber)
		return err
	})
}

func (s *Store) DeleteVirtualMFADevice(ctx context.Context, account, serial string) error {
	return s.update(ctx, "sqlstore.DeleteVirtualMFADevice", func(tx querier) error {
		d, owner, err := s.findMFADevice(ctx, tx, account, serial, false)
		if err != nil {
			return err
		}
		if owner != "" {
			return warden.Errorf(warden.EDeleteConflict, "MFA Device is in use and cannot be deleted. Deactivate it first.")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM mfa_devices WHERE serial = $1`, d.SerialNumber)
		return err
	})
}
