package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// storedPolicy is a managed policy as the store resolves it: a customer
// policy row, or an entry of the AWS managed policy catalogue.
type storedPolicy struct {
	warden.ManagedPolicy
	defaultVersion int                      // customer policies: N of the default vN
	aws            *warden.AWSManagedPolicy // AWS managed policies: the catalogue entry
}

func versionID(n int) string { return "v" + strconv.Itoa(n) }

// parseVersionID returns N for "vN", or 0 for IDs no stored version can
// have (the model also allows suffixes like "v1.beta", which IAM never
// issues).
func parseVersionID(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil || !strings.HasPrefix(id, "v") || n < 1 {
		return 0
	}
	return n
}

func policyNotFound(arn string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Policy %s was not found.", arn)
}

func notAttachable(arn string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Policy %s does not exist or is not attachable.", arn)
}

func unmodifiable() error {
	return warden.Errorf(warden.EUnmodifiableEntity, "Cannot modify an AWS managed policy.")
}

func (s *Store) awsPolicy(arn string) (*warden.AWSManagedPolicy, bool) {
	if s.aws == nil {
		return nil, false
	}
	return s.aws.AWSManagedPolicy(arn)
}

// findPolicy resolves a policy ARN for account, with its usage counts in
// that account. Customer policies of other accounts are not found.
func (s *Store) findPolicy(ctx context.Context, q querier, account, arn string) (*storedPolicy, error) {
	parsed, err := warden.ValidatePolicyARN(arn)
	if err != nil {
		return nil, err
	}
	var p *storedPolicy
	switch {
	case warden.IsAWSManagedPolicyARN(arn):
		entry, ok := s.awsPolicy(arn)
		if !ok {
			return nil, policyNotFound(arn)
		}
		p = &storedPolicy{ManagedPolicy: entry.Policy, aws: entry}
		p.Tags = nil
	case parsed.AccountID != account:
		return nil, policyNotFound(arn)
	default:
		p = &storedPolicy{}
		var created, updated int64
		err := q.QueryRowContext(ctx, `SELECT id, account_id, name, path, arn, description, default_version, created_at, updated_at
			FROM policies WHERE arn = $1`, arn).Scan(&p.ID, &p.AccountID, &p.Name, &p.Path, &p.ARN, &p.Description,
			&p.defaultVersion, &created, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, policyNotFound(arn)
		}
		if err != nil {
			return nil, err
		}
		p.DefaultVersionID, p.IsAttachable = versionID(p.defaultVersion), true
		p.CreateDate, p.UpdateDate = fromMicros(created), fromMicros(updated)
	}
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM user_policy_attachments WHERE account_id = $1 AND policy_arn = $2)
		+ (SELECT count(*) FROM group_policy_attachments WHERE account_id = $1 AND policy_arn = $2)
		+ (SELECT count(*) FROM role_policy_attachments WHERE account_id = $1 AND policy_arn = $2),
		(SELECT count(*) FROM users WHERE account_id = $1 AND permissions_boundary = $2)
		+ (SELECT count(*) FROM roles WHERE account_id = $1 AND permissions_boundary = $2)`,
		account, arn).Scan(&p.AttachmentCount, &p.PermissionsBoundaryUsageCount)
	return p, err
}

// findCustomerPolicy is findPolicy for the operations that change a
// policy, which AWS managed policies refuse.
func (s *Store) findCustomerPolicy(ctx context.Context, q querier, account, arn string) (*storedPolicy, error) {
	p, err := s.findPolicy(ctx, q, account, arn)
	if err != nil {
		return nil, err
	}
	if p.aws != nil {
		return nil, unmodifiable()
	}
	return p, nil
}

// attachable resolves a policy that is about to be attached.
func (s *Store) attachable(ctx context.Context, q querier, account, arn string) (*storedPolicy, error) {
	p, err := s.findPolicy(ctx, q, account, arn)
	if warden.ErrorCode(err) == warden.ENoSuchEntity || err == nil && !p.IsAttachable {
		return nil, notAttachable(arn)
	}
	return p, err
}

// checkBoundary checks that arn names a policy that can be a permissions
// boundary, answering as PutUserPermissionsBoundary does.
func (s *Store) checkBoundary(ctx context.Context, q querier, account, arn string) error {
	_, err := s.attachable(ctx, q, account, arn)
	if warden.ErrorCode(err) == warden.ENoSuchEntity {
		return warden.Errorf(warden.ENoSuchEntity, "Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return err
}

func (s *Store) checkPolicySize(document string) error {
	if warden.PolicySize(document) > s.quotas.PolicySize {
		return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for PolicySize: %d", s.quotas.PolicySize)
	}
	return nil
}

func (s *Store) CreatePolicy(ctx context.Context, account string, in warden.CreatePolicyInput) (*warden.ManagedPolicy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkPolicySize(in.Document); err != nil {
		return nil, err
	}
	var p *warden.ManagedPolicy
	err := s.update(ctx, "sqlstore.CreatePolicy", func(tx *sql.Tx) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM policies WHERE account_id = $1 AND name_key = $2`, account, nameKey(in.Name)); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", in.Name)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM policies WHERE account_id = $1`, account); err != nil {
			return err
		} else if n >= s.quotas.PoliciesPerAccount {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for PoliciesPerAccount: %d", s.quotas.PoliciesPerAccount)
		}
		now := s.clock()
		p = &warden.ManagedPolicy{
			AccountID:        account,
			ID:               warden.NewUniqueID(warden.PrefixManagedPolicy),
			Name:             in.Name,
			Path:             pathOrRoot(in.Path),
			Description:      in.Description,
			DefaultVersionID: versionID(1),
			IsAttachable:     true,
			CreateDate:       now,
			UpdateDate:       now,
		}
		p.ARN = warden.IAMARN(account, "policy", p.Path, p.Name)
		if _, err := tx.ExecContext(ctx, `INSERT INTO policies (id, account_id, name, name_key, path, arn, description,
			default_version, next_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 2, $8, $8)`,
			p.ID, account, p.Name, nameKey(p.Name), p.Path, p.ARN, p.Description, micros(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_id, version, document, created_at) VALUES ($1, 1, $2, $3)`,
			p.ID, in.Document, micros(now)); err != nil {
			return err
		}
		if err := s.addTags(ctx, tx, policyTags, p.ID, in.Tags); err != nil {
			return err
		}
		p.Tags, _ = s.loadTags(ctx, tx, policyTags, p.ID)
		return nil
	})
	return p, err
}

func (s *Store) Policy(ctx context.Context, account, arn string) (*warden.ManagedPolicy, error) {
	var p *warden.ManagedPolicy
	err := s.view(ctx, "sqlstore.Policy", func(tx *sql.Tx) error {
		sp, err := s.findPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		p = &sp.ManagedPolicy
		if sp.aws == nil {
			p.Tags, err = s.loadTags(ctx, tx, policyTags, p.ID)
		}
		return err
	})
	return p, err
}

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
	err = s.view(ctx, "sqlstore.ListPolicies", func(tx *sql.Tx) error {
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

func (s *Store) DeletePolicy(ctx context.Context, account, arn string) error {
	return s.update(ctx, "sqlstore.DeletePolicy", func(tx *sql.Tx) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		if p.AttachmentCount > 0 || p.PermissionsBoundaryUsageCount > 0 {
			return warden.Errorf(warden.EDeleteConflict, "Cannot delete a policy attached to entities.")
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM policy_versions WHERE policy_id = $1`, p.ID); err != nil {
			return err
		} else if n > 1 {
			return warden.Errorf(warden.EDeleteConflict, "This policy has more than one version. Before you delete a policy, "+
				"you must delete the policy's versions. The default version is deleted with the policy.")
		}
		for _, stmt := range []string{
			`DELETE FROM policy_tags WHERE policy_id = $1`,
			`DELETE FROM policy_versions WHERE policy_id = $1`,
			`DELETE FROM policies WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, stmt, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) CreatePolicyVersion(ctx context.Context, account, arn, document string, setAsDefault bool) (*warden.PolicyVersion, error) {
	if err := warden.ValidatePolicyDocument(document); err != nil {
		return nil, err
	}
	if err := s.checkPolicySize(document); err != nil {
		return nil, err
	}
	var v *warden.PolicyVersion
	err := s.update(ctx, "sqlstore.CreatePolicyVersion", func(tx *sql.Tx) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM policy_versions WHERE policy_id = $1`, p.ID); err != nil {
			return err
		} else if n >= s.quotas.VersionsPerPolicy {
			return warden.Errorf(warden.ELimitExceeded, "A managed policy can have up to %d versions. "+
				"Before you create a new version, you must delete an existing version.", s.quotas.VersionsPerPolicy)
		}
		now := s.clock()
		var next int
		if err := tx.QueryRowContext(ctx, `UPDATE policies SET next_version = next_version + 1, updated_at = $1
			WHERE id = $2 RETURNING next_version - 1`, micros(now), p.ID).Scan(&next); err != nil {
			return err
		}
		v = &warden.PolicyVersion{VersionID: versionID(next), Document: document, IsDefaultVersion: setAsDefault, CreateDate: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_id, version, document, created_at) VALUES ($1, $2, $3, $4)`,
			p.ID, next, document, micros(v.CreateDate)); err != nil {
			return err
		}
		if setAsDefault {
			_, err = tx.ExecContext(ctx, `UPDATE policies SET default_version = $1 WHERE id = $2`, next, p.ID)
		}
		return err
	})
	return v, err
}

func versionNotFound(arn, id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, id)
}

func (s *Store) PolicyVersion(ctx context.Context, account, arn, id string) (*warden.PolicyVersion, error) {
	if err := warden.ValidatePolicyVersionID(id); err != nil {
		return nil, err
	}
	var v *warden.PolicyVersion
	err := s.view(ctx, "sqlstore.PolicyVersion", func(tx *sql.Tx) error {
		p, err := s.findPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		versions, err := s.policyVersions(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, candidate := range versions {
			if candidate.VersionID == id {
				v = candidate
				return nil
			}
		}
		return versionNotFound(arn, id)
	})
	return v, err
}

// policyVersions returns a policy's versions, newest first. The catalogue
// holds only the default version of an AWS managed policy.
func (s *Store) policyVersions(ctx context.Context, q querier, p *storedPolicy) ([]*warden.PolicyVersion, error) {
	if p.aws != nil {
		return []*warden.PolicyVersion{{
			VersionID: p.DefaultVersionID, Document: p.aws.Document, IsDefaultVersion: true, CreateDate: p.UpdateDate,
		}}, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT version, document, created_at FROM policy_versions WHERE policy_id = $1 ORDER BY version DESC`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var versions []*warden.PolicyVersion
	for rows.Next() {
		var n int
		var created int64
		v := &warden.PolicyVersion{}
		if err := rows.Scan(&n, &v.Document, &created); err != nil {
			return nil, err
		}
		v.VersionID, v.IsDefaultVersion, v.CreateDate = versionID(n), n == p.defaultVersion, fromMicros(created)
		versions = append(versions, v)
	}
	return versions, rows.Err()
}

func (s *Store) ListPolicyVersions(ctx context.Context, account, arn string, opts warden.ListOptions) (*warden.Page[*warden.PolicyVersion], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.PolicyVersion]
	err = s.view(ctx, "sqlstore.ListPolicyVersions", func(tx *sql.Tx) error {
		p, err := s.findPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		versions, err := s.policyVersions(ctx, tx, p)
		if err != nil {
			return err
		}
		// Newest first: the sort key counts down as N grows.
		page = pageOf(pq, versions, func(v *warden.PolicyVersion) string {
			return fmt.Sprintf("%010d", 1<<31-parseVersionID(v.VersionID))
		})
		return nil
	})
	return page, err
}

func (s *Store) DeletePolicyVersion(ctx context.Context, account, arn, id string) error {
	if err := warden.ValidatePolicyVersionID(id); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.DeletePolicyVersion", func(tx *sql.Tx) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		n := parseVersionID(id)
		if n == p.defaultVersion {
			return warden.Errorf(warden.EDeleteConflict, "Cannot delete the default version of a policy.")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM policy_versions WHERE policy_id = $1 AND version = $2`, p.ID, n)
		if err != nil {
			return err
		}
		if deleted, err := res.RowsAffected(); err != nil {
			return err
		} else if deleted == 0 {
			return versionNotFound(arn, id)
		}
		return nil
	})
}

func (s *Store) SetDefaultPolicyVersion(ctx context.Context, account, arn, id string) error {
	if err := warden.ValidatePolicyVersionID(id); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.SetDefaultPolicyVersion", func(tx *sql.Tx) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		n := parseVersionID(id)
		if exists, err := count(ctx, tx, `SELECT count(*) FROM policy_versions WHERE policy_id = $1 AND version = $2`, p.ID, n); err != nil {
			return err
		} else if exists == 0 {
			return versionNotFound(arn, id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE policies SET default_version = $1 WHERE id = $2`, n, p.ID)
		return err
	})
}

func (s *Store) TagPolicy(ctx context.Context, account, arn string, tags []warden.Tag) error {
	return s.update(ctx, "sqlstore.TagPolicy", func(tx *sql.Tx) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.addTags(ctx, tx, policyTags, p.ID, tags)
	})
}

func (s *Store) UntagPolicy(ctx context.Context, account, arn string, keys []string) error {
	return s.update(ctx, "sqlstore.UntagPolicy", func(tx *sql.Tx) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.removeTags(ctx, tx, policyTags, p.ID, keys)
	})
}

func (s *Store) ListPolicyTags(ctx context.Context, account, arn string, opts warden.ListOptions) (*warden.Page[warden.Tag], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[warden.Tag]
	err = s.view(ctx, "sqlstore.ListPolicyTags", func(tx *sql.Tx) error {
		p, err := s.findPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		if p.aws != nil {
			page = pageOf(pq, []warden.Tag{}, func(t warden.Tag) string { return t.Key })
			return nil
		}
		page, err = s.tagPage(ctx, tx, policyTags, p.ID, pq)
		return err
	})
	return page, err
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
	err = s.view(ctx, "sqlstore.ListEntitiesForPolicy", func(tx *sql.Tx) error {
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
