package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/warden-iam/warden"
)

const groupColumns = `id, account_id, name, path, created_at`

func scanGroup(row interface{ Scan(...any) error }) (*warden.Group, error) {
	var g warden.Group
	var created int64
	if err := row.Scan(&g.ID, &g.AccountID, &g.Name, &g.Path, &created); err != nil {
		return nil, err
	}
	g.CreateDate = fromMicros(created)
	g.ARN = warden.IAMARN(g.AccountID, "group", g.Path, g.Name)
	return &g, nil
}

func groupNotFound(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The group with name %s cannot be found.", name)
}

func (s *Store) findGroup(ctx context.Context, q querier, account, name string) (*warden.Group, error) {
	if err := warden.ValidateGroupName(name); err != nil {
		return nil, err
	}
	g, err := scanGroup(q.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups WHERE account_id = $1 AND name_key = $2`, account, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, groupNotFound(name)
	}
	return g, err
}

func queryGroups(ctx context.Context, q querier, query string, args ...any) ([]*warden.Group, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []*warden.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

func (s *Store) CreateGroup(ctx context.Context, account, name, path string) (*warden.Group, error) {
	if err := warden.ValidateCreateGroup(name, path); err != nil {
		return nil, err
	}
	var g *warden.Group
	err := s.update(ctx, "sqlstore.CreateGroup", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		if _, err := s.findGroup(ctx, tx, account, name); err == nil {
			return warden.Errorf(warden.EEntityAlreadyExists, "Group with name %s already exists.", name)
		} else if warden.ErrorCode(err) != warden.ENoSuchEntity {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM groups WHERE account_id = $1`, account); err != nil {
			return err
		} else if n >= s.quotas.GroupsPerAccount {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for GroupsPerAccount: %d", s.quotas.GroupsPerAccount)
		}
		g = &warden.Group{AccountID: account, ID: warden.NewUniqueID(warden.PrefixGroup), Name: name, Path: pathOrRoot(path), CreateDate: s.clock()}
		g.ARN = warden.IAMARN(account, "group", g.Path, g.Name)
		_, err := tx.ExecContext(ctx, `INSERT INTO groups (`+groupColumns+`, name_key) VALUES ($1, $2, $3, $4, $5, $6)`,
			g.ID, g.AccountID, g.Name, g.Path, micros(g.CreateDate), nameKey(g.Name))
		return err
	})
	return g, err
}

func (s *Store) Group(ctx context.Context, account, name string) (*warden.Group, error) {
	var g *warden.Group
	err := s.view(ctx, "sqlstore.Group", func(tx querier) (err error) {
		g, err = s.findGroup(ctx, tx, account, name)
		return err
	})
	return g, err
}

func (s *Store) GroupUsers(ctx context.Context, account, name string, opts warden.ListOptions) (*warden.Page[*warden.User], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var users []*warden.User
	err = s.view(ctx, "sqlstore.GroupUsers", func(tx querier) error {
		g, err := s.findGroup(ctx, tx, account, name)
		if err != nil {
			return err
		}
		users, err = queryUsers(ctx, tx, `SELECT u.id, u.account_id, u.name, u.path, u.permissions_boundary, u.created_at
			FROM users u JOIN group_members m ON m.user_id = u.id
			WHERE m.group_id = $1 AND u.name_key > $2 ORDER BY u.name_key LIMIT $3`, g.ID, pq.after, pq.fetch())
		return err
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, users, func(u *warden.User) string { return nameKey(u.Name) }), nil
}

func (s *Store) ListGroups(ctx context.Context, account string, opts warden.ListOptions) (*warden.Page[*warden.Group], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var groups []*warden.Group
	err = s.view(ctx, "sqlstore.ListGroups", func(tx querier) (err error) {
		groups, err = queryGroups(ctx, tx, `SELECT `+groupColumns+` FROM groups
			WHERE account_id = $1 AND substr(path, 1, $2) = $3 AND name_key > $4 ORDER BY name_key LIMIT $5`,
			account, len(pq.prefix), pq.prefix, pq.after, pq.fetch())
		return err
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, groups, func(g *warden.Group) string { return nameKey(g.Name) }), nil
}

func (s *Store) ListGroupsForUser(ctx context.Context, account, userName string, opts warden.ListOptions) (*warden.Page[*warden.Group], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var groups []*warden.Group
	err = s.view(ctx, "sqlstore.ListGroupsForUser", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		groups, err = s.groupsOf(ctx, tx, u.ID, pq.after, pq.fetch())
		return err
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, groups, func(g *warden.Group) string { return nameKey(g.Name) }), nil
}

// groupsOf returns a user's groups ordered by name.
func (s *Store) groupsOf(ctx context.Context, q querier, userID, after string, limit int) ([]*warden.Group, error) {
	return queryGroups(ctx, q, `SELECT g.id, g.account_id, g.name, g.path, g.created_at
		FROM groups g JOIN group_members m ON m.group_id = g.id
		WHERE m.user_id = $1 AND g.name_key > $2 ORDER BY g.name_key LIMIT $3`, userID, after, limit)
}

func (s *Store) UpdateGroup(ctx context.Context, account, name string, in warden.UpdateGroupInput) (*warden.Group, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var g *warden.Group
	err := s.update(ctx, "sqlstore.UpdateGroup", func(tx querier) (err error) {
		if g, err = s.findGroup(ctx, tx, account, name); err != nil {
			return err
		}
		if in.NewName != nil && nameKey(*in.NewName) != nameKey(g.Name) {
			if _, err := s.findGroup(ctx, tx, account, *in.NewName); err == nil {
				return warden.Errorf(warden.EEntityAlreadyExists, "Group with name %s already exists.", *in.NewName)
			} else if warden.ErrorCode(err) != warden.ENoSuchEntity {
				return err
			}
		}
		if in.NewName != nil {
			g.Name = *in.NewName
		}
		if in.NewPath != nil {
			g.Path = *in.NewPath
		}
		g.ARN = warden.IAMARN(account, "group", g.Path, g.Name)
		_, err = tx.ExecContext(ctx, `UPDATE groups SET name = $1, name_key = $2, path = $3 WHERE id = $4`,
			g.Name, nameKey(g.Name), g.Path, g.ID)
		return err
	})
	return g, err
}

var groupDependents = []struct{ query, message string }{
	{`SELECT count(*) FROM group_members WHERE group_id = $1`, "Cannot delete entity, must remove users from group first."},
	{`SELECT count(*) FROM group_inline_policies WHERE group_id = $1`, "Cannot delete entity, must delete policies first."},
	{`SELECT count(*) FROM group_policy_attachments WHERE group_id = $1`, "Cannot delete entity, must detach all policies first."},
}

func (s *Store) DeleteGroup(ctx context.Context, account, name string) error {
	return s.update(ctx, "sqlstore.DeleteGroup", func(tx querier) error {
		g, err := s.findGroup(ctx, tx, account, name)
		if err != nil {
			return err
		}
		for _, dep := range groupDependents {
			if n, err := count(ctx, tx, dep.query, g.ID); err != nil {
				return err
			} else if n > 0 {
				return warden.Errorf(warden.EDeleteConflict, "%s", dep.message)
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM groups WHERE id = $1`, g.ID)
		return err
	})
}

func (s *Store) AddUserToGroup(ctx context.Context, account, groupName, userName string) error {
	return s.update(ctx, "sqlstore.AddUserToGroup", func(tx querier) error {
		g, err := s.findGroup(ctx, tx, account, groupName)
		if err != nil {
			return err
		}
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM group_members WHERE group_id = $1 AND user_id = $2`, g.ID, u.ID); err != nil || n > 0 {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM group_members WHERE user_id = $1`, u.ID); err != nil {
			return err
		} else if n >= s.quotas.GroupsPerUser {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for GroupsPerUser: %d", s.quotas.GroupsPerUser)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, g.ID, u.ID)
		return err
	})
}

func (s *Store) RemoveUserFromGroup(ctx context.Context, account, groupName, userName string) error {
	return s.update(ctx, "sqlstore.RemoveUserFromGroup", func(tx querier) error {
		g, err := s.findGroup(ctx, tx, account, groupName)
		if err != nil {
			return err
		}
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`, g.ID, u.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return warden.Errorf(warden.ENoSuchEntity, "User %s is not in group %s.", u.Name, g.Name)
		}
		return nil
	})
}
