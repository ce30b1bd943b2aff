package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
)

// Organizations: an organization row per management account, one
// organization_accounts row per member (the management account included),
// OUs under the root, and the policies and attachments in orgpolicies.go.
// Every write bumps the store generation, which drops the cached
// OrganizationControls answers.

var orgTags = tagTable{table: "organization_tags", owner: "resource_id", quota: "TagsPerResource"}

// organizationOf returns the organization the account belongs to, as
// management account or member.
func (s *Store) organizationOf(ctx context.Context, q querier, account string) (*warden.Organization, error) {
	var o warden.Organization
	var feature string
	var created int64
	err := q.QueryRowContext(ctx, `SELECT o.id, o.management_account_id, o.feature_set, o.root_id, o.created_at
		FROM organization_accounts a JOIN organizations o ON o.id = a.organization_id WHERE a.account_id = $1`, account).
		Scan(&o.ID, &o.ManagementAccountID, &feature, &o.RootID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.ErrNotInOrganization()
	}
	if err != nil {
		return nil, err
	}
	o.FeatureSet, o.CreateDate = warden.OrganizationFeatureSet(feature), fromMicros(created)
	o.ARN = "arn:" + warden.Partition + ":organizations::" + o.ManagementAccountID + ":organization/" + o.ID
	if o.PolicyTypes, err = s.policyTypes(ctx, q, o.ID); err != nil {
		return nil, err
	}
	return &o, nil
}

// managedOrganization returns the organization the account manages.
// Member accounts may not use the management operations.
func (s *Store) managedOrganization(ctx context.Context, q querier, account string) (*warden.Organization, error) {
	o, err := s.organizationOf(ctx, q, account)
	if err != nil {
		return nil, err
	}
	if o.ManagementAccountID != account {
		return nil, warden.ErrManagementOnly()
	}
	return o, nil
}

// policyTypes returns the policy types enabled in an organization's root,
// SCPs before RCPs.
func (s *Store) policyTypes(ctx context.Context, q querier, orgID string) ([]warden.OrganizationPolicyType, error) {
	rows, err := q.QueryContext(ctx, `SELECT policy_type FROM organization_policy_types WHERE organization_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var types []warden.OrganizationPolicyType
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		types = append(types, warden.OrganizationPolicyType(t))
	}
	slices.SortFunc(types, func(a, b warden.OrganizationPolicyType) int {
		return cmp.Compare(policyTypeRank(a), policyTypeRank(b))
	})
	return types, rows.Err()
}

func policyTypeRank(t warden.OrganizationPolicyType) int {
	if t == warden.ServiceControlPolicy {
		return 0
	}
	return 1
}

func (s *Store) CreateOrganization(ctx context.Context, account string, featureSet warden.OrganizationFeatureSet) (*warden.Organization, error) {
	switch featureSet {
	case "":
		featureSet = warden.FeatureSetAll
	case warden.FeatureSetAll, warden.FeatureSetConsolidatedBilling:
	default:
		return nil, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonInvalidEnum, "%q is not a valid feature set.", string(featureSet))
	}
	var org *warden.Organization
	err := s.update(ctx, "sqlstore.CreateOrganization", func(tx querier) error {
		a, err := s.account(ctx, tx, account)
		if err != nil {
			return err
		}
		if _, err := s.organizationOf(ctx, tx, account); err == nil {
			return warden.Errorf(warden.EAlreadyInOrganization, "The AWS account is already a member of an organization.")
		} else if warden.ErrorCode(err) != warden.EAWSOrganizationsNotInUse {
			return err
		}
		org = &warden.Organization{
			ID:                  warden.NewOrganizationID(),
			FeatureSet:          featureSet,
			ManagementAccountID: account,
			RootID:              warden.NewOrganizationRootID(),
			CreateDate:          s.clock(),
		}
		org.ARN = "arn:" + warden.Partition + ":organizations::" + account + ":organization/" + org.ID
		if _, err := tx.ExecContext(ctx, `INSERT INTO organizations (id, management_account_id, feature_set, root_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, org.ID, account, string(featureSet), org.RootID, micros(org.CreateDate)); err != nil {
			return err
		}
		// The management account is listed among the accounts, named by its
		// alias when it has one: Warden's accounts have no name of their own.
		_, err = tx.ExecContext(ctx, `INSERT INTO organization_accounts (account_id, organization_id, parent_id, name, email, email_key, joined_method, joined_at)
			VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)`, account, org.ID, org.RootID, cmp.Or(a.Alias, account), warden.JoinedInvited, micros(org.CreateDate))
		return err
	})
	if err != nil {
		return nil, err
	}
	return org, nil
}

func (s *Store) Organization(ctx context.Context, account string) (*warden.Organization, error) {
	var org *warden.Organization
	err := s.view(ctx, "sqlstore.Organization", func(tx querier) (err error) {
		org, err = s.organizationOf(ctx, tx, account)
		return err
	})
	return org, err
}

func (s *Store) OrganizationRoot(ctx context.Context, management string) (*warden.OrganizationRoot, error) {
	var root *warden.OrganizationRoot
	err := s.view(ctx, "sqlstore.OrganizationRoot", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		root = rootOf(org)
		return nil
	})
	return root, err
}

func rootOf(org *warden.Organization) *warden.OrganizationRoot {
	return &warden.OrganizationRoot{ID: org.RootID, ARN: org.RootARN(), Name: "Root", PolicyTypes: org.PolicyTypes}
}

func (s *Store) CreateOrganizationAccount(ctx context.Context, management string, in warden.CreateOrganizationAccountInput) (*warden.CreateAccountStatus, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	roleName := cmp.Or(in.RoleName, warden.DefaultOrganizationAccessRole)
	var status *warden.CreateAccountStatus
	err := s.update(ctx, "sqlstore.CreateOrganizationAccount", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		now := s.clock()
		status = &warden.CreateAccountStatus{ID: warden.NewCreateAccountRequestID(), AccountName: in.Name,
			State: warden.CreateAccountSucceeded, RequestedDate: now, CompletedDate: now}
		taken, err := count(ctx, tx, `SELECT count(*) FROM organization_accounts WHERE email_key = $1`, strings.ToLower(in.Email))
		if err != nil {
			return err
		}
		if taken > 0 {
			status.State, status.FailureReason = warden.CreateAccountFailed, warden.CreateAccountEmailAlreadyExists
		} else {
			account, err := s.insertAccount(ctx, tx, "")
			if err != nil {
				return err
			}
			status.AccountID = account.ID
			if err := s.insertAccessRole(ctx, tx, account.ID, management, roleName); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO organization_accounts (account_id, organization_id, parent_id, name, email, email_key, joined_method, joined_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, account.ID, org.ID, org.RootID, in.Name, in.Email, strings.ToLower(in.Email),
				warden.JoinedCreated, micros(now)); err != nil {
				return err
			}
			if err := s.attachFullAccess(ctx, tx, org, account.ID); err != nil {
				return err
			}
			if err := s.addTags(ctx, tx, orgTags, account.ID, in.Tags); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO create_account_requests (id, organization_id, account_name, state, account_id, failure_reason, requested_at, completed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, status.ID, org.ID, status.AccountName, status.State, nullable(status.AccountID),
			nullable(status.FailureReason), micros(status.RequestedDate), micros(status.CompletedDate))
		return err
	})
	if err != nil {
		return nil, err
	}
	return status, nil
}

// insertAccessRole creates the role through which the management account
// administers an account it created: trusted by the management account,
// holding AdministratorAccess ("Accessing member accounts in your
// organization", AWS Organizations User Guide). Without the policy in the
// catalogue the role would fail every authorization, so the account is not
// created at all.
func (s *Store) insertAccessRole(ctx context.Context, tx querier, account, management, name string) error {
	if _, ok := s.awsPolicy(warden.AdministratorAccessARN); !ok {
		return warden.Errorf(warden.EServiceFailure, "The AWS managed policy %s is missing from the policy catalogue.", warden.AdministratorAccessARN)
	}
	id := warden.NewUniqueID(warden.PrefixRole)
	if _, err := tx.ExecContext(ctx, `INSERT INTO roles (`+roleColumns+`, name_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, $8, $9)`,
		id, account, name, "/", warden.OrganizationAccessTrustPolicy(management), "", warden.DefaultMaxSessionDuration,
		micros(s.clock()), nameKey(name)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO role_policy_attachments (role_id, account_id, policy_arn) VALUES ($1, $2, $3)`,
		id, account, warden.AdministratorAccessARN)
	return err
}

func (s *Store) CreateAccountStatus(ctx context.Context, management, requestID string) (*warden.CreateAccountStatus, error) {
	var status *warden.CreateAccountStatus
	err := s.view(ctx, "sqlstore.CreateAccountStatus", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		st := &warden.CreateAccountStatus{ID: requestID}
		var accountID, reason sql.NullString
		var requested, completed int64
		err = tx.QueryRowContext(ctx, `SELECT account_name, state, account_id, failure_reason, requested_at, completed_at
			FROM create_account_requests WHERE id = $1 AND organization_id = $2`, requestID, org.ID).
			Scan(&st.AccountName, &st.State, &accountID, &reason, &requested, &completed)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.Errorf(warden.ECreateAccountStatusNotFound, "We can't find an create account request with the CreateAccountRequestId that you specified.")
		}
		if err != nil {
			return err
		}
		st.AccountID, st.FailureReason = accountID.String, reason.String
		st.RequestedDate, st.CompletedDate = fromMicros(requested), fromMicros(completed)
		status = st
		return nil
	})
	return status, err
}

// orgAccounts reads the organization's accounts, optionally only those
// directly under one parent.
func (s *Store) orgAccounts(ctx context.Context, q querier, org *warden.Organization, parentID string) ([]*warden.OrganizationAccount, error) {
	query := `SELECT account_id, parent_id, name, email, joined_method, joined_at FROM organization_accounts WHERE organization_id = $1`
	args := []any{org.ID}
	if parentID != "" {
		query += ` AND parent_id = $2`
		args = append(args, parentID)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*warden.OrganizationAccount
	for rows.Next() {
		a := &warden.OrganizationAccount{Status: warden.AccountStatusActive}
		var email sql.NullString
		var joined int64
		if err := rows.Scan(&a.ID, &a.ParentID, &a.Name, &email, &a.JoinedMethod, &joined); err != nil {
			return nil, err
		}
		a.ARN, a.Email, a.JoinedDate = org.AccountARN(a.ID), email.String, fromMicros(joined)
		out = append(out, a)
	}
	return out, rows.Err()
}

// orgUnits reads the organization's OUs, optionally only those directly
// under one parent.
func (s *Store) orgUnits(ctx context.Context, q querier, org *warden.Organization, parentID string) ([]*warden.OrganizationalUnit, error) {
	query := `SELECT id, parent_id, name FROM organizational_units WHERE organization_id = $1`
	args := []any{org.ID}
	if parentID != "" {
		query += ` AND parent_id = $2`
		args = append(args, parentID)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*warden.OrganizationalUnit
	for rows.Next() {
		u := &warden.OrganizationalUnit{}
		if err := rows.Scan(&u.ID, &u.ParentID, &u.Name); err != nil {
			return nil, err
		}
		u.ARN = org.UnitARN(u.ID)
		out = append(out, u)
	}
	return out, rows.Err()
}

// orgPageQuery is newPageQuery with Organizations' answer to a bad
// NextToken.
func orgPageQuery(opts warden.ListOptions) (pageQuery, error) {
	switch {
	case opts.MaxItems < 0:
		return pageQuery{}, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonMinValueExceeded, "The page size must be at least 1.")
	case opts.MaxItems > 1000:
		return pageQuery{}, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonMaxValueExceeded, "The page size must be at most 1000.")
	}
	pq, err := pathlessPageQuery(opts)
	if err != nil {
		return pageQuery{}, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonInvalidNextToken, "The NextToken is not valid.")
	}
	return pq, nil
}

func (s *Store) ListOrganizationAccounts(ctx context.Context, management string, opts warden.ListOptions) (*warden.Page[*warden.OrganizationAccount], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.OrganizationAccount]
	err = s.view(ctx, "sqlstore.ListOrganizationAccounts", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		accounts, err := s.orgAccounts(ctx, tx, org, "")
		if err != nil {
			return err
		}
		page = pageOf(pq, accounts, func(a *warden.OrganizationAccount) string { return a.ID })
		return nil
	})
	return page, err
}

// parentExists reports whether id names the root or an OU of the
// organization.
func (s *Store) parentExists(ctx context.Context, q querier, org *warden.Organization, id string) (bool, error) {
	if id == org.RootID {
		return true, nil
	}
	n, err := count(ctx, q, `SELECT count(*) FROM organizational_units WHERE id = $1 AND organization_id = $2`, id, org.ID)
	return n > 0, err
}

// ancestry returns the chain of containers from the root down to id, a
// root or OU of the organization, both ends included.
func (s *Store) ancestry(ctx context.Context, q querier, org *warden.Organization, id string) ([]string, error) {
	chain := []string{id}
	for id != org.RootID {
		// OUs cannot be moved, so the tree has no cycles; the bound only
		// guards against a corrupt database.
		if len(chain) > warden.MaxOrganizationalUnitDepth+1 {
			return nil, errors.New("organizational unit tree deeper than its quota")
		}
		err := q.QueryRowContext(ctx, `SELECT parent_id FROM organizational_units WHERE id = $1 AND organization_id = $2`, id, org.ID).Scan(&id)
		if err != nil {
			return nil, err
		}
		chain = append(chain, id)
	}
	slices.Reverse(chain)
	return chain, nil
}

func (s *Store) CreateOrganizationalUnit(ctx context.Context, management, parentID, name string, tags []warden.Tag) (*warden.OrganizationalUnit, error) {
	if err := warden.ValidateOrganizationalUnitName(name); err != nil {
		return nil, err
	}
	if err := warden.ValidateOrganizationTags(tags); err != nil {
		return nil, err
	}
	var ou *warden.OrganizationalUnit
	err := s.update(ctx, "sqlstore.CreateOrganizationalUnit", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if ok, err := s.parentExists(ctx, tx, org, parentID); err != nil {
			return err
		} else if !ok {
			return warden.ErrParentNotFound()
		}
		chain, err := s.ancestry(ctx, tx, org, parentID)
		if err != nil {
			return err
		}
		// The chain holds the root and the parent's OUs; the new OU adds
		// one level.
		if len(chain) > warden.MaxOrganizationalUnitDepth {
			return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonOUDepthLimitExceeded,
				"You attempted to create an OU tree that is too many levels deep: OUs may nest %d deep.", warden.MaxOrganizationalUnitDepth)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organizational_units WHERE parent_id = $1 AND name = $2`, parentID, name); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EDuplicateOrganizationalUnit, "An OU with the same name already exists.")
		}
		ou = &warden.OrganizationalUnit{ID: warden.NewOrganizationalUnitID(org.RootID), Name: name, ParentID: parentID}
		ou.ARN = org.UnitARN(ou.ID)
		if _, err := tx.ExecContext(ctx, `INSERT INTO organizational_units (id, organization_id, parent_id, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
			ou.ID, org.ID, parentID, name, micros(s.clock())); err != nil {
			return err
		}
		if err := s.attachFullAccess(ctx, tx, org, ou.ID); err != nil {
			return err
		}
		return s.addTags(ctx, tx, orgTags, ou.ID, tags)
	})
	if err != nil {
		return nil, err
	}
	return ou, nil
}

func (s *Store) ListOrganizationalUnits(ctx context.Context, management, parentID string, opts warden.ListOptions) (*warden.Page[*warden.OrganizationalUnit], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.OrganizationalUnit]
	err = s.view(ctx, "sqlstore.ListOrganizationalUnits", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if ok, err := s.parentExists(ctx, tx, org, parentID); err != nil {
			return err
		} else if !ok {
			return warden.ErrParentNotFound()
		}
		units, err := s.orgUnits(ctx, tx, org, parentID)
		if err != nil {
			return err
		}
		page = pageOf(pq, units, func(u *warden.OrganizationalUnit) string { return u.ID })
		return nil
	})
	return page, err
}

func (s *Store) ListOrganizationChildren(ctx context.Context, management, parentID string, childType warden.ChildType, opts warden.ListOptions) (*warden.Page[string], error) {
	if childType != warden.ChildAccount && childType != warden.ChildOrganizationalUnit {
		return nil, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonInvalidEnum, "%q is not a valid child type.", string(childType))
	}
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[string]
	err = s.view(ctx, "sqlstore.ListOrganizationChildren", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if ok, err := s.parentExists(ctx, tx, org, parentID); err != nil {
			return err
		} else if !ok {
			return warden.ErrParentNotFound()
		}
		var ids []string
		if childType == warden.ChildAccount {
			accounts, err := s.orgAccounts(ctx, tx, org, parentID)
			if err != nil {
				return err
			}
			for _, a := range accounts {
				ids = append(ids, a.ID)
			}
		} else {
			units, err := s.orgUnits(ctx, tx, org, parentID)
			if err != nil {
				return err
			}
			for _, u := range units {
				ids = append(ids, u.ID)
			}
		}
		page = pageOf(pq, ids, func(id string) string { return id })
		return nil
	})
	return page, err
}

func (s *Store) MoveOrganizationAccount(ctx context.Context, management, account, sourceParentID, destinationParentID string) error {
	return s.update(ctx, "sqlstore.MoveOrganizationAccount", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		var parent string
		err = tx.QueryRowContext(ctx, `SELECT parent_id FROM organization_accounts WHERE account_id = $1 AND organization_id = $2`, account, org.ID).Scan(&parent)
		if errors.Is(err, sql.ErrNoRows) {
			return warden.ErrAccountNotFound()
		}
		if err != nil {
			return err
		}
		if ok, err := s.parentExists(ctx, tx, org, sourceParentID); err != nil {
			return err
		} else if !ok {
			return warden.Errorf(warden.ESourceParentNotFound, "We can't find a source root or OU with the ParentId that you specified.")
		}
		if ok, err := s.parentExists(ctx, tx, org, destinationParentID); err != nil {
			return err
		} else if !ok {
			return warden.Errorf(warden.EDestinationParentNotFound, "We can't find the destination container (a root or OU) with the ParentId that you specified.")
		}
		switch parent {
		case destinationParentID:
			return warden.Errorf(warden.EDuplicateAccount, "That account is already present in the specified destination.")
		case sourceParentID:
		default:
			return warden.ErrAccountNotFound()
		}
		_, err = tx.ExecContext(ctx, `UPDATE organization_accounts SET parent_id = $1 WHERE account_id = $2`, destinationParentID, account)
		return err
	})
}

// target describes a root, OU or account of the organization, or reports
// TargetNotFoundException.
func (s *Store) target(ctx context.Context, q querier, org *warden.Organization, id string) (*warden.OrganizationTarget, error) {
	t := &warden.OrganizationTarget{ID: id, ARN: org.TargetARN(id), Type: warden.TargetTypeOf(id)}
	var err error
	switch t.Type {
	case warden.TargetRoot:
		if id != org.RootID {
			return nil, warden.ErrTargetNotFound()
		}
		t.Name = "Root"
	case warden.TargetOrganizationalUnit:
		err = q.QueryRowContext(ctx, `SELECT name FROM organizational_units WHERE id = $1 AND organization_id = $2`, id, org.ID).Scan(&t.Name)
	default:
		err = q.QueryRowContext(ctx, `SELECT name FROM organization_accounts WHERE account_id = $1 AND organization_id = $2`, id, org.ID).Scan(&t.Name)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.ErrTargetNotFound()
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Store) OrganizationTags(ctx context.Context, management, targetID string) ([]warden.Tag, error) {
	var tags []warden.Tag
	err := s.view(ctx, "sqlstore.OrganizationTags", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if _, err := s.target(ctx, tx, org, targetID); err != nil {
			return err
		}
		tags, err = s.loadTags(ctx, tx, orgTags, targetID)
		return err
	})
	return tags, err
}
