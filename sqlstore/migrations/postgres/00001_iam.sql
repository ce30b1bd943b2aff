-- Warden's IAM schema for PostgreSQL. The SQLite folder holds the same schema
-- in that dialect; the two differ only in column types (BLOB/BYTEA) and
-- collations, never in table or column names, so the store's SQL runs on
-- both. Times are unix microseconds (BIGINT); IDs are AWS-style TEXT.
-- Sort keys use the "C" collation so that PostgreSQL orders them byte by
-- byte as SQLite does; pagination markers depend on it.
-- name_key columns hold the lower-cased name: IAM names are unique without
-- regard to case, and lower-casing in Go keeps both engines in agreement.

-- +goose Up

-- One row: the cache generation, bumped by every write that can change an
-- authorization answer, and a fingerprint of the data key so that opening
-- with the wrong key fails instead of misreading secrets.
CREATE TABLE store_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    key_check  TEXT NOT NULL
);

CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    alias      TEXT UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE endpoint (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    url        TEXT NOT NULL,
    region     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL REFERENCES accounts (id),
    name                 TEXT NOT NULL,
    name_key             TEXT COLLATE "C" NOT NULL,
    path                 TEXT NOT NULL,
    permissions_boundary TEXT,
    created_at           BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);
CREATE INDEX users_by_boundary ON users (account_id, permissions_boundary);

CREATE TABLE user_tags (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_fold  TEXT COLLATE "C" NOT NULL,
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (user_id, key_fold)
);

CREATE TABLE groups (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL,
    name_key   TEXT COLLATE "C" NOT NULL,
    path       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

CREATE TABLE roles (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL REFERENCES accounts (id),
    name                 TEXT NOT NULL,
    name_key             TEXT COLLATE "C" NOT NULL,
    path                 TEXT NOT NULL,
    trust_policy         TEXT NOT NULL,
    description          TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL,
    permissions_boundary TEXT,
    last_used_at         BIGINT,
    last_used_region     TEXT,
    created_at           BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);
CREATE INDEX roles_by_boundary ON roles (account_id, permissions_boundary);

CREATE TABLE role_tags (
    role_id   TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    key_fold  TEXT COLLATE "C" NOT NULL,
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (role_id, key_fold)
);

-- Customer managed policies. Version numbers only grow: next_version is
-- the N of the next vN even after versions are deleted.
CREATE TABLE policies (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    name            TEXT NOT NULL,
    name_key        TEXT COLLATE "C" NOT NULL,
    path            TEXT NOT NULL,
    arn             TEXT NOT NULL UNIQUE,
    description     TEXT NOT NULL,
    default_version INTEGER NOT NULL,
    next_version    INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
    policy_id  TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version)
);

-- Policy tag keys are case-sensitive, so key_fold is the key itself.
CREATE TABLE policy_tags (
    policy_id TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    key_fold  TEXT COLLATE "C" NOT NULL,
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (policy_id, key_fold)
);

-- Attachments name the policy by ARN, not by row: AWS managed policies have
-- no row here. account_id is the identity's account, for per-account counts.
CREATE TABLE user_policy_attachments (
    user_id    TEXT NOT NULL REFERENCES users (id),
    account_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    PRIMARY KEY (user_id, policy_arn)
);
CREATE INDEX user_policy_attachments_by_policy ON user_policy_attachments (account_id, policy_arn);

CREATE TABLE group_policy_attachments (
    group_id   TEXT NOT NULL REFERENCES groups (id),
    account_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    PRIMARY KEY (group_id, policy_arn)
);
CREATE INDEX group_policy_attachments_by_policy ON group_policy_attachments (account_id, policy_arn);

CREATE TABLE role_policy_attachments (
    role_id    TEXT NOT NULL REFERENCES roles (id),
    account_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    PRIMARY KEY (role_id, policy_arn)
);
CREATE INDEX role_policy_attachments_by_policy ON role_policy_attachments (account_id, policy_arn);

CREATE TABLE user_inline_policies (
    user_id  TEXT NOT NULL REFERENCES users (id),
    name     TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (user_id, name_key)
);

CREATE TABLE group_inline_policies (
    group_id TEXT NOT NULL REFERENCES groups (id),
    name     TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (group_id, name_key)
);

CREATE TABLE role_inline_policies (
    role_id  TEXT NOT NULL REFERENCES roles (id),
    name     TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (role_id, name_key)
);

-- secret is sealed with AES-256-GCM under the data key, the key ID as
-- additional data. A NULL user_id marks a key of the account's root user.
CREATE TABLE access_keys (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    user_id           TEXT REFERENCES users (id),
    secret            BYTEA NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at        BIGINT NOT NULL,
    last_used_at      BIGINT,
    last_used_service TEXT,
    last_used_region  TEXT
);
CREATE INDEX access_keys_by_owner ON access_keys (account_id, user_id);

CREATE TABLE login_profiles (
    user_id        TEXT PRIMARY KEY REFERENCES users (id),
    password_hash  TEXT NOT NULL,
    reset_required BOOLEAN NOT NULL,
    created_at     BIGINT NOT NULL
);

-- seed is sealed like access_keys.secret, the serial number as additional
-- data.
CREATE TABLE mfa_devices (
    serial     TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    serial_key TEXT COLLATE "C" NOT NULL,
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,
    seed       BYTEA NOT NULL,
    user_id    TEXT REFERENCES users (id),
    enabled_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, serial_key)
);
CREATE INDEX mfa_devices_by_user ON mfa_devices (user_id);

-- +goose Down
DROP TABLE mfa_devices;
DROP TABLE login_profiles;
DROP TABLE access_keys;
DROP TABLE role_inline_policies;
DROP TABLE group_inline_policies;
DROP TABLE user_inline_policies;
DROP TABLE role_policy_attachments;
DROP TABLE group_policy_attachments;
DROP TABLE user_policy_attachments;
DROP TABLE policy_tags;
DROP TABLE policy_versions;
DROP TABLE policies;
DROP TABLE role_tags;
DROP TABLE roles;
DROP TABLE group_members;
DROP TABLE groups;
DROP TABLE user_tags;
DROP TABLE users;
DROP TABLE endpoint;
DROP TABLE accounts;
DROP TABLE store_state;
