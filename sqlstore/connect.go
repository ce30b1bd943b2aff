package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
)

// Amazon Connect: instances, their users, hierarchy group names and phone
// numbers, and the tags of instances, users and phone numbers. Users and
// hierarchy groups are found through their instance, which carries the
// account and region every lookup is scoped to; phone numbers carry their
// own, since their ARN is not under the instance's. No cached
// authorization answer depends on these tables, so writes leave the store
// generation alone.

var _ warden.ConnectService = (*Store)(nil)

// changeConnect runs fn in a write transaction that no cached answer
// depends on.
func (s *Store) changeConnect(ctx context.Context, op string, fn func(tx querier) error) error {
	return s.withTx(ctx, op, false, fn)
}

const connectInstanceColumns = `id, account_id, region, alias, identity_management_type, directory_id, inbound_calls, outbound_calls,
	level_one, level_two, level_three, level_four, level_five, created_at`

func scanConnectInstance(row interface{ Scan(...any) error }) (*warden.ConnectInstance, error) {
	var i warden.ConnectInstance
	var created int64
	l := &i.HierarchyLevels
	if err := row.Scan(&i.ID, &i.AccountID, &i.Region, &i.Alias, &i.IdentityManagementType, &i.DirectoryID, &i.InboundCallsEnabled,
		&i.OutboundCallsEnabled, &l[0], &l[1], &l[2], &l[3], &l[4], &created); err != nil {
		return nil, err
	}
	i.CreatedAt = fromMicros(created)
	return &i, nil
}

func connectInstanceNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Instance %s not found.", id)
}

func (s *Store) connectInstance(ctx context.Context, q querier, account, region, id string) (*warden.ConnectInstance, error) {
	i, err := scanConnectInstance(q.QueryRowContext(ctx, `SELECT `+connectInstanceColumns+` FROM connect_instances
		WHERE id = $1 AND account_id = $2 AND region = $3`, id, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, connectInstanceNotFound(id)
	}
	return i, err
}

func (s *Store) CreateConnectInstance(ctx context.Context, in *warden.ConnectInstance) (*warden.ConnectInstance, error) {
	if err := warden.ValidateConnectTags(in.Tags); err != nil {
		return nil, err
	}
	i := *in
	i.CreatedAt, i.Tags = s.clock(), sortedTags(in.Tags)
	err := s.changeConnect(ctx, "sqlstore.CreateConnectInstance", func(tx querier) error {
		if taken, err := count(ctx, tx, `SELECT count(*) FROM connect_instances WHERE id = $1`, i.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Instance %s already exists.", i.ID)
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM connect_instances WHERE account_id = $1 AND region = $2 AND alias = $3`,
			i.AccountID, i.Region, i.Alias); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "An instance with the alias %s already exists.", i.Alias)
		}
		l := i.HierarchyLevels
		if _, err := tx.ExecContext(ctx, `INSERT INTO connect_instances (`+connectInstanceColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			i.ID, i.AccountID, i.Region, i.Alias, i.IdentityManagementType, i.DirectoryID, i.InboundCallsEnabled, i.OutboundCallsEnabled,
			l[0], l[1], l[2], l[3], l[4], micros(i.CreatedAt)); err != nil {
			return err
		}
		if err := putConnectTags(ctx, tx, warden.ConnectTypeInstance, i.ID, i.Tags); err != nil {
			return err
		}
		return s.claimConnectNumbers(ctx, tx, &i)
	})
	if err != nil {
		return nil, err
	}
	return &i, nil
}

// claimConnectNumbers gives a new instance its phone numbers: for each
// type, the account's next unused number of that type in the region.
// Numbers of deleted instances are not given again, as AWS keeps a
// released number from being claimed at once.
func (s *Store) claimConnectNumbers(ctx context.Context, tx querier, i *warden.ConnectInstance) error {
	for _, typ := range warden.ConnectPhoneNumbersPerInstance {
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM connect_phone_numbers WHERE account_id = $1 AND region = $2 AND number_type = $3`,
			i.AccountID, i.Region, typ).Scan(&last); err != nil {
			return err
		}
		seq := 0
		if last.Valid {
			seq = int(last.Int64) + 1
		}
		number, err := warden.ConnectTestNumber(seq, typ)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO connect_phone_numbers (id, account_id, region, instance_id, seq, number, country_code,
			number_type, description, contact_flow_id) VALUES ($1, $2, $3, $4, $5, $6, 'US', $7, '', '')`,
			warden.NewConnectID(), i.AccountID, i.Region, i.ID, seq, number, typ); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ConnectInstance(ctx context.Context, account, region, id string) (*warden.ConnectInstance, error) {
	var i *warden.ConnectInstance
	err := s.view(ctx, "sqlstore.ConnectInstance", func(q querier) error {
		var err error
		if i, err = s.connectInstance(ctx, q, account, region, id); err != nil {
			return err
		}
		i.Tags, err = connectTags(ctx, q, warden.ConnectTypeInstance, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return i, nil
}

func (s *Store) ListConnectInstances(ctx context.Context, account, region string, opts warden.ListOptions) (*warden.Page[*warden.ConnectInstance], error) {
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	var instances []*warden.ConnectInstance
	err = s.view(ctx, "sqlstore.ListConnectInstances", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+connectInstanceColumns+` FROM connect_instances
			WHERE account_id = $1 AND region = $2 AND (created_at > $3 OR created_at = $3 AND id > $4)
			ORDER BY created_at, id LIMIT $5`, account, region, after.at, after.id, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			i, err := scanConnectInstance(rows)
			if err != nil {
				return err
			}
			instances = append(instances, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, instances, func(i *warden.ConnectInstance) string { return creationKey(micros(i.CreatedAt), i.ID) }), nil
}

func (s *Store) DeleteConnectInstance(ctx context.Context, account, region, id string) error {
	return s.changeConnect(ctx, "sqlstore.DeleteConnectInstance", func(tx querier) error {
		if _, err := s.connectInstance(ctx, tx, account, region, id); err != nil {
			return err
		}
		for _, stmt := range []string{
			`DELETE FROM connect_tags WHERE resource_type = 'agent' AND resource_id IN (SELECT id FROM connect_users WHERE instance_id = $1)`,
			`DELETE FROM connect_tags WHERE resource_type = 'phone-number' AND resource_id IN (SELECT id FROM connect_phone_numbers WHERE instance_id = $1)`,
			`DELETE FROM connect_tags WHERE resource_type = 'instance' AND resource_id = $1`,
			`DELETE FROM connect_users WHERE instance_id = $1`,
			`DELETE FROM connect_hierarchy_groups WHERE instance_id = $1`,
			// A released number keeps its row, without an instance, so
			// that its seq is not handed out again.
			`UPDATE connect_phone_numbers SET instance_id = '', contact_flow_id = '' WHERE instance_id = $1`,
			`DELETE FROM connect_instances WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) SetConnectHierarchyLevels(ctx context.Context, account, region, instanceID string, levels [5]string) error {
	return s.changeConnect(ctx, "sqlstore.SetConnectHierarchyLevels", func(tx querier) error {
		if _, err := s.connectInstance(ctx, tx, account, region, instanceID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE connect_instances SET level_one = $1, level_two = $2, level_three = $3, level_four = $4,
			level_five = $5 WHERE id = $6`, levels[0], levels[1], levels[2], levels[3], levels[4], instanceID)
		return err
	})
}

func (s *Store) RenameConnectHierarchyGroup(ctx context.Context, account, region, instanceID, groupID, name string) error {
	return s.changeConnect(ctx, "sqlstore.RenameConnectHierarchyGroup", func(tx querier) error {
		if _, err := s.connectInstance(ctx, tx, account, region, instanceID); err != nil {
			return err
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM connect_hierarchy_groups WHERE instance_id = $1 AND name = $2 AND id <> $3`,
			instanceID, name, groupID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "A hierarchy group named %s already exists.", name)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO connect_hierarchy_groups (instance_id, id, name) VALUES ($1, $2, $3)
			ON CONFLICT (instance_id, id) DO UPDATE SET name = excluded.name`, instanceID, groupID, name)
		return err
	})
}

const connectUserColumns = `u.id, i.account_id, i.region, u.instance_id, u.username, u.directory_user_id, u.security_profile_ids,
	u.routing_profile_id, u.hierarchy_group_id, u.settings, u.modified_at`

func scanConnectUser(row interface{ Scan(...any) error }) (*warden.ConnectUser, error) {
	var u warden.ConnectUser
	var profiles, settings string
	var modified int64
	if err := row.Scan(&u.ID, &u.AccountID, &u.Region, &u.InstanceID, &u.Username, &u.DirectoryUserID, &profiles,
		&u.RoutingProfileID, &u.HierarchyGroupID, &settings, &modified); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(profiles), &u.SecurityProfileIDs); err != nil {
		return nil, err
	}
	u.Settings, u.LastModified = []byte(settings), fromMicros(modified)
	return &u, nil
}

func connectUserNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "User %s not found.", id)
}

func (s *Store) connectUser(ctx context.Context, q querier, account, region, instanceID, id string) (*warden.ConnectUser, error) {
	u, err := scanConnectUser(q.QueryRowContext(ctx, `SELECT `+connectUserColumns+`
		FROM connect_users u JOIN connect_instances i ON i.id = u.instance_id
		WHERE u.id = $1 AND u.instance_id = $2 AND i.account_id = $3 AND i.region = $4`, id, instanceID, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, connectUserNotFound(id)
	}
	return u, err
}

func (s *Store) CreateConnectUser(ctx context.Context, in *warden.ConnectUser) (*warden.ConnectUser, error) {
	if err := warden.ValidateConnectTags(in.Tags); err != nil {
		return nil, err
	}
	u := *in
	u.LastModified, u.Tags = s.clock(), sortedTags(in.Tags)
	profiles, err := json.Marshal(u.SecurityProfileIDs)
	if err != nil {
		return nil, err
	}
	err = s.changeConnect(ctx, "sqlstore.CreateConnectUser", func(tx querier) error {
		if _, err := s.connectInstance(ctx, tx, u.AccountID, u.Region, u.InstanceID); err != nil {
			return err
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM connect_users WHERE id = $1`, u.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "User %s already exists.", u.ID)
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM connect_users WHERE instance_id = $1 AND username = $2`,
			u.InstanceID, u.Username); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "A user with the username %s already exists.", u.Username)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO connect_users (id, instance_id, username, directory_user_id, security_profile_ids,
			routing_profile_id, hierarchy_group_id, settings, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			u.ID, u.InstanceID, u.Username, u.DirectoryUserID, string(profiles), u.RoutingProfileID, u.HierarchyGroupID,
			string(u.Settings), micros(u.LastModified)); err != nil {
			return err
		}
		return putConnectTags(ctx, tx, warden.ConnectTypeUser, u.ID, u.Tags)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Store) ConnectUser(ctx context.Context, account, region, instanceID, id string) (*warden.ConnectUser, error) {
	var u *warden.ConnectUser
	err := s.view(ctx, "sqlstore.ConnectUser", func(q querier) error {
		var err error
		if u, err = s.connectUser(ctx, q, account, region, instanceID, id); err != nil {
			return err
		}
		u.Tags, err = connectTags(ctx, q, warden.ConnectTypeUser, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) ListConnectUsers(ctx context.Context, account, region, instanceID string, opts warden.ListOptions) (*warden.Page[*warden.ConnectUser], error) {
	pq, err := pathlessPageQuery(opts)
	if err != nil {
		return nil, err
	}
	afterName, afterID, _ := strings.Cut(pq.after, keySep)
	var users []*warden.ConnectUser
	err = s.view(ctx, "sqlstore.ListConnectUsers", func(q querier) error {
		if _, err := s.connectInstance(ctx, q, account, region, instanceID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+connectUserColumns+`
			FROM connect_users u JOIN connect_instances i ON i.id = u.instance_id
			WHERE u.instance_id = $1 AND (u.username > $2 OR u.username = $2 AND u.id > $3)
			ORDER BY u.username, u.id LIMIT $4`, instanceID, afterName, afterID, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanConnectUser(rows)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, users, func(u *warden.ConnectUser) string { return u.Username + keySep + u.ID }), nil
}

func (s *Store) UpdateConnectUser(ctx context.Context, account, region, instanceID, id string, update func(*warden.ConnectUser) error) (*warden.ConnectUser, error) {
	var u *warden.ConnectUser
	err := s.changeConnect(ctx, "sqlstore.UpdateConnectUser", func(tx querier) error {
		var err error
		if u, err = s.connectUser(ctx, tx, account, region, instanceID, id); err != nil {
			return err
		}
		if err := update(u); err != nil {
			return err
		}
		u.LastModified = s.clock()
		profiles, err := json.Marshal(u.SecurityProfileIDs)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE connect_users SET security_profile_ids = $1, routing_profile_id = $2, hierarchy_group_id = $3,
			settings = $4, modified_at = $5 WHERE id = $6`,
			string(profiles), u.RoutingProfileID, u.HierarchyGroupID, string(u.Settings), micros(u.LastModified), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) DeleteConnectUser(ctx context.Context, account, region, instanceID, id string) error {
	return s.changeConnect(ctx, "sqlstore.DeleteConnectUser", func(tx querier) error {
		if _, err := s.connectUser(ctx, tx, account, region, instanceID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM connect_tags WHERE resource_type = 'agent' AND resource_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM connect_users WHERE id = $1`, id)
		return err
	})
}

const connectPhoneNumberColumns = `id, account_id, region, instance_id, number, country_code, number_type, description, contact_flow_id`

func scanConnectPhoneNumber(row interface{ Scan(...any) error }) (*warden.ConnectPhoneNumber, error) {
	var p warden.ConnectPhoneNumber
	if err := row.Scan(&p.ID, &p.AccountID, &p.Region, &p.InstanceID, &p.Number, &p.CountryCode, &p.Type, &p.Description, &p.ContactFlowID); err != nil {
		return nil, err
	}
	return &p, nil
}

func connectPhoneNumberNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Phone number %s not found.", id)
}

// connectPhoneNumber returns a phone number claimed to an instance; a
// released number is not found.
func (s *Store) connectPhoneNumber(ctx context.Context, q querier, account, region, id string) (*warden.ConnectPhoneNumber, error) {
	p, err := scanConnectPhoneNumber(q.QueryRowContext(ctx, `SELECT `+connectPhoneNumberColumns+` FROM connect_phone_numbers
		WHERE id = $1 AND account_id = $2 AND region = $3 AND instance_id <> ''`, id, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, connectPhoneNumberNotFound(id)
	}
	return p, err
}

func (s *Store) ConnectPhoneNumber(ctx context.Context, account, region, id string) (*warden.ConnectPhoneNumber, error) {
	var p *warden.ConnectPhoneNumber
	err := s.view(ctx, "sqlstore.ConnectPhoneNumber", func(q querier) error {
		var err error
		if p, err = s.connectPhoneNumber(ctx, q, account, region, id); err != nil {
			return err
		}
		p.Tags, err = connectTags(ctx, q, warden.ConnectTypePhoneNumber, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) ListConnectPhoneNumbers(ctx context.Context, account, region string, filter warden.ConnectPhoneNumberFilter, opts warden.ListOptions) (*warden.Page[*warden.ConnectPhoneNumber], error) {
	pq, err := pathlessPageQuery(opts)
	if err != nil {
		return nil, err
	}
	// The lists of country codes and types are short (the model allows
	// 10 and 6), so they are matched here rather than in SQL; the page
	// is read in batches until it is full or the numbers run out.
	prefix := strings.TrimPrefix(filter.Prefix, "+")
	keep := func(p *warden.ConnectPhoneNumber) bool {
		return (len(filter.CountryCodes) == 0 || slices.Contains(filter.CountryCodes, p.CountryCode)) &&
			(len(filter.Types) == 0 || slices.Contains(filter.Types, p.Type)) &&
			strings.HasPrefix(strings.TrimPrefix(p.Number, "+"), prefix)
	}
	var numbers []*warden.ConnectPhoneNumber
	err = s.view(ctx, "sqlstore.ListConnectPhoneNumbers", func(q querier) error {
		after := pq.after
		for len(numbers) < pq.fetch() {
			rows, err := q.QueryContext(ctx, `SELECT `+connectPhoneNumberColumns+` FROM connect_phone_numbers
				WHERE account_id = $1 AND region = $2 AND instance_id <> '' AND ($3 = '' OR instance_id = $3) AND number > $4
				ORDER BY number LIMIT $5`, account, region, filter.InstanceID, after, pq.fetch())
			if err != nil {
				return err
			}
			read := 0
			for rows.Next() {
				p, err := scanConnectPhoneNumber(rows)
				if err != nil {
					rows.Close()
					return err
				}
				read, after = read+1, p.Number
				if keep(p) && len(numbers) < pq.fetch() {
					numbers = append(numbers, p)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if read < pq.fetch() {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, numbers, func(p *warden.ConnectPhoneNumber) string { return p.Number }), nil
}

func (s *Store) SetConnectPhoneNumberContactFlow(ctx context.Context, account, region, id, instanceID, contactFlowID string) error {
	return s.changeConnect(ctx, "sqlstore.SetConnectPhoneNumberContactFlow", func(tx querier) error {
		p, err := s.connectPhoneNumber(ctx, tx, account, region, id)
		if err != nil {
			return err
		}
		if p.InstanceID != instanceID {
			return warden.Errorf(warden.EInvalidParameterValue, "Phone number %s is not claimed to instance %s.", id, instanceID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE connect_phone_numbers SET contact_flow_id = $1 WHERE id = $2`, contactFlowID, id)
		return err
	})
}

// connectResourceExists checks that the resource a tagging request names
// exists in its account and region.
func (s *Store) connectResourceExists(ctx context.Context, q querier, r warden.ConnectResource) error {
	var err error
	switch r.Type {
	case warden.ConnectTypeInstance:
		_, err = s.connectInstance(ctx, q, r.AccountID, r.Region, r.ID)
	case warden.ConnectTypeUser:
		_, err = s.connectUser(ctx, q, r.AccountID, r.Region, r.InstanceID, r.ID)
	case warden.ConnectTypePhoneNumber:
		_, err = s.connectPhoneNumber(ctx, q, r.AccountID, r.Region, r.ID)
	default:
		err = warden.Errorf(warden.ENoSuchEntity, "Resource %s not found.", r.ARN())
	}
	return err
}

func (s *Store) ConnectResourceTags(ctx context.Context, r warden.ConnectResource) ([]warden.Tag, error) {
	var tags []warden.Tag
	err := s.view(ctx, "sqlstore.ConnectResourceTags", func(q querier) error {
		if err := s.connectResourceExists(ctx, q, r); err != nil {
			return err
		}
		var err error
		tags, err = connectTags(ctx, q, r.Type, r.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tags, nil
}

func (s *Store) TagConnectResource(ctx context.Context, r warden.ConnectResource, tags []warden.Tag) error {
	if err := warden.ValidateConnectTags(tags); err != nil {
		return err
	}
	return s.changeConnect(ctx, "sqlstore.TagConnectResource", func(tx querier) error {
		if err := s.connectResourceExists(ctx, tx, r); err != nil {
			return err
		}
		if err := putConnectTags(ctx, tx, r.Type, r.ID, tags); err != nil {
			return err
		}
		n, err := count(ctx, tx, `SELECT count(*) FROM connect_tags WHERE resource_type = $1 AND resource_id = $2`, r.Type, r.ID)
		if err != nil {
			return err
		}
		if n > warden.MaxConnectTags {
			return warden.Errorf(warden.ELimitExceeded, "A resource can have at most %d tags.", warden.MaxConnectTags)
		}
		return nil
	})
}

func (s *Store) UntagConnectResource(ctx context.Context, r warden.ConnectResource, keys []string) error {
	return s.changeConnect(ctx, "sqlstore.UntagConnectResource", func(tx querier) error {
		if err := s.connectResourceExists(ctx, tx, r); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM connect_tags WHERE resource_type = $1 AND resource_id = $2 AND tag_key = $3`,
				r.Type, r.ID, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func putConnectTags(ctx context.Context, tx querier, typ, id string, tags []warden.Tag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO connect_tags (resource_type, resource_id, tag_key, tag_value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (resource_type, resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`, typ, id, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

// connectTags returns a resource's tags by key, in byte order.
func connectTags(ctx context.Context, q querier, typ, id string) ([]warden.Tag, error) {
	tags, err := queryTags(ctx, q, `SELECT tag_key, tag_value FROM connect_tags WHERE resource_type = $1 AND resource_id = $2`, typ, id)
	return sortedTags(tags), err
}
