-- Amazon Connect Health medical coding jobs (preview) for SQLite. The PostgreSQL
-- folder holds the same schema. Jobs take their account and region from
-- their domain, as patient insights jobs do; times are unix microseconds.
-- request is the job's input sealed like access_keys.secret (it holds the
-- clinical note), the job ID as additional data; request_digest is the
-- SHA-256 the API computed over it without its client token. A job started
-- without a client token has NULL there, which the unique constraint lets
-- repeat.

-- +goose Up
CREATE TABLE health_coding_jobs (
    id             TEXT PRIMARY KEY,
    domain_id      TEXT NOT NULL REFERENCES health_domains (id),
    client_token   TEXT,
    request        BLOB NOT NULL,
    request_digest BLOB NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED')),
    status_details TEXT NOT NULL,
    output_uri     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (domain_id, client_token)
);
CREATE INDEX health_coding_jobs_by_status ON health_coding_jobs (status, domain_id);

-- +goose Down
DROP TABLE health_coding_jobs;
