-- Amazon Connect Health medical scribe listening sessions for SQLite (the
-- PostgreSQL folder holds the same schema). The session ID is the client's
-- UUID, unique within its subscription; times are unix microseconds,
-- ended_at NULL while the session streams. configuration is the client's
-- configuration event sealed like access_keys.secret (it may hold the
-- encounter's clinical context), with the subscription and session IDs as
-- additional data; empty until the session ends.

-- +goose Up
CREATE TABLE health_scribe_sessions (
    subscription_id TEXT NOT NULL REFERENCES health_subscriptions (id),
    id              TEXT NOT NULL,
    domain_id       TEXT NOT NULL REFERENCES health_domains (id),
    language_code   TEXT NOT NULL,
    sample_rate     INTEGER NOT NULL,
    media_encoding  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED')),
    configuration   BLOB NOT NULL,
    audio_bytes     BIGINT NOT NULL,
    audio_uri       TEXT NOT NULL,
    record_uri      TEXT NOT NULL,
    failure_reason  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    ended_at        BIGINT,
    PRIMARY KEY (subscription_id, id)
);
CREATE INDEX health_scribe_sessions_by_domain ON health_scribe_sessions (domain_id, created_at, subscription_id, id);
CREATE INDEX health_scribe_sessions_by_status ON health_scribe_sessions (status, domain_id);

-- +goose Down
DROP TABLE health_scribe_sessions;
