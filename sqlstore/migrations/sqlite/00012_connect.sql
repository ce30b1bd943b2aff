-- Amazon Connect for SQLite: instances with the names of their agent
-- hierarchy levels and groups, their users, the phone numbers claimed to
-- them, and the tags of instances, users and phone numbers. The PostgreSQL
-- folder holds the same schema. IDs are the service's own (UUIDs); times
-- are unix microseconds; optional strings are '' rather than NULL. Users
-- and hierarchy groups take their account and region from their instance.
-- Users are listed by username and phone numbers by number, compared
-- byte by byte.

-- +goose Up
CREATE TABLE connect_instances (
    id                       TEXT PRIMARY KEY,
    account_id               TEXT NOT NULL REFERENCES accounts (id),
    region                   TEXT NOT NULL,
    alias                    TEXT NOT NULL,
    identity_management_type TEXT NOT NULL,
    directory_id             TEXT NOT NULL,
    inbound_calls            BOOLEAN NOT NULL,
    outbound_calls           BOOLEAN NOT NULL,
    level_one                TEXT NOT NULL,
    level_two                TEXT NOT NULL,
    level_three              TEXT NOT NULL,
    level_four               TEXT NOT NULL,
    level_five               TEXT NOT NULL,
    created_at               BIGINT NOT NULL,
    UNIQUE (account_id, region, alias)
);
CREATE INDEX connect_instances_by_account ON connect_instances (account_id, region, created_at, id);

CREATE TABLE connect_hierarchy_groups (
    instance_id TEXT NOT NULL REFERENCES connect_instances (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (instance_id, id),
    UNIQUE (instance_id, name)
);

-- security_profile_ids is a JSON array of strings; settings is the JSON
-- document the API keeps for the rest of the user.
CREATE TABLE connect_users (
    id                   TEXT PRIMARY KEY,
    instance_id          TEXT NOT NULL REFERENCES connect_instances (id),
    username             TEXT NOT NULL,
    directory_user_id    TEXT NOT NULL,
    security_profile_ids TEXT NOT NULL,
    routing_profile_id   TEXT NOT NULL,
    hierarchy_group_id   TEXT NOT NULL,
    settings             TEXT NOT NULL,
    modified_at          BIGINT NOT NULL,
    UNIQUE (instance_id, username)
);
CREATE INDEX connect_users_by_name ON connect_users (instance_id, username, id);

-- A number released with its instance keeps its row with instance_id ''
-- so that seq, the account's count of numbers of its type, is not handed
-- out again.
CREATE TABLE connect_phone_numbers (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    region          TEXT NOT NULL,
    instance_id     TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    number          TEXT NOT NULL,
    country_code    TEXT NOT NULL,
    number_type     TEXT NOT NULL,
    description     TEXT NOT NULL,
    contact_flow_id TEXT NOT NULL,
    UNIQUE (account_id, region, number)
);
CREATE INDEX connect_phone_numbers_by_instance ON connect_phone_numbers (account_id, region, instance_id, number);

-- resource_type is the ARN's: instance, agent or phone-number. Tag keys
-- are case-sensitive.
CREATE TABLE connect_tags (
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    tag_key       TEXT NOT NULL,
    tag_value     TEXT NOT NULL,
    PRIMARY KEY (resource_type, resource_id, tag_key)
);

-- +goose Down
DROP TABLE connect_tags;
DROP TABLE connect_phone_numbers;
DROP TABLE connect_users;
DROP TABLE connect_hierarchy_groups;
DROP TABLE connect_instances;
