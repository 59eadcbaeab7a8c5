-- Who may sign in, and how: users with their roles and case teams, the
-- sessions of people signed in, the API tokens of machine clients, and the
-- failed sign-ins counted per account and per address to slow guessing.
--
-- Secrets are never stored as given: a password as its Argon2id hash (PHC
-- string), a session id and an API token as the hex SHA-256 of what the
-- client holds, so that a copy of the database lets no one sign in.
-- totp_last_step is the last 30-second step whose code was accepted, so a
-- code cannot be used twice. Roles, teams and scopes are JSON arrays.

-- +goose Up
CREATE TABLE users (
    id             uuid PRIMARY KEY,
    login          text NOT NULL UNIQUE,
    name           text NOT NULL DEFAULT '',
    force          text NOT NULL,
    roles          jsonb NOT NULL DEFAULT '[]',
    teams          jsonb NOT NULL DEFAULT '[]',
    disabled       boolean NOT NULL DEFAULT false,
    password_hash  text NOT NULL,
    totp_secret    text NOT NULL DEFAULT '',
    totp_last_step bigint NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        integer NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    id_hash      text PRIMARY KEY CHECK (length(id_hash) = 64),
    user_id      uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    origin       text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL,
    hash         text NOT NULL UNIQUE CHECK (length(hash) = 64),
    scopes       jsonb NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- key is "account:LOGIN" or "addr:ADDRESS". A row with no failures lives
-- only inside the transaction that counts one, to have a row to lock.
CREATE TABLE login_throttle (
    key              text PRIMARY KEY,
    failures         integer NOT NULL CHECK (failures >= 0),
    first_failure_at timestamptz NOT NULL,
    blocked_until    timestamptz
);

-- +goose Down
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
