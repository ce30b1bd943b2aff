package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/warden-iam/warden"
)

const userColumns = `id, account_id, name, path, permissions_boundary, created_at`

func scanUser(row interface{ Scan(...any) error }) (*warden.User, error) {
	var u warden.User
	var boundary sql.NullString
	var created int64
	if err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.Path, &boundary, &created); err != nil {
		return nil, err
	}
	u.PermissionsBoundary, u.CreateDate = boundary.String, fromMicros(created)
	u.ARN = warden.IAMARN(u.AccountID, "user", u.Path, u.Name)
	return &u, nil
}

func userNotFound(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The user with name %s cannot be found.", name)
}

// findUser returns the user with the given name, compared without case.
func (s *Store) findUser(ctx context.Context, q querier, account, name string) (*warden.User, error) {
	if err := warden.ValidateUserName(name); err != nil {
		return nil, err
	}
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE account_id = $1 AND name_key = $2`, account, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userNotFound(name)
	}
	return u, err
}

// count returns the result of a SELECT count(*) query.
func count(ctx context.Context, q querier, query string, args ...any) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

func (s *Store) CreateUser(ctx context.Context, account string, in warden.CreateUserInput) (*warden.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var u *warden.User
	err := s.update(ctx, "sqlstore.CreateUser", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		if _, err := s.findUser(ctx, tx, account, in.Name); err == nil {
			return warden.Errorf(warden.EEntityAlreadyExists, "User with name %s already exists.", in.Name)
		} else if warden.ErrorCode(err) != warden.ENoSuchEntity {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM users WHERE account_id = $1`, account); err != nil {
			return err
		} else if n >= s.quotas.UsersPerAccount {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for UsersPerAccount: %d", s.quotas.UsersPerAccount)
		}
		if in.PermissionsBoundary != "" {
			if err := s.checkBoundary(ctx, tx, account, in.PermissionsBoundary); err != nil {
				return err
			}
		}
		u = &warden.User{
			AccountID:           account,
			ID:                  warden.NewUniqueID(warden.PrefixUser),
			Name:                in.Name,
			Path:                pathOrRoot(in.Path),
			CreateDate:          s.clock(),
			PermissionsBoundary: in.PermissionsBoundary,
		}
		u.ARN = warden.IAMARN(account, "user", u.Path, u.Name)
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.ID, u.AccountID, u.Name, u.Path, nullable(u.PermissionsBoundary), micros(u.CreateDate), nameKey(u.Name)); err != nil {
			return err
		}
		if err := s.addTags(ctx, tx, userTags, u.ID, in.Tags); err != nil {
			return err
		}
		u.Tags, _ = s.loadTags(ctx, tx, userTags, u.ID)
		return nil
	})
	return u, err
}

// nullable maps "" to SQL NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Store) User(ctx context.Context, account, name string) (*warden.User, error) {
	generation := s.generation.Load()
	key := account + "/" + strings.ToLower(name)
	if s.cache != nil {
		if u, ok := s.cache.user(generation, key); ok {
			return u, nil
		}
	}
	var u *warden.User
	err := s.view(ctx, "sqlstore.User", func(tx querier) (err error) {
		if u, err = s.findUser(ctx, tx, account, name); err != nil {
			return err
		}
		u.Tags, err = s.loadTags(ctx, tx, userTags, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.cache != nil {
		s.cache.putUser(generation, key, u)
	}
	return u, nil
}

func (s *Store) ListUsers(ctx context.Context, account string, opts warden.ListOptions) (*warden.Page[*warden.User], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var users []*warden.User
	err = s.view(ctx, "sqlstore.ListUsers", func(tx querier) (err error) {
		users, err = queryUsers(ctx, tx, `SELECT `+userColumns+` FROM users
			WHERE account_id = $1 AND substr(path, 1, $2) = $3 AND name_key > $4 ORDER BY name_key LIMIT $5`,
			account, len(pq.prefix), pq.prefix, pq.after, pq.fetch())
		return err
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, users, func(u *warden.User) string { return nameKey(u.Name) }), nil
}

func queryUsers(ctx context.Context, q querier, query string, args ...any) ([]*warden.User, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*warden.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

func (s *Store) UpdateUser(ctx context.Context, account, name string, in warden.UpdateUserInput) (*warden.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var u *warden.User
	err := s.update(ctx, "sqlstore.UpdateUser", func(tx querier) (err error) {
		if u, err = s.findUser(ctx, tx, account, name); err != nil {
			return err
		}
		if in.NewName != nil && nameKey(*in.NewName) != nameKey(u.Name) {
			if _, err := s.findUser(ctx, tx, account, *in.NewName); err == nil {
				return warden.Errorf(warden.EEntityAlreadyExists, "User with name %s already exists.", *in.NewName)
			} else if warden.ErrorCode(err) != warden.ENoSuchEntity {
				return err
			}
		}
		if in.NewName != nil {
			u.Name = *in.NewName
		}
		if in.NewPath != nil {
			u.Path = *in.NewPath
		}
		u.ARN = warden.IAMARN(account, "user", u.Path, u.Name)
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, name_key = $2, path = $3 WHERE id = $4`,
			u.Name, nameKey(u.Name), u.Path, u.ID); err != nil {
			return err
		}
		u.Tags, err = s.loadTags(ctx, tx, userTags, u.ID)
		return err
	})
	return u, err
}

// userDependents lists what must be gone before a user can be deleted, in
// the order DeleteUser reports them, with AWS's message for each.
var userDependents = []struct{ query, message string }{
	{`SELECT count(*) FROM user_inline_policies WHERE user_id = $1`, "Cannot delete entity, must delete policies first."},
	{`SELECT count(*) FROM user_policy_attachments WHERE user_id = $1`, "Cannot delete entity, must detach all policies first."},
	{`SELECT count(*) FROM group_members WHERE user_id = $1`, "Cannot delete entity, must remove users from group first."},
	{`SELECT count(*) FROM access_keys WHERE user_id = $1`, "Cannot delete entity, must delete access keys first."},
	{`SELECT count(*) FROM login_profiles WHERE user_id = $1`, "Cannot delete entity, must delete login profile first."},
	{`SELECT count(*) FROM mfa_devices WHERE user_id = $1`, "Cannot delete entity, must delete MFA device first."},
}

func (s *Store) DeleteUser(ctx context.Context, account, name string) error {
	return s.update(ctx, "sqlstore.DeleteUser", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, name)
		if err != nil {
			return err
		}
		for _, dep := range userDependents {
			if n, err := count(ctx, tx, dep.query, u.ID); err != nil {
				return err
			} else if n > 0 {
				return warden.Errorf(warden.EDeleteConflict, "%s", dep.message)
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, u.ID)
		return err
	})
}

func (s *Store) TagUser(ctx context.Context, account, name string, tags []warden.Tag) error {
	return s.update(ctx, "sqlstore.TagUser", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, name)
		if err != nil {
			return err
		}
		return s.addTags(ctx, tx, userTags, u.ID, tags)
	})
}

func (s *Store) UntagUser(ctx context.Context, account, name string, keys []string) error {
	return s.update(ctx, "sqlstore.UntagUser", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, name)
		if err != nil {
			return err
		}
		return s.removeTags(ctx, tx, userTags, u.ID, keys)
	})
}

func (s *Store) ListUserTags(ctx context.Context, account, name string, opts warden.ListOptions) (*warden.Page[warden.Tag], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[warden.Tag]
	err = s.view(ctx, "sqlstore.ListUserTags", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, name)
		if err != nil {
			return err
		}
		page, err = s.tagPage(ctx, tx, userTags, u.ID, pq)
		return err
	})
	return page, err
}

func (s *Store) PutUserPermissionsBoundary(ctx context.Context, account, name, policyARN string) error {
	return s.update(ctx, "sqlstore.PutUserPermissionsBoundary", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, name)
		if err != nil {
			return err
		}
		if err := s.checkBoundary(ctx, tx, account, policyARN); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET permissions_boundary = $1 WHERE id = $2`, policyARN, u.ID)
		return err
	})
}

func (s *Store) DeleteUserPermissionsBoundary(ctx context.Context, account, name string) error {
	return s.update(ctx, "sqlstore.DeleteUserPermissionsBoundary", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET permissions_boundary = NULL WHERE id = $1`, u.ID)
		return err
	})
}
