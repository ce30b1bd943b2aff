package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/warden-iam/warden"
)

// The Organizations writes that shrink or rename the tree (deleting the
// organization, removing accounts, renaming and deleting OUs) and the
// tagging of its resources.

func (s *Store) DeleteOrganization(ctx context.Context, management string) error {
	return s.update(ctx, "sqlstore.DeleteOrganization", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organization_accounts WHERE organization_id = $1 AND account_id <> $2`, org.ID, management); err != nil {
			return err
		} else if n > 0 {
			// "The organization must be empty of member accounts"
			// (DeleteOrganization, AWS Organizations API Reference).
			return warden.Errorf(warden.EOrganizationNotEmpty, "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.")
		}
		// Tags belong to the root, the OUs, the management account's
		// membership and the policies, all of which go.
		for _, query := range []string{
			`DELETE FROM organization_tags WHERE resource_id IN (SELECT id FROM organizational_units WHERE organization_id = $1)`,
			`DELETE FROM organization_tags WHERE resource_id IN (SELECT id FROM organization_policies WHERE organization_id = $1)`,
			`DELETE FROM organization_tags WHERE resource_id IN (SELECT root_id FROM organizations WHERE id = $1)`,
			`DELETE FROM organization_tags WHERE resource_id IN (SELECT account_id FROM organization_accounts WHERE organization_id = $1)`,
			`DELETE FROM organization_handshakes WHERE organization_id = $1`,
			`DELETE FROM organization_policy_attachments WHERE organization_id = $1`,
			`DELETE FROM organization_policies WHERE organization_id = $1`,
			`DELETE FROM organization_policy_types WHERE organization_id = $1`,
			`DELETE FROM create_account_requests WHERE organization_id = $1`,
			`DELETE FROM organizational_units WHERE organization_id = $1`,
			`DELETE FROM organization_accounts WHERE organization_id = $1`,
			`DELETE FROM organizations WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, query, org.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) RemoveOrganizationAccount(ctx context.Context, management, account string) error {
	return s.update(ctx, "sqlstore.RemoveOrganizationAccount", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if account == management {
			return warden.Errorf(warden.EMasterCannotLeaveOrganization, "You can't remove the management account from an organization. You must delete the organization instead.")
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organization_accounts WHERE account_id = $1 AND organization_id = $2`, account, org.ID); err != nil {
			return err
		} else if n == 0 {
			return warden.ErrAccountNotFound()
		}
		for _, query := range []string{
			`DELETE FROM organization_policy_attachments WHERE organization_id = $1 AND target_id = $2`,
			`DELETE FROM organization_accounts WHERE organization_id = $1 AND account_id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, query, org.ID, account); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM organization_tags WHERE resource_id = $1`, account)
		return err
	})
}

// orgUnit reads one OU of the organization.
func (s *Store) orgUnit(ctx context.Context, q querier, org *warden.Organization, id string) (*warden.OrganizationalUnit, error) {
	u := &warden.OrganizationalUnit{ID: id, ARN: org.UnitARN(id)}
	err := q.QueryRowContext(ctx, `SELECT parent_id, name FROM organizational_units WHERE id = $1 AND organization_id = $2`, id, org.ID).Scan(&u.ParentID, &u.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.ErrOrganizationalUnitNotFound()
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) UpdateOrganizationalUnit(ctx context.Context, management, ouID, name string) (*warden.OrganizationalUnit, error) {
	if name != "" {
		if err := warden.ValidateOrganizationalUnitName(name); err != nil {
			return nil, err
		}
	}
	var ou *warden.OrganizationalUnit
	err := s.update(ctx, "sqlstore.UpdateOrganizationalUnit", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if ou, err = s.orgUnit(ctx, tx, org, ouID); err != nil {
			return err
		}
		if name == "" || name == ou.Name {
			return nil
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organizational_units WHERE parent_id = $1 AND name = $2`, ou.ParentID, name); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EDuplicateOrganizationalUnit, "An OU with the same name already exists.")
		}
		ou.Name = name
		_, err = tx.ExecContext(ctx, `UPDATE organizational_units SET name = $1 WHERE id = $2`, name, ouID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ou, nil
}

func (s *Store) DeleteOrganizationalUnit(ctx context.Context, management, ouID string) error {
	return s.update(ctx, "sqlstore.DeleteOrganizationalUnit", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if _, err := s.orgUnit(ctx, tx, org, ouID); err != nil {
			return err
		}
		accounts, err := count(ctx, tx, `SELECT count(*) FROM organization_accounts WHERE parent_id = $1 AND organization_id = $2`, ouID, org.ID)
		if err != nil {
			return err
		}
		units, err := count(ctx, tx, `SELECT count(*) FROM organizational_units WHERE parent_id = $1 AND organization_id = $2`, ouID, org.ID)
		if err != nil {
			return err
		}
		if accounts+units > 0 {
			return warden.Errorf(warden.EOrganizationalUnitNotEmpty, "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
		}
		for _, query := range []string{
			`DELETE FROM organization_policy_attachments WHERE organization_id = $1 AND target_id = $2`,
			`DELETE FROM organizational_units WHERE organization_id = $1 AND id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, query, org.ID, ouID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM organization_tags WHERE resource_id = $1`, ouID)
		return err
	})
}

// taggable checks that resourceID names a root, OU, account or policy of
// the organization; for changes, AWS managed policies are refused.
func (s *Store) taggable(ctx context.Context, q querier, org *warden.Organization, resourceID string, change bool) error {
	if !strings.HasPrefix(resourceID, "p-") {
		_, err := s.target(ctx, q, org, resourceID)
		return err
	}
	var err error
	if change {
		_, err = s.customerPolicy(ctx, q, org, resourceID)
	} else {
		_, err = s.orgPolicy(ctx, q, org, resourceID)
	}
	if warden.ErrorCode(err) == warden.EPolicyNotFound {
		return warden.ErrTargetNotFound()
	}
	return err
}

func (s *Store) TagOrganizationResource(ctx context.Context, management, resourceID string, tags []warden.Tag) error {
	if err := warden.ValidateOrganizationTags(tags); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.TagOrganizationResource", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if err := s.taggable(ctx, tx, org, resourceID, true); err != nil {
			return err
		}
		existing, err := s.loadTags(ctx, tx, orgTags, resourceID)
		if err != nil {
			return err
		}
		// Organizations reports the tag quota with a reason, where IAM
		// answers LimitExceeded.
		if tagKeyCount(existing, tags, orgTags.fold) > s.quotas.TagsPerResource {
			return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonMaxTagLimitExceeded,
				"You have exceeded the number of tags allowed on this resource: at most %d.", s.quotas.TagsPerResource)
		}
		return putOrgTags(ctx, tx, resourceID, tags)
	})
}

// putOrgTags adds or replaces tags of an Organizations resource, checked
// by the caller. Not addTags: its validation and its quota error are IAM's,
// where Organizations validates by its own model and reports the quota as
// a ConstraintViolation with a reason.
func putOrgTags(ctx context.Context, tx querier, resourceID string, tags []warden.Tag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organization_tags (resource_id, key_fold, tag_key, tag_value) VALUES ($1, $2, $2, $3)
			ON CONFLICT (resource_id, key_fold) DO UPDATE SET tag_value = excluded.tag_value`, resourceID, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) UntagOrganizationResource(ctx context.Context, management, resourceID string, keys []string) error {
	if err := warden.ValidateTagKeys(keys); err != nil {
		return warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonInvalidPattern, "%s", warden.ErrorMessage(err))
	}
	return s.update(ctx, "sqlstore.UntagOrganizationResource", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if err := s.taggable(ctx, tx, org, resourceID, true); err != nil {
			return err
		}
		return s.removeTags(ctx, tx, orgTags, resourceID, keys)
	})
}

func (s *Store) ListOrganizationResourceTags(ctx context.Context, management, resourceID string, opts warden.ListOptions) (*warden.Page[warden.Tag], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[warden.Tag]
	err = s.view(ctx, "sqlstore.ListOrganizationResourceTags", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if err := s.taggable(ctx, tx, org, resourceID, false); err != nil {
			return err
		}
		page, err = s.tagPage(ctx, tx, orgTags, resourceID, pq)
		return err
	})
	return page, err
}
