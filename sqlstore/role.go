package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/warden-iam/warden"
)

const roleColumns = `id, account_id, name, path, trust_policy, description, max_session_duration,
	permissions_boundary, last_used_at, last_used_region, created_at`

func scanRole(row interface{ Scan(...any) error }) (*warden.Role, error) {
	var r warden.Role
	var boundary, lastRegion sql.NullString
	var lastUsed sql.NullInt64
	var created int64
	if err := row.Scan(&r.ID, &r.AccountID, &r.Name, &r.Path, &r.AssumeRolePolicyDocument, &r.Description,
		&r.MaxSessionDuration, &boundary, &lastUsed, &lastRegion, &created); err != nil {
		return nil, err
	}
	r.PermissionsBoundary, r.CreateDate = boundary.String, fromMicros(created)
	if lastUsed.Valid {
		r.LastUsed = &warden.RoleLastUsed{Date: fromMicros(lastUsed.Int64), Region: lastRegion.String}
	}
	r.ARN = warden.IAMARN(r.AccountID, "role", r.Path, r.Name)
	return &r, nil
}

func roleNotFound(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The role with name %s cannot be found.", name)
}

func (s *Store) findRole(ctx context.Context, q querier, account, name string) (*warden.Role, error) {
	if err := warden.ValidateRoleName(name); err != nil {
		return nil, err
	}
	r, err := scanRole(q.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM roles WHERE account_id = $1 AND name_key = $2`, account, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roleNotFound(name)
	}
	return r, err
}

// checkTrustPolicySize enforces the trust policy quota, which AWS names
// ACLSizePerRole in its message.
func (s *Store) checkTrustPolicySize(document string) error {
	if warden.PolicySize(document) > s.quotas.AssumeRolePolicySize {
		return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for ACLSizePerRole: %d", s.quotas.AssumeRolePolicySize)
	}
	return nil
}

func (s *Store) CreateRole(ctx context.Context, account string, in warden.CreateRoleInput) (*warden.Role, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkTrustPolicySize(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	var r *warden.Role
	err := s.update(ctx, "sqlstore.CreateRole", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		if _, err := s.findRole(ctx, tx, account, in.Name); err == nil {
			return warden.Errorf(warden.EEntityAlreadyExists, "Role with name %s already exists.", in.Name)
		} else if warden.ErrorCode(err) != warden.ENoSuchEntity {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM roles WHERE account_id = $1`, account); err != nil {
			return err
		} else if n >= s.quotas.RolesPerAccount {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for RolesPerAccount: %d", s.quotas.RolesPerAccount)
		}
		if in.PermissionsBoundary != "" {
			if err := s.checkBoundary(ctx, tx, account, in.PermissionsBoundary); err != nil {
				return err
			}
		}
		r = &warden.Role{
			AccountID:                account,
			ID:                       warden.NewUniqueID(warden.PrefixRole),
			Name:                     in.Name,
			Path:                     pathOrRoot(in.Path),
			CreateDate:               s.clock(),
			AssumeRolePolicyDocument: in.AssumeRolePolicyDocument,
			Description:              in.Description,
			MaxSessionDuration:       in.MaxSessionDuration,
			PermissionsBoundary:      in.PermissionsBoundary,
		}
		if r.MaxSessionDuration == 0 {
			r.MaxSessionDuration = warden.DefaultMaxSessionDuration
		}
		r.ARN = warden.IAMARN(account, "role", r.Path, r.Name)
		if _, err := tx.ExecContext(ctx, `INSERT INTO roles (`+roleColumns+`, name_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10)`,
			r.ID, r.AccountID, r.Name, r.Path, r.AssumeRolePolicyDocument, r.Description, r.MaxSessionDuration,
			nullable(r.PermissionsBoundary), micros(r.CreateDate), nameKey(r.Name)); err != nil {
			return err
		}
		if err := s.addTags(ctx, tx, roleTags, r.ID, in.Tags); err != nil {
			return err
		}
		r.Tags, _ = s.loadTags(ctx, tx, roleTags, r.ID)
		return nil
	})
	return r, err
}

func (s *Store) Role(ctx context.Context, account, name string) (*warden.Role, error) {
	var r *warden.Role
	err := s.view(ctx, "sqlstore.Role", func(tx querier) (err error) {
		if r, err = s.findRole(ctx, tx, account, name); err != nil {
			return err
		}
		r.Tags, err = s.loadTags(ctx, tx, roleTags, r.ID)
		return err
	})
	return r, err
}

func (s *Store) ListRoles(ctx context.Context, account string, opts warden.ListOptions) (*warden.Page[*warden.Role], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var roles []*warden.Role
	err = s.view(ctx, "sqlstore.ListRoles", func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+roleColumns+` FROM roles
			WHERE account_id = $1 AND substr(path, 1, $2) = $3 AND name_key > $4 ORDER BY name_key LIMIT $5`,
			account, len(pq.prefix), pq.prefix, pq.after, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRole(rows)
			if err != nil {
				return err
			}
			roles = append(roles, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, roles, func(r *warden.Role) string { return nameKey(r.Name) }), nil
}

func (s *Store) UpdateRole(ctx context.Context, account, name string, in warden.UpdateRoleInput) (*warden.Role, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var r *warden.Role
	err := s.update(ctx, "sqlstore.UpdateRole", func(tx querier) (err error) {
		if r, err = s.findRole(ctx, tx, account, name); err != nil {
			return err
		}
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		if _, err := tx.ExecContext(ctx, `UPDATE roles SET description = $1, max_session_duration = $2 WHERE id = $3`,
			r.Description, r.MaxSessionDuration, r.ID); err != nil {
			return err
		}
		r.Tags, err = s.loadTags(ctx, tx, roleTags, r.ID)
		return err
	})
	return r, err
}

func (s *Store) UpdateAssumeRolePolicy(ctx context.Context, account, name, document string) error {
	if err := warden.ValidatePolicyDocument(document); err != nil {
		return err
	}
	if err := s.checkTrustPolicySize(document); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.UpdateAssumeRolePolicy", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE roles SET trust_policy = $1 WHERE id = $2`, document, r.ID)
		return err
	})
}

var roleDependents = []struct{ query, message string }{
	{`SELECT count(*) FROM role_policy_attachments WHERE role_id = $1`, "Cannot delete entity, must detach all policies first."},
	{`SELECT count(*) FROM role_inline_policies WHERE role_id = $1`, "Cannot delete entity, must delete policies first."},
}

func (s *Store) DeleteRole(ctx context.Context, account, name string) error {
	return s.update(ctx, "sqlstore.DeleteRole", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		for _, dep := range roleDependents {
			if n, err := count(ctx, tx, dep.query, r.ID); err != nil {
				return err
			} else if n > 0 {
				return warden.Errorf(warden.EDeleteConflict, "%s", dep.message)
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, r.ID)
		return err
	})
}

func (s *Store) TagRole(ctx context.Context, account, name string, tags []warden.Tag) error {
	return s.update(ctx, "sqlstore.TagRole", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		return s.addTags(ctx, tx, roleTags, r.ID, tags)
	})
}

func (s *Store) UntagRole(ctx context.Context, account, name string, keys []string) error {
	return s.update(ctx, "sqlstore.UntagRole", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		return s.removeTags(ctx, tx, roleTags, r.ID, keys)
	})
}

func (s *Store) ListRoleTags(ctx context.Context, account, name string, opts warden.ListOptions) (*warden.Page[warden.Tag], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[warden.Tag]
	err = s.view(ctx, "sqlstore.ListRoleTags", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		page, err = s.tagPage(ctx, tx, roleTags, r.ID, pq)
		return err
	})
	return page, err
}

func (s *Store) PutRolePermissionsBoundary(ctx context.Context, account, name, policyARN string) error {
	return s.update(ctx, "sqlstore.PutRolePermissionsBoundary", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		if err := s.checkBoundary(ctx, tx, account, policyARN); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE roles SET permissions_boundary = $1 WHERE id = $2`, policyARN, r.ID)
		return err
	})
}

func (s *Store) DeleteRolePermissionsBoundary(ctx context.Context, account, name string) error {
	return s.update(ctx, "sqlstore.DeleteRolePermissionsBoundary", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE roles SET permissions_boundary = NULL WHERE id = $1`, r.ID)
		return err
	})
}

func (s *Store) RecordRoleUse(ctx context.Context, account, name, region string, at time.Time) error {
	return s.record(ctx, "sqlstore.RecordRoleUse", func(tx querier) error {
		r, err := s.findRole(ctx, tx, account, name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE roles SET last_used_at = $1, last_used_region = $2 WHERE id = $3`,
			micros(at), region, r.ID)
		return err
	})
}
