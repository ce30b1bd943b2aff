-- IAM OpenID Connect identity providers. url_key is the provider's URL
-- without https://, the resource of its ARN, unique in its account.
-- client_ids (in the order added) and thumbprints are JSON arrays. Tags are
-- case-sensitive, like those of managed policies.

-- +goose Up
CREATE TABLE oidc_providers (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    url_key     TEXT NOT NULL,
    url         TEXT NOT NULL,
    client_ids  TEXT NOT NULL,
    thumbprints TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, url_key)
);

CREATE TABLE oidc_provider_tags (
    provider_id TEXT NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
    key_fold    TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (provider_id, key_fold)
);

-- +goose Down
DROP TABLE oidc_provider_tags;
DROP TABLE oidc_providers;
