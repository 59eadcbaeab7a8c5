-- Earlier versions of cases and person records that a newer export of the
-- same force changed: nothing a force once said is lost.

-- +goose Up
CREATE TABLE record_history (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('case', 'mention')),
    record_id   uuid NOT NULL,
    version     integer NOT NULL,
    data        jsonb NOT NULL,
    source_id   uuid NOT NULL REFERENCES sources (id),
    replaced_by uuid NOT NULL REFERENCES sources (id),
    replaced_at timestamptz NOT NULL,
    UNIQUE (kind, record_id, version)
);

-- +goose Down
DROP TABLE record_history;
