package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// SAML identity providers: one saml_providers row each, found by account
// and the name in lower case, with case-sensitive tags. Writes go through
// update, like every IAM write: whether AssumeRoleWithSAML succeeds
// depends on them.

var samlProviderTags = tagTable{table: "saml_provider_tags", owner: "provider_id", quota: "TagsPerSAMLProvider"}

const samlProviderColumns = `id, account_id, name, uuid, metadata, valid_until, created_at`

func samlProviderNotFound(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "SAMLProvider %s not found.", name)
}

// samlProviderRow is a provider with the row ID its tags hang on.
type samlProviderRow struct {
	id string
	*warden.SAMLProvider
}

func scanSAMLProvider(row interface{ Scan(...any) error }) (*samlProviderRow, error) {
	p := &warden.SAMLProvider{}
	r := &samlProviderRow{SAMLProvider: p}
	var validUntil, created int64
	if err := row.Scan(&r.id, &p.AccountID, &p.Name, &p.UUID, &p.MetadataDocument, &validUntil, &created); err != nil {
		return nil, err
	}
	if validUntil != 0 {
		p.ValidUntil = fromMicros(validUntil)
	}
	p.ARN, p.CreateDate = warden.SAMLProviderARN(p.AccountID, p.Name), fromMicros(created)
	return r, nil
}

// findSAMLProvider returns the account's provider an ARN names; an ARN of
// another account names none of this account's.
func (s *Store) findSAMLProvider(ctx context.Context, q querier, account, arn string) (*samlProviderRow, error) {
	arnAccount, name, err := warden.ParseSAMLProviderARN(arn)
	if err != nil {
		return nil, err
	}
	if arnAccount != account {
		return nil, samlProviderNotFound(name)
	}
	r, err := scanSAMLProvider(q.QueryRowContext(ctx, `SELECT `+samlProviderColumns+` FROM saml_providers WHERE account_id = $1 AND name_fold = $2`,
		account, strings.ToLower(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, samlProviderNotFound(name)
	}
	return r, err
}

// validUntilMicros stores a metadata's validUntil; 0 stands for none.
func validUntilMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

func (s *Store) CreateSAMLProvider(ctx context.Context, account string, in warden.CreateSAMLProviderInput) (*warden.SAMLProvider, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *warden.SAMLProvider
	err := s.update(ctx, "sqlstore.CreateSAMLProvider", func(tx querier) error {
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		fold := strings.ToLower(in.Name)
		if n, err := count(ctx, tx, `SELECT count(*) FROM saml_providers WHERE account_id = $1 AND name_fold = $2`, account, fold); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "SAMLProvider %s already exists.", in.Name)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM saml_providers WHERE account_id = $1`, account); err != nil {
			return err
		} else if n >= warden.SAMLProvidersPerAccount {
			return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for SAMLProvidersPerAccount: %d", warden.SAMLProvidersPerAccount)
		}
		p = &warden.SAMLProvider{
			AccountID:        account,
			ARN:              warden.SAMLProviderARN(account, in.Name),
			Name:             in.Name,
			UUID:             warden.NewJobID(), // a random (version 4) UUID, the form of SAMLProviderUUID
			MetadataDocument: in.MetadataDocument,
			CreateDate:       s.clock(),
		}
		if !in.ValidUntil.IsZero() {
			p.ValidUntil = fromMicros(micros(in.ValidUntil))
		}
		id := warden.NewUniqueID("SAML")
		if _, err := tx.ExecContext(ctx, `INSERT INTO saml_providers (`+samlProviderColumns+`, name_fold) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, account, p.Name, p.UUID, p.MetadataDocument, validUntilMicros(p.ValidUntil), micros(p.CreateDate), fold); err != nil {
			return err
		}
		if err := s.addTags(ctx, tx, samlProviderTags, id, in.Tags); err != nil {
			return err
		}
		var err error
		p.Tags, err = s.loadTags(ctx, tx, samlProviderTags, id)
		return err
	})
	return p, err
}

func (s *Store) SAMLProvider(ctx context.Context, account, arn string) (*warden.SAMLProvider, error) {
	var p *warden.SAMLProvider
	err := s.view(ctx, "sqlstore.SAMLProvider", func(tx querier) error {
		r, err := s.findSAMLProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		p = r.SAMLProvider
		p.Tags, err = s.loadTags(ctx, tx, samlProviderTags, r.id)
		return err
	})
	return p, err
}

func (s *Store) ListSAMLProviders(ctx context.Context, account string) ([]*warden.SAMLProvider, error) {
	var out []*warden.SAMLProvider
	err := s.view(ctx, "sqlstore.ListSAMLProviders", func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+samlProviderColumns+` FROM saml_providers WHERE account_id = $1 ORDER BY name_fold`, account)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanSAMLProvider(rows)
			if err != nil {
				return err
			}
			out = append(out, r.SAMLProvider)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) UpdateSAMLProvider(ctx context.Context, account, arn, metadata string, validUntil time.Time) error {
	if err := warden.ValidateSAMLMetadataDocument(metadata); err != nil {
		return err
	}
	return s.update(ctx, "sqlstore.UpdateSAMLProvider", func(tx querier) error {
		r, err := s.findSAMLProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE saml_providers SET metadata = $1, valid_until = $2 WHERE id = $3`, metadata, validUntilMicros(validUntil), r.id)
		return err
	})
}

func (s *Store) DeleteSAMLProvider(ctx context.Context, account, arn string) error {
	return s.update(ctx, "sqlstore.DeleteSAMLProvider", func(tx querier) error {
		r, err := s.findSAMLProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM saml_providers WHERE id = $1`, r.id)
		return err
	})
}

func (s *Store) TagSAMLProvider(ctx context.Context, account, arn string, tags []warden.Tag) error {
	return s.update(ctx, "sqlstore.TagSAMLProvider", func(tx querier) error {
		r, err := s.findSAMLProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.addTags(ctx, tx, samlProviderTags, r.id, tags)
	})
}

func (s *Store) UntagSAMLProvider(ctx context.Context, account, arn string, keys []string) error {
	return s.update(ctx, "sqlstore.UntagSAMLProvider", func(tx querier) error {
		r, err := s.findSAMLProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return s.removeTags(ctx, tx, samlProviderTags, r.id, keys)
	})
}

func (s *Store) ListSAMLProviderTags(ctx context.Context, account, arn string, opts warden.ListOptions) (*warden.Page[warden.Tag], error) {
	pq, err := newPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[warden.Tag]
	err = s.view(ctx, "sqlstore.ListSAMLProviderTags", func(tx querier) error {
		r, err := s.findSAMLProvider(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		page, err = s.tagPage(ctx, tx, samlProviderTags, r.id, pq)
		return err
	})
	return page, err
}
