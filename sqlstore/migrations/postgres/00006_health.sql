-- Amazon Connect Health for PostgreSQL: domains with their tags, their
-- subscriptions and their patient insights jobs. The SQLite folder
-- holds the same schema. IDs are the service's own (dom-…, sub-…, job
-- UUIDs); times are unix microseconds. Optional strings are '' rather than
-- NULL, optional times NULL. Subscriptions and jobs take their account and
-- region from their domain. Lists are sorted by creation time and ID, tags
-- in Go, so no column needs a collation.

-- +goose Up
CREATE TABLE health_domains (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    region             TEXT NOT NULL,
    name               TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('ACTIVE', 'DELETING', 'DELETED')),
    kms_key_arn        TEXT NOT NULL,
    web_app_role_arn   TEXT NOT NULL,
    idc_instance_id    TEXT NOT NULL,
    idc_application_id TEXT NOT NULL,
    idc_region         TEXT NOT NULL,
    web_app_url        TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    deleting_at        BIGINT
);
CREATE INDEX health_domains_by_account ON health_domains (account_id, region, created_at, id);
CREATE INDEX health_domains_by_status ON health_domains (status);

-- Tag keys are case-sensitive.
CREATE TABLE health_domain_tags (
    domain_id TEXT NOT NULL REFERENCES health_domains (id),
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (domain_id, tag_key)
);

CREATE TABLE health_subscriptions (
    id             TEXT PRIMARY KEY,
    domain_id      TEXT NOT NULL REFERENCES health_domains (id),
    status         TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'DELETED')),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    activated_at   BIGINT,
    deactivated_at BIGINT
);
CREATE INDEX health_subscriptions_by_domain ON health_subscriptions (domain_id, created_at, id);

-- request is the job's input sealed like access_keys.secret (it holds
-- patient data and may hold a FHIR server's OAuth token), the job ID as
-- additional data; request_digest is the SHA-256 the API computed over it
-- without its client token. A job started without a client token has
-- NULL there, which the unique constraint lets repeat.
CREATE TABLE health_insights_jobs (
    id             TEXT PRIMARY KEY,
    domain_id      TEXT NOT NULL REFERENCES health_domains (id),
    client_token   TEXT,
    request        BYTEA NOT NULL,
    request_digest BYTEA NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED')),
    status_details TEXT NOT NULL,
    output_uri     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (domain_id, client_token)
);
CREATE INDEX health_insights_jobs_by_status ON health_insights_jobs (status, domain_id);

-- +goose Down
DROP TABLE health_insights_jobs;
DROP TABLE health_subscriptions;
DROP TABLE health_domain_tags;
DROP TABLE health_domains;
