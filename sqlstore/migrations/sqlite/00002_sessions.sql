-- Temporary credentials issued by STS. secret is sealed like
-- access_keys.secret, the key ID as additional data; token_hash is the
-- SHA-256 of the session token, which is never stored. parent_id is the role
-- of a role session, or the user behind a federated-user or session-token
-- session (NULL for the root user). It is not a foreign key: deleting the
-- role or user ends its sessions rather than being refused. tags,
-- transitive_keys and policies are JSON arrays. Expired rows are purged
-- lazily, a day after expiry, so that a late request still hears
-- ExpiredToken.

-- +goose Up
CREATE TABLE sessions (
    access_key_id      TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    kind               TEXT NOT NULL CHECK (kind IN ('AssumedRole', 'FederatedUser', 'SessionToken')),
    secret             BLOB NOT NULL,
    token_hash         BLOB NOT NULL,
    parent_kind        TEXT NOT NULL CHECK (parent_kind IN ('Role', 'User', 'Root')),
    parent_id          TEXT,
    name               TEXT NOT NULL,
    source_identity    TEXT NOT NULL,
    tags               TEXT NOT NULL,
    transitive_keys    TEXT NOT NULL,
    policies           TEXT NOT NULL,
    federated_provider TEXT NOT NULL,
    mfa_at             BIGINT,
    issued_at          BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- +goose Down
DROP TABLE sessions;
