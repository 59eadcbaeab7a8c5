-- Deconfliction without disclosure: when a user reaches for a record that
-- another force holds, the user is told only that the force holds material,
-- and the force is told of the interest here. A notice names the record and
-- who asked; it never copies the record.

-- +goose Up
CREATE TABLE interest_notices (
    id          uuid PRIMARY KEY,
    owner_force text NOT NULL,
    record_kind text NOT NULL,
    record_id   text NOT NULL,
    from_user   text NOT NULL,
    from_login  text NOT NULL,
    from_force  text NOT NULL,
    reason      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    seen_at     timestamptz
);
CREATE INDEX interest_notices_owner ON interest_notices (owner_force, created_at);

-- +goose Down
DROP TABLE interest_notices;
