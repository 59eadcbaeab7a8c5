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
-- Triggers refuse UPDATE and DELETE on both tables: the application never
-- issues either, and anyone who does must first drop the triggers.

-- +goose Up
CREATE TABLE audit_entries (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 0),
    at          TEXT NOT NULL, -- as DATETIME elsewhere; see auditTime in audit.go
    actor       TEXT NOT NULL CHECK (actor <> ''),
    actor_login TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL CHECK (action <> ''),
    record_kind TEXT NOT NULL DEFAULT '',
    record_ids  TEXT NOT NULL DEFAULT '[]',
    purpose     TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT '',
    recipient   TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_entries_at ON audit_entries (at);

CREATE TABLE audit_checkpoints (
    tree_size   INTEGER PRIMARY KEY CHECK (tree_size >= 1),
    root_hash   BLOB NOT NULL CHECK (length(root_hash) = 32),
    frontier    BLOB NOT NULL,
    signed_note TEXT NOT NULL,
    created_at  DATETIME NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_entries;
