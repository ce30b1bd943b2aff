package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/warden-iam/warden"
)

// keyOwner resolves the owner of access keys named by userName: the user,
// or the account's root user when the name is empty (ownerID nil).
func (s *Store) keyOwner(ctx context.Context, q querier, account, userName string) (ownerID *string, err error) {
	if userName == "" {
		if _, err := s.account(ctx, q, account); err != nil {
			return nil, err
		}
		return nil, nil
	}
	u, err := s.findUser(ctx, q, account, userName)
	if err != nil {
		return nil, err
	}
	return &u.ID, nil
}

func keyNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

// insertAccessKey creates an active key for the owner, sealing its secret
// with the key ID as additional data.
func (s *Store) insertAccessKey(ctx context.Context, tx querier, account string, ownerID *string, userName string) (*warden.AccessKey, error) {
	n, err := count(ctx, tx, `SELECT count(*) FROM access_keys WHERE account_id = $1 AND user_id IS NOT DISTINCT FROM $2`, account, ownerID)
	if err != nil {
		return nil, err
	}
	if n >= s.quotas.AccessKeysPerUser {
		return nil, warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", s.quotas.AccessKeysPerUser)
	}
	key := &warden.AccessKey{
		AccountID:       account,
		UserName:        userName,
		SecretAccessKey: warden.NewSecretAccessKey(),
		Status:          warden.AccessKeyActive,
		CreateDate:      s.clock(),
	}
	for {
		key.ID = warden.NewAccessKeyID()
		// 80 random bits make a collision all but impossible; checking
		// costs one indexed read.
		if taken, err := count(ctx, tx, `SELECT count(*) FROM access_keys WHERE id = $1`, key.ID); err != nil {
			return nil, err
		} else if taken == 0 {
			break
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO access_keys (id, account_id, user_id, secret, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		key.ID, account, ownerID, s.keys.seal(key.ID, []byte(key.SecretAccessKey)), string(key.Status), micros(key.CreateDate))
	return key, err
}

func (s *Store) CreateAccessKey(ctx context.Context, account, userName string) (*warden.AccessKey, error) {
	var key *warden.AccessKey
	err := s.update(ctx, "sqlstore.CreateAccessKey", func(tx querier) error {
		ownerID, err := s.keyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		if ownerID != nil {
			// The stored spelling, not the caller's.
			if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, *ownerID).Scan(&userName); err != nil {
				return err
			}
		}
		key, err = s.insertAccessKey(ctx, tx, account, ownerID, userName)
		return err
	})
	return key, err
}

func (s *Store) ListAccessKeys(ctx context.Context, account, userName string, opts warden.ListOptions) (*warden.Page[*warden.AccessKey], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var keys []*warden.AccessKey
	err = s.view(ctx, "sqlstore.ListAccessKeys", func(tx querier) error {
		ownerID, err := s.keyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT k.id, k.status, k.created_at, u.name FROM access_keys k LEFT JOIN users u ON u.id = k.user_id
			WHERE k.account_id = $1 AND k.user_id IS NOT DISTINCT FROM $2`, account, ownerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			key := &warden.AccessKey{AccountID: account}
			var status string
			var created int64
			var name sql.NullString
			if err := rows.Scan(&key.ID, &status, &created, &name); err != nil {
				return err
			}
			key.Status, key.CreateDate, key.UserName = warden.AccessKeyStatus(status), fromMicros(created), name.String
			keys = append(keys, key)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// Oldest first.
	return pageOf(pq, keys, func(k *warden.AccessKey) string { return k.CreateDate.Format(time.RFC3339Nano) + keySep + k.ID }), nil
}

func (s *Store) UpdateAccessKey(ctx context.Context, account, userName, keyID string, status warden.AccessKeyStatus) error {
	if status != warden.AccessKeyActive && status != warden.AccessKeyInactive {
		return warden.Errorf(warden.EValidationError,
			"1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	return s.update(ctx, "sqlstore.UpdateAccessKey", func(tx querier) error {
		ownerID, err := s.keyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		return expectOne(tx.ExecContext(ctx, `UPDATE access_keys SET status = $1 WHERE id = $2 AND account_id = $3 AND user_id IS NOT DISTINCT FROM $4`,
			string(status), keyID, account, ownerID))(keyNotFound(keyID))
	})
}

func (s *Store) DeleteAccessKey(ctx context.Context, account, userName, keyID string) error {
	return s.update(ctx, "sqlstore.DeleteAccessKey", func(tx querier) error {
		ownerID, err := s.keyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		return expectOne(tx.ExecContext(ctx, `DELETE FROM access_keys WHERE id = $1 AND account_id = $2 AND user_id IS NOT DISTINCT FROM $3`,
			keyID, account, ownerID))(keyNotFound(keyID))
	})
}

// expectOne checks that a statement changed a row, answering notFound
// when it changed none.
func expectOne(res sql.Result, err error) func(notFound error) error {
	return func(notFound error) error {
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound
		}
		return nil
	}
}

func (s *Store) AccessKeyLastUsed(ctx context.Context, account, keyID string) (*warden.AccessKeyLastUsed, error) {
	var out *warden.AccessKeyLastUsed
	err := s.view(ctx, "sqlstore.AccessKeyLastUsed", func(tx querier) error {
		var name, service, region sql.NullString
		var at sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT u.name, k.last_used_at, k.last_used_service, k.last_used_region
			FROM access_keys k LEFT JOIN users u ON u.id = k.user_id WHERE k.id = $1 AND k.account_id = $2`, keyID, account).
			Scan(&name, &at, &service, &region)
		if errors.Is(err, sql.ErrNoRows) {
			return keyNotFound(keyID)
		}
		if err != nil {
			return err
		}
		out = &warden.AccessKeyLastUsed{UserName: name.String, ServiceName: service.String, Region: region.String}
		if at.Valid {
			out.Date = fromMicros(at.Int64)
		}
		return nil
	})
	return out, err
}

func (s *Store) RecordAccessKeyUse(ctx context.Context, keyID, service, region string, at time.Time) error {
	if !s.keyUse.due(keyID, keyUse{service: service, region: region, at: at}) {
		return nil
	}
	err := s.record(ctx, "sqlstore.RecordAccessKeyUse", func(tx querier) error {
		return expectOne(tx.ExecContext(ctx, `UPDATE access_keys SET last_used_at = $1, last_used_service = $2, last_used_region = $3 WHERE id = $4`,
			micros(at), service, region, keyID))(keyNotFound(keyID))
	})
	if err != nil {
		s.keyUse.forget(keyID)
	}
	return err
}
