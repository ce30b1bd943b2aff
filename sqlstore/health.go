package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// Amazon Connect Health: domains and their tags, subscriptions and patient
// insights jobs. Subscriptions and jobs are found through their domain,
// which carries the account and region every lookup is scoped to. Domain
// lookups are cached (healthcache.go), so writes to a domain or its tags
// advance the store generation; writes to the other tables leave it
// alone, since no cached answer depends on them.

var _ warden.HealthService = (*Store)(nil)

// changeHealth runs fn in a write transaction that no cached answer
// depends on.
func (s *Store) changeHealth(ctx context.Context, op string, fn func(tx querier) error) error {
	return s.withTx(ctx, op, false, fn)
}

const domainColumns = `id, account_id, region, name, status, kms_key_arn, web_app_role_arn, idc_instance_id,
	idc_application_id, idc_region, web_app_url, created_at, deleting_at`

func scanDomain(row interface{ Scan(...any) error }) (*warden.Domain, error) {
	var d warden.Domain
	var status string
	var web warden.WebAppConfiguration
	var created int64
	var deleting sql.NullInt64
	if err := row.Scan(&d.ID, &d.AccountID, &d.Region, &d.Name, &status, &d.KMSKeyARN, &web.RoleARN, &web.IdentityCenterInstanceID,
		&web.IdentityCenterApplicationID, &web.IdentityCenterRegion, &web.URL, &created, &deleting); err != nil {
		return nil, err
	}
	d.Status, d.CreatedAt = warden.DomainStatus(status), fromMicros(created)
	if deleting.Valid {
		d.DeletingAt = fromMicros(deleting.Int64)
	}
	if web.RoleARN != "" {
		d.WebApp = &web
	}
	return &d, nil
}

func domainNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Domain %s not found.", id)
}

// domain returns a domain of the account in the region, without its tags.
func (s *Store) domain(ctx context.Context, q querier, account, region, id string) (*warden.Domain, error) {
	d, err := scanDomain(q.QueryRowContext(ctx, `SELECT `+domainColumns+` FROM health_domains
		WHERE id = $1 AND account_id = $2 AND region = $3`, id, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domainNotFound(id)
	}
	return d, err
}

func (s *Store) CreateDomain(ctx context.Context, in warden.CreateDomainInput) (*warden.Domain, error) {
	if err := warden.ValidateHealthTags(in.Tags); err != nil {
		return nil, err
	}
	d := &warden.Domain{
		ID: in.ID, AccountID: in.AccountID, Region: in.Region, Name: in.Name, Status: warden.DomainActive,
		KMSKeyARN: in.KMSKeyARN, CreatedAt: s.clock(), Tags: sortedTags(in.Tags),
	}
	var web warden.WebAppConfiguration
	if in.WebApp != nil {
		copied := *in.WebApp
		d.WebApp, web = &copied, copied
	}
	err := s.changeDomain(ctx, "sqlstore.CreateDomain", func(tx querier) error {
		n, err := count(ctx, tx, `SELECT count(*) FROM health_domains WHERE account_id = $1 AND region = $2 AND status <> 'DELETED'`,
			d.AccountID, d.Region)
		if err != nil {
			return err
		}
		if n >= warden.MaxDomainsPerRegion {
			return warden.Errorf(warden.ELimitExceeded, "You have reached the quota of %d domains per account in %s.", warden.MaxDomainsPerRegion, d.Region)
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM health_domains WHERE id = $1`, d.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Domain %s already exists.", d.ID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_domains (`+domainColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)`,
			d.ID, d.AccountID, d.Region, d.Name, string(d.Status), d.KMSKeyARN, web.RoleARN, web.IdentityCenterInstanceID,
			web.IdentityCenterApplicationID, web.IdentityCenterRegion, web.URL, micros(d.CreatedAt)); err != nil {
			return err
		}
		return putDomainTags(ctx, tx, d.ID, d.Tags)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// readDomain reads the domain and its tags in one statement: every
// Connect Health request that names a domain makes this lookup first
// (through Domain, which caches it).
func (s *Store) readDomain(ctx context.Context, account, region, id string) (*warden.Domain, error) {
	var d *warden.Domain
	err := s.view(ctx, "sqlstore.Domain", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT d.id, d.account_id, d.region, d.name, d.status, d.kms_key_arn, d.web_app_role_arn,
			d.idc_instance_id, d.idc_application_id, d.idc_region, d.web_app_url, d.created_at, d.deleting_at, t.tag_key, t.tag_value
			FROM health_domains d LEFT JOIN health_domain_tags t ON t.domain_id = d.id
			WHERE d.id = $1 AND d.account_id = $2 AND d.region = $3`, id, account, region)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var key, value sql.NullString
			row, err := scanDomain(scanWith(rows, &key, &value))
			if err != nil {
				return err
			}
			if d == nil {
				d = row
			}
			if key.Valid {
				d.Tags = append(d.Tags, warden.Tag{Key: key.String, Value: value.String})
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if d == nil {
			return domainNotFound(id)
		}
		d.Tags = sortedTags(d.Tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// scanWith is a row whose Scan fills extra after the destinations it is
// given.
func scanWith(row interface{ Scan(...any) error }, extra ...any) interface{ Scan(...any) error } {
	return scannerFunc(func(dest ...any) error { return row.Scan(append(dest, extra...)...) })
}

type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }

func (s *Store) ListDomains(ctx context.Context, account, region string, status warden.DomainStatus, opts warden.ListOptions) (*warden.Page[*warden.Domain], error) {
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	var domains []*warden.Domain
	err = s.view(ctx, "sqlstore.ListDomains", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+domainColumns+` FROM health_domains
			WHERE account_id = $1 AND region = $2 AND ($3 = '' OR status = $3)
			AND (created_at > $4 OR created_at = $4 AND id > $5)
			ORDER BY created_at, id LIMIT $6`,
			account, region, string(status), after.at, after.id, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDomain(rows)
			if err != nil {
				return err
			}
			domains = append(domains, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, domains, func(d *warden.Domain) string { return creationKey(micros(d.CreatedAt), d.ID) }), nil
}

func (s *Store) DeleteDomain(ctx context.Context, account, region, id string) (*warden.Domain, error) {
	var d *warden.Domain
	err := s.changeDomain(ctx, "sqlstore.DeleteDomain", func(tx querier) error {
		var err error
		if d, err = s.domain(ctx, tx, account, region, id); err != nil || d.Status != warden.DomainActive {
			return err
		}
		d.Status, d.DeletingAt = warden.DomainDeleting, s.clock()
		_, err = tx.ExecContext(ctx, `UPDATE health_domains SET status = $1, deleting_at = $2 WHERE id = $3`,
			string(d.Status), micros(d.DeletingAt), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) FinishDomainDeletion(ctx context.Context, account, region, id string) (*warden.Domain, error) {
	var d *warden.Domain
	err := s.changeDomain(ctx, "sqlstore.FinishDomainDeletion", func(tx querier) error {
		var err error
		if d, err = s.domain(ctx, tx, account, region, id); err != nil {
			return err
		}
		switch d.Status {
		case warden.DomainDeleted:
			return nil
		case warden.DomainActive:
			return warden.Errorf(warden.EValidationError, "Domain %s is ACTIVE; only a DELETING domain can finish deletion.", id)
		}
		d.Status = warden.DomainDeleted
		if _, err := tx.ExecContext(ctx, `UPDATE health_domains SET status = 'DELETED' WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE health_subscriptions SET status = 'DELETED', updated_at = $1
			WHERE domain_id = $2 AND status <> 'DELETED'`, micros(s.clock()), id); err != nil {
			return err
		}
		return deleteConsoleResources(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) DeletingDomains(ctx context.Context) ([]*warden.Domain, error) {
	var domains []*warden.Domain
	err := s.view(ctx, "sqlstore.DeletingDomains", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+domainColumns+` FROM health_domains WHERE status = 'DELETING' ORDER BY deleting_at, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDomain(rows)
			if err != nil {
				return err
			}
			domains = append(domains, d)
		}
		return rows.Err()
	})
	return domains, err
}

func (s *Store) TagDomain(ctx context.Context, account, region, id string, tags []warden.Tag) error {
	if err := warden.ValidateHealthTags(tags); err != nil {
		return err
	}
	return s.changeDomain(ctx, "sqlstore.TagDomain", func(tx querier) error {
		if _, err := s.domain(ctx, tx, account, region, id); err != nil {
			return err
		}
		existing, err := domainTags(ctx, tx, id)
		if err != nil {
			return err
		}
		if tagKeyCount(existing, tags, nil) > warden.MaxHealthTags {
			return warden.Errorf(warden.ELimitExceeded, "A resource can have at most %d tags.", warden.MaxHealthTags)
		}
		return putDomainTags(ctx, tx, id, tags)
	})
}

func (s *Store) UntagDomain(ctx context.Context, account, region, id string, keys []string) error {
	return s.changeDomain(ctx, "sqlstore.UntagDomain", func(tx querier) error {
		if _, err := s.domain(ctx, tx, account, region, id); err != nil {
			return err
		}
		for _, key := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM health_domain_tags WHERE domain_id = $1 AND tag_key = $2`, id, key); err != nil {
				return err
			}
		}
		return nil
	})
}

func putDomainTags(ctx context.Context, tx querier, domainID string, tags []warden.Tag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_domain_tags (domain_id, tag_key, tag_value) VALUES ($1, $2, $3)
			ON CONFLICT (domain_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`, domainID, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

// domainTags returns a domain's tags by key, in byte order (the order
// does not depend on the database's collation).
func domainTags(ctx context.Context, q querier, domainID string) ([]warden.Tag, error) {
	tags, err := queryTags(ctx, q, `SELECT tag_key, tag_value FROM health_domain_tags WHERE domain_id = $1`, domainID)
	return sortedTags(tags), err
}

func sortedTags(tags []warden.Tag) []warden.Tag {
	if len(tags) == 0 {
		return nil
	}
	return slices.SortedFunc(slices.Values(tags), func(a, b warden.Tag) int { return strings.Compare(a.Key, b.Key) })
}

const subscriptionColumns = `s.id, s.domain_id, d.account_id, d.region, s.status, s.created_at, s.updated_at, s.activated_at, s.deactivated_at`

func scanSubscription(row interface{ Scan(...any) error }) (*warden.Subscription, error) {
	var sub warden.Subscription
	var status string
	var created, updated int64
	var activated, deactivated sql.NullInt64
	if err := row.Scan(&sub.ID, &sub.DomainID, &sub.AccountID, &sub.Region, &status, &created, &updated, &activated, &deactivated); err != nil {
		return nil, err
	}
	sub.Status, sub.CreatedAt, sub.LastUpdatedAt = warden.SubscriptionStatus(status), fromMicros(created), fromMicros(updated)
	if activated.Valid {
		sub.ActivatedAt = fromMicros(activated.Int64)
	}
	if deactivated.Valid {
		sub.DeactivatedAt = fromMicros(deactivated.Int64)
	}
	return &sub, nil
}

func (s *Store) subscription(ctx context.Context, q querier, account, region, domainID, id string) (*warden.Subscription, error) {
	sub, err := scanSubscription(q.QueryRowContext(ctx, `SELECT `+subscriptionColumns+`
		FROM health_subscriptions s JOIN health_domains d ON d.id = s.domain_id
		WHERE s.id = $1 AND s.domain_id = $2 AND d.account_id = $3 AND d.region = $4`, id, domainID, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "Subscription %s not found in domain %s.", id, domainID)
	}
	return sub, err
}

func (s *Store) CreateSubscription(ctx context.Context, in warden.CreateSubscriptionInput) (*warden.Subscription, error) {
	now := s.clock()
	sub := &warden.Subscription{
		ID: in.ID, DomainID: in.DomainID, AccountID: in.AccountID, Region: in.Region, Status: warden.SubscriptionActive,
		CreatedAt: now, LastUpdatedAt: now, ActivatedAt: now,
	}
	err := s.changeHealth(ctx, "sqlstore.CreateSubscription", func(tx querier) error {
		d, err := s.domain(ctx, tx, in.AccountID, in.Region, in.DomainID)
		if err != nil {
			return err
		}
		if d.Status != warden.DomainActive {
			return warden.ErrDomainNotActive(d)
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM health_subscriptions WHERE id = $1`, sub.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Subscription %s already exists.", sub.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO health_subscriptions (id, domain_id, status, created_at, updated_at, activated_at)
			VALUES ($1, $2, $3, $4, $4, $4)`, sub.ID, sub.DomainID, string(sub.Status), micros(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func (s *Store) Subscription(ctx context.Context, account, region, domainID, id string) (*warden.Subscription, error) {
	var sub *warden.Subscription
	err := s.view(ctx, "sqlstore.Subscription", func(q querier) error {
		var err error
		sub, err = s.subscription(ctx, q, account, region, domainID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func (s *Store) ListSubscriptions(ctx context.Context, account, region, domainID string, opts warden.ListOptions) (*warden.Page[*warden.Subscription], error) {
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	var subs []*warden.Subscription
	err = s.view(ctx, "sqlstore.ListSubscriptions", func(q querier) error {
		if _, err := s.domain(ctx, q, account, region, domainID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+subscriptionColumns+`
			FROM health_subscriptions s JOIN health_domains d ON d.id = s.domain_id
			WHERE s.domain_id = $1 AND (s.created_at > $2 OR s.created_at = $2 AND s.id > $3)
			ORDER BY s.created_at, s.id LIMIT $4`, domainID, after.at, after.id, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			sub, err := scanSubscription(rows)
			if err != nil {
				return err
			}
			subs = append(subs, sub)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, subs, func(s *warden.Subscription) string { return creationKey(micros(s.CreatedAt), s.ID) }), nil
}

func (s *Store) SetSubscriptionStatus(ctx context.Context, account, region, domainID, id string, status warden.SubscriptionStatus) (*warden.Subscription, error) {
	if status != warden.SubscriptionActive && status != warden.SubscriptionInactive {
		return nil, warden.Errorf(warden.EValidationError, "A subscription can be set ACTIVE or INACTIVE, not %s.", status)
	}
	var sub *warden.Subscription
	err := s.changeHealth(ctx, "sqlstore.SetSubscriptionStatus", func(tx querier) error {
		d, err := s.domain(ctx, tx, account, region, domainID)
		if err != nil {
			return err
		}
		if sub, err = s.subscription(ctx, tx, account, region, domainID, id); err != nil {
			return err
		}
		switch {
		case sub.Status == warden.SubscriptionDeleted:
			return warden.Errorf(warden.EValidationError, "Subscription %s is DELETED.", id)
		case d.Status != warden.DomainActive:
			return warden.ErrDomainNotActive(d)
		case sub.Status == status:
			return nil
		}
		now := s.clock()
		sub.Status, sub.LastUpdatedAt = status, now
		column := "activated_at"
		if status == warden.SubscriptionActive {
			sub.ActivatedAt = now
		} else {
			sub.DeactivatedAt, column = now, "deactivated_at"
		}
		_, err = tx.ExecContext(ctx, `UPDATE health_subscriptions SET status = $1, updated_at = $2, `+column+` = $2 WHERE id = $3`,
			string(status), micros(now), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func (s *Store) CreatePatientInsightsJob(ctx context.Context, in *warden.PatientInsightsJob) (*warden.PatientInsightsJob, bool, error) {
	j, created, err := s.createJob(ctx, insightsJobs, "sqlstore.CreatePatientInsightsJob", (*warden.HealthJob)(in))
	return (*warden.PatientInsightsJob)(j), created, err
}

func (s *Store) PatientInsightsJob(ctx context.Context, account, region, domainID, id string) (*warden.PatientInsightsJob, error) {
	j, err := s.readJob(ctx, insightsJobs, "sqlstore.PatientInsightsJob", account, region, domainID, id)
	return (*warden.PatientInsightsJob)(j), err
}

func (s *Store) UpdatePatientInsightsJob(ctx context.Context, account, region, domainID, id string, u warden.JobUpdate) (*warden.PatientInsightsJob, error) {
	j, err := s.updateJob(ctx, insightsJobs, "sqlstore.UpdatePatientInsightsJob", account, region, domainID, id, u)
	return (*warden.PatientInsightsJob)(j), err
}

func (s *Store) UnfinishedPatientInsightsJobs(ctx context.Context) ([]*warden.PatientInsightsJob, error) {
	jobs, err := s.unfinishedJobs(ctx, insightsJobs, "sqlstore.UnfinishedPatientInsightsJobs")
	out := make([]*warden.PatientInsightsJob, len(jobs))
	for i, j := range jobs {
		out[i] = (*warden.PatientInsightsJob)(j)
	}
	return out, err
}

// creationAfter is where a list in creation order resumes: after the row
// created at `at` (unix microseconds) with ID id. The zero value starts at
// the beginning, since IDs are never empty.
type creationAfter struct {
	at int64
	id string
}

// creationKey is the sort key of a row in creation order, as markers
// carry it.
func creationKey(at int64, id string) string { return strconv.FormatInt(at, 10) + keySep + id }

// creationPage validates list options for a list in creation order and
// decodes their marker.
func creationPage(opts warden.ListOptions) (pageQuery, creationAfter, error) {
	pq, err := pathlessPageQuery(opts)
	if err != nil {
		return pageQuery{}, creationAfter{}, err
	}
	after := creationAfter{at: -1 << 62}
	if pq.after != "" {
		at, id, ok := strings.Cut(pq.after, keySep)
		n, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil || id == "" {
			return pageQuery{}, creationAfter{}, warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
		}
		after = creationAfter{at: n, id: id}
	}
	return pq, after, nil
}
