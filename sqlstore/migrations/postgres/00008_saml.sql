-- IAM SAML identity providers. name_fold is the name in lower case: names
-- are unique in their account without regard to case. metadata is the
-- document as uploaded; valid_until is its validUntil in microseconds, 0
-- without. Tags are case-sensitive, like those of OIDC providers.

-- +goose Up
CREATE TABLE saml_providers (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name_fold   TEXT COLLATE "C" NOT NULL,
    name        TEXT NOT NULL,
    uuid        TEXT NOT NULL,
    metadata    TEXT NOT NULL,
    valid_until BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, name_fold)
);

CREATE TABLE saml_provider_tags (
    provider_id TEXT NOT NULL REFERENCES saml_providers (id) ON DELETE CASCADE,
    key_fold    TEXT COLLATE "C" NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (provider_id, key_fold)
);

-- +goose Down
DROP TABLE saml_provider_tags;
DROP TABLE saml_providers;
