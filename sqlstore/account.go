package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/warden-iam/warden"
)

func (s *Store) Bootstrap(ctx context.Context, in warden.BootstrapInput) (*warden.Bootstrap, error) {
	if in.AccountID != "" {
		if err := warden.ValidateAccountID(in.AccountID); err != nil {
			return nil, err
		}
	}
	if in.AccountAlias != "" {
		if err := warden.ValidateAccountAlias(in.AccountAlias); err != nil {
			return nil, err
		}
	}
	var out *warden.Bootstrap
	err := s.update(ctx, "sqlstore.Bootstrap", func(tx querier) error {
		if ep, err := s.endpoint(ctx, tx); err == nil {
			return warden.Errorf(warden.EEntityAlreadyExists, "Warden is already bootstrapped with account %s.", ep.AccountID)
		} else if warden.ErrorCode(err) != warden.ENoSuchEntity {
			return err
		}
		account, err := s.insertAccount(ctx, tx, in.AccountID)
		if err != nil {
			return err
		}
		if in.AccountAlias != "" {
			if err := s.setAlias(ctx, tx, account.ID, in.AccountAlias); err != nil {
				return err
			}
			account.Alias = in.AccountAlias
		}
		key, err := s.insertAccessKey(ctx, tx, account.ID, nil, "")
		if err != nil {
			return err
		}
		ep := &warden.Endpoint{AccountID: account.ID, URL: in.URL, Region: in.Region, CreateDate: s.clock()}
		if _, err := tx.ExecContext(ctx, `INSERT INTO endpoint (id, account_id, url, region, created_at) VALUES (1, $1, $2, $3, $4)`,
			ep.AccountID, ep.URL, ep.Region, micros(ep.CreateDate)); err != nil {
			return err
		}
		out = &warden.Bootstrap{Account: account, Endpoint: ep, RootAccessKey: key}
		return nil
	})
	return out, err
}

func (s *Store) Endpoint(ctx context.Context) (*warden.Endpoint, error) {
	var ep *warden.Endpoint
	err := s.view(ctx, "sqlstore.Endpoint", func(tx querier) (err error) {
		ep, err = s.endpoint(ctx, tx)
		return err
	})
	return ep, err
}

func (s *Store) endpoint(ctx context.Context, q querier) (*warden.Endpoint, error) {
	var ep warden.Endpoint
	var created int64
	err := q.QueryRowContext(ctx, `SELECT account_id, url, region, created_at FROM endpoint WHERE id = 1`).
		Scan(&ep.AccountID, &ep.URL, &ep.Region, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "Warden has not been bootstrapped.")
	}
	if err != nil {
		return nil, err
	}
	ep.CreateDate = fromMicros(created)
	return &ep, nil
}

func (s *Store) UpdateEndpoint(ctx context.Context, url, region string) (*warden.Endpoint, error) {
	var ep *warden.Endpoint
	err := s.update(ctx, "sqlstore.UpdateEndpoint", func(tx querier) (err error) {
		if ep, err = s.endpoint(ctx, tx); err != nil {
			return err
		}
		ep.URL, ep.Region = url, region
		_, err = tx.ExecContext(ctx, `UPDATE endpoint SET url = $1, region = $2 WHERE id = 1`, url, region)
		return err
	})
	return ep, err
}

func (s *Store) CreateAccount(ctx context.Context, id string) (*warden.Account, error) {
	if id != "" {
		if err := warden.ValidateAccountID(id); err != nil {
			return nil, err
		}
	}
	var account *warden.Account
	err := s.update(ctx, "sqlstore.CreateAccount", func(tx querier) (err error) {
		account, err = s.insertAccount(ctx, tx, id)
		return err
	})
	return account, err
}

// insertAccount creates an account with the given ID, or a random unused
// one when id is empty.
func (s *Store) insertAccount(ctx context.Context, tx querier, id string) (*warden.Account, error) {
	generated := id == ""
	for {
		if generated {
			id = warden.NewAccountID()
		}
		_, err := s.account(ctx, tx, id)
		if err == nil {
			if generated {
				continue
			}
			return nil, warden.Errorf(warden.EEntityAlreadyExists, "The account with id %s already exists.", id)
		}
		if warden.ErrorCode(err) != warden.ENoSuchEntity {
			return nil, err
		}
		break
	}
	a := &warden.Account{ID: id, CreateDate: s.clock()}
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, alias, created_at) VALUES ($1, NULL, $2)`, a.ID, micros(a.CreateDate))
	return a, err
}

func (s *Store) Account(ctx context.Context, id string) (*warden.Account, error) {
	var a *warden.Account
	err := s.view(ctx, "sqlstore.Account", func(tx querier) (err error) {
		a, err = s.account(ctx, tx, id)
		return err
	})
	return a, err
}

func (s *Store) account(ctx context.Context, q querier, id string) (*warden.Account, error) {
	var a warden.Account
	var alias sql.NullString
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, alias, created_at FROM accounts WHERE id = $1`, id).Scan(&a.ID, &alias, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "The account with id %s cannot be found.", id)
	}
	if err != nil {
		return nil, err
	}
	a.Alias, a.CreateDate = alias.String, fromMicros(created)
	return &a, nil
}

func (s *Store) ListAccounts(ctx context.Context, opts warden.ListOptions) (*warden.Page[*warden.Account], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var accounts []*warden.Account
	err = s.view(ctx, "sqlstore.ListAccounts", func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, alias, created_at FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`, pq.after, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a warden.Account
			var alias sql.NullString
			var created int64
			if err := rows.Scan(&a.ID, &alias, &created); err != nil {
				return err
			}
			a.Alias, a.CreateDate = alias.String, fromMicros(created)
			accounts = append(accounts, &a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, accounts, func(a *warden.Account) string { return a.ID }), nil
}

func (s *Store) CreateAccountAlias(ctx context.Context, account, alias string) error {
	if err := warden.ValidateAccountAlias(alias); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.CreateAccountAlias", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		return s.setAlias(ctx, tx, account, alias)
	})
}

// setAlias gives an account its alias. Aliases are unique across all
// accounts, as they are across AWS: they name the console sign-in URL.
func (s *Store) setAlias(ctx context.Context, tx querier, account, alias string) error {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE alias = $1`, alias).Scan(&owner)
	switch {
	case err == nil && owner != account:
		return warden.Errorf(warden.EEntityAlreadyExists, "The account alias %s already exists.", alias)
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE accounts SET alias = $1 WHERE id = $2`, alias, account)
	return err
}

func (s *Store) DeleteAccountAlias(ctx context.Context, account, alias string) error {
	return s.update(ctx, "sqlstore.DeleteAccountAlias", func(tx querier) error {
		a, err := s.account(ctx, tx, account)
		if err != nil {
			return err
		}
		if a.Alias != alias {
			return warden.Errorf(warden.ENoSuchEntity, "The account alias %s cannot be found.", alias)
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET alias = NULL WHERE id = $1`, account)
		return err
	})
}

func (s *Store) AccountSummary(ctx context.Context, account string) (map[string]int, error) {
	q := s.quotas
	summary := map[string]int{
		"UsersQuota":                        q.UsersPerAccount,
		"GroupsQuota":                       q.GroupsPerAccount,
		"RolesQuota":                        q.RolesPerAccount,
		"PoliciesQuota":                     q.PoliciesPerAccount,
		"GroupsPerUserQuota":                q.GroupsPerUser,
		"AccessKeysPerUserQuota":            q.AccessKeysPerUser,
		"VersionsPerPolicyQuota":            q.VersionsPerPolicy,
		"AttachedPoliciesPerUserQuota":      q.AttachedPoliciesPerUser,
		"AttachedPoliciesPerGroupQuota":     q.AttachedPoliciesPerGroup,
		"AttachedPoliciesPerRoleQuota":      q.AttachedPoliciesPerRole,
		"UserPolicySizeQuota":               q.UserPolicySize,
		"GroupPolicySizeQuota":              q.GroupPolicySize,
		"RolePolicySizeQuota":               q.RolePolicySize,
		"PolicySizeQuota":                   q.PolicySize,
		"AssumeRolePolicySizeQuota":         q.AssumeRolePolicySize,
		"PolicyVersionsInUseQuota":          10000,
		"InstanceProfilesQuota":             1000,
		"ServerCertificatesQuota":           20,
		"SigningCertificatesPerUserQuota":   2,
		"GlobalEndpointTokenVersion":        1,
		"InstanceProfiles":                  0,
		"Providers":                         0,
		"ServerCertificates":                0,
		"AccountSigningCertificatesPresent": 0,
		"AccountMFAEnabled":                 0,
	}
	counts := []struct {
		name, query string
	}{
		{"Users", `SELECT count(*) FROM users WHERE account_id = $1`},
		{"Groups", `SELECT count(*) FROM groups WHERE account_id = $1`},
		{"Roles", `SELECT count(*) FROM roles WHERE account_id = $1`},
		{"Policies", `SELECT count(*) FROM policies WHERE account_id = $1`},
		{"MFADevices", `SELECT count(*) FROM mfa_devices WHERE account_id = $1`},
		{"MFADevicesInUse", `SELECT count(*) FROM mfa_devices WHERE account_id = $1 AND user_id IS NOT NULL`},
		{"AccountAccessKeysPresent", `SELECT count(*) FROM access_keys WHERE account_id = $1 AND user_id IS NULL`},
		{"PolicyVersionsInUse", `SELECT (SELECT count(*) FROM user_policy_attachments WHERE account_id = $1)
			+ (SELECT count(*) FROM group_policy_attachments WHERE account_id = $1)
			+ (SELECT count(*) FROM role_policy_attachments WHERE account_id = $1)`},
	}
	err := s.view(ctx, "sqlstore.AccountSummary", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		for _, c := range counts {
			var n int
			if err := tx.QueryRowContext(ctx, c.query, account).Scan(&n); err != nil {
				return err
			}
			summary[c.name] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	summary["AccountAccessKeysPresent"] = min(summary["AccountAccessKeysPresent"], 1)
	return summary, nil
}
