package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"

	"github.com/warden-iam/warden"
)

// Amazon Connect Health's console resources: agents with their versions,
// integrations, agent sessions and their tags. Like the domain's other
// resources they are found through their domain, which carries the
// account and region every lookup is scoped to, and no cached
// authorization answer depends on them.

var _ warden.HealthConsoleService = (*Store)(nil)

// activeDomain returns the domain when it is ACTIVE, the only state in
// which its console resources change.
func (s *Store) activeDomain(ctx context.Context, q querier, account, region, id string) (*warden.Domain, error) {
	d, err := s.domain(ctx, q, account, region, id)
	if err != nil {
		return nil, err
	}
	if d.Status != warden.DomainActive {
		return nil, warden.ErrDomainNotActive(d)
	}
	return d, nil
}

// deleteConsoleResources removes everything a domain's console holds: it
// runs when the domain's deletion finishes.
func deleteConsoleResources(ctx context.Context, tx querier, domainID string) error {
	for _, stmt := range []string{
		`DELETE FROM health_console_tags WHERE kind = 'agent' AND resource_id IN (SELECT id FROM health_agents WHERE domain_id = $1)`,
		`DELETE FROM health_console_tags WHERE kind = 'integration' AND resource_id IN (SELECT id FROM health_integrations WHERE domain_id = $1)`,
		`DELETE FROM health_console_tags WHERE kind = 'session' AND resource_id IN (SELECT id FROM health_agent_sessions WHERE domain_id = $1)`,
		`DELETE FROM health_agent_versions WHERE agent_id IN (SELECT id FROM health_agents WHERE domain_id = $1)`,
		`DELETE FROM health_agents WHERE domain_id = $1`,
		`DELETE FROM health_integrations WHERE domain_id = $1`,
		`DELETE FROM health_agent_sessions WHERE domain_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, stmt, domainID); err != nil {
			return err
		}
	}
	return nil
}

// ---- agents ----

const agentColumns = `a.id, a.domain_id, d.account_id, d.region, a.name, a.created_at, a.latest_version, a.published_version,
	v.version, v.status, v.description, v.instructions, v.created_at, v.updated_at, v.published_at`

// agentFrom joins an agent to its domain (for the scope) and one version.
const agentFrom = ` FROM health_agents a JOIN health_domains d ON d.id = a.domain_id
	JOIN health_agent_versions v ON v.agent_id = a.id`

func scanAgent(row interface{ Scan(...any) error }) (*warden.Agent, error) {
	var a warden.Agent
	var created, vCreated, vUpdated int64
	var status string
	var published sql.NullInt64
	if err := row.Scan(&a.ID, &a.DomainID, &a.AccountID, &a.Region, &a.Name, &created, &a.LatestVersion, &a.PublishedVersion,
		&a.Version.Version, &status, &a.Version.Description, &a.Version.Instructions, &vCreated, &vUpdated, &published); err != nil {
		return nil, err
	}
	a.CreatedAt, a.Version.Status = fromMicros(created), warden.AgentVersionStatus(status)
	a.Version.CreatedAt, a.Version.UpdatedAt = fromMicros(vCreated), fromMicros(vUpdated)
	if published.Valid {
		a.Version.PublishedAt = fromMicros(published.Int64)
	}
	return &a, nil
}

func agentNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Agent %s not found.", id)
}

// agent reads an agent at a version (0: its latest), without tags.
func (s *Store) agent(ctx context.Context, q querier, account, region, domainID, id string, version int) (*warden.Agent, error) {
	a, err := scanAgent(q.QueryRowContext(ctx, `SELECT `+agentColumns+agentFrom+`
		WHERE a.id = $1 AND a.domain_id = $2 AND d.account_id = $3 AND d.region = $4
		AND v.version = CASE WHEN $5 = 0 THEN a.latest_version ELSE $5 END`, id, domainID, account, region, version))
	if !errors.Is(err, sql.ErrNoRows) {
		return a, err
	}
	if version == 0 {
		return nil, agentNotFound(id)
	}
	if n, err := count(ctx, q, `SELECT count(*) FROM health_agents a JOIN health_domains d ON d.id = a.domain_id
		WHERE a.id = $1 AND a.domain_id = $2 AND d.account_id = $3 AND d.region = $4`, id, domainID, account, region); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, agentNotFound(id)
	}
	return nil, warden.Errorf(warden.ENoSuchEntity, "Agent %s has no version %d.", id, version)
}

func (s *Store) CreateAgent(ctx context.Context, in warden.CreateAgentInput) (*warden.Agent, error) {
	if err := warden.ValidateHealthTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock()
	a := &warden.Agent{
		ID: in.ID, DomainID: in.DomainID, AccountID: in.AccountID, Region: in.Region, Name: in.Name, CreatedAt: now, LatestVersion: 1,
		Version: warden.AgentVersion{Version: 1, Status: warden.AgentDraft, Description: in.Description, Instructions: in.Instructions,
			CreatedAt: now, UpdatedAt: now},
		Tags: sortedTags(in.Tags),
	}
	err := s.changeHealth(ctx, "sqlstore.CreateAgent", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, in.AccountID, in.Region, in.DomainID); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM health_agents WHERE domain_id = $1`, in.DomainID); err != nil {
			return err
		} else if n >= warden.MaxAgentsPerDomain {
			return warden.Errorf(warden.ELimitExceeded, "Domain %s already has the maximum of %d agents.", in.DomainID, warden.MaxAgentsPerDomain)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM health_agents WHERE id = $1`, in.ID); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Agent %s already exists.", in.ID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_agents (id, domain_id, name, created_at, latest_version, published_version)
			VALUES ($1, $2, $3, $4, 1, 0)`, a.ID, a.DomainID, a.Name, micros(now)); err != nil {
			return err
		}
		if err := insertAgentVersion(ctx, tx, a.ID, a.Version); err != nil {
			return err
		}
		return putConsoleTags(ctx, tx, warden.KindAgent, a.ID, a.Tags)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func insertAgentVersion(ctx context.Context, tx querier, agentID string, v warden.AgentVersion) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO health_agent_versions
		(agent_id, version, status, description, instructions, created_at, updated_at, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)`,
		agentID, v.Version, string(v.Status), v.Description, v.Instructions, micros(v.CreatedAt), micros(v.UpdatedAt))
	return err
}

func (s *Store) Agent(ctx context.Context, account, region, domainID, id string, version int) (*warden.Agent, error) {
	var a *warden.Agent
	err := s.view(ctx, "sqlstore.Agent", func(q querier) error {
		var err error
		if a, err = s.agent(ctx, q, account, region, domainID, id, version); err != nil {
			return err
		}
		a.Tags, err = consoleTags(ctx, q, warden.KindAgent, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Store) UpdateAgent(ctx context.Context, account, region, domainID, id string, u warden.AgentUpdate) (*warden.Agent, error) {
	var a *warden.Agent
	err := s.changeHealth(ctx, "sqlstore.UpdateAgent", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		var err error
		if a, err = s.agent(ctx, tx, account, region, domainID, id, 0); err != nil {
			return err
		}
		now := s.clock()
		v := a.Version
		if u.Description != nil {
			v.Description = *u.Description
		}
		if u.Instructions != nil {
			v.Instructions = *u.Instructions
		}
		v.UpdatedAt = now
		if v.Status == warden.AgentDraft {
			_, err = tx.ExecContext(ctx, `UPDATE health_agent_versions SET description = $1, instructions = $2, updated_at = $3
				WHERE agent_id = $4 AND version = $5`, v.Description, v.Instructions, micros(now), id, v.Version)
		} else {
			if v.Version >= warden.MaxAgentVersions {
				return warden.Errorf(warden.ELimitExceeded, "Agent %s already has the maximum of %d versions.", id, warden.MaxAgentVersions)
			}
			v = warden.AgentVersion{Version: v.Version + 1, Status: warden.AgentDraft, Description: v.Description, Instructions: v.Instructions,
				CreatedAt: now, UpdatedAt: now}
			if err = insertAgentVersion(ctx, tx, id, v); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE health_agents SET latest_version = $1 WHERE id = $2`, v.Version, id)
			}
			a.LatestVersion = v.Version
		}
		if err != nil {
			return err
		}
		a.Version = v
		if u.Name != nil {
			a.Name = *u.Name
			_, err = tx.ExecContext(ctx, `UPDATE health_agents SET name = $1 WHERE id = $2`, a.Name, id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Store) PublishAgent(ctx context.Context, account, region, domainID, id string, version int) (*warden.Agent, error) {
	var a *warden.Agent
	err := s.changeHealth(ctx, "sqlstore.PublishAgent", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		var err error
		if a, err = s.agent(ctx, tx, account, region, domainID, id, version); err != nil {
			return err
		}
		if a.Version.Status != warden.AgentDraft {
			return warden.Errorf(warden.EEntityAlreadyExists, "Version %d of agent %s is %s; only a DRAFT version can be published.",
				a.Version.Version, id, a.Version.Status)
		}
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE health_agent_versions SET status = 'ARCHIVED', updated_at = $1
			WHERE agent_id = $2 AND status = 'PUBLISHED'`, micros(now), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE health_agent_versions SET status = 'PUBLISHED', updated_at = $1, published_at = $1
			WHERE agent_id = $2 AND version = $3`, micros(now), id, a.Version.Version); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE health_agents SET published_version = $1 WHERE id = $2`, a.Version.Version, id)
		a.Version.Status, a.Version.UpdatedAt, a.Version.PublishedAt, a.PublishedVersion = warden.AgentPublished, now, now, a.Version.Version
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Store) ListAgents(ctx context.Context, account, region, domainID string, opts warden.ListOptions) (*warden.Page[*warden.Agent], error) {
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	var agents []*warden.Agent
	err = s.view(ctx, "sqlstore.ListAgents", func(q querier) error {
		if _, err := s.domain(ctx, q, account, region, domainID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+agentColumns+agentFrom+`
			WHERE a.domain_id = $1 AND v.version = a.latest_version
			AND (a.created_at > $2 OR a.created_at = $2 AND a.id > $3)
			ORDER BY a.created_at, a.id LIMIT $4`, domainID, after.at, after.id, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAgent(rows)
			if err != nil {
				return err
			}
			agents = append(agents, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, agents, func(a *warden.Agent) string { return creationKey(micros(a.CreatedAt), a.ID) }), nil
}

func (s *Store) ListAgentVersions(ctx context.Context, account, region, domainID, id string, opts warden.ListOptions) (*warden.Page[*warden.AgentVersion], error) {
	// Versions are numbered in creation order: the marker's number is the
	// version, its ID the agent's.
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	if pq.after != "" && after.id != id {
		return nil, warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
	}
	var versions []*warden.AgentVersion
	err = s.view(ctx, "sqlstore.ListAgentVersions", func(q querier) error {
		if _, err := s.agent(ctx, q, account, region, domainID, id, 0); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT version, status, description, instructions, created_at, updated_at, published_at
			FROM health_agent_versions WHERE agent_id = $1 AND version > $2 ORDER BY version LIMIT $3`, id, after.at, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v warden.AgentVersion
			var status string
			var created, updated int64
			var published sql.NullInt64
			if err := rows.Scan(&v.Version, &status, &v.Description, &v.Instructions, &created, &updated, &published); err != nil {
				return err
			}
			v.Status, v.CreatedAt, v.UpdatedAt = warden.AgentVersionStatus(status), fromMicros(created), fromMicros(updated)
			if published.Valid {
				v.PublishedAt = fromMicros(published.Int64)
			}
			versions = append(versions, &v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, versions, func(v *warden.AgentVersion) string { return creationKey(int64(v.Version), id) }), nil
}

func (s *Store) DeleteAgent(ctx context.Context, account, region, domainID, id string) error {
	return s.changeHealth(ctx, "sqlstore.DeleteAgent", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		if _, err := s.agent(ctx, tx, account, region, domainID, id, 0); err != nil {
			return err
		}
		for _, stmt := range []string{
			`DELETE FROM health_console_tags WHERE kind = 'agent' AND resource_id = $1`,
			`DELETE FROM health_agent_versions WHERE agent_id = $1`,
			`DELETE FROM health_agents WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- integrations ----

const integrationColumns = `i.id, i.domain_id, d.account_id, d.region, i.name, i.type, i.endpoint, i.auth_secret_arn, i.status,
	i.created_at, i.updated_at`

const integrationFrom = ` FROM health_integrations i JOIN health_domains d ON d.id = i.domain_id`

func scanIntegration(row interface{ Scan(...any) error }) (*warden.Integration, error) {
	var i warden.Integration
	var typ, status string
	var created, updated int64
	if err := row.Scan(&i.ID, &i.DomainID, &i.AccountID, &i.Region, &i.Name, &typ, &i.Endpoint, &i.AuthSecretARN, &status,
		&created, &updated); err != nil {
		return nil, err
	}
	i.Type, i.Status, i.CreatedAt, i.UpdatedAt = warden.IntegrationType(typ), warden.IntegrationStatus(status), fromMicros(created), fromMicros(updated)
	return &i, nil
}

func (s *Store) integration(ctx context.Context, q querier, account, region, domainID, id string) (*warden.Integration, error) {
	i, err := scanIntegration(q.QueryRowContext(ctx, `SELECT `+integrationColumns+integrationFrom+`
		WHERE i.id = $1 AND i.domain_id = $2 AND d.account_id = $3 AND d.region = $4`, id, domainID, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "Integration %s not found.", id)
	}
	return i, err
}

// integrationNameTaken reports a name another integration of the domain
// has. Names compare exactly, as the unique constraint does.
func integrationNameTaken(ctx context.Context, tx querier, domainID, name, except string) error {
	n, err := count(ctx, tx, `SELECT count(*) FROM health_integrations WHERE domain_id = $1 AND name = $2 AND id <> $3`, domainID, name, except)
	if err != nil {
		return err
	}
	if n > 0 {
		return warden.Errorf(warden.EEntityAlreadyExists, "Domain %s already has an integration named %s.", domainID, name)
	}
	return nil
}

func (s *Store) CreateIntegration(ctx context.Context, in warden.CreateIntegrationInput) (*warden.Integration, error) {
	if err := warden.ValidateHealthTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock()
	i := &warden.Integration{ID: in.ID, DomainID: in.DomainID, AccountID: in.AccountID, Region: in.Region, Name: in.Name, Type: in.Type,
		Endpoint: in.Endpoint, AuthSecretARN: in.AuthSecretARN, Status: warden.IntegrationActive, CreatedAt: now, UpdatedAt: now,
		Tags: sortedTags(in.Tags)}
	err := s.changeHealth(ctx, "sqlstore.CreateIntegration", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, in.AccountID, in.Region, in.DomainID); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM health_integrations WHERE domain_id = $1`, in.DomainID); err != nil {
			return err
		} else if n >= warden.MaxIntegrationsPerDomain {
			return warden.Errorf(warden.ELimitExceeded, "Domain %s already has the maximum of %d integrations.", in.DomainID, warden.MaxIntegrationsPerDomain)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM health_integrations WHERE id = $1`, in.ID); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Integration %s already exists.", in.ID)
		}
		if err := integrationNameTaken(ctx, tx, in.DomainID, in.Name, in.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_integrations
			(id, domain_id, name, type, endpoint, auth_secret_arn, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			i.ID, i.DomainID, i.Name, string(i.Type), i.Endpoint, i.AuthSecretARN, string(i.Status), micros(now)); err != nil {
			return err
		}
		return putConsoleTags(ctx, tx, warden.KindIntegration, i.ID, i.Tags)
	})
	if err != nil {
		return nil, err
	}
	return i, nil
}

func (s *Store) Integration(ctx context.Context, account, region, domainID, id string) (*warden.Integration, error) {
	var i *warden.Integration
	err := s.view(ctx, "sqlstore.Integration", func(q querier) error {
		var err error
		if i, err = s.integration(ctx, q, account, region, domainID, id); err != nil {
			return err
		}
		i.Tags, err = consoleTags(ctx, q, warden.KindIntegration, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return i, nil
}

func (s *Store) UpdateIntegration(ctx context.Context, account, region, domainID, id string, u warden.IntegrationUpdate) (*warden.Integration, error) {
	var i *warden.Integration
	err := s.changeHealth(ctx, "sqlstore.UpdateIntegration", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		var err error
		if i, err = s.integration(ctx, tx, account, region, domainID, id); err != nil {
			return err
		}
		if u.Name != nil {
			if err := integrationNameTaken(ctx, tx, domainID, *u.Name, id); err != nil {
				return err
			}
			i.Name = *u.Name
		}
		if u.Endpoint != nil {
			i.Endpoint = *u.Endpoint
		}
		if u.AuthSecretARN != nil {
			i.AuthSecretARN = *u.AuthSecretARN
		}
		if u.Status != nil {
			if *u.Status != warden.IntegrationActive && *u.Status != warden.IntegrationInactive {
				return warden.Errorf(warden.EValidationError, "An integration's status is ACTIVE or INACTIVE, not %s.", *u.Status)
			}
			i.Status = *u.Status
		}
		i.UpdatedAt = s.clock()
		_, err = tx.ExecContext(ctx, `UPDATE health_integrations SET name = $1, endpoint = $2, auth_secret_arn = $3, status = $4, updated_at = $5
			WHERE id = $6`, i.Name, i.Endpoint, i.AuthSecretARN, string(i.Status), micros(i.UpdatedAt), id)
		if err != nil {
			return err
		}
		i.Tags, err = consoleTags(ctx, tx, warden.KindIntegration, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return i, nil
}

func (s *Store) DeleteIntegration(ctx context.Context, account, region, domainID, id string) error {
	return s.changeHealth(ctx, "sqlstore.DeleteIntegration", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		if _, err := s.integration(ctx, tx, account, region, domainID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM health_console_tags WHERE kind = 'integration' AND resource_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM health_integrations WHERE id = $1`, id)
		return err
	})
}

func (s *Store) ListIntegrations(ctx context.Context, account, region, domainID string, opts warden.ListOptions) (*warden.Page[*warden.Integration], error) {
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	var list []*warden.Integration
	err = s.view(ctx, "sqlstore.ListIntegrations", func(q querier) error {
		if _, err := s.domain(ctx, q, account, region, domainID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+integrationColumns+integrationFrom+`
			WHERE i.domain_id = $1 AND (i.created_at > $2 OR i.created_at = $2 AND i.id > $3)
			ORDER BY i.created_at, i.id LIMIT $4`, domainID, after.at, after.id, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			i, err := scanIntegration(rows)
			if err != nil {
				return err
			}
			list = append(list, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, list, func(i *warden.Integration) string { return creationKey(micros(i.CreatedAt), i.ID) }), nil
}

// ---- agent sessions ----

// sessionAAD binds a sealed session context to its session.
func sessionAAD(id string) string { return "health-agent-session:" + id }

func (s *Store) sealContext(id string, attrs map[string]string) ([]byte, error) {
	if attrs == nil {
		attrs = map[string]string{}
	}
	plain, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	return s.keys.seal(sessionAAD(id), plain), nil
}

func (s *Store) agentSession(ctx context.Context, q querier, account, region, domainID, id string) (*warden.AgentSession, error) {
	var as warden.AgentSession
	var status string
	var sealed []byte
	var created, updated int64
	var ended sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT s.id, s.domain_id, d.account_id, d.region, s.agent_id, s.agent_version, s.status, s.context,
		s.created_at, s.updated_at, s.ended_at FROM health_agent_sessions s JOIN health_domains d ON d.id = s.domain_id
		WHERE s.id = $1 AND s.domain_id = $2 AND d.account_id = $3 AND d.region = $4`, id, domainID, account, region).
		Scan(&as.ID, &as.DomainID, &as.AccountID, &as.Region, &as.AgentID, &as.AgentVersion, &status, &sealed, &created, &updated, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "Session %s not found.", id)
	}
	if err != nil {
		return nil, err
	}
	as.Status, as.CreatedAt, as.UpdatedAt = warden.AgentSessionStatus(status), fromMicros(created), fromMicros(updated)
	if ended.Valid {
		as.EndedAt = fromMicros(ended.Int64)
	}
	plain, err := s.keys.open(sessionAAD(id), sealed)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plain, &as.Context); err != nil {
		return nil, err
	}
	return &as, nil
}

func tooManyAttributes() error {
	return warden.Errorf(warden.EValidationError, "A session can have at most %d context attributes.", warden.MaxSessionAttributes)
}

func (s *Store) CreateAgentSession(ctx context.Context, in warden.CreateAgentSessionInput) (*warden.AgentSession, error) {
	if err := warden.ValidateHealthTags(in.Tags); err != nil {
		return nil, err
	}
	if len(in.Context) > warden.MaxSessionAttributes {
		return nil, tooManyAttributes()
	}
	now := s.clock()
	as := &warden.AgentSession{ID: in.ID, DomainID: in.DomainID, AccountID: in.AccountID, Region: in.Region, AgentID: in.AgentID,
		AgentVersion: in.AgentVersion, Status: warden.AgentSessionActive, Context: maps.Clone(in.Context), CreatedAt: now, UpdatedAt: now,
		Tags: sortedTags(in.Tags)}
	if as.Context == nil {
		as.Context = map[string]string{}
	}
	sealed, err := s.sealContext(as.ID, as.Context)
	if err != nil {
		return nil, err
	}
	err = s.changeHealth(ctx, "sqlstore.CreateAgentSession", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, in.AccountID, in.Region, in.DomainID); err != nil {
			return err
		}
		if _, err := s.agent(ctx, tx, in.AccountID, in.Region, in.DomainID, in.AgentID, in.AgentVersion); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM health_agent_sessions WHERE id = $1`, in.ID); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Session %s already exists.", in.ID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_agent_sessions
			(id, domain_id, agent_id, agent_version, status, context, created_at, updated_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, NULL)`,
			as.ID, as.DomainID, as.AgentID, as.AgentVersion, string(as.Status), sealed, micros(now)); err != nil {
			return err
		}
		return putConsoleTags(ctx, tx, warden.KindSession, as.ID, as.Tags)
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

func (s *Store) AgentSession(ctx context.Context, account, region, domainID, id string) (*warden.AgentSession, error) {
	var as *warden.AgentSession
	err := s.view(ctx, "sqlstore.AgentSession", func(q querier) error {
		var err error
		if as, err = s.agentSession(ctx, q, account, region, domainID, id); err != nil {
			return err
		}
		as.Tags, err = consoleTags(ctx, q, warden.KindSession, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

func (s *Store) UpdateAgentSession(ctx context.Context, account, region, domainID, id string, u warden.AgentSessionUpdate) (*warden.AgentSession, error) {
	var as *warden.AgentSession
	err := s.changeHealth(ctx, "sqlstore.UpdateAgentSession", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		var err error
		if as, err = s.agentSession(ctx, tx, account, region, domainID, id); err != nil {
			return err
		}
		if as.Status != warden.AgentSessionActive {
			return warden.Errorf(warden.EValidationError, "Session %s has ENDED; an ended session does not change.", id)
		}
		if u.Status != nil && *u.Status != warden.AgentSessionActive && *u.Status != warden.AgentSessionEnded {
			return warden.Errorf(warden.EValidationError, "A session's status is ACTIVE or ENDED, not %s.", *u.Status)
		}
		for k, v := range u.Context {
			if v == "" {
				delete(as.Context, k)
			} else {
				as.Context[k] = v
			}
		}
		if len(as.Context) > warden.MaxSessionAttributes {
			return tooManyAttributes()
		}
		now := s.clock()
		as.UpdatedAt = now
		var ended any
		if u.Status != nil && *u.Status == warden.AgentSessionEnded {
			as.Status, as.EndedAt, ended = warden.AgentSessionEnded, now, micros(now)
		}
		sealed, err := s.sealContext(id, as.Context)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE health_agent_sessions SET status = $1, context = $2, updated_at = $3, ended_at = $4 WHERE id = $5`,
			string(as.Status), sealed, micros(now), ended, id); err != nil {
			return err
		}
		as.Tags, err = consoleTags(ctx, tx, warden.KindSession, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

// ---- tags ----

// consoleResource checks that a console resource exists in the domain.
func (s *Store) consoleResource(ctx context.Context, q querier, account, region, domainID string, kind warden.ConsoleKind, id string) error {
	var err error
	switch kind {
	case warden.KindAgent:
		_, err = s.agent(ctx, q, account, region, domainID, id, 0)
	case warden.KindIntegration:
		_, err = s.integration(ctx, q, account, region, domainID, id)
	case warden.KindSession:
		_, err = s.agentSession(ctx, q, account, region, domainID, id)
	default:
		err = warden.Errorf(warden.EValidationError, "Amazon Connect Health has no console resource type %q.", kind)
	}
	return err
}

func (s *Store) TagConsoleResource(ctx context.Context, account, region, domainID string, kind warden.ConsoleKind, id string, tags []warden.Tag) error {
	if err := warden.ValidateHealthTags(tags); err != nil {
		return err
	}
	return s.changeHealth(ctx, "sqlstore.TagConsoleResource", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		if err := s.consoleResource(ctx, tx, account, region, domainID, kind, id); err != nil {
			return err
		}
		existing, err := consoleTags(ctx, tx, kind, id)
		if err != nil {
			return err
		}
		if tagKeyCount(existing, tags, nil) > warden.MaxHealthTags {
			return warden.Errorf(warden.ELimitExceeded, "A resource can have at most %d tags.", warden.MaxHealthTags)
		}
		return putConsoleTags(ctx, tx, kind, id, tags)
	})
}

func (s *Store) UntagConsoleResource(ctx context.Context, account, region, domainID string, kind warden.ConsoleKind, id string, keys []string) error {
	return s.changeHealth(ctx, "sqlstore.UntagConsoleResource", func(tx querier) error {
		if _, err := s.activeDomain(ctx, tx, account, region, domainID); err != nil {
			return err
		}
		if err := s.consoleResource(ctx, tx, account, region, domainID, kind, id); err != nil {
			return err
		}
		for _, key := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM health_console_tags WHERE kind = $1 AND resource_id = $2 AND tag_key = $3`,
				string(kind), id, key); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) ConsoleResourceTags(ctx context.Context, account, region, domainID string, kind warden.ConsoleKind, id string) ([]warden.Tag, error) {
	var tags []warden.Tag
	err := s.view(ctx, "sqlstore.ConsoleResourceTags", func(q querier) error {
		if err := s.consoleResource(ctx, q, account, region, domainID, kind, id); err != nil {
			return err
		}
		var err error
		tags, err = consoleTags(ctx, q, kind, id)
		return err
	})
	return tags, err
}

func putConsoleTags(ctx context.Context, tx querier, kind warden.ConsoleKind, id string, tags []warden.Tag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_console_tags (kind, resource_id, tag_key, tag_value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (kind, resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`, string(kind), id, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

// consoleTags returns a resource's tags by key, in byte order.
func consoleTags(ctx context.Context, q querier, kind warden.ConsoleKind, id string) ([]warden.Tag, error) {
	tags, err := queryTags(ctx, q, `SELECT tag_key, tag_value FROM health_console_tags WHERE kind = $1 AND resource_id = $2`, string(kind), id)
	return sortedTags(tags), err
}
