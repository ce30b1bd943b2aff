package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/warden-iam/warden"
)

// Amazon AppIntegrations event integrations and their tags, keyed by
// account, region and name. As with Connect Health, no cached
// authorization answer depends on these tables (tags are read for each
// request that needs them), so writes leave the store generation alone.

var _ warden.AppIntegrationsService = (*Store)(nil)

const eventIntegrationColumns = `account_id, region, name, description, source, event_bridge_bus, client_token, created_at`

func scanEventIntegration(row interface{ Scan(...any) error }) (*warden.EventIntegration, error) {
	var e warden.EventIntegration
	var created int64
	if err := row.Scan(&e.AccountID, &e.Region, &e.Name, &e.Description, &e.Source, &e.EventBridgeBus, &e.ClientToken, &created); err != nil {
		return nil, err
	}
	e.CreatedAt = fromMicros(created)
	return &e, nil
}

func eventIntegrationNotFound(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Event integration %s not found.", name)
}

// eventIntegration returns an event integration with its tags.
func (s *Store) eventIntegration(ctx context.Context, q querier, account, region, name string) (*warden.EventIntegration, error) {
	e, err := scanEventIntegration(q.QueryRowContext(ctx, `SELECT `+eventIntegrationColumns+` FROM app_event_integrations
		WHERE account_id = $1 AND region = $2 AND name = $3`, account, region, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, eventIntegrationNotFound(name)
	}
	if err != nil {
		return nil, err
	}
	e.Tags, err = eventIntegrationTags(ctx, q, account, region, name)
	return e, err
}

func eventIntegrationTags(ctx context.Context, q querier, account, region, name string) ([]warden.Tag, error) {
	tags, err := queryTags(ctx, q, `SELECT tag_key, tag_value FROM app_event_integration_tags
		WHERE account_id = $1 AND region = $2 AND name = $3`, account, region, name)
	return sortedTags(tags), err
}

func putEventIntegrationTags(ctx context.Context, tx querier, account, region, name string, tags []warden.Tag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_event_integration_tags (account_id, region, name, tag_key, tag_value)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (account_id, region, name, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
			account, region, name, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) CreateEventIntegration(ctx context.Context, in warden.CreateEventIntegrationInput) (*warden.EventIntegration, error) {
	if err := warden.ValidateAppIntegrationsTags(in.Tags); err != nil {
		return nil, err
	}
	e := &warden.EventIntegration{
		Name: in.Name, AccountID: in.AccountID, Region: in.Region, Description: in.Description, Source: in.Source,
		EventBridgeBus: in.EventBridgeBus, ClientToken: in.ClientToken, CreatedAt: s.clock(), Tags: sortedTags(in.Tags),
	}
	err := s.withTx(ctx, "sqlstore.CreateEventIntegration", false, func(tx querier) error {
		existing, err := s.eventIntegration(ctx, tx, in.AccountID, in.Region, in.Name)
		switch {
		case err == nil && in.ClientToken != "" && existing.ClientToken == in.ClientToken:
			// A retry of the request that created it.
			e = existing
			return nil
		case err == nil:
			return warden.Errorf(warden.EEntityAlreadyExists, "An event integration named %s already exists.", in.Name)
		case warden.ErrorCode(err) != warden.ENoSuchEntity:
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_event_integrations (`+eventIntegrationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.AccountID, e.Region, e.Name, e.Description, e.Source, e.EventBridgeBus, e.ClientToken, micros(e.CreatedAt)); err != nil {
			return err
		}
		return putEventIntegrationTags(ctx, tx, e.AccountID, e.Region, e.Name, e.Tags)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Store) EventIntegration(ctx context.Context, account, region, name string) (*warden.EventIntegration, error) {
	var e *warden.EventIntegration
	err := s.view(ctx, "sqlstore.EventIntegration", func(q querier) error {
		var err error
		e, err = s.eventIntegration(ctx, q, account, region, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Store) ListEventIntegrations(ctx context.Context, account, region string, opts warden.ListOptions) (*warden.Page[*warden.EventIntegration], error) {
	pq, err := pathlessPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var items []*warden.EventIntegration
	err = s.view(ctx, "sqlstore.ListEventIntegrations", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+eventIntegrationColumns+` FROM app_event_integrations
			WHERE account_id = $1 AND region = $2 AND name > $3 ORDER BY name LIMIT $4`,
			account, region, pq.after, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEventIntegration(rows)
			if err != nil {
				return err
			}
			items = append(items, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for _, e := range items {
			if e.Tags, err = eventIntegrationTags(ctx, q, account, region, e.Name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, items, func(e *warden.EventIntegration) string { return e.Name }), nil
}

func (s *Store) UpdateEventIntegration(ctx context.Context, account, region, name, description string) error {
	return s.withTx(ctx, "sqlstore.UpdateEventIntegration", false, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE app_event_integrations SET description = $1
			WHERE account_id = $2 AND region = $3 AND name = $4`, description, account, region, name)
		if err != nil {
			return err
		}
		return mustAffect(res, eventIntegrationNotFound(name))
	})
}

func (s *Store) DeleteEventIntegration(ctx context.Context, account, region, name string) error {
	return s.withTx(ctx, "sqlstore.DeleteEventIntegration", false, func(tx querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM app_event_integration_tags WHERE account_id = $1 AND region = $2 AND name = $3`,
			account, region, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM app_event_integrations WHERE account_id = $1 AND region = $2 AND name = $3`,
			account, region, name)
		if err != nil {
			return err
		}
		return mustAffect(res, eventIntegrationNotFound(name))
	})
}

func (s *Store) TagEventIntegration(ctx context.Context, account, region, name string, tags []warden.Tag) error {
	if err := warden.ValidateAppIntegrationsTags(tags); err != nil {
		return err
	}
	return s.withTx(ctx, "sqlstore.TagEventIntegration", false, func(tx querier) error {
		e, err := s.eventIntegration(ctx, tx, account, region, name)
		if err != nil {
			return err
		}
		if tagKeyCount(e.Tags, tags, nil) > warden.MaxAppIntegrationsTags {
			return warden.Errorf(warden.ELimitExceeded, "A resource can have at most %d tags.", warden.MaxAppIntegrationsTags)
		}
		return putEventIntegrationTags(ctx, tx, account, region, name, tags)
	})
}

func (s *Store) UntagEventIntegration(ctx context.Context, account, region, name string, keys []string) error {
	return s.withTx(ctx, "sqlstore.UntagEventIntegration", false, func(tx querier) error {
		if n, err := count(ctx, tx, `SELECT count(*) FROM app_event_integrations WHERE account_id = $1 AND region = $2 AND name = $3`,
			account, region, name); err != nil {
			return err
		} else if n == 0 {
			return eventIntegrationNotFound(name)
		}
		for _, key := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM app_event_integration_tags
				WHERE account_id = $1 AND region = $2 AND name = $3 AND tag_key = $4`, account, region, name, key); err != nil {
				return err
			}
		}
		return nil
	})
}

// mustAffect returns missing when a statement changed no row.
func mustAffect(res sql.Result, missing error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}
