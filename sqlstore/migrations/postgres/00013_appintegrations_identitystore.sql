-- Amazon AppIntegrations event integrations and AWS Identity Store users
-- for PostgreSQL. The SQLite folder holds the same schema. Event integrations
-- are keyed by account, region and name, as AWS names them; times are unix
-- microseconds; optional strings are '' rather than NULL.

-- +goose Up
CREATE TABLE app_event_integrations (
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    region           TEXT NOT NULL,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL,
    source           TEXT NOT NULL,
    event_bridge_bus TEXT NOT NULL,
    client_token     TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (account_id, region, name)
);

-- Tag keys are case-sensitive.
CREATE TABLE app_event_integration_tags (
    account_id TEXT NOT NULL,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    tag_key    TEXT NOT NULL,
    tag_value  TEXT NOT NULL,
    PRIMARY KEY (account_id, region, name, tag_key),
    FOREIGN KEY (account_id, region, name) REFERENCES app_event_integrations (account_id, region, name)
);

-- One identity store per account.
CREATE TABLE identity_stores (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts (id),
    created_at BIGINT NOT NULL
);

-- attributes holds the user's optional attributes as a JSON object (names,
-- emails, titles…): nothing is looked up by them. user_name is unique in
-- its store, compared as written.
CREATE TABLE identity_store_users (
    id                TEXT PRIMARY KEY,
    identity_store_id TEXT NOT NULL REFERENCES identity_stores (id),
    user_name         TEXT NOT NULL,
    attributes        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (identity_store_id, user_name)
);

-- +goose Down
DROP TABLE identity_store_users;
DROP TABLE identity_stores;
DROP TABLE app_event_integration_tags;
DROP TABLE app_event_integrations;
