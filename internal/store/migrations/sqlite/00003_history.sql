-- Earlier versions of cases and person records that a newer export of the
-- same force changed: nothing a force once said is lost.

-- +goose Up
CREATE TABLE record_history (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('case', 'mention')),
    record_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    data        TEXT NOT NULL,
    source_id   TEXT NOT NULL REFERENCES sources (id),
    replaced_by TEXT NOT NULL REFERENCES sources (id),
    replaced_at DATETIME NOT NULL,
    UNIQUE (kind, record_id, version)
);

-- +goose Down
DROP TABLE record_history;
