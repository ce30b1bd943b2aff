package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"github.com/warden-iam/warden"
)

// OIDC identity providers: one oidc_providers row each, found by account
// and URL (the resource of the ARN), with case-sensitive tags. Writes go
// through update, like every IAM write: whether AssumeRoleWithWebIdentity
// succeeds depends on them.

var oidcProviderTags = tagTable{table: "oidc_provider_tags", owner: "provider_id", quota: "TagsPerOpenIdConnectProvider"}

const oidcProviderColumns = `id, account_id, url, client_ids, thumbprints, created_at`

func oidcProviderNotFound(arn string) error {
	return warden.Errorf(warden.ENoSuchEntity, "OpenIDConnect Provider not found for arn %s", arn)
}

// oidcProviderRow is a provider with the row ID its tags hang on.
type oidcProviderRow struct {
	id string
	*warden.OpenIDConnectProvider
}

func scanOIDCProvider(row interface{ Scan(...any) error }) (*oidcProviderRow, error) {
	p := &warden.OpenIDConnectProvider{}
	r := &oidcProviderRow{OpenIDConnectProvider: p}
	var clientIDs, thumbprints string
	var created int64
	if err := row.Scan(&r.id, &p.AccountID, &p.URL, &clientIDs, &thumbprints, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(clientIDs), &p.ClientIDs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(thumbprints), &p.Thumbprints); err != nil {
		return nil, err
	}
	p.ARN, p.CreateDate = warden.OIDCProviderARN(p.AccountID, p.URL), fromMicros(created)
	return r, nil
}

// findOIDCProvider returns the account's provider an ARN names; an ARN of
// another account names none of this account's.
func (s *Store) findOIDCProvider(ctx context.Context, q querier, account, arn string) (*oidcProviderRow, error) {
	arnAccount, providerURL, err := warden.ParseOIDCProviderARN(arn)
	if err != nil {
		return nil, err
	}
	if arnAccount != account {
		return nil, oidcProviderNotFound(arn)
	}
	r, err := scanOIDCProvider(q.QueryRowContext(ctx, `SELECT `+oidcProviderColumns+` FROM oidc_providers WHERE account_id = $1 AND url_key = $2`,
		account, warden.OIDCProviderResource(providerURL)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, oidcProviderNotFound(arn)
	}
	return r, err
}

// jsonList encodes a list column; an empty list is [], never null.
func jsonList(ss []string) string {
	if len(ss) == 0 {
		return "[]"
	}
	data, _ := json.Marshal(ss) // strings always encode
	return string(data)
}

func (s *Store) CreateOpenIDConnectProvider(ctx context.Context, account string, in warden.CreateOpenIDConnectProviderInput) (*warden.OpenIDConnectProvider, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *warden.OpenIDConnectProvider
	err := s.update(ctx, "sqlstore.CreateOpenIDConnectProvider", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		key := warden.OIDCProviderResource(in.URL)
		if n, err := count(ctx, tx, `SELECT count(*) FROM oidc_providers WHERE account_id = $1 AND url_key = $2`, account, key); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Provider with url %s already exists.", in.URL)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM oidc_providers WHERE account_id = $1`, account); err != nil {
			return err
		} else if n >= warden.OIDCProvidersPerAccount {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: %d", warden.OIDCProvidersPerAccount)
		}
		p = &warden.OpenIDConnectProvider{
			AccountID:   account,
			ARN:         warden.OIDCProviderARN(account, in.URL),
			URL:         in.URL,
			ClientIDs:   warden.UniqueClientIDs(in.ClientIDs),
			Thumbprints: slices.Clone(in.Thumbprints),
			CreateDate:  s.clock(),
		}
		id := warden.NewUniqueID("OIDC")
		if _, err := tx.ExecContext(ctx, `INSERT INTO oidc_providers (`+oidcProviderColumns+`, url_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, account, p.URL, jsonList(p.ClientIDs), jsonList(p.Thumbprints), micros(p.CreateDate), key); err != nil {
			return err
		}
		if err := s.addTags(ctx, tx, oidcProviderTags, id, in.Tags); err != nil {
			return err
		}
		var err error
		p.Tags, err = s.loadTags(ctx, tx, oidcProviderTags, id)
		return err
	})
	return p, err
}

func (s *Store) OpenIDConnectProvider(ctx context.Context, account, arn string) (*warden.OpenIDConnectProvider, error) {
	var p *warden.OpenIDConnectProvider
	err := s.view(ctx, "sqlstore.OpenIDConnectProvider", func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		p = r.OpenIDConnectProvider
		p.Tags, err = s.loadTags(ctx, tx, oidcProviderTags, r.id)
		return err
	})
	return p, err
}

func (s *Store) ListOpenIDConnectProviders(ctx context.Context, account string) ([]*warden.OpenIDConnectProvider, error) {
	var out []*warden.OpenIDConnectProvider
	err := s.view(ctx, "sqlstore.ListOpenIDConnectProviders", func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+oidcProviderColumns+` FROM oidc_providers WHERE account_id = $1 ORDER BY url_key`, account)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanOIDCProvider(rows)
			if err != nil {
				return err
			}
			out = append(out, r.OpenIDConnectProvider)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) DeleteOpenIDConnectProvider(ctx context.Context, account, arn string) error {
	return s.update(ctx, "sqlstore.DeleteOpenIDConnectProvider", func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM oidc_providers WHERE id = $1`, r.id)
		return err
	})
}

// updateClientIDs changes a provider's client IDs with edit, which returns
// the new list; the row is written only when the list changed.
func (s *Store) updateClientIDs(ctx context.Context, op, account, arn string, edit func([]string) ([]string, error)) error {
	return s.update(ctx, op, func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		ids, err := edit(r.ClientIDs)
		if err != nil || slices.Equal(ids, r.ClientIDs) {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE oidc_providers SET client_ids = $1 WHERE id = $2`, jsonList(ids), r.id)
		return err
	})
}

func (s *Store) AddClientIDToOpenIDConnectProvider(ctx context.Context, account, arn, clientID string) error {
	if err := warden.ValidateOIDCClientIDs([]string{clientID}); err != nil {
		return err
	}
	return s.updateClientIDs(ctx, "sqlstore.AddClientIDToOpenIDConnectProvider", account, arn, func(ids []string) ([]string, error) {
		if slices.Contains(ids, clientID) {
			return ids, nil
		}
		if len(ids) >= warden.OIDCClientIDsPerProvider {
			return nil, warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", warden.OIDCClientIDsPerProvider)
		}
		return append(slices.Clip(ids), clientID), nil
	})
}

func (s *Store) RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, account, arn, clientID string) error {
	if err := warden.ValidateOIDCClientIDs([]string{clientID}); err != nil {
		return err
	}
	return s.updateClientIDs(ctx, "sqlstore.RemoveClientIDFromOpenIDConnectProvider", account, arn, func(ids []string) ([]string, error) {
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == clientID }), nil
	})
}

func (s *Store) UpdateOpenIDConnectProviderThumbprint(ctx context.Context, account, arn string, thumbprints []string) error {
	if err := warden.ValidateOIDCThumbprints(thumbprints); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.UpdateOpenIDConnectProviderThumbprint", func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE oidc_providers SET thumbprints = $1 WHERE id = $2`, jsonList(thumbprints), r.id)
		return err
	})
}

func (s *Store) TagOpenIDConnectProvider(ctx context.Context, account, arn string, tags []warden.Tag) error {
	return s.update(ctx, "sqlstore.TagOpenIDConnectProvider", func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.addTags(ctx, tx, oidcProviderTags, r.id, tags)
	})
}

func (s *Store) UntagOpenIDConnectProvider(ctx context.Context, account, arn string, keys []string) error {
	return s.update(ctx, "sqlstore.UntagOpenIDConnectProvider", func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.removeTags(ctx, tx, oidcProviderTags, r.id, keys)
	})
}

func (s *Store) ListOpenIDConnectProviderTags(ctx context.Context, account, arn string, opts warden.ListOptions) (*warden.Page[warden.Tag], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[warden.Tag]
	err = s.view(ctx, "sqlstore.ListOpenIDConnectProviderTags", func(tx querier) error {
		r, err := s.findOIDCProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		page, err = s.tagPage(ctx, tx, oidcProviderTags, r.id, pq)
		return err
	})
	return page, err
}
