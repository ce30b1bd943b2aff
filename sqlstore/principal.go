package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/warden-iam/warden"
)

// The request path: AccessKey and PrincipalPolicies answer from the
// authorization cache when it holds an answer of the current generation,
// and otherwise read one consistent snapshot and cache what they read.

func (s *Store) AccessKey(ctx context.Context, keyID string) (*warden.AccessKey, *warden.Principal, error) {
	generation := s.generation.Load()
	if s.cache != nil {
		if c, ok := s.cache.credential(generation, keyID); ok {
			return c.key, c.principal, nil
		}
	}
	var c *credential
	err := s.view(ctx, "sqlstore.AccessKey", func(tx querier) (err error) {
		c, err = s.loadCredential(ctx, tx, keyID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if s.cache != nil {
		s.cache.putCredential(generation, keyID, c)
	}
	return c.key, c.principal, nil
}

func (s *Store) loadCredential(ctx context.Context, q querier, keyID string) (*credential, error) {
	if warden.IsTemporaryAccessKeyID(keyID) {
		return s.loadSessionCredential(ctx, q, keyID)
	}
	key := &warden.AccessKey{ID: keyID}
	var sealed []byte
	var status string
	var created int64
	var userID, userName, userPath sql.NullString
	err := q.QueryRowContext(ctx, `SELECT k.account_id, k.secret, k.status, k.created_at, k.user_id, u.name, u.path
		FROM access_keys k LEFT JOIN users u ON u.id = k.user_id WHERE k.id = $1`, keyID).
		Scan(&key.AccountID, &sealed, &status, &created, &userID, &userName, &userPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, keyNotFound(keyID)
	}
	if err != nil {
		return nil, err
	}
	secret, err := s.keys.open(keyID, sealed)
	if err != nil {
		return nil, err
	}
	key.SecretAccessKey, key.Status, key.CreateDate, key.UserName = string(secret), warden.AccessKeyStatus(status), fromMicros(created), userName.String
	p := &warden.Principal{Kind: warden.PrincipalRoot, AccountID: key.AccountID, ARN: warden.RootARN(key.AccountID), ID: key.AccountID}
	if userID.Valid {
		p = &warden.Principal{Kind: warden.PrincipalUser, AccountID: key.AccountID, ID: userID.String,
			Name: userName.String, Path: userPath.String, ARN: warden.IAMARN(key.AccountID, "user", userPath.String, userName.String)}
	}
	return &credential{key: key, principal: p}, nil
}

func (s *Store) PrincipalPolicies(ctx context.Context, principalARN string) (*warden.PrincipalPolicies, error) {
	generation := s.generation.Load()
	if s.cache != nil {
		if pp, ok := s.cache.principalPolicies(generation, principalARN); ok {
			return pp, nil
		}
	}
	var pp *warden.PrincipalPolicies
	err := s.view(ctx, "sqlstore.PrincipalPolicies", func(tx querier) (err error) {
		pp, err = s.loadPrincipalPolicies(ctx, tx, principalARN)
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.cache != nil {
		s.cache.putPrincipalPolicies(generation, principalARN, pp)
	}
	return pp, nil
}

func noSuchPrincipal(arn string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The principal %s cannot be found.", arn)
}

func (s *Store) loadPrincipalPolicies(ctx context.Context, tx querier, principalARN string) (*warden.PrincipalPolicies, error) {
	a, err := warden.ParseARN(principalARN)
	if err != nil || a.Partition != warden.Partition || a.Region != "" || warden.ValidateAccountID(a.AccountID) != nil {
		return nil, noSuchPrincipal(principalARN)
	}
	typ, path, name, ok := a.IAMResource()
	if !ok {
		return nil, noSuchPrincipal(principalARN)
	}
	switch typ {
	case "root":
		if _, err := s.account(ctx, tx, a.AccountID); err != nil {
			return nil, noSuchPrincipal(principalARN)
		}
		return &warden.PrincipalPolicies{Principal: warden.Principal{
			Kind: warden.PrincipalRoot, AccountID: a.AccountID, ARN: principalARN, ID: a.AccountID}}, nil
	case "user":
		return s.userPolicies(ctx, tx, a.AccountID, path, name, principalARN)
	case "role":
		return s.rolePolicies(ctx, tx, a.AccountID, path, name, principalARN)
	}
	return nil, noSuchPrincipal(principalARN)
}

func (s *Store) userPolicies(ctx context.Context, tx querier, account, path, name, arn string) (*warden.PrincipalPolicies, error) {
	u, err := s.findUser(ctx, tx, account, name)
	if err != nil || u.Path != path || u.ARN != arn {
		return nil, noSuchPrincipal(arn)
	}
	pp := &warden.PrincipalPolicies{Principal: warden.Principal{
		Kind: warden.PrincipalUser, AccountID: account, ARN: u.ARN, ID: u.ID, Name: u.Name, Path: u.Path}}
	if pp.Tags, err = s.loadTags(ctx, tx, userTags, u.ID); err != nil {
		return nil, err
	}
	groups, err := s.groupsOf(ctx, tx, u.ID, "", s.quotas.GroupsPerUser+1)
	if err != nil {
		return nil, err
	}
	// Holders in the order their policies are listed: the user, then its
	// groups by name.
	holders := []holder{{id: u.ID, arn: u.ARN}}
	for _, g := range groups {
		holders = append(holders, holder{id: g.ID, arn: g.ARN})
		pp.GroupARNs = append(pp.GroupARNs, g.ARN)
	}
	inline, err := s.collectInline(ctx, tx, `SELECT user_id, name, name_key, document FROM user_inline_policies WHERE user_id = $1
		UNION ALL
		SELECT p.group_id, p.name, p.name_key, p.document FROM group_inline_policies p
		JOIN group_members m ON m.group_id = p.group_id WHERE m.user_id = $1`, u.ID)
	if err != nil {
		return nil, err
	}
	attached, err := s.collectAttached(ctx, tx, `SELECT user_id, policy_arn FROM user_policy_attachments WHERE user_id = $1
		UNION ALL
		SELECT a.group_id, a.policy_arn FROM group_policy_attachments a
		JOIN group_members m ON m.group_id = a.group_id WHERE m.user_id = $1`, u.ID)
	if err != nil {
		return nil, err
	}
	pp.Policies = arrange(holders, inline, attached)
	if u.PermissionsBoundary != "" {
		if pp.PermissionsBoundary, err = s.resolveManaged(ctx, tx, u.PermissionsBoundary, u.ARN); err != nil {
			return nil, err
		}
	}
	return pp, nil
}

func (s *Store) rolePolicies(ctx context.Context, tx querier, account, path, name, arn string) (*warden.PrincipalPolicies, error) {
	r, err := s.findRole(ctx, tx, account, name)
	if err != nil || r.Path != path || r.ARN != arn {
		return nil, noSuchPrincipal(arn)
	}
	pp := &warden.PrincipalPolicies{
		Principal: warden.Principal{
			Kind: warden.PrincipalRole, AccountID: account, ARN: r.ARN, ID: r.ID, Name: r.Name, Path: r.Path},
		AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
		MaxSessionDuration:       r.MaxSessionDuration,
	}
	if pp.Tags, err = s.loadTags(ctx, tx, roleTags, r.ID); err != nil {
		return nil, err
	}
	inline, err := s.collectInline(ctx, tx, `SELECT role_id, name, name_key, document FROM role_inline_policies WHERE role_id = $1`, r.ID)
	if err != nil {
		return nil, err
	}
	attached, err := s.collectAttached(ctx, tx, `SELECT role_id, policy_arn FROM role_policy_attachments WHERE role_id = $1`, r.ID)
	if err != nil {
		return nil, err
	}
	pp.Policies = arrange([]holder{{id: r.ID, arn: r.ARN}}, inline, attached)
	if r.PermissionsBoundary != "" {
		if pp.PermissionsBoundary, err = s.resolveManaged(ctx, tx, r.PermissionsBoundary, r.ARN); err != nil {
			return nil, err
		}
	}
	return pp, nil
}

// holder is an identity that holds policies, by row ID and ARN.
type holder struct{ id, arn string }

// heldPolicy is a policy document with the row ID of its holder and the
// key it sorts by within that holder.
type heldPolicy struct {
	holderID, sortKey string
	policy            warden.IdentityPolicy
}

func (s *Store) collectInline(ctx context.Context, tx querier, query string, args ...any) ([]heldPolicy, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []heldPolicy
	for rows.Next() {
		var h heldPolicy
		if err := rows.Scan(&h.holderID, &h.policy.Name, &h.sortKey, &h.policy.Document); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// collectAttached reads attachments and resolves each policy to its
// default version.
func (s *Store) collectAttached(ctx context.Context, tx querier, query string, args ...any) ([]heldPolicy, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	type attachment struct{ holderID, arn string }
	var attachments []attachment
	for rows.Next() {
		var a attachment
		if err := rows.Scan(&a.holderID, &a.arn); err != nil {
			rows.Close()
			return nil, err
		}
		attachments = append(attachments, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]heldPolicy, 0, len(attachments))
	for _, a := range attachments {
		p, err := s.resolveManaged(ctx, tx, a.arn, "")
		if err != nil {
			return nil, err
		}
		out = append(out, heldPolicy{holderID: a.holderID, sortKey: nameKey(p.Name), policy: *p})
	}
	return out, nil
}

// resolveManaged returns the default version of a managed policy. A policy
// that cannot be resolved fails the lookup rather than be left out: an
// authorizer missing a policy could allow what that policy denies.
func (s *Store) resolveManaged(ctx context.Context, q querier, arn, attachedTo string) (*warden.IdentityPolicy, error) {
	p := &warden.IdentityPolicy{ARN: arn, AttachedTo: attachedTo}
	if warden.IsAWSManagedPolicyARN(arn) {
		entry, ok := s.awsPolicy(arn)
		if !ok {
			return nil, warden.Errorf(warden.EServiceFailure, "The AWS managed policy %s is attached but missing from the policy catalogue.", arn)
		}
		p.Name, p.VersionID, p.Document = entry.Policy.Name, entry.Policy.DefaultVersionID, entry.Document
		return p, nil
	}
	var version int
	err := q.QueryRowContext(ctx, `SELECT p.name, v.version, v.document FROM policies p
		JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.default_version WHERE p.arn = $1`, arn).
		Scan(&p.Name, &version, &p.Document)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.EServiceFailure, "The managed policy %s is in use but does not exist.", arn)
	}
	p.VersionID = versionID(version)
	return p, err
}

// arrange orders policies holder by holder, each holder's inline policies
// before its attached ones, each kind by name.
func arrange(holders []holder, inline, attached []heldPolicy) []warden.IdentityPolicy {
	byKey := func(a, b heldPolicy) int { return cmp.Compare(a.sortKey, b.sortKey) }
	slices.SortStableFunc(inline, byKey)
	slices.SortStableFunc(attached, byKey)
	out := make([]warden.IdentityPolicy, 0, len(inline)+len(attached))
	for _, h := range holders {
		for _, group := range [][]heldPolicy{inline, attached} {
			for _, p := range group {
				if p.holderID == h.id {
					p.policy.AttachedTo = h.arn
					out = append(out, p.policy)
				}
			}
		}
	}
	return out
}
