package sqlstore

import (
	"context"
	"strings"

	"github.com/warden-iam/warden"
)

// ListPolicies pages through customer policies (sort rank 0) and then the
// AWS catalogue (rank 1); the marker carries the rank and the name.
func (s *Store) ListPolicies(ctx context.Context, account string, opts warden.ListPoliciesOptions) (*warden.Page[*warden.ManagedPolicy], error) {
	pq, err := newPageQuery(opts.ListOptions)
	if err != nil {
		return nil, err
	}
	scope := opts.Scope
	if scope == "" {
		scope = warden.PolicyScopeAll
	}
	if scope != warden.PolicyScopeAll && scope != warden.PolicyScopeAWS && scope != warden.PolicyScopeLocal {
		return nil, warden.Errorf(warden.EValidationError,
			"1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	onlyAttached := opts.OnlyAttached || opts.Usage == warden.PolicyUsagePermissionsPolicy
	onlyBoundaries := opts.Usage == warden.PolicyUsagePermissionsBoundary
	afterRank, afterName, _ := strings.Cut(pq.after, keySep)

	var out []*warden.ManagedPolicy
	err = s.view(ctx, "sqlstore.ListPolicies", func(tx querier) error {
		if scope != warden.PolicyScopeAWS && afterRank <= "0" {
			local, err := s.listCustomerPolicies(ctx, tx, account, pq, afterName, onlyAttached, onlyBoundaries)
			if err != nil {
				return err
			}
			out = local
		}
		if scope == warden.PolicyScopeLocal || len(out) >= pq.fetch() {
			return nil
		}
		usage, err := s.awsPolicyUsage(ctx, tx, account)
		if err != nil {
			return err
		}
		for _, entry := range s.awsCatalogue {
			p := entry.Policy
			if afterRank == "1" && nameKey(p.Name) <= afterName || !pq.matchesPath(p.Path) {
				continue
			}
			p.AttachmentCount, p.PermissionsBoundaryUsageCount = usage[p.ARN].attachments, usage[p.ARN].boundaries
			p.Tags = nil
			if onlyAttached && p.AttachmentCount == 0 || onlyBoundaries && p.PermissionsBoundaryUsageCount == 0 {
				continue
			}
			out = append(out, &p)
			if len(out) >= pq.fetch() {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, out, func(p *warden.ManagedPolicy) string {
		rank := "0"
		if p.AccountID == warden.AWSAccount {
			rank = "1"
		}
		return rank + keySep + nameKey(p.Name)
	}), nil
}

func (s *Store) listCustomerPolicies(ctx context.Context, q querier, account string, pq pageQuery, after string,
	onlyAttached, onlyBoundaries bool) ([]*warden.ManagedPolicy, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, account_id, name, path, arn, description, default_version, created_at, updated_at,
		attachments, boundaries FROM (
			SELECT p.*,
				(SELECT count(*) FROM user_policy_attachments a WHERE a.account_id = p.account_id AND a.policy_arn = p.arn)
				+ (SELECT count(*) FROM group_policy_attachments a WHERE a.account_id = p.account_id AND a.policy_arn = p.arn)
				+ (SELECT count(*) FROM role_policy_attachments a WHERE a.account_id = p.account_id AND a.policy_arn = p.arn) AS attachments,
				(SELECT count(*) FROM users u WHERE u.account_id = p.account_id AND u.permissions_boundary = p.arn)
				+ (SELECT count(*) FROM roles r WHERE r.account_id = p.account_id AND r.permissions_boundary = p.arn) AS boundaries
			FROM policies p
			WHERE p.account_id = $1 AND substr(p.path, 1, $2) = $3 AND p.name_key > $4
		) counted
		WHERE ($5 = 0 OR attachments > 0) AND ($6 = 0 OR boundaries > 0)
		ORDER BY name_key LIMIT $7`,
		account, len(pq.prefix), pq.prefix, after, flag(onlyAttached), flag(onlyBoundaries), pq.fetch())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*warden.ManagedPolicy
	for rows.Next() {
		var p warden.ManagedPolicy
		var version int
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.AccountID, &p.Name, &p.Path, &p.ARN, &p.Description, &version, &created, &updated,
			&p.AttachmentCount, &p.PermissionsBoundaryUsageCount); err != nil {
			return nil, err
		}
		p.DefaultVersionID, p.IsAttachable = versionID(version), true
		p.CreateDate, p.UpdateDate = fromMicros(created), fromMicros(updated)
		out = append(out, &p)
	}
	return out, rows.Err()
}

// flag turns a bool into the 0/1 integer both engines compare the same way.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

type policyUsage struct{ attachments, boundaries int }

// awsPolicyUsage counts, per policy ARN, the account's attachments and
// boundaries; ListPolicies reads the AWS managed entries out of it.
func (s *Store) awsPolicyUsage(ctx context.Context, q querier, account string) (map[string]policyUsage, error) {
	rows, err := q.QueryContext(ctx, `SELECT policy_arn, 0 FROM user_policy_attachments WHERE account_id = $1
		UNION ALL SELECT policy_arn, 0 FROM group_policy_attachments WHERE account_id = $1
		UNION ALL SELECT policy_arn, 0 FROM role_policy_attachments WHERE account_id = $1
		UNION ALL SELECT permissions_boundary, 1 FROM users WHERE account_id = $1 AND permissions_boundary IS NOT NULL
		UNION ALL SELECT permissions_boundary, 1 FROM roles WHERE account_id = $1 AND permissions_boundary IS NOT NULL`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	usage := map[string]policyUsage{}
	for rows.Next() {
		var arn string
		var boundary int
		if err := rows.Scan(&arn, &boundary); err != nil {
			return nil, err
		}
		u := usage[arn]
		if boundary == 1 {
			u.boundaries++
		} else {
			u.attachments++
		}
		usage[arn] = u
	}
	return usage, rows.Err()
}

// ListEntitiesForPolicy pages through groups (sort rank 1), users (2) and
// roles (3) using the policy; the marker carries the rank and the name.
func (s *Store) ListEntitiesForPolicy(ctx context.Context, account, arn string, opts warden.ListEntitiesOptions) (*warden.PolicyEntities, error) {
	pq, err := newPageQuery(opts.ListOptions)
	if err != nil {
		return nil, err
	}
	switch opts.Kind {
	case "", warden.IdentityUser, warden.IdentityGroup, warden.IdentityRole:
	default:
		return nil, warden.Errorf(warden.EValidationError,
			"1 validation error detected: Value '%s' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group]", opts.Kind)
	}
	attached := opts.Usage != warden.PolicyUsagePermissionsBoundary
	bounding := opts.Usage != warden.PolicyUsagePermissionsPolicy
	wants := func(k warden.IdentityKind) int { return flag(opts.Kind == "" || opts.Kind == k) }
	afterRank, afterName, _ := strings.Cut(pq.after, keySep)

	type entity struct {
		rank, nameKey string
		warden.PolicyEntity
	}
	var found []entity
	err = s.view(ctx, "sqlstore.ListEntitiesForPolicy", func(tx querier) error {
		if _, err := s.findPolicy(ctx, tx, account, arn); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT kind_rank, name_key, name, id FROM (
				SELECT '1' AS kind_rank, g.name_key, g.name, g.id, g.path FROM groups g
				WHERE g.account_id = $1 AND $3 = 1 AND $6 = 1
					AND EXISTS (SELECT 1 FROM group_policy_attachments a WHERE a.group_id = g.id AND a.policy_arn = $2)
				UNION ALL
				SELECT '2', u.name_key, u.name, u.id, u.path FROM users u
				WHERE u.account_id = $1 AND $4 = 1 AND (
					$6 = 1 AND EXISTS (SELECT 1 FROM user_policy_attachments a WHERE a.user_id = u.id AND a.policy_arn = $2)
					OR $7 = 1 AND u.permissions_boundary = $2)
				UNION ALL
				SELECT '3', r.name_key, r.name, r.id, r.path FROM roles r
				WHERE r.account_id = $1 AND $5 = 1 AND (
					$6 = 1 AND EXISTS (SELECT 1 FROM role_policy_attachments a WHERE a.role_id = r.id AND a.policy_arn = $2)
					OR $7 = 1 AND r.permissions_boundary = $2)
			) used
			WHERE substr(path, 1, $8) = $9 AND (kind_rank > $10 OR kind_rank = $10 AND name_key > $11)
			ORDER BY kind_rank, name_key LIMIT $12`,
			account, arn, wants(warden.IdentityGroup), wants(warden.IdentityUser), wants(warden.IdentityRole),
			flag(attached), flag(bounding), len(pq.prefix), pq.prefix, afterRank, afterName, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e entity
			if err := rows.Scan(&e.rank, &e.nameKey, &e.Name, &e.ID); err != nil {
				return err
			}
			found = append(found, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	page := finish(pq, found, func(e entity) string { return e.rank + keySep + e.nameKey })
	out := &warden.PolicyEntities{IsTruncated: page.IsTruncated, Marker: page.Marker,
		Groups: []warden.PolicyEntity{}, Users: []warden.PolicyEntity{}, Roles: []warden.PolicyEntity{}}
	for _, e := range page.Items {
		switch e.rank {
		case "1":
			out.Groups = append(out.Groups, e.PolicyEntity)
		case "2":
			out.Users = append(out.Users, e.PolicyEntity)
		case "3":
			out.Roles = append(out.Roles, e.PolicyEntity)
		}
	}
	return out, nil
}
