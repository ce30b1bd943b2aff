package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/warden-iam/warden"
)

// identityTables describes, per identity kind, where its policies live and
// the words and limits AWS uses for it. Table and column names are
// constants of this package, never input.
type identityTable struct {
	attachments string // user_policy_attachments, …
	inline      string // user_inline_policies, …
	owner       string // user_id, …
	label       string // "user": the word in AWS's messages
	attachQuota string // PoliciesPerUser, …
	maxAttached func(warden.Quotas) int
	inlineSize  func(warden.Quotas) int
}

var identityTables = map[warden.IdentityKind]identityTable{
	warden.IdentityUser: {
		attachments: "user_policy_attachments", inline: "user_inline_policies", owner: "user_id", label: "user",
		attachQuota: "PoliciesPerUser",
		maxAttached: func(q warden.Quotas) int { return q.AttachedPoliciesPerUser },
		inlineSize:  func(q warden.Quotas) int { return q.UserPolicySize },
	},
	warden.IdentityGroup: {
		attachments: "group_policy_attachments", inline: "group_inline_policies", owner: "group_id", label: "group",
		attachQuota: "PoliciesPerGroup",
		maxAttached: func(q warden.Quotas) int { return q.AttachedPoliciesPerGroup },
		inlineSize:  func(q warden.Quotas) int { return q.GroupPolicySize },
	},
	warden.IdentityRole: {
		attachments: "role_policy_attachments", inline: "role_inline_policies", owner: "role_id", label: "role",
		attachQuota: "PoliciesPerRole",
		maxAttached: func(q warden.Quotas) int { return q.AttachedPoliciesPerRole },
		inlineSize:  func(q warden.Quotas) int { return q.RolePolicySize },
	},
}

// identityRow is a resolved identity: its table description, row ID and
// ARN.
type identityRow struct {
	identityTable
	id, name, arn string
}

func (s *Store) findIdentity(ctx context.Context, q querier, account string, id warden.Identity) (*identityRow, error) {
	if err := id.Validate(); err != nil {
		return nil, err
	}
	row := &identityRow{identityTable: identityTables[id.Kind]}
	switch id.Kind {
	case warden.IdentityUser:
		u, err := s.findUser(ctx, q, account, id.Name)
		if err != nil {
			return nil, err
		}
		row.id, row.name, row.arn = u.ID, u.Name, u.ARN
	case warden.IdentityGroup:
		g, err := s.findGroup(ctx, q, account, id.Name)
		if err != nil {
			return nil, err
		}
		row.id, row.name, row.arn = g.ID, g.Name, g.ARN
	case warden.IdentityRole:
		r, err := s.findRole(ctx, q, account, id.Name)
		if err != nil {
			return nil, err
		}
		row.id, row.name, row.arn = r.ID, r.Name, r.ARN
	}
	return row, nil
}

func (s *Store) AttachPolicy(ctx context.Context, account string, id warden.Identity, policyARN string) error {
	return s.update(ctx, "sqlstore.AttachPolicy", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		if _, err := s.attachable(ctx, tx, account, policyARN); err != nil {
			return err
		}
		attached, err := count(ctx, tx, `SELECT count(*) FROM `+ident.attachments+` WHERE `+ident.owner+` = $1 AND policy_arn = $2`, ident.id, policyARN)
		if err != nil || attached > 0 {
			return err
		}
		limit := ident.maxAttached(s.quotas)
		if n, err := count(ctx, tx, `SELECT count(*) FROM `+ident.attachments+` WHERE `+ident.owner+` = $1`, ident.id); err != nil {
			return err
		} else if n >= limit {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for %s: %d", ident.attachQuota, limit)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO `+ident.attachments+` (`+ident.owner+`, account_id, policy_arn) VALUES ($1, $2, $3)`,
			ident.id, account, policyARN)
		return err
	})
}

func (s *Store) DetachPolicy(ctx context.Context, account string, id warden.Identity, policyARN string) error {
	if _, err := warden.ValidatePolicyARN(policyARN); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.DetachPolicy", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+ident.attachments+` WHERE `+ident.owner+` = $1 AND policy_arn = $2`, ident.id, policyARN)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return policyNotFound(policyARN)
		}
		return nil
	})
}

func (s *Store) ListAttachedPolicies(ctx context.Context, account string, id warden.Identity, opts warden.ListOptions) (*warden.Page[warden.AttachedPolicy], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var attached []warden.AttachedPolicy
	err = s.view(ctx, "sqlstore.ListAttachedPolicies", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT a.policy_arn, p.name, p.path FROM `+ident.attachments+` a
			LEFT JOIN policies p ON p.arn = a.policy_arn WHERE a.`+ident.owner+` = $1`, ident.id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var arn string
			var name, path sql.NullString
			if err := rows.Scan(&arn, &name, &path); err != nil {
				return err
			}
			if !name.Valid {
				name.String, path.String = s.awsPolicyName(arn)
			}
			if pq.matchesPath(path.String) {
				attached = append(attached, warden.AttachedPolicy{Name: name.String, ARN: arn})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return pageOf(pq, attached, func(p warden.AttachedPolicy) string { return nameKey(p.Name) + keySep + p.ARN }), nil
}

// awsPolicyName returns the name and path of an attached AWS managed
// policy, from the catalogue or, should the catalogue have dropped it,
// from its ARN.
func (s *Store) awsPolicyName(arn string) (name, path string) {
	if entry, ok := s.awsPolicy(arn); ok {
		return entry.Policy.Name, entry.Policy.Path
	}
	if a, err := warden.ParseARN(arn); err == nil {
		if _, path, name, ok := a.IAMResource(); ok {
			return name, path
		}
	}
	return arn, "/"
}

func (s *Store) PutInlinePolicy(ctx context.Context, account string, id warden.Identity, name, document string) error {
	if err := warden.ValidatePolicyName(name); err != nil {
		return err
	}
	if err := warden.ValidatePolicyDocument(document); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.PutInlinePolicy", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		// The size quota covers all of the identity's inline policies
		// together, the one being replaced excepted.
		rows, err := tx.QueryContext(ctx, `SELECT document FROM `+ident.inline+` WHERE `+ident.owner+` = $1 AND name_key <> $2`, ident.id, nameKey(name))
		if err != nil {
			return err
		}
		total := warden.PolicySize(document)
		for rows.Next() {
			var other string
			if err := rows.Scan(&other); err != nil {
				rows.Close()
				return err
			}
			total += warden.PolicySize(other)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if limit := ident.inlineSize(s.quotas); total > limit {
			return warden.Errorf(warden.ELimitExceeded, "Maximum policy size of %d bytes exceeded for %s %s", limit, ident.label, ident.name)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO `+ident.inline+` (`+ident.owner+`, name, name_key, document) VALUES ($1, $2, $3, $4)
			ON CONFLICT (`+ident.owner+`, name_key) DO UPDATE SET name = excluded.name, document = excluded.document`,
			ident.id, name, nameKey(name), document)
		return err
	})
}

func inlineNotFound(ident *identityRow, name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The %s policy with name %s cannot be found.", ident.label, name)
}

func (s *Store) InlinePolicy(ctx context.Context, account string, id warden.Identity, name string) (*warden.InlinePolicy, error) {
	if err := warden.ValidatePolicyName(name); err != nil {
		return nil, err
	}
	var p *warden.InlinePolicy
	err := s.view(ctx, "sqlstore.InlinePolicy", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		p = &warden.InlinePolicy{Identity: warden.Identity{Kind: id.Kind, Name: ident.name}}
		err = tx.QueryRowContext(ctx, `SELECT name, document FROM `+ident.inline+` WHERE `+ident.owner+` = $1 AND name_key = $2`,
			ident.id, nameKey(name)).Scan(&p.Name, &p.Document)
		if errors.Is(err, sql.ErrNoRows) {
			return inlineNotFound(ident, name)
		}
		return err
	})
	return p, err
}

func (s *Store) DeleteInlinePolicy(ctx context.Context, account string, id warden.Identity, name string) error {
	if err := warden.ValidatePolicyName(name); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.DeleteInlinePolicy", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+ident.inline+` WHERE `+ident.owner+` = $1 AND name_key = $2`, ident.id, nameKey(name))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return inlineNotFound(ident, name)
		}
		return nil
	})
}

func (s *Store) ListInlinePolicies(ctx context.Context, account string, id warden.Identity, opts warden.ListOptions) (*warden.Page[string], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var names []string
	err = s.view(ctx, "sqlstore.ListInlinePolicies", func(tx querier) error {
		ident, err := s.findIdentity(ctx, tx, account, id)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name FROM `+ident.inline+` WHERE `+ident.owner+` = $1`, ident.id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			names = append(names, name)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return pageOf(pq, names, nameKey), nil
}
