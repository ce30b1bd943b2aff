package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/warden-iam/warden"
)

// storedPolicy is a managed policy as the store resolves it: a customer
// policy row, or an entry of the AWS managed policy catalogue.
type storedPolicy struct {
	warden.ManagedPolicy
	defaultVersion int                      // customer policies: N of the default vN
	aws            *warden.AWSManagedPolicy // AWS managed policies: the catalogue entry
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
	err := s.update(ctx, "sqlstore.CreatePolicy", func(tx querier) error {
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
	err := s.view(ctx, "sqlstore.Policy", func(tx querier) error {
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

func (s *Store) DeletePolicy(ctx context.Context, account, arn string) error {
	return s.update(ctx, "sqlstore.DeletePolicy", func(tx querier) error {
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

func (s *Store) TagPolicy(ctx context.Context, account, arn string, tags []warden.Tag) error {
	return s.update(ctx, "sqlstore.TagPolicy", func(tx querier) error {
		p, err := s.findCustomerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.addTags(ctx, tx, policyTags, p.ID, tags)
	})
}

func (s *Store) UntagPolicy(ctx context.Context, account, arn string, keys []string) error {
	return s.update(ctx, "sqlstore.UntagPolicy", func(tx querier) error {
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
	err = s.view(ctx, "sqlstore.ListPolicyTags", func(tx querier) error {
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
