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
    id             TEXT PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL DEFAULT '',
    force          TEXT NOT NULL,
    roles          TEXT NOT NULL DEFAULT '[]',
    teams          TEXT NOT NULL DEFAULT '[]',
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY CHECK (length(id_hash) = 64),
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    origin       TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    scopes       TEXT NOT NULL DEFAULT '[]',
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- key is "account:LOGIN" or "addr:ADDRESS". A row with no failures lives
-- only inside the transaction that counts one, to have a row to lock.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL CHECK (failures >= 0),
    first_failure_at DATETIME NOT NULL,
    blocked_until    DATETIME
) WITHOUT ROWID;

-- +goose Down
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
