package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// A managed policy keeps up to five versions named vN, exactly one of them
// the default (IAM User Guide, "Versioning IAM policies"). N only grows:
// the store keeps the next N with the policy, so a deleted version's name
// is never reused.

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

func (s *Store) CreatePolicyVersion(ctx context.Context, account, arn, document string, setAsDefault bool) (*warden.PolicyVersion, error) {
	if err := warden.ValidatePolicyDocument(document); err != nil {
		return nil, err
	}
	if err := s.checkPolicySize(document); err != nil {
		return nil, err
	}
	var v *warden.PolicyVersion
	err := s.update(ctx, "sqlstore.CreatePolicyVersion", func(tx querier) error {
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
	err := s.view(ctx, "sqlstore.PolicyVersion", func(tx querier) error {
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
	err = s.view(ctx, "sqlstore.ListPolicyVersions", func(tx querier) error {
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
	return s.update(ctx, "sqlstore.DeletePolicyVersion", func(tx querier) error {
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
	return s.update(ctx, "sqlstore.SetDefaultPolicyVersion", func(tx querier) error {
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
