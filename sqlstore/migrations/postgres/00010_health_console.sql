-- Amazon Connect Health console resources for PostgreSQL: agents and their
-- versions, EHR integrations, agent sessions, and the tags of all three.
-- The SQLite folder holds the same schema. They take their account and
-- region from their domain; times are unix microseconds, optional times
-- NULL. A session names its agent without a foreign key: deleting an
-- agent leaves its sessions. Finishing a domain's deletion deletes every
-- row here that belongs to it.

-- +goose Up
CREATE TABLE health_agents (
    id                TEXT PRIMARY KEY,
    domain_id         TEXT NOT NULL REFERENCES health_domains (id),
    name              TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    latest_version    INTEGER NOT NULL,
    published_version INTEGER NOT NULL
);
CREATE INDEX health_agents_by_domain ON health_agents (domain_id, created_at, id);

CREATE TABLE health_agent_versions (
    agent_id     TEXT NOT NULL REFERENCES health_agents (id),
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'ARCHIVED')),
    description  TEXT NOT NULL,
    instructions TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    published_at BIGINT,
    PRIMARY KEY (agent_id, version)
);

-- auth_secret_arn names the secret holding the EHR's credentials; their
-- value is never stored.
CREATE TABLE health_integrations (
    id              TEXT PRIMARY KEY,
    domain_id       TEXT NOT NULL REFERENCES health_domains (id),
    name            TEXT NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('FHIR', 'HL7')),
    endpoint        TEXT NOT NULL,
    auth_secret_arn TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (domain_id, name)
);
CREATE INDEX health_integrations_by_domain ON health_integrations (domain_id, created_at, id);

-- context is the session's attributes as JSON, sealed like
-- access_keys.secret (it is patient data), the session ID as additional
-- data.
CREATE TABLE health_agent_sessions (
    id            TEXT PRIMARY KEY,
    domain_id     TEXT NOT NULL REFERENCES health_domains (id),
    agent_id      TEXT NOT NULL,
    agent_version INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'ENDED')),
    context       BYTEA NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    ended_at      BIGINT
);
CREATE INDEX health_agent_sessions_by_domain ON health_agent_sessions (domain_id);

-- Tag keys are case-sensitive; resource IDs are unique per kind.
CREATE TABLE health_console_tags (
    kind        TEXT NOT NULL CHECK (kind IN ('agent', 'integration', 'session')),
    resource_id TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (kind, resource_id, tag_key)
);

-- +goose Down
DROP TABLE health_console_tags;
DROP TABLE health_agent_sessions;
DROP TABLE health_integrations;
DROP TABLE health_agent_versions;
DROP TABLE health_agents;
