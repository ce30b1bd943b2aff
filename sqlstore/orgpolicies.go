package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/warden-iam/warden"
)

// Organization policies: the policy types enabled in the root, SCPs and
// RCPs, where they are attached, and the request-path answer of which
// policies govern an account (OrganizationControls), cached per store
// generation like the other authorization lookups.

func (s *Store) EnableOrganizationPolicyType(ctx context.Context, management, rootID string, t warden.OrganizationPolicyType) (*warden.OrganizationRoot, error) {
	var root *warden.OrganizationRoot
	err := s.update(ctx, "sqlstore.EnableOrganizationPolicyType", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if rootID != org.RootID {
			return warden.ErrRootNotFound()
		}
		if !t.Served() || org.FeatureSet != warden.FeatureSetAll {
			return warden.ErrPolicyTypeNotAvailable()
		}
		if org.HasPolicyType(t) {
			return warden.Errorf(warden.EPolicyTypeAlreadyEnabled, "The specified policy type is already enabled.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organization_policy_types (organization_id, policy_type) VALUES ($1, $2)`, org.ID, string(t)); err != nil {
			return err
		}
		// Enabling a type attaches its full-access policy everywhere, so
		// that nothing is denied until a policy of the type says so.
		full := warden.FullAccessPolicy(t)
		for _, query := range []string{
			`INSERT INTO organization_policy_attachments (organization_id, target_id, policy_id, policy_type)
				SELECT organization_id, account_id, $2, $3 FROM organization_accounts WHERE organization_id = $1`,
			`INSERT INTO organization_policy_attachments (organization_id, target_id, policy_id, policy_type)
				SELECT organization_id, id, $2, $3 FROM organizational_units WHERE organization_id = $1`,
			`INSERT INTO organization_policy_attachments (organization_id, target_id, policy_id, policy_type)
				SELECT id, root_id, $2, $3 FROM organizations WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, query, org.ID, full.ID, string(t)); err != nil {
				return err
			}
		}
		org.PolicyTypes = append(org.PolicyTypes, t)
		root = rootOf(org)
		root.PolicyTypes, err = s.policyTypes(ctx, tx, org.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return root, nil
}

func (s *Store) DisableOrganizationPolicyType(ctx context.Context, management, rootID string, t warden.OrganizationPolicyType) (*warden.OrganizationRoot, error) {
	var root *warden.OrganizationRoot
	err := s.update(ctx, "sqlstore.DisableOrganizationPolicyType", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if rootID != org.RootID {
			return warden.ErrRootNotFound()
		}
		if !org.HasPolicyType(t) {
			return warden.Errorf(warden.EPolicyTypeNotEnabled, "This operation can be performed only for enabled policy types.")
		}
		// Disabling a type detaches every policy of the type.
		if _, err := tx.ExecContext(ctx, `DELETE FROM organization_policy_attachments WHERE organization_id = $1 AND policy_type = $2`, org.ID, string(t)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organization_policy_types WHERE organization_id = $1 AND policy_type = $2`, org.ID, string(t)); err != nil {
			return err
		}
		root = rootOf(org)
		root.PolicyTypes, err = s.policyTypes(ctx, tx, org.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return root, nil
}

// attachFullAccess attaches, to a new OU or account, the full-access
// policy of every enabled policy type, as AWS does for new members of an
// organization.
func (s *Store) attachFullAccess(ctx context.Context, tx querier, org *warden.Organization, targetID string) error {
	for _, t := range org.PolicyTypes {
		full := warden.FullAccessPolicy(t)
		if _, err := tx.ExecContext(ctx, `INSERT INTO organization_policy_attachments (organization_id, target_id, policy_id, policy_type)
			VALUES ($1, $2, $3, $4)`, org.ID, targetID, full.ID, string(t)); err != nil {
			return err
		}
	}
	return nil
}

// orgPolicy returns a customer policy of the organization or an AWS
// managed one.
func (s *Store) orgPolicy(ctx context.Context, q querier, org *warden.Organization, id string) (*warden.OrganizationPolicy, error) {
	if p := warden.AWSManagedOrganizationPolicy(id); p != nil {
		copied := *p
		return &copied, nil
	}
	p := &warden.OrganizationPolicy{ID: id}
	var t string
	err := q.QueryRowContext(ctx, `SELECT policy_type, name, description, content FROM organization_policies WHERE id = $1 AND organization_id = $2`, id, org.ID).
		Scan(&t, &p.Name, &p.Description, &p.Content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.ErrPolicyNotFound()
	}
	if err != nil {
		return nil, err
	}
	p.Type = warden.OrganizationPolicyType(t)
	p.ARN = org.PolicyARN(p.Type, id)
	return p, nil
}

// customerPolicy is orgPolicy for the operations that change a policy,
// which AWS managed policies refuse.
func (s *Store) customerPolicy(ctx context.Context, q querier, org *warden.Organization, id string) (*warden.OrganizationPolicy, error) {
	p, err := s.orgPolicy(ctx, q, org, id)
	if err == nil && p.AWSManaged {
		return nil, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonImmutablePolicy, "You specified a policy that is managed by AWS and can't be modified.")
	}
	return p, err
}

func checkPolicyContentSize(content string) error {
	if warden.PolicySize(content) > warden.MaxOrganizationPolicySize {
		return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonPolicyContentLimitExceeded,
			"The policy content exceeds the maximum size of %d characters.", warden.MaxOrganizationPolicySize)
	}
	return nil
}

// checkPolicyName refuses a name another policy of the type has, the AWS
// managed one's included.
func checkPolicyName(ctx context.Context, q querier, org *warden.Organization, t warden.OrganizationPolicyType, name, except string) error {
	n, err := count(ctx, q, `SELECT count(*) FROM organization_policies WHERE organization_id = $1 AND policy_type = $2 AND name = $3 AND id <> $4`,
		org.ID, string(t), name, except)
	if err != nil {
		return err
	}
	if full := warden.FullAccessPolicy(t); n > 0 || full != nil && full.Name == name {
		return warden.Errorf(warden.EDuplicatePolicy, "A policy with the same name already exists.")
	}
	return nil
}

func (s *Store) CreateOrganizationPolicy(ctx context.Context, management string, in warden.CreateOrganizationPolicyInput) (*warden.OrganizationPolicy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *warden.OrganizationPolicy
	err := s.update(ctx, "sqlstore.CreateOrganizationPolicy", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if !in.Type.Served() || org.FeatureSet != warden.FeatureSetAll {
			return warden.ErrPolicyTypeNotAvailable()
		}
		if err := checkPolicyContentSize(in.Content); err != nil {
			return err
		}
		if err := checkPolicyName(ctx, tx, org, in.Type, in.Name, ""); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organization_policies WHERE organization_id = $1 AND policy_type = $2`, org.ID, string(in.Type)); err != nil {
			return err
		} else if n >= warden.MaxOrganizationPolicies {
			return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonPolicyNumberLimitExceeded,
				"You have reached the maximum of %d policies of this type in the organization.", warden.MaxOrganizationPolicies)
		}
		p = &warden.OrganizationPolicy{ID: warden.NewOrganizationPolicyID(), Name: in.Name, Description: in.Description, Type: in.Type, Content: in.Content}
		p.ARN = org.PolicyARN(p.Type, p.ID)
		now := micros(s.clock())
		if _, err := tx.ExecContext(ctx, `INSERT INTO organization_policies (id, organization_id, policy_type, name, description, content, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, p.ID, org.ID, string(p.Type), p.Name, p.Description, p.Content, now); err != nil {
			return err
		}
		return s.addTags(ctx, tx, orgTags, p.ID, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) UpdateOrganizationPolicy(ctx context.Context, management, policyID string, in warden.UpdateOrganizationPolicyInput) (*warden.OrganizationPolicy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *warden.OrganizationPolicy
	err := s.update(ctx, "sqlstore.UpdateOrganizationPolicy", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if p, err = s.customerPolicy(ctx, tx, org, policyID); err != nil {
			return err
		}
		if in.Name != nil && *in.Name != p.Name {
			if err := checkPolicyName(ctx, tx, org, p.Type, *in.Name, p.ID); err != nil {
				return err
			}
			p.Name = *in.Name
		}
		if in.Description != nil {
			p.Description = *in.Description
		}
		if in.Content != nil {
			if err := checkPolicyContentSize(*in.Content); err != nil {
				return err
			}
			p.Content = *in.Content
		}
		_, err = tx.ExecContext(ctx, `UPDATE organization_policies SET name = $1, description = $2, content = $3, updated_at = $4 WHERE id = $5`,
			p.Name, p.Description, p.Content, micros(s.clock()), p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) DeleteOrganizationPolicy(ctx context.Context, management, policyID string) error {
	return s.update(ctx, "sqlstore.DeleteOrganizationPolicy", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if _, err := s.customerPolicy(ctx, tx, org, policyID); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organization_policy_attachments WHERE organization_id = $1 AND policy_id = $2`, org.ID, policyID); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EPolicyInUse, "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organization_tags WHERE resource_id = $1`, policyID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM organization_policies WHERE id = $1`, policyID)
		return err
	})
}

func (s *Store) OrganizationPolicy(ctx context.Context, management, policyID string) (*warden.OrganizationPolicy, []warden.Tag, error) {
	var p *warden.OrganizationPolicy
	var tags []warden.Tag
	err := s.view(ctx, "sqlstore.OrganizationPolicy", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if p, err = s.orgPolicy(ctx, tx, org, policyID); err != nil {
			return err
		}
		tags, err = s.loadTags(ctx, tx, orgTags, policyID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, tags, nil
}

// policySortKey orders the AWS managed policy before customer ones.
func policySortKey(p *warden.OrganizationPolicy) string {
	if p.AWSManaged {
		return "0" + p.ID
	}
	return "1" + p.ID
}

func (s *Store) ListOrganizationPolicies(ctx context.Context, management string, t warden.OrganizationPolicyType, opts warden.ListOptions) (*warden.Page[*warden.OrganizationPolicy], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.OrganizationPolicy]
	err = s.view(ctx, "sqlstore.ListOrganizationPolicies", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		var policies []*warden.OrganizationPolicy
		if full := warden.FullAccessPolicy(t); full != nil {
			copied := *full
			policies = append(policies, &copied)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, name, description, content FROM organization_policies WHERE organization_id = $1 AND policy_type = $2`, org.ID, string(t))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p := &warden.OrganizationPolicy{Type: t}
			if err := rows.Scan(&p.ID, &p.Name, &p.Description, &p.Content); err != nil {
				return err
			}
			p.ARN = org.PolicyARN(t, p.ID)
			policies = append(policies, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		page = pageOf(pq, policies, policySortKey)
		return nil
	})
	return page, err
}

func (s *Store) AttachOrganizationPolicy(ctx context.Context, management, policyID, targetID string) error {
	return s.update(ctx, "sqlstore.AttachOrganizationPolicy", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		p, err := s.orgPolicy(ctx, tx, org, policyID)
		if err != nil {
			return err
		}
		if _, err := s.target(ctx, tx, org, targetID); err != nil {
			return err
		}
		if !org.HasPolicyType(p.Type) {
			return warden.Errorf(warden.EPolicyTypeNotEnabled, "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.")
		}
		attached, err := s.attachedIDs(ctx, tx, org, targetID, p.Type)
		if err != nil {
			return err
		}
		for _, id := range attached {
			if id == policyID {
				return warden.Errorf(warden.EDuplicatePolicyAttachment, "The selected policy is already attached to the specified target.")
			}
		}
		if len(attached) >= warden.MaxPoliciesPerTarget {
			return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonMaxAttachmentsExceeded,
				"You attempted to attach more than %d policies of this type to the %s.", warden.MaxPoliciesPerTarget, targetWord(targetID))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO organization_policy_attachments (organization_id, target_id, policy_id, policy_type) VALUES ($1, $2, $3, $4)`,
			org.ID, targetID, policyID, string(p.Type))
		return err
	})
}

func (s *Store) DetachOrganizationPolicy(ctx context.Context, management, policyID, targetID string) error {
	return s.update(ctx, "sqlstore.DetachOrganizationPolicy", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		p, err := s.orgPolicy(ctx, tx, org, policyID)
		if err != nil {
			return err
		}
		if _, err := s.target(ctx, tx, org, targetID); err != nil {
			return err
		}
		attached, err := s.attachedIDs(ctx, tx, org, targetID, p.Type)
		if err != nil {
			return err
		}
		found := false
		for _, id := range attached {
			found = found || id == policyID
		}
		switch {
		case !found:
			return warden.Errorf(warden.EPolicyNotAttached, "The policy isn't attached to the specified target in the specified root.")
		case p.AWSManaged && p.Type == warden.ResourceControlPolicy:
			// RCPFullAWSAccess stays attached: RCPs only deny.
			return warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonNonDetachablePolicy, "You can't detach this AWS managed policy.")
		case p.Type == warden.ServiceControlPolicy && len(attached) == 1:
			// A target without SCPs would deny everything; AWS requires
			// one to stay.
			return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonMinAttachmentsExceeded,
				"You can't detach the last service control policy from the %s.", targetWord(targetID))
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM organization_policy_attachments WHERE organization_id = $1 AND target_id = $2 AND policy_id = $3`,
			org.ID, targetID, policyID)
		return err
	})
}

func targetWord(id string) string {
	switch warden.TargetTypeOf(id) {
	case warden.TargetRoot:
		return "root"
	case warden.TargetOrganizationalUnit:
		return "OU"
	}
	return "account"
}

// attachedIDs returns the IDs of the policies of a type attached to a
// target.
func (s *Store) attachedIDs(ctx context.Context, q querier, org *warden.Organization, targetID string, t warden.OrganizationPolicyType) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT policy_id FROM organization_policy_attachments WHERE organization_id = $1 AND target_id = $2 AND policy_type = $3`,
		org.ID, targetID, string(t))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// attachedPolicies resolves the policies of a type attached to a target.
func (s *Store) attachedPolicies(ctx context.Context, q querier, org *warden.Organization, targetID string, t warden.OrganizationPolicyType) ([]*warden.OrganizationPolicy, error) {
	ids, err := s.attachedIDs(ctx, q, org, targetID, t)
	if err != nil {
		return nil, err
	}
	policies := make([]*warden.OrganizationPolicy, 0, len(ids))
	for _, id := range ids {
		p, err := s.orgPolicy(ctx, q, org, id)
		if err != nil {
			// An attachment outliving its policy is a fault of the store;
			// deciding without the policy could allow what it denies.
			return nil, &warden.Error{Code: warden.EServiceFailure, Message: "An organization policy in force could not be read.", Err: err}
		}
		policies = append(policies, p)
	}
	return policies, nil
}

func (s *Store) ListOrganizationPoliciesForTarget(ctx context.Context, management, targetID string, t warden.OrganizationPolicyType, opts warden.ListOptions) (*warden.Page[*warden.OrganizationPolicy], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.OrganizationPolicy]
	err = s.view(ctx, "sqlstore.ListOrganizationPoliciesForTarget", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if _, err := s.target(ctx, tx, org, targetID); err != nil {
			return err
		}
		policies, err := s.attachedPolicies(ctx, tx, org, targetID, t)
		if err != nil {
			return err
		}
		page = pageOf(pq, policies, policySortKey)
		return nil
	})
	return page, err
}

func (s *Store) ListOrganizationPolicyTargets(ctx context.Context, management, policyID string, opts warden.ListOptions) (*warden.Page[*warden.OrganizationTarget], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.OrganizationTarget]
	err = s.view(ctx, "sqlstore.ListOrganizationPolicyTargets", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if _, err := s.orgPolicy(ctx, tx, org, policyID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT target_id FROM organization_policy_attachments WHERE organization_id = $1 AND policy_id = $2`, org.ID, policyID)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		targets := make([]*warden.OrganizationTarget, 0, len(ids))
		for _, id := range ids {
			t, err := s.target(ctx, tx, org, id)
			if err != nil {
				return err
			}
			targets = append(targets, t)
		}
		page = pageOf(pq, targets, func(t *warden.OrganizationTarget) string { return t.ID })
		return nil
	})
	return page, err
}

// OrganizationControls answers from the cache when it holds an answer of
// the current generation, as AccessKey and PrincipalPolicies do.
func (s *Store) OrganizationControls(ctx context.Context, account string) (*warden.OrganizationControls, error) {
	generation := s.generation.Load()
	if s.cache != nil {
		if c, ok := s.controls.get(generation, account); ok {
			return c, nil
		}
	}
	var c *warden.OrganizationControls
	err := s.view(ctx, "sqlstore.OrganizationControls", func(tx querier) (err error) {
		c, err = s.loadControls(ctx, tx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.cache != nil {
		s.controls.put(generation, account, c)
	}
	return c, nil
}

func (s *Store) loadControls(ctx context.Context, q querier, account string) (*warden.OrganizationControls, error) {
	c := &warden.OrganizationControls{AccountID: account}
	org, err := s.organizationOf(ctx, q, account)
	if warden.ErrorCode(err) == warden.EAWSOrganizationsNotInUse {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	var parent string
	if err := q.QueryRowContext(ctx, `SELECT parent_id FROM organization_accounts WHERE account_id = $1`, account).Scan(&parent); err != nil {
		return nil, err
	}
	chain, err := s.ancestry(ctx, q, org, parent)
	if err != nil {
		return nil, err
	}
	c.OrganizationID, c.Management = org.ID, org.ManagementAccountID == account
	c.Path = org.ID + "/"
	for _, id := range chain {
		c.Path += id + "/"
	}
	if c.Management {
		return c, nil
	}
	levels := append(chain, account)
	for _, t := range org.PolicyTypes {
		perLevel := make([][]*warden.OrganizationPolicy, len(levels))
		for i, target := range levels {
			if perLevel[i], err = s.attachedPolicies(ctx, q, org, target, t); err != nil {
				return nil, err
			}
		}
		switch t {
		case warden.ServiceControlPolicy:
			c.SCPs = perLevel
		case warden.ResourceControlPolicy:
			c.RCPs = perLevel
		}
	}
	return c, nil
}

// controlsCache holds OrganizationControls answers of one store
// generation; like authCache, it empties itself when a newer generation
// arrives, and a loader stores under the generation it read before its
// query, so an answer read before a write is never stored as current.
type controlsCache struct {
	mu         sync.RWMutex
	generation uint64
	byAccount  map[string]*warden.OrganizationControls
}

func (c *controlsCache) get(generation uint64, account string) (*warden.OrganizationControls, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.generation != generation {
		return nil, false
	}
	v, ok := c.byAccount[account]
	return v, ok
}

func (c *controlsCache) put(generation uint64, account string, v *warden.OrganizationControls) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case generation < c.generation:
		return
	case generation > c.generation || c.byAccount == nil || len(c.byAccount) >= maxCacheEntries:
		c.byAccount = map[string]*warden.OrganizationControls{}
		c.generation = generation
	}
	c.byAccount[account] = v
}
