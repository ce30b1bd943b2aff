-- AWS Organizations for PostgreSQL: organizations, their tree of a root, OUs
-- and accounts, their SCPs and RCPs, and where each policy is attached. The
-- SQLite folder holds the same schema. IDs are AWS-style TEXT (o-…,
-- r-…, ou-…, p-…, car-…); times are unix microseconds. Lists are small
-- enough to be sorted in Go, so only tag keys, which SQL sorts, need a
-- collation.

-- +goose Up

-- An account manages at most one organization and belongs to at most one
-- (organization_accounts, where the management account has a row too).
CREATE TABLE organizations (
    id                    TEXT PRIMARY KEY,
    management_account_id TEXT NOT NULL UNIQUE REFERENCES accounts (id),
    feature_set           TEXT NOT NULL,
    root_id               TEXT NOT NULL UNIQUE,
    created_at            BIGINT NOT NULL
);

-- The policy types enabled in an organization's root.
CREATE TABLE organization_policy_types (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    policy_type     TEXT NOT NULL,
    PRIMARY KEY (organization_id, policy_type)
);

-- parent_id is the root's ID or another OU's; names are unique per parent.
CREATE TABLE organizational_units (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    parent_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (parent_id, name)
);

-- email_key is the lower-cased email, unique across organizations as AWS
-- account emails are; the management account has none.
CREATE TABLE organization_accounts (
    account_id      TEXT PRIMARY KEY REFERENCES accounts (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    parent_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    email           TEXT,
    email_key       TEXT UNIQUE,
    joined_method   TEXT NOT NULL,
    joined_at       BIGINT NOT NULL
);
CREATE INDEX organization_accounts_by_parent ON organization_accounts (parent_id);

CREATE TABLE create_account_requests (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    account_name    TEXT NOT NULL,
    state           TEXT NOT NULL,
    account_id      TEXT,
    failure_reason  TEXT,
    requested_at    BIGINT NOT NULL,
    completed_at    BIGINT NOT NULL
);

-- Customer SCPs and RCPs; the AWS managed full-access policies have no row.
CREATE TABLE organization_policies (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    policy_type     TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL,
    content         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (organization_id, policy_type, name)
);

-- Attachments name the policy by ID, which for AWS managed policies has no
-- row in organization_policies, and the target by the ID of a root, OU or
-- account.
CREATE TABLE organization_policy_attachments (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    target_id       TEXT NOT NULL,
    policy_id       TEXT NOT NULL,
    policy_type     TEXT NOT NULL,
    PRIMARY KEY (organization_id, target_id, policy_id)
);
CREATE INDEX organization_policy_attachments_by_policy ON organization_policy_attachments (organization_id, policy_id);

-- Tags of OUs, accounts and policies, by their IDs (which never collide:
-- each kind has its own prefix or form). Keys are case-sensitive, so
-- key_fold is the key itself.
CREATE TABLE organization_tags (
    resource_id TEXT NOT NULL,
    key_fold    TEXT COLLATE "C" NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (resource_id, key_fold)
);

-- +goose Down
DROP TABLE organization_tags;
DROP TABLE organization_policy_attachments;
DROP TABLE organization_policies;
DROP TABLE create_account_requests;
DROP TABLE organization_accounts;
DROP TABLE organizational_units;
DROP TABLE organization_policy_types;
DROP TABLE organizations;
