-- Organization handshakes and session contexts for SQLite (the PostgreSQL folder
-- holds the same schema). Times are unix microseconds.

-- +goose Up

-- Invitations of existing accounts to organizations. The organization's
-- name and feature set are copied at invitation time, as the handshake's
-- resources show them to the invited account; tags is a JSON array of the
-- tags the account gets when it joins. Deleting the organization deletes
-- its handshakes. An open invitation past expires_at reads EXPIRED.
CREATE TABLE organization_handshakes (
    id                    TEXT PRIMARY KEY,
    organization_id       TEXT NOT NULL REFERENCES organizations (id),
    management_account_id TEXT NOT NULL,
    account_id            TEXT NOT NULL REFERENCES accounts (id),
    state                 TEXT NOT NULL CHECK (state IN ('OPEN', 'ACCEPTED', 'DECLINED', 'CANCELED')),
    management_name       TEXT NOT NULL,
    feature_set           TEXT NOT NULL,
    notes                 TEXT NOT NULL,
    tags                  TEXT NOT NULL,
    requested_at          BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL
);
CREATE INDEX organization_handshakes_by_account ON organization_handshakes (account_id);
CREATE INDEX organization_handshakes_by_organization ON organization_handshakes (organization_id);

-- The condition keys a trusted context provider set on a session
-- (AssumeRole ProvidedContexts), as a JSON object of key to value.
ALTER TABLE sessions ADD COLUMN context_keys TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE sessions DROP COLUMN context_keys;
DROP TABLE organization_handshakes;
