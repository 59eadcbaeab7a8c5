-- The audit log that the Data Protection Act 2018 s62 asks for: every
-- collection, alteration, consultation, disclosure, combination and erasure
-- of personal data, and the security events around them (sign-ins, refusals,
-- users added, keys rotated), each with who, when, what, why and from where.
--
-- audit_entries only grows. seq runs from 0 with no gaps; each entry's hash
-- chains it to the entry before (internal/audit says how). audit_checkpoints
-- holds signed heads of the RFC 6962 Merkle tree over the entries, so that a
-- rewritten chain or a cut tail is found as well. frontier is the roots of
-- the perfect subtrees that make up the tree at tree_size, largest first, so
-- that the next checkpoint hashes only the entries after this one.
--
-- A trigger refuses UPDATE, DELETE and TRUNCATE on both tables, whoever
-- asks: the application never issues them, and anyone who does must first
-- disable the trigger. The REVOKE keeps roles other than the owner from
-- being granted them through PUBLIC.

-- +goose Up
CREATE TABLE audit_entries (
    seq         bigint PRIMARY KEY CHECK (seq >= 0),
    at          timestamptz NOT NULL,
    actor       text NOT NULL CHECK (actor <> ''),
    actor_login text NOT NULL DEFAULT '',
    action      text NOT NULL CHECK (action <> ''),
    record_kind text NOT NULL DEFAULT '',
    record_ids  jsonb NOT NULL DEFAULT '[]',
    purpose     text NOT NULL DEFAULT '',
    origin      text NOT NULL DEFAULT '',
    recipient   text NOT NULL DEFAULT '',
    outcome     text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    detail      text NOT NULL DEFAULT '',
    prev_hash   bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash        bytea NOT NULL CHECK (octet_length(hash) = 32)
);
CREATE INDEX audit_entries_at ON audit_entries (at);

CREATE TABLE audit_checkpoints (
    tree_size   bigint PRIMARY KEY CHECK (tree_size >= 1),
    root_hash   bytea NOT NULL CHECK (octet_length(root_hash) = 32),
    frontier    bytea NOT NULL,
    signed_note text NOT NULL,
    created_at  timestamptz NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_checkpoints FROM PUBLIC;

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_entries;
DROP FUNCTION audit_append_only();
